package rights

import (
	"context"
	"slices"
	"strings"

	"parcours/internal/access"
	"parcours/internal/audit"
	"parcours/internal/file"
	"parcours/internal/parcours"
	"parcours/internal/store"
)

// ProcedureInput is a new procedure. A next step needs its due date (and
// the reverse): it becomes a task in the worker's day.
type ProcedureInput struct {
	RightCode   string   `json:"right_code"`
	Status      string   `json:"status"`
	HelpLevel   string   `json:"help_level"`
	Obstacles   []string `json:"obstacles"`
	FiledOn     string   `json:"filed_on"`
	DecidedOn   string   `json:"decided_on"`
	AmountCents int64    `json:"amount_cents"`
	NextStep    string   `json:"next_step"`
	DueDate     string   `json:"due_date"`
	Note        string   `json:"note"`
}

// ProcedureUpdate changes a procedure; absent fields are kept.
type ProcedureUpdate struct {
	Status      *string   `json:"status"`
	HelpLevel   *string   `json:"help_level"`
	Obstacles   *[]string `json:"obstacles"`
	FiledOn     *string   `json:"filed_on"`
	DecidedOn   *string   `json:"decided_on"`
	AmountCents *int64    `json:"amount_cents"`
	NextStep    *string   `json:"next_step"`
	DueDate     *string   `json:"due_date"`
	Note        *string   `json:"note"`
}

// CreateProcedure records a procedure on a person's file.
func (s *Service) CreateProcedure(ctx context.Context, actor parcours.Actor, personID string, in ProcedureInput) (p *parcours.Procedure, err error) {
	defer wrap(&err, "rights: create procedure")
	err = s.db.Transact(ctx, func(tx *store.Tx) error {
		f, err := file.Open(ctx, tx, actor, access.ProcedureWrite, personID)
		if err != nil {
			return err
		}
		cat, err := catalogue(ctx, tx, f.Person.OrgID, true)
		if err != nil {
			return err
		}
		today := parcours.Today(tx.Now())
		p = &parcours.Procedure{OrgID: f.Person.OrgID, PersonID: f.Person.ID, RightCode: in.RightCode, Status: in.Status,
			HelpLevel: in.HelpLevel, Obstacles: in.Obstacles, FiledOn: in.FiledOn, DecidedOn: in.DecidedOn, AmountCents: in.AmountCents,
			NextStep: strings.TrimSpace(in.NextStep), DueDate: in.DueDate, Note: strings.TrimSpace(in.Note),
			AssigneeID: actor.WorkerID, CreatedBy: actor.WorkerID}
		if p.Status == "" {
			p.Status = parcours.ProcTodo
		}
		v := parcours.Problems{Labels: labels}
		if r := cat.Find(in.RightCode); in.RightCode == "" {
			v.Add("right_code", "error.field_required", label("right_code"))
		} else if r == nil || !r.ActiveOn(today) {
			v.Add("right_code", "error.rights.unknown_right", in.RightCode)
		} else {
			p.RightName = r.Name
		}
		checkProcedure(&v, p, today)
		if err := v.Err(); err != nil {
			return err
		}
		if err := s.mandateFor(ctx, f, p, today); err != nil {
			return err
		}
		if err := nextStepTask(ctx, tx, f, p, nil); err != nil {
			return err
		}
		if err := tx.InsertProcedure(ctx, p); err != nil {
			return err
		}
		f.Audit("procedure.create", "procedure", p.ID)
		if p.TaskID != "" {
			f.Audit("task.create", "task", p.TaskID)
		}
		return nil
	})
	return p, err
}

// UpdateProcedure moves a procedure on: status (never back, never after
// it ended: 409), dates, amount, help level, next step.
func (s *Service) UpdateProcedure(ctx context.Context, actor parcours.Actor, id string, in ProcedureUpdate) (p *parcours.Procedure, err error) {
	defer wrap(&err, "rights: update procedure %s", id)
	err = s.db.Transact(ctx, func(tx *store.Tx) error {
		f, old, err := file.OpenProcedure(ctx, tx, actor, access.ProcedureWrite, id)
		if err != nil {
			return err
		}
		if parcours.ProcedureFinal(old.Status) {
			return parcours.Errorf(parcours.EConflict, "error.rights.procedure_closed")
		}
		c := *old
		p = &c
		set := func(dst *string, src *string) {
			if src != nil {
				*dst = strings.TrimSpace(*src)
			}
		}
		set(&p.Status, in.Status)
		set(&p.HelpLevel, in.HelpLevel)
		set(&p.FiledOn, in.FiledOn)
		set(&p.DecidedOn, in.DecidedOn)
		set(&p.NextStep, in.NextStep)
		set(&p.DueDate, in.DueDate)
		set(&p.Note, in.Note)
		if in.Obstacles != nil {
			p.Obstacles = *in.Obstacles
		}
		if in.AmountCents != nil {
			p.AmountCents = *in.AmountCents
		}
		today := parcours.Today(tx.Now())
		v := parcours.Problems{Labels: labels}
		checkProcedure(&v, p, today)
		if !parcours.ProcedureFinal(p.Status) && parcours.ProcedureStep(p.Status) < parcours.ProcedureStep(old.Status) {
			v.Add("status", "error.rights.status_back", label("status"))
		}
		if err := v.Err(); err != nil {
			return err
		}
		if p.HelpLevel != old.HelpLevel || p.HelpLevel == parcours.HelpFor {
			p.MandateID = ""
			if err := s.mandateFor(ctx, f, p, today); err != nil {
				return err
			}
		}
		if err := nextStepTask(ctx, tx, f, p, old); err != nil {
			return err
		}
		if err := tx.UpdateProcedure(ctx, p); err != nil {
			return err
		}
		f.Audit("procedure.update", "procedure", p.ID)
		if p.TaskID != "" && p.TaskID != old.TaskID {
			f.Audit("task.create", "task", p.TaskID)
		}
		return nil
	})
	return p, err
}

// checkProcedure checks the fields of a procedure.
func checkProcedure(v *parcours.Problems, p *parcours.Procedure, today string) {
	v.Choice("status", p.Status, parcours.ProcedureStatuses, true)
	v.Choice("help_level", p.HelpLevel, parcours.HelpLevels, true)
	if p.Obstacles == nil {
		p.Obstacles = []string{}
	}
	p.Obstacles = slices.Compact(slices.Sorted(slices.Values(p.Obstacles)))
	for _, o := range p.Obstacles {
		if !slices.Contains(parcours.DigitalObstacles, o) {
			v.Add("obstacles", "error.invalid_choice", label("obstacles"), o)
		}
	}
	notAfter, _ := parcours.ParseDate(today)
	v.Date("filed_on", p.FiledOn, false, notAfter)
	v.Date("decided_on", p.DecidedOn, false, notAfter)
	if (p.Status == parcours.ProcGranted || p.Status == parcours.ProcRefused) && p.DecidedOn == "" {
		p.DecidedOn = today
	}
	if p.Status == parcours.ProcFiled && p.FiledOn == "" {
		p.FiledOn = today
	}
	amount(v, "amount_cents", p.AmountCents)
	v.MaxLen("next_step", p.NextStep, 300)
	v.MaxLen("note", p.Note, 2000)
	v.Date("due_date", p.DueDate, false, mustDate("9999-12-31"))
	if parcours.ProcedureFinal(p.Status) {
		return // an ended procedure has no next step
	}
	if p.NextStep != "" && p.DueDate == "" {
		v.Add("due_date", "error.rights.next_step_needs_date", label("due_date"))
	}
	if p.DueDate != "" && p.NextStep == "" {
		v.Add("next_step", "error.rights.date_needs_next_step", label("next_step"))
	}
}

// mandateFor finds the mandate a procedure done for the person rests on:
// unrevoked, in force today and naming the procedure. Without one the
// procedure is refused (422) with the reason.
func (s *Service) mandateFor(ctx context.Context, f *file.File, p *parcours.Procedure, today string) error {
	if p.HelpLevel != parcours.HelpFor {
		p.MandateID = ""
		return nil
	}
	list, err := f.Mandates(ctx, store.Keyset{})
	if err != nil {
		return err
	}
	reason := "error.rights.mandate_none"
	for _, m := range list {
		if !m.Covers(p.RightCode) {
			if reason == "error.rights.mandate_none" {
				reason = "error.rights.mandate_not_covering"
			}
			continue
		}
		switch m.StatusOn(today) {
		case parcours.MandateActive:
			p.MandateID = m.ID
			return nil
		case parcours.MandateRevoked:
			reason = "error.rights.mandate_revoked"
		case parcours.MandateExpired:
			if reason != "error.rights.mandate_revoked" {
				reason = "error.rights.mandate_expired"
			}
		case parcours.MandateFuture:
			reason = "error.rights.mandate_future"
		}
	}
	return parcours.FieldError(parcours.EInvalid, "help_level", reason, p.RightName)
}

// nextStepTask keeps the task of the next step in line with the
// procedure: a new next step or due date cancels the old open task and
// plans a new one for the assignee; an ended procedure cancels it.
func nextStepTask(ctx context.Context, tx *store.Tx, f *file.File, p, old *parcours.Procedure) error {
	changed := old == nil || p.NextStep != old.NextStep || p.DueDate != old.DueDate || parcours.ProcedureFinal(p.Status)
	if !changed {
		return nil
	}
	if old != nil && old.TaskID != "" {
		t, err := f.Task(ctx, old.TaskID)
		if err != nil && parcours.AsError(err) == nil {
			return err
		}
		if err == nil && t.Status == parcours.TaskOpen {
			status := parcours.TaskCancelled
			if parcours.ProcedureFinal(p.Status) {
				status = parcours.TaskDone
			}
			if err := tx.SetTaskStatus(ctx, t.ID, status); err != nil {
				return err
			}
		}
		p.TaskID = ""
	}
	if parcours.ProcedureFinal(p.Status) || p.NextStep == "" {
		return nil
	}
	t := &parcours.Task{OrgID: p.OrgID, PersonID: p.PersonID, Title: p.RightName + " : " + p.NextStep, DueDate: p.DueDate,
		AssigneeID: p.AssigneeID, Status: parcours.TaskOpen, CreatedBy: f.Actor().WorkerID}
	if err := tx.InsertTasks(ctx, t); err != nil {
		return err
	}
	p.TaskID = t.ID
	return nil
}

// Procedures lists a person's procedures, newest first, a page at a
// time (cursor: the previous page's next_cursor; limit: 1–200, 50 by
// default).
func (s *Service) Procedures(ctx context.Context, actor parcours.Actor, personID, cursor string, limit int) (out parcours.Page[*parcours.Procedure], err error) {
	defer wrap(&err, "rights: procedures")
	err = s.db.View(ctx, func(tx *store.Tx) error {
		f, err := file.Open(ctx, tx, actor, access.ProcedureRead, personID)
		if err != nil {
			return err
		}
		if out, err = store.ReadPage(cursor, limit, 2, store.ProcedureKey, func(k store.Keyset) ([]*parcours.Procedure, error) {
			return f.Procedures(ctx, k)
		}); err != nil {
			return err
		}
		f.Audit("procedure.list", "person", f.Person.ID)
		return nil
	})
	return out, err
}

// FollowUp is « mes démarches à relancer »: the actor's open procedures
// whose next step is due within a week (or overdue), the mandates they
// received that end within 30 days, and the domiciliations of the persons
// they follow that end within 30 days (renewal reminders).
type FollowUp struct {
	Today      string                `json:"today"`
	Procedures []*parcours.Procedure `json:"procedures"`
	Mandates   []*parcours.Mandate   `json:"mandates_ending"`
	// Domiciliations end within 30 days: to renew with the person.
	Domiciliations []*parcours.Domiciliation `json:"domiciliations_ending"`
	PersonNames    map[string]string         `json:"person_names"`
}

// MyFollowUp returns the actor's procedures to follow up.
func (s *Service) MyFollowUp(ctx context.Context, actor parcours.Actor) (out *FollowUp, err error) {
	defer wrap(&err, "rights: follow-up")
	if err := access.Check(actor, access.ProcedureRead, access.Target{}); err != nil {
		return nil, err
	}
	err = s.db.View(ctx, func(tx *store.Tx) error {
		today := parcours.Today(tx.Now())
		out = &FollowUp{Today: today, PersonNames: map[string]string{}}
		var err error
		if out.Procedures, err = file.ProceduresToFollow(ctx, tx, actor, AddDays(today, 7), 200); err != nil {
			return err
		}
		for _, p := range out.Procedures {
			out.PersonNames[p.PersonID] = p.PersonName
		}
		var names map[string]string
		if out.Mandates, names, err = file.MandatesEnding(ctx, tx, actor, today, AddDays(today, 30)); err != nil {
			return err
		}
		for id, n := range names {
			out.PersonNames[id] = n
		}
		for _, m := range out.Mandates {
			m.Status = m.StatusOn(today)
		}
		if out.Domiciliations, names, err = file.DomiciliationsEnding(ctx, tx, actor, today, AddDays(today, 30)); err != nil {
			return err
		}
		for id, n := range names {
			out.PersonNames[id] = n
		}
		tx.Audit(audit.For(actor, "procedure.follow_up", "procedure", "", ""))
		return nil
	})
	return out, err
}
