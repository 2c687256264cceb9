package audit

import "parcours/internal/parcours"

// For starts an event for what actor did to an object of a person's file.
func For(actor parcours.Actor, action, objectType, objectID, personID string) Event {
	return Event{
		ActorID:    actor.WorkerID,
		OrgID:      actor.OrgID,
		Role:       string(actor.Role),
		Action:     action,
		ObjectType: objectType,
		ObjectID:   objectID,
		PersonID:   personID,
		RequestID:  actor.RequestID,
	}
}
