package store

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5/pgconn"
)

// Upkeep of SQLite's journal full-text index (journal_fts).
//
// The writes only add their small segment to the index (migration 0360
// turned FTS5's automerge off: merging inside each write was most of the
// cost of adding a journal entry on a large database); MergeFullText
// merges those segments in the background, many writes' worth at a time.
// Each step is its own short transaction: the requests waiting for
// SQLite's single writer connection are handed it between two steps.

// ftsMergePages bounds one merge step: the leaf pages it writes (about
// 4 KiB each). Small enough that a step holds the writer a few
// milliseconds, large enough to keep up with thousands of writes a second.
// A step ends only between two terms, though: one that takes in a big
// segment overshoots by a common word's whole list, thousands of pages,
// which is why big segments are kept out of these merges (ftslevels.go).
const ftsMergePages = 64

// ftsMergeSteps bounds the steps of one call, so that a backlog (the
// first run after a bulk load) is merged over several ticks instead of
// holding the tick up.
const ftsMergeSteps = 50

// MergeFullText merges the small segments of the journal's full-text
// index, in steps, until none is left to merge or ftsMergeSteps ran; it
// returns how many steps did work. Before and after, it lifts the
// segments too big for their level out of the way of the small merges
// (ftslevels.go). On PostgreSQL it empties the GIN index's pending list
// instead (cleanPendingList) and returns the pages it emptied.
func (db *DB) MergeFullText(ctx context.Context) (int, error) {
	if db.dialect != SQLite {
		return db.cleanPendingList(ctx)
	}
	if _, err := db.liftFullTextSegments(ctx); err != nil {
		return 0, err
	}
	steps, err := db.mergeFullTextSteps(ctx)
	if err == nil && steps > 0 {
		// A merge that ended may have written the whole index onto a
		// low level (the first after a bulk load does).
		_, err = db.liftFullTextSegments(ctx)
	}
	return steps, err
}

// mergeFullTextSteps runs the merge steps of MergeFullText.
func (db *DB) mergeFullTextSteps(ctx context.Context) (int, error) {
	steps := 0
	for steps < ftsMergeSteps {
		var changed int64
		err := db.Transact(ctx, func(tx *Tx) error {
			// FTS5 tells "nothing left to merge" by changing fewer than
			// two rows (its documented test, on total_changes).
			var before, after int64
			if err := tx.queryRow(ctx, "SELECT total_changes()").Scan(&before); err != nil {
				return err
			}
			if _, err := tx.exec(ctx, "INSERT INTO journal_fts (journal_fts, rank) VALUES ('merge', ?)", ftsMergePages); err != nil {
				return err
			}
			if err := tx.queryRow(ctx, "SELECT total_changes()").Scan(&after); err != nil {
				return err
			}
			changed = after - before
			return nil
		})
		if err != nil {
			return steps, err
		}
		if changed < 2 {
			return steps, nil
		}
		steps++
	}
	return steps, nil
}

// cleanPendingList moves the entries of the pending list of PostgreSQL's
// journal full-text index (journal_entries_fts, a GIN index with
// fastupdate) into the index proper. A write only appends its entry's
// words to that list; the insert that finds the list over
// gin_pending_list_limit (4 MB, some 15,000 entries) empties it itself,
// a third of a second of CPU at 500,000 persons in front of that one
// request, and of the others on a 2-core host (issue 17). Emptied on the
// sealer's tick, the list holds a tenth of a second of writes, which
// costs less per entry than a big one (2 ms for 200 entries, 320 ms for
// 14,000) and never reaches the limit. Only the index's owner may empty
// it: a role that does not own it (42501) leaves the list to the writes,
// as before, and is told once.
func (db *DB) cleanPendingList(ctx context.Context) (int, error) {
	if db.dialect != Postgres || db.pendingListNotOwner.Load() {
		return 0, nil
	}
	const q = "SELECT gin_clean_pending_list('journal_entries_fts'::regclass)"
	var pages int64
	err := db.upkeepPool(ctx).QueryRowContext(ctx, q).Scan(&pages)
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "42501" {
		db.pendingListNotOwner.Store(true)
	}
	return int(pages), wrapQuery(q, err)
}
