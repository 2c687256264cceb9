package casefile

import (
	"context"
	"slices"
	"time"

	"parcours/internal/access"
	"parcours/internal/file"
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
	// Alerts are what an appointment needs to know at a glance: the
	// person's objections to sharing (for those who may read the
	// consent), the documents expired or expiring within 30 days and the
	// overdue tasks (for those who see them), and the viewer's own open
	// break-glass.
	Alerts Alerts
	// Viewer is the worker the file is shown to; Today their date (the
	// journal form's date, prefilled where it shows).
	Viewer, Today string
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
	// CanShareDocuments: the actor may mark documents « partagé avec la
	// personne »; SharedDocuments are those marked, by id.
	CanShareDocuments bool
	SharedDocuments   map[string]bool
	// CanRefer: the actor may orient the person to a service (a referral
	// sharing an extract of the file).
	CanRefer bool
	// Archived: the file is in the intermediate archive (read-only,
	// consulted with a reason); ArchiveUntil is the end of the viewer's
	// consultation.
	Archived     bool
	ArchiveUntil time.Time
	// JournalNotFirst: the journal shown is not its first page (a
	// cursor, or the page of an entry asked for): the page links back to
	// the newest entries.
	JournalNotFirst bool
	// Referrals are the person's referrals the viewer's organisation
	// sent and, on a file held by referral, those that share it, newest
	// first, with their delays (nil when not readable).
	Referrals []FileReferral
}

// pageHolds reports whether a journal page shows the entry id.
func pageHolds(p *parcours.Page[*parcours.JournalEntry], id string) bool {
	for _, e := range p.Items {
		if e.ID == id {
			return true
		}
	}
	return false
}

// FileReferral is a referral as the file lists it: its status and how
// long it has waited.
type FileReferral struct {
	*parcours.Referral
	// SinceSentDays: whole days since it was sent; AnswerDays: to the
	// answer (while unanswered, until now).
	SinceSentDays, AnswerDays int
	// Received: another organisation sent it to the viewer's (the file
	// is held by this referral).
	Received bool
}

// Alerts sum up, at the top of the file, what needs attention.
type Alerts struct {
	Objections       []string
	DocumentsToRenew int
	OverdueTasks     int
	BreakGlassUntil  time.Time
}

// Any reports whether there is something to show.
func (a Alerts) Any() bool {
	return len(a.Objections) > 0 || a.DocumentsToRenew > 0 || a.OverdueTasks > 0 || !a.BreakGlassUntil.IsZero()
}

// Age is the person's age in whole years today, -1 when the birth date
// is unknown.
func (f *File) Age() int {
	b, err := time.Parse(time.DateOnly, f.Person.BirthDate)
	t, err2 := time.Parse(time.DateOnly, f.Today)
	if err != nil || err2 != nil {
		return -1
	}
	age := t.Year() - b.Year()
	if t.Month() < b.Month() || (t.Month() == b.Month() && t.Day() < b.Day()) {
		age--
	}
	return age
}

// Referents are the names of the referents of the active accompaniments.
func (f *File) Referents() []string {
	var out []string
	for _, a := range f.Accompaniments {
		if a.Active() && a.ReferentID != "" {
			if n := f.Workers[a.ReferentID]; n != "" && !slices.Contains(out, n) {
				out = append(out, n)
			}
		}
	}
	return out
}

// New reports whether something made at t is newer than the last visit.
func (f *File) New(t time.Time) bool { return !f.LastVisit.IsZero() && t.After(f.LastVisit) }

// NewEntry reports whether a journal entry is new to the viewer: written
// since their last visit, by someone else (one's own entry is never news).
func (f *File) NewEntry(e *parcours.JournalEntry) bool {
	return e.AuthorID != f.Viewer && f.New(e.CreatedAt)
}

// Open gathers a person's file for the person page, with the journal
// filtered by q and paged by cursor, and records the visit. It is one
// write transaction: the visit and the audit events go with the reads.
func (s *Service) Open(ctx context.Context, actor parcours.Actor, personID string, q JournalQuery, cursor string) (*File, error) {
	return s.OpenAt(ctx, actor, personID, q, cursor, "")
}

// OpenAt is Open showing the journal page that holds entryID (when no
// cursor is given): the page one reaches by following « plus anciennes »
// from the top, so that a link to an entry (a search hit, an amendment)
// lands on it. An entry the viewer may not read, or of another file,
// leaves the first page: nothing tells it apart from an unknown id.
func (s *Service) OpenAt(ctx context.Context, actor parcours.Actor, personID string, q JournalQuery, cursor, entryID string) (*File, error) {
	if err := q.validate(); err != nil {
		return nil, err
	}
	after, err := parcours.DecodeCursor(cursor, 3)
	if err != nil {
		return nil, err
	}
	out := &File{}
	err = s.db.Transact(ctx, func(tx *store.Tx) error {
		f, err := file.OpenVisit(ctx, tx, actor, access.PersonRead, personID)
		if err != nil {
			return err
		}
		p := *f.Person
		p.NIR = "" // not shown on the page; the identity form has it
		out.Person = &p
		out.LastVisit = f.LastVisit
		out.Viewer, out.Today = actor.WorkerID, parcours.Today(tx.Now())
		if f.Can(access.HouseholdRead) {
			if out.Household, err = f.Household(ctx); err != nil {
				return err
			}
		}
		dir, err := tx.OrgDirectory(ctx, p.OrgID)
		if err != nil {
			return err
		}
		out.Workers, out.TeamList, out.CaseWorkers = dir.WorkerNames, dir.Teams, dir.CaseWorkers
		out.Teams = map[string]string{}
		for _, t := range dir.Teams {
			out.Teams[t.ID] = t.Name
		}
		out.CanAccompaniments = f.Can(access.AccompanimentRead)
		out.CanWriteAccompaniment = f.Can(access.AccompanimentWrite)
		out.CanJournal = f.Can(access.JournalRead)
		out.CanWriteJournal = f.Can(access.JournalWrite)
		out.CanTasks = f.Can(access.TaskRead)
		out.CanWriteTasks = f.Can(access.TaskWrite)
		out.CanDocuments = f.Can(access.DocumentRead)
		out.CanWriteDocuments = f.Can(access.DocumentWrite)
		out.CanHandover = f.Can(access.AccompanimentHandOv)
		out.CanRefer = f.Can(access.FileShareExternal)
		if out.CanAccompaniments {
			all, err := f.Accompaniments(ctx)
			if err != nil {
				return err
			}
			for _, a := range all {
				out.Accompaniments = append(out.Accompaniments, redactAccompaniment(actor, a))
			}
			out.Kinds = withDefaultKinds(dir.Kinds)
		}
		if out.CanJournal {
			if out.Handovers, err = f.Handovers(ctx); err != nil {
				return err
			}
			if out.Journal, err = s.journalPage(ctx, f, q, after, 50, nil); err != nil {
				return err
			}
			out.JournalNotFirst = after != nil
			if entryID != "" && after == nil {
				pg, n := out.Journal, 0
				for ; !pageHolds(pg, entryID) && pg.NextCursor != "" && n < 1000; n++ {
					next, err := parcours.DecodeCursor(pg.NextCursor, 3)
					if err != nil {
						return err
					}
					if pg, err = s.journalPage(ctx, f, q, next, 50, nil); err != nil {
						return err
					}
				}
				if pageHolds(pg, entryID) {
					out.Journal, out.JournalNotFirst = pg, n > 0
				}
			}
			out.Templates = dir.Templates
		}
		if out.CanTasks {
			if out.Tasks, err = f.Tasks(ctx, true, nil, 100); err != nil {
				return err
			}
		}
		if out.CanDocuments {
			if out.Documents, err = f.Documents(ctx, nil, 100); err != nil {
				return err
			}
			// Which documents the person sees in their portal: only
			// when there are documents (a statement less otherwise).
			if out.CanShareDocuments = f.Can(access.DocumentShare); out.CanShareDocuments && len(out.Documents) > 0 {
				shares, err := f.DocumentShares(ctx)
				if err != nil {
					return err
				}
				out.SharedDocuments = map[string]bool{}
				for id, sh := range shares {
					out.SharedDocuments[id] = sh.Shared
				}
			}
		}
		if f.Can(access.ReferralRead) {
			list, err := f.Referrals(ctx)
			if err != nil {
				return err
			}
			for _, r := range list {
				end := r.AnsweredAt
				if end.IsZero() {
					end = tx.Now()
				}
				out.Referrals = append(out.Referrals, FileReferral{Referral: r, SinceSentDays: int(tx.Now().Sub(r.CreatedAt).Hours()) / 24,
					AnswerDays: int(end.Sub(r.CreatedAt).Hours()) / 24, Received: r.ToOrgID == actor.OrgID && r.FromOrgID != actor.OrgID})
			}
		}
		if err := mergedNames(ctx, f, out); err != nil {
			return err
		}
		out.Alerts = alerts(f, out)
		if out.Archived = f.Archived(); out.Archived {
			out.ArchiveUntil, out.Alerts.BreakGlassUntil = out.Alerts.BreakGlassUntil, time.Time{}
		}
		if err := f.RecordVisit(ctx); err != nil {
			return err
		}
		f.Audit("casefile.open", "person", p.ID)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// alerts gathers the top-of-file alerts from what the file already holds:
// no extra read, so nothing more to audit.
func alerts(f *file.File, out *File) Alerts {
	var a Alerts
	if f.Can(access.ConsentRead) && f.Rel != nil {
		a.Objections = f.Rel.Objections
	}
	soon := mustDate(out.Today).AddDate(0, 0, 30).Format(time.DateOnly)
	for _, d := range out.Documents {
		if d.ExpiresOn != "" && d.ExpiresOn <= soon {
			a.DocumentsToRenew++
		}
	}
	for _, t := range out.Tasks {
		if t.Status == parcours.TaskOpen && t.DueDate != "" && t.DueDate < out.Today {
			a.OverdueTasks++
		}
	}
	if f.Rel != nil && f.Rel.BreakGlass != nil {
		a.BreakGlassUntil = f.Rel.BreakGlass.ExpiresAt
	}
	return a
}

// mergedNames fills the persons a merged file points to, in one query.
func mergedNames(ctx context.Context, f *file.File, out *File) error {
	if len(f.IDs) == 1 && f.Into == "" {
		return nil
	}
	names, err := f.MergedNames(ctx)
	if err != nil {
		return err
	}
	if f.Into != "" {
		out.MergedInto = &MergedPerson{ID: f.Into, Name: names[f.Into]}
	}
	for _, id := range f.IDs[1:] {
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
		_, err := file.Open(ctx, tx, actor, access.PersonRead, personID)
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
