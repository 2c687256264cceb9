package access

import "parcours/internal/parcours"

// Retention and statistics (issue 15). The retention rules, the plans and
// their review are the organisation's, not a file's: managers and the
// data-protection officer (Target.DPO), whatever the DPO's role; nobody
// else. Applying an approved plan is the operator's ("parcours retention
// apply", the System actor).
const (
	RetentionManage Action = "retention.manage" // rules, plans, approve or postpone a batch
	// StatsRead is the organisation's activity statistics and their
	// exports (small cells suppressed; no name ever).
	StatsRead Action = "stats.read"
)

// dpoActions are the actions the organisation's data-protection officer
// holds whatever their role (special).
var dpoActions = map[Action]bool{AuditSearch: true, RetentionManage: true, StatsRead: true}

func init() {
	roleActions[parcours.RoleManager][RetentionManage] = true
	roleActions[parcours.RoleManager][StatsRead] = true
}
