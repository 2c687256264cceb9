// Package messaging is secure messaging between professionals about a
// person's file (issue 11): threads on the file, their messages, read
// receipts and the notification of the other participants. Every read
// and write goes through the door (package file): a thread is read by
// its participants while they may read the file, and never names a
// participant the policy keeps out of the file.
package messaging

import (
	"context"
	"errors"
	"slices"
	"strings"

	"parcours/internal/access"
	"parcours/internal/file"
	"parcours/internal/parcours"
	"parcours/internal/store"
)

// Service is the messaging service.
type Service struct{ db *store.DB }

// New returns a Service on db.
func New(db *store.DB) *Service { return &Service{db: db} }

// CreateInput opens a thread: its subject, the other participants
// (workers of the organisation who may read the file) and the first
// message.
type CreateInput struct {
	Subject        string   `json:"subject"`
	ParticipantIDs []string `json:"participant_ids"`
	Body           string   `json:"body"`
	DocumentID     string   `json:"document_id"`
}

// MessageInput is a new message of a thread.
type MessageInput struct {
	Body       string `json:"body"`
	DocumentID string `json:"document_id"`
}

// View is a thread with its messages and the names of its participants.
type View struct {
	Thread   *parcours.Thread
	Messages []*parcours.ThreadMessage
	Person   *parcours.Person
	// Documents are the file's documents a reply may reference.
	Documents []*parcours.Document
	// DocNames names the referenced documents by id.
	DocNames map[string]string
}

// ListView is a file's threads and the workers one may write to.
type ListView struct {
	Person   *parcours.Person
	Threads  []*parcours.Thread
	Readers  []*parcours.Worker // who may take part (the actor excepted)
	CanWrite bool
	// Documents are the file's documents a first message may reference.
	Documents []*parcours.Document
}

func problems() *parcours.Problems { return &parcours.Problems{Labels: "field.msg."} }

func (in *MessageInput) check(p *parcours.Problems) {
	in.Body = strings.TrimSpace(in.Body)
	in.DocumentID = strings.TrimSpace(in.DocumentID)
	p.Required("body", in.Body, parcours.MessageBodyMax)
}

// names fills the participants' names from the organisation's workers.
func names(ctx context.Context, tx *store.Tx, orgID string, ts ...*parcours.Thread) (map[string]string, error) {
	ns, err := tx.WorkerNames(ctx, orgID)
	if err != nil {
		return nil, err
	}
	for _, t := range ts {
		for _, p := range t.Participants {
			if p.Kind == parcours.ParticipantWorker {
				p.Name = ns[p.ID]
			}
		}
	}
	return ns, nil
}

// readers are the organisation's workers, other than the actor, who may
// read the file's threads.
func readers(ctx context.Context, tx *store.Tx, f *file.File) ([]*parcours.Worker, error) {
	ws, err := tx.Workers(ctx, f.Person.OrgID)
	if err != nil {
		return nil, err
	}
	out := []*parcours.Worker{}
	for _, w := range ws {
		if w.ID == f.Actor().WorkerID {
			continue
		}
		ok, err := f.MayRead(ctx, w)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, w)
		}
	}
	return out, nil
}

// List returns the file's threads the actor takes part in.
func (s *Service) List(ctx context.Context, actor parcours.Actor, personID string) (*ListView, error) {
	var v *ListView
	err := s.db.View(ctx, func(tx *store.Tx) error {
		f, err := file.Open(ctx, tx, actor, access.MessageRead, personID)
		if err != nil {
			return err
		}
		ts, err := f.Threads(ctx)
		if err != nil {
			return err
		}
		if _, err := names(ctx, tx, f.Person.OrgID, ts...); err != nil {
			return err
		}
		v = &ListView{Person: f.Person, Threads: ts, CanWrite: f.Can(access.MessageWrite)}
		if v.CanWrite {
			if v.Readers, err = readers(ctx, tx, f); err != nil {
				return err
			}
			if v.Documents, err = f.ThreadDocuments(ctx); err != nil {
				return err
			}
		}
		f.Audit("thread.list", "person", f.Person.ID)
		return nil
	})
	return v, err
}

// Create opens a thread on the file with its first message and notifies
// the other participants.
func (s *Service) Create(ctx context.Context, actor parcours.Actor, personID string, in CreateInput) (*parcours.Thread, error) {
	p := problems()
	in.Subject = strings.TrimSpace(in.Subject)
	p.Required("subject", in.Subject, parcours.ThreadSubjectMax)
	mi := MessageInput{Body: in.Body, DocumentID: in.DocumentID}
	mi.check(p)
	var ids []string
	for _, id := range in.ParticipantIDs {
		if id = strings.TrimSpace(id); id != "" && id != actor.WorkerID && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		p.Add("participant_ids", "error.field_required", p.Label("participant_ids"))
	}
	var t *parcours.Thread
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		f, err := file.Open(ctx, tx, actor, access.MessageWrite, personID)
		if err != nil {
			return err
		}
		for _, id := range ids {
			w, err := tx.Worker(ctx, id)
			if err != nil && !errors.Is(err, store.ErrNoRows) {
				return err
			}
			ok, err := f.MayRead(ctx, w)
			if err != nil {
				return err
			}
			if !ok {
				// Never says whether the worker exists elsewhere.
				p.Add("participant_ids", "error.message.participant_cannot_read", id)
				break
			}
		}
		if err := p.Err(); err != nil {
			return err
		}
		t = &parcours.Thread{Subject: in.Subject, Participants: []*parcours.ThreadParticipant{{Kind: parcours.ParticipantWorker, ID: actor.WorkerID}}}
		for _, id := range ids {
			t.Participants = append(t.Participants, &parcours.ThreadParticipant{Kind: parcours.ParticipantWorker, ID: id})
		}
		if err := f.CreateThread(ctx, t, &parcours.ThreadMessage{Body: mi.Body, DocumentID: mi.DocumentID}); err != nil {
			return err
		}
		_, err = names(ctx, tx, f.Person.OrgID, t)
		return err
	})
	return t, err
}

// Get reads a thread with its messages and records the actor's read
// receipt.
func (s *Service) Get(ctx context.Context, actor parcours.Actor, id string) (*View, error) {
	var v *View
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		f, t, err := file.OpenThread(ctx, tx, actor, access.MessageRead, id)
		if err != nil {
			return err
		}
		ms, err := f.ThreadMessages(ctx, t)
		if err != nil {
			return err
		}
		ns, err := names(ctx, tx, f.Person.OrgID, t)
		if err != nil {
			return err
		}
		v = &View{Thread: t, Messages: ms, Person: f.Person, DocNames: map[string]string{}}
		for _, m := range ms {
			m.AuthorName = ns[m.AuthorID]
			if m.DocumentID != "" && f.Can(access.DocumentRead) {
				if d, err := f.Document(ctx, m.DocumentID); err != nil {
					return err
				} else if d != nil {
					v.DocNames[d.ID] = d.Title
					if d.Title == "" {
						v.DocNames[d.ID] = d.Kind
					}
				}
			}
		}
		// The receipt of the actor as just recorded.
		if n := len(ms); n > 0 {
			for _, p := range t.Participants {
				if p.Kind == parcours.ParticipantWorker && p.ID == actor.WorkerID && p.LastReadAt.Before(ms[n-1].CreatedAt) {
					p.LastReadAt = ms[n-1].CreatedAt
				}
			}
		}
		if f.Can(access.MessageWrite) {
			if v.Documents, err = f.ThreadDocuments(ctx); err != nil {
				return err
			}
		}
		return nil
	})
	return v, err
}

// Post adds the actor's message to a thread and notifies the others.
func (s *Service) Post(ctx context.Context, actor parcours.Actor, id string, in MessageInput) (*parcours.ThreadMessage, error) {
	p := problems()
	in.check(p)
	var m *parcours.ThreadMessage
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		f, t, err := file.OpenThread(ctx, tx, actor, access.MessageWrite, id)
		if err != nil {
			return err
		}
		if err := p.Err(); err != nil {
			return err
		}
		m = &parcours.ThreadMessage{Body: in.Body, DocumentID: in.DocumentID}
		return f.PostMessage(ctx, t, m)
	})
	return m, err
}

// UnreadNotifications counts the actor's unread notifications, for the
// header's live count: their own, nothing of a file.
func (s *Service) UnreadNotifications(ctx context.Context, actor parcours.Actor) (int, error) {
	if err := access.Check(actor, access.NotificationRead, access.Target{}); err != nil {
		return 0, err
	}
	var n int
	err := s.db.View(ctx, func(tx *store.Tx) (err error) {
		n, err = tx.UnreadNotifications(ctx, actor.WorkerID)
		return err
	})
	return n, err
}
