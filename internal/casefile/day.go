package casefile

import (
	"context"
	"time"

	"parcours/internal/access"
	"parcours/internal/audit"
	"parcours/internal/file"
	"parcours/internal/parcours"
	"parcours/internal/store"
)

// DayTask is a task of the worker's day, with its person.
type DayTask struct {
	ID, PersonID, PersonName, Title, DueDate string
	Overdue                                  bool
}

// RecentFile is a file the worker opened lately.
type RecentFile struct {
	PersonID, PersonName string
	VisitedAt            time.Time
}

// WorkerDay is the case file's part of "Ma journée". Tasks is nil when
// the actor's role has no tasks.
type WorkerDay struct {
	Tasks []DayTask
	// HiddenTasks counts the actor's open tasks on files they may no
	// longer read: shown as a number, so the work is not lost silently.
	HiddenTasks int
	Recent      []RecentFile
}

// Day returns the actor's open tasks due today or before, and the files
// they opened last, through the door: a file the actor may no longer read
// shows nothing of itself. Both show persons' names: the read is audited.
func (s *Service) Day(ctx context.Context, actor parcours.Actor) (*WorkerDay, error) {
	out := &WorkerDay{Recent: []RecentFile{}}
	err := s.db.View(ctx, func(tx *store.Tx) error {
		todayDate := today(tx.Now())
		if access.Allowed(actor, access.TaskRead, access.Target{}) {
			out.Tasks = []DayTask{}
			list, hidden, err := file.AssignedTasks(ctx, tx, actor, todayDate, 50)
			if err != nil {
				return err
			}
			out.HiddenTasks = hidden
			for _, t := range list {
				out.Tasks = append(out.Tasks, DayTask{ID: t.ID, PersonID: t.PersonID, PersonName: t.PersonName, Title: t.Title,
					DueDate: t.DueDate, Overdue: t.DueDate < todayDate})
			}
			tx.Audit(audit.For(actor, "task.mine", "task", "", ""))
		}
		visits, err := file.RecentFiles(ctx, tx, actor, 8)
		if err != nil {
			return err
		}
		for _, v := range visits {
			out.Recent = append(out.Recent, RecentFile{PersonID: v.PersonID, PersonName: v.PersonName, VisitedAt: v.VisitedAt})
		}
		if len(visits) > 0 {
			tx.Audit(audit.For(actor, "casefile.recent", "person", "", ""))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
