package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/google/uuid"

	"parcours/internal/audit"
)

// AuditRecord is what a service asks to be audited; the store seals it
// into the chain at commit.
type AuditRecord = audit.Event

// Audit queues an audit event; it is chained and written in the same
// transaction, just before COMMIT. A transaction that rolls back leaves no
// event, and no change is committed without its event.
func (tx *Tx) Audit(ev AuditRecord) {
	tx.pending = append(tx.pending, ev)
}

// auditLockKey serialises chain appends across every Parcours instance
// sharing one PostgreSQL database.
const auditLockKey = 0x7061726373 // "parcs"

func (tx *Tx) flushAudit(ctx context.Context) error {
	if tx.db.dialect == Postgres {
		if _, err := tx.exec(ctx, "SELECT pg_advisory_xact_lock(?)", int64(auditLockKey)); err != nil {
			return err
		}
	}
	var seq int64
	var hash string
	err := tx.queryRow(ctx, "SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1").Scan(&seq, &hash)
	if errors.Is(err, sql.ErrNoRows) {
		// After a retention purge the chain continues from the checkpoint.
		err = tx.queryRow(ctx, "SELECT last_seq, last_hash FROM audit_checkpoints ORDER BY last_seq DESC LIMIT 1").Scan(&seq, &hash)
		if errors.Is(err, sql.ErrNoRows) {
			seq, hash, err = 0, audit.GenesisHash, nil
		}
	}
	if err != nil {
		return err
	}
	for i := range tx.pending {
		ev := &tx.pending[i]
		if ev.ID == "" {
			ev.ID = NewID()
		}
		ev.At = tx.now.Truncate(1000) // microseconds, as stored
		ev.Seal(seq, hash)
		if _, err := tx.exec(ctx, `INSERT INTO audit_events
			(seq, id, at, actor_id, org_id, role, action, object_type, object_id, person_id, request_id, break_glass_id, reason, prev_hash, hash)
			VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
			ev.Seq, ev.ID, ts(ev.At), ev.ActorID, ev.OrgID, ev.Role, ev.Action, ev.ObjectType, ev.ObjectID,
			ev.PersonID, ev.RequestID, ev.BreakGlass, ev.Reason, ev.PrevHash, ev.Hash); err != nil {
			return err
		}
		seq, hash = ev.Seq, ev.Hash
	}
	return nil
}

// NewID returns a new opaque identifier: a UUIDv7, time-ordered for index
// locality but not guessable from its neighbours.
func NewID() string {
	return uuid.Must(uuid.NewV7()).String()
}
