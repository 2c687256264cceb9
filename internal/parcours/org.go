package parcours

import "time"

// OrgKind is the legal kind of a structure.
type OrgKind string

const (
	OrgCCAS        OrgKind = "ccas"        // CCAS or CIAS
	OrgDepartement OrgKind = "departement" // conseil départemental
	OrgAssociation OrgKind = "association"
)

// Valid reports whether k is a known kind.
func (k OrgKind) Valid() bool {
	switch k {
	case OrgCCAS, OrgDepartement, OrgAssociation:
		return true
	}
	return false
}

// Organization is a structure: a data controller that employs workers.
type Organization struct {
	ID    string  `json:"id"`
	Name  string  `json:"name"`
	Kind  OrgKind `json:"kind"`
	SIRET string  `json:"siret,omitempty"`
	// TOTPOptional relaxes the second factor for non-admin roles. Admins
	// always need it. The UI shows a warning while it is set.
	TOTPOptional bool `json:"totp_optional"`
	// ShowWorkerNames lets the person's access log name the workers who
	// opened the file, instead of only their organisation and role.
	ShowWorkerNames bool `json:"show_worker_names"`
	// RenewalReminderDays is how many days before a mandate's or a
	// domiciliation's end its workers are reminded to renew it
	// (1–MaxRenewalDays, DefaultRenewalDays).
	RenewalReminderDays int       `json:"renewal_reminder_days"`
	CreatedAt           time.Time `json:"created_at"`
}

// Bounds of Organization.RenewalReminderDays.
const (
	DefaultRenewalDays = 30
	MaxRenewalDays     = 180
)

// Team is a service inside an organisation ("Pôle insertion").
type Team struct {
	ID        string    `json:"id"`
	OrgID     string    `json:"organization_id"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
}

// Worker is a professional using Parcours.
type Worker struct {
	ID          string    `json:"id"`
	OrgID       string    `json:"organization_id"`
	Email       string    `json:"email"`
	FirstName   string    `json:"first_name"`
	LastName    string    `json:"last_name"`
	Role        Role      `json:"role"`
	TeamIDs     []string  `json:"team_ids"`
	Disabled    bool      `json:"disabled"`
	Language    string    `json:"language,omitempty"`
	TOTPEnabled bool      `json:"totp_enabled"`
	CreatedAt   time.Time `json:"created_at"`
}

// DisplayName is how colleagues see the worker.
func (w Worker) DisplayName() string {
	switch {
	case w.FirstName == "" && w.LastName == "":
		return w.Email
	case w.FirstName == "":
		return w.LastName
	case w.LastName == "":
		return w.FirstName
	}
	return w.FirstName + " " + w.LastName
}

// Actor returns the worker as an acting user.
func (w Worker) Actor() Actor {
	return Actor{WorkerID: w.ID, OrgID: w.OrgID, Role: w.Role, TeamIDs: w.TeamIDs}
}

func (k OrgKind) String() string { return string(k) }
