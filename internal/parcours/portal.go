package parcours

import "time"

// The person portal (/moi): the person, or a trusted third party they
// named (a delegate), signs in and reaches their own file only. The rules
// live in package access (portal.go); these are the shapes.

// Portal account kinds.
const (
	PortalPerson   = "person"
	PortalDelegate = "delegate"
)

// Delegate scopes: what a delegate may do in the person's portal.
const (
	// ScopeView: read the file as the portal shows it, and its access log.
	ScopeView = "view"
	// ScopeFull: also download the copy of the file and make requests.
	ScopeFull = "full"
)

// DelegateScopes lists the scopes, in the order of the UI; labels are
// "portal.scope.<code>".
var DelegateScopes = []string{ScopeView, ScopeFull}

// DelegateRelationships are who a delegate is to the person; labels are
// "portal.relationship.<code>".
var DelegateRelationships = []string{"family", "friend", "legal_representative", "mandataire_judiciaire", "other"}

// PortalAccount is the account of a person, or of one of their delegates,
// on the portal.
type PortalAccount struct {
	ID       string `json:"id"`
	OrgID    string `json:"organization_id"`
	PersonID string `json:"person_id"`
	Kind     string `json:"kind"`
	// Login is the identifier chosen at activation, "" until then.
	Login string `json:"login,omitempty"`
	// Name, Relationship, Scope and EndsOn describe a delegate.
	Name         string    `json:"name,omitempty"`
	Relationship string    `json:"relationship,omitempty"`
	Scope        string    `json:"scope,omitempty"`
	EndsOn       string    `json:"ends_on,omitempty"`
	CreatedBy    string    `json:"created_by"`
	CreatedAt    time.Time `json:"created_at"`
	ActivatedAt  time.Time `json:"activated_at,omitzero"`
	RevokedAt    time.Time `json:"revoked_at,omitzero"`
	TOTPEnabled  bool      `json:"totp_enabled"`
}

// Active reports whether the account may sign in on day (YYYY-MM-DD):
// activated, not revoked, and for a delegate not past its end date.
func (a *PortalAccount) Active(day string) bool {
	if a == nil || a.ActivatedAt.IsZero() || !a.RevokedAt.IsZero() {
		return false
	}
	return a.Kind != PortalDelegate || a.EndsOn == "" || day <= a.EndsOn
}

// Actor is the portal actor of the account: it reaches the file of
// PersonID and nothing else.
func (a *PortalAccount) Actor() Actor {
	return Actor{OrgID: a.OrgID, Portal: &PortalActor{AccountID: a.ID, PersonID: a.PersonID, Delegate: a.Kind == PortalDelegate,
		Scope: a.Scope, Name: a.Name}}
}

// PortalActor is who acts on the portal: the person themself, or a
// delegate with a scope.
type PortalActor struct {
	AccountID string
	PersonID  string
	Delegate  bool
	Scope     string
	Name      string
}

// PortalInvitation is a one-time code given to the person (printed at the
// desk, or sent by e-mail) to activate or reset their portal account.
// Code is set only when the invitation is made: the store keeps its hash.
type PortalInvitation struct {
	ID        string    `json:"id"`
	AccountID string    `json:"account_id"`
	PersonID  string    `json:"person_id"`
	Channel   string    `json:"channel"`
	Code      string    `json:"code,omitempty"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
	UsedAt    time.Time `json:"used_at,omitzero"`
}

// InvitationChannels are how an invitation code reaches the person.
var InvitationChannels = []string{"print", "email"}

// Disclosure is what the author of a journal entry decided about showing
// it to the person: Shared in the portal (« partagé avec la personne »),
// or Withheld from the person's copy of the file because it would harm a
// third party (« non communicable — tiers »), with the reason.
type Disclosure struct {
	EntryID  string    `json:"entry_id"`
	PersonID string    `json:"person_id"`
	Shared   bool      `json:"shared"`
	Withheld bool      `json:"withheld"`
	Reason   string    `json:"reason,omitempty"`
	SetBy    string    `json:"set_by"`
	SetAt    time.Time `json:"set_at"`
}

// ReplyNotice is a portal account's choice to be told by e-mail that a
// referent replied in one of its conversations: the address it gave and
// when it consented. The e-mail says only that a reply is waiting, with
// the portal's page — never the message, the service or the referent
// (the mailbox may be shared). It is the account holder's own: workers
// neither read nor change it.
type ReplyNotice struct {
	// Email is "" when the account gave none (or withdrew it).
	Email     string    `json:"email"`
	ConsentAt time.Time `json:"consent_at,omitzero"`
}

// ReplyNoticeWindow is the span within which further replies send no
// further notice: the first reply of a burst is told, the next ones are
// found with it.
const ReplyNoticeWindow = time.Hour

// ReplyNoticeKind is the outbox kind of these notices.
const ReplyNoticeKind = "portal_reply"
