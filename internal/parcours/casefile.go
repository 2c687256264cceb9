package parcours

import "time"

// The shared case file (dossier partagé): accompaniments and their
// referents, the append-only journal, tasks, documents and handovers.
// Catalogue values are stored as codes; their labels live in the
// translation catalogue under "<catalogue>.<code>".

// Accompaniment is a period of support of a person by a team, with a
// referent worker (accompagnement, suivi).
type Accompaniment struct {
	ID       string `json:"id"`
	OrgID    string `json:"organization_id"`
	PersonID string `json:"person_id"`
	// HouseholdID is set when the accompaniment covers the person's whole
	// household: it then appears in, and links its referent and team to,
	// the file of every current member.
	HouseholdID string `json:"household_id,omitempty"`
	TeamID      string `json:"team_id"`
	ReferentID  string `json:"referent_id"`
	Kind        string `json:"kind"` // code of the organisation's catalogue
	StartDate   string `json:"start_date"`
	EndDate     string `json:"end_date,omitempty"`
	EndReason   string `json:"end_reason,omitempty"` // see EndReasons
	// EndProofDocumentID is an optional document proving the end
	// (courrier de fin de mesure, …).
	EndProofDocumentID string    `json:"end_proof_document_id,omitempty"`
	CreatedBy          string    `json:"created_by"`
	CreatedAt          time.Time `json:"created_at"`
	Goals              []Goal    `json:"goals"`
	// Referents lists the successive referents, oldest first.
	Referents []ReferentPeriod `json:"referents"`
}

// Active reports whether the accompaniment has not ended.
func (a *Accompaniment) Active() bool { return a.EndDate == "" }

// EndReasons is the list of reasons an accompaniment ends; labels are
// "end_reason.<code>".
var EndReasons = []string{"objectifs_atteints", "demenagement", "orientation", "abandon", "deces", "fin_de_droits", "autre"}

// DefaultAccompanimentKinds seeds each organisation's catalogue; the
// organisation may add its own and deactivate these.
var DefaultAccompanimentKinds = []AccompanimentKind{
	{Code: "asg", Label: "Accompagnement social global"},
	{Code: "rsa", Label: "Insertion RSA"},
	{Code: "asll", Label: "ASLL logement"},
	{Code: "budget", Label: "Budget / AEB"},
	{Code: "acces_droits", Label: "Accès aux droits"},
	{Code: "masp", Label: "MASP (mesure d'accompagnement social personnalisé)"},
}

// AccompanimentKind is an entry of an organisation's catalogue of kinds.
type AccompanimentKind struct {
	Code   string `json:"code"`
	Label  string `json:"label"`
	Active bool   `json:"active"`
}

// Goal statuses.
const (
	GoalOpen      = "open"
	GoalAchieved  = "achieved"
	GoalAbandoned = "abandoned"
)

// GoalStatuses lists every goal status.
var GoalStatuses = []string{GoalOpen, GoalAchieved, GoalAbandoned}

// Goal is an objective of an accompaniment.
type Goal struct {
	ID              string    `json:"id"`
	AccompanimentID string    `json:"accompaniment_id"`
	Title           string    `json:"title"`
	Status          string    `json:"status"`
	StartDate       string    `json:"start_date"`
	TargetDate      string    `json:"target_date,omitempty"`
	ClosedDate      string    `json:"closed_date,omitempty"`
	CreatedAt       time.Time `json:"created_at"`
}

// ReferentPeriod is one referent's time on an accompaniment.
type ReferentPeriod struct {
	WorkerID string    `json:"worker_id"`
	TeamID   string    `json:"team_id"`
	From     time.Time `json:"from"`
	Until    time.Time `json:"until,omitzero"`
}

// Journal entry kinds.
const (
	EntryInterview = "interview" // entretien
	EntryAction    = "action"    // démarche effectuée
	EntryNote      = "note"
	EntryCall      = "call"
	EntryMail      = "mail"
)

// EntryKinds lists the kinds a worker may write.
var EntryKinds = []string{EntryInterview, EntryAction, EntryNote, EntryCall, EntryMail}

// InterviewModes lists how an interview took place.
var InterviewModes = []string{"presentiel", "telephone", "visio", "domicile"}

// Confidentiality levels of a journal entry.
const (
	ConfTeam         = "team"         // the team (default)
	ConfReferent     = "referent"     // the author and the referent only
	ConfOrganization = "organization" // every case worker of the organisation
)

// Confidentialities lists the levels.
var Confidentialities = []string{ConfTeam, ConfReferent, ConfOrganization}

// JournalEntry is one dated, append-only entry of a person's journal. A
// correction is a new entry whose Amends names the corrected one.
type JournalEntry struct {
	ID              string `json:"id"`
	OrgID           string `json:"organization_id"`
	PersonID        string `json:"person_id"`
	AccompanimentID string `json:"accompaniment_id"`
	Kind            string `json:"kind"`
	OccurredAt      string `json:"occurred_at"` // YYYY-MM-DD
	Summary         string `json:"summary"`
	// Theme is a top-level thématique of the data·inclusion vocabulary
	// (Thematiques), "" when none was given.
	Theme           string   `json:"theme,omitempty"`
	Mode            string   `json:"mode,omitempty"`
	Participants    []string `json:"participants,omitempty"`
	Confidentiality string   `json:"confidentiality"`
	// TeamID is the team the entry belongs to: the accompaniment's team
	// when written, else the author's first team.
	TeamID   string `json:"team_id"`
	AuthorID string `json:"author_id"`
	// PrivateSynthesis is only ever returned to the author.
	PrivateSynthesis string    `json:"private_synthesis,omitempty"`
	Amends           string    `json:"amends"`
	CreatedAt        time.Time `json:"created_at"` // server timestamp
	// AmendedBy lists the amendments of this entry the reader may see.
	AmendedBy []string `json:"amended_by,omitempty"`
	// Disclosure is the current decision about showing the entry to the
	// person (DisclosureShared, DisclosureWithheld, DisclosureNone), ""
	// when none was ever taken (not shared); filled by journal listings.
	Disclosure string `json:"disclosure,omitempty"`
}

// Disclosure states of a journal entry (JournalEntry.Disclosure).
const (
	DisclosureShared   = "shared"
	DisclosureWithheld = "withheld"
	DisclosureNone     = "none"
)

// InterviewTemplate is a trame d'entretien of an organisation.
type InterviewTemplate struct {
	ID        string    `json:"id"`
	OrgID     string    `json:"organization_id"`
	Name      string    `json:"name"`
	Body      string    `json:"body"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
}

// Task statuses.
const (
	TaskOpen      = "open"
	TaskDone      = "done"
	TaskCancelled = "cancelled"
)

// Task is something to do on a person's file by a date.
type Task struct {
	ID              string    `json:"id"`
	OrgID           string    `json:"organization_id"`
	PersonID        string    `json:"person_id"`
	AccompanimentID string    `json:"accompaniment_id"`
	JournalEntryID  string    `json:"journal_entry_id"`
	Title           string    `json:"title"`
	DueDate         string    `json:"due_date"`
	AssigneeID      string    `json:"assignee_id"`
	Status          string    `json:"status"`
	CreatedBy       string    `json:"created_by"`
	CreatedAt       time.Time `json:"created_at"`
	DoneAt          time.Time `json:"done_at,omitzero"`
}

// DocumentKinds lists the kinds of documents; labels are
// "document_kind.<code>".
var DocumentKinds = []string{"piece_identite", "titre_sejour", "justificatif_domicile", "avis_imposition", "bulletin_salaire",
	"attestation_caf", "attestation_pole_emploi", "rib", "courrier", "fin_accompagnement", DocumentMandate, "autre"}

// DocumentMandate is the kind of a signed mandate's scan.
const DocumentMandate = "mandat"

// Document is a file attached to a person's file. The content is stored
// under the data dir, named by its SHA-256.
type Document struct {
	ID              string    `json:"id"`
	OrgID           string    `json:"organization_id"`
	PersonID        string    `json:"person_id"`
	AccompanimentID string    `json:"accompaniment_id"`
	Kind            string    `json:"kind"`
	Title           string    `json:"title"`
	ContentType     string    `json:"content_type"`
	Size            int64     `json:"size"`
	SHA256          string    `json:"sha256"`
	ExpiresOn       string    `json:"expires_on,omitempty"`
	UploadedBy      string    `json:"uploaded_by"`
	CreatedAt       time.Time `json:"created_at"`
}

// Handover is a change of referent or team on an accompaniment
// (passation), with a synthesis the new referent acknowledges.
type Handover struct {
	ID              string    `json:"id"`
	OrgID           string    `json:"organization_id"`
	PersonID        string    `json:"person_id"`
	AccompanimentID string    `json:"accompaniment_id"`
	FromReferentID  string    `json:"from_referent_id"`
	ToReferentID    string    `json:"to_referent_id"`
	FromTeamID      string    `json:"from_team_id"`
	ToTeamID        string    `json:"to_team_id"`
	Synthesis       string    `json:"synthesis"`
	Note            string    `json:"note,omitempty"`
	CreatedBy       string    `json:"created_by"`
	CreatedAt       time.Time `json:"created_at"`
	AcknowledgedAt  time.Time `json:"acknowledged_at,omitzero"`
}
