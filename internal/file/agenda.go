package file

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode"

	"parcours/internal/access"
	"parcours/internal/parcours"
	"parcours/internal/store"
)

// Appointments returns the file's appointments, the latest first.
func (f *File) Appointments(ctx context.Context) ([]*parcours.Appointment, error) {
	if err := f.Check(access.AppointmentRead); err != nil {
		return nil, err
	}
	return f.tx.PersonAppointments(ctx, f.IDs)
}

// DeskVisits returns the visits to the front desk logged on the file,
// newest first.
func (f *File) DeskVisits(ctx context.Context) ([]*parcours.DeskVisit, error) {
	if err := f.Check(access.DeskVisitRead); err != nil {
		return nil, err
	}
	return f.tx.PersonDeskVisits(ctx, f.IDs)
}

// OpenAppointment opens the file of an appointment and returns it.
func OpenAppointment(ctx context.Context, tx *store.Tx, actor parcours.Actor, act access.Action, id string) (*File, *parcours.Appointment, error) {
	a, err := tx.Appointment(ctx, id)
	if err != nil {
		return nil, nil, notFound(err)
	}
	f, err := Open(ctx, tx, actor, act, a.PersonID)
	return f, a, err
}

// OpenDeskVisit opens the file of a front-desk visit and returns it.
func OpenDeskVisit(ctx context.Context, tx *store.Tx, actor parcours.Actor, act access.Action, id string) (*File, *parcours.DeskVisit, error) {
	v, err := tx.DeskVisit(ctx, id)
	if err != nil {
		return nil, nil, notFound(err)
	}
	f, err := Open(ctx, tx, actor, act, v.PersonID)
	return f, v, err
}

// CalendarItem is an appointment of an agenda. Visible says whether the
// reader may read the file's appointments: otherwise the person, the
// purpose and the place are blank and the slot shows as « RDV » (busy).
type CalendarItem struct {
	*parcours.Appointment
	Visible    bool   `json:"visible"`
	PersonName string `json:"person_name,omitempty"`
	// Initials are the person's initials (« M. D. »), for feeds that must
	// not carry names; "" when not Visible.
	Initials string `json:"-"`
	// Phone and Referents are the person's essentials for « Ma journée »
	// (when Visible): phone number and referents' worker ids.
	Phone     string   `json:"-"`
	Referents []string `json:"-"`
	// OverdueTasks counts the person's open tasks past due (when the
	// reader may read them; AgendaAlerts fills it).
	OverdueTasks int `json:"-"`
}

// AgendaAlerts fills the overdue tasks of the visible items whose tasks
// the actor may read, in one statement: « Ma journée »'s alerts.
func AgendaAlerts(ctx context.Context, tx *store.Tx, actor parcours.Actor, items []CalendarItem, today string) error {
	var ids []string
	for _, it := range items {
		if it.Visible {
			ids = append(ids, it.PersonID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	files, err := OpenMany(ctx, tx, actor, ids, false)
	if err != nil {
		return err
	}
	var readable []string
	for _, f := range files {
		if f.Can(access.TaskRead) {
			readable = append(readable, f.IDs...)
		}
	}
	counts, err := tx.OverdueTaskCounts(ctx, readable, today)
	if err != nil {
		return err
	}
	for i := range items {
		if f := files[items[i].PersonID]; f != nil && f.Can(access.TaskRead) {
			for _, id := range f.IDs {
				items[i].OverdueTasks += counts[id]
			}
		}
	}
	return nil
}

// Agenda returns the appointments of workerIDs starting in [from, to), in
// the actor's organisation, each with what the actor may see of it: every
// file concerned is opened in one statement.
func Agenda(ctx context.Context, tx *store.Tx, actor parcours.Actor, workerIDs []string, from, to time.Time) ([]CalendarItem, error) {
	list, err := tx.WorkerAppointments(ctx, actor.OrgID, workerIDs, from, to)
	if err != nil || len(list) == 0 {
		return []CalendarItem{}, err
	}
	files, err := openPersons(ctx, tx, actor, len(list), func(i int) string { return list[i].PersonID })
	if err != nil {
		return nil, err
	}
	out := make([]CalendarItem, 0, len(list))
	for _, a := range list {
		f := files[a.PersonID]
		if f != nil && f.Can(access.AppointmentRead) {
			it := CalendarItem{Appointment: a, Visible: true, PersonName: f.Person.DisplayName(), Initials: Initials(f.Person), Phone: f.Person.Phone}
			for _, acc := range f.Active {
				if !slices.Contains(it.Referents, acc.ReferentID) {
					it.Referents = append(it.Referents, acc.ReferentID)
				}
			}
			out = append(out, it)
			continue
		}
		c := *a
		c.PersonID, c.HouseholdID, c.Theme, c.Place, c.ServiceID, c.CancelReason, c.JournalEntryID, c.RescheduledTo = "", "", "", "", "", "", "", ""
		out = append(out, CalendarItem{Appointment: &c})
	}
	return out, nil
}

// Initials are a person's initials, « D. M. » for DUPONT Marie: what a
// calendar on a phone may show.
func Initials(p *parcours.Person) string {
	name := p.BirthName
	if p.UsageName != "" {
		name = p.UsageName
	}
	var b strings.Builder
	for _, w := range []string{name, p.FirstNames} {
		for _, r := range strings.TrimSpace(w) {
			if unicode.IsLetter(r) {
				if b.Len() > 0 {
					b.WriteString(" ")
				}
				b.WriteRune(unicode.ToUpper(r))
				b.WriteString(".")
				break
			}
		}
	}
	return b.String()
}

// DeskVisitsBetween returns the front desk's visits of the actor's
// organisation in [from, to) with the names of their persons: the
// front desk's day (identity only, as the visits were logged).
func DeskVisitsBetween(ctx context.Context, tx *store.Tx, actor parcours.Actor, from, to time.Time) ([]*parcours.DeskVisit, map[string]string, error) {
	list, err := tx.DeskVisitsBetween(ctx, actor.OrgID, from, to)
	if err != nil {
		return nil, nil, err
	}
	return visibleDeskVisits(ctx, tx, actor, list, access.DeskVisitWrite)
}
