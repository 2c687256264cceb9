package store

import "context"

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
// (ftslevels.go). No-op on PostgreSQL, whose GIN index keeps its own
// pending list.
func (db *DB) MergeFullText(ctx context.Context) (int, error) {
	if db.dialect != SQLite {
		return 0, nil
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
