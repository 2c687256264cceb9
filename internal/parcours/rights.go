package parcours

import (
	"strconv"
	"strings"
	"time"
)

// Access to rights day to day (issue 12): the catalogue of rights and
// aids, the procedures (démarches) done with or for the person, the
// digital autonomy check and the mandates. Only the shapes and the pure
// rules live here; package rights keeps them, through the door.

// Right is an entry of the catalogue: a national right or procedure
// (versioned data in the repository) or an aid of the organisation (aide
// facultative, edited by its administrators).
type Right struct {
	Code        string   `json:"code"`
	Name        string   `json:"name"`
	Kind        string   `json:"kind"` // RightNational or RightLocalAid
	Body        string   `json:"body"` // who grants it: CAF, CPAM, CCAS…
	Description string   `json:"description"`
	Documents   []string `json:"documents"`
	URL         string   `json:"url,omitempty"`
	ActiveFrom  string   `json:"active_from,omitempty"` // YYYY-MM-DD
	ActiveTo    string   `json:"active_to,omitempty"`
	// Source is where the national entry was taken from.
	Source string `json:"source,omitempty"`
	// CeilingCents and PeriodMonths are an aid's rule (warned, never
	// enforced): at most CeilingCents per household over PeriodMonths.
	CeilingCents int64 `json:"ceiling_cents,omitempty"`
	PeriodMonths int   `json:"period_months,omitempty"`
}

// Catalogue kinds.
const (
	RightNational = "national"
	RightLocalAid = "local_aid"
)

// ActiveOn reports whether the entry is in force on date (YYYY-MM-DD).
func (r *Right) ActiveOn(date string) bool {
	return (r.ActiveFrom == "" || r.ActiveFrom <= date) && (r.ActiveTo == "" || date <= r.ActiveTo)
}

// Procedure statuses: à faire → en cours → déposée → accordée | refusée,
// or abandonnée from any open status.
const (
	ProcTodo      = "a_faire"
	ProcOngoing   = "en_cours"
	ProcFiled     = "deposee"
	ProcGranted   = "accordee"
	ProcRefused   = "refusee"
	ProcAbandoned = "abandonnee"
)

// ProcedureStatuses lists the statuses in order of the UI.
var ProcedureStatuses = []string{ProcTodo, ProcOngoing, ProcFiled, ProcGranted, ProcRefused, ProcAbandoned}

// ProcedureFinal reports whether a status ends the procedure.
func ProcedureFinal(s string) bool { return s == ProcGranted || s == ProcRefused || s == ProcAbandoned }

// ProcedureStep orders the open statuses, for refusing a step back.
func ProcedureStep(s string) int {
	for i, x := range ProcedureStatuses[:3] {
		if x == s {
			return i
		}
	}
	return 3
}

// Help levels: what the worker did, the measure of the person's autonomy.
const (
	HelpWith       = "with_person" // fait avec la personne
	HelpFor        = "for_person"  // fait pour la personne: needs a mandate
	HelpReferred   = "referred"    // orientée
	HelpAutonomous = "autonomous"  // autonome
)

// HelpLevels lists the help levels in order of the UI.
var HelpLevels = []string{HelpWith, HelpFor, HelpReferred, HelpAutonomous}

// DigitalObstacles are the obstacles a procedure met.
var DigitalObstacles = []string{"no_device", "no_connection", "no_email", "no_franceconnect", "literacy", "language", "disability", "other"}

// Procedure is a démarche on a person's file.
type Procedure struct {
	ID          string   `json:"id"`
	OrgID       string   `json:"organization_id"`
	PersonID    string   `json:"person_id"`
	RightCode   string   `json:"right_code"`
	RightName   string   `json:"right_name"`
	Status      string   `json:"status"`
	HelpLevel   string   `json:"help_level"`
	Obstacles   []string `json:"obstacles"`
	FiledOn     string   `json:"filed_on,omitempty"`
	DecidedOn   string   `json:"decided_on,omitempty"`
	AmountCents int64    `json:"amount_cents,omitempty"`
	NextStep    string   `json:"next_step,omitempty"`
	DueDate     string   `json:"due_date,omitempty"`
	// TaskID is the task of the next step (a reminder in « mes tâches »).
	TaskID string `json:"task_id,omitempty"`
	// MandateID is the mandate a procedure done for the person rests on.
	MandateID  string    `json:"mandate_id,omitempty"`
	Note       string    `json:"note,omitempty"`
	AssigneeID string    `json:"assignee_id"`
	CreatedBy  string    `json:"created_by"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
	// PersonName is filled in « mes démarches à relancer ».
	PersonName string `json:"person_name,omitempty"`
}

// Autonomy check answers; labels are "autonomy.<field>.<value>".
var (
	AutonomyEquipment  = []string{"none", "phone", "computer"}
	AutonomyConnection = []string{"none", "mobile", "home"}
	AutonomyEmail      = []string{"none", "has", "uses"}
	AutonomyFC         = []string{"none", "has"} // FranceConnect identity
	AutonomyAlone      = []string{"no", "with_help", "yes"}
	AutonomyLanguage   = []string{"none", "partial", "fluent"} // written French
)

// AutonomyCheck is a short, dated check of the person's digital autonomy.
type AutonomyCheck struct {
	ID            string    `json:"id"`
	PersonID      string    `json:"person_id"`
	CheckedOn     string    `json:"checked_on"`
	Equipment     string    `json:"equipment"`
	Connection    string    `json:"connection"`
	Email         string    `json:"email"`
	FranceConnect string    `json:"franceconnect"`
	Alone         string    `json:"alone"`
	Language      string    `json:"language"`
	Score         int       `json:"score"` // 0–10, computed
	CreatedBy     string    `json:"created_by"`
	CreatedAt     time.Time `json:"created_at"`
}

// AutonomyScore sums the answers' ranks: 0 (no autonomy) to 10.
func (c *AutonomyCheck) AutonomyScore() int {
	n := 0
	for _, p := range []struct {
		v    string
		list []string
	}{{c.Equipment, AutonomyEquipment}, {c.Connection, AutonomyConnection}, {c.Email, AutonomyEmail},
		{c.FranceConnect, AutonomyFC}, {c.Alone, AutonomyAlone}, {c.Language, AutonomyLanguage}} {
		for i, x := range p.list {
			if x == p.v {
				n += i
			}
		}
	}
	return n
}

// Mandate is the person's authorisation for a worker of the structure to
// carry out named procedures on their behalf, for at most a year.
type Mandate struct {
	ID         string   `json:"id"`
	OrgID      string   `json:"organization_id"`
	PersonID   string   `json:"person_id"`
	WorkerID   string   `json:"worker_id"`
	Procedures []string `json:"procedures"` // right codes
	StartDate  string   `json:"start_date"`
	EndDate    string   `json:"end_date"`
	// DocumentID is the signed, scanned mandate among the file's documents.
	DocumentID     string    `json:"document_id,omitempty"`
	RevokedOn      string    `json:"revoked_on,omitempty"`
	RevokedBy      string    `json:"revoked_by,omitempty"`
	RevocationNote string    `json:"revocation_note,omitempty"`
	CreatedBy      string    `json:"created_by"`
	CreatedAt      time.Time `json:"created_at"`
	// Status is computed: active, expired, revoked, future.
	Status string `json:"status"`
	// Scans are the signed mandate's scans, newest first: the first is
	// DocumentID, the others were replaced and stay among the file's
	// documents.
	Scans []MandateScan `json:"scans"`
}

// MandateScan is one scan of a signed mandate, attached by a worker.
type MandateScan struct {
	DocumentID string    `json:"document_id"`
	AttachedBy string    `json:"attached_by"`
	AttachedAt time.Time `json:"attached_at"`
}

// Mandate statuses (computed).
const (
	MandateActive  = "active"
	MandateFuture  = "future"
	MandateExpired = "expired"
	MandateRevoked = "revoked"
)

// StatusOn is the mandate's status on date.
func (m *Mandate) StatusOn(date string) string {
	switch {
	case m.RevokedOn != "":
		return MandateRevoked
	case date < m.StartDate:
		return MandateFuture
	case date > m.EndDate:
		return MandateExpired
	}
	return MandateActive
}

// Covers reports whether the mandate names right code.
func (m *Mandate) Covers(code string) bool {
	for _, c := range m.Procedures {
		if c == code {
			return true
		}
	}
	return false
}

// MaxAmountCents bounds every amount: 100 000 €.
const MaxAmountCents int64 = 100_000_00

// FormatEuros writes cents in the French form « 1 874,50 € » (no-break
// spaces).
func FormatEuros(cents int64) string {
	neg := cents < 0
	if neg {
		cents = -cents
	}
	units := strconv.FormatInt(cents/100, 10)
	var b strings.Builder
	for i, r := range units {
		if i > 0 && (len(units)-i)%3 == 0 {
			b.WriteRune('\u00a0')
		}
		b.WriteRune(r)
	}
	frac := strconv.FormatInt(cents%100, 10)
	if len(frac) == 1 {
		frac = "0" + frac
	}
	s := b.String() + "," + frac + "\u00a0€"
	if neg {
		s = "-" + s
	}
	return s
}

// ParseEuros reads an amount typed in a form (« 1 874,50 », "1874.5",
// "200") as cents; ok is false when it is not a number.
func ParseEuros(s string) (cents int64, ok bool) {
	s = strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "", "€", "").Replace(strings.TrimSpace(s))
	s = strings.Replace(s, ",", ".", 1)
	if s == "" {
		return 0, false
	}
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, _ := strings.Cut(s, ".")
	if len(frac) > 2 || whole == "" && frac == "" || !digits(whole) || !digits(frac) {
		return 0, false
	}
	for len(frac) < 2 {
		frac += "0"
	}
	if whole == "" {
		whole = "0"
	}
	w, err1 := strconv.ParseInt(whole, 10, 64)
	f, err2 := strconv.ParseInt(frac, 10, 64)
	if err1 != nil || err2 != nil || w > 1_000_000_000_000 {
		return 0, false
	}
	cents = w*100 + f
	if neg {
		cents = -cents
	}
	return cents, true
}

func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
