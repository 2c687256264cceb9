package parcours

import "time"

// DataRequest is a person's request about their data (RGPD art. 15 to
// 21): to see it, correct it, object, erase, restrict or take it away.
// The organisation must answer within a month of receipt, two more with
// a reason given once (art. 12.3).
type DataRequest struct {
	ID             string    `json:"id"`
	OrgID          string    `json:"organization_id"`
	PersonID       string    `json:"person_id"`
	PersonName     string    `json:"person_name,omitempty"`
	Kind           string    `json:"kind"`
	Channel        string    `json:"channel"`
	ReceivedOn     string    `json:"received_on"`
	Details        string    `json:"details"`
	DueOn          string    `json:"due_on"`
	ExtendedReason string    `json:"extended_reason,omitempty"`
	Outcome        string    `json:"outcome,omitempty"`
	Answer         string    `json:"answer,omitempty"`
	AnsweredOn     string    `json:"answered_on,omitempty"`
	AnsweredBy     string    `json:"answered_by,omitempty"`
	CreatedBy      string    `json:"created_by"`
	CreatedAt      time.Time `json:"created_at"`
}

// The kinds of request, the ways one arrives and the answers.
var (
	DataRequestKinds    = []string{"access", "rectification", "objection", "erasure", "restriction", "portability"}
	DataRequestChannels = []string{"letter", "desk", "email", "phone", "portal"}
	DataRequestOutcomes = []string{"granted", "partly", "refused"}
)

// Answered reports whether the request has its answer.
func (r *DataRequest) Answered() bool { return r.AnsweredOn != "" }

// Overdue reports whether the request is unanswered after its due date
// (today is YYYY-MM-DD).
func (r *DataRequest) Overdue(today string) bool { return !r.Answered() && r.DueOn < today }
