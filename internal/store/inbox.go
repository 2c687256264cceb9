package store

import (
	"context"
	"strings"
)

// Inbox changes: what a worker's open pages must hear of to show a new
// notification (a message, a desk visit, a handover…) without polling the
// database (package live).
//
// InsertNotification and MarkNotificationsRead — every writer of the
// notifications a worker sees, but the person data purge, which the
// subscribers' own time limit covers — mark the worker in their
// transaction. At commit this instance's subscribers are told, and on
// PostgreSQL a NOTIFY on inboxChannel, sent by the same transaction (so
// never for a change rolled back), tells every other instance through
// the listener of actors.go. When that listener (re)connects or drops,
// the subscribers are told that anything may have changed (nil).

// inboxChannel is the PostgreSQL notification channel of inbox changes;
// the payload is worker ids separated by commas.
const inboxChannel = "parcours_inbox"

// OnInboxChange subscribes fn to inbox changes: fn(ids) after a commit
// changed those workers' notifications, fn(nil) when anything may have
// changed. On PostgreSQL it starts this instance's listener.
func (db *DB) OnInboxChange(fn func(workerIDs []string)) {
	h := &db.actors
	h.mu.Lock()
	defer h.mu.Unlock()
	h.inbox = append(h.inbox, fn)
	db.startListenerLocked()
}

// InboxChangesHeard reports whether this instance hears of every inbox
// change now: always on SQLite, on PostgreSQL while the listener is
// connected.
func (db *DB) InboxChangesHeard() bool { return db.ActorCacheUsable() }

func (db *DB) inboxChanged(ids []string) {
	h := &db.actors
	h.mu.Lock()
	subs := h.inbox
	h.mu.Unlock()
	for _, fn := range subs {
		fn(ids)
	}
}

// markInboxChanged records, in tx, that workerID's notifications changed.
func (tx *Tx) markInboxChanged(workerID string) {
	for _, id := range tx.inboxChanged {
		if id == workerID {
			return
		}
	}
	tx.inboxChanged = append(tx.inboxChanged, workerID)
}

// notifyInbox sends the NOTIFYs of the workers tx changed, in tx.
func (tx *Tx) notifyInbox(ctx context.Context) error {
	if tx.db.dialect != Postgres {
		return nil
	}
	ids := tx.inboxChanged
	for len(ids) > 0 {
		n, size := 0, 0
		for n < len(ids) && size+len(ids[n])+1 <= notifyPayload {
			size += len(ids[n]) + 1
			n++
		}
		n = max(n, 1)
		if _, err := tx.exec(ctx, "SELECT pg_notify(?, ?)", inboxChannel, strings.Join(ids[:n], ",")); err != nil {
			return err
		}
		ids = ids[n:]
	}
	return nil
}
