package casefile

import (
	"context"

	"parcours/internal/access"
	"parcours/internal/audit"
	"parcours/internal/parcours"
	"parcours/internal/store"
)

// Notification kinds of the task reminders (catalogue keys
// notification.<kind>).
const (
	KindTaskDueToday = "task_due_today"
	KindTaskOverdue  = "task_overdue"
)

// reminderBatch bounds one transaction of reminders; the job loops until
// every due task of the day has its reminder.
const reminderBatch = 500

// SendTaskReminders notifies the assignee of every open task due today
// (French day) or overdue: one notification per task and day, whoever
// runs it and however often, since each is recorded in task_reminders in
// the same transaction. Only the server may run it (access.JobRun). It
// returns how many notifications it created.
func (s *Service) SendTaskReminders(ctx context.Context, actor parcours.Actor) (int, error) {
	if err := access.Check(actor, access.JobRun, access.Target{}); err != nil {
		return 0, err
	}
	total := 0
	for {
		n, more := 0, false
		err := s.db.Transact(ctx, func(tx *store.Tx) error {
			n = 0
			day := parcours.Today(tx.Now())
			due, err := tx.DueTasksWithoutReminder(ctx, day, reminderBatch)
			if err != nil {
				return err
			}
			more = len(due) == reminderBatch
			for _, t := range due {
				first, err := tx.MarkTaskReminded(ctx, t.ID, day)
				if err != nil {
					return err
				}
				if !first {
					continue
				}
				kind := KindTaskOverdue
				if t.DueDate == day {
					kind = KindTaskDueToday
				}
				if err := tx.InsertNotification(ctx, &parcours.Notification{WorkerID: t.AssigneeID, Kind: kind, PersonID: t.PersonID, ObjectID: t.ID}); err != nil {
					return err
				}
				tx.Audit(audit.For(actor, "task.remind", "task", t.ID, t.PersonID))
				n++
			}
			return nil
		})
		if err != nil {
			return total, err
		}
		total += n
		if !more {
			return total, nil
		}
	}
}
