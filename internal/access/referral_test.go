package access

import (
	"testing"

	"parcours/internal/parcours"
)

// TestShared_ExactlyTheExtract decides, for a worker of the organisation a
// file is shared with, each kind of action: the extract and their own
// entries, nothing else.
func TestShared_ExactlyTheExtract(t *testing.T) {
	b := parcours.Actor{WorkerID: "wb", OrgID: "B", Role: parcours.RoleWorker, TeamIDs: []string{"tb"}}
	pending := &parcours.Relation{OrgID: "A", Share: &parcours.Share{OrgID: "B", EntryIDs: []string{"e1"}}}
	accepted := &parcours.Relation{OrgID: "A", Share: &parcours.Share{OrgID: "B", Accepted: true, EntryIDs: []string{"e1"}}}
	other := &parcours.Relation{OrgID: "A", Share: &parcours.Share{OrgID: "C", Accepted: true, EntryIDs: []string{"e1"}}}
	wa2 := parcours.Actor{WorkerID: "wa2", OrgID: "A", Role: parcours.RoleWorker, TeamIDs: []string{"ta2"}}
	returnedRel := &parcours.Relation{OrgID: "A", Returned: &parcours.Share{OrgID: "A", EntryIDs: []string{"b1"}}}
	entry := func(rel *parcours.Relation, id, org, conf, author string) Target {
		return Target{OrgID: "A", Rel: rel, EntryID: id, EntryOrgID: org, Confidentiality: conf, AuthorID: author, TeamID: "tb"}
	}
	for _, c := range []struct {
		name  string
		actor parcours.Actor
		act   Action
		t     Target
		code  string // "" allowed
	}{
		{"identity", b, PersonRead, Target{OrgID: "A", Rel: pending}, ""},
		{"the share is another organisation's", b, PersonRead, Target{OrgID: "A", Rel: other}, parcours.ENotFound},
		{"no share", b, PersonRead, Target{OrgID: "A", Rel: &parcours.Relation{OrgID: "A"}}, parcours.ENotFound},
		{"entry of the extract", b, JournalEntryRead, entry(pending, "e1", "A", parcours.ConfReferent, "wa"), ""},
		{"entry left out", b, JournalEntryRead, entry(pending, "e2", "A", parcours.ConfOrganization, "wa"), parcours.ENotFound},
		{"private synthesis of an extract entry", b, JournalPrivateRead, entry(pending, "e1", "A", parcours.ConfTeam, "wa"), parcours.EForbidden},
		{"own organisation's entry", b, JournalEntryRead, entry(accepted, "e3", "B", parcours.ConfTeam, "wb2"), ""},
		{"own organisation's entry of another's referent", b, JournalEntryRead, Target{OrgID: "A", Rel: accepted, EntryID: "e4", EntryOrgID: "B", Confidentiality: parcours.ConfReferent, AuthorID: "wb2"}, parcours.ENotFound},
		{"write before accepting", b, JournalWrite, Target{OrgID: "A", Rel: pending}, parcours.EForbidden},
		{"write once accepted", b, JournalWrite, Target{OrgID: "A", Rel: accepted}, ""},
		{"household", b, HouseholdRead, Target{OrgID: "A", Rel: accepted}, parcours.ENotFound},
		{"consent", b, ConsentRead, Target{OrgID: "A", Rel: accepted}, parcours.ENotFound},
		{"accompaniments", b, AccompanimentRead, Target{OrgID: "A", Rel: accepted}, parcours.ENotFound},
		{"sensitive", b, SensitiveRead, Target{OrgID: "A", Rel: accepted}, parcours.ENotFound},
		// Referring back (to A or a third service) with what B wrote: the
		// door refuses the extract B received (file.CheckExtract).
		{"refer back", b, FileShareExternal, Target{OrgID: "A", Rel: accepted}, ""},
		{"refer back while pending", b, FileShareExternal, Target{OrgID: "A", Rel: pending}, ""},
		{"refer back when the person objects", b, FileShareExternal,
			Target{OrgID: "A", Rel: &parcours.Relation{OrgID: "A", Objections: []string{parcours.ObjectNoExternalSharing}, Share: accepted.Share}}, parcours.EForbidden},
		{"reception of B does not refer back", parcours.Actor{WorkerID: "rb", OrgID: "B", Role: parcours.RoleReception}, FileShareExternal, Target{OrgID: "A", Rel: accepted}, parcours.ENotFound},
		// B cancels the referrals B sent back; the door refuses B
		// cancelling A's (file.OpenReferral: cancelling is the sender's).
		{"cancel one's referral back", b, ReferralCancel, Target{OrgID: "A", Rel: accepted}, ""},
		{"answer", b, ReferralAnswer, Target{OrgID: "A", Rel: pending}, ""},
		{"reception of B", parcours.Actor{WorkerID: "rb", OrgID: "B", Role: parcours.RoleReception}, PersonRead, Target{OrgID: "A", Rel: accepted}, parcours.ENotFound},
		{"the sender answers", parcours.Actor{WorkerID: "wa", OrgID: "A", Role: parcours.RoleWorker}, ReferralAnswer, Target{OrgID: "A", Rel: &parcours.Relation{OrgID: "A", Referent: true}}, parcours.EForbidden},
		{"the sender does not read B's notes", parcours.Actor{WorkerID: "wa", OrgID: "A", Role: parcours.RoleWorker}, JournalEntryRead,
			Target{OrgID: "A", Rel: &parcours.Relation{OrgID: "A", Referent: true}, EntryID: "e3", EntryOrgID: "B", Confidentiality: parcours.ConfOrganization}, parcours.ENotFound},
		{"nor under break-glass", parcours.Actor{WorkerID: "wa", OrgID: "A", Role: parcours.RoleWorker}, JournalEntryRead,
			Target{OrgID: "A", Rel: &parcours.Relation{OrgID: "A", BreakGlass: &parcours.BreakGlass{ID: "bg"}}, EntryID: "e3", EntryOrgID: "B", Confidentiality: parcours.ConfOrganization}, parcours.ENotFound},
		{"a break-glass does not refer", parcours.Actor{WorkerID: "wa", OrgID: "A", Role: parcours.RoleWorker}, FileShareExternal,
			Target{OrgID: "A", Rel: &parcours.Relation{OrgID: "A", BreakGlass: &parcours.BreakGlass{ID: "bg"}}}, parcours.EForbidden},
		// A referral sent back to A, opened by a worker of A without any
		// relation to the file: its extract (B's entries) and answering it.
		{"returned: identity", wa2, PersonRead, Target{OrgID: "A", Rel: returnedRel}, ""},
		{"returned: read the referral", wa2, ReferralRead, Target{OrgID: "A", Rel: returnedRel}, ""},
		{"returned: answer", wa2, ReferralAnswer, Target{OrgID: "A", Rel: returnedRel}, ""},
		{"returned: end", wa2, ReferralEnd, Target{OrgID: "A", Rel: returnedRel}, ""},
		{"returned: B's entry of the extract", wa2, JournalEntryRead, Target{OrgID: "A", Rel: returnedRel, EntryID: "b1", EntryOrgID: "B", Confidentiality: parcours.ConfTeam, TeamID: "tb"}, ""},
		{"returned: B's entry left out", wa2, JournalEntryRead, Target{OrgID: "A", Rel: returnedRel, EntryID: "b2", EntryOrgID: "B", Confidentiality: parcours.ConfOrganization}, parcours.ENotFound},
		{"returned: nor amended", wa2, JournalAmend, Target{OrgID: "A", Rel: returnedRel, EntryID: "b1", EntryOrgID: "B"}, parcours.ENotFound},
		{"returned: the rest of the file by the usual rules", wa2, JournalRead, Target{OrgID: "A", Rel: returnedRel}, parcours.EForbidden},
		{"returned: reception", parcours.Actor{WorkerID: "ra", OrgID: "A", Role: parcours.RoleReception}, ReferralAnswer, Target{OrgID: "A", Rel: returnedRel}, parcours.EForbidden},
	} {
		err := Check(c.actor, c.act, c.t)
		if got := parcours.ErrorCode(err); got != c.code {
			t.Errorf("%s: %s gives %q (%v), want %q", c.name, c.act, got, err, c.code)
		}
	}
}
