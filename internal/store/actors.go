package store

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
)

// Actor changes: what a cache of authenticated actors (the auth service's
// token cache) must hear of at once.
//
// The store methods that change what a worker's credentials resolve to —
// UpdateWorker (role, disabled, names, language), SetWorkerTeams,
// SetPassword, SetTOTP, RevokeAPIToken — mark the worker changed in their
// transaction. At commit the subscribers of this instance are told (before
// the transaction's caller returns), and on PostgreSQL a NOTIFY on
// actorChannel, sent by the same transaction, tells those of every other
// instance, whose listener (one connection of its own per instance)
// passes it on. While that listener is not connected the cache is not to
// be trusted (ActorCacheUsable), and when it reconnects every subscriber
// is told to forget everything ("" for the worker id), since
// notifications may have been missed meanwhile.

// actorChannel is the PostgreSQL notification channel of actor changes;
// the payload is the worker id.
const actorChannel = "parcours_actor"

type actorHub struct {
	mu   sync.Mutex
	subs []func(workerID string)
	// search are the subscribers to search index changes (searchindex.go),
	// heard on the same listener.
	search []func(personIDs []string)
	// inbox are the subscribers to inbox changes (inbox.go), heard on the
	// same listener.
	inbox  []func(workerIDs []string)
	live   atomic.Bool // PostgreSQL: the listener is connected
	cancel context.CancelFunc
	done   chan struct{}
}

// OnActorChange subscribes fn to actor changes: fn(workerID) when a
// worker changed, fn("") when anything may have. On PostgreSQL the first
// subscription starts this instance's listener, stopped by Close.
func (db *DB) OnActorChange(fn func(workerID string)) {
	h := &db.actors
	h.mu.Lock()
	defer h.mu.Unlock()
	h.subs = append(h.subs, fn)
	db.startListenerLocked()
}

// subscribeIDs adds fn to subs, one of the hub's lists of subscribers to
// changes named by ids (search index, inbox), and starts this instance's
// listener on PostgreSQL.
func (db *DB) subscribeIDs(subs *[]func(ids []string), fn func(ids []string)) {
	h := &db.actors
	h.mu.Lock()
	defer h.mu.Unlock()
	*subs = append(*subs, fn)
	db.startListenerLocked()
}

// tellIDs calls the subscribers of subs with ids, nil meaning that
// anything may have changed.
func (db *DB) tellIDs(subs *[]func(ids []string), ids []string) {
	h := &db.actors
	h.mu.Lock()
	fns := *subs
	h.mu.Unlock()
	for _, fn := range fns {
		fn(ids)
	}
}

// notifyPayload bounds a NOTIFY payload (PostgreSQL's limit is 8000 bytes).
const notifyPayload = 7000

// notifyIDs sends ids on channel from tx, comma-separated, in as many
// NOTIFYs as the payload limit takes; on SQLite nothing (its one instance
// hears of its own commits).
func (tx *Tx) notifyIDs(ctx context.Context, channel string, ids []string) error {
	if tx.db.dialect != Postgres {
		return nil
	}
	for len(ids) > 0 {
		n, size := 0, 0
		for n < len(ids) && size+len(ids[n])+1 <= notifyPayload {
			size += len(ids[n]) + 1
			n++
		}
		n = max(n, 1)
		if err := tx.execLater(ctx, "SELECT pg_notify(?, ?)", channel, strings.Join(ids[:n], ",")); err != nil {
			return err
		}
		ids = ids[n:]
	}
	return nil
}

// startListenerLocked starts this instance's listener on PostgreSQL, once;
// h.mu is held.
func (db *DB) startListenerLocked() {
	h := &db.actors
	if db.dialect == Postgres && h.cancel == nil {
		ctx, cancel := context.WithCancel(context.Background())
		h.cancel, h.done = cancel, make(chan struct{})
		go db.listenActors(ctx)
	}
}

// ActorCacheUsable reports whether a cache of actors hears of every
// change now: always on SQLite (one process serves a SQLite database),
// on PostgreSQL while the listener is connected.
func (db *DB) ActorCacheUsable() bool {
	return db.dialect == SQLite || db.actors.live.Load()
}

func (db *DB) actorChanged(workerID string) {
	h := &db.actors
	h.mu.Lock()
	subs := h.subs
	h.mu.Unlock()
	for _, fn := range subs {
		fn(workerID)
	}
}

// markActorChanged records, in tx, that workerID's credentials or facts
// changed; see above.
func (tx *Tx) markActorChanged(workerID string) {
	tx.actorsChanged = append(tx.actorsChanged, workerID)
}

// notifyActors sends the NOTIFY of the workers tx changed, in tx: the
// other instances hear of it at commit, never of a change rolled back.
func (tx *Tx) notifyActors(ctx context.Context) error {
	if tx.db.dialect != Postgres {
		return nil
	}
	for _, id := range tx.actorsChanged {
		if _, err := tx.exec(ctx, "SELECT pg_notify(?, ?)", actorChannel, id); err != nil {
			return err
		}
	}
	return nil
}

func (db *DB) listenActors(ctx context.Context) {
	defer close(db.actors.done)
	for ctx.Err() == nil {
		err := db.listenActorsOnce(ctx)
		db.actors.live.Store(false)
		db.actorChanged("") // notifications may be missed until reconnected
		db.searchChanged(nil)
		db.inboxChanged(nil)
		if ctx.Err() != nil {
			return
		}
		_ = err // reconnect after a pause; the cache is bypassed meanwhile
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Second):
		}
	}
}

func (db *DB) listenActorsOnce(ctx context.Context) error {
	conn, err := pgx.Connect(ctx, db.dsn)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "LISTEN "+actorChannel+"; LISTEN "+searchChannel+"; LISTEN "+inboxChannel); err != nil {
		return err
	}
	db.actorChanged("") // whatever was cached before listening may be stale
	db.searchChanged(nil)
	db.actors.live.Store(true)
	db.inboxChanged(nil)
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		switch n.Channel {
		case searchChannel:
			db.searchChanged(strings.Split(n.Payload, ","))
			continue
		case inboxChannel:
			db.inboxChanged(strings.Split(n.Payload, ","))
			continue
		}
		db.actorChanged(n.Payload)
	}
}

// stopActors ends the listener, if any (Close).
func (db *DB) stopActors() {
	h := &db.actors
	h.mu.Lock()
	cancel, done := h.cancel, h.done
	h.mu.Unlock()
	if cancel != nil {
		cancel()
		<-done
	}
}
