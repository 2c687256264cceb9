package parcours

import (
	"fmt"
	"time"
)

// The household budget and the financial help requests (aides
// facultatives) instructed by the structure and decided in commission
// (issue 12). Amounts are integer cents.

// Budget line kinds.
const (
	LineResource = "resource"
	LineCharge   = "charge"
	LineDebt     = "debt"
)

// Budget categories; labels are "budget.<kind>.<category>".
var (
	ResourceCategories = []string{"salaire", "rsa", "prime_activite", "are", "aah", "pension_retraite", "allocations_familiales", "apl", "pension_alimentaire", "autre"}
	ChargeCategories   = []string{"loyer", "energie", "eau", "assurance", "telephone_internet", "transport", "garde_enfants", "cantine", "mutuelle", "impots", "credit", "autre"}
	DebtCategories     = []string{"loyer", "energie", "eau", "credit_conso", "impots", "sante", "autre"}
	DebtPlans          = []string{"none", "echeancier", "surendettement"}
)

// BudgetLine is a monthly resource, a charge or a debt's repayment.
type BudgetLine struct {
	Kind     string `json:"kind"`
	Category string `json:"category"`
	// PersonID is the member a resource is paid to, "" for the household.
	PersonID     string `json:"person_id,omitempty"`
	Label        string `json:"label,omitempty"`
	MonthlyCents int64  `json:"monthly_cents"`
	// RemainingCents and Plan describe a debt.
	RemainingCents int64  `json:"remaining_cents,omitempty"`
	Plan           string `json:"plan,omitempty"`
}

// Budget is one dated version of a household's budget; a change writes a
// new version, the history is kept.
type Budget struct {
	ID          string         `json:"id"`
	HouseholdID string         `json:"household_id"`
	ValidFrom   string         `json:"valid_from"`
	Adults      int            `json:"adults"`   // persons aged 14 or more
	Children    int            `json:"children"` // under 14
	Dependents  int            `json:"dependents"`
	Couple      bool           `json:"couple"`
	Lines       []BudgetLine   `json:"lines"`
	Note        string         `json:"note,omitempty"`
	CreatedBy   string         `json:"created_by"`
	CreatedAt   time.Time      `json:"created_at"`
	Figures     *BudgetFigures `json:"figures"`
}

// BudgetFigures are computed from a budget, with the formulas shown.
type BudgetFigures struct {
	ResourcesCents  int64 `json:"resources_cents"`
	ChargesCents    int64 `json:"charges_cents"`
	RepaymentsCents int64 `json:"repayments_cents"`
	DebtCents       int64 `json:"debt_cents"`
	// ResteAVivreCents = resources − charges − repayments, monthly.
	ResteAVivreCents int64 `json:"reste_a_vivre_cents"`
	// UC100 is the units of consumption ×100 (OECD modified scale: 1 for
	// the first adult, 0.5 per other person of 14 or more, 0.3 per child).
	UC100 int `json:"uc_x100"`
	// PerUCCents is the reste à vivre per unit of consumption, monthly;
	// PerUCDayCents the same per day (÷ 30).
	PerUCCents    int64 `json:"reste_a_vivre_per_uc_cents"`
	PerUCDayCents int64 `json:"reste_a_vivre_per_uc_day_cents"`
	// Parts2 is the number of family-quotient parts ×2, by the CAF's
	// rule (not the tax office's): 1 part alone, 2 for a couple or a
	// single parent, +0.5 for each of the first two dependent children,
	// +1 for the third, +0.5 for each from the fourth.
	Parts2 int `json:"parts_x2"`
	// QuotientCents = monthly resources / parts.
	QuotientCents int64  `json:"quotient_familial_cents"`
	Formula       string `json:"formula"`
}

// Compute fills the budget's figures.
func (b *Budget) Compute() *BudgetFigures {
	f := &BudgetFigures{}
	for _, l := range b.Lines {
		switch l.Kind {
		case LineResource:
			f.ResourcesCents += l.MonthlyCents
		case LineCharge:
			f.ChargesCents += l.MonthlyCents
		case LineDebt:
			f.RepaymentsCents += l.MonthlyCents
			f.DebtCents += l.RemainingCents
		}
	}
	f.ResteAVivreCents = f.ResourcesCents - f.ChargesCents - f.RepaymentsCents
	adults := max(b.Adults, 1)
	f.UC100 = 100 + 50*(adults-1) + 30*max(b.Children, 0)
	f.PerUCCents = divRound(f.ResteAVivreCents*100, int64(f.UC100))
	f.PerUCDayCents = divRound(f.PerUCCents, 30)
	f.Parts2 = 2
	if b.Couple || b.Dependents > 0 {
		f.Parts2 = 4
	}
	for i := 1; i <= b.Dependents; i++ {
		if i == 3 {
			f.Parts2 += 2
		} else {
			f.Parts2++
		}
	}
	f.QuotientCents = divRound(f.ResourcesCents*2, int64(f.Parts2))
	f.Formula = fmt.Sprintf("reste à vivre = ressources %s − charges %s − remboursements %s = %s ; "+
		"UC = 1 + 0,5 × %d + 0,3 × %d = %s ; par UC = %s par mois, %s par jour ; "+
		"quotient familial (barème CAF : 2 parts pour un couple ou un parent seul, 1 seul, + 0,5 par enfant pour les deux premiers, + 1 pour le troisième, + 0,5 à partir du quatrième) = ressources %s ÷ %s parts = %s",
		FormatEuros(f.ResourcesCents), FormatEuros(f.ChargesCents), FormatEuros(f.RepaymentsCents), FormatEuros(f.ResteAVivreCents),
		adults-1, max(b.Children, 0), decimal(int64(f.UC100)), FormatEuros(f.PerUCCents), FormatEuros(f.PerUCDayCents),
		FormatEuros(f.ResourcesCents), decimal(int64(f.Parts2)*50), FormatEuros(f.QuotientCents))
	b.Figures = f
	return f
}

// divRound divides rounding half away from zero.
func divRound(a, b int64) int64 {
	if b == 0 {
		return 0
	}
	if (a < 0) != (b < 0) {
		return -((-a + b/2) / b)
	}
	return (a + b/2) / b
}

// decimal writes n/100 in the French form: 180 → « 1,8 », 150 → « 1,5 ».
func decimal(n int64) string {
	s := fmt.Sprintf("%d,%02d", n/100, n%100)
	for s[len(s)-1] == '0' {
		s = s[:len(s)-1]
	}
	if s[len(s)-1] == ',' {
		s = s[:len(s)-1]
	}
	return s
}

// Aid request statuses.
const (
	AidInstruction = "instruction" // being prepared by the worker
	AidOnAgenda    = "on_agenda"   // placed on a commission's agenda
	AidGranted     = "granted"
	AidPartial     = "partial"
	AidRefused     = "refused"
	AidAdjourned   = "adjourned"
)

// AidDecisions are the decisions a commission takes.
var AidDecisions = []string{AidGranted, AidPartial, AidRefused, AidAdjourned}

// AidDecided reports whether a request has its final decision.
func AidDecided(status string) bool {
	return status == AidGranted || status == AidPartial || status == AidRefused
}

// Payment of a granted aid.
const (
	PayeePerson   = "person"
	PayeeCreditor = "creditor"
)

var (
	Payees          = []string{PayeePerson, PayeeCreditor}
	PaymentStatuses = []string{"ordered", "paid", "cancelled"}
)

// AidRequest is a request for an aid of the structure on a household.
type AidRequest struct {
	ID          string `json:"id"`
	OrgID       string `json:"organization_id"`
	HouseholdID string `json:"household_id"`
	PersonID    string `json:"person_id"` // the applicant, a member
	AidCode     string `json:"aid_code"`
	AidName     string `json:"aid_name"`
	AmountCents int64  `json:"amount_cents"`
	Reason      string `json:"reason"`
	// BudgetID is the household's budget version at the request's date.
	BudgetID     string `json:"budget_id,omitempty"`
	Status       string `json:"status"`
	CommissionID string `json:"commission_id,omitempty"`
	// The decision.
	DecidedCents int64     `json:"decided_cents,omitempty"`
	Motive       string    `json:"motive,omitempty"`
	DecidedAt    time.Time `json:"decided_at,omitzero"`
	DecidedBy    string    `json:"decided_by,omitempty"`
	// The payment.
	Payee         string    `json:"payee,omitempty"`
	CreditorName  string    `json:"creditor_name,omitempty"`
	PaymentStatus string    `json:"payment_status,omitempty"`
	PaidOn        string    `json:"paid_on,omitempty"`
	CreatedBy     string    `json:"created_by"`
	CreatedAt     time.Time `json:"created_at"`
	// Warnings are the aid's rules the request goes beyond (ceiling per
	// household over the period): warned, never enforced.
	Warnings []string `json:"warnings"`
	// Documents are the supporting documents (pièces justificatives),
	// oldest first; left out of lists.
	Documents []AidDocument `json:"documents,omitempty"`
}

// AidDocument is a supporting document of an aid request: a document of
// a household member's file, as the request and the commission show it.
type AidDocument struct {
	ID          string    `json:"id"`
	PersonID    string    `json:"person_id"`
	Kind        string    `json:"kind"`
	Title       string    `json:"title"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	AttachedBy  string    `json:"attached_by"`
	AttachedAt  time.Time `json:"attached_at"`
}

// Commission is a meeting that decides aid requests.
type Commission struct {
	ID        string    `json:"id"`
	OrgID     string    `json:"organization_id"`
	MeetsOn   string    `json:"meets_on"`
	Members   []string  `json:"members"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
}
