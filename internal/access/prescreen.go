package access

import "parcours/internal/parcours"

// The pre-screening of likely rights (issue 13). It reads the household's
// composition, budget and situation: case workers who follow one of its
// members see it (a read, as the budget is); recording what was done with
// a result is a lasting write. The non-take-up dashboard is the
// managers': counts over the organisation's active files, with a
// drill-down that opens each file through the door.
const (
	PrescreenRead   Action = "prescreen.read"
	PrescreenRecord Action = "prescreen.record"
	PrescreenStats  Action = "prescreen.stats"
)

func init() {
	for _, r := range []parcours.Role{parcours.RoleWorker, parcours.RoleManager} {
		roleActions[r][PrescreenRead] = true
		roleActions[r][PrescreenRecord] = true
	}
	roleActions[parcours.RoleManager][PrescreenStats] = true
	lasting[PrescreenRecord] = true
}
