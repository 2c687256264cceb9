package casefile

import (
	"context"
	"errors"
	"slices"
	"time"

	"parcours/internal/access"
	"parcours/internal/audit"
	"parcours/internal/parcours"
	"parcours/internal/store"
)

// MergedPerson names a person a merged file points to.
type MergedPerson struct {
	ID, Name string
}

// File is a person's file as one viewer may see it: the person file page.
// Parts the viewer may not see are nil, with the matching Can* false.
type File struct {
	Person    *parcours.Person
	Household *parcours.Household
	// Accompaniments, active first; Handovers newest first.
	Accompaniments []*parcours.Accompaniment
	Handovers      []*parcours.Handover
	Journal        *parcours.Page[*parcours.JournalEntry]
	Tasks          []*parcours.Task
	Documents      []*parcours.Document
	Templates      []*parcours.InterviewTemplate
	Kinds          []parcours.AccompanimentKind
	// LastVisit is the viewer's previous visit (zero on the first): what
	// is newer is marked "nouveau depuis votre dernière visite".
	LastVisit time.Time
	// Names of the organisation's workers and teams, by id.
	Workers map[string]string
	Teams   map[string]string
	// CaseWorkers may be referents and assignees; TeamList in name order.
	CaseWorkers []parcours.Worker
	TeamList    []*parcours.Team

	// MergedInto is the person this one was merged into (nil when not):
	// the page sends the reader there. Absorbed are the duplicates merged
	// into this person, whose rows the file shows with its own.
	MergedInto *MergedPerson
	Absorbed   []MergedPerson

	CanAccompaniments, CanWriteAccompaniment, CanJournal, CanWriteJournal bool
	CanTasks, CanWriteTasks, CanDocuments, CanWriteDocuments, CanHandover bool
}

// New reports whether something made at t is newer than the last visit.
func (f *File) New(t time.Time) bool { return !f.LastVisit.IsZero() && t.After(f.LastVisit) }

// Open gathers a person's file for the person page, with the journal
// filtered by q and paged by cursor, and records the visit. It is one
// write transaction: the visit and the audit events go with the reads.
func (s *Service) Open(ctx context.Context, actor parcours.Actor, personID string, q JournalQuery, cursor string) (*File, error) {
	if err := q.validate(); err != nil {
		return nil, err
	}
	after, err := parcours.DecodeCursor(cursor, 3)
	if err != nil {
		return nil, err
	}
	out := &File{}
	err = s.db.Transact(ctx, func(tx *store.Tx) error {
		f, err := s.openFile(ctx, tx, actor, access.PersonRead, personID)
		if err != nil {
			return err
		}
		p := *f.person
		p.NIR = "" // not shown on the page; the identity form has it
		out.Person = &p
		target := f.target()
		if p.HouseholdID != "" && access.Allowed(actor, access.HouseholdRead, target) {
			h, err := tx.Household(ctx, p.HouseholdID)
			if err != nil && !errors.Is(err, store.ErrNoRows) {
				return err
			}
			// Health is for the referent and the team (no_health_sharing:
			// the referent), never for a break-glass access.
			if h != nil && h.Situation != nil && !access.Allowed(actor, access.HealthRead, target) {
				h.Situation.Health = ""
			}
			out.Household = h
		}
		if out.Workers, err = tx.WorkerNames(ctx, p.OrgID); err != nil {
			return err
		}
		out.Teams = map[string]string{}
		teams, err := tx.Teams(ctx, p.OrgID)
		if err != nil {
			return err
		}
		for _, t := range teams {
			out.Teams[t.ID] = t.Name
		}
		out.TeamList = teams
		if out.CaseWorkers, err = tx.CaseWorkers(ctx, p.OrgID); err != nil {
			return err
		}
		out.CanAccompaniments = access.Allowed(actor, access.AccompanimentRead, target)
		out.CanWriteAccompaniment = access.Allowed(actor, access.AccompanimentWrite, target)
		out.CanJournal = access.Allowed(actor, access.JournalRead, target)
		out.CanWriteJournal = access.Allowed(actor, access.JournalWrite, target)
		out.CanTasks = access.Allowed(actor, access.TaskRead, target)
		out.CanWriteTasks = access.Allowed(actor, access.TaskWrite, target)
		out.CanDocuments = access.Allowed(actor, access.DocumentRead, target)
		out.CanWriteDocuments = access.Allowed(actor, access.DocumentWrite, target)
		out.CanHandover = access.Allowed(actor, access.AccompanimentHandOv, target)
		if out.CanAccompaniments {
			all, err := tx.PersonAccompaniments(ctx, f.ids)
			if err != nil {
				return err
			}
			for _, a := range all {
				out.Accompaniments = append(out.Accompaniments, redactAccompaniment(actor, a))
			}
			if out.Kinds, err = kinds(ctx, tx, p.OrgID); err != nil {
				return err
			}
		}
		if out.CanJournal {
			if out.Handovers, err = tx.PersonHandovers(ctx, f.ids); err != nil {
				return err
			}
			if out.Journal, err = s.journalPage(ctx, tx, actor, f, q, after, 50); err != nil {
				return err
			}
			if out.Templates, err = tx.InterviewTemplates(ctx, p.OrgID); err != nil {
				return err
			}
		}
		if out.CanTasks {
			if out.Tasks, err = tx.PersonTasks(ctx, f.ids, true, nil, 100); err != nil {
				return err
			}
		}
		if out.CanDocuments {
			if out.Documents, err = tx.PersonDocuments(ctx, f.ids, nil, 100); err != nil {
				return err
			}
		}
		if err := mergedNames(ctx, tx, f, out); err != nil {
			return err
		}
		if out.LastVisit, err = tx.LastVisit(ctx, actor.WorkerID, p.ID); err != nil {
			return err
		}
		tx.Audit(audit.For(actor, "casefile.open", "person", p.ID, p.ID))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// mergedNames fills the persons a merged file points to, in one query.
func mergedNames(ctx context.Context, tx *store.Tx, f *file, out *File) error {
	ids := slices.Clone(f.ids[1:])
	if f.into != "" {
		ids = append(ids, f.into)
	}
	if len(ids) == 0 {
		return nil
	}
	names, err := tx.PersonNames(ctx, ids)
	if err != nil {
		return err
	}
	if f.into != "" {
		out.MergedInto = &MergedPerson{ID: f.into, Name: names[f.into]}
	}
	for _, id := range f.ids[1:] {
		out.Absorbed = append(out.Absorbed, MergedPerson{ID: id, Name: names[id]})
	}
	return nil
}

// Follows reports whether the actor may still open the person's file, for
// deciding where to send them after a change (a referent who handed over
// their last accompaniment no longer follows the person). It reads no
// personal data and so writes no audit event.
func (s *Service) Follows(ctx context.Context, actor parcours.Actor, personID string) (bool, error) {
	err := s.db.View(ctx, func(tx *store.Tx) error {
		_, err := s.openFile(ctx, tx, actor, access.PersonRead, personID)
		return err
	})
	switch parcours.ErrorCode(err) {
	case "":
		return true, nil
	case parcours.EForbidden, parcours.ENotFound:
		return false, nil
	}
	return false, err
}
