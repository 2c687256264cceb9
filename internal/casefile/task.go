package casefile

import (
	"context"
	"strings"
	"time"

	"parcours/internal/access"
	"parcours/internal/audit"
	"parcours/internal/file"
	"parcours/internal/parcours"
	"parcours/internal/store"
)

// TaskInput is a new task. The assignee defaults to the actor and must be
// a case worker of the same organisation. JournalEntryID creates the task
// from a journal entry the actor may read.
type TaskInput struct {
	Title           string `json:"title"`
	DueDate         string `json:"due_date"`
	AssigneeID      string `json:"assignee_id"`
	AccompanimentID string `json:"accompaniment_id"`
	JournalEntryID  string `json:"journal_entry_id"`
}

// TaskUpdate changes a task's status.
type TaskUpdate struct {
	Status string `json:"status"`
}

// CreateTask adds a task to a person's file.
func (s *Service) CreateTask(ctx context.Context, actor parcours.Actor, personID string, in TaskInput) (*parcours.Task, error) {
	var t *parcours.Task
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		f, err := file.Open(ctx, tx, actor, access.TaskWrite, personID)
		if err != nil {
			return err
		}
		t = &parcours.Task{OrgID: f.Person.OrgID, PersonID: f.Person.ID, Title: strings.TrimSpace(in.Title), DueDate: in.DueDate,
			AssigneeID: in.AssigneeID, AccompanimentID: in.AccompanimentID, JournalEntryID: in.JournalEntryID,
			Status: parcours.TaskOpen, CreatedBy: actor.WorkerID}
		if t.AssigneeID == "" {
			t.AssigneeID = actor.WorkerID
		}
		v := parcours.Problems{Labels: labels}
		v.Required("title", t.Title, 300)
		v.Date("due_date", t.DueDate, true, mustDate("9999-12-31"))
		if _, err := caseWorker(ctx, tx, t.OrgID, t.AssigneeID, "assignee_id", "error.casefile.assignee_other_org"); err != nil {
			e := parcours.AsError(err)
			if e == nil {
				return err
			}
			v.Add(e.Field, e.Key)
		}
		if t.AccompanimentID != "" {
			if _, err := f.Accompaniment(ctx, t.AccompanimentID, "accompaniment_id"); err != nil {
				e := parcours.AsError(err)
				if e == nil {
					return err
				}
				v.Add(e.Field, e.Key)
			}
		}
		if t.JournalEntryID != "" {
			e, err := f.Entry(ctx, t.JournalEntryID)
			if err != nil && parcours.AsError(err) == nil {
				return err
			}
			if err != nil {
				v.Add("journal_entry_id", "error.casefile.entry_not_found")
			} else if t.AccompanimentID == "" {
				t.AccompanimentID = e.AccompanimentID
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		if err := tx.InsertTasks(ctx, t); err != nil {
			return err
		}
		f.Audit("task.create", "task", t.ID)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// Tasks lists a person's tasks by due date; open ones only when openOnly.
func (s *Service) Tasks(ctx context.Context, actor parcours.Actor, personID string, openOnly bool, cursor string, limit int) (*parcours.Page[*parcours.Task], error) {
	after, err := parcours.DecodeCursor(cursor, 2)
	if err != nil {
		return nil, err
	}
	limit = clampLimit(limit)
	out := &parcours.Page[*parcours.Task]{Items: []*parcours.Task{}}
	err = s.db.View(ctx, func(tx *store.Tx) error {
		f, err := file.Open(ctx, tx, actor, access.TaskRead, personID)
		if err != nil {
			return err
		}
		list, err := f.Tasks(ctx, openOnly, after, limit+1)
		if err != nil {
			return err
		}
		if len(list) > limit {
			list = list[:limit]
			last := list[limit-1]
			out.NextCursor = parcours.EncodeCursor([]string{last.DueDate, last.ID})
		}
		out.Items = list
		f.Audit("task.list", "person", f.Person.ID)
		return nil
	})
	return out, err
}

// MyTasks are the actor's open tasks in three buckets, by due date.
type MyTasks struct {
	Overdue  []*parcours.Task `json:"overdue"`
	Today    []*parcours.Task `json:"today"`
	ThisWeek []*parcours.Task `json:"this_week"` // after today, up to Sunday
}

// Mine returns the actor's open tasks: overdue, due today, and due later
// this week (up to Sunday, French weeks starting on Monday).
func (s *Service) Mine(ctx context.Context, actor parcours.Actor) (*MyTasks, error) {
	if err := access.Check(actor, access.TaskRead, access.Target{}); err != nil {
		return nil, err
	}
	out := &MyTasks{Overdue: []*parcours.Task{}, Today: []*parcours.Task{}, ThisWeek: []*parcours.Task{}}
	err := s.db.View(ctx, func(tx *store.Tx) error {
		todayDate := parcours.Today(tx.Now())
		d := mustDate(todayDate)
		untilSunday := (7 - int(d.Weekday())) % 7
		sunday := d.AddDate(0, 0, untilSunday).Format(time.DateOnly)
		list, err := tx.OpenTasksOf(ctx, actor.WorkerID, sunday)
		if err != nil {
			return err
		}
		for _, t := range list {
			switch {
			case t.DueDate < todayDate:
				out.Overdue = append(out.Overdue, t)
			case t.DueDate == todayDate:
				out.Today = append(out.Today, t)
			default:
				out.ThisWeek = append(out.ThisWeek, t)
			}
		}
		tx.Audit(audit.For(actor, "task.mine", "task", "", ""))
		return nil
	})
	return out, err
}

// UpdateTask changes a task's status (done, cancelled, or open again).
func (s *Service) UpdateTask(ctx context.Context, actor parcours.Actor, id string, in TaskUpdate) (*parcours.Task, error) {
	var t *parcours.Task
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		f, t0, err := file.OpenTask(ctx, tx, actor, access.TaskWrite, id)
		if err != nil {
			return err
		}
		t = t0
		v := parcours.Problems{Labels: labels}
		v.Choice("status", in.Status, []string{parcours.TaskOpen, parcours.TaskDone, parcours.TaskCancelled}, true)
		if err := v.Err(); err != nil {
			return err
		}
		if err := tx.SetTaskStatus(ctx, t.ID, in.Status); err != nil {
			return err
		}
		if t, err = f.Task(ctx, t.ID); err != nil {
			return err
		}
		f.AuditAbout("task.update", "task", t.ID, t.PersonID)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}
