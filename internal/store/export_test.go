package store

import (
	"context"
	"database/sql"
)

// SetReadAuditHook makes the read-audit writer call hook before each
// group's transaction, with the group's size (reads, events); the hook may
// block to let reads pile up. Set it before the first read.
func (db *DB) SetReadAuditHook(hook func(reads, rows int)) {
	db.reads.mu.Lock()
	defer db.reads.mu.Unlock()
	db.reads.beforeCommit = hook
}

// SetAuditDiscard turns the no-op audit sink on or off: every audit event
// is dropped instead of written (the overhead benchmark's baseline).
func (db *DB) SetAuditDiscard(on bool) { db.discardAudit.Store(on) }

// PlanFileFacts is the query plan of FileFacts' statement for personIDs,
// one line per step: SQLite's EXPLAIN QUERY PLAN, or PostgreSQL's EXPLAIN
// with sequential scans priced out (a scan left in the plan then means no
// index can serve that step, whatever the size of the test's tables). A
// transaction of its own, for SET LOCAL: a read on PostgreSQL has none.
func (db *DB) PlanFileFacts(ctx context.Context, workerID string, personIDs []string) ([]string, error) {
	var plan []string
	err := db.Transact(ctx, func(tx *Tx) error {
		q, args := tx.fileFactsStatement(workerID, personIDs, true)
		explain, col := "EXPLAIN QUERY PLAN ", 3 // id, parent, notused, detail
		if db.dialect == Postgres {
			if _, err := tx.exec(ctx, "SET LOCAL enable_seqscan = off"); err != nil {
				return err
			}
			explain, col = "EXPLAIN ", 0
		}
		rows, err := tx.query(ctx, explain+q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		for i := range vals {
			vals[i] = new(sql.NullString)
		}
		for rows.Next() {
			if err := rows.Scan(vals...); err != nil {
				return err
			}
			plan = append(plan, vals[col].(*sql.NullString).String)
		}
		return rows.Err()
	})
	return plan, err
}

// FullTextSegment is a segment of SQLite's journal index: its level and
// size in leaf pages.
type FullTextSegment struct {
	ID     uint64
	Level  int
	Pages  uint64
	Oldest int // rank from the oldest segment of the index (0)
}

// FullTextSegments lists the segments of SQLite's journal index from
// the oldest to the newest (ftslevels.go).
func (db *DB) FullTextSegments(ctx context.Context) ([]FullTextSegment, error) {
	var b []byte
	if err := db.w.QueryRowContext(ctx, "SELECT block FROM journal_fts_data WHERE id = ?", ftsStructureID).Scan(&b); err != nil {
		return nil, err
	}
	s, err := decodeFTSStructure(b)
	if err != nil {
		return nil, err
	}
	var out []FullTextSegment
	for l := len(s.levels) - 1; l >= 0; l-- {
		for _, g := range s.levels[l].segs {
			out = append(out, FullTextSegment{ID: g.id, Level: l, Pages: g.pages(), Oldest: len(out)})
		}
	}
	return out, nil
}

// LeaveRowsOpen runs q in tx and leaves its rows open, as a careless read
// would.
func (tx *Tx) LeaveRowsOpen(ctx context.Context, q string) error {
	_, err := tx.query(ctx, q)
	return err
}

// ReadConnsInUse is the number of connections of the read pool in use.
func (db *DB) ReadConnsInUse() int { return db.r.Stats().InUse }

// SetPendingVacuumRows sets how many sealed rows the sealer lets pile up
// in audit_pending before it vacuums it (PostgreSQL).
func (db *DB) SetPendingVacuumRows(n int) { db.vacuumEvery = n }

// FileFactsBothWays gathers the facts of personIDs with the statement of
// the database's dialect and with SQLite's (buildFileFactsQuery), which
// PostgreSQL runs too: the two must agree.
func (db *DB) FileFactsBothWays(ctx context.Context, workerID string, teamIDs, personIDs []string) (own, generic map[string]*FileFacts, err error) {
	err = db.View(ctx, func(tx *Tx) error {
		q, args := tx.fileFactsStatement(workerID, personIDs, true)
		if own, err = tx.fileFacts(ctx, q, args, workerID, teamIDs, nil); err != nil {
			return err
		}
		sq := &Tx{db: &DB{dialect: SQLite}, now: tx.now}
		q, args = sq.fileFactsStatement(workerID, personIDs, true)
		generic, err = tx.fileFacts(ctx, q, args, workerID, teamIDs, nil)
		return err
	})
	return own, generic, err
}
