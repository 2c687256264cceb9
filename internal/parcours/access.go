package parcours

import (
	"slices"
	"time"
)

// The person's information and objection (consentement), break-glass
// access (bris de glace) and the facts that link a worker to a person's
// file. The rules that use them live in package access; these are only the
// shapes, shared by the store (which gathers them) and the services.

// Objection categories: what the person refused to have shared. The list
// is fixed because the policy must know how to enforce each one; labels
// are "objection.<code>" in the catalogue.
const (
	// ObjectNoExternalSharing: "pas de partage avec d'autres structures" —
	// no referral shares the file with another organisation.
	ObjectNoExternalSharing = "no_external_sharing"
	// ObjectNoHealthSharing: "pas de partage des informations de santé" —
	// the health situation is seen by the referent only, not the team.
	ObjectNoHealthSharing = "no_health_sharing"
	// ObjectNoBreakGlass: "pas d'accès exceptionnel (bris de glace)" —
	// workers without a relation cannot open the file even in an
	// emergency; they must go through the referent or the team.
	ObjectNoBreakGlass = "no_break_glass"
)

// ObjectionCategories lists every category, in the order of the UI.
var ObjectionCategories = []string{ObjectNoExternalSharing, ObjectNoHealthSharing, ObjectNoBreakGlass}

// ValidObjection reports whether c is a known category.
func ValidObjection(c string) bool { return slices.Contains(ObjectionCategories, c) }

// InformationMethods are the ways the person was informed; labels are
// "information_method.<code>".
var InformationMethods = []string{"oral", "written", "signed_document"}

// Consent is what was recorded about the person's information and
// objections: who informed them, when and how, and what they object to.
type Consent struct {
	PersonID string `json:"person_id"`
	// Informed is false while nobody recorded the information.
	Informed   bool   `json:"informed"`
	InformedOn string `json:"informed_on,omitempty"` // date YYYY-MM-DD
	InformedBy string `json:"informed_by,omitempty"` // worker id
	Method     string `json:"method,omitempty"`
	// DocumentID is the signed information notice, when there is one.
	DocumentID string    `json:"document_id,omitempty"`
	Objections []string  `json:"objections"`
	UpdatedAt  time.Time `json:"updated_at,omitzero"`
	UpdatedBy  string    `json:"updated_by,omitempty"`
}

// Objects reports whether the person objects to category c.
func (c *Consent) Objects(category string) bool {
	return c != nil && slices.Contains(c.Objections, category)
}

// Break-glass review outcomes.
const (
	ReviewJustified   = "justified"
	ReviewUnjustified = "unjustified"
)

// BreakGlass is an exceptional access to a file by a worker without a
// relation to the person, for a stated reason, for a limited time.
type BreakGlass struct {
	ID       string `json:"id"`
	OrgID    string `json:"organization_id"`
	PersonID string `json:"person_id"`
	WorkerID string `json:"worker_id"`
	Reason   string `json:"reason"`
	// Kind is BreakGlassEmergency (a worker without relation) or
	// BreakGlassArchive (a manager's or DPO's consultation of an
	// archived file).
	Kind      string    `json:"kind"`
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
	// Review is "" until a manager reviewed it, then ReviewJustified or
	// ReviewUnjustified.
	Review     string    `json:"review,omitempty"`
	ReviewNote string    `json:"review_note,omitempty"`
	ReviewedBy string    `json:"reviewed_by,omitempty"`
	ReviewedAt time.Time `json:"reviewed_at,omitzero"`
	// WorkerName and PersonName are filled in the review queue, for the
	// manager who reviews.
	WorkerName string `json:"worker_name,omitempty"`
	PersonName string `json:"person_name,omitempty"`
}

// ActiveAt reports whether the access is still open at t.
func (b *BreakGlass) ActiveAt(t time.Time) bool { return b != nil && t.Before(b.ExpiresAt) }

// Relation is everything that links one worker to one person's file,
// gathered in one place (store.Tx.Relation) and judged in one place
// (access.Check).
type Relation struct {
	PersonID string
	OrgID    string // the person's organisation
	// Referent: the worker is the referent of an active accompaniment of
	// the person — or, while the person has no accompaniment at all, the
	// worker who recorded them.
	Referent bool
	// Team: the worker belongs to the team of an active accompaniment —
	// or, while there is none, to a team of the worker who recorded them.
	Team bool
	// BreakGlass is the worker's open break-glass access to the file.
	BreakGlass *BreakGlass
	// Objections are the person's objections to sharing.
	Objections []string
	// Share is what the person's file shares with the worker's
	// organisation by referral, when the worker is of another
	// organisation; nil otherwise.
	Share *Share
	// Returned is what open referrals sent back to the person's own
	// organisation (by a receiving organisation, « orientation en
	// retour ») share with it: their extracts, made of the other
	// organisation's entries. The door gathers it only when a worker of
	// that organisation opens such a referral (file.OpenReferral); nil
	// otherwise.
	Returned *Share
	// Archived: the file was moved to the intermediate archive by the
	// retention (read-only; managers and the DPO, with a reason).
	Archived bool
}

// Kinds of break-glass access.
const (
	BreakGlassEmergency = "break_glass"
	BreakGlassArchive   = "archive"
)

// Objects reports whether the person objects to category c.
func (r *Relation) Objects(c string) bool { return r != nil && slices.Contains(r.Objections, c) }

// Notification is a message to one worker (a break-glass on a file they
// follow, …). Text is a catalogue key with its arguments: identifiers
// only, the page shows names from them.
type Notification struct {
	ID        string    `json:"id"`
	WorkerID  string    `json:"worker_id"`
	Kind      string    `json:"kind"` // "break_glass", "task_due_today", "task_overdue", "handover"
	PersonID  string    `json:"person_id,omitempty"`
	ObjectID  string    `json:"object_id,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	ReadAt    time.Time `json:"read_at,omitzero"`
}
