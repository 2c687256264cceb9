package store

import "context"

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
func (db *DB) OnInboxChange(fn func(workerIDs []string)) { db.subscribeIDs(&db.actors.inbox, fn) }

// InboxChangesHeard reports whether this instance hears of every inbox
// change now: always on SQLite, on PostgreSQL while the listener is
// connected.
func (db *DB) InboxChangesHeard() bool { return db.ActorCacheUsable() }

func (db *DB) inboxChanged(ids []string) { db.tellIDs(&db.actors.inbox, ids) }

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
	return tx.notifyIDs(ctx, inboxChannel, tx.inboxChanged)
}
