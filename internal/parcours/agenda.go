package parcours

import "time"

// Appointment (rendez-vous) is a meeting booked on a person's file (or
// with their household) with one or more workers: planifié → honoré |
// non honoré | annulé (by whom, why) | reporté (to a new appointment).
type Appointment struct {
	ID       string `json:"id"`
	OrgID    string `json:"organization_id"`
	PersonID string `json:"person_id"`
	// HouseholdID is set when the whole household is invited.
	HouseholdID string `json:"household_id,omitempty"`
	// TeamID is the service whose working hours and closed days apply.
	TeamID    string    `json:"team_id,omitempty"`
	WorkerIDs []string  `json:"worker_ids"`
	StartsAt  time.Time `json:"starts_at"`
	EndsAt    time.Time `json:"ends_at"`
	// PlaceKind is service, home, phone or visio; Place the address (a
	// service's, or the person's for a home visit), the phone number or
	// the visio link; ServiceID the directory service for PlaceService.
	PlaceKind string `json:"place_kind"`
	ServiceID string `json:"service_id,omitempty"`
	Place     string `json:"place"`
	// Theme is the purpose (objet du rendez-vous).
	Theme  string `json:"theme"`
	Status string `json:"status"`
	// CancelledBy (person, worker, organization) and CancelReason when
	// cancelled; RescheduledTo is the new appointment when postponed.
	CancelledBy    string `json:"cancelled_by,omitempty"`
	CancelReason   string `json:"cancel_reason,omitempty"`
	RescheduledTo  string `json:"rescheduled_to,omitempty"`
	JournalEntryID string `json:"journal_entry_id,omitempty"`
	// BookedByDesk: booked by the front desk.
	BookedByDesk bool      `json:"booked_by_desk"`
	CreatedBy    string    `json:"created_by"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// Appointment statuses; labels are "agenda.status.<code>".
const (
	ApptPlanned   = "planned"   // planifié
	ApptHonoured  = "honoured"  // honoré
	ApptMissed    = "missed"    // non honoré
	ApptCancelled = "cancelled" // annulé
	ApptPostponed = "postponed" // reporté
)

// ApptStatuses lists the statuses.
var ApptStatuses = []string{ApptPlanned, ApptHonoured, ApptMissed, ApptCancelled, ApptPostponed}

// Places of an appointment; labels are "agenda.place.<code>".
const (
	PlaceService = "service"
	PlaceHome    = "home"
	PlacePhone   = "phone"
	PlaceVisio   = "visio"
)

// PlaceKinds lists the places.
var PlaceKinds = []string{PlaceService, PlaceHome, PlacePhone, PlaceVisio}

// Who cancelled an appointment; labels are "agenda.cancelled_by.<code>".
var CancelledBys = []string{"person", "worker", "organization"}

// OpeningHours is one opening range of a service on a weekday (1 =
// Monday … 7 = Sunday), HH:MM in Europe/Paris.
type OpeningHours struct {
	Weekday int    `json:"weekday"`
	Opens   string `json:"opens"`
	Closes  string `json:"closes"`
}

// ClosedDay is a day a service is closed (YYYY-MM-DD).
type ClosedDay struct {
	Day   string `json:"day"`
	Label string `json:"label"`
}

// DeskVisit is a visit logged by the front desk (accueil): who came, for
// whom, why, a message for the referent, and whether an appointment is
// needed.
type DeskVisit struct {
	ID       string `json:"id"`
	OrgID    string `json:"organization_id"`
	PersonID string `json:"person_id"`
	// Visitor is who came when not the person (« sa fille »…), else "".
	Visitor          string    `json:"visitor"`
	ForWorkerID      string    `json:"for_worker_id"`
	Motive           string    `json:"motive"`
	Message          string    `json:"message"`
	NeedsAppointment bool      `json:"needs_appointment"`
	AppointmentID    string    `json:"appointment_id,omitempty"`
	CameAt           time.Time `json:"came_at"`
	CreatedBy        string    `json:"created_by"`
	CreatedAt        time.Time `json:"created_at"`
}

// CalendarToken is a worker's read-only calendar feed token (only its
// hash is stored; the token is shown once).
type CalendarToken struct {
	ID        string    `json:"id"`
	WorkerID  string    `json:"worker_id"`
	CreatedAt time.Time `json:"created_at"`
	RevokedAt time.Time `json:"revoked_at,omitzero"`
}
