package parcours

import (
	"slices"
	"strings"
	"time"
)

// The service directory (répertoire des services) and referrals
// (orientations). Field names follow the national data·inclusion schema
// (gip-inclusion/data-inclusion-schema v0.24: structures and services,
// thematiques, code_insee, zone_diffusion_*, modes_accueil), so that a
// directory can be imported from the national referential and exported to
// it; the JSON names are the schema's.

// Thematiques are the top-level thématiques of the data·inclusion
// vocabulary; a service may also name a sub-theme "<top>--<sub>". Labels
// are "thematique.<code>" in the catalogue.
var Thematiques = []string{
	"acces-aux-droits-et-citoyennete",
	"accompagnement-social-et-professionnel-personnalise",
	"apprendre-francais",
	"choisir-un-metier",
	"creation-activite",
	"equipement-et-alimentation",
	"famille",
	"gestion-financiere",
	"handicap",
	"illettrisme",
	"logement-hebergement",
	"mobilite",
	"numerique",
	"preparer-sa-candidature",
	"remobilisation",
	"sante",
	"se-former",
	"souvrir-a-linternational",
	"trouver-un-emploi",
}

// ValidThematique reports whether c is a top-level thématique or one of
// its sub-themes ("logement-hebergement--mal-loges-sans-logis").
func ValidThematique(c string) bool {
	top, sub, hasSub := strings.Cut(c, "--")
	if !slices.Contains(Thematiques, top) {
		return false
	}
	if !hasSub {
		return true
	}
	if sub == "" || len(sub) > 100 {
		return false
	}
	for _, r := range sub {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '-' {
			return false
		}
	}
	return true
}

// ZoneTypes are data·inclusion's zone_diffusion_type values.
var ZoneTypes = []string{"commune", "epci", "departement", "region", "pays"}

// ModesAccueil are data·inclusion's modes_accueil values.
var ModesAccueil = []string{"en-presentiel", "a-distance"}

// Structure is a body of the directory: an organisation of this instance
// (OrgID set) or an external one entered by an administrator or imported.
type Structure struct {
	ID        string `json:"id"`
	OrgID     string `json:"organization_id,omitempty"` // "" for an external structure
	Nom       string `json:"nom"`
	SIRET     string `json:"siret,omitempty"`
	Commune   string `json:"commune,omitempty"`
	CodeInsee string `json:"code_insee,omitempty"`
	Adresse   string `json:"adresse,omitempty"`
	Telephone string `json:"telephone,omitempty"`
	Courriel  string `json:"courriel,omitempty"`
	SiteWeb   string `json:"site_web,omitempty"`
	Source    string `json:"source"` // "parcours" (entered here) or "csv"
	// SourceID is the national referential's id of an imported structure
	// (a new import of the same file updates it).
	SourceID  string `json:"-"`
	CreatedBy string `json:"-"` // organisation whose administrator entered it
	// Active is false once an administrator deactivated it: its services
	// leave searches but still name past referrals.
	Active    bool      `json:"active"`
	CreatedAt time.Time `json:"created_at"`
}

// Service is what a structure offers, and where referrals go.
type Service struct {
	ID                 string   `json:"id"`
	StructureID        string   `json:"structure_id"`
	StructureNom       string   `json:"structure_nom"`
	OrgID              string   `json:"organization_id,omitempty"` // the structure's organisation on this instance
	TeamID             string   `json:"team_id,omitempty"`         // the team that receives its referrals
	Nom                string   `json:"nom"`
	PresentationResume string   `json:"presentation_resume,omitempty"`
	Thematiques        []string `json:"thematiques"`
	Commune            string   `json:"commune,omitempty"`
	CodeInsee          string   `json:"code_insee,omitempty"`
	ZoneDiffusionType  string   `json:"zone_diffusion_type,omitempty"`
	ZoneDiffusionCode  string   `json:"zone_diffusion_code,omitempty"`
	PreRequis          string   `json:"pre_requis,omitempty"` // conditions d'accès
	Telephone          string   `json:"telephone,omitempty"`
	Courriel           string   `json:"courriel,omitempty"`
	HorairesAccueil    string   `json:"horaires_accueil,omitempty"`
	ModesAccueil       []string `json:"modes_accueil"`
	// OrientationParcours: the service takes referrals through Parcours
	// (a structure of this instance); otherwise a referral produces a
	// letter to print or send.
	OrientationParcours bool `json:"orientation_parcours"`
	// Active is false once the service or its structure was deactivated.
	Active    bool      `json:"active"`
	CreatedAt time.Time `json:"created_at"`
	// SourceID is the national referential's id of an imported service.
	SourceID string `json:"-"`
}

// Referral statuses: envoyée → reçue → acceptée | refusée | expirée;
// annulée by the sender; terminée when the receiving structure ends its
// follow-up. Labels are "referral.status.<code>".
const (
	ReferralSent      = "sent"
	ReferralReceived  = "received"
	ReferralAccepted  = "accepted"
	ReferralRefused   = "refused"
	ReferralExpired   = "expired"
	ReferralCancelled = "cancelled"
	ReferralEnded     = "ended"
)

// ReferralStatuses lists every status, in the order of the UI.
var ReferralStatuses = []string{ReferralSent, ReferralReceived, ReferralAccepted, ReferralRefused, ReferralExpired, ReferralCancelled, ReferralEnded}

// Pending reports whether a referral in status s still waits for an answer.
func ReferralPending(s string) bool { return s == ReferralSent || s == ReferralReceived }

// Consent bases of a referral: the person's consent, or a legal ground
// when consent is not the basis (labels "referral.basis.<code>").
var ReferralBases = []string{"consent", "legal"}

// SituationParts are the parts of the household situation a referral may
// share (labels "referral.part.<code>").
var SituationParts = []string{"housing", "income", "employment"}

// Referral is an orientation of a person from one organisation to a
// service, with the extract of the file it shares.
type Referral struct {
	ID          string `json:"id"`
	PersonID    string `json:"person_id"`
	FromOrgID   string `json:"from_organization_id"`
	SentBy      string `json:"sent_by"`
	ServiceID   string `json:"service_id"`
	ServiceNom  string `json:"service_nom"`
	ToOrgID     string `json:"to_organization_id,omitempty"` // "" for an external service
	Reason      string `json:"reason"`
	Note        string `json:"note,omitempty"`
	Status      string `json:"status"`
	Basis       string `json:"basis"`                  // consent | legal
	ConsentOn   string `json:"consent_on,omitempty"`   // date the person agreed
	ConsentHow  string `json:"consent_how,omitempty"`  // an InformationMethods code
	LegalGround string `json:"legal_ground,omitempty"` // when Basis is legal
	// The extract: identity always; the rest only as chosen.
	EntryIDs       []string  `json:"entry_ids"`
	DocumentIDs    []string  `json:"document_ids"`
	TaskIDs        []string  `json:"task_ids"`
	SituationParts []string  `json:"situation_parts"`
	CreatedAt      time.Time `json:"created_at"`
	ReceivedAt     time.Time `json:"received_at,omitzero"`
	AnsweredAt     time.Time `json:"answered_at,omitzero"`
	AnsweredBy     string    `json:"answered_by,omitempty"`
	RefusalReason  string    `json:"refusal_reason,omitempty"`
	EndedAt        time.Time `json:"ended_at,omitzero"`
	EndedBy        string    `json:"ended_by,omitempty"`
	ExpiresAt      time.Time `json:"expires_at"`
	RemindedAt     time.Time `json:"reminded_at,omitzero"`
	// AccompanimentID is the accompaniment the receiving organisation
	// opened on accepting; ending it ends the referral.
	AccompanimentID string `json:"accompaniment_id,omitempty"`
}

// Share is what a file shares with one organisation through its open
// referrals (pending or accepted, not expired): gathered by the door when
// a worker of another organisation opens the file, judged by package
// access. The extract is the union of those referrals'.
type Share struct {
	OrgID       string   // the receiving organisation
	ReferralIDs []string // the open referrals
	// Accepted: one of them was accepted, so the receiving organisation
	// follows the person and writes in the file.
	Accepted       bool
	EntryIDs       []string
	DocumentIDs    []string
	TaskIDs        []string
	SituationParts []string
}

// HasEntry, HasDocument and HasTask report whether the extract names id.
func (s *Share) HasEntry(id string) bool    { return s != nil && slices.Contains(s.EntryIDs, id) }
func (s *Share) HasDocument(id string) bool { return s != nil && slices.Contains(s.DocumentIDs, id) }
func (s *Share) HasTask(id string) bool     { return s != nil && slices.Contains(s.TaskIDs, id) }
