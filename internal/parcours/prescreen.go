package parcours

import "time"

// What a worker did with a pre-screening result (issue 13). The result is
// never stored; this is the worker's answer to it.
const (
	PrescreenProcedureOpened = "procedure_opened"
	PrescreenNotRelevant     = "not_relevant"
)

// PrescreenOutcomes lists the answers, in the order of the UI.
var PrescreenOutcomes = []string{PrescreenProcedureOpened, PrescreenNotRelevant}

// PrescreenOutcome is a worker's answer to one right of a pre-screening.
type PrescreenOutcome struct {
	ID          string    `json:"id"`
	OrgID       string    `json:"organization_id"`
	HouseholdID string    `json:"household_id"`
	PersonID    string    `json:"person_id"`
	RuleCode    string    `json:"rule"`
	RuleVersion string    `json:"rule_version"`
	ScreenedOn  string    `json:"screened_on"`
	StatusShown string    `json:"status_shown"`
	Outcome     string    `json:"outcome"`
	ProcedureID string    `json:"procedure_id,omitempty"`
	Reason      string    `json:"reason,omitempty"`
	CreatedBy   string    `json:"created_by"`
	CreatedAt   time.Time `json:"created_at"`
}

// ScreenedHousehold is a household of the structure's active files, for
// the non-take-up dashboard: the teams following its members and its
// commune.
type ScreenedHousehold struct {
	HouseholdID string
	TeamIDs     []string
	Commune     string // "CP Ville" of the reference member's address
}
