package file

import (
	"context"
	"errors"
	"slices"
	"time"

	"parcours/internal/access"
	"parcours/internal/parcours"
	"parcours/internal/store"
)

// Secure messaging between professionals about a file (issue 11): a
// thread is read by its participants while they may read the file —
// every read opens the file first, so a worker who loses access to the
// file loses its threads (404), and a thread never names a participant
// who may not read the file.
//
// The person takes part through the portal (issue 14): a participant of
// kind "person" whose id is the file's person; the person and their
// delegates act as that one participant (one read receipt), and their
// messages carry the portal account that wrote them (author_kind
// "person", author_id the account), so that a delegate's message is
// told from the person's own.

// Participant is who the actor is in the file's threads: a worker, or
// the person (for the person and their delegates alike).
func (f *File) Participant() (kind, id string) {
	if f.actor.Portal != nil {
		return parcours.ParticipantPerson, f.Person.ID
	}
	return parcours.ParticipantWorker, f.actor.WorkerID
}

// author is who writes a message: the worker, or the portal account.
func (f *File) author() (kind, id string) {
	if f.actor.Portal != nil {
		return parcours.ParticipantPerson, f.actor.Portal.AccountID
	}
	return parcours.ParticipantWorker, f.actor.WorkerID
}

// OpenThread opens the file of thread id for actor with act and returns
// the thread. A thread the actor does not take part in, or whose file
// they may no longer read, does not exist for them (404). A thread under
// a referral is judged for that referral (access.shared for the
// receiving organisation; read-only once the referral no longer shares
// the file).
func OpenThread(ctx context.Context, tx *store.Tx, actor parcours.Actor, act access.Action, id string) (*File, *parcours.Thread, error) {
	t, err := tx.Thread(ctx, id)
	if err != nil {
		return nil, nil, notFound(err)
	}
	scope, err := scopeOf(ctx, tx, t.ReferralID)
	if err != nil {
		return nil, nil, err
	}
	t.Closed = scope.closed
	// open decides on another organisation too, and records the attempt.
	f, err := open(ctx, tx, actor, act, t.PersonID, false, scope)
	if err != nil {
		// A view-only delegate may read their person's thread, not
		// write in it: it exists for them (403).
		own := actor.Portal != nil && t.PersonID == actor.Portal.PersonID && t.Takes(parcours.ParticipantPerson, t.PersonID)
		if parcours.ErrorCode(err) == parcours.EForbidden && !own {
			return nil, nil, parcours.NotFound()
		}
		return nil, nil, err
	}
	if !f.Owns(t.PersonID) || !t.Takes(f.Participant()) {
		return nil, nil, f.deny()
	}
	return f, t, nil
}

// threadScope is the referral a thread is under: the organisation it
// went to (the other structure taking part) and whether it no longer
// shares the file (closed: the thread is read-only).
type threadScope struct {
	referralID, partnerOrg string
	closed                 bool
	// quiet: a refusal is not recorded (PeekReferralThreads).
	quiet bool
}

func scopeOf(ctx context.Context, tx *store.Tx, referralID string) (threadScope, error) {
	if referralID == "" {
		return threadScope{}, nil
	}
	r, err := tx.Referral(ctx, referralID)
	if err != nil {
		return threadScope{}, err
	}
	shares, err := tx.ReferralShares(ctx, r.ID)
	return threadScope{referralID: r.ID, partnerOrg: r.ToOrgID, closed: !shares}, err
}

// OpenReferralThreads opens the file of referral id for act on the
// threads under it: professionals of the sending and the receiving
// structure (both of this instance) write there about the person, while
// the referral shares the file. The receiving organisation opens it
// through the share, only while this referral is one of the open ones;
// a referral sent back to the person's organisation has none of its own
// (the threads are those of the referral that opened the share): 404.
func OpenReferralThreads(ctx context.Context, tx *store.Tx, actor parcours.Actor, act access.Action, id string) (*File, *parcours.Referral, error) {
	return openReferralThreads(ctx, tx, actor, act, id, false)
}

// PeekReferralThreads is OpenReferralThreads for the referral's page,
// which shows its threads to whoever may take part: a caller who may
// not (a break-glass reading the referral, the front desk) is no attempt
// on the threads, and is not recorded as a refusal.
func PeekReferralThreads(ctx context.Context, tx *store.Tx, actor parcours.Actor, act access.Action, id string) (*File, *parcours.Referral, error) {
	return openReferralThreads(ctx, tx, actor, act, id, true)
}

func openReferralThreads(ctx context.Context, tx *store.Tx, actor parcours.Actor, act access.Action, id string, quiet bool) (*File, *parcours.Referral, error) {
	r, err := tx.Referral(ctx, id)
	if err != nil {
		return nil, nil, notFound(err)
	}
	if actor.Portal != nil || actor.System || (actor.OrgID != r.FromOrgID && actor.OrgID != r.ToOrgID) || r.ToOrgID == "" || r.ToOrgID == r.FromOrgID {
		return nil, nil, parcours.NotFound()
	}
	scope, err := scopeOf(ctx, tx, r.ID)
	if err != nil {
		return nil, nil, err
	}
	scope.quiet = quiet
	f, err := open(ctx, tx, actor, act, r.PersonID, false, scope)
	if err != nil {
		return nil, nil, err
	}
	f.thread.quiet = false
	if f.Person.OrgID != r.FromOrgID {
		if quiet {
			return nil, nil, parcours.NotFound()
		}
		return nil, nil, f.deny()
	}
	return f, r, nil
}

// ThreadOrgs are the organisations whose workers take part in the file's
// threads as opened: the person's, and under a referral the receiving
// one.
func (f *File) ThreadOrgs() []string {
	if f.thread.partnerOrg != "" {
		return []string{f.Person.OrgID, f.thread.partnerOrg}
	}
	return []string{f.Person.OrgID}
}

// Threads lists the threads of the file the actor takes part in, latest
// message first, with their unread counts.
func (f *File) Threads(ctx context.Context) ([]*parcours.Thread, error) {
	if err := f.Check(access.MessageRead); err != nil {
		return nil, err
	}
	kind, id := f.Participant()
	ts, err := f.tx.ParticipantThreads(ctx, f.IDs, kind, id, 200)
	if err != nil {
		return nil, err
	}
	return ts, f.closeThreads(ctx, ts)
}

// ReferralThreads lists the threads under the referral the file was
// opened for (OpenReferralThreads) that the actor takes part in.
func (f *File) ReferralThreads(ctx context.Context) ([]*parcours.Thread, error) {
	if err := f.Check(access.MessageRead); err != nil {
		return nil, err
	}
	kind, id := f.Participant()
	ts, err := f.tx.ParticipantThreads(ctx, f.IDs, kind, id, 200)
	if err != nil {
		return nil, err
	}
	ts = slices.DeleteFunc(ts, func(t *parcours.Thread) bool { return t.ReferralID != f.thread.referralID })
	for _, t := range ts {
		t.Closed = f.thread.closed
	}
	return ts, nil
}

// closeThreads marks the threads whose referral no longer shares the
// file (one statement per referral).
func (f *File) closeThreads(ctx context.Context, ts []*parcours.Thread) error {
	open := map[string]bool{}
	for _, t := range ts {
		if t.ReferralID == "" {
			continue
		}
		shares, seen := open[t.ReferralID]
		if !seen {
			var err error
			if shares, err = f.tx.ReferralShares(ctx, t.ReferralID); err != nil {
				return err
			}
			open[t.ReferralID] = shares
		}
		t.Closed = !shares
	}
	return nil
}

// shareWith is the file's share with organisation org (nil when none),
// gathered once per File.
func (f *File) shareWith(ctx context.Context, org string) (*parcours.Share, error) {
	if sh, ok := f.shares[org]; ok {
		return sh, nil
	}
	sh, err := f.tx.ActiveShare(ctx, f.Group, org)
	if err != nil {
		return nil, err
	}
	if f.shares == nil {
		f.shares = map[string]*parcours.Share{}
	}
	f.shares[org] = sh
	return sh, nil
}

// MayRead reports whether worker may read the file's threads: a
// participant must, so that a thread never shows the file to someone the
// policy keeps out of it. Under a referral, a worker of the receiving
// organisation may, through the share and while it holds this referral.
func (f *File) MayRead(ctx context.Context, w *parcours.Worker) (bool, error) {
	if w == nil || w.Disabled {
		return false, nil
	}
	var sh *parcours.Share
	if w.OrgID != f.Person.OrgID {
		if f.thread.partnerOrg == "" || w.OrgID != f.thread.partnerOrg {
			return false, nil
		}
		var err error
		if sh, err = f.shareWith(ctx, w.OrgID); err != nil || sh == nil {
			return false, err
		}
	}
	facts, err := f.tx.FileFacts(ctx, w.ID, w.TeamIDs, []string{f.Person.ID}, false)
	if err != nil {
		return false, err
	}
	ff := facts[f.Person.ID]
	if ff == nil {
		return false, nil
	}
	rel := ff.Rel
	if sh != nil {
		r := *ff.Rel
		r.Share = sh
		rel = &r
	}
	a := parcours.Actor{WorkerID: w.ID, OrgID: w.OrgID, Role: w.Role, TeamIDs: w.TeamIDs}
	return access.Allowed(a, access.MessageRead, access.Target{OrgID: ff.Person.OrgID, PersonID: ff.Person.ID, Rel: rel,
		ThreadReferralID: f.thread.referralID}), nil
}

// CreateThread stores a thread on the file with its participants (the
// actor among them) and its first message.
func (f *File) CreateThread(ctx context.Context, t *parcours.Thread, first *parcours.ThreadMessage) error {
	if err := f.Check(access.MessageWrite); err != nil {
		return err
	}
	if f.thread.referralID != "" && slices.ContainsFunc(t.Participants, func(p *parcours.ThreadParticipant) bool { return p.Kind == parcours.ParticipantPerson }) {
		return noPerson()
	}
	t.OrgID, t.PersonID, t.CreatedBy, t.ReferralID = f.Person.OrgID, f.Person.ID, f.actor.ID(), f.thread.referralID
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
	m.ThreadID = t.ID
	m.AuthorKind, m.AuthorID = f.author()
	if m.DocumentID != "" && f.thread.referralID != "" {
		return noAttachment()
	}
	if m.DocumentID != "" {
		d, err := f.Document(ctx, m.DocumentID)
		if err != nil {
			return err
		}
		if d == nil || !f.mayAttach(d) {
			return parcours.FieldError(parcours.EInvalid, "document_id", "error.message.unknown_document")
		}
	}
	if err := f.tx.InsertThreadMessage(ctx, t.PersonID, m); err != nil {
		return err
	}
	// The author has read their own message.
	kind, id := f.Participant()
	if err := f.tx.MarkThreadRead(ctx, t.ID, kind, id, m.CreatedAt); err != nil {
		return err
	}
	for _, p := range t.Participants {
		if p.Kind != parcours.ParticipantWorker || (kind == parcours.ParticipantWorker && p.ID == id) {
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

// noAttachment refuses a document in a thread under a referral: what
// the receiving structure reads of the file's documents is the extract
// the sender chose, with the person's consent; a message must not widen
// it (a document goes in a new referral's extract).
func noAttachment() error {
	return parcours.FieldError(parcours.EInvalid, "document_id", "error.message.referral_attachment")
}

// noPerson refuses the person in a thread under a referral: it is the
// professionals' exchange between two structures; the person writes to
// each of them in their own portal.
func noPerson() error {
	return parcours.FieldError(parcours.EInvalid, "with_person", "error.message.referral_person")
}

// ThreadClosed reports whether the file was opened for a thread under a
// referral that no longer shares it: read-only.
func (f *File) ThreadClosed() bool { return f.thread.closed }

// mayAttach reports whether the actor may put document d in a message: a
// worker any document of the file they may read; the person only a
// document they sent themselves (the file's other documents are not
// theirs to pick, only those a worker shares with them).
func (f *File) mayAttach(d *parcours.Document) bool {
	if f.actor.Portal != nil {
		return d.UploadedBy == f.actor.ID()
	}
	return f.Can(access.DocumentRead)
}

// AttachDocument records an uploaded content as a document of the file,
// sent inside a message: it goes to the document store as any other
// document (the file's documents list shows it). d's content is already
// in place (package casefile checked its type and size). Audited as
// document.create.
func (f *File) AttachDocument(ctx context.Context, d *parcours.Document) error {
	if err := f.Check(access.MessageWrite); err != nil {
		return err
	}
	if f.thread.referralID != "" {
		return noAttachment()
	}
	return f.insertDocument(ctx, d)
}

// insertDocument records an upload already in place in the document
// store as a document of the file (another area's attachment: a message,
// a mandate's scan, an aid request's supporting document), audited as
// document.create; the caller has checked its own action.
func (f *File) insertDocument(ctx context.Context, d *parcours.Document) error {
	d.OrgID, d.PersonID, d.UploadedBy = f.Person.OrgID, f.Person.ID, f.actor.ID()
	if d.Kind == "" {
		d.Kind = "autre"
	}
	if err := f.tx.InsertDocument(ctx, d); err != nil {
		return err
	}
	f.AuditAbout("document.create", "document", d.ID, d.PersonID)
	return nil
}

// ThreadAttachment returns document id when a message of thread t
// carries it: what a participant downloads from the thread, whatever
// else of the file's documents they may read (the person reads only
// these and the documents shared with them). nil when none. Audited as
// document.download.
func (f *File) ThreadAttachment(ctx context.Context, t *parcours.Thread, id string) (*parcours.Document, error) {
	if err := f.Check(access.MessageRead); err != nil {
		return nil, err
	}
	ok, err := f.tx.ThreadHasDocument(ctx, t.ID, id, f.joined(t))
	if err != nil || !ok {
		return nil, err
	}
	d, err := f.Document(ctx, id)
	if err != nil || d == nil {
		return nil, err
	}
	f.AuditAbout("document.download", "document", d.ID, d.PersonID)
	return d, nil
}

// PortalNames names the portal accounts of the file (the person, their
// delegates) for the messages they wrote: a thread's readers see who
// wrote, nothing else of the accounts.
func (f *File) PortalNames(ctx context.Context) (map[string]string, error) {
	if err := f.Check(access.MessageRead); err != nil {
		return nil, err
	}
	accs, err := f.tx.PortalAccounts(ctx, f.IDs)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, a := range accs {
		out[a.ID] = a.Name
		if a.Kind == parcours.PortalPerson {
			out[a.ID] = f.Person.DisplayName()
		}
	}
	return out, nil
}

// ThreadReferents are the workers the person writes to from the portal:
// the referents of their open accompaniments in the organisation, who
// may read the file.
func (f *File) ThreadReferents(ctx context.Context) ([]*parcours.Worker, error) {
	if err := f.Check(access.MessageWrite); err != nil {
		return nil, err
	}
	out := []*parcours.Worker{}
	for _, a := range f.Active {
		if a.OrgID != f.Person.OrgID || a.ReferentID == "" || slices.ContainsFunc(out, func(w *parcours.Worker) bool { return w.ID == a.ReferentID }) {
			continue
		}
		w, err := f.tx.Worker(ctx, a.ReferentID)
		if err != nil && !errors.Is(err, store.ErrNoRows) {
			return nil, err
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

// ThreadMessages reads thread t's messages and records the actor's read
// receipt.
func (f *File) ThreadMessages(ctx context.Context, t *parcours.Thread) ([]*parcours.ThreadMessage, error) {
	if err := f.Check(access.MessageRead); err != nil {
		return nil, err
	}
	all, err := f.tx.ThreadMessages(ctx, t.ID)
	if err != nil {
		return nil, err
	}
	kind, pid := f.Participant()
	ms := all[:0:0]
	since := f.joined(t)
	for _, m := range all {
		if !m.CreatedAt.Before(since) {
			ms = append(ms, m)
		}
	}
	if n := len(ms); n > 0 {
		if err := f.tx.MarkThreadRead(ctx, t.ID, kind, pid, ms[n-1].CreatedAt); err != nil {
			return nil, err
		}
	}
	if kind == parcours.ParticipantWorker {
		// Reading the thread reads its notifications (issue 11 point 5).
		if err := f.tx.MarkThreadNotificationsRead(ctx, f.actor.WorkerID, t.ID); err != nil {
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

// joined is when the actor joined thread t: they read the messages from
// then on. A participant added to a running thread does not read what
// was written before (see AddParticipant).
func (f *File) joined(t *parcours.Thread) time.Time {
	kind, id := f.Participant()
	for _, p := range t.Participants {
		if p.Kind == kind && p.ID == id {
			return p.AddedAt
		}
	}
	return time.Time{}
}

// Earlier counts the messages of t written before the actor joined,
// which they do not read.
func (f *File) Earlier(ctx context.Context, t *parcours.Thread) (int, error) {
	if err := f.Check(access.MessageRead); err != nil {
		return 0, err
	}
	return f.tx.ThreadMessagesBefore(ctx, t.ID, f.joined(t))
}

// AddParticipant adds a worker (who must be able to read the file) or
// the person to thread t, which the actor takes part in. The newcomer
// reads the messages written from now on, not the earlier ones: those
// were written for the participants of the time, and a thread never
// discloses more than its authors chose (the DPO's reading of data
// minimisation); the page says how many earlier messages there are. A
// worker added is notified. It reports whether they were added (false:
// they took part already).
func (f *File) AddParticipant(ctx context.Context, t *parcours.Thread, kind string, w *parcours.Worker) (bool, error) {
	if err := f.Check(access.MessageWrite); err != nil {
		return false, err
	}
	if kind == parcours.ParticipantPerson && f.thread.referralID != "" {
		return false, noPerson()
	}
	p := &parcours.ThreadParticipant{Kind: kind, ID: f.Person.ID}
	if kind == parcours.ParticipantWorker {
		ok, err := f.MayRead(ctx, w)
		if err != nil {
			return false, err
		}
		if !ok {
			return false, parcours.FieldError(parcours.EInvalid, "participant_ids", "error.message.participant_cannot_read", w.ID)
		}
		p.ID = w.ID
	}
	added, err := f.tx.AddThreadParticipant(ctx, t, p)
	if err != nil || !added {
		return added, err
	}
	if kind == parcours.ParticipantWorker {
		if err := f.tx.InsertNotification(ctx, &parcours.Notification{WorkerID: w.ID, Kind: "message", PersonID: f.Person.ID, ObjectID: t.ID}); err != nil {
			return false, err
		}
	}
	return true, nil
}
