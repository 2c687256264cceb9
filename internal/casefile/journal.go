package casefile

import (
	"context"
	"strings"

	"parcours/internal/access"
	"parcours/internal/audit"
	"parcours/internal/file"
	"parcours/internal/parcours"
	"parcours/internal/store"
)

// EntryInput is a new journal entry.
type EntryInput struct {
	Kind             string   `json:"kind"`
	OccurredAt       string   `json:"occurred_at"` // YYYY-MM-DD, today by default
	Summary          string   `json:"summary"`
	Theme            string   `json:"theme"` // a top-level thématique, optional
	Mode             string   `json:"mode"`
	Participants     []string `json:"participants"`
	Confidentiality  string   `json:"confidentiality"` // team by default
	AccompanimentID  string   `json:"accompaniment_id"`
	PrivateSynthesis string   `json:"private_synthesis"`
}

// AmendmentInput corrects an entry: a new entry linked to it, the original
// kept as it was.
type AmendmentInput struct {
	Summary          string `json:"summary"`
	OccurredAt       string `json:"occurred_at"` // the original's by default
	PrivateSynthesis string `json:"private_synthesis"`
}

// JournalQuery filters a journal listing.
type JournalQuery struct {
	Kind            string
	AuthorID        string
	AccompanimentID string
	From, To        string
}

// filter is the store's filter of q.
func (q JournalQuery) filter() store.JournalFilter {
	return store.JournalFilter{Kind: q.Kind, AuthorID: q.AuthorID, AccompanimentID: q.AccompanimentID, From: q.From, To: q.To}
}

func (q JournalQuery) validate() error {
	v := parcours.Problems{Labels: labels}
	v.Choice("kind", q.Kind, parcours.EntryKinds, false)
	v.Date("from", q.From, false, mustDate("9999-12-31"))
	v.Date("to", q.To, false, mustDate("9999-12-31"))
	return v.Err()
}

// validateEntry checks a whole entry; todayDate is the latest occurrence
// date allowed.
func validateEntry(e *parcours.JournalEntry, todayDate string) error {
	v := parcours.Problems{Labels: labels}
	v.Choice("kind", e.Kind, parcours.EntryKinds, true)
	v.Date("occurred_at", e.OccurredAt, true, mustDate(todayDate))
	v.Required("summary", e.Summary, 20000)
	v.Choice("theme", e.Theme, parcours.Thematiques, false)
	v.MaxLen("private_synthesis", e.PrivateSynthesis, 20000)
	v.Choice("confidentiality", e.Confidentiality, parcours.Confidentialities, true)
	if e.Kind == parcours.EntryInterview {
		v.Choice("mode", e.Mode, parcours.InterviewModes, false)
	} else if e.Mode != "" {
		v.Add("mode", "error.casefile.mode_interview_only")
	}
	if len(e.Participants) > 30 {
		v.Add("participants", "error.casefile.too_many_participants")
	}
	for _, p := range e.Participants {
		v.MaxLen("participants", p, 200)
	}
	return v.Err()
}

// AddEntry appends an entry to a person's journal.
func (s *Service) AddEntry(ctx context.Context, actor parcours.Actor, personID string, in EntryInput) (*parcours.JournalEntry, error) {
	var e *parcours.JournalEntry
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		var err error
		e, err = WriteEntry(ctx, tx, actor, personID, in)
		return err
	})
	if err != nil {
		return nil, err
	}
	return e, nil
}

// WriteEntry appends an entry to a person's journal in the caller's
// transaction, through the door (access.JournalWrite, audited): for
// another area that writes an entry with its own change (the outcome of
// an appointment, package agenda).
func WriteEntry(ctx context.Context, tx *store.Tx, actor parcours.Actor, personID string, in EntryInput) (*parcours.JournalEntry, error) {
	var e *parcours.JournalEntry
	err := func() error {
		f, err := file.Open(ctx, tx, actor, access.JournalWrite, personID)
		if err != nil {
			return err
		}
		todayDate := parcours.Today(tx.Now())
		e = &parcours.JournalEntry{OrgID: f.WriterOrg(), PersonID: f.Person.ID, Kind: in.Kind, OccurredAt: in.OccurredAt,
			Summary: strings.TrimSpace(in.Summary), Theme: strings.TrimSpace(in.Theme), Mode: in.Mode, Confidentiality: in.Confidentiality,
			AccompanimentID: in.AccompanimentID, AuthorID: actor.WorkerID, PrivateSynthesis: strings.TrimSpace(in.PrivateSynthesis)}
		for _, p := range in.Participants {
			if p = strings.TrimSpace(p); p != "" {
				e.Participants = append(e.Participants, p)
			}
		}
		if e.OccurredAt == "" {
			e.OccurredAt = todayDate
		}
		if e.Confidentiality == "" {
			e.Confidentiality = parcours.ConfTeam
		}
		if err := validateEntry(e, todayDate); err != nil {
			return err
		}
		// The entry belongs to its accompaniment's team, else to the
		// author's first team.
		if e.AccompanimentID != "" {
			a, err := f.Accompaniment(ctx, e.AccompanimentID, "accompaniment_id")
			if err != nil {
				return err
			}
			e.TeamID = a.TeamID
		} else if len(actor.TeamIDs) > 0 {
			e.TeamID = actor.TeamIDs[0]
		}
		// The event first: on PostgreSQL it is written with the insert,
		// in the same statement (one round trip less, issue 17).
		e.ID = store.NewID()
		f.Audit("journal.create", "journal_entry", e.ID)
		return tx.InsertJournalEntries(ctx, e)
	}()
	if err != nil {
		return nil, err
	}
	return e, nil
}

// Amend corrects an entry by appending an amendment linked to it. Only the
// author corrects their entry; the original stays readable as it was.
func (s *Service) Amend(ctx context.Context, actor parcours.Actor, entryID string, in AmendmentInput) (*parcours.JournalEntry, error) {
	var e *parcours.JournalEntry
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		f, orig, err := file.OpenEntry(ctx, tx, actor, access.JournalWrite, entryID)
		if err != nil {
			if orig == nil && parcours.ErrorCode(err) == parcours.ENotFound {
				return parcours.Errorf(parcours.ENotFound, "error.casefile.entry_not_found")
			}
			return err
		}
		if err := f.CheckEntry(access.JournalEntryRead, orig); err != nil {
			return parcours.Errorf(parcours.ENotFound, "error.casefile.entry_not_found")
		}
		if err := f.CheckEntry(access.JournalAmend, orig); err != nil {
			return err
		}
		todayDate := parcours.Today(tx.Now())
		e = &parcours.JournalEntry{OrgID: orig.OrgID, PersonID: orig.PersonID, AccompanimentID: orig.AccompanimentID,
			Kind: orig.Kind, Theme: orig.Theme, OccurredAt: in.OccurredAt, Summary: strings.TrimSpace(in.Summary), Mode: orig.Mode,
			Participants: orig.Participants, Confidentiality: orig.Confidentiality, TeamID: orig.TeamID,
			AuthorID: actor.WorkerID, PrivateSynthesis: strings.TrimSpace(in.PrivateSynthesis), Amends: orig.ID}
		if e.OccurredAt == "" {
			e.OccurredAt = orig.OccurredAt
		}
		if err := validateEntry(e, todayDate); err != nil {
			return err
		}
		if err := tx.InsertJournalEntries(ctx, e); err != nil {
			return err
		}
		f.AuditAbout("journal.amend", "journal_entry", e.ID, e.PersonID)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return e, nil
}

// Entry returns one entry the actor may read, audited.
func (s *Service) Entry(ctx context.Context, actor parcours.Actor, id string) (*parcours.JournalEntry, error) {
	var out *parcours.JournalEntry
	err := s.db.View(ctx, func(tx *store.Tx) error {
		f, e, err := file.OpenEntry(ctx, tx, actor, access.JournalRead, id)
		if err != nil {
			return err
		}
		if err := f.CheckEntry(access.JournalEntryRead, e); err != nil {
			return err
		}
		am, err := f.Amendments(ctx)
		if err != nil {
			return err
		}
		e.AmendedBy = am[e.ID]
		out = f.Redact(e)
		f.AuditAbout("journal.read", "journal_entry", e.ID, e.PersonID)
		return nil
	})
	return out, err
}

// Journal returns a page of a person's journal, newest first, with only
// the entries the actor may read.
func (s *Service) Journal(ctx context.Context, actor parcours.Actor, personID string, q JournalQuery, cursor string, limit int) (*parcours.Page[*parcours.JournalEntry], error) {
	if err := q.validate(); err != nil {
		return nil, err
	}
	after, err := parcours.DecodeCursor(cursor, 3)
	if err != nil {
		return nil, err
	}
	limit = clampLimit(limit)
	var out *parcours.Page[*parcours.JournalEntry]
	err = s.db.View(ctx, func(tx *store.Tx) error {
		// The first batch of the page comes with the file's facts, where
		// that saves a round trip (file.OpenJournal).
		f, first, err := file.OpenJournal(ctx, tx, actor, personID, q.filter(), after, limit+1)
		if err != nil {
			return err
		}
		out, err = s.journalPage(ctx, f, q, after, limit, first)
		if err != nil {
			return err
		}
		f.Audit("journal.list", "person", f.Person.ID)
		return nil
	})
	return out, err
}

// journalPage reads batches until it has limit visible entries (plus one,
// to know whether there is a next page) or the journal ends. Entries the
// actor may not read are skipped: they do not exist for them. Amendments
// are read once for the whole file, by person, with the first batch.
// first, when not nil, is that first batch (of limit + 1 entries after
// after, with the amendments), already read.
func (s *Service) journalPage(ctx context.Context, f *file.File, q JournalQuery, after []string, limit int, first *file.Journal) (*parcours.Page[*parcours.JournalEntry], error) {
	filter := q.filter()
	out := &parcours.Page[*parcours.JournalEntry]{Items: []*parcours.JournalEntry{}}
	batch := limit + 1
	var more bool
	var am map[string][]string
	for i := 0; ; i++ {
		var rows []*parcours.JournalEntry
		var err error
		if i == 0 && first != nil {
			rows, am = first.Rows, first.Amendments
		} else if i == 0 {
			// The first batch comes with the file's amendments.
			rows, am, err = f.JournalRowsAmended(ctx, filter, after, batch)
		} else {
			rows, err = f.JournalRows(ctx, filter, after, batch)
		}
		if err != nil {
			return nil, err
		}
		for _, e := range f.CanRead(rows) {
			if len(out.Items) == limit {
				more = true
				break
			}
			out.Items = append(out.Items, e)
		}
		if more || len(rows) < batch {
			break
		}
		after = store.JournalKey(rows[len(rows)-1])
		batch = min(batch*2, 1000)
	}
	if more {
		out.NextCursor = parcours.EncodeCursor(store.JournalKey(out.Items[len(out.Items)-1]))
	}
	for i, e := range out.Items {
		if list := am[e.ID]; len(list) > 0 {
			c := *e
			c.AmendedBy = list
			out.Items[i] = &c
		}
	}
	return out, nil
}

// TemplateInput is a new interview template.
type TemplateInput struct {
	Name string `json:"name"`
	Body string `json:"body"`
}

// Templates lists the interview templates of the actor's organisation.
func (s *Service) Templates(ctx context.Context, actor parcours.Actor) ([]*parcours.InterviewTemplate, error) {
	if err := access.Check(actor, access.InterviewTemplateRead, access.Target{}); err != nil {
		return nil, err
	}
	out := []*parcours.InterviewTemplate{}
	err := s.db.View(ctx, func(tx *store.Tx) error {
		ts, err := tx.InterviewTemplates(ctx, actor.OrgID)
		out = append(out, ts...)
		return err
	})
	return out, err
}

// CreateTemplate adds an interview template to the actor's organisation.
func (s *Service) CreateTemplate(ctx context.Context, actor parcours.Actor, in TemplateInput) (*parcours.InterviewTemplate, error) {
	if err := access.Check(actor, access.InterviewTemplateManage, access.Target{}); err != nil {
		return nil, err
	}
	t := &parcours.InterviewTemplate{OrgID: actor.OrgID, Name: strings.TrimSpace(in.Name), Body: strings.TrimSpace(in.Body), CreatedBy: actor.WorkerID}
	v := parcours.Problems{Labels: labels}
	v.Required("name", t.Name, 150)
	v.Required("body", t.Body, 20000)
	if err := v.Err(); err != nil {
		return nil, err
	}
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		if err := tx.InsertInterviewTemplate(ctx, t); err != nil {
			if store.IsUniqueViolation(err) {
				return parcours.FieldError(parcours.EConflict, "name", "error.casefile.template_exists")
			}
			return err
		}
		tx.Audit(audit.For(actor, "interview_template.create", "interview_template", t.ID, ""))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}
