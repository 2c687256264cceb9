package audit

import "parcours/internal/parcours"

// For starts an event for what actor did to an object of a person's file.
func For(actor parcours.Actor, action, objectType, objectID, personID string) Event {
	role := string(actor.Role)
	if actor.Portal != nil {
		// The person on the portal, or their delegate: the access log
		// tells them apart from workers by this role.
		role = parcours.PortalPerson
		if actor.Portal.Delegate {
			role = parcours.PortalDelegate
		}
	}
	return Event{
		ActorID:    actor.ID(),
		OrgID:      actor.OrgID,
		Role:       role,
		Action:     action,
		ObjectType: objectType,
		ObjectID:   objectID,
		PersonID:   personID,
		RequestID:  actor.RequestID,
	}
}

// ActionDenied is the action of a refused attempt on a person's file.
const ActionDenied = "access.denied"

// Denied is the event of a refused attempt (403 or 404) on the file of the
// person personID, of organisation personOrgID. It says who tried, on
// which file and in which request (the request id leads to the route in
// the logs), and nothing of the file itself. Only an attempt from within
// the person's organisation is linked to the person, and so is found by
// that organisation's audit search on the person: another organisation's
// attempt stays in its own organisation's trail, so that nothing another
// organisation does is written into the person's records.
func Denied(actor parcours.Actor, personID, personOrgID string) Event {
	return denied(actor, "person", personID, personID, personOrgID)
}

// DeniedHousehold is Denied for a household: the event names the
// household, and is linked to its reference person (whose access log shows
// household reads) only inside the household's organisation.
func DeniedHousehold(actor parcours.Actor, householdID, personID, orgID string) Event {
	return denied(actor, "household", householdID, personID, orgID)
}

func denied(actor parcours.Actor, objectType, objectID, personID, orgID string) Event {
	ev := For(actor, ActionDenied, objectType, objectID, "")
	if orgID == actor.OrgID {
		ev.PersonID = personID
	}
	return ev
}
