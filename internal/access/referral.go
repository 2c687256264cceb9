package access

import (
	"slices"

	"parcours/internal/parcours"
)

// Referrals (orientations) and the scoped share they open, and the
// service directory.
//
// A referral shares an extract of a file with the organisation of the
// service it goes to: the identity always, and only the journal entries,
// documents, tasks and situation parts the sender chose. While it is open
// (pending and not expired, or accepted and not ended) the door gathers
// the share into the relation (Relation.Share) of any worker of that
// organisation, and shared below decides: a case worker of the receiving
// organisation reads the extract and what their own organisation wrote in
// the file since, answers the referral, and once it is accepted writes in
// the journal (entries of their organisation, which the sending
// organisation does not read). Everything else of the file does not exist
// for them (404), and the share ends at once when the referral is
// refused, expires, is cancelled or its follow-up ends.
const (
	// ReferralRead shows a file's referrals (sending side) and a
	// referral with its extract (both sides).
	ReferralRead Action = "referral.read"
	// ReferralAnswer accepts or refuses a referral: receiving side.
	ReferralAnswer Action = "referral.answer"
	// ReferralEnd ends the receiving organisation's follow-up.
	ReferralEnd Action = "referral.end"
	// ReferralCancel withdraws a referral: sending side.
	ReferralCancel Action = "referral.cancel"
	// ReferralInbox lists one's sent referrals and the organisation's
	// received ones, and their statistics: no file is opened.
	ReferralInbox Action = "referral.inbox"

	// DirectoryRead searches the service directory: everyone.
	DirectoryRead Action = "directory.read"
	// DirectoryManage enters structures and services (one's own
	// organisation's, and external ones) and imports them: administrators.
	DirectoryManage Action = "directory.manage"
)

func init() {
	for _, r := range parcours.Roles {
		roleActions[r][DirectoryRead] = true
	}
	roleActions[parcours.RoleAdmin][DirectoryManage] = true
	for _, r := range []parcours.Role{parcours.RoleWorker, parcours.RoleManager} {
		for _, a := range []Action{ReferralRead, ReferralAnswer, ReferralEnd, ReferralCancel, ReferralInbox} {
			roleActions[r][a] = true
		}
	}
	readOf[ReferralRead], readOf[ReferralCancel] = PersonRead, PersonRead
	readOf[ReferralAnswer], readOf[ReferralEnd] = PersonRead, PersonRead
	readOf[FileShareExternal] = PersonRead
	// Answering and ending belong to the receiving organisation, through
	// the share (shared): inside the person's own organisation they are
	// refused whatever the relation.
	receiverOnly := func(parcours.Actor, Target) error { return parcours.Forbidden() }
	relationRules[ReferralAnswer], relationRules[ReferralEnd] = receiverOnly, receiverOnly
	// Cancelling decides for the file; answering and ending only happen
	// under a share. None of them is for a break-glass access.
	for _, a := range []Action{ReferralAnswer, ReferralEnd, ReferralCancel} {
		lasting[a] = true
	}
}

// sharedActions are what a share may allow a worker of the receiving
// organisation; the rest of the file does not exist for them.
var sharedActions = set(PersonRead, JournalRead, JournalEntryRead, JournalWrite, JournalAmend, JournalPrivateRead,
	DocumentRead, TaskRead, ReferralRead, ReferralAnswer, ReferralEnd, FileShareExternal, ReferralCancel,
	MessageRead, MessageWrite)

// shared decides act for a worker of the organisation a file is shared
// with by referral (t.Rel.Share, for the actor's organisation).
func shared(actor parcours.Actor, act Action, t Target) error {
	if !sharedActions[act] || !roleActions[actor.Role][act] || (actor.Role != parcours.RoleWorker && actor.Role != parcours.RoleManager) {
		return parcours.NotFound()
	}
	sh := t.Rel.Share
	switch act {
	case MessageRead, MessageWrite:
		// Only the threads under a referral of the share (messaging.go).
		if t.ThreadReferralID == "" || !slices.Contains(sh.ReferralIDs, t.ThreadReferralID) {
			return parcours.NotFound()
		}
		if act == MessageWrite {
			return threadOpen(t)
		}
	case FileShareExternal:
		// Referring back (to the sender's structure or a third service)
		// is allowed under the share, for what the receiving
		// organisation itself wrote (file.CheckExtract refuses the
		// extract it received): the person's objection still holds.
		if t.Rel.Objects(parcours.ObjectNoExternalSharing) {
			return parcours.Errorf(parcours.EForbidden, "error.objection_external_sharing")
		}
	case JournalWrite:
		if !sh.Accepted {
			// Reading the extract to decide comes first; writing in the
			// file means following the person.
			return parcours.Forbidden()
		}
	case JournalEntryRead, JournalAmend, JournalPrivateRead:
		if t.EntryOrgID == actor.OrgID {
			// The receiving organisation's own entries: their
			// confidentiality applies among its workers.
			if rule, ok := relationRules[act]; ok {
				return rule(actor, t)
			}
			return nil
		}
		if act == JournalEntryRead && sh.HasEntry(t.EntryID) {
			return nil
		}
		if act != JournalEntryRead && sh.HasEntry(t.EntryID) {
			// An entry of the extract is read as sent: never amended
			// here, its private synthesis never shown.
			return parcours.Forbidden()
		}
		return parcours.NotFound()
	}
	return nil
}

// foreignEntry reports an entry written in the file by another
// organisation (a receiving structure's notes): it does not exist for the
// person's organisation.
func foreignEntry(actor parcours.Actor, act Action, t Target) bool {
	switch act {
	case JournalEntryRead, JournalAmend, JournalPrivateRead:
		return t.EntryOrgID != "" && t.EntryOrgID != actor.OrgID
	}
	return false
}

// returnedActions are what a referral sent back to the person's own
// organisation allows its workers beyond their own relation to the file:
// reading that referral (identity and extract) and answering it.
var returnedActions = set(PersonRead, ReferralRead, ReferralAnswer, ReferralEnd, JournalEntryRead)

// returned decides act for a worker of the person's own organisation
// that opens a referral sent back to it (t.Rel.Returned): the entries of
// its extract, written by the other organisation, are readable, and the
// referral is theirs to answer whatever their relation to the file. Any
// other entry of another organisation stays absent; anything else is
// left to the usual rules (decided false).
func returned(actor parcours.Actor, act Action, t Target) (decided bool, err error) {
	if !returnedActions[act] || (actor.Role != parcours.RoleWorker && actor.Role != parcours.RoleManager) || !roleActions[actor.Role][act] {
		return false, nil
	}
	switch act {
	case JournalEntryRead:
		if t.EntryOrgID == "" || t.EntryOrgID == actor.OrgID {
			return false, nil // the organisation's own entries: the usual rules
		}
		if t.Rel.Returned.HasEntry(t.EntryID) {
			return true, nil
		}
		return true, parcours.NotFound()
	}
	return true, nil
}
