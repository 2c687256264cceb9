// Package agenda is the working day (issue 11, the agenda half):
// appointments on a person's file with their workers, place and purpose,
// their outcome (honoré, non honoré, annulé, reporté) that becomes a
// journal entry; workers' and teams' agendas with conflicts warned; the
// services' working hours and closed days; the front desk's visits,
// messages and bookings into free slots; and each worker's read-only
// calendar feed (iCalendar) that never names a person.
//
// Every method takes the acting worker; person-scoped reads and writes go
// through the door (package file), which checks the action and audits in
// the same transaction. Reminders (the outbox) read appointments from the
// store (store.Tx.AppointmentsStarting) and are not this package's. It
// never imports internal/web and never logs personal data.
package agenda

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"parcours/internal/access"
	"parcours/internal/audit"
	"parcours/internal/casefile"
	"parcours/internal/file"
	"parcours/internal/parcours"
	"parcours/internal/store"
)

// Service keeps the agenda.
type Service struct{ db *store.DB }

// New returns a Service on db.
func New(db *store.DB) *Service { return &Service{db: db} }

// Now is the database's clock (tests replace it).
func (s *Service) Now() time.Time { return s.db.Now() }

var paris = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		return time.UTC
	}
	return loc
}()

// Paris is the time zone of appointments' dates and hours.
func Paris() *time.Location { return paris }

// DayBounds returns the instants of the start of day (YYYY-MM-DD, in
// Paris) and of the start of the day n days later.
func DayBounds(day string, n int) (time.Time, time.Time, error) {
	d, err := time.ParseInLocation(time.DateOnly, day, paris)
	if err != nil {
		return time.Time{}, time.Time{}, err
	}
	return d, d.AddDate(0, 0, n), nil
}

// Today is the current date in Paris.
func Today(now time.Time) string { return now.In(paris).Format(time.DateOnly) }

func wrap(err *error, format string, args ...any) {
	if *err != nil && parcours.AsError(*err) == nil {
		*err = fmt.Errorf(format+": %w", append(args, *err)...)
	}
}

func label(field string) string { return "field.agenda." + field }

// Input is a new appointment: date and hours in Paris time.
type Input struct {
	WorkerIDs []string `json:"worker_ids"`
	Date      string   `json:"date"`  // YYYY-MM-DD
	Start     string   `json:"start"` // HH:MM
	End       string   `json:"end"`   // HH:MM
	PlaceKind string   `json:"place_kind"`
	ServiceID string   `json:"service_id"`
	Place     string   `json:"place"`
	Theme     string   `json:"theme"`
	// TeamID is the service whose hours apply: the directory service's
	// team, else the first worker's first team, by default.
	TeamID string `json:"team_id"`
	// Household invites the person's whole household.
	Household bool `json:"household"`
}

// Conflict is another planned appointment of one of the workers
// overlapping the new one: a warning, not a refusal (except for the
// front desk, which books only free slots).
type Conflict struct {
	AppointmentID string    `json:"appointment_id"`
	WorkerID      string    `json:"worker_id"`
	StartsAt      time.Time `json:"starts_at"`
	EndsAt        time.Time `json:"ends_at"`
}

// Booked is an appointment just booked, with its conflicts.
type Booked struct {
	*parcours.Appointment
	Conflicts []Conflict `json:"conflicts"`
}

func clock(v *parcours.Problems, field, val string) (int, bool) {
	if val == "" {
		v.Add(field, "error.field_required", label(field))
		return 0, false
	}
	t, err := time.Parse("15:04", val)
	if err != nil || len(val) != 5 {
		v.Add(field, "error.agenda.invalid_time", label(field))
		return 0, false
	}
	return t.Hour()*60 + t.Minute(), true
}

// slot checks date, start and end and returns the instants.
func slot(v *parcours.Problems, date, start, end string) (time.Time, time.Time, bool) {
	var day time.Time
	okDate := true
	if date == "" {
		v.Add("date", "error.field_required", label("date"))
		okDate = false
	} else if d, err := time.ParseInLocation(time.DateOnly, date, paris); err != nil {
		v.Add("date", "error.invalid_date", label("date"))
		okDate = false
	} else {
		day = d
	}
	s, okS := clock(v, "start", start)
	e, okE := clock(v, "end", end)
	if !okDate || !okS || !okE {
		return time.Time{}, time.Time{}, false
	}
	if e <= s {
		v.Add("end", "error.agenda.end_before_start")
		return time.Time{}, time.Time{}, false
	}
	at := func(min int) time.Time {
		return time.Date(day.Year(), day.Month(), day.Day(), min/60, min%60, 0, 0, paris)
	}
	return at(s), at(e), true
}

// orgWorker returns a worker of orgID who may take appointments, nil if
// there is none with that id.
func orgWorker(ctx context.Context, tx *store.Tx, orgID, id string) (*parcours.Worker, error) {
	w, err := tx.Worker(ctx, id)
	if err == store.ErrNoRows || (err == nil && (w.OrgID != orgID || w.Disabled || w.Role == parcours.RoleAdmin)) {
		return nil, nil
	}
	return w, err
}

// checkHours refuses a slot on a closed day or outside the service's
// hours (a service without hours takes any time).
func checkHours(ctx context.Context, tx *store.Tx, v *parcours.Problems, teamID string, start, end time.Time) error {
	if teamID == "" {
		return nil
	}
	day := start.In(paris).Format(time.DateOnly)
	closed, err := tx.TeamClosedDays(ctx, teamID, day)
	if err != nil {
		return err
	}
	if len(closed) > 0 && closed[0].Day == day {
		v.Add("date", "error.agenda.closed_day", closed[0].Label)
		return nil
	}
	hours, err := tx.TeamHours(ctx, teamID)
	if err != nil || len(hours) == 0 {
		return err
	}
	wd := int(start.In(paris).Weekday())
	if wd == 0 {
		wd = 7
	}
	s, e := start.In(paris).Format("15:04"), end.In(paris).Format("15:04")
	for _, h := range hours {
		if h.Weekday == wd && h.Opens <= s && e <= h.Closes {
			return nil
		}
	}
	v.Add("start", "error.agenda.outside_hours")
	return nil
}

// Book books an appointment on a person's file. Case workers who follow
// the person book any slot, warned of conflicts; the front desk (and a
// worker without relation to the file) books only a free slot, refused
// with 409 on a conflict.
func (s *Service) Book(ctx context.Context, actor parcours.Actor, personID string, in Input) (out *Booked, err error) {
	defer wrap(&err, "agenda: book")
	err = s.db.Transact(ctx, func(tx *store.Tx) error {
		f, err := file.Open(ctx, tx, actor, access.AppointmentBook, personID)
		if err != nil {
			return err
		}
		desk := !f.Can(access.AppointmentWrite)
		out, err = book(ctx, tx, f, in, desk)
		return err
	})
	return out, err
}

func book(ctx context.Context, tx *store.Tx, f *file.File, in Input, desk bool) (*Booked, error) {
	actor := f.Actor()
	a := &parcours.Appointment{OrgID: f.Person.OrgID, PersonID: f.Person.ID, PlaceKind: in.PlaceKind, ServiceID: strings.TrimSpace(in.ServiceID),
		Place: strings.TrimSpace(in.Place), Theme: strings.TrimSpace(in.Theme), Status: parcours.ApptPlanned, TeamID: in.TeamID,
		BookedByDesk: desk, CreatedBy: actor.WorkerID}
	if in.Household {
		a.HouseholdID = f.Person.HouseholdID
	}
	var v parcours.Problems
	start, end, ok := slot(&v, in.Date, in.Start, in.End)
	if ok {
		a.StartsAt, a.EndsAt = start.UTC(), end.UTC()
		if start.Before(tx.Now()) {
			if in.Date < Today(tx.Now()) {
				v.Add("date", "error.agenda.in_the_past")
			} else {
				v.Add("start", "error.agenda.in_the_past")
			}
		}
	}
	if len(in.WorkerIDs) == 0 {
		v.Add("worker_ids", "error.field_required", label("worker_ids"))
	}
	var first *parcours.Worker
	for _, id := range in.WorkerIDs {
		id = strings.TrimSpace(id)
		if id == "" || slices.Contains(a.WorkerIDs, id) {
			continue
		}
		w, err := orgWorker(ctx, tx, actor.OrgID, id)
		if err != nil {
			return nil, err
		}
		if w == nil {
			v.Add("worker_ids", "error.agenda.unknown_worker")
			break
		}
		if first == nil {
			first = w
		}
		a.WorkerIDs = append(a.WorkerIDs, id)
	}
	if len(in.WorkerIDs) > 10 {
		v.Add("worker_ids", "error.agenda.too_many_workers")
	}
	if a.Theme == "" {
		v.Add("theme", "error.field_required", label("theme"))
	} else if utf8.RuneCountInString(a.Theme) > 200 {
		v.Add("theme", "error.field_too_long", label("theme"), 200)
	}
	if utf8.RuneCountInString(a.Place) > 500 {
		v.Add("place", "error.field_too_long", label("place"), 500)
	}
	switch a.PlaceKind {
	case parcours.PlaceService:
		if a.ServiceID == "" {
			v.Add("service_id", "error.field_required", label("service_id"))
			break
		}
		sv, err := tx.Service(ctx, a.ServiceID)
		if err == store.ErrNoRows {
			v.Add("service_id", "error.agenda.unknown_service")
			break
		} else if err != nil {
			return nil, err
		}
		if a.Place == "" {
			a.Place = serviceAddress(ctx, tx, sv)
		}
		if a.TeamID == "" && sv.OrgID == actor.OrgID {
			a.TeamID = sv.TeamID
		}
	case parcours.PlaceHome:
		a.ServiceID = ""
		if a.Place == "" {
			ad := f.Person.Address
			a.Place = strings.TrimSpace(strings.Join(slices.DeleteFunc([]string{ad.Line1, ad.Line2, strings.TrimSpace(ad.PostalCode + " " + ad.City)},
				func(s string) bool { return s == "" }), ", "))
		}
	case parcours.PlacePhone:
		a.ServiceID = ""
		if a.Place == "" {
			a.Place = f.Person.Phone
		}
	case parcours.PlaceVisio:
		a.ServiceID = ""
		if u, err := url.Parse(a.Place); a.Place == "" || err != nil || u.Scheme != "https" || u.Host == "" {
			v.Add("place", "error.agenda.visio_link")
		}
	case "":
		v.Add("place_kind", "error.field_required", label("place_kind"))
	default:
		v.Add("place_kind", "error.invalid_choice", label("place_kind"))
	}
	if a.TeamID == "" && first != nil && len(first.TeamIDs) > 0 {
		a.TeamID = first.TeamIDs[0]
	} else if a.TeamID != "" {
		if t, err := tx.Team(ctx, actor.OrgID, a.TeamID); err != nil || t.ID != a.TeamID {
			v.Add("team_id", "error.agenda.unknown_team")
			a.TeamID = ""
		}
	}
	if ok {
		if err := checkHours(ctx, tx, &v, a.TeamID, start, end); err != nil {
			return nil, err
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	busy, err := tx.WorkerBusy(ctx, a.WorkerIDs, a.StartsAt, a.EndsAt, "")
	if err != nil {
		return nil, err
	}
	out := &Booked{Appointment: a, Conflicts: []Conflict{}}
	for _, b := range busy {
		out.Conflicts = append(out.Conflicts, Conflict{AppointmentID: b.AppointmentID, WorkerID: b.WorkerID, StartsAt: b.StartsAt, EndsAt: b.EndsAt})
	}
	if desk && len(out.Conflicts) > 0 {
		return nil, parcours.Errorf(parcours.EConflict, "error.agenda.slot_taken")
	}
	if err := tx.InsertAppointment(ctx, a); err != nil {
		return nil, err
	}
	f.Audit("appointment.create", "appointment", a.ID)
	return out, nil
}

func serviceAddress(ctx context.Context, tx *store.Tx, sv *parcours.Service) string {
	parts := []string{sv.StructureNom + " — " + sv.Nom}
	if st, err := tx.Structure(ctx, sv.StructureID); err == nil {
		if st.Adresse != "" {
			parts = append(parts, st.Adresse)
		}
		if st.Commune != "" {
			parts = append(parts, st.Commune)
		}
	} else if sv.Commune != "" {
		parts = append(parts, sv.Commune)
	}
	return strings.Join(parts, ", ")
}

// Appointment returns one appointment (the file's appointments must be
// readable).
func (s *Service) Appointment(ctx context.Context, actor parcours.Actor, id string) (out *file.CalendarItem, err error) {
	defer wrap(&err, "agenda: appointment")
	err = s.db.View(ctx, func(tx *store.Tx) error {
		f, a, err := file.OpenAppointment(ctx, tx, actor, access.AppointmentRead, id)
		if err != nil {
			return err
		}
		out = &file.CalendarItem{Appointment: a, Visible: true, PersonName: f.Person.DisplayName(), Initials: file.Initials(f.Person), Phone: f.Person.Phone}
		f.Audit("appointment.read", "appointment", a.ID)
		return nil
	})
	return out, err
}

// PersonAppointments returns a person's appointments, the latest first.
func (s *Service) PersonAppointments(ctx context.Context, actor parcours.Actor, personID string) (out []*parcours.Appointment, err error) {
	defer wrap(&err, "agenda: person appointments")
	err = s.db.View(ctx, func(tx *store.Tx) error {
		f, err := file.Open(ctx, tx, actor, access.AppointmentRead, personID)
		if err != nil {
			return err
		}
		if out, err = f.Appointments(ctx); err != nil {
			return err
		}
		f.Audit("appointment.list", "person", f.Person.ID)
		return nil
	})
	return out, err
}

// Outcome is what happened to a planned appointment. Journal, when its
// summary is not blank, is written to the person's journal with the
// outcome (honoured or missed only): the worker reviews the prefilled
// text (Draft) before sending it.
type Outcome struct {
	Status       string `json:"status"`
	CancelledBy  string `json:"cancelled_by"`
	CancelReason string `json:"cancel_reason"`
	// NewDate, NewStart, NewEnd: the new slot of a postponed appointment.
	NewDate  string               `json:"new_date"`
	NewStart string               `json:"new_start"`
	NewEnd   string               `json:"new_end"`
	Journal  *casefile.EntryInput `json:"journal"`
}

// Closed is an appointment after its outcome: the new appointment when
// postponed, the journal entry when one was written.
type Closed struct {
	*parcours.Appointment
	Rescheduled  *Booked                `json:"rescheduled,omitempty"`
	JournalEntry *parcours.JournalEntry `json:"journal_entry,omitempty"`
}

// RecordOutcome closes a planned appointment (409 once closed).
func (s *Service) RecordOutcome(ctx context.Context, actor parcours.Actor, id string, in Outcome) (out *Closed, err error) {
	defer wrap(&err, "agenda: outcome")
	err = s.db.Transact(ctx, func(tx *store.Tx) error {
		f, old, err := file.OpenAppointment(ctx, tx, actor, access.AppointmentWrite, id)
		if err != nil {
			return err
		}
		if old.Status != parcours.ApptPlanned {
			return parcours.Errorf(parcours.EConflict, "error.agenda.closed")
		}
		c := *old
		a := &c
		a.Status = in.Status
		var v parcours.Problems
		switch in.Status {
		case parcours.ApptHonoured, parcours.ApptMissed:
			if tx.Now().Before(a.StartsAt) {
				v.Add("status", "error.agenda.not_yet")
			}
		case parcours.ApptCancelled:
			a.CancelledBy, a.CancelReason = in.CancelledBy, strings.TrimSpace(in.CancelReason)
			if !slices.Contains(parcours.CancelledBys, a.CancelledBy) {
				v.Add("cancelled_by", "error.field_required", label("cancelled_by"))
			}
			if a.CancelReason == "" {
				v.Add("cancel_reason", "error.field_required", label("cancel_reason"))
			} else if utf8.RuneCountInString(a.CancelReason) > 500 {
				v.Add("cancel_reason", "error.field_too_long", label("cancel_reason"), 500)
			}
		case parcours.ApptPostponed:
		case "":
			v.Add("status", "error.field_required", label("status"))
		default:
			v.Add("status", "error.invalid_choice", label("status"))
		}
		writeJournal := in.Journal != nil && strings.TrimSpace(in.Journal.Summary) != ""
		if writeJournal && in.Status != parcours.ApptHonoured && in.Status != parcours.ApptMissed {
			v.Add("journal", "error.agenda.journal_after_meeting")
		}
		if err := v.Err(); err != nil {
			return err
		}
		out = &Closed{Appointment: a}
		if in.Status == parcours.ApptPostponed {
			nb, err := book(ctx, tx, f, Input{WorkerIDs: a.WorkerIDs, Date: in.NewDate, Start: in.NewStart, End: in.NewEnd, PlaceKind: a.PlaceKind,
				ServiceID: a.ServiceID, Place: a.Place, Theme: a.Theme, TeamID: a.TeamID, Household: a.HouseholdID != ""}, false)
			if err != nil {
				return renamePostponed(err)
			}
			a.RescheduledTo, out.Rescheduled = nb.ID, nb
		}
		ok, err := tx.CloseAppointment(ctx, a)
		if err != nil {
			return err
		}
		if !ok {
			return parcours.Errorf(parcours.EConflict, "error.agenda.closed")
		}
		a.UpdatedAt = tx.Now()
		f.Audit("appointment.outcome", "appointment", a.ID)
		if writeJournal {
			if out.JournalEntry, err = journal(ctx, tx, actor, a, *in.Journal); err != nil {
				return err
			}
			a.JournalEntryID = out.JournalEntry.ID
		}
		return nil
	})
	return out, err
}

// renamePostponed names the new slot's fields as the outcome's.
func renamePostponed(err error) error {
	e := parcours.AsError(err)
	if e == nil || e.Field == "" {
		return err
	}
	c := *e
	switch c.Field {
	case "date", "start", "end":
		c.Field = "new_" + c.Field
	}
	return &c
}

func journal(ctx context.Context, tx *store.Tx, actor parcours.Actor, a *parcours.Appointment, in casefile.EntryInput) (*parcours.JournalEntry, error) {
	if in.OccurredAt == "" {
		in.OccurredAt = a.StartsAt.In(paris).Format(time.DateOnly)
	}
	if in.Kind == "" {
		in.Kind = parcours.EntryInterview
		if a.Status == parcours.ApptMissed {
			in.Kind = parcours.EntryNote
		}
	}
	if in.Kind == parcours.EntryInterview && in.Mode == "" {
		in.Mode = modeOf(a.PlaceKind)
	}
	e, err := casefile.WriteEntry(ctx, tx, actor, a.PersonID, in)
	if err != nil {
		return nil, err
	}
	ok, err := tx.SetAppointmentJournal(ctx, a.ID, e.ID)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, parcours.Errorf(parcours.EConflict, "error.agenda.journal_written")
	}
	return e, nil
}

// modeOf is the interview mode of a place.
func modeOf(place string) string {
	switch place {
	case parcours.PlaceHome:
		return "domicile"
	case parcours.PlacePhone:
		return "telephone"
	case parcours.PlaceVisio:
		return "visio"
	}
	return "presentiel"
}

// WriteJournal writes the journal entry of an honoured or missed
// appointment whose outcome was recorded without one.
func (s *Service) WriteJournal(ctx context.Context, actor parcours.Actor, id string, in casefile.EntryInput) (e *parcours.JournalEntry, err error) {
	defer wrap(&err, "agenda: journal")
	err = s.db.Transact(ctx, func(tx *store.Tx) error {
		_, a, err := file.OpenAppointment(ctx, tx, actor, access.AppointmentWrite, id)
		if err != nil {
			return err
		}
		if a.Status != parcours.ApptHonoured && a.Status != parcours.ApptMissed {
			return parcours.FieldError(parcours.EInvalid, "status", "error.agenda.journal_after_meeting")
		}
		if a.JournalEntryID != "" {
			return parcours.Errorf(parcours.EConflict, "error.agenda.journal_written")
		}
		e, err = journal(ctx, tx, actor, a, in)
		return err
	})
	return e, err
}

// Draft is the journal entry prefilled from an appointment, for the
// worker to review before saving: the kind (entretien when honoured, note
// when missed), the date, the mode from the place, and a summary in
// words of the catalogue (key and arguments for the web to translate).
type Draft struct {
	Kind        string `json:"kind"`
	OccurredAt  string `json:"occurred_at"`
	Mode        string `json:"mode"`
	SummaryKey  string `json:"-"`
	SummaryArgs []any  `json:"-"`
}

// DraftOf prefills the journal entry of an appointment's outcome.
func DraftOf(a *parcours.Appointment, status string) Draft {
	st := a.StartsAt.In(paris)
	d := Draft{Kind: parcours.EntryInterview, OccurredAt: st.Format(time.DateOnly), Mode: modeOf(a.PlaceKind),
		SummaryKey: "agenda.draft.honoured", SummaryArgs: []any{st.Format("02/01/2006"), st.Format("15h04"), a.Theme}}
	if status == parcours.ApptMissed {
		d.Kind, d.Mode, d.SummaryKey = parcours.EntryNote, "", "agenda.draft.missed"
	}
	return d
}

// audited records an event of the agenda that is about no one file.
func audited(tx *store.Tx, actor parcours.Actor, action, objectType, objectID string) {
	tx.Audit(audit.For(actor, action, objectType, objectID, ""))
}
