package file

import (
	"context"
	"errors"
	"slices"

	"parcours/internal/access"
	"parcours/internal/audit"
	"parcours/internal/parcours"
	"parcours/internal/store"
)

// Referrals: the extract a referral shares, chosen by the sender among
// what they may read, and read by the receiving organisation through the
// share (parcours.Share, judged by access.shared).

// deny records a refused attempt on the file and returns NotFound.
func (f *File) deny() error {
	f.tx.AuditDenial(audit.Denied(f.actor, f.Person.ID, f.Person.OrgID))
	return parcours.NotFound()
}

// Share is what the file shares with the actor's organisation by
// referral; nil for the person's own organisation.
func (f *File) Share() *parcours.Share { return f.Rel.Share }

// WriterOrg is the organisation new journal entries of the actor belong
// to: a receiving organisation's entries are its own, not the sender's.
func (f *File) WriterOrg() string {
	if f.Rel.Share != nil {
		return f.actor.OrgID
	}
	return f.Person.OrgID
}

// OpenReferral opens the file of a referral for act and returns the
// referral with its extract. The receiving organisation opens it through
// the share, and only while this referral is one of the open ones: a
// refused, expired, cancelled or ended referral grants nothing (404).
// A referral sent back to the person's own organisation (by the
// organisation that received the file) is opened by that organisation
// with the returned share (Relation.Returned): its extract, and nothing
// more of the other organisation's notes. Answering and ending belong to
// the receiving organisation, cancelling to the sending one.
func OpenReferral(ctx context.Context, tx *store.Tx, actor parcours.Actor, act access.Action, id string) (*File, *parcours.Referral, error) {
	r, err := tx.Referral(ctx, id)
	if err != nil {
		return nil, nil, notFound(err)
	}
	if actor.OrgID != r.FromOrgID && actor.OrgID != r.ToOrgID && !actor.System {
		return nil, nil, parcours.NotFound()
	}
	if actor.System {
		f, err := Open(ctx, tx, actor, act, r.PersonID)
		return f, r, err
	}
	f, err := openReturned(ctx, tx, actor, act, r)
	if err != nil {
		return nil, nil, err
	}
	receiving := actor.OrgID == r.ToOrgID
	if receiving && f.Rel.Share != nil && !slices.Contains(f.Rel.Share.ReferralIDs, r.ID) {
		return nil, nil, f.deny()
	}
	switch {
	case act == access.ReferralCancel && actor.OrgID != r.FromOrgID:
		return nil, nil, f.deny()
	case (act == access.ReferralAnswer || act == access.ReferralEnd) && !receiving:
		tx.AuditDenial(audit.Denied(actor, f.Person.ID, f.Person.OrgID))
		return nil, nil, parcours.Forbidden()
	}
	return f, r, nil
}

// openReturned opens r's file for act. When r goes back to the person's
// own organisation and the actor is of it, the returned share is
// gathered before the policy decides: only an open referral grants it.
func openReturned(ctx context.Context, tx *store.Tx, actor parcours.Actor, act access.Action, r *parcours.Referral) (*File, error) {
	if actor.OrgID != r.ToOrgID || actor.OrgID == r.FromOrgID {
		return Open(ctx, tx, actor, act, r.PersonID)
	}
	// The file first (the person must be of the actor's organisation or
	// shared with it); then the returned share; then act.
	f, err := load(ctx, tx, actor, r.PersonID, false)
	if err != nil {
		return nil, err
	}
	if f.Rel.Share != nil || f.Person.OrgID != actor.OrgID {
		if err := f.Check(act); err != nil {
			tx.AuditDenial(audit.Denied(actor, f.Person.ID, f.Person.OrgID))
			return nil, err
		}
		return f, nil
	}
	sh, err := tx.ActiveShare(ctx, f.Group, actor.OrgID)
	if err != nil {
		return nil, err
	}
	if sh == nil || !slices.Contains(sh.ReferralIDs, r.ID) {
		return nil, f.deny()
	}
	rel := *f.Rel
	rel.Returned = sh
	f.Rel = &rel
	if err := f.Check(act); err != nil {
		tx.AuditDenial(audit.Denied(actor, f.Person.ID, f.Person.OrgID))
		return nil, err
	}
	return f, nil
}

// CheckExtract makes sure the actor may read every item they put in an
// extract: each entry (by its confidentiality), document and task of the
// file. The first one they may not read is an invalid input naming it,
// without saying whether it exists. Under a share (referring back from a
// received file), only what the actor's own organisation wrote may be
// sent on: an item of the extract received, or any situation part, is
// refused by name (error.referral.reshare) — never re-shared onward.
func (f *File) CheckExtract(ctx context.Context, entryIDs, documentIDs, taskIDs, situationParts []string) error {
	shared := f.Rel.Share != nil
	reshare := func(field, id string) error {
		return parcours.FieldError(parcours.EInvalid, field, "error.referral.reshare", id)
	}
	for _, id := range entryIDs {
		if !f.Can(access.JournalRead) {
			return parcours.FieldError(parcours.EInvalid, "entry_ids", "error.referral.unreadable_entry", id)
		}
		e, err := f.Entry(ctx, id)
		if err != nil {
			return parcours.FieldError(parcours.EInvalid, "entry_ids", "error.referral.unreadable_entry", id)
		}
		if shared && e.OrgID != f.actor.OrgID {
			return reshare("entry_ids", id)
		}
	}
	for _, id := range documentIDs {
		d, err := f.Document(ctx, id)
		if err != nil {
			return err
		}
		if d == nil || !f.Can(access.DocumentRead) {
			return parcours.FieldError(parcours.EInvalid, "document_ids", "error.referral.unreadable_document", id)
		}
		if shared && d.OrgID != f.actor.OrgID {
			return reshare("document_ids", id)
		}
	}
	for _, id := range taskIDs {
		if !f.Can(access.TaskRead) {
			return parcours.FieldError(parcours.EInvalid, "task_ids", "error.referral.unreadable_task", id)
		}
		t, err := f.Task(ctx, id)
		if err != nil {
			return parcours.FieldError(parcours.EInvalid, "task_ids", "error.referral.unreadable_task", id)
		}
		if shared && t.OrgID != f.actor.OrgID {
			return reshare("task_ids", id)
		}
	}
	if shared && len(situationParts) > 0 {
		// The situation is the person's organisation's record.
		return parcours.FieldError(parcours.EInvalid, "situation_parts", "error.referral.reshare_situation")
	}
	return nil
}

// OwnItems keeps, under a share, what the actor's own organisation
// wrote among entries, documents and tasks read from the file: what a
// referral back may offer. Outside a share, everything is kept.
func (f *File) OwnItems(entries []*parcours.JournalEntry, docs []*parcours.Document, tasks []*parcours.Task) ([]*parcours.JournalEntry, []*parcours.Document, []*parcours.Task) {
	if f.Rel.Share == nil {
		return entries, docs, tasks
	}
	org := f.actor.OrgID
	return slices.DeleteFunc(entries, func(e *parcours.JournalEntry) bool { return e.OrgID != org }),
		slices.DeleteFunc(docs, func(d *parcours.Document) bool { return d.OrgID != org }),
		slices.DeleteFunc(tasks, func(t *parcours.Task) bool { return t.OrgID != org })
}

// Extract is what a referral shows of the file: the identity, the
// situation parts chosen, the chosen entries, documents and tasks, and —
// for the receiving organisation — the entries it wrote since.
type Extract struct {
	Person    *parcours.Person
	Situation *parcours.Situation // only the parts chosen; nil when none
	Entries   []*parcours.JournalEntry
	Documents []*parcours.Document
	Tasks     []*parcours.Task
	// Own are the receiving organisation's own entries, newest first.
	Own []*parcours.JournalEntry
}

// Extract reads r's extract, each item through the policy: the sender
// sees what they may still read of it, the receiver exactly it (and
// their own entries).
func (f *File) Extract(ctx context.Context, r *parcours.Referral) (*Extract, error) {
	if err := f.Check(access.ReferralRead); err != nil {
		return nil, err
	}
	p := *f.Person
	if !f.Sees(access.SensitiveRead) {
		p.NIR = ""
	}
	x := &Extract{Person: &p, Entries: []*parcours.JournalEntry{}, Documents: []*parcours.Document{},
		Tasks: []*parcours.Task{}, Own: []*parcours.JournalEntry{}}
	for _, id := range r.EntryIDs {
		if e, err := f.Entry(ctx, id); err == nil {
			x.Entries = append(x.Entries, f.Redact(e))
		}
	}
	if f.Can(access.DocumentRead) {
		for _, id := range r.DocumentIDs {
			d, err := f.Document(ctx, id)
			if err != nil {
				return nil, err
			}
			if d != nil {
				x.Documents = append(x.Documents, d)
			}
		}
	}
	if f.Can(access.TaskRead) {
		for _, id := range r.TaskIDs {
			if t, err := f.Task(ctx, id); err == nil {
				x.Tasks = append(x.Tasks, t)
			}
		}
	}
	if len(r.SituationParts) > 0 && f.Person.HouseholdID != "" {
		// The situation is read for the parts the sender chose only:
		// never health, never the rest.
		s, err := f.tx.CurrentSituation(ctx, f.Person.HouseholdID)
		if err != nil && !errors.Is(err, store.ErrNoRows) {
			return nil, err
		}
		if s != nil {
			part := &parcours.Situation{ID: s.ID, HouseholdID: s.HouseholdID, ValidFrom: s.ValidFrom, IncomeSources: []string{}}
			for _, p := range r.SituationParts {
				switch p {
				case "housing":
					part.Housing = s.Housing
				case "income":
					part.IncomeSources, part.MonthlyIncome = s.IncomeSources, s.MonthlyIncome
				case "employment":
					part.Employment = s.Employment
				}
			}
			x.Situation = part
		}
	}
	if f.Rel.Share != nil && f.Can(access.JournalRead) {
		// What the receiving organisation wrote in the file, through the
		// entry-by-entry check.
		rows, err := f.tx.JournalPage(ctx, f.IDs, store.JournalFilter{}, nil, 200)
		if err != nil {
			return nil, err
		}
		for _, e := range f.CanRead(rows) {
			if e.OrgID == f.actor.OrgID {
				x.Own = append(x.Own, e)
			}
		}
	}
	return x, nil
}

// Referrals returns, newest first, the referrals the actor's organisation
// sent for this file (its follow-up on the file page) and, for an
// organisation that holds the file by referral, the open referrals that
// share it — why it holds the file, and what it sent back or onward from
// it. Closed referrals received grant nothing and are not listed.
func (f *File) Referrals(ctx context.Context) ([]*parcours.Referral, error) {
	if err := f.Check(access.ReferralRead); err != nil {
		return nil, err
	}
	sent, err := f.tx.Referrals(ctx, store.ReferralFilter{PersonIDs: f.IDs, FromOrg: f.actor.OrgID, Limit: 50})
	if err != nil || f.Rel.Share == nil {
		return sent, err
	}
	received, err := f.tx.Referrals(ctx, store.ReferralFilter{PersonIDs: f.IDs, ToOrgID: f.actor.OrgID, Limit: 50})
	if err != nil {
		return nil, err
	}
	for _, r := range received {
		if slices.Contains(f.Rel.Share.ReferralIDs, r.ID) {
			sent = append(sent, r)
		}
	}
	slices.SortStableFunc(sent, func(a, b *parcours.Referral) int { return b.CreatedAt.Compare(a.CreatedAt) })
	return sent, nil
}

// ReferralPersons names, for the boxes, the person of each referral the
// actor may read now: for the sending organisation, a file it may read;
// for the receiving organisation, only while that referral is open (its
// share holds it). The others stay unnamed. Each person named to the
// receiving organisation is a read of the identity, in the person's
// access log (referral.list).
func ReferralPersons(ctx context.Context, tx *store.Tx, actor parcours.Actor, list []*parcours.Referral) (map[string]*parcours.Person, error) {
	out := map[string]*parcours.Person{}
	var ids []string
	for _, r := range list {
		ids = append(ids, r.PersonID)
	}
	if len(ids) == 0 {
		return out, nil
	}
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	facts, err := tx.FileFacts(ctx, actor.WorkerID, actor.TeamIDs, ids, false)
	if err != nil {
		return nil, err
	}
	shares := map[string]*parcours.Share{}
	for _, r := range list {
		ff := facts[r.PersonID]
		if ff == nil || ff.Person == nil {
			continue
		}
		t := access.Target{OrgID: ff.Person.OrgID, PersonID: ff.Person.ID, Rel: ff.Rel}
		if ff.Person.OrgID != actor.OrgID {
			sh, seen := shares[r.PersonID]
			if !seen {
				if sh, err = tx.ActiveShare(ctx, ff.Group, actor.OrgID); err != nil {
					return nil, err
				}
				shares[r.PersonID] = sh
			}
			if sh == nil || !slices.Contains(sh.ReferralIDs, r.ID) {
				continue
			}
			rel := *ff.Rel
			rel.Share = sh
			t.Rel = &rel
		}
		if access.Check(actor, access.PersonRead, t) != nil {
			continue
		}
		p := *ff.Person
		p.NIR = ""
		out[r.ID] = &p
		if ff.Person.OrgID != actor.OrgID {
			tx.Audit(audit.For(actor, "referral.list", "referral", r.ID, ff.Person.ID))
		}
	}
	return out, nil
}
