package file

import (
	"context"

	"parcours/internal/access"
	"parcours/internal/parcours"
	"parcours/internal/store"
)

// HandoverToAcknowledge is a handover waiting for the actor, with the
// name of its person.
type HandoverToAcknowledge struct {
	*parcours.Handover
	PersonName string
}

// HandoversToAcknowledge returns the handovers waiting for the actor to
// acknowledge them, on files they may acknowledge them on, for « Ma
// journée ».
func HandoversToAcknowledge(ctx context.Context, tx *store.Tx, actor parcours.Actor, limit int) ([]HandoverToAcknowledge, error) {
	hs, err := tx.HandoversToAcknowledge(ctx, actor.WorkerID, limit)
	if err != nil || len(hs) == 0 {
		return nil, err
	}
	files, err := openPersons(ctx, tx, actor, len(hs), func(i int) string { return hs[i].PersonID })
	if err != nil {
		return nil, err
	}
	var out []HandoverToAcknowledge
	for _, h := range hs {
		f := files[h.PersonID]
		if f == nil {
			continue
		}
		t := f.Target()
		t.ReferentIDs = []string{h.ToReferentID}
		if access.Check(actor, access.HandoverAcknowledge, t) == nil {
			out = append(out, HandoverToAcknowledge{Handover: h, PersonName: f.Person.DisplayName()})
		}
	}
	return out, nil
}

// Caseload returns the persons the actor is the referent of (« mes
// personnes suivies »), those they may still read, with their last
// contact, alerts and next appointment (tasks, documents and
// appointments only where the actor may see them).
func Caseload(ctx context.Context, tx *store.Tx, actor parcours.Actor, today, soon string, limit int) ([]store.CaseloadRow, error) {
	rows, err := tx.Caseload(ctx, actor.WorkerID, today, soon, limit)
	if err != nil || len(rows) == 0 {
		return nil, err
	}
	files, err := openPersons(ctx, tx, actor, len(rows), func(i int) string { return rows[i].PersonID })
	if err != nil {
		return nil, err
	}
	out := rows[:0:0]
	var withAppts []string
	for _, r := range rows {
		f := files[r.PersonID]
		if f == nil || !f.Can(access.PersonRead) {
			continue
		}
		if !f.Can(access.JournalRead) {
			r.LastContact = ""
		}
		if !f.Can(access.TaskRead) {
			r.OverdueTasks = 0
		}
		if !f.Can(access.DocumentRead) {
			r.DocumentsToRenew = 0
		}
		out = append(out, r)
		if f.Can(access.AppointmentRead) {
			withAppts = append(withAppts, r.PersonID)
		}
	}
	next, err := tx.NextAppointments(ctx, withAppts, tx.Now())
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].NextAppointment = next[out[i].PersonID]
	}
	return out, nil
}
