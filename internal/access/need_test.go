package access

import (
	"testing"
	"time"

	"parcours/internal/parcours"
)

func TestNeedToKnow_DecidesFromRoleRelationBreakGlassAndObjections(t *testing.T) {
	const org, elsewhere = "orgA", "orgB"
	actor := func(role parcours.Role) parcours.Actor {
		return parcours.Actor{WorkerID: "w-" + string(role), OrgID: org, Role: role}
	}
	open := &parcours.BreakGlass{ID: "bg1", ExpiresAt: time.Now().Add(time.Hour)}
	referent := &parcours.Relation{OrgID: org, Referent: true}
	team := &parcours.Relation{OrgID: org, Team: true}
	none := &parcours.Relation{OrgID: org}
	glass := &parcours.Relation{OrgID: org, BreakGlass: open}
	noHealth := &parcours.Relation{OrgID: org, Team: true, Objections: []string{parcours.ObjectNoHealthSharing}}
	noHealthRef := &parcours.Relation{OrgID: org, Referent: true, Objections: []string{parcours.ObjectNoHealthSharing}}
	noGlass := &parcours.Relation{OrgID: org, Objections: []string{parcours.ObjectNoBreakGlass}}
	noExternal := &parcours.Relation{OrgID: org, Referent: true, Objections: []string{parcours.ObjectNoExternalSharing}}
	other := &parcours.Relation{OrgID: elsewhere, Referent: true}

	worker, manager, reception, admin := actor(parcours.RoleWorker), actor(parcours.RoleManager), actor(parcours.RoleReception), actor(parcours.RoleAdmin)
	tests := []struct {
		name  string
		actor parcours.Actor
		act   Action
		rel   *parcours.Relation
		conf  string
		want  string // error code, "" for allowed
	}{
		{"referent reads the file", worker, PersonRead, referent, "", ""},
		{"referent sees the NIR", worker, SensitiveRead, referent, "", ""},
		{"team manager reads the journal", manager, JournalRead, team, "", ""},
		{"team reads health", worker, HealthRead, team, "", ""},
		{"reception of the team reads contact", reception, PersonRead, team, "", ""},
		{"reception never reads the journal", reception, JournalRead, team, "", parcours.EForbidden},
		{"admin never reads the journal", admin, JournalRead, team, "", parcours.EForbidden},
		{"same organisation finds by identity", worker, PersonFind, none, "", ""},
		{"same organisation does not read the file", worker, PersonRead, none, "", parcours.EForbidden},
		{"same organisation does not read the journal", manager, JournalRead, none, "", parcours.EForbidden},
		{"another organisation sees nothing", worker, PersonRead, other, "", parcours.ENotFound},
		{"another organisation does not even find", worker, PersonFind, other, "", parcours.ENotFound},
		{"break-glass opens the file", worker, PersonRead, glass, "", ""},
		{"break-glass opens team entries", worker, JournalEntryRead, glass, parcours.ConfTeam, ""},
		{"break-glass never opens referent-only entries", worker, JournalEntryRead, glass, parcours.ConfReferent, parcours.ENotFound},
		{"break-glass does not show the NIR", worker, SensitiveRead, glass, "", parcours.EForbidden},
		{"break-glass adds a journal entry", worker, JournalWrite, glass, "", ""},
		{"break-glass reads tasks and documents", worker, DocumentRead, glass, "", ""},
		{"break-glass opens no accompaniment", worker, AccompanimentWrite, glass, "", parcours.EForbidden},
		{"break-glass hands nothing over", manager, AccompanimentHandOv, glass, "", parcours.EForbidden},
		{"break-glass acknowledges no handover", worker, HandoverAcknowledge, glass, "", parcours.EForbidden},
		{"break-glass merges nothing", manager, PersonMerge, glass, "", parcours.EForbidden},
		{"break-glass undoes no merge", worker, PersonMergeUndo, glass, "", parcours.EForbidden},
		{"break-glass changes no consent", worker, ConsentWrite, glass, "", parcours.EForbidden},
		{"break-glass moves no one between households", worker, HouseholdUpdate, glass, "", parcours.EForbidden},
		{"break-glass assigns no task", worker, TaskWrite, glass, "", parcours.EForbidden},
		{"the referent merges", worker, PersonMerge, referent, "", ""},
		{"the team merges", manager, PersonMerge, team, "", ""},
		{"same organisation merges nothing", manager, PersonMerge, none, "", parcours.EForbidden},
		{"only a manager confirms an unlike merge", worker, MergeConfirmUnlike, referent, "", parcours.EForbidden},
		{"a manager of the team confirms an unlike merge", manager, MergeConfirmUnlike, team, "", ""},
		{"no_health_sharing keeps health from the team", worker, HealthRead, noHealth, "", parcours.EForbidden},
		{"no_health_sharing leaves health to the referent", worker, HealthRead, noHealthRef, "", ""},
		{"no_health_sharing leaves the rest to the team", worker, PersonRead, noHealth, "", ""},
		{"break-glass without relation", worker, BreakGlassOpen, none, "", ""},
		{"break-glass is not needed by the team", worker, BreakGlassOpen, team, "", parcours.EConflict},
		{"no_break_glass refuses it", worker, BreakGlassOpen, noGlass, "", parcours.EForbidden},
		{"reception cannot break glass", reception, BreakGlassOpen, none, "", parcours.EForbidden},
		{"admin cannot break glass", admin, BreakGlassOpen, none, "", parcours.ENotFound},
		{"referent may share by referral", worker, FileShareExternal, referent, "", ""},
		{"no_external_sharing refuses referrals", worker, FileShareExternal, noExternal, "", parcours.EForbidden},
	}
	for _, tc := range tests {
		err := Check(tc.actor, tc.act, Target{OrgID: tc.rel.OrgID, Rel: tc.rel, Confidentiality: tc.conf})
		if got := parcours.ErrorCode(err); got != tc.want {
			t.Errorf("%s: %q, want %q (%v)", tc.name, got, tc.want, err)
		}
	}
}

func TestAuditSearch_ManagersAdminsAndTheDPO(t *testing.T) {
	for _, tc := range []struct {
		role parcours.Role
		dpo  bool
		ok   bool
	}{
		{parcours.RoleManager, false, true}, {parcours.RoleAdmin, false, true},
		{parcours.RoleWorker, false, false}, {parcours.RoleReception, false, false},
		{parcours.RoleWorker, true, true}, {parcours.RoleReception, true, true},
	} {
		a := parcours.Actor{WorkerID: "w", OrgID: "o", Role: tc.role}
		if got := Allowed(a, AuditSearch, Target{DPO: tc.dpo}); got != tc.ok {
			t.Errorf("%s (dpo %v): allowed %v, want %v", tc.role, tc.dpo, got, tc.ok)
		}
	}
}

// TestBreakGlass_ReadAndNoteOnly checks the message of a refusal under
// break-glass: it says why and how to get the file properly.
func TestBreakGlass_ReadAndNoteOnly(t *testing.T) {
	glass := &parcours.Relation{OrgID: "o", BreakGlass: &parcours.BreakGlass{ID: "bg"}}
	err := Check(parcours.Actor{WorkerID: "w", OrgID: "o", Role: parcours.RoleWorker}, AccompanimentWrite, Target{OrgID: "o", Rel: glass})
	if e := parcours.AsError(err); e == nil || e.Key != "error.break_glass_read_and_note" {
		t.Fatalf("accompaniment under break-glass: %v, want error.break_glass_read_and_note", err)
	}
	// With a relation besides the break-glass, the relation decides.
	both := &parcours.Relation{OrgID: "o", Team: true, BreakGlass: glass.BreakGlass}
	if err := Check(parcours.Actor{WorkerID: "w", OrgID: "o", Role: parcours.RoleWorker}, AccompanimentWrite, Target{OrgID: "o", Rel: both}); err != nil {
		t.Fatalf("team member with a break-glass: %v", err)
	}
}

// breakGlassReadsAndNotes are the actions on a file a break-glass allows:
// reads, and journal entries (with their correction by their author).
var breakGlassReadsAndNotes = set(PersonRead, PersonFind, HouseholdRead, ConsentRead, SensitiveRead, HealthRead,
	AccessLogRead, AccompanimentRead, JournalRead, JournalEntryRead, JournalPrivateRead, TaskRead, DocumentRead,
	InterviewTemplateRead, JournalWrite, JournalAmend, DataRequestRead, ReferralRead)

// notAboutAFile are actions never checked against a person's relation.
var notAboutAFile = set(PersonCreate, HouseholdCreate, OrgManage, WorkerManage, SelfManage, OrgCreate,
	BreakGlassOpen, BreakGlassReview, AuditSearch, NotificationRead, AccompanimentKinds, InterviewTemplateManage, JobRun,
	ReviewText, ReviewStats, RetentionManage, DataRequestHandle,
	ReferralInbox, DirectoryRead, DirectoryManage, StatsRead, OutboxRead)

// The portal's own actions are never granted to a role; PortalInvite and
// JournalDisclose are lasting.

// TestBreakGlass_EveryFileActionIsClassified makes every action a role
// may do say whether a break-glass allows it: a new action that writes to
// a file must be added to lasting (or, for a note, to the list above).
func TestBreakGlass_EveryFileActionIsClassified(t *testing.T) {
	for role, acts := range roleActions {
		for act := range acts {
			n := 0
			for _, s := range []map[Action]bool{lasting, breakGlassReadsAndNotes, notAboutAFile} {
				if s[act] {
					n++
				}
			}
			if n != 1 {
				t.Errorf("%s (granted to %s) is in %d of lasting, reads-and-notes and not-about-a-file; want exactly 1", act, role, n)
			}
		}
	}
}

// TestArchived_ReadOnlyForManagersAndTheDPOWithAReason: an archived file
// is not found by anyone else, written by nobody, and read only through
// a consultation of the archive kind (access/archive.go).
func TestArchived_ReadOnlyForManagersAndTheDPOWithAReason(t *testing.T) {
	const org = "orgA"
	actor := func(role parcours.Role) parcours.Actor {
		return parcours.Actor{WorkerID: "w-" + string(role), OrgID: org, Role: role}
	}
	consult := &parcours.BreakGlass{ID: "a1", Kind: parcours.BreakGlassArchive, ExpiresAt: time.Now().Add(time.Hour)}
	emergency := &parcours.BreakGlass{ID: "b1", Kind: parcours.BreakGlassEmergency, ExpiresAt: time.Now().Add(time.Hour)}
	bare := &parcours.Relation{OrgID: org, Archived: true}
	referent := &parcours.Relation{OrgID: org, Archived: true, Referent: true}
	open := &parcours.Relation{OrgID: org, Archived: true, BreakGlass: consult}
	wrongKind := &parcours.Relation{OrgID: org, Archived: true, Team: true, BreakGlass: emergency}
	shared := &parcours.Relation{OrgID: org, Archived: true, Share: &parcours.Share{OrgID: "orgB"}}
	worker, manager, reception, admin := actor(parcours.RoleWorker), actor(parcours.RoleManager), actor(parcours.RoleReception), actor(parcours.RoleAdmin)
	for _, tc := range []struct {
		name  string
		actor parcours.Actor
		act   Action
		rel   *parcours.Relation
		dpo   bool
		conf  string
		want  string
		key   string
	}{
		{"the former referent no longer finds it", worker, PersonRead, referent, false, "", parcours.ENotFound, ""},
		{"nor by name", worker, PersonFind, referent, false, "", parcours.ENotFound, ""},
		{"nor with a break-glass", worker, BreakGlassOpen, bare, false, "", parcours.ENotFound, ""},
		{"reception does not find it", reception, PersonRead, bare, false, "", parcours.ENotFound, ""},
		{"an admin does not find it", admin, PersonRead, bare, false, "", parcours.ENotFound, ""},
		{"a manager finds it by name", manager, PersonFind, bare, false, "", "", ""},
		{"a manager reads only with a reason", manager, PersonRead, bare, false, "", parcours.EForbidden, "error.archived_reason_required"},
		{"an emergency access is no reason", manager, JournalRead, wrongKind, false, "", parcours.EForbidden, "error.archived_reason_required"},
		{"a manager opens a consultation", manager, BreakGlassOpen, bare, false, "", "", ""},
		{"a manager reads with a consultation", manager, JournalRead, open, false, "", "", ""},
		{"and the documents", manager, DocumentRead, open, false, "", "", ""},
		{"but not referent-only entries", manager, JournalEntryRead, open, false, parcours.ConfReferent, parcours.ENotFound, ""},
		{"nor writes in the journal", manager, JournalWrite, open, false, "", parcours.EForbidden, "error.archived_read_only"},
		{"nor opens an accompaniment", manager, AccompanimentWrite, open, false, "", parcours.EForbidden, "error.archived_read_only"},
		{"nor changes the identity", manager, PersonUpdate, open, false, "", parcours.EForbidden, "error.archived_read_only"},
		{"nor uploads a document", manager, DocumentWrite, open, false, "", parcours.EForbidden, "error.archived_read_only"},
		{"nor refers the person", manager, FileShareExternal, open, false, "", parcours.EForbidden, "error.archived_read_only"},
		{"the DPO, a worker, reads with a consultation", worker, JournalRead, open, true, "", "", ""},
		{"the DPO, an admin, reads with a consultation", admin, PersonRead, open, true, "", "", ""},
		{"the DPO needs a reason too", admin, PersonRead, bare, true, "", parcours.EForbidden, "error.archived_reason_required"},
		{"the DPO writes nothing", worker, JournalWrite, open, true, "", parcours.EForbidden, "error.archived_read_only"},
	} {
		err := Check(tc.actor, tc.act, Target{OrgID: org, Rel: tc.rel, DPO: tc.dpo, Confidentiality: tc.conf})
		if got := parcours.ErrorCode(err); got != tc.want {
			t.Errorf("%s: %q, want %q (%v)", tc.name, got, tc.want, err)
		} else if e := parcours.AsError(err); tc.key != "" && (e == nil || e.Key != tc.key) {
			t.Errorf("%s: %v, want %s", tc.name, err, tc.key)
		}
	}
	// Another organisation's referral no longer shares an archived file.
	other := parcours.Actor{WorkerID: "w-b", OrgID: "orgB", Role: parcours.RoleWorker}
	if err := Check(other, PersonRead, Target{OrgID: org, Rel: shared}); parcours.ErrorCode(err) != parcours.ENotFound {
		t.Errorf("shared archived file: %v, want not found", err)
	}
}
