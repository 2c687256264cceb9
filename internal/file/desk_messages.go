package file

import (
	"context"
	"time"

	"parcours/internal/access"
	"parcours/internal/parcours"
	"parcours/internal/store"
)

// DeskMessages returns the front desk's visits logged for the actor since
// since (at most limit), with the names of their persons, on the files
// the actor may read the visits of (access.DeskVisitRead): a visit on a
// file they no longer follow is left out.
func DeskMessages(ctx context.Context, tx *store.Tx, actor parcours.Actor, since time.Time, limit int) ([]*parcours.DeskVisit, map[string]string, error) {
	list, err := tx.DeskVisitsFor(ctx, actor.WorkerID, since, limit)
	if err != nil {
		return nil, nil, err
	}
	return visibleDeskVisits(ctx, tx, actor, list, access.DeskVisitRead)
}

// visibleDeskVisits keeps the visits on files where actor may do action,
// with the names of their persons, opening each file once.
func visibleDeskVisits(ctx context.Context, tx *store.Tx, actor parcours.Actor, list []*parcours.DeskVisit, action access.Action) ([]*parcours.DeskVisit, map[string]string, error) {
	names := map[string]string{}
	if len(list) == 0 {
		return []*parcours.DeskVisit{}, names, nil
	}
	files, err := openPersons(ctx, tx, actor, len(list), func(i int) string { return list[i].PersonID })
	if err != nil {
		return nil, nil, err
	}
	out := []*parcours.DeskVisit{}
	for _, v := range list {
		f := files[v.PersonID]
		if f == nil || !f.Can(action) {
			continue
		}
		names[v.PersonID] = f.Person.DisplayName()
		out = append(out, v)
	}
	return out, names, nil
}
