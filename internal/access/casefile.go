package access

import (
	"slices"

	"parcours/internal/parcours"
)

// The case file's actions, their role defaults and the rules that depend
// on the actor's relation to the object (author, referent, team). Kept
// apart from policy.go so that the need-to-know policy can grow there
// while the case file adds its actions here.
const (
	AccompanimentRead   Action = "accompaniment.read"  // who accompanies the person, goals
	AccompanimentWrite  Action = "accompaniment.write" // open, end, goals
	AccompanimentHandOv Action = "accompaniment.handover"
	HandoverAcknowledge Action = "handover.acknowledge" // the new referent only
	AccompanimentKinds  Action = "accompaniment.kinds"  // edit the catalogue of kinds

	JournalRead        Action = "journal.read"         // list a journal (then entry by entry)
	JournalEntryRead   Action = "journal.entry.read"   // one entry, by confidentiality
	JournalWrite       Action = "journal.write"        // append an entry
	JournalAmend       Action = "journal.amend"        // correct one's own entry
	JournalPrivateRead Action = "journal.private.read" // the private synthesis: author only

	InterviewTemplateRead   Action = "interview_template.read"
	InterviewTemplateManage Action = "interview_template.manage"

	TaskRead      Action = "task.read"
	TaskWrite     Action = "task.write"
	DocumentRead  Action = "document.read" // list and download
	DocumentWrite Action = "document.write"
)

// caseWork is what a case worker does on files of their organisation.
var caseWork = []Action{AccompanimentRead, AccompanimentWrite, AccompanimentHandOv, HandoverAcknowledge,
	JournalRead, JournalEntryRead, JournalWrite, JournalAmend, JournalPrivateRead, InterviewTemplateRead,
	TaskRead, TaskWrite, DocumentRead, DocumentWrite}

func init() {
	grant := func(r parcours.Role, acts ...Action) {
		for _, a := range acts {
			roleActions[r][a] = true
		}
	}
	grant(parcours.RoleWorker, caseWork...)
	grant(parcours.RoleManager, caseWork...)
	grant(parcours.RoleManager, AccompanimentKinds, InterviewTemplateManage)
	// Admins configure the catalogues but never read journals, tasks or
	// documents (separation of duties).
	grant(parcours.RoleAdmin, AccompanimentKinds, InterviewTemplateRead, InterviewTemplateManage)
	// The front desk may tell a visitor who their referent is; it never
	// reads the journal, tasks or documents.
	grant(parcours.RoleReception, AccompanimentRead)
}

// relationRules refine the role defaults with the actor's relation to the
// object. Check consults them after the role check.
var relationRules = map[Action]func(parcours.Actor, Target) error{
	JournalEntryRead: func(a parcours.Actor, t Target) error {
		if canReadEntry(a, t) {
			return nil
		}
		// An entry the actor may not read does not exist for them.
		return parcours.NotFound()
	},
	JournalAmend: func(a parcours.Actor, t Target) error {
		if a.WorkerID == t.AuthorID {
			return nil
		}
		return parcours.Forbidden()
	},
	JournalPrivateRead: func(a parcours.Actor, t Target) error {
		if a.WorkerID == t.AuthorID {
			return nil
		}
		return parcours.Forbidden()
	},
	HandoverAcknowledge: func(a parcours.Actor, t Target) error {
		if slices.Contains(t.ReferentIDs, a.WorkerID) {
			return nil
		}
		return parcours.Forbidden()
	},
}

// canReadEntry applies an entry's confidentiality:
//   - organization: every case worker of the organisation;
//   - referent: its author and the current referent(s);
//   - team: those, plus the entry's team and the teams now following the
//     person — so a new referent or team taking an accompaniment over sees
//     everything the previous team could.
func canReadEntry(a parcours.Actor, t Target) bool {
	if a.WorkerID == t.AuthorID || slices.Contains(t.ReferentIDs, a.WorkerID) {
		return true
	}
	switch t.Confidentiality {
	case parcours.ConfOrganization:
		return true
	case parcours.ConfTeam:
		if t.TeamID != "" && a.InTeam(t.TeamID) {
			return true
		}
		return slices.ContainsFunc(t.FollowingTeamIDs, a.InTeam)
	}
	return false
}
