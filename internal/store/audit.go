package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"parcours/internal/audit"
	"parcours/internal/parcours"
)

// AuditRecord is what a service asks to be audited; the store writes it
// in the same transaction and the sealer chains it later (audit_seal.go).
type AuditRecord = audit.Event

// Audit queues an audit event; it is written, unchained, in the same
// transaction just before COMMIT (audit_pending), and chained into the
// trail by the sealer (SealAudit). A transaction that rolls back leaves no
// event, and no change is committed without its event. A read's events
// are written before the read returns, in one write transaction shared by
// the reads of the moment (group commit, audit_group.go).
//
// An event about a person whose file the actor holds an open break-glass
// access to is stamped with its id and reason: here when this transaction
// already gathered the relation (Relation), else when written
// (stampBreakGlass).
func (tx *Tx) Audit(ev AuditRecord) {
	if ev.BreakGlass == "" && ev.PersonID != "" {
		if m, known := tx.breakGlass[breakGlassKey{ev.ActorID, ev.PersonID}]; known {
			if m != nil {
				ev.BreakGlass, ev.Reason = m.id, m.reason
			} else {
				ev.BreakGlass = noBreakGlass
			}
		}
	}
	tx.pending = append(tx.pending, ev)
}

// AuditDenial queues the event of a refused attempt (audit.Denied), noted
// where the policy refuses. It is written only when the transaction ends
// with that refusal (403 or 404) — and so rolls back — in a short write
// transaction of its own. A refusal the service recovers from, or one
// followed by another failure (a conflict, a bad input), is not an
// attempt refused, and is not written. Lists that leave out what the
// actor may not read (the door's OpenMany, Readable, CanRead) never note
// a denial, so a hidden hit is no attempt.
func (tx *Tx) AuditDenial(ev AuditRecord) {
	tx.denied = append(tx.denied, ev)
}

// refused reports whether err is a refusal to record: forbidden or not
// found.
func refused(err error) bool {
	code := parcours.ErrorCode(err)
	return code == parcours.EForbidden || code == parcours.ENotFound
}

// auditLockKey serialises the sealers (and the retention purge) of every
// Parcours instance sharing one PostgreSQL database. Requests never take
// it.
const auditLockKey = 0x7061726373 // "parcs"

// pendingColumns are the columns of audit_pending a request writes.
const pendingColumns = "id, at, actor_id, org_id, role, action, object_type, object_id, person_id, request_id, break_glass_id, reason"

// insertPendingSQL is the PostgreSQL form: one statement, one array per
// column, whatever the number of events.
const insertPendingSQL = "INSERT INTO audit_pending (" + pendingColumns + `) SELECT * FROM unnest(
	?::text[], ?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[])`

// pendingPerStatement bounds the rows of one SQLite INSERT (12 parameters
// each, well under SQLite's 32766).
const pendingPerStatement = 500

// insertPending writes evs unchained into audit_pending, in one statement
// (SQLite: one per 500 events), so that a request costs as many
// statements for one event as for fifty.
func (tx *Tx) insertPending(ctx context.Context, evs []AuditRecord) error {
	for i := range evs {
		tx.stamp(&evs[i])
	}
	if tx.db.dialect == Postgres {
		q, args := tx.pendingInsert(evs)
		return tx.execLater(ctx, q, args...)
	}
	for start := 0; start < len(evs); start += pendingPerStatement {
		chunk := evs[start:min(len(evs), start+pendingPerStatement)]
		var q strings.Builder
		q.WriteString("INSERT INTO audit_pending (" + pendingColumns + ") VALUES ")
		args := make([]any, 0, 12*len(chunk))
		for i := range chunk {
			ev := &chunk[i]
			if i > 0 {
				q.WriteByte(',')
			}
			q.WriteString("(?,?,?,?,?,?,?,?,?,?,?,?)")
			args = append(args, pendingArgs(ev)...)
		}
		if _, err := tx.exec(ctx, q.String(), args...); err != nil {
			return err
		}
	}
	return nil
}

// execAudited runs q, an INSERT, UPDATE or DELETE of the transaction
// whose result nothing needs, and on PostgreSQL writes the audit events
// recorded so far in the same statement (a data-modifying WITH ahead of
// q): one round trip less per audited write, the insert of the events
// being otherwise a statement of its own at commit. Same transaction,
// same outcome: if q fails, the events go with it. On PostgreSQL the
// statement is held for the commit (execLater), audited or not, so that
// the audit overhead benchmark compares like with like. On SQLite (no
// round trip) the events stay for the commit, as do those recorded after
// q everywhere.
func (tx *Tx) execAudited(ctx context.Context, q string, args ...any) error {
	if tx.db.dialect != Postgres || !tx.write {
		_, err := tx.exec(ctx, q, args...)
		return err
	}
	if len(tx.pending) == 0 || tx.db.discardAudit.Load() {
		return tx.execLater(ctx, q, args...)
	}
	if !tx.stamped {
		if err := tx.stampBreakGlass(ctx); err != nil {
			return err
		}
	}
	ins, pargs := tx.pendingInsert(tx.pending)
	if err := tx.execLater(ctx, "WITH audited AS ("+ins+") "+q, append(pargs, args...)...); err != nil {
		return err
	}
	tx.pending, tx.auditWritten = nil, true
	return nil
}

// stamp gives ev its ID and instant (the transaction's, as stored) when
// unset.
func (tx *Tx) stamp(ev *AuditRecord) {
	if ev.ID == "" {
		ev.ID = NewID()
	}
	if ev.At.IsZero() {
		ev.At = tx.now.Truncate(time.Microsecond)
	}
}

// pendingArgs are ev's values in the order of pendingColumns.
func pendingArgs(ev *AuditRecord) []any {
	return []any{ev.ID, ts(ev.At), ev.ActorID, ev.OrgID, ev.Role, ev.Action, ev.ObjectType, ev.ObjectID,
		ev.PersonID, ev.RequestID, ev.BreakGlass, ev.Reason}
}

// insertOnePendingSQL is PostgreSQL's form for the most frequent case,
// a single event: plain parameters, where encoding twelve one-element
// arrays for unnest cost serve as much CPU as the journal insert itself.
const insertOnePendingSQL = "INSERT INTO audit_pending (" + pendingColumns + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?)"

// pendingInsert is PostgreSQL's statement writing evs into audit_pending,
// with its arguments; it gives evs their IDs and instants when unset.
func (tx *Tx) pendingInsert(evs []AuditRecord) (string, []any) {
	if len(evs) == 1 {
		tx.stamp(&evs[0])
		return insertOnePendingSQL, pendingArgs(&evs[0])
	}
	cols := make([][]string, 11)
	at := make([]int64, len(evs))
	for i := range evs {
		ev := &evs[i]
		tx.stamp(ev)
		at[i] = ts(ev.At)
		for c, v := range [...]string{ev.ID, ev.ActorID, ev.OrgID, ev.Role, ev.Action, ev.ObjectType, ev.ObjectID,
			ev.PersonID, ev.RequestID, ev.BreakGlass, ev.Reason} {
			cols[c] = append(cols[c], v)
		}
	}
	return insertPendingSQL, []any{cols[0], at, cols[1], cols[2], cols[3], cols[4], cols[5], cols[6], cols[7], cols[8], cols[9], cols[10]}
}

// NewID returns a new opaque identifier: a UUIDv7, time-ordered for index
// locality but not guessable from its neighbours.
func NewID() string {
	return uuid.Must(uuid.NewV7()).String()
}

const auditColumns = `seq, id, at, actor_id, org_id, role, action, object_type, object_id, person_id, request_id, break_glass_id, reason, prev_hash, hash`

func scanAuditEvent(row interface{ Scan(...any) error }, ev *audit.Event) error {
	var at int64
	if err := row.Scan(&ev.Seq, &ev.ID, &at, &ev.ActorID, &ev.OrgID, &ev.Role, &ev.Action, &ev.ObjectType, &ev.ObjectID,
		&ev.PersonID, &ev.RequestID, &ev.BreakGlass, &ev.Reason, &ev.PrevHash, &ev.Hash); err != nil {
		return err
	}
	ev.At = fromTS(at)
	return nil
}

// AuditCheckpoints returns the retention checkpoints, oldest first.
func (db *DB) AuditCheckpoints(ctx context.Context) ([]audit.Checkpoint, error) {
	rows, err := db.r.QueryContext(ctx, "SELECT last_seq, last_hash, purged, created_at, signature FROM audit_checkpoints ORDER BY last_seq")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []audit.Checkpoint
	for rows.Next() {
		var c audit.Checkpoint
		var created int64
		if err := rows.Scan(&c.LastSeq, &c.LastHash, &c.Purged, &created, &c.Signature); err != nil {
			return nil, err
		}
		c.CreatedAt = fromTS(created)
		out = append(out, c)
	}
	return out, rows.Err()
}

// AuditReport is the result of VerifyAudit.
type AuditReport struct {
	Checked     int64  // events whose chain links and hashes were checked
	FirstSeq    int64  // where the kept chain starts (after the last checkpoint)
	LastSeq     int64  // the last event checked
	LastHash    string // its hash
	Checkpoints int    // retention checkpoints found, all with valid signatures
	Problem     *audit.Problem
}

// VerifyAudit re-reads the whole audit chain in order and reports the
// first broken event. The events are streamed, never held in memory, so
// it runs in constant memory on any size of trail. key checks the
// signatures of the retention checkpoints; nil is accepted only when
// there are none.
func (db *DB) VerifyAudit(ctx context.Context, key []byte) (*AuditReport, error) {
	cps, err := db.AuditCheckpoints(ctx)
	if err != nil {
		return nil, err
	}
	rep := &AuditReport{Checkpoints: len(cps)}
	v := audit.NewVerifier(0, audit.GenesisHash)
	for _, c := range cps {
		if len(key) == 0 {
			return nil, audit.ErrNoKey
		}
		if !c.Valid(key) {
			rep.Problem = &audit.Problem{Seq: c.LastSeq, ID: "checkpoint", Reason: "retention checkpoint signature is not valid (forged or altered checkpoint)"}
			return rep, nil
		}
		v = audit.NewVerifier(c.LastSeq, c.LastHash)
		rep.FirstSeq = c.LastSeq + 1
	}
	if rep.FirstSeq == 0 {
		rep.FirstSeq = 1
	}
	rows, err := db.r.QueryContext(ctx, db.rebind("SELECT "+auditColumns+" FROM audit_events WHERE seq >= ? ORDER BY seq"), rep.FirstSeq)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ev audit.Event
	for rows.Next() {
		if err := scanAuditEvent(rows, &ev); err != nil {
			return nil, err
		}
		if p := v.Next(ev); p != nil {
			rep.Problem = p
			return rep, nil
		}
		rep.LastSeq, rep.LastHash = ev.Seq, ev.Hash
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rep.Checked = v.Count
	// Events older than the last checkpoint must be gone: one left behind
	// was re-inserted after the purge (the purge deletes them all).
	var stale int64
	if len(cps) > 0 {
		if err := db.r.QueryRowContext(ctx, db.rebind("SELECT COUNT(*) FROM audit_events WHERE seq < ?"), rep.FirstSeq).Scan(&stale); err != nil {
			return nil, err
		}
		if stale > 0 {
			rep.Problem = &audit.Problem{Seq: rep.FirstSeq - 1, ID: "checkpoint", Reason: strconv.FormatInt(stale, 10) + " event(s) older than the retention checkpoint (inserted after the purge)"}
		}
	}
	return rep, nil
}

// PurgeAudit removes the audit events recorded before cutoff, the one
// deletion the database allows on the trail. In one transaction, under
// the chain lock, it writes a checkpoint signed with key (the last purged
// event's sequence and hash), sets the guard the triggers check, deletes
// the events up to the checkpoint and removes the guard. It returns the
// checkpoint, or nil when nothing was old enough.
//
// The cut is just before the first event at or after cutoff, so no event
// younger than the retention period is ever removed.
func (db *DB) PurgeAudit(ctx context.Context, cutoff time.Time, key []byte) (*audit.Checkpoint, error) {
	if len(key) == 0 {
		return nil, audit.ErrNoKey
	}
	var cp *audit.Checkpoint
	err := db.Transact(ctx, func(tx *Tx) error {
		cp = nil
		if tx.db.dialect == Postgres {
			if _, err := tx.exec(ctx, "SELECT pg_advisory_xact_lock(?)", int64(auditLockKey)); err != nil {
				return err
			}
		}
		var last sql.NullInt64
		err := tx.queryRow(ctx, "SELECT MIN(seq) FROM audit_events WHERE at >= ?", ts(cutoff)).Scan(&last)
		if err != nil {
			return err
		}
		var lastSeq int64
		if last.Valid {
			lastSeq = last.Int64 - 1
		} else if err := tx.queryRow(ctx, "SELECT COALESCE(MAX(seq), 0) FROM audit_events").Scan(&lastSeq); err != nil {
			return err
		}
		var n int64
		var hash string
		err = tx.queryRow(ctx, "SELECT hash FROM audit_events WHERE seq = ?", lastSeq).Scan(&hash)
		if errors.Is(err, sql.ErrNoRows) {
			return nil // nothing old enough, or already purged
		}
		if err != nil {
			return err
		}
		if err := tx.queryRow(ctx, "SELECT COUNT(*) FROM audit_events WHERE seq <= ?", lastSeq).Scan(&n); err != nil {
			return err
		}
		c := &audit.Checkpoint{LastSeq: lastSeq, LastHash: hash, Purged: n, CreatedAt: tx.now.Truncate(time.Microsecond)}
		c.Sign(key)
		if _, err := tx.exec(ctx, "INSERT INTO audit_checkpoints (last_seq, last_hash, purged, created_at, signature) VALUES (?,?,?,?,?)",
			c.LastSeq, c.LastHash, c.Purged, ts(c.CreatedAt), c.Signature); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, "INSERT INTO audit_purge_guard (last_seq) VALUES (?)", c.LastSeq); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, "DELETE FROM audit_events WHERE seq <= ?", c.LastSeq); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, "DELETE FROM audit_purge_guard"); err != nil {
			return err
		}
		cp = c
		return nil
	})
	return cp, err
}

// AccessLogEntry is one line of a person's access log: an audit event
// with the organisation and worker it names.
type AccessLogEntry struct {
	audit.Event
	OrgName         string
	ShowWorkerNames bool
	WorkerFirstName string
	WorkerLastName  string
	// DelegateName names the person's delegate (portal) who acted, if
	// the event is a delegate's and their account is still there.
	DelegateName string
}

// AccessLog returns the audit events about the persons of a file (a
// person and those merged into it, MergedIDs), newest first, with the
// names of the organisations and workers involved.
//
// Only events of the person's own organisation (and of the system) make
// up the log: an event another organisation's actor recorded with this
// person's id — by mistake, the services never should — stays in that
// organisation's trail and never shows here, except for the
// organisations the file was referred to (referrals): their reads of the
// extract are part of the person's log, named by structure.
func (tx *Tx) AccessLog(ctx context.Context, personIDs []string, limit int) ([]*AccessLogEntry, error) {
	// Events the sealer has not chained yet (audit_pending, seq 0) are
	// shown too: the log is current the moment a request returns.
	in, args := personIn("person_id", personIDs)
	rows, err := tx.query(ctx, `SELECT e.seq, e.at, e.actor_id, e.org_id, e.role, e.action, e.object_type, e.object_id,
		e.break_glass_id, e.reason, COALESCE(o.name, ''), COALESCE(o.show_worker_names, FALSE),
		COALESCE(w.first_name, ''), COALESCE(w.last_name, ''), e.person_id, COALESCE(pa.name, '')
		FROM (SELECT seq, at, actor_id, org_id, role, action, object_type, object_id, break_glass_id, reason, person_id
			FROM audit_events WHERE `+in+`
			UNION ALL
			SELECT 0, at, actor_id, org_id, role, action, object_type, object_id, break_glass_id, reason, person_id
			FROM audit_pending WHERE `+in+`) e
		JOIN persons p ON p.id = e.person_id
		LEFT JOIN organizations o ON o.id = e.org_id
		LEFT JOIN workers w ON w.id = e.actor_id
		LEFT JOIN portal_accounts pa ON pa.person_id = e.person_id AND pa.kind = 'delegate' AND 'portal:' || pa.id = e.actor_id
		WHERE e.org_id = p.org_id OR e.actor_id = 'system' OR `+referralOrgsClause+`
		ORDER BY e.at DESC, e.seq = 0 DESC, e.seq DESC LIMIT ?`, append(append(args, args...), limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*AccessLogEntry{}
	for rows.Next() {
		var e AccessLogEntry
		var at int64
		if err := rows.Scan(&e.Seq, &at, &e.ActorID, &e.OrgID, &e.Role, &e.Action, &e.ObjectType, &e.ObjectID,
			&e.BreakGlass, &e.Reason, &e.OrgName, &e.ShowWorkerNames, &e.WorkerFirstName, &e.WorkerLastName, &e.PersonID, &e.DelegateName); err != nil {
			return nil, err
		}
		e.At = fromTS(at)
		out = append(out, &e)
	}
	return out, rows.Err()
}

// AuditFilter selects audit events of one organisation (the acting
// worker's organisation is the org_id of the event). Empty fields do not
// filter; BeforeSeq pages backwards.
type AuditFilter struct {
	OrgID     string
	PersonID  string
	WorkerID  string
	Action    string // exact action, or a prefix ending in "." ("journal.")
	From, To  time.Time
	BeforeSeq int64
	Limit     int
}

// SearchAudit returns the events matching f, newest first.
func (tx *Tx) SearchAudit(ctx context.Context, f AuditFilter) ([]audit.Event, error) {
	q := "SELECT " + auditColumns + " FROM audit_events WHERE org_id = ?"
	args := []any{f.OrgID}
	if f.PersonID != "" {
		q += " AND person_id = ?"
		args = append(args, f.PersonID)
	}
	if f.WorkerID != "" {
		q += " AND actor_id = ?"
		args = append(args, f.WorkerID)
	}
	if f.Action != "" {
		if strings.HasSuffix(f.Action, ".") {
			// A prefix, compared as such: LIKE would read "_" as a wildcard.
			q += " AND SUBSTR(action, 1, ?) = ?"
			args = append(args, len(f.Action), f.Action)
		} else {
			q += " AND action = ?"
			args = append(args, f.Action)
		}
	}
	if !f.From.IsZero() {
		q += " AND at >= ?"
		args = append(args, ts(f.From))
	}
	if !f.To.IsZero() {
		q += " AND at < ?"
		args = append(args, ts(f.To))
	}
	if f.BeforeSeq > 0 {
		q += " AND seq < ?"
		args = append(args, f.BeforeSeq)
	}
	q += " ORDER BY seq DESC LIMIT ?"
	args = append(args, f.Limit)
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []audit.Event{}
	for rows.Next() {
		var ev audit.Event
		if err := scanAuditEvent(rows, &ev); err != nil {
			return nil, err
		}
		out = append(out, ev)
	}
	return out, rows.Err()
}

// stampBreakGlass marks the pending events that rely on a break-glass
// access: those about a person whose file their actor holds an open
// access to. It is done here, for every service, so that no service can
// forget it. Events stamped by their service (break_glass.open) are kept.
func (tx *Tx) stampBreakGlass(ctx context.Context) error {
	seen := map[breakGlassKey]*breakGlassMark{}
	for i := range tx.pending {
		ev := &tx.pending[i]
		if ev.BreakGlass == noBreakGlass {
			ev.BreakGlass = "" // known from Relation: no break-glass
			continue
		}
		if ev.BreakGlass != "" || ev.PersonID == "" || ev.ActorID == "" || ev.ActorID == "system" {
			continue
		}
		k := breakGlassKey{ev.ActorID, ev.PersonID}
		m, ok := seen[k]
		if !ok {
			var id, reason string
			err := tx.queryRow(ctx, `SELECT id, reason FROM break_glass WHERE worker_id = ? AND person_id = ? AND expires_at > ?
				ORDER BY expires_at DESC LIMIT 1`, ev.ActorID, ev.PersonID, ts(tx.now)).Scan(&id, &reason)
			switch {
			case errors.Is(err, sql.ErrNoRows):
			case err != nil:
				return err
			default:
				m = &breakGlassMark{id: id, reason: reason}
			}
			seen[k] = m
		}
		if m != nil {
			ev.BreakGlass, ev.Reason = m.id, m.reason
		}
	}
	return nil
}

// CheckAuditAnchor compares a verified chain (rep, from VerifyAudit) with
// the anchor kept outside the database: the anchored event must still be
// there with the same hash, unless a retention purge removed it. It sets
// rep.Problem when the chain was truncated or rewritten after the anchor.
func (db *DB) CheckAuditAnchor(ctx context.Context, rep *AuditReport, a *audit.Anchor) error {
	if a == nil || rep.Problem != nil || a.Seq < rep.FirstSeq {
		return nil
	}
	var hash string
	err := db.r.QueryRowContext(ctx, db.rebind("SELECT hash FROM audit_events WHERE seq = ?"), a.Seq).Scan(&hash)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		rep.Problem = &audit.Problem{Seq: a.Seq, ID: "anchor", Reason: "event missing: the chain ends at " +
			strconv.FormatInt(rep.LastSeq, 10) + " but an earlier verification saw it (newest events deleted)"}
	case err != nil:
		return err
	case hash != a.Hash:
		rep.Problem = &audit.Problem{Seq: a.Seq, ID: "anchor", Reason: "event differs from the one an earlier verification saw (chain rewritten)"}
	}
	return nil
}
