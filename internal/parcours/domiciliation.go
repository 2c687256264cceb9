package parcours

import "time"

// Domiciliation (élection de domicile, CASF L264-1): a postal address for
// a person without a stable home, granted for one year, with the mail the
// structure receives for them.
type Domiciliation struct {
	ID        string    `json:"id"`
	OrgID     string    `json:"organization_id"`
	PersonID  string    `json:"person_id"`
	AppliedOn string    `json:"applied_on"`
	Status    string    `json:"status"` // applied, granted, refused, ended
	DecidedOn string    `json:"decided_on,omitempty"`
	Motive    string    `json:"motive,omitempty"`
	ValidFrom string    `json:"valid_from,omitempty"`
	ValidTo   string    `json:"valid_to,omitempty"`
	EndedOn   string    `json:"ended_on,omitempty"`
	EndReason string    `json:"end_reason,omitempty"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
}

// Domiciliation statuses.
const (
	DomApplied = "applied"
	DomGranted = "granted"
	DomRefused = "refused"
	DomEnded   = "ended"
)

// Mail kinds and statuses of the domiciliation's mail log.
var (
	MailKinds    = []string{"letter", "registered", "parcel"}
	MailStatuses = []string{"received", "handed_over", "returned"}
)

// Mail is a letter received for a domiciled person.
type Mail struct {
	ID              string    `json:"id"`
	PersonID        string    `json:"person_id"`
	DomiciliationID string    `json:"domiciliation_id"`
	ReceivedOn      string    `json:"received_on"`
	Sender          string    `json:"sender"`
	Kind            string    `json:"kind"`
	Status          string    `json:"status"`
	ChangedOn       string    `json:"changed_on,omitempty"`
	CreatedBy       string    `json:"created_by"`
	CreatedAt       time.Time `json:"created_at"`
}
