package file

import (
	"context"
	"errors"

	"parcours/internal/access"
	"parcours/internal/parcours"
	"parcours/internal/store"
)

// Secure messaging between professionals about a file (issue 11): a
// thread is read by its participants while they may read the file —
// every read opens the file first, so a worker who loses access to the
// file loses its threads (404), and a thread never names a participant
// who may not read the file.

// OpenThread opens the file of thread id for actor with act and returns
// the thread. A thread the actor does not take part in, or whose file
// they may no longer read, does not exist for them (404).
func OpenThread(ctx context.Context, tx *store.Tx, actor parcours.Actor, act access.Action, id string) (*File, *parcours.Thread, error) {
	t, err := tx.Thread(ctx, id)
	if err != nil {
		return nil, nil, notFound(err)
	}
	// Open decides on another organisation too, and records the attempt.
	f, err := Open(ctx, tx, actor, act, t.PersonID)
	if err != nil {
		if parcours.ErrorCode(err) == parcours.EForbidden {
			return nil, nil, parcours.NotFound()
		}
		return nil, nil, err
	}
	if !f.Owns(t.PersonID) || !t.Takes(parcours.ParticipantWorker, actor.WorkerID) {
		return nil, nil, f.deny()
	}
	return f, t, nil
}

// Threads lists the threads of the file the actor takes part in, latest
// message first, with their unread counts.
func (f *File) Threads(ctx context.Context) ([]*parcours.Thread, error) {
	if err := f.Check(access.MessageRead); err != nil {
		return nil, err
	}
	return f.tx.ParticipantThreads(ctx, f.IDs, parcours.ParticipantWorker, f.actor.WorkerID, 200)
}

// MayRead reports whether worker may read the file's threads: a
// participant must, so that a thread never shows the file to someone the
// policy keeps out of it.
func (f *File) MayRead(ctx context.Context, w *parcours.Worker) (bool, error) {
	if w == nil || w.Disabled || w.OrgID != f.Person.OrgID {
		return false, nil
	}
	facts, err := f.tx.FileFacts(ctx, w.ID, w.TeamIDs, []string{f.Person.ID}, false)
	if err != nil {
		return false, err
	}
	ff := facts[f.Person.ID]
	if ff == nil {
		return false, nil
	}
	a := parcours.Actor{WorkerID: w.ID, OrgID: w.OrgID, Role: w.Role, TeamIDs: w.TeamIDs}
	return access.Allowed(a, access.MessageRead, access.Target{OrgID: ff.Person.OrgID, PersonID: ff.Person.ID, Rel: ff.Rel}), nil
}

// CreateThread stores a thread on the file with its participants (the
// actor among them) and its first message.
func (f *File) CreateThread(ctx context.Context, t *parcours.Thread, first *parcours.ThreadMessage) error {
	if err := f.Check(access.MessageWrite); err != nil {
		return err
	}
	t.OrgID, t.PersonID, t.CreatedBy = f.Person.OrgID, f.Person.ID, f.actor.WorkerID
	if err := f.tx.InsertThread(ctx, t); err != nil {
		return err
	}
	first.ThreadID = t.ID
	if err := f.post(ctx, t, first); err != nil {
		return err
	}
	t.LastMessageAt = first.CreatedAt
	f.Audit("thread.create", "thread", t.ID)
	return nil
}

// PostMessage adds the actor's message to thread t and notifies the
// other participants who may still read the file.
func (f *File) PostMessage(ctx context.Context, t *parcours.Thread, m *parcours.ThreadMessage) error {
	if err := f.Check(access.MessageWrite); err != nil {
		return err
	}
	return f.post(ctx, t, m)
}

func (f *File) post(ctx context.Context, t *parcours.Thread, m *parcours.ThreadMessage) error {
	m.ThreadID, m.AuthorKind, m.AuthorID = t.ID, parcours.ParticipantWorker, f.actor.WorkerID
	if m.DocumentID != "" {
		d, err := f.Document(ctx, m.DocumentID)
		if err != nil {
			return err
		}
		if d == nil || !f.Can(access.DocumentRead) {
			return parcours.FieldError(parcours.EInvalid, "document_id", "error.message.unknown_document")
		}
	}
	if err := f.tx.InsertThreadMessage(ctx, t.PersonID, m); err != nil {
		return err
	}
	// The author has read their own message.
	if err := f.tx.MarkThreadRead(ctx, t.ID, parcours.ParticipantWorker, f.actor.WorkerID, m.CreatedAt); err != nil {
		return err
	}
	for _, p := range t.Participants {
		if p.Kind != parcours.ParticipantWorker || p.ID == f.actor.WorkerID {
			continue
		}
		w, err := f.tx.Worker(ctx, p.ID)
		if err != nil && !errors.Is(err, store.ErrNoRows) {
			return err
		}
		ok, err := f.MayRead(ctx, w)
		if err != nil {
			return err
		}
		if !ok {
			continue // no notification names a file its reader lost
		}
		if err := f.tx.InsertNotification(ctx, &parcours.Notification{WorkerID: p.ID, Kind: "message", PersonID: f.Person.ID, ObjectID: t.ID}); err != nil {
			return err
		}
	}
	f.Audit("message.create", "thread", t.ID)
	return nil
}

// ThreadMessages reads thread t's messages and records the actor's read
// receipt.
func (f *File) ThreadMessages(ctx context.Context, t *parcours.Thread) ([]*parcours.ThreadMessage, error) {
	if err := f.Check(access.MessageRead); err != nil {
		return nil, err
	}
	ms, err := f.tx.ThreadMessages(ctx, t.ID)
	if err != nil {
		return nil, err
	}
	if n := len(ms); n > 0 {
		if err := f.tx.MarkThreadRead(ctx, t.ID, parcours.ParticipantWorker, f.actor.WorkerID, ms[n-1].CreatedAt); err != nil {
			return nil, err
		}
	}
	f.Audit("thread.read", "thread", t.ID)
	return ms, nil
}

// ThreadDocuments are the documents of the file a message may reference.
func (f *File) ThreadDocuments(ctx context.Context) ([]*parcours.Document, error) {
	if !f.Can(access.DocumentRead) {
		return []*parcours.Document{}, nil
	}
	return f.Documents(ctx, nil, 200)
}
