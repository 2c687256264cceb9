package file

import (
	"context"
	"errors"
	"slices"

	"parcours/internal/access"
	"parcours/internal/audit"
	"parcours/internal/parcours"
	"parcours/internal/store"
)

// The parts of a file. Each read checks the action that shows it, so a
// service cannot read a part its caller was not allowed to see.

// Accompaniments returns every accompaniment covering the file, active
// first, with goals and referent history.
func (f *File) Accompaniments(ctx context.Context) ([]*parcours.Accompaniment, error) {
	if err := f.Check(access.AccompanimentRead); err != nil {
		return nil, err
	}
	out := make([]*parcours.Accompaniment, len(f.all))
	for i, a := range f.all {
		c := *a
		out[i] = &c
	}
	return out, f.tx.AccompanimentDetails(ctx, out)
}

// Accompaniment returns one accompaniment of the file (anywhere in its
// merge group): from those already loaded (without goals or referent
// history), else from the store.
// Another person's, or none, is an invalid input for field.
func (f *File) Accompaniment(ctx context.Context, id, field string) (*parcours.Accompaniment, error) {
	for _, a := range f.all {
		if a.ID == id && f.ownAccompaniment(a) {
			c := *a
			return &c, nil
		}
	}
	a, err := f.tx.Accompaniment(ctx, id)
	if errors.Is(err, store.ErrNoRows) || (err == nil && (!f.Owns(a.PersonID) || !f.ownAccompaniment(a))) {
		return nil, parcours.FieldError(parcours.EInvalid, field, "error.casefile.accompaniment_unknown")
	}
	return a, err
}

// ownAccompaniment keeps what belongs to the actor's organisation: the
// sending organisation's accompaniments are not part of an extract, and
// the one a receiving organisation opened on accepting a referral is not
// part of the sender's file.
func (f *File) ownAccompaniment(a *parcours.Accompaniment) bool {
	if f.actor.System {
		return a.OrgID == f.Person.OrgID
	}
	return a.OrgID == f.actor.OrgID
}

// Handovers returns the handovers of the file's accompaniments, newest
// first. Their syntheses quote the journal: reading them is a journal
// read.
func (f *File) Handovers(ctx context.Context) ([]*parcours.Handover, error) {
	if err := f.Check(access.JournalRead); err != nil {
		return nil, err
	}
	if f.Rel.Share != nil {
		return []*parcours.Handover{}, nil // never part of an extract
	}
	return f.tx.PersonHandovers(ctx, f.IDs)
}

// JournalRows returns raw journal rows of the file (store.JournalPage),
// before the entry-by-entry check: pass them through CanRead.
func (f *File) JournalRows(ctx context.Context, filter store.JournalFilter, after []string, limit int) ([]*parcours.JournalEntry, error) {
	if err := f.Check(access.JournalRead); err != nil {
		return nil, err
	}
	return f.tx.JournalPage(ctx, f.IDs, filter, after, limit)
}

// JournalRowsAmended is JournalRows and Amendments at once: on
// PostgreSQL one round trip (store.Tx.JournalPageAmended).
func (f *File) JournalRowsAmended(ctx context.Context, filter store.JournalFilter, after []string, limit int) ([]*parcours.JournalEntry, map[string][]string, error) {
	if err := f.Check(access.JournalRead); err != nil {
		return nil, nil, err
	}
	return f.tx.JournalPageAmended(ctx, f.IDs, filter, after, limit)
}

// Amendments maps the file's amended entries to their amendments' ids,
// in one read by person.
func (f *File) Amendments(ctx context.Context) (map[string][]string, error) {
	if err := f.Check(access.JournalRead); err != nil {
		return nil, err
	}
	return f.tx.AmendmentsByPerson(ctx, f.IDs)
}

// Entry returns one journal entry of the file the actor may read, else
// NotFound.
func (f *File) Entry(ctx context.Context, id string) (*parcours.JournalEntry, error) {
	e, err := f.tx.JournalEntry(ctx, id)
	if err != nil {
		return nil, notFound(err)
	}
	if !f.Owns(e.PersonID) {
		return nil, parcours.NotFound()
	}
	if err := f.CheckEntry(access.JournalEntryRead, e); err != nil {
		return nil, err
	}
	return e, nil
}

// Tasks returns the file's tasks (open ones only when openOnly), by due
// date.
func (f *File) Tasks(ctx context.Context, openOnly bool, after []string, limit int) ([]*parcours.Task, error) {
	if err := f.Check(access.TaskRead); err != nil {
		return nil, err
	}
	list, err := f.tx.PersonTasks(ctx, f.IDs, openOnly, after, limit)
	if err != nil || f.Rel.Share == nil {
		return list, err
	}
	return slices.DeleteFunc(list, func(t *parcours.Task) bool { return !f.Rel.Share.HasTask(t.ID) }), nil
}

// Documents returns the file's documents, newest first.
func (f *File) Documents(ctx context.Context, after []string, limit int) ([]*parcours.Document, error) {
	if err := f.Check(access.DocumentRead); err != nil {
		return nil, err
	}
	list, err := f.tx.PersonDocuments(ctx, f.IDs, after, limit)
	if err != nil || f.Rel.Share == nil {
		return list, err
	}
	return slices.DeleteFunc(list, func(d *parcours.Document) bool { return !f.Rel.Share.HasDocument(d.ID) }), nil
}

// Document returns one document of the file (anywhere in its merge
// group); nil when there is none with that id.
func (f *File) Document(ctx context.Context, id string) (*parcours.Document, error) {
	d, err := f.tx.Document(ctx, id)
	if errors.Is(err, store.ErrNoRows) || (err == nil && !f.Owns(d.PersonID)) {
		return nil, nil
	}
	if err == nil && f.Rel.Share != nil && !f.Rel.Share.HasDocument(d.ID) {
		return nil, nil
	}
	return d, err
}

// Household returns the person's household with its current situation;
// nil when they have none. Health is for the referent and the team
// (no_health_sharing: the referent), never for a break-glass access.
func (f *File) Household(ctx context.Context) (*parcours.Household, error) {
	if err := f.Check(access.HouseholdRead); err != nil {
		return nil, err
	}
	if f.Person.HouseholdID == "" {
		return nil, nil
	}
	h, err := f.tx.Household(ctx, f.Person.HouseholdID)
	if errors.Is(err, store.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if h.Situation != nil && !f.Can(access.HealthRead) {
		h.Situation.Health = ""
	}
	return h, nil
}

// CurrentSituation returns the situation of the person's household; nil
// when none.
func (f *File) CurrentSituation(ctx context.Context) (*parcours.Situation, error) {
	if err := f.Check(access.HouseholdRead); err != nil || f.Person.HouseholdID == "" {
		return nil, err
	}
	s, err := f.tx.CurrentSituation(ctx, f.Person.HouseholdID)
	if errors.Is(err, store.ErrNoRows) {
		return nil, nil
	}
	return s, err
}

// MergedNames maps the persons the file points to (the person it was
// merged into, the duplicates merged into it) to their names.
func (f *File) MergedNames(ctx context.Context) (map[string]string, error) {
	ids := append([]string{}, f.IDs[1:]...)
	if f.Into != "" {
		ids = append(ids, f.Into)
	}
	if len(ids) == 0 {
		return map[string]string{}, nil
	}
	return f.tx.PersonNames(ctx, ids)
}

// RecordVisit records this opening as the actor's last visit.
func (f *File) RecordVisit(ctx context.Context) error {
	return f.tx.RecordVisit(ctx, f.actor.WorkerID, f.Person.ID)
}

// Consent returns what was recorded about the person's information and
// objections.
func (f *File) Consent(ctx context.Context) (*parcours.Consent, error) {
	if err := f.Check(access.ConsentRead); err != nil {
		return nil, err
	}
	return f.tx.Consent(ctx, f.Person.ID)
}

// AccessLog returns who opened the file (the whole merge group), newest
// first.
func (f *File) AccessLog(ctx context.Context, limit int) ([]*store.AccessLogEntry, error) {
	if err := f.Check(access.AccessLogRead); err != nil {
		return nil, err
	}
	return f.tx.AccessLog(ctx, f.IDs, limit)
}

// Merges returns the merges the person took part in, newest first.
func (f *File) Merges(ctx context.Context) ([]*store.PersonMerge, error) {
	if err := f.Check(access.PersonRead); err != nil {
		return nil, err
	}
	return f.tx.MergesOf(ctx, f.Person.ID)
}

// Followers returns the workers who follow the person (referents and
// teams of the active accompaniments), for notifying them.
func (f *File) Followers(ctx context.Context) ([]string, error) {
	return f.tx.FileFollowers(ctx, f.Person.ID)
}

// The openers below find the person from an object of their file, then
// open it as Open does. A missing object is NotFound.

// OpenEntry opens the file of a journal entry and returns the entry
// (unchecked: ask CheckEntry).
func OpenEntry(ctx context.Context, tx *store.Tx, actor parcours.Actor, act access.Action, id string) (*File, *parcours.JournalEntry, error) {
	e, err := tx.JournalEntry(ctx, id)
	if err != nil {
		return nil, nil, notFound(err)
	}
	f, err := Open(ctx, tx, actor, act, e.PersonID)
	return f, e, err
}

// OpenTask opens the file of a task.
func OpenTask(ctx context.Context, tx *store.Tx, actor parcours.Actor, act access.Action, id string) (*File, *parcours.Task, error) {
	t, err := tx.Task(ctx, id)
	if err != nil {
		return nil, nil, notFound(err)
	}
	f, err := Open(ctx, tx, actor, act, t.PersonID)
	if err == nil && f.Rel.Share != nil && !f.Rel.Share.HasTask(t.ID) {
		return nil, nil, f.deny()
	}
	return f, t, err
}

// OpenDocument opens the file of a document.
func OpenDocument(ctx context.Context, tx *store.Tx, actor parcours.Actor, act access.Action, id string) (*File, *parcours.Document, error) {
	d, err := tx.Document(ctx, id)
	if err != nil {
		return nil, nil, notFound(err)
	}
	f, err := Open(ctx, tx, actor, act, d.PersonID)
	if err == nil && f.Rel.Share != nil && !f.Rel.Share.HasDocument(d.ID) {
		return nil, nil, f.deny()
	}
	return f, d, err
}

// OpenAccompaniment opens the file of an accompaniment and returns it
// with goals and referents.
func OpenAccompaniment(ctx context.Context, tx *store.Tx, actor parcours.Actor, act access.Action, id string) (*File, *parcours.Accompaniment, error) {
	a, err := tx.Accompaniment(ctx, id)
	if err != nil {
		return nil, nil, notFound(err)
	}
	if a.OrgID != "" && !actor.System {
		if ff, err := tx.PersonOrg(ctx, a.PersonID); err != nil {
			return nil, nil, notFound(err)
		} else if a.OrgID != ff {
			// The follow-up a receiving organisation opened on accepting a
			// referral (package referral): it exists for that
			// organisation only, through the share, and reading or
			// ending it is the receiving side's follow-up (ReferralRead,
			// ReferralEnd); everyone else gets 404.
			if a.OrgID != actor.OrgID {
				return nil, nil, parcours.NotFound()
			}
			switch act {
			case access.AccompanimentRead:
				act = access.ReferralRead
			case access.AccompanimentWrite:
				act = access.ReferralEnd
			default:
				return nil, nil, parcours.NotFound()
			}
		}
	}
	f, err := Open(ctx, tx, actor, act, a.PersonID)
	return f, a, err
}

// OpenHandover opens the file of a handover and checks act with the
// handover's facts: its new referent is the referent concerned
// (access.HandoverAcknowledge).
func OpenHandover(ctx context.Context, tx *store.Tx, actor parcours.Actor, act access.Action, id string) (*File, *parcours.Handover, error) {
	h, err := tx.Handover(ctx, id)
	if err != nil {
		return nil, nil, notFound(err)
	}
	files, err := OpenMany(ctx, tx, actor, []string{h.PersonID}, false)
	if err != nil {
		return nil, nil, err
	}
	f := files[h.PersonID]
	if f == nil {
		return nil, nil, parcours.NotFound()
	}
	t := f.Target()
	t.ReferentIDs = []string{h.ToReferentID}
	if err := access.Check(actor, act, t); err != nil {
		tx.AuditDenial(audit.Denied(actor, f.Person.ID, f.Person.OrgID))
		return nil, nil, err
	}
	return f, h, nil
}

// Reload re-reads a row of the file after the caller changed it.
func (f *File) Reload(ctx context.Context, a *parcours.Accompaniment) (*parcours.Accompaniment, error) {
	return f.tx.Accompaniment(ctx, a.ID)
}

// Task returns one task of the file (anywhere in its merge group), else
// NotFound.
func (f *File) Task(ctx context.Context, id string) (*parcours.Task, error) {
	t, err := f.tx.Task(ctx, id)
	if err != nil {
		return nil, notFound(err)
	}
	if !f.Owns(t.PersonID) || (f.Rel.Share != nil && !f.Rel.Share.HasTask(t.ID)) {
		return nil, parcours.NotFound()
	}
	return t, nil
}

// Handover returns one handover of the file, else NotFound.
func (f *File) Handover(ctx context.Context, id string) (*parcours.Handover, error) {
	h, err := f.tx.Handover(ctx, id)
	if err != nil {
		return nil, notFound(err)
	}
	if !f.Owns(h.PersonID) {
		return nil, parcours.NotFound()
	}
	return h, nil
}

// OpenGoal opens the file of a goal and returns its accompaniment.
func OpenGoal(ctx context.Context, tx *store.Tx, actor parcours.Actor, act access.Action, id string) (*File, *parcours.Accompaniment, *parcours.Goal, error) {
	g, err := tx.Goal(ctx, id)
	if err != nil {
		return nil, nil, nil, notFound(err)
	}
	f, a, err := OpenAccompaniment(ctx, tx, actor, act, g.AccompanimentID)
	return f, a, g, err
}

// OpenTasksAssigned returns the file's open tasks assigned to a worker
// (a handover moves them to the new referent).
func (f *File) OpenTasksAssigned(ctx context.Context, workerID string) ([]*parcours.Task, error) {
	return f.tx.OpenTasksAssigned(ctx, f.Group, workerID)
}
