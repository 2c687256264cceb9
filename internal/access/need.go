package access

import (
	"parcours/internal/parcours"
)

// Need-to-know: inside the actor's organisation, the role says what kind
// of thing the actor may do; the relation to the person says on which
// files (CASF L121-6-2: share only what the accompaniment strictly needs).
// The facts come from store.Tx.Relation in Target.Rel; when a service
// gives none (listing, creating, organisation objects) only the role and
// organisation rules apply.
//
//   - referent or member of the team of an active accompaniment: the whole
//     file, as far as the role goes (reception: identity, contact,
//     appointments; admin: nothing of the file);
//   - a person never accompanied yet is followed by the worker who
//     recorded them (as referent) and that worker's teams;
//   - same organisation without relation: find the person by identity
//     (to avoid duplicates) and open a break-glass access, nothing else
//     (403: the identity is visible, so existence is no secret);
//   - open break-glass: the file as far as the role goes, except the
//     social-security number and health (referent and team only) and
//     entries restricted to the referent; every audit event carries it;
//   - another organisation: 404, checked before anything else.
//
// The person's objections (parcours.ObjectionCategories) narrow this:
// no_health_sharing keeps health to the referent, no_break_glass refuses
// break-glass, no_external_sharing refuses sharing by referral.
//
// Referrals share a file with another organisation: creating one checks
// FileShareExternal (never under break-glass, never when the person
// objects), and while it is open the door adds the share to the
// relation of that organisation's workers (Relation.Share), which
// referral.go decides on: the extract and nothing else. Without an open
// referral another organisation always gets 404.
//
// The data-protection officer is a designation, not a role (a DPO is often
// also a manager or an administrator): table dpo_designations, set with
// "parcours audit designate-dpo", passed as Target.DPO. It opens the audit
// search of the organisation and nothing of the files.

// Actions of this package.
const (
	ConsentRead  Action = "consent.read"
	ConsentWrite Action = "consent.write"
	// BreakGlassOpen opens an exceptional access to a file without relation.
	BreakGlassOpen Action = "break_glass.open"
	// BreakGlassReview is a manager's review of break-glass accesses.
	BreakGlassReview Action = "break_glass.review"
	// SensitiveRead covers the social-security number and the health
	// situation: referent and team only.
	SensitiveRead Action = "sensitive.read"
	// HealthRead is the health situation; no_health_sharing keeps it to
	// the referent.
	HealthRead Action = "health.read"
	// FileShareExternal shares the file with another organisation (a
	// referral); no_external_sharing refuses it.
	FileShareExternal Action = "file.share_external"
	// AccessLogRead is the person's access log (who opened the file).
	AccessLogRead Action = "access_log.read"
	// AuditSearch searches the audit trail of the organisation: managers,
	// administrators and the data-protection officer (Target.DPO, from
	// store.Tx.IsDPO), whatever the DPO's role.
	AuditSearch Action = "audit.search"
	// NotificationRead is one's own notifications.
	NotificationRead Action = "notification.read"
)

// part is how much of a file an action shows.
type part int

const (
	partIdentity  part = iota // name and birth date: findable across the organisation
	partFile                  // contact, household, case file
	partSensitive             // social-security number, health
	partEscape                // break-glass itself: for those without relation
)

// parts places the actions that are not plain file content; any other
// action on a person (the case file's among them) is partFile.
var parts = map[Action]part{
	PersonFind:     partIdentity,
	SensitiveRead:  partSensitive,
	HealthRead:     partSensitive,
	BreakGlassOpen: partEscape,
}

func init() {
	grant := func(r parcours.Role, acts ...Action) {
		for _, a := range acts {
			roleActions[r][a] = true
		}
	}
	for _, r := range parcours.Roles {
		grant(r, NotificationRead)
	}
	grant(parcours.RoleWorker, ConsentRead, ConsentWrite, BreakGlassOpen, SensitiveRead, HealthRead, FileShareExternal, AccessLogRead)
	grant(parcours.RoleManager, ConsentRead, ConsentWrite, BreakGlassOpen, SensitiveRead, HealthRead, FileShareExternal, AccessLogRead,
		BreakGlassReview, AuditSearch)
	// Administrators answer for the security of the system: they search
	// the audit trail (identifiers only), never the files.
	grant(parcours.RoleAdmin, AuditSearch)
	// The front desk records and tells that the person was informed; it
	// sees no sensitive data and cannot break glass.
	grant(parcours.RoleReception, ConsentRead)
	readOf[ConsentRead], readOf[ConsentWrite] = PersonRead, PersonRead
	readOf[SensitiveRead], readOf[HealthRead] = PersonRead, PersonRead
	readOf[AccessLogRead], readOf[BreakGlassOpen] = PersonRead, PersonRead
}

// special decides the actions that are not about a file: the audit
// search, open to managers and to the organisation's data-protection
// officer whatever their role.
func special(actor parcours.Actor, act Action, t Target) (decided bool, err error) {
	if dpoActions[act] && t.DPO {
		return true, nil
	}
	return false, nil
}

// needToKnow applies the relation rules once the organisation and the
// role allowed act. decided means the answer is final; otherwise the
// case file's own rules (author, entry confidentiality) come next.
func needToKnow(actor parcours.Actor, act Action, t Target) (decided bool, err error) {
	rel := t.Rel
	p, ok := parts[act]
	if !ok {
		p = partFile
	}
	related := rel.Referent || rel.Team
	switch p {
	case partIdentity:
		return true, nil
	case partEscape:
		if related {
			return true, parcours.Errorf(parcours.EConflict, "error.break_glass_not_needed")
		}
		if rel.Objects(parcours.ObjectNoBreakGlass) {
			return true, parcours.Errorf(parcours.EForbidden, "error.objection_break_glass")
		}
		return true, nil
	}
	if act == FileShareExternal && rel.Objects(parcours.ObjectNoExternalSharing) {
		return true, parcours.Errorf(parcours.EForbidden, "error.objection_external_sharing")
	}
	if act == HealthRead && rel.Objects(parcours.ObjectNoHealthSharing) && !rel.Referent {
		return true, parcours.Forbidden()
	}
	if related {
		return false, nil
	}
	if rel.BreakGlass != nil && p == partFile {
		// The store returns only an open access, so expiry is already
		// checked. A break-glass is read-and-note only: nothing done
		// through it may outlive it (see lasting).
		if lasting[act] {
			return true, parcours.Errorf(parcours.EForbidden, "error.break_glass_read_and_note")
		}
		// Through break-glass every entry of the file is readable except
		// those restricted to the referent.
		if act == JournalEntryRead {
			if t.Confidentiality == parcours.ConfReferent {
				return true, parcours.NotFound()
			}
			return true, nil
		}
		return false, nil
	}
	return true, parcours.Forbidden()
}

// lasting are the actions a break-glass never allows: they would create a
// relation to the person that outlives the access (an accompaniment, a
// referent, a handover, a team, an assignment in one's own day), or move
// the file's data where the access does not reach it (a merge into
// another person, its undo, a household change, a referral), or decide
// for the person (consent, identity). A break-glass reads what it opens
// and adds journal entries, nothing else: whoever needs the file for
// longer gets it through a handover (passation) from its referent or a
// referral (orientation). An action on a person's file that is not listed
// here is a read or a note; TestBreakGlass_EveryFileActionIsClassified
// makes a new action choose.
var lasting = set(PersonUpdate, HouseholdUpdate, ConsentWrite, FileShareExternal,
	AccompanimentWrite, AccompanimentHandOv, HandoverAcknowledge, TaskWrite, DocumentWrite,
	PersonMerge, PersonMergeUndo, MergeConfirmUnlike)

// Lasting reports whether act is refused under a break-glass access
// alone: for showing only the buttons that will work.
func Lasting(act Action) bool { return lasting[act] }

// Sees reports whether actor, related to a person by rel, may see
// sensitive fields (social-security number, health): for redacting a
// record before returning it.
func Sees(actor parcours.Actor, act Action, rel *parcours.Relation) bool {
	return Allowed(actor, act, Target{OrgID: rel.OrgID, Rel: rel})
}
