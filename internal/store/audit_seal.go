package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"parcours/internal/audit"
)

// Sealing the audit trail.
//
// Requests write their audit events unchained into audit_pending, in their
// own transaction (insertPending): no lock, no read of the chain's end on
// the request path. The sealer chains them: in one transaction it takes
// the oldest pending events (in the order of n), gives each the next
// sequence number and its hash, inserts them into audit_events and deletes
// them from audit_pending. One sealer runs per database, under the
// "audit.sealer" lease (RunAuditSealer, started by "parcours serve"); on
// PostgreSQL an advisory lock inside the sealing transaction keeps the
// chain gapless even if two sealers overlap (a lease taken over from a
// paused instance), and SQLite has a single writer anyway.
//
// Where no sealer runs — the one-shot commands, the tests — the store
// seals right after each transaction that wrote events (inline sealing),
// so the chain is complete when the call returns.

// sealBatch is the number of events one sealing transaction chains.
const sealBatch = 1000

// SealAudit chains every pending audit event and returns how many it
// sealed. It is safe to call from any number of instances at once.
func (db *DB) SealAudit(ctx context.Context) (int, error) {
	total := 0
	for {
		n, err := db.sealOnce(ctx)
		total += n
		if err != nil || n < sealBatch {
			return total, err
		}
	}
}

func (db *DB) sealOnce(ctx context.Context) (int, error) {
	var sealed int
	err := db.Transact(ctx, func(tx *Tx) error {
		sealed = 0
		if tx.db.dialect == Postgres {
			// Held, and sent with BEGIN ahead of the read that follows:
			// one round trip for the three.
			if err := tx.execLater(ctx, "SELECT pg_advisory_xact_lock(?)", int64(auditLockKey)); err != nil {
				return err
			}
		}
		rows, err := tx.query(ctx, "SELECT n, "+pendingColumns+" FROM audit_pending ORDER BY n LIMIT ?", sealBatch)
		if err != nil {
			return err
		}
		var (
			ns  []int64
			evs []audit.Event
		)
		for rows.Next() {
			var n, at int64
			var ev audit.Event
			if err := rows.Scan(&n, &ev.ID, &at, &ev.ActorID, &ev.OrgID, &ev.Role, &ev.Action, &ev.ObjectType, &ev.ObjectID,
				&ev.PersonID, &ev.RequestID, &ev.BreakGlass, &ev.Reason); err != nil {
				rows.Close()
				return err
			}
			ev.At = fromTS(at)
			ns, evs = append(ns, n), append(evs, ev)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if len(evs) == 0 {
			return nil
		}
		seq, hash, err := tx.chainEnd(ctx)
		if err != nil {
			return err
		}
		for i := range evs {
			evs[i].Seal(seq, hash)
			seq, hash = evs[i].Seq, evs[i].Hash
		}
		if tx.db.dialect == Postgres {
			if err := tx.moveSealed(ctx, ns, evs); err != nil {
				return err
			}
		} else if err := tx.insertSealed(ctx, evs); err != nil {
			return err
		} else if _, err := tx.exec(ctx, "DELETE FROM audit_pending WHERE n <= ?", ns[len(ns)-1]); err != nil {
			// SQLite has one writer: every n up to the last one read was
			// committed before this transaction began, and read.
			return err
		}
		sealed = len(evs)
		return nil
	})
	return sealed, err
}

// chainEnd returns the sequence number and hash of the chain's last
// event: the genesis, or after a retention purge that emptied the trail,
// the last checkpoint.
func (tx *Tx) chainEnd(ctx context.Context) (int64, string, error) {
	var seq int64
	var hash string
	err := tx.queryRow(ctx, "SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1").Scan(&seq, &hash)
	if errors.Is(err, sql.ErrNoRows) {
		err = tx.queryRow(ctx, "SELECT last_seq, last_hash FROM audit_checkpoints ORDER BY last_seq DESC LIMIT 1").Scan(&seq, &hash)
		if errors.Is(err, sql.ErrNoRows) {
			return 0, audit.GenesisHash, nil
		}
	}
	return seq, hash, err
}

// moveSealedSQL moves chained events from audit_pending to audit_events
// on PostgreSQL: the server copies each pending row as it is and adds
// the sequence number and hashes the sealer computed, so that only those
// travel (four arrays, whatever the number of events), not the events
// read a moment before sent back column by column. A VALUES list as long
// as the batch was besides a new statement for every length the sealer
// met (a batch holds what arrived since the last tick), parsed, planned
// and prepared anew by the server and built and bound by serve (issue
// 17). Rows of other transactions may commit with a smaller n meanwhile:
// exactly those chained are moved.
const moveSealedSQL = `WITH moved AS (
	DELETE FROM audit_pending WHERE n = ANY(?::bigint[]) RETURNING n, ` + pendingColumns + `
)
INSERT INTO audit_events (` + auditColumns + `)
SELECT c.seq, m.id, m.at, m.actor_id, m.org_id, m.role, m.action, m.object_type, m.object_id, m.person_id, m.request_id,
	m.break_glass_id, m.reason, c.prev_hash, c.hash
FROM moved m JOIN unnest(?::bigint[], ?::bigint[], ?::text[], ?::text[]) AS c(n, seq, prev_hash, hash) ON c.n = m.n`

// moveSealed writes evs, chained, in place of the pending rows ns they
// were read from (moveSealedSQL). Pending rows are never updated (a
// trigger refuses it) and only the sealer, under the advisory lock held
// since before they were read, deletes them: the rows copied are those
// the hashes were computed on. A move of fewer rows than read fails the
// transaction rather than leave a gap in the chain.
func (tx *Tx) moveSealed(ctx context.Context, ns []int64, evs []audit.Event) error {
	seqs := make([]int64, len(evs))
	prev, hash := make([]string, len(evs)), make([]string, len(evs))
	for i := range evs {
		seqs[i], prev[i], hash[i] = evs[i].Seq, evs[i].PrevHash, evs[i].Hash
	}
	res, err := tx.exec(ctx, moveSealedSQL, ns, ns, seqs, prev, hash)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n != int64(len(evs)) {
		return fmt.Errorf("store: seal the audit trail: %d events moved of %d read (%v)", n, len(evs), err)
	}
	return nil
}

// insertSealed inserts chained events into audit_events, many a statement
// (SQLite).
func (tx *Tx) insertSealed(ctx context.Context, evs []audit.Event) error {
	const per = 500 // 15 parameters each
	for start := 0; start < len(evs); start += per {
		chunk := evs[start:min(len(evs), start+per)]
		var q strings.Builder
		q.WriteString("INSERT INTO audit_events (" + auditColumns + ") VALUES ")
		args := make([]any, 0, 15*len(chunk))
		for i := range chunk {
			ev := &chunk[i]
			if i > 0 {
				q.WriteByte(',')
			}
			q.WriteString("(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
			args = append(args, ev.Seq, ev.ID, ts(ev.At), ev.ActorID, ev.OrgID, ev.Role, ev.Action, ev.ObjectType, ev.ObjectID,
				ev.PersonID, ev.RequestID, ev.BreakGlass, ev.Reason, ev.PrevHash, ev.Hash)
		}
		s := q.String()
		observe(ctx, s)
		if _, err := tx.execText(ctx, s, args...); err != nil {
			return err
		}
	}
	return nil
}

// SetSealInline turns inline sealing on (the default: each transaction
// that wrote audit events seals them before returning) or off (a sealer
// runs, or a test seals with SealAudit when it chooses).
func (db *DB) SetSealInline(on bool) { db.sealLater.Store(!on) }

// sealInline seals after a transaction that wrote audit events, unless a
// sealer runs. Its statements are not the request's: they run on a
// context of their own, which no statement counter observes.
func (db *DB) sealInline() error {
	if db.sealLater.Load() {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err := db.SealAudit(ctx)
	return err
}

// SealerLease is the name of the sealer's lease in job_leases.
const SealerLease = "audit.sealer"

// Sealer timing: how often the lease holder seals, how long its lease
// lasts, and how often it renews it.
const (
	SealEvery     = 100 * time.Millisecond
	sealerLease   = 5 * time.Second
	sealerRenewal = time.Second
)

// RunAuditSealer seals the audit trail every SealEvery while this
// instance (holder) holds the sealer's lease, taking the lease over when
// its holder stops renewing it. It turns inline sealing off while it runs
// and returns when ctx ends, after releasing the lease, turning inline
// sealing back on and sealing what is left. onError hears of the failures
// (the loop goes on).
func (db *DB) RunAuditSealer(ctx context.Context, holder string, onError func(error)) {
	// Its transactions go ahead of the requests' (writegate.go).
	ctx = withUpkeep(ctx)
	db.SetSealInline(false)
	defer func() {
		db.SetSealInline(true)
		fctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := db.releaseLease(fctx, SealerLease, holder); err != nil {
			onError(err)
		}
		if _, err := db.SealAudit(fctx); err != nil {
			onError(err)
		}
	}()
	tick := time.NewTicker(SealEvery)
	defer tick.Stop()
	var held bool
	var renew time.Time
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		if now := db.Now(); !now.Before(renew) {
			won, err := db.holdLease(ctx, SealerLease, holder, now, sealerLease)
			if err != nil {
				if ctx.Err() == nil {
					onError(err)
				}
				held = false
				continue
			}
			held, renew = won, now.Add(sealerRenewal)
		}
		if !held {
			continue
		}
		sealed, err := db.SealAudit(ctx)
		if err != nil && ctx.Err() == nil {
			onError(err)
		}
		if err := db.vacuumPending(ctx, sealed); err != nil && ctx.Err() == nil {
			onError(err)
		}
		// The lease holder also keeps the journal's full-text index
		// merged (ftsmerge.go): one upkeep per database, off the
		// request path.
		if _, err := db.MergeFullText(ctx); err != nil && ctx.Err() == nil {
			onError(err)
		}
	}
}

// pendingVacuumRows is how many sealed (hence deleted) audit_pending
// rows the sealer lets pile up on PostgreSQL before it vacuums the table
// itself.
const pendingVacuumRows = 20000

// vacuumPending vacuums audit_pending on PostgreSQL once the sealer has
// deleted pendingVacuumRows rows from it since the last time. The table
// is a queue: every audited request adds a row, the sealer deletes it
// within 100 ms, and its dead rows are left for VACUUM. Without one (a
// server with autovacuum off, or one slow to reach a small table), the
// sealer's "oldest first" scan walks ever more dead index entries: at
// 65,000 it cost a read as much database CPU as the read itself (issue
// 17). VACUUM of a queue of a few live rows takes milliseconds and runs
// here, on the sealer's tick, off the request path. SQLite reuses freed
// pages by itself.
func (db *DB) vacuumPending(ctx context.Context, sealed int) error {
	if db.dialect != Postgres || db.vacuumEvery == 0 {
		return nil
	}
	if db.sealedSinceVacuum += sealed; db.sealedSinceVacuum < db.vacuumEvery {
		return nil
	}
	db.sealedSinceVacuum = 0
	_, err := db.upkeepPool(ctx).ExecContext(ctx, "VACUUM audit_pending")
	return wrapQuery("VACUUM audit_pending", err)
}

// holdLease takes the lease name for holder until now+ttl, or renews it
// when holder has it already, and reports whether holder holds it.
func (db *DB) holdLease(ctx context.Context, name, holder string, now time.Time, ttl time.Duration) (bool, error) {
	var won bool
	err := db.Transact(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, `INSERT INTO job_leases (name, holder, expires_at) VALUES (?,?,?)
			ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
			WHERE job_leases.expires_at <= ? OR job_leases.holder = excluded.holder`,
			name, holder, ts(now.Add(ttl)), ts(now))
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		won = n == 1
		return err
	})
	return won, err
}

// releaseLease ends holder's lease name, if it still holds it.
func (db *DB) releaseLease(ctx context.Context, name, holder string) error {
	return db.Transact(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, "UPDATE job_leases SET expires_at = 0 WHERE name = ? AND holder = ?", name, holder)
		return err
	})
}

// Unsealed counts the audit events still waiting for the sealer that were
// recorded before cutoff, and gives the oldest one's instant.
func (db *DB) Unsealed(ctx context.Context, cutoff time.Time) (int64, time.Time, error) {
	var n int64
	var oldest sql.NullInt64
	err := db.r.QueryRowContext(ctx, db.rebind("SELECT COUNT(*), MIN(at) FROM audit_pending WHERE at < ?"), ts(cutoff)).Scan(&n, &oldest)
	if err != nil || !oldest.Valid {
		return n, time.Time{}, err
	}
	return n, fromTS(oldest.Int64), nil
}
