// Package live tells a worker's open pages of their new notifications —
// a message from a colleague, a visit logged by the front desk, a
// handover — as soon as they are written, on whichever instance, without
// the pages polling the database (issue 11, « mises à jour en direct »).
//
// The store announces every change of a worker's notifications at commit
// (store.OnInboxChange): in process on SQLite, and on PostgreSQL through
// LISTEN/NOTIFY to every instance on the database. The Hub keeps, per
// worker, a version bumped by those announcements, the waiters of a long
// poll (WaitUnread), and the worker's unread count as last read, which
// the layout of every page shows (so the count is there without
// JavaScript) without a statement while nothing changed.
//
// The Hub holds no state another instance needs: a worker's next request
// may reach any instance, whose own versions start where the database
// is. It never holds a database connection while it waits.
//
// It never reads or tells anything of a person's file: only counts of the
// actor's own notifications.
package live

import (
	"context"
	"sync"
	"time"

	"parcours/internal/access"
	"parcours/internal/parcours"
	"parcours/internal/store"
)

// CacheFor bounds how long a cached count is served without reading it
// again, even when nothing was announced: what a change the announcements
// do not cover (a purge, another process on a SQLite file) may leave
// stale, at most.
const CacheFor = time.Minute

// MaxWait bounds one long poll: a waiting request answers after it even
// when nothing changed, and the page asks again.
const MaxWait = 25 * time.Second

// Hub is the live state of one instance.
type Hub struct {
	db  *store.DB
	now func() time.Time

	mu      sync.Mutex
	workers map[string]*inbox
	closed  bool
	done    chan struct{} // closed by Close: every waiter answers
	waiting int           // long polls waiting now
}

// inbox is one worker's live state.
type inbox struct {
	version uint64
	changed chan struct{} // closed and replaced at each change
	// count is the unread count read at version countAt, at readAt.
	count   int
	counted bool
	countAt uint64
	readAt  time.Time
}

// New returns the Hub of db, subscribed to its inbox changes.
func New(db *store.DB) *Hub {
	h := &Hub{db: db, now: time.Now, workers: map[string]*inbox{}, done: make(chan struct{})}
	db.OnInboxChange(h.changed)
	return h
}

// Close ends every long poll now and makes the next ones answer at once
// (the server is shutting down).
func (h *Hub) Close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.closed {
		h.closed = true
		close(h.done)
	}
}

func (h *Hub) inboxLocked(workerID string) *inbox {
	b := h.workers[workerID]
	if b == nil {
		b = &inbox{changed: make(chan struct{})}
		h.workers[workerID] = b
	}
	return b
}

// changed is the store's announcement: ids changed, or (nil) anything may
// have.
func (h *Hub) changed(ids []string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	bump := func(b *inbox) {
		b.version++
		b.counted = false
		close(b.changed)
		b.changed = make(chan struct{})
	}
	if ids == nil {
		for _, b := range h.workers {
			bump(b)
		}
		return
	}
	for _, id := range ids {
		if b := h.workers[id]; b != nil {
			bump(b)
		}
	}
}

// Version returns the worker's current version: it grows each time their
// notifications change (tests wait on it).
func (h *Hub) Version(workerID string) uint64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.inboxLocked(workerID).version
}

// Waiting returns how many long polls are waiting now (for the tests
// and the metrics).
func (h *Hub) Waiting() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.waiting
}

// Unread returns the actor's unread notification count, from memory when
// nothing was announced since it was last read (and for at most
// CacheFor), from the database otherwise.
func (h *Hub) Unread(ctx context.Context, actor parcours.Actor) (int, error) {
	if err := access.Check(actor, access.NotificationRead, access.Target{}); err != nil {
		return 0, err
	}
	h.mu.Lock()
	b := h.inboxLocked(actor.WorkerID)
	if b.counted && b.countAt == b.version && h.now().Sub(b.readAt) < CacheFor && h.db.InboxChangesHeard() {
		n := b.count
		h.mu.Unlock()
		return n, nil
	}
	h.mu.Unlock()
	n, _, err := h.read(ctx, actor.WorkerID)
	return n, err
}

// read counts the worker's unread notifications in the database and keeps
// the count, unless a change was announced meanwhile. It returns the
// version the count is at least as new as.
func (h *Hub) read(ctx context.Context, workerID string) (int, uint64, error) {
	h.mu.Lock()
	v := h.inboxLocked(workerID).version // taken before the read: a later change bumps it
	h.mu.Unlock()
	var n int
	err := h.db.View(ctx, func(tx *store.Tx) (err error) {
		n, err = tx.UnreadNotifications(ctx, workerID)
		return err
	})
	if err != nil {
		return 0, 0, err
	}
	h.mu.Lock()
	if b := h.inboxLocked(workerID); b.version == v {
		b.count, b.counted, b.countAt, b.readAt = n, true, v, h.now()
	}
	h.mu.Unlock()
	return n, v, nil
}

// WaitUnread is the long poll: it returns the actor's unread count as
// soon as it differs from seen — at once when it differs already — or
// after wait (at most MaxWait), or when ctx ends, with the count then.
// It reads the database when it starts and when it is woken, never in
// between: the wake-up is the store's announcement, heard from any
// instance.
func (h *Hub) WaitUnread(ctx context.Context, actor parcours.Actor, seen int, wait time.Duration) (int, error) {
	if err := access.Check(actor, access.NotificationRead, access.Target{}); err != nil {
		return 0, err
	}
	wait = min(max(wait, 0), MaxWait)
	n, v, err := h.read(ctx, actor.WorkerID)
	if err != nil || n != seen || wait == 0 {
		return n, err
	}
	timer := time.NewTimer(wait)
	defer timer.Stop()
	for {
		h.mu.Lock()
		b := h.inboxLocked(actor.WorkerID)
		changed, now := b.changed, b.version
		h.mu.Unlock()
		if now == v && !h.sleep(ctx, changed, timer.C) {
			return n, nil
		}
		if n, v, err = h.read(ctx, actor.WorkerID); err != nil || n != seen {
			return n, err
		}
	}
}

// sleep waits for changed and reports true, or false when the timer
// fires, ctx ends or the hub closes.
func (h *Hub) sleep(ctx context.Context, changed chan struct{}, timeout <-chan time.Time) bool {
	h.mu.Lock()
	h.waiting++
	h.mu.Unlock()
	defer func() {
		h.mu.Lock()
		h.waiting--
		h.mu.Unlock()
	}()
	select {
	case <-changed:
		return true
	case <-timeout:
	case <-ctx.Done():
	case <-h.done:
	}
	return false
}
