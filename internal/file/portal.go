package file

import (
	"context"
	"strings"
	"time"

	"parcours/internal/access"
	"parcours/internal/audit"
	"parcours/internal/parcours"
	"parcours/internal/store"
)

// The person portal's reads and the journal's disclosure decisions.

// OpenOwn opens the portal actor's own file for act: the person, or the
// person a delegate acts for. A worker has no own file (Forbidden).
func OpenOwn(ctx context.Context, tx *store.Tx, actor parcours.Actor, act access.Action) (*File, error) {
	if actor.Portal == nil {
		return nil, parcours.Forbidden()
	}
	return Open(ctx, tx, actor, act, actor.Portal.PersonID)
}

// allEntries reads every journal row of the file, newest first.
func (f *File) allEntries(ctx context.Context) ([]*parcours.JournalEntry, error) {
	var out []*parcours.JournalEntry
	var after []string
	const page = 500
	for {
		rows, err := f.tx.JournalPage(ctx, f.IDs, store.JournalFilter{}, after, page)
		if err != nil {
			return nil, err
		}
		out = append(out, rows...)
		if len(rows) < page {
			return out, nil
		}
		after = store.JournalKey(rows[len(rows)-1])
	}
}

// noPrivate drops the author's private synthesis: it is never part of
// what the person reads.
func noPrivate(e *parcours.JournalEntry) *parcours.JournalEntry {
	if e.PrivateSynthesis == "" {
		return e
	}
	c := *e
	c.PrivateSynthesis = ""
	return &c
}

// SharedEntries returns the journal entries their authors marked «
// partagé avec la personne » (and did not withhold since), newest first:
// the only entries the portal shows.
func (f *File) SharedEntries(ctx context.Context) ([]*parcours.JournalEntry, error) {
	if err := f.Check(access.PortalRead); err != nil {
		return nil, err
	}
	disc, err := f.tx.Disclosures(ctx, f.IDs)
	if err != nil {
		return nil, err
	}
	if len(disc) == 0 {
		return []*parcours.JournalEntry{}, nil
	}
	all, err := f.allEntries(ctx)
	if err != nil {
		return nil, err
	}
	out := []*parcours.JournalEntry{}
	for _, e := range all {
		if d := disc[e.ID]; d != nil && d.Shared && !d.Withheld {
			out = append(out, noPrivate(e))
		}
	}
	return out, nil
}

// ExportEntries returns the journal as the person's copy of the file has
// it (art. 15): every entry except those withheld for a third party,
// without private syntheses, and the count withheld. Workers get the
// entries they may read (the referent's export holds the referent-only
// ones); the person gets them all.
func (f *File) ExportEntries(ctx context.Context) (entries []*parcours.JournalEntry, unreadable, withheld int, err error) {
	act := access.FileExport
	if f.actor.Portal != nil {
		act = access.PortalExport
	}
	if err := f.Check(act); err != nil {
		return nil, 0, 0, err
	}
	disc, err := f.tx.Disclosures(ctx, f.IDs)
	if err != nil {
		return nil, 0, 0, err
	}
	all, err := f.allEntries(ctx)
	if err != nil {
		return nil, 0, 0, err
	}
	entries = []*parcours.JournalEntry{}
	for _, e := range all {
		if d := disc[e.ID]; d != nil && d.Withheld {
			withheld++
			continue
		}
		if f.actor.Portal == nil {
			if f.CheckEntry(access.JournalEntryRead, e) != nil {
				unreadable++
				continue
			}
			entries = append(entries, f.Redact(e))
			continue
		}
		entries = append(entries, noPrivate(e))
	}
	return entries, unreadable, withheld, nil
}

// Disclosures returns the current decisions about the file's entries, by
// entry id, for the journal's pages.
func (f *File) Disclosures(ctx context.Context) (map[string]*parcours.Disclosure, error) {
	if err := f.Check(access.JournalRead); err != nil {
		return nil, err
	}
	return f.tx.Disclosures(ctx, f.IDs)
}

// Disclose records a decision about showing entry id to the person:
// shared in the portal, or withheld from their copy with a reason (a
// third party's data). Audited as journal.disclose.
func (f *File) Disclose(ctx context.Context, id string, shared, withheld bool, reason string) (*parcours.Disclosure, error) {
	e, err := f.Entry(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := f.CheckEntry(access.JournalDisclose, e); err != nil {
		f.tx.AuditDenial(audit.Denied(f.actor, f.Person.ID, f.Person.OrgID))
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	var p parcours.Problems
	if withheld && reason == "" {
		p.Add("reason", "error.field_required", "field.withheld_reason")
	}
	if shared && withheld {
		p.Add("shared", "portal.error.shared_and_withheld")
	}
	p.MaxLen("reason", reason, 1000)
	if err := p.Err(); err != nil {
		return nil, err
	}
	if !withheld {
		reason = ""
	}
	d := &parcours.Disclosure{EntryID: e.ID, PersonID: e.PersonID, Shared: shared, Withheld: withheld, Reason: reason, SetBy: f.actor.ID()}
	if err := f.tx.InsertDisclosure(ctx, d); err != nil {
		return nil, err
	}
	f.AuditAbout("journal.disclose", "journal_entry", e.ID, e.PersonID)
	return d, nil
}

// PortalAccounts returns the portal accounts on the file: the person's
// own and their delegates'. The person reads theirs (PortalRead); a
// worker who may invite reads them all.
func (f *File) PortalAccounts(ctx context.Context) ([]*parcours.PortalAccount, error) {
	act := access.PortalInvite
	if f.actor.Portal != nil {
		act = access.PortalRead
	}
	if err := f.Check(act); err != nil {
		return nil, err
	}
	return f.tx.PortalAccounts(ctx, f.IDs)
}

// manage is the action that manages portal accounts on the file: a
// worker's invitation, or the person naming a delegate.
func (f *File) manage(kind string) error {
	if f.actor.Portal != nil {
		if kind != parcours.PortalDelegate {
			return parcours.Forbidden()
		}
		return f.Check(access.PortalDelegate)
	}
	return f.Check(access.PortalInvite)
}

// AddPortalAccount records a new account on the file: the person's own,
// or a delegate's. Audited as portal.account.
func (f *File) AddPortalAccount(ctx context.Context, a *parcours.PortalAccount) error {
	if err := f.manage(a.Kind); err != nil {
		return err
	}
	a.OrgID, a.PersonID, a.CreatedBy = f.Person.OrgID, f.Person.ID, f.actor.ID()
	if err := f.tx.InsertPortalAccount(ctx, a); err != nil {
		return err
	}
	f.Audit("portal.account", "portal_account", a.ID)
	return nil
}

// account returns an account of the file by id, else NotFound.
func (f *File) account(ctx context.Context, id string) (*parcours.PortalAccount, error) {
	list, err := f.tx.PortalAccounts(ctx, f.IDs)
	if err != nil {
		return nil, err
	}
	for _, a := range list {
		if a.ID == id {
			return a, nil
		}
	}
	return nil, parcours.NotFound()
}

// AddPortalInvitation records a one-time code (by its hash) for an
// account of the file; the account's earlier codes stop working. Audited
// as portal.invite.
func (f *File) AddPortalInvitation(ctx context.Context, inv *parcours.PortalInvitation, codeHash string) error {
	a, err := f.account(ctx, inv.AccountID)
	if err != nil {
		return err
	}
	if err := f.manage(a.Kind); err != nil {
		return err
	}
	if !a.RevokedAt.IsZero() {
		return parcours.Errorf(parcours.EConflict, "portal.error.revoked")
	}
	if err := f.tx.CancelPortalInvitations(ctx, a.ID); err != nil {
		return err
	}
	inv.PersonID, inv.CreatedBy = f.Person.ID, f.actor.ID()
	if err := f.tx.InsertPortalInvitation(ctx, inv, codeHash); err != nil {
		return err
	}
	f.Audit("portal.invite", "portal_account", a.ID)
	return nil
}

// RevokePortalAccount closes an account of the file and its sessions.
// Audited as portal.revoke.
func (f *File) RevokePortalAccount(ctx context.Context, id string) error {
	a, err := f.account(ctx, id)
	if err != nil {
		return err
	}
	if err := f.manage(a.Kind); err != nil {
		return err
	}
	if err := f.tx.RevokePortalAccount(ctx, a.ID); err != nil {
		return err
	}
	f.Audit("portal.revoke", "portal_account", a.ID)
	return nil
}

// ReplyNotice returns the signed-in portal account's choice about
// notices of new replies: its own, never another account's
// (access.PortalNotice; a worker is refused).
func (f *File) ReplyNotice(ctx context.Context) (*parcours.ReplyNotice, error) {
	if err := f.Check(access.PortalNotice); err != nil {
		return nil, err
	}
	return f.tx.ReplyNotice(ctx, f.actor.Portal.AccountID)
}

// SetReplyNotice records the signed-in portal account's address for
// notices of new replies, its consent given now; "" withdraws it (the
// address is deleted). Audited portal.notice.set or portal.notice.remove
// (on the account: the address is in no event).
func (f *File) SetReplyNotice(ctx context.Context, email string) error {
	if err := f.Check(access.PortalNotice); err != nil {
		return err
	}
	id := f.actor.Portal.AccountID
	if err := f.tx.SetReplyNotice(ctx, id, email); err != nil {
		return err
	}
	action := "portal.notice.set"
	if email == "" {
		action = "portal.notice.remove"
	}
	f.Audit(action, "portal_account", id)
	return nil
}

// ReplyNoticeAccounts returns the portal accounts of the file to tell
// that the actor (a worker) wrote in thread t, a thread with the person:
// those active today that gave an address and were told nothing within
// window. It is for queuing the notice only: no page or answer shows the
// addresses to workers.
func (f *File) ReplyNoticeAccounts(ctx context.Context, t *parcours.Thread, window time.Duration) ([]store.ReplyNoticeAccount, error) {
	if err := f.Check(access.MessageWrite); err != nil {
		return nil, err
	}
	if f.actor.Portal != nil || !t.WithPerson() || t.ReferralID != "" || t.PersonID == "" || !f.Owns(t.PersonID) {
		return nil, nil
	}
	all, err := f.tx.ReplyNoticeAccounts(ctx, f.IDs, window)
	if err != nil {
		return nil, err
	}
	day := parcours.Today(f.tx.Now())
	out := all[:0]
	for _, a := range all {
		if a.Account.Active(day) {
			out = append(out, a)
		}
	}
	return out, nil
}
