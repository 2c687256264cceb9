package access

import "parcours/internal/parcours"

// The person portal (/moi). A portal actor (parcours.Actor.Portal: the
// person themself, or a delegate they named) has no role and no relation:
// it reaches the file of its own person and nothing else. Any other
// person is NotFound (existence does not leak); any action that is not a
// portal's is Forbidden. Workers invite the person, manage delegates on
// their behalf and decide what of the journal the person sees.
const (
	// PortalRead is the person (or a delegate) reading their own file in
	// the portal: identity, household, accompaniments, procedures,
	// mandates, documents, the entries shared with them, the access log.
	PortalRead Action = "portal.read"
	// PortalExport is downloading the copy of one's file (art. 15, 20).
	PortalExport Action = "portal.export"
	// PortalRequest is making a request about one's data (art. 15-21).
	PortalRequest Action = "portal.request"
	// PortalDelegate is naming or withdrawing a delegate: the person
	// themself only, never a delegate.
	PortalDelegate Action = "portal.delegate"
	// PortalNotice is giving, changing or withdrawing the address to be
	// told of new replies by e-mail: each portal account its own (the
	// person, or a delegate for theirs, whatever its scope: a view
	// delegate reads the replies too). Never a worker: the address is
	// the account holder's.
	PortalNotice Action = "portal.notice"

	// PortalInvite is a worker giving the person (or a delegate) a
	// one-time code to the portal, or closing an account: it opens the
	// file to someone outside, so never under a break-glass alone.
	PortalInvite Action = "portal.invite"
	// JournalDisclose is marking an entry « partagé avec la personne »
	// (the author) or « non communicable — tiers » with a reason (the
	// author or a referent): relationRules below.
	JournalDisclose Action = "journal.disclose"
)

// portalReads are the door's reads a portal actor may do on its own file;
// the door's other parts (the whole journal, tasks…) stay closed to it,
// and the portal service shows only what it chooses of these.
var portalReads = set(PortalRead, PersonRead, HouseholdRead, AccompanimentRead, ProcedureRead, MandateRead,
	AccessLogRead, DataRequestRead, ConsentRead, DocumentRead, AppointmentRead)

// portalFull are what a delegate needs the "full" scope for.
var portalFull = set(PortalExport, PortalRequest, DataRequestRecord)

func init() {
	for _, r := range []parcours.Role{parcours.RoleWorker, parcours.RoleManager} {
		roleActions[r][PortalInvite] = true
		roleActions[r][JournalDisclose] = true
	}
	lasting[PortalInvite] = true
	lasting[JournalDisclose] = true
	readOf[PortalInvite], readOf[JournalDisclose] = PersonRead, PersonRead
	relationRules[JournalDisclose] = func(a parcours.Actor, t Target) error {
		// The author decides about their own entry; a referent may
		// withhold any entry of the file from the person's copy (the
		// author may have left).
		if t.AuthorID == a.WorkerID || slicesContains(t.ReferentIDs, a.WorkerID) {
			return nil
		}
		return parcours.Forbidden()
	}
}

func slicesContains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// portalCheck decides for a portal actor: its own file, and there the
// portal's actions only (a delegate within its scope).
func portalCheck(actor parcours.Actor, act Action, t Target) error {
	p := actor.Portal
	if p.PersonID == "" {
		return parcours.Errorf(parcours.EUnauthenticated, "error.unauthenticated")
	}
	if t.PersonID == "" || t.PersonID != p.PersonID || (t.OrgID != "" && t.OrgID != actor.OrgID) {
		return parcours.NotFound()
	}
	switch {
	case portalReads[act]:
		return nil
	case portalFull[act]:
		if p.Delegate && p.Scope != parcours.ScopeFull {
			return parcours.Forbidden()
		}
		return nil
	case act == PortalDelegate:
		if p.Delegate {
			return parcours.Forbidden()
		}
		return nil
	case act == PortalNotice:
		return nil
	}
	return parcours.Forbidden()
}
