// Package messaging is secure messaging about a person's file (issue
// 11): threads on the file between professionals, and with the person
// themself through the portal (issue 14); their messages, files sent
// inside them (kept in the document store), read receipts and the
// notification of the other participants. Every read and write goes
// through the door (package file): a thread is read by its participants
// while they may read the file, and never names a participant the policy
// keeps out of the file.
package messaging

import (
	"context"
	"errors"
	"io"
	"slices"
	"strings"

	"parcours/internal/access"
	"parcours/internal/casefile"
	"parcours/internal/file"
	"parcours/internal/parcours"
	"parcours/internal/store"
)

// Service is the messaging service.
type Service struct {
	db   *store.DB
	docs *casefile.Service
}

// New returns a Service on db; files sent inside messages go to the
// document store of docs (same checks as any document).
func New(db *store.DB, docs *casefile.Service) *Service { return &Service{db: db, docs: docs} }

// Attachment is a file sent inside a message (a form's upload): checked
// and stored as a document of the file.
type Attachment struct {
	Name    string
	Content io.Reader
}

// CreateInput opens a thread: its subject, the other participants
// (workers of the organisation who may read the file) and the first
// message.
//
// From the portal, the person writes to their referents: ParticipantIDs
// and WithPerson are not theirs to choose.
type CreateInput struct {
	Subject        string   `json:"subject"`
	ParticipantIDs []string `json:"participant_ids"`
	// WithPerson makes the person a participant: they read and answer
	// the thread in their portal.
	WithPerson bool   `json:"with_person"`
	Body       string `json:"body"`
	DocumentID string `json:"document_id"`
	// File is a file sent with the first message (forms only).
	File *Attachment `json:"-"`
}

// MessageInput is a new message of a thread.
type MessageInput struct {
	Body       string `json:"body"`
	DocumentID string `json:"document_id"`
	// File is a file sent with the message (forms only).
	File *Attachment `json:"-"`
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
	// CanWrite: the actor may answer (not a "view" delegate).
	CanWrite bool
	// Earlier counts the messages written before the actor joined, which
	// they do not read.
	Earlier int
	// Addable are the workers who may read the file and do not take part
	// yet; AddPerson: the person does not take part yet (workers only).
	Addable   []*parcours.Worker
	AddPerson bool
}

// AddInput adds participants to a thread: workers who may read the file,
// and/or the person.
type AddInput struct {
	ParticipantIDs []string `json:"participant_ids"`
	WithPerson     bool     `json:"with_person"`
}

// ListView is a file's threads and the workers one may write to.
type ListView struct {
	Person   *parcours.Person
	Threads  []*parcours.Thread
	Readers  []*parcours.Worker // who may take part (the actor excepted)
	CanWrite bool
	// Documents are the file's documents a first message may reference.
	Documents []*parcours.Document
	// Referents are whom the person writes to from the portal.
	Referents []*parcours.Worker
}

func problems() *parcours.Problems { return &parcours.Problems{Labels: "field.msg."} }

func (in *MessageInput) check(p *parcours.Problems) {
	in.Body = strings.TrimSpace(in.Body)
	in.DocumentID = strings.TrimSpace(in.DocumentID)
	p.Required("body", in.Body, parcours.MessageBodyMax)
}

// names fills the participants' names: the organisation's workers, and
// the person by their name; under a referral, the workers of the other
// structure too, each with their structure's name. It returns the names
// of the message authors by id (workers and portal accounts).
func names(ctx context.Context, tx *store.Tx, f *file.File, ts ...*parcours.Thread) (map[string]string, error) {
	ns, err := tx.WorkerNames(ctx, f.Person.OrgID)
	if err != nil {
		return nil, err
	}
	orgOf := map[string]string{} // worker → organisation, for the others'
	structures := map[string]string{}
	structure := func(org string) (string, error) {
		if n, ok := structures[org]; ok {
			return n, nil
		}
		o, err := tx.Organization(ctx, org)
		if err != nil {
			return "", err
		}
		structures[org] = o.Name
		return o.Name, nil
	}
	for _, t := range ts {
		for _, p := range t.Participants {
			switch p.Kind {
			case parcours.ParticipantWorker:
				if _, ok := ns[p.ID]; !ok && t.ReferralID != "" {
					// A worker of the other structure of the referral.
					w, err := tx.Worker(ctx, p.ID)
					if err != nil && !errors.Is(err, store.ErrNoRows) {
						return nil, err
					}
					if w != nil {
						ns[w.ID], orgOf[w.ID] = w.DisplayName(), w.OrgID
					}
				}
				p.Name = ns[p.ID]
				if t.ReferralID == "" {
					continue
				}
				org := f.Person.OrgID
				if o, ok := orgOf[p.ID]; ok {
					org = o
				}
				if p.Structure, err = structure(org); err != nil {
					return nil, err
				}
			case parcours.ParticipantPerson:
				p.Name = f.Person.DisplayName()
			}
		}
	}
	return ns, nil
}

// authorNames names each message's author: a worker, or the portal
// account (the person, a delegate) that wrote it.
func authorNames(ctx context.Context, f *file.File, workers map[string]string, ms []*parcours.ThreadMessage) error {
	var portal map[string]string
	for _, m := range ms {
		if m.AuthorKind == parcours.ParticipantWorker {
			m.AuthorName = workers[m.AuthorID]
			continue
		}
		if portal == nil {
			var err error
			if portal, err = f.PortalNames(ctx); err != nil {
				return err
			}
		}
		m.AuthorName = portal[m.AuthorID]
	}
	return nil
}

// readers are the workers, other than the actor, who may read the
// file's threads: the organisation's, and under a referral those of the
// receiving structure the share lets read them.
func readers(ctx context.Context, tx *store.Tx, f *file.File) ([]*parcours.Worker, error) {
	out := []*parcours.Worker{}
	for _, org := range f.ThreadOrgs() {
		ws, err := tx.Workers(ctx, org)
		if err != nil {
			return nil, err
		}
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
	}
	return out, nil
}

// own is the person whose file a portal actor reads: their own, whatever
// id was asked (a worker's personID as given).
func own(actor parcours.Actor, personID string) string {
	if actor.Portal != nil {
		return actor.Portal.PersonID
	}
	return personID
}

// List returns the file's threads the actor takes part in (for the
// portal: the person's threads, personID ignored).
func (s *Service) List(ctx context.Context, actor parcours.Actor, personID string) (*ListView, error) {
	var v *ListView
	err := s.db.View(ctx, func(tx *store.Tx) error {
		f, err := file.Open(ctx, tx, actor, access.MessageRead, own(actor, personID))
		if err != nil {
			return err
		}
		ts, err := f.Threads(ctx)
		if err != nil {
			return err
		}
		if _, err := names(ctx, tx, f, ts...); err != nil {
			return err
		}
		v = &ListView{Person: f.Person, Threads: ts, CanWrite: f.Can(access.MessageWrite)}
		switch {
		case v.CanWrite && actor.Portal != nil:
			if v.Referents, err = f.ThreadReferents(ctx); err != nil {
				return err
			}
		case v.CanWrite:
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

// upload stores an attachment's content in the document store (type and
// size checked as for any document); nil when there is none. It first
// opens the file or thread for writing (open, in a read transaction) and
// checks the rest of the input (p), before any byte is read: a refused
// actor learns nothing from an upload, and a refused message leaves no
// file behind. The write transaction checks both again.
func (s *Service) upload(ctx context.Context, a *Attachment, p *parcours.Problems, open func(tx *store.Tx) error) (*casefile.Upload, error) {
	if a == nil || a.Content == nil {
		return nil, nil
	}
	if err := s.db.View(ctx, open); err != nil {
		return nil, err
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	if s.docs == nil {
		return nil, parcours.FieldError(parcours.EUnsupported, "file", "error.casefile.file_type")
	}
	return s.docs.Upload(a.Content)
}

// attach records the upload as a document of the file and points the
// message at it.
func attach(ctx context.Context, f *file.File, u *casefile.Upload, a *Attachment, m *parcours.ThreadMessage) error {
	if u == nil {
		return nil
	}
	d := u.Document(a.Name)
	if err := f.AttachDocument(ctx, d); err != nil {
		return err
	}
	m.DocumentID = d.ID
	return nil
}

// Create opens a thread on the file with its first message and notifies
// the other participants. From the portal, the thread is between the
// person and their referents.
func (s *Service) Create(ctx context.Context, actor parcours.Actor, personID string, in CreateInput) (*parcours.Thread, error) {
	personID = own(actor, personID)
	return s.create(ctx, actor, in, func(tx *store.Tx) (*file.File, error) {
		return file.Open(ctx, tx, actor, access.MessageWrite, personID)
	})
}

// CreateForReferral opens a thread under a referral between
// professionals of the sending and the receiving structure (both of this
// instance), while the referral shares the file: the participants are
// workers of either side who may read it through the one policy (the
// receiving side through the share). The person does not take part, and
// no document is sent in it (file.noAttachment says why).
func (s *Service) CreateForReferral(ctx context.Context, actor parcours.Actor, referralID string, in CreateInput) (*parcours.Thread, error) {
	return s.create(ctx, actor, in, func(tx *store.Tx) (*file.File, error) {
		f, _, err := file.OpenReferralThreads(ctx, tx, actor, access.MessageWrite, referralID)
		return f, err
	})
}

// ReferralThreadsView is what the referral page shows of its threads:
// those the actor takes part in, whom they may write to, and whether
// they may (the referral still shares the file).
type ReferralThreadsView struct {
	Threads  []*parcours.Thread `json:"items"`
	Readers  []*parcours.Worker `json:"-"`
	CanWrite bool               `json:"-"`
	Closed   bool               `json:"-"`
}

// ReferralThreads lists the threads under a referral the actor takes
// part in (either side of it). Audited thread.list.
func (s *Service) ReferralThreads(ctx context.Context, actor parcours.Actor, referralID string) (*ReferralThreadsView, error) {
	return s.referralThreads(ctx, actor, referralID, file.OpenReferralThreads)
}

// ReferralThreadsOnPage is ReferralThreads for the referral's page: nil
// (and no refusal recorded) for a caller who takes no part in them.
func (s *Service) ReferralThreadsOnPage(ctx context.Context, actor parcours.Actor, referralID string) (*ReferralThreadsView, error) {
	v, err := s.referralThreads(ctx, actor, referralID, file.PeekReferralThreads)
	switch parcours.ErrorCode(err) {
	case parcours.ENotFound, parcours.EForbidden, parcours.EConflict:
		return nil, nil
	}
	return v, err
}

type opener func(context.Context, *store.Tx, parcours.Actor, access.Action, string) (*file.File, *parcours.Referral, error)

func (s *Service) referralThreads(ctx context.Context, actor parcours.Actor, referralID string, openFn opener) (*ReferralThreadsView, error) {
	var v *ReferralThreadsView
	err := s.db.View(ctx, func(tx *store.Tx) error {
		f, r, err := openFn(ctx, tx, actor, access.MessageRead, referralID)
		if err != nil {
			return err
		}
		ts, err := f.ReferralThreads(ctx)
		if err != nil {
			return err
		}
		if _, err := names(ctx, tx, f, ts...); err != nil {
			return err
		}
		v = &ReferralThreadsView{Threads: ts, CanWrite: f.Can(access.MessageWrite), Closed: f.ThreadClosed()}
		if v.CanWrite {
			if v.Readers, err = readers(ctx, tx, f); err != nil {
				return err
			}
		}
		f.Audit("thread.list", "referral", r.ID)
		return nil
	})
	return v, err
}

// create opens a thread on the file opened by openFile for writing.
func (s *Service) create(ctx context.Context, actor parcours.Actor, in CreateInput, openFile func(tx *store.Tx) (*file.File, error)) (*parcours.Thread, error) {
	p := problems()
	in.Subject = strings.TrimSpace(in.Subject)
	p.Required("subject", in.Subject, parcours.ThreadSubjectMax)
	mi := MessageInput{Body: in.Body, DocumentID: in.DocumentID}
	mi.check(p)
	var ids []string
	if actor.Portal == nil {
		for _, id := range in.ParticipantIDs {
			if id = strings.TrimSpace(id); id != "" && id != actor.WorkerID && !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
		if len(ids) == 0 && !in.WithPerson {
			p.Add("participant_ids", "error.field_required", p.Label("participant_ids"))
		}
	}
	u, err := s.upload(ctx, in.File, p, func(tx *store.Tx) error {
		_, err := openFile(tx)
		return err
	})
	if err != nil {
		return nil, err
	}
	var t *parcours.Thread
	err = s.db.Transact(ctx, func(tx *store.Tx) error {
		f, err := openFile(tx)
		if err != nil {
			return err
		}
		var workers []*parcours.Worker
		if actor.Portal != nil {
			if workers, err = f.ThreadReferents(ctx); err != nil {
				return err
			}
			if err := p.Err(); err != nil {
				return err
			}
			if len(workers) == 0 {
				return parcours.Errorf(parcours.EConflict, "error.message.no_referent")
			}
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
			workers = append(workers, w)
		}
		if err := p.Err(); err != nil {
			return err
		}
		kind, self := f.Participant()
		t = &parcours.Thread{Subject: in.Subject, Participants: []*parcours.ThreadParticipant{{Kind: kind, ID: self}}}
		if in.WithPerson && actor.Portal == nil {
			t.Participants = append(t.Participants, &parcours.ThreadParticipant{Kind: parcours.ParticipantPerson, ID: f.Person.ID})
		}
		for _, w := range workers {
			t.Participants = append(t.Participants, &parcours.ThreadParticipant{Kind: parcours.ParticipantWorker, ID: w.ID})
		}
		m := &parcours.ThreadMessage{Body: mi.Body, DocumentID: mi.DocumentID}
		if err := attach(ctx, f, u, in.File, m); err != nil {
			return err
		}
		if err := f.CreateThread(ctx, t, m); err != nil {
			return err
		}
		_, err = names(ctx, tx, f, t)
		return err
	})
	if err != nil {
		s.drop(ctx, u)
		return nil, err
	}
	return t, nil
}

func (s *Service) drop(ctx context.Context, u *casefile.Upload) {
	if u != nil {
		s.docs.Drop(ctx, u)
	}
}

// Get reads a thread with its messages and records the actor's read
// receipt; the actor's notifications of the thread are read too.
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
		ns, err := names(ctx, tx, f, t)
		if err != nil {
			return err
		}
		if err := authorNames(ctx, f, ns, ms); err != nil {
			return err
		}
		v = &View{Thread: t, Messages: ms, Person: f.Person, DocNames: map[string]string{}, CanWrite: f.Can(access.MessageWrite)}
		for _, m := range ms {
			if m.DocumentID == "" {
				continue
			}
			// Every participant reads what was sent in the thread.
			if d, err := f.Document(ctx, m.DocumentID); err != nil {
				return err
			} else if d != nil {
				v.DocNames[d.ID] = d.Title
				if d.Title == "" {
					v.DocNames[d.ID] = d.Kind
				}
			}
		}
		// The receipt of the actor as just recorded.
		kind, self := f.Participant()
		if n := len(ms); n > 0 {
			for _, p := range t.Participants {
				if p.Kind == kind && p.ID == self && p.LastReadAt.Before(ms[n-1].CreatedAt) {
					p.LastReadAt = ms[n-1].CreatedAt
				}
			}
		}
		if v.Earlier, err = f.Earlier(ctx, t); err != nil {
			return err
		}
		if v.CanWrite && actor.Portal == nil {
			if t.ReferralID == "" {
				// No document under a referral (file.noAttachment).
				if v.Documents, err = f.ThreadDocuments(ctx); err != nil {
					return err
				}
			}
			rs, err := readers(ctx, tx, f)
			if err != nil {
				return err
			}
			v.Addable = slices.DeleteFunc(rs, func(w *parcours.Worker) bool { return t.Takes(parcours.ParticipantWorker, w.ID) })
			v.AddPerson = !t.WithPerson() && t.ReferralID == ""
		}
		return nil
	})
	return v, err
}

// Post adds the actor's message to a thread and notifies the others;
// a worker's message in a thread with the person also queues the e-mail
// notices the person's portal accounts asked for (notice.go).
func (s *Service) Post(ctx context.Context, actor parcours.Actor, id string, in MessageInput) (*parcours.ThreadMessage, error) {
	p := problems()
	in.check(p)
	u, err := s.upload(ctx, in.File, p, func(tx *store.Tx) error {
		_, _, err := file.OpenThread(ctx, tx, actor, access.MessageWrite, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	var m *parcours.ThreadMessage
	err = s.db.Transact(ctx, func(tx *store.Tx) error {
		f, t, err := file.OpenThread(ctx, tx, actor, access.MessageWrite, id)
		if err != nil {
			return err
		}
		if err := p.Err(); err != nil {
			return err
		}
		m = &parcours.ThreadMessage{Body: in.Body, DocumentID: in.DocumentID}
		if err := attach(ctx, f, u, in.File, m); err != nil {
			return err
		}
		if err := f.PostMessage(ctx, t, m); err != nil {
			return err
		}
		// A worker's reply in a thread with the person: the portal
		// accounts that asked are told a reply is waiting (notice.go).
		return replyNotice(ctx, tx, f, t, m)
	})
	if err != nil {
		s.drop(ctx, u)
		return nil, err
	}
	return m, nil
}

// AddParticipants adds workers who may read the file, and/or the person,
// to a thread the actor takes part in (not from the portal). They read
// what is written from now on (file.AddParticipant says why); added
// workers are notified. Those who take part already are left as they
// are. Audited thread.participants.
func (s *Service) AddParticipants(ctx context.Context, actor parcours.Actor, id string, in AddInput) (*parcours.Thread, error) {
	p := problems()
	var ids []string
	for _, wid := range in.ParticipantIDs {
		if wid = strings.TrimSpace(wid); wid != "" && !slices.Contains(ids, wid) {
			ids = append(ids, wid)
		}
	}
	if len(ids) == 0 && !in.WithPerson {
		p.Add("participant_ids", "error.field_required", p.Label("participant_ids"))
	}
	var t *parcours.Thread
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		f, th, err := file.OpenThread(ctx, tx, actor, access.MessageWrite, id)
		if err != nil {
			return err
		}
		if actor.Portal != nil {
			// The person does not choose who takes part.
			return parcours.Forbidden()
		}
		if err := p.Err(); err != nil {
			return err
		}
		for _, wid := range ids {
			w, err := tx.Worker(ctx, wid)
			if err != nil && !errors.Is(err, store.ErrNoRows) {
				return err
			}
			if w == nil {
				// Never says whether the worker exists elsewhere.
				return parcours.FieldError(parcours.EInvalid, "participant_ids", "error.message.participant_cannot_read", wid)
			}
			if _, err := f.AddParticipant(ctx, th, parcours.ParticipantWorker, w); err != nil {
				return err
			}
		}
		if in.WithPerson {
			if _, err := f.AddParticipant(ctx, th, parcours.ParticipantPerson, nil); err != nil {
				return err
			}
		}
		f.Audit("thread.participants", "thread", th.ID)
		t = th
		_, err = names(ctx, tx, f, t)
		return err
	})
	return t, err
}

// OpenAttachment returns a file sent in a thread and its content, for a
// participant: an audited read (document.download). The caller closes
// the content.
func (s *Service) OpenAttachment(ctx context.Context, actor parcours.Actor, threadID, documentID string) (*parcours.Document, io.ReadCloser, error) {
	var d *parcours.Document
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		f, t, err := file.OpenThread(ctx, tx, actor, access.MessageRead, threadID)
		if err != nil {
			return err
		}
		if d, err = f.ThreadAttachment(ctx, t, documentID); err != nil {
			return err
		}
		if d == nil {
			return parcours.NotFound()
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	c, err := s.docs.Content(d)
	if err != nil {
		return nil, nil, err
	}
	return d, c, nil
}
