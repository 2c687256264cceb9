package file

import (
	"context"
	"errors"

	"parcours/internal/access"
	"parcours/internal/audit"
	"parcours/internal/parcours"
	"parcours/internal/store"
)

// Household is one actor's view of a household: a household is part of
// its members' files, so need-to-know applies through the actor's
// relations to its members (store.Tx.HouseholdRelation).
type Household struct {
	tx    *store.Tx
	actor parcours.Actor
	// Household with its members and current situation, as stored.
	Household *parcours.Household
	Rel       *parcours.Relation
}

// OpenHousehold loads a household for actor and checks act on it.
func OpenHousehold(ctx context.Context, tx *store.Tx, actor parcours.Actor, act access.Action, id string) (*Household, error) {
	h, err := tx.Household(ctx, id)
	if err != nil {
		return nil, notFound(err)
	}
	if h.OrgID != actor.OrgID && !actor.System {
		tx.AuditDenial(audit.DeniedHousehold(actor, h.ID, referencePerson(h), h.OrgID))
		return nil, parcours.NotFound()
	}
	rel, err := tx.HouseholdRelation(ctx, actor.WorkerID, actor.TeamIDs, h.ID)
	if err != nil {
		return nil, err
	}
	hf := &Household{tx: tx, actor: actor, Household: h, Rel: rel}
	if err := hf.Check(act); err != nil {
		// As for a person's file: a refused attempt is audited, ids only.
		tx.AuditDenial(audit.DeniedHousehold(actor, h.ID, referencePerson(h), h.OrgID))
		return nil, err
	}
	return hf, nil
}

// referencePerson is the member whose records show the household's
// events: the reference person, else the first member, else none.
func referencePerson(h *parcours.Household) string {
	for _, m := range h.Members {
		if m.Relationship == parcours.RelReference {
			return m.PersonID
		}
	}
	if len(h.Members) > 0 {
		return h.Members[0].PersonID
	}
	return ""
}

// FindHousehold returns a household of the actor's organisation for
// placing a new person in it (no file is read: the person is being
// recorded); nil when there is none.
func FindHousehold(ctx context.Context, tx *store.Tx, actor parcours.Actor, id string) (*parcours.Household, error) {
	h, err := tx.Household(ctx, id)
	if errors.Is(err, store.ErrNoRows) || (err == nil && h.OrgID != actor.OrgID && !actor.System) {
		return nil, nil
	}
	return h, err
}

// Check returns nil when the actor may do act on the household.
func (h *Household) Check(act access.Action) error {
	return access.Check(h.actor, act, access.Target{OrgID: h.Household.OrgID, Rel: h.Rel})
}

// Can reports whether the actor may do act on the household.
func (h *Household) Can(act access.Action) bool { return h.Check(act) == nil }

// HidesHealth reports whether the health note must be left out for the
// actor: it is for the referent and the team (only the referent when a
// member objected to sharing health), never for a break-glass access.
func (h *Household) HidesHealth() bool {
	return !h.actor.System && !access.Sees(h.actor, access.HealthRead, h.Rel)
}

// Reload reads the household again after the caller changed it.
func (h *Household) Reload(ctx context.Context) (*parcours.Household, error) {
	return h.tx.Household(ctx, h.Household.ID)
}

// SituationHistory returns every recorded situation, newest first.
func (h *Household) SituationHistory(ctx context.Context) ([]*parcours.Situation, error) {
	if err := h.Check(access.HouseholdRead); err != nil {
		return nil, err
	}
	return h.tx.SituationHistory(ctx, h.Household.ID)
}

// Audit records an event about the household (personID names the member
// concerned, "" for the household as a whole).
func (h *Household) Audit(action, objectType, objectID, personID string) {
	h.tx.Audit(audit.For(h.actor, action, objectType, objectID, personID))
}
