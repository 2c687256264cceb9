package casefile

import (
	"context"
	"slices"
	"strings"
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
	// Handovers are those waiting for the actor to acknowledge them: a
	// file newly theirs.
	Handovers []DayHandover
}

// DayHandover is a handover waiting for the actor.
type DayHandover struct {
	ID, PersonID, PersonName string
	CreatedAt                time.Time
}

// Day returns the actor's open tasks due today or before, and the files
// they opened last, through the door: a file the actor may no longer read
// shows nothing of itself. Both show persons' names: the read is audited.
func (s *Service) Day(ctx context.Context, actor parcours.Actor) (*WorkerDay, error) {
	out := &WorkerDay{Recent: []RecentFile{}}
	err := s.db.View(ctx, func(tx *store.Tx) error {
		todayDate := parcours.Today(tx.Now())
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
		if access.Allowed(actor, access.AccompanimentRead, access.Target{}) {
			hs, err := file.HandoversToAcknowledge(ctx, tx, actor, 20)
			if err != nil {
				return err
			}
			out.Handovers = []DayHandover{}
			for _, h := range hs {
				out.Handovers = append(out.Handovers, DayHandover{ID: h.ID, PersonID: h.PersonID, PersonName: h.PersonName, CreatedAt: h.CreatedAt})
			}
			if len(hs) > 0 {
				tx.Audit(audit.For(actor, "handover.mine", "handover", "", ""))
			}
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

// CaseloadSort is how « mes personnes suivies » is ordered.
type CaseloadSort string

const (
	ByName        CaseloadSort = "name"
	ByLastContact CaseloadSort = "last_contact" // longest without contact first
	ByAlerts      CaseloadSort = "alerts"       // most alerts first
	// ByNextAppointment: the soonest appointment first, those without
	// one last.
	ByNextAppointment CaseloadSort = "next_appointment"
)

// CaseloadRow is one person of « mes personnes suivies ».
type CaseloadRow struct {
	PersonID, PersonName, BirthDate string
	// LastContact is the date of the last journal entry ("" if none, or
	// when the actor may not read the journal).
	LastContact                    string
	OverdueTasks, DocumentsToRenew int
	// ViaHousehold: a member of a household the actor follows.
	ViaHousehold bool
	// NextAppointment is the start of the next planned appointment (zero
	// if none, or when the actor may not read the file's appointments).
	NextAppointment time.Time
}

// Alerts is the number of alerts of the row.
func (r CaseloadRow) Alerts() int { return r.OverdueTasks + r.DocumentsToRenew }

// Caseload returns the persons the actor is the referent of, and the
// members of the households they follow, sorted.
func (s *Service) Caseload(ctx context.Context, actor parcours.Actor, by CaseloadSort) ([]CaseloadRow, error) {
	var out []CaseloadRow
	err := s.db.View(ctx, func(tx *store.Tx) error {
		if err := access.Check(actor, access.AccompanimentRead, access.Target{}); err != nil {
			return err
		}
		t := parcours.Today(tx.Now())
		rows, err := file.Caseload(ctx, tx, actor, t, mustDate(t).AddDate(0, 0, 30).Format(time.DateOnly), 500)
		if err != nil {
			return err
		}
		for _, r := range rows {
			out = append(out, CaseloadRow(r))
		}
		if len(rows) > 0 {
			tx.Audit(audit.For(actor, "person.caseload", "person", "", ""))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	switch by {
	case ByLastContact:
		slices.SortStableFunc(out, func(a, b CaseloadRow) int { return strings.Compare(a.LastContact, b.LastContact) })
	case ByAlerts:
		slices.SortStableFunc(out, func(a, b CaseloadRow) int { return b.Alerts() - a.Alerts() })
	case ByNextAppointment:
		slices.SortStableFunc(out, func(a, b CaseloadRow) int {
			switch {
			case a.NextAppointment.IsZero() || b.NextAppointment.IsZero():
				return boolInt(a.NextAppointment.IsZero()) - boolInt(b.NextAppointment.IsZero())
			default:
				return a.NextAppointment.Compare(b.NextAppointment)
			}
		})
	}
	return out, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
