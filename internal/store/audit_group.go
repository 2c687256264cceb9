package store

import (
	"context"
	"database/sql"
	"errors"
	"sync"
	"sync/atomic"
	"time"
)

// Group commit of the reads' audit events.
//
// A read (View) records who saw what, and must not answer before that
// record is durable; but a commit per read — with its fsync — is what
// limited reads under load (issue 17). So a read hands its events, once
// its own transaction has ended, to the one writer of its database (per
// DB, started on the first read) and waits on a channel of its own. The
// writer takes every event handed over meanwhile — waiting first up to
// the group window for more, unless the group is full — inserts them in
// one transaction (one multi-row statement: insertPending), commits once,
// and then answers each waiting read with the group's result: a failed
// insert fails every read of the group, so a read whose audit was not
// written is never answered. Under load many reads share one commit (the
// reads that arrive while one group commits form the next); alone, a read
// pays one short write.
//
// The writer works on a context of its own: a read whose request is
// cancelled stops waiting (and fails) but does not fail its group, and
// its events are still written. Close drains the groups queued, then
// stops the writer; a read handed over after that fails.

// Group commit bounds: readGroupRows is the most events one commit takes
// (a single read with more still goes alone); readGroupWindow is how long
// the writer waits for more reads once one arrives. Zero: the reads that
// arrive while the previous group commits form the next group, and a lone
// read waits for no one.
const (
	readGroupRows   = 1000
	readGroupWindow = 0
)

// errStoreClosed: a read was handed over after Close.
var errStoreClosed = errors.New("store: the database is closed")

type readAudits struct {
	mu      sync.Mutex
	queue   []*readAudit
	rows    int // events in queue
	started bool
	closed  bool
	window  time.Duration
	maxRows int
	kick    chan struct{} // cap 1: a read was queued, or Close
	full    chan struct{} // cap 1: maxRows events are queued
	stop    chan struct{} // closed by Close
	done    chan struct{} // closed when the writer has returned
	// beforeCommit, when set (tests), runs in the writer before each
	// group's transaction with the group's size.
	beforeCommit func(reads, rows int)
	commits      atomic.Int64
	handed       atomic.Int64
	// conn is the writer's own connection on PostgreSQL (writeReadGroup);
	// only the writer touches it, then stopReads once it has returned.
	conn *sql.Conn
}

type readAudit struct {
	evs  []AuditRecord
	done chan error // cap 1: the group's result
}

// ReadAuditStats counts the group commits of read audits so far: commits
// (transactions written) and reads (reads whose events they carried).
type ReadAuditStats struct {
	Commits int64
	Reads   int64
	// Queued is the reads handed over and not yet taken into a group.
	Queued int
	// Closing: Close has begun; the writer drains what is queued.
	Closing bool
}

// ReadAuditStats returns the group commit's counters, for metrics and
// tests.
func (db *DB) ReadAuditStats() ReadAuditStats {
	g := &db.reads
	g.mu.Lock()
	queued, closing := len(g.queue), g.closed
	g.mu.Unlock()
	return ReadAuditStats{Commits: g.commits.Load(), Reads: g.handed.Load(), Queued: queued, Closing: closing}
}

// recordReads writes the audit events of a committed read through the
// group commit and returns once they are committed (or failed, or ctx
// ended).
func (db *DB) recordReads(ctx context.Context, evs []AuditRecord) error {
	r, err := db.handReads(ctx, evs)
	if err != nil {
		return err
	}
	return r.wait(ctx)
}

// handReads queues evs for the group commit and returns without waiting.
func (db *DB) handReads(ctx context.Context, evs []AuditRecord) (*readAudit, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// The request's share of the grouped write, for the statement budgets.
	observe(ctx, "INSERT INTO audit_pending ("+pendingColumns+") VALUES …")
	r := &readAudit{evs: evs, done: make(chan error, 1)}
	g := &db.reads
	g.mu.Lock()
	if g.closed {
		g.mu.Unlock()
		return nil, errStoreClosed
	}
	if !g.started {
		g.started = true
		if g.maxRows == 0 {
			g.maxRows = readGroupRows
			g.window = readGroupWindow
		}
		g.kick, g.full = make(chan struct{}, 1), make(chan struct{}, 1)
		g.stop, g.done = make(chan struct{}), make(chan struct{})
		go db.writeReads()
	}
	g.queue = append(g.queue, r)
	g.rows += len(evs)
	if g.rows >= g.maxRows {
		signal(g.full)
	}
	g.mu.Unlock()
	signal(g.kick)
	return r, nil
}

// wait returns the result of r's group once it is committed, or ctx's
// error if ctx ends first.
func (r *readAudit) wait(ctx context.Context) error {
	select {
	case err := <-r.done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// AuditAhead records ev as Audit does, but for a read whose record does
// not depend on what it finds (a search records that the actor searched,
// not the hits): ev goes to the group commit at once, and its commit —
// a round trip and a flush to disk on PostgreSQL — runs while the read
// does its own work, instead of after it. The read (View) still returns
// only once ev is durable, and fails if ev could not be written. ev is
// written even if the read then fails: it records an attempt to read.
//
// In a write transaction, or for an event about a person (whose
// break-glass stamp is read in the transaction), it is Audit.
func (tx *Tx) AuditAhead(ctx context.Context, ev AuditRecord) {
	if tx.write || ev.PersonID != "" || tx.db.discardAudit.Load() {
		tx.Audit(ev)
		return
	}
	tx.stamp(&ev)
	r, err := tx.db.handReads(ctx, []AuditRecord{ev})
	if err != nil {
		r = &readAudit{done: make(chan error, 1)}
		r.done <- err
	}
	tx.ahead = append(tx.ahead, r)
}

// waitAhead waits for the events of AuditAhead to be committed.
func (tx *Tx) waitAhead(ctx context.Context) error {
	for _, r := range tx.ahead {
		if err := r.wait(ctx); err != nil {
			return err
		}
	}
	return nil
}

// signal wakes whoever waits on c (capacity 1) without ever blocking.
func signal(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

// writeReads is the writer: it commits groups until Close, then drains.
func (db *DB) writeReads() {
	g := &db.reads
	defer close(g.done)
	for {
		g.mu.Lock()
		for len(g.queue) == 0 {
			if g.closed {
				g.mu.Unlock()
				return
			}
			g.mu.Unlock()
			<-g.kick
			g.mu.Lock()
		}
		if g.window > 0 && g.rows < g.maxRows && !g.closed {
			// Let more reads join, unless the group fills up first.
			g.mu.Unlock()
			t := time.NewTimer(g.window)
			select {
			case <-t.C:
			case <-g.full:
			case <-g.stop:
			}
			t.Stop()
			g.mu.Lock()
		}
		// Whole reads, up to maxRows events (at least one read).
		n, rows := 0, 0
		for n < len(g.queue) && (n == 0 || rows+len(g.queue[n].evs) <= g.maxRows) {
			rows += len(g.queue[n].evs)
			n++
		}
		batch := g.queue[:n:n]
		g.queue = g.queue[n:]
		g.rows -= rows
		select { // a stale "full" would cut the next window short
		case <-g.full:
		default:
		}
		hook := g.beforeCommit
		g.mu.Unlock()
		if hook != nil {
			hook(len(batch), rows)
		}
		err := db.writeReadGroup(batch, rows)
		for _, r := range batch {
			r.done <- err
		}
	}
}

// writeReadGroup inserts the events of a group in one transaction (and
// seals them, unless a sealer runs), counting the commit.
func (db *DB) writeReadGroup(batch []*readAudit, rows int) error {
	defer func() {
		db.reads.commits.Add(1)
		db.reads.handed.Add(int64(len(batch)))
	}()
	evs := make([]AuditRecord, 0, rows)
	for _, r := range batch {
		evs = append(evs, r.evs...)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if db.dialect == Postgres {
		if err := db.insertReadGroup(ctx, evs); err != nil {
			return err
		}
		return db.sealInline()
	}
	return db.run(ctx, true, func(w *Tx) error {
		w.pending, w.stamped = evs, true // stamped by each read
		return nil
	})
}

// insertReadGroup writes a group's events on PostgreSQL: one INSERT,
// outside any transaction. A single statement is its own transaction,
// committed (durably: synchronous_commit) before PostgreSQL answers, all
// its rows or none; BEGIN and COMMIT around it only added two round trips
// to the wait of every read of the group (issue 17).
//
// On PostgreSQL reads and writes share one pool, and the reads waiting for
// this commit are the very ones holding and queueing for its connections:
// under an open-loop load the writer waited behind hundreds of them for a
// connection (the pool hands a released one to a random waiter) while
// every read waited for the writer — seconds of stall (issue 17). So the
// writer keeps a connection of its own.
func (db *DB) insertReadGroup(ctx context.Context, evs []AuditRecord) error {
	g := &db.reads
	if g.conn == nil {
		c, err := db.w.Conn(ctx)
		if err != nil {
			return err
		}
		g.conn = c
	}
	tx := &Tx{db: db, now: db.Now()}
	q, args := tx.pendingInsert(evs) // stamped by each read already
	if _, err := g.conn.ExecContext(ctx, db.rebind(q), args...); err != nil {
		// A broken connection is not kept: the next group takes another.
		g.conn.Close()
		g.conn = nil
		return wrapQuery(q, err)
	}
	return nil
}

// stopReads drains the group commit and stops its writer (Close).
func (db *DB) stopReads() {
	g := &db.reads
	g.mu.Lock()
	if g.closed {
		g.mu.Unlock()
		return
	}
	g.closed = true
	started := g.started
	if started {
		close(g.stop)
	}
	g.mu.Unlock()
	if started {
		signal(g.kick)
		<-g.done
	}
	if g.conn != nil {
		g.conn.Close()
		g.conn = nil
	}
}
