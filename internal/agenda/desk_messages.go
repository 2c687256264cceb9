package agenda

import (
	"context"
	"time"

	"parcours/internal/access"
	"parcours/internal/file"
	"parcours/internal/parcours"
	"parcours/internal/store"
)

// DeskMessagesFor is how far back « Ma journée » lists the visits logged
// for the worker.
const DeskMessagesFor = 7 * 24 * time.Hour

// DeskMessages returns the visits the front desk logged for the actor
// over the last DeskMessagesFor — who came, why, the message taken, « a
// besoin d'un RDV » — newest first, with the persons' names: what the
// referent reads on « Ma journée » (the notification of each leads
// there). Only files the actor may read; nil for a role without visits
// to read. Audited (desk_visit.mine) when there is one.
func (s *Service) DeskMessages(ctx context.Context, actor parcours.Actor) (out []*parcours.DeskVisit, names map[string]string, err error) {
	defer wrap(&err, "agenda: desk messages")
	if !access.Allowed(actor, access.DeskVisitRead, access.Target{}) || actor.WorkerID == "" {
		return nil, nil, nil
	}
	err = s.db.View(ctx, func(tx *store.Tx) error {
		if out, names, err = file.DeskMessages(ctx, tx, actor, tx.Now().Add(-DeskMessagesFor), 20); err != nil {
			return err
		}
		if len(out) > 0 {
			audited(tx, actor, "desk_visit.mine", "desk_visit", "")
		}
		return nil
	})
	return out, names, err
}
