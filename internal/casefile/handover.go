package casefile

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"parcours/internal/access"
	"parcours/internal/audit"
	"parcours/internal/file"
	"parcours/internal/i18n"
	"parcours/internal/parcours"
	"parcours/internal/store"
)

// HandoverInput changes the referent and/or the team of an accompaniment.
// Empty fields keep the current value; Note is the outgoing referent's
// own words, added to the synthesis the system prepares.
type HandoverInput struct {
	ReferentID string `json:"referent_id"`
	TeamID     string `json:"team_id"`
	Note       string `json:"note"`
	// Synthesis, when given, is the synthesis as the outgoing referent
	// reviewed and edited it (HandoverDraft prepares it); empty, the
	// prepared synthesis is used as is.
	Synthesis string `json:"synthesis"`
}

// HandoverDraft prepares the synthesis of a handover of the accompaniment
// without handing anything over, for the outgoing referent to review and
// edit before sending it.
func (s *Service) HandoverDraft(ctx context.Context, actor parcours.Actor, accompanimentID string) (string, error) {
	var out string
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		a, f, err := s.accompaniment(ctx, tx, actor, access.AccompanimentHandOv, accompanimentID)
		if err != nil {
			return err
		}
		if !a.Active() {
			return parcours.Errorf(parcours.EConflict, "error.casefile.already_ended")
		}
		if out, err = s.synthesis(ctx, tx, f, a); err != nil {
			return err
		}
		// It quotes the journal: a read of it.
		f.Audit("handover.prepare", "accompaniment", a.ID)
		return nil
	})
	return out, err
}

// Handover hands an accompaniment over to a new referent or team: the
// referent period is closed and a new one opened (the successive referents
// are kept), and a handover is written with a synthesis pre-filled from
// the situation, the open goals, the open tasks and the last entries, for
// the new referent to acknowledge. The journal itself is untouched: the
// new referent and team read it through the accompaniment (see
// access.canReadEntry), so nothing the team could read is lost.
func (s *Service) Handover(ctx context.Context, actor parcours.Actor, accompanimentID string, in HandoverInput) (*parcours.Handover, error) {
	var h *parcours.Handover
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		a, f, err := s.accompaniment(ctx, tx, actor, access.AccompanimentHandOv, accompanimentID)
		if err != nil {
			return err
		}
		if !a.Active() {
			return parcours.Errorf(parcours.EConflict, "error.casefile.already_ended")
		}
		h = &parcours.Handover{OrgID: a.OrgID, PersonID: a.PersonID, AccompanimentID: a.ID, FromReferentID: a.ReferentID,
			FromTeamID: a.TeamID, ToReferentID: in.ReferentID, ToTeamID: in.TeamID, Note: strings.TrimSpace(in.Note), CreatedBy: actor.WorkerID}
		if h.ToReferentID == "" {
			h.ToReferentID = a.ReferentID
		}
		if h.ToTeamID == "" {
			h.ToTeamID = a.TeamID
		}
		v := parcours.Problems{Labels: labels}
		v.MaxLen("note", h.Note, 5000)
		v.MaxLen("synthesis", in.Synthesis, 20000)
		if _, err := caseWorker(ctx, tx, a.OrgID, h.ToReferentID, "referent_id", "error.casefile.referent_unknown"); err != nil {
			e := parcours.AsError(err)
			if e == nil {
				return err
			}
			v.Add(e.Field, e.Key)
		}
		if err := orgTeam(ctx, tx, a.OrgID, h.ToTeamID, "team_id"); err != nil {
			e := parcours.AsError(err)
			if e == nil {
				return err
			}
			v.Add(e.Field, e.Key)
		}
		if h.ToReferentID == a.ReferentID && h.ToTeamID == a.TeamID {
			v.Add("referent_id", "error.casefile.handover_no_change")
		}
		if err := v.Err(); err != nil {
			return err
		}
		if h.Synthesis = strings.TrimSpace(in.Synthesis); h.Synthesis == "" {
			if h.Synthesis, err = s.synthesis(ctx, tx, f, a); err != nil {
				return err
			}
		}
		if err := tx.ChangeReferent(ctx, a.ID, h.ToReferentID, h.ToTeamID); err != nil {
			return err
		}
		if err := tx.InsertHandover(ctx, h); err != nil {
			return err
		}
		// The journal tells the change of hands too, where the team reads
		// the story of the file.
		note, err := handoverNote(ctx, tx, a, h)
		if err != nil {
			return err
		}
		e := &parcours.JournalEntry{OrgID: a.OrgID, PersonID: a.PersonID, AccompanimentID: a.ID, Kind: parcours.EntryNote,
			OccurredAt: parcours.Today(tx.Now()), Summary: note, Confidentiality: parcours.ConfTeam, TeamID: h.ToTeamID, AuthorID: actor.WorkerID}
		if err := tx.InsertJournalEntries(ctx, e); err != nil {
			return err
		}
		tx.Audit(audit.For(actor, "accompaniment.handover", "handover", h.ID, a.PersonID))
		tx.Audit(audit.For(actor, "journal.create", "journal_entry", e.ID, a.PersonID))
		// The new referent learns of it in their notifications, where the
		// handover to acknowledge is one click away.
		if h.ToReferentID != h.FromReferentID && h.ToReferentID != actor.WorkerID {
			if err := tx.InsertNotification(ctx, &parcours.Notification{WorkerID: h.ToReferentID, Kind: NotifyHandover,
				PersonID: h.PersonID, ObjectID: h.ID}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return h, nil
}

// Acknowledge records that the new referent has read a handover.
func (s *Service) Acknowledge(ctx context.Context, actor parcours.Actor, handoverID string) (*parcours.Handover, error) {
	var h *parcours.Handover
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		f, h0, err := file.OpenHandover(ctx, tx, actor, access.HandoverAcknowledge, handoverID)
		if err != nil {
			return err
		}
		h = h0
		ok, err := tx.AcknowledgeHandover(ctx, h.ID)
		if err != nil {
			return err
		}
		if !ok {
			return parcours.Errorf(parcours.EConflict, "error.casefile.already_acknowledged")
		}
		f.AuditAbout("handover.acknowledge", "handover", h.ID, h.PersonID)
		if err := moveTasks(ctx, tx, actor, f, h); err != nil {
			return err
		}
		h, err = f.Handover(ctx, h.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return h, nil
}

// NotifyHandover is the notification kind telling a worker that an
// accompaniment was handed over to them (catalogue key
// notification.handover).
const NotifyHandover = "handover"

// moveTasks gives the new referent the open tasks the outgoing referent
// had on the file, once the handover is acknowledged: the outgoing
// referent no longer follows the person and could not do them (403), and
// they would fall between two chairs. Tasks tied to another accompaniment
// the outgoing referent still refers, and, while they still refer one,
// tasks tied to none, stay theirs. Each move is audited.
func moveTasks(ctx context.Context, tx *store.Tx, actor parcours.Actor, f *file.File, h *parcours.Handover) error {
	if h.FromReferentID == h.ToReferentID {
		return nil // a change of team only: the referent keeps the work
	}
	stillRefers := map[string]bool{}
	for _, a := range f.Active {
		if a.ReferentID == h.FromReferentID && a.ID != h.AccompanimentID {
			stillRefers[a.ID] = true
		}
	}
	tasks, err := f.OpenTasksAssigned(ctx, h.FromReferentID)
	if err != nil {
		return err
	}
	for _, t := range tasks {
		if stillRefers[t.AccompanimentID] || (t.AccompanimentID == "" && len(stillRefers) > 0) {
			continue
		}
		moved, err := tx.ReassignTask(ctx, t.ID, h.FromReferentID, h.ToReferentID)
		if err != nil {
			return err
		}
		if moved {
			tx.Audit(audit.For(actor, "task.reassign", "task", t.ID, t.PersonID))
		}
	}
	return nil
}

// synthesis writes the pre-filled handover text, in French (the language
// of the file). It draws only on what the team could read: entries
// restricted to the referent and private syntheses stay out.
func (s *Service) synthesis(ctx context.Context, tx *store.Tx, f *file.File, a *parcours.Accompaniment) (string, error) {
	const lang = i18n.Default
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n", i18n.T(lang, "handover.synthesis.title", kindLabel(ctx, tx, a), frDate(a.StartDate)))

	if f.Person.HouseholdID != "" {
		sit, err := f.CurrentSituation(ctx)
		if err != nil {
			return "", err
		}
		if sit != nil {
			var incomes []string
			for _, src := range sit.IncomeSources {
				incomes = append(incomes, i18n.T(lang, "income."+src))
			}
			fmt.Fprintf(&b, "\n%s\n", i18n.T(lang, "handover.synthesis.situation",
				i18n.T(lang, "housing."+sit.Housing), i18n.T(lang, "employment."+sit.Employment), strings.Join(incomes, ", "), sit.MonthlyIncome))
		}
	}

	fmt.Fprintf(&b, "\n%s\n", i18n.T(lang, "handover.synthesis.goals"))
	open := 0
	for _, g := range a.Goals {
		if g.Status == parcours.GoalOpen {
			open++
			line := "- " + g.Title
			if g.TargetDate != "" {
				line += " (" + i18n.T(lang, "handover.synthesis.due", frDate(g.TargetDate)) + ")"
			}
			b.WriteString(line + "\n")
		}
	}
	if open == 0 {
		b.WriteString(i18n.T(lang, "handover.synthesis.none") + "\n")
	}

	fmt.Fprintf(&b, "\n%s\n", i18n.T(lang, "handover.synthesis.tasks"))
	tasks, err := f.Tasks(ctx, true, nil, 20)
	if err != nil {
		return "", err
	}
	for _, t := range tasks {
		fmt.Fprintf(&b, "- %s (%s)\n", t.Title, i18n.T(lang, "handover.synthesis.due", frDate(t.DueDate)))
	}
	if len(tasks) == 0 {
		b.WriteString(i18n.T(lang, "handover.synthesis.none") + "\n")
	}

	fmt.Fprintf(&b, "\n%s\n", i18n.T(lang, "handover.synthesis.documents"))
	docs, err := f.Documents(ctx, nil, 30)
	if err != nil {
		return "", err
	}
	for _, d := range docs {
		line := "- " + i18n.T(lang, "document_kind."+d.Kind) + " : " + clip(d.Title, 120)
		if d.ExpiresOn != "" {
			line += " (" + i18n.T(lang, "handover.synthesis.expires", frDate(d.ExpiresOn)) + ")"
		}
		b.WriteString(line + "\n")
	}
	if len(docs) == 0 {
		b.WriteString(i18n.T(lang, "handover.synthesis.none") + "\n")
	}

	// The person's objections bind the new referent as they bound the
	// previous one: they are said up front.
	fmt.Fprintf(&b, "\n%s\n", i18n.T(lang, "handover.synthesis.objections"))
	for _, o := range f.Rel.Objections {
		b.WriteString("- " + i18n.T(lang, "objection."+o) + "\n")
	}
	if len(f.Rel.Objections) == 0 {
		b.WriteString(i18n.T(lang, "handover.synthesis.no_objection") + "\n")
	}

	fmt.Fprintf(&b, "\n%s\n", i18n.T(lang, "handover.synthesis.entries"))
	entries, err := f.JournalRows(ctx, store.JournalFilter{}, nil, 30)
	if err != nil {
		return "", err
	}
	// An entry corrected since says what its correction says: only the
	// correction is quoted.
	amended, err := f.Amendments(ctx)
	if err != nil {
		return "", err
	}
	shown := 0
	for _, e := range entries {
		if e.Confidentiality == parcours.ConfReferent || len(amended[e.ID]) > 0 || shown == 5 {
			continue
		}
		shown++
		fmt.Fprintf(&b, "- %s — %s : %s\n", frDate(e.OccurredAt), i18n.T(lang, "entry_kind."+e.Kind), clip(e.Summary, 240))
	}
	if shown == 0 {
		b.WriteString(i18n.T(lang, "handover.synthesis.none") + "\n")
	}
	return strings.TrimSpace(b.String()), nil
}

func frDate(d string) string {
	t, err := parcours.ParseDate(d)
	if err != nil {
		return d
	}
	return t.Format("02/01/2006")
}

// clip shortens s to at most n runes on one line.
func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// Handovers lists the handovers of a person's accompaniments, newest
// first. Their syntheses quote the journal: reading them is a journal
// read.
func (s *Service) Handovers(ctx context.Context, actor parcours.Actor, personID string) ([]*parcours.Handover, error) {
	out := []*parcours.Handover{}
	err := s.db.View(ctx, func(tx *store.Tx) error {
		f, err := file.Open(ctx, tx, actor, access.JournalRead, personID)
		if err != nil {
			return err
		}
		list, err := f.Handovers(ctx)
		if err != nil {
			return err
		}
		out = append(out, list...)
		f.Audit("handover.list", "person", f.Person.ID)
		return nil
	})
	return out, err
}

// kindLabel is the catalogue label of an accompaniment's kind (its code
// when the catalogue no longer has it).
func kindLabel(ctx context.Context, tx *store.Tx, a *parcours.Accompaniment) string {
	if ks, err := kinds(ctx, tx, a.OrgID); err == nil {
		for _, k := range ks {
			if k.Code == a.Kind {
				return k.Label
			}
		}
	}
	return a.Kind
}

// handoverNote is the journal's line for a handover, in French.
func handoverNote(ctx context.Context, tx *store.Tx, a *parcours.Accompaniment, h *parcours.Handover) (string, error) {
	names, err := tx.WorkerNames(ctx, a.OrgID)
	if err != nil {
		return "", err
	}
	teams, err := tx.Teams(ctx, a.OrgID)
	if err != nil {
		return "", err
	}
	team := map[string]string{}
	for _, t := range teams {
		team[t.ID] = t.Name
	}
	return i18n.T(i18n.Default, "handover.journal_note", kindLabel(ctx, tx, a),
		names[h.FromReferentID], team[h.FromTeamID], names[h.ToReferentID], team[h.ToTeamID]), nil
}
