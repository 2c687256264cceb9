package agendaweb

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"parcours/internal/access"
	"parcours/internal/agenda"
	"parcours/internal/casefile"
	"parcours/internal/file"
	"parcours/internal/i18n"
	"parcours/internal/parcours"
	"parcours/internal/web"
)

// The pages: the worker's agenda by day or week and the team's, a
// person's appointments with the booking form, an appointment with its
// outcome and the journal entry prefilled from it, the front desk (a
// person's desk page and the day's visits), a service's hours and closed
// days, and the calendar feed's token. Every form works without
// JavaScript and redirects after a successful post.

func (s *server) pageRoutes() {
	s.Handle("GET", "/agenda", web.Page, s.pageAgenda, nil)
	s.Handle("GET", "/agenda/team", web.Page, s.pageTeamAgenda, nil)
	s.Handle("GET", "/agenda/calendar", web.Page, s.pageCalendar, nil)
	s.Handle("POST", "/agenda/calendar", web.Page, s.pageNewToken, nil)
	s.Handle("POST", "/agenda/calendar/revoke", web.Page, s.pageRevokeToken, nil)
	s.Handle("GET", "/persons/{id}/appointments", web.Page, s.pagePerson, nil)
	s.Handle("POST", "/persons/{id}/appointments", web.Page, s.pageBook, nil)
	s.Handle("GET", "/appointments/{id}", web.Page, s.pageAppointment, nil)
	s.Handle("POST", "/appointments/{id}/outcome", web.Page, s.pageOutcome, nil)
	s.Handle("POST", "/appointments/{id}/journal", web.Page, s.pageJournal, nil)
	s.Handle("GET", "/desk", web.Page, s.pageDesk, nil)
	s.Handle("GET", "/persons/{id}/desk", web.Page, s.pagePersonDesk, nil)
	s.Handle("POST", "/persons/{id}/desk-visits", web.Page, s.pageLogVisit, nil)
	s.Handle("POST", "/persons/{id}/desk-appointments", web.Page, s.pageDeskBook, nil)
	s.Handle("GET", "/admin/teams/{id}/hours", web.Page, s.pageHours, nil)
	s.Handle("POST", "/admin/teams/{id}/hours", web.Page, s.pageSetHours, nil)
	s.Handle("POST", "/admin/teams/{id}/closed-days", web.Page, s.pageAddClosed, nil)
	s.Handle("POST", "/admin/teams/{id}/closed-days/{day}/delete", web.Page, s.pageRemoveClosed, nil)
}

// formError shows a form again with its messages for a 422 or a 409, and
// returns any other error as it is.
func formError(err error) (*parcours.Error, bool) {
	e := parcours.AsError(err)
	if e == nil || (e.Code != parcours.EInvalid && e.Code != parcours.EConflict) {
		return nil, false
	}
	return e, true
}

// answer ends a form's POST: once saved (err nil), a redirect to next;
// a form error (invalid input, a conflict) shows the page again through
// show, with what was typed and the error under prefix+field, in the
// status of the error; any other error goes to the error page.
func answer(w http.ResponseWriter, r *http.Request, err error, next string,
	show func(http.ResponseWriter, *http.Request, int, *web.PageData) error, prefix, field string) error {
	if err == nil {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return nil
	}
	e, ok := formError(err)
	if !ok {
		return err
	}
	p := &web.PageData{Form: web.TypedForm(r)}
	p.AddErrors(web.Lang(r), e, prefix, field)
	return show(w, r, web.StatusOf(e.Code), p)
}

// dayView is one day of an agenda page.
type dayView struct {
	Date  time.Time
	Items []file.CalendarItem
}

type agendaPage struct {
	View    *agenda.View
	Days    []dayView
	Week    bool
	Date    string
	Prev    string
	Next    string
	Worker  string
	TeamID  string
	Teams   []*parcours.Team
	Workers map[string]string
	Team    bool
}

func (s *server) agendaPeriod(r *http.Request) (date string, week bool, from, to time.Time, err error) {
	q := r.URL.Query()
	date, week = q.Get("date"), q.Get("view") == "week"
	if date == "" {
		date = agenda.Today(s.svc.Now())
	}
	d, perr := time.ParseInLocation(time.DateOnly, date, agenda.Paris())
	if perr != nil {
		return "", false, time.Time{}, time.Time{}, parcours.FieldError(parcours.EInvalid, "date", "error.invalid_date", "field.agenda.date")
	}
	if week {
		wd := int(d.Weekday())
		if wd == 0 {
			wd = 7
		}
		d = d.AddDate(0, 0, 1-wd)
		date = d.Format(time.DateOnly)
		return date, week, d, d.AddDate(0, 0, 7), nil
	}
	return date, week, d, d.AddDate(0, 0, 1), nil
}

func (s *server) showAgenda(w http.ResponseWriter, r *http.Request, team bool) error {
	a := web.MustActor(r)
	// The refusal first: a bad date is no business of who may not see
	// agendas.
	need, target := access.AgendaRead, access.Target{}
	if team {
		need, target = access.AgendaTeamRead, access.Target{OrgID: a.OrgID}
	}
	if err := access.Check(a, need, target); err != nil {
		return err
	}
	date, week, from, to, err := s.agendaPeriod(r)
	if err != nil {
		return err
	}
	p := &agendaPage{Week: week, Date: date, Team: team, Workers: map[string]string{}}
	step := 1
	if week {
		step = 7
	}
	p.Prev, p.Next = from.AddDate(0, 0, -step).Format(time.DateOnly), from.AddDate(0, 0, step).Format(time.DateOnly)
	if team {
		p.TeamID = r.URL.Query().Get("team")
		p.View, err = s.svc.TeamAgenda(r.Context(), a, p.TeamID, from, to)
	} else {
		p.Worker = r.URL.Query().Get("worker")
		p.View, err = s.svc.WorkerAgenda(r.Context(), a, p.Worker, from, to)
	}
	if err != nil {
		return err
	}
	if c, err := s.svc.Choices(r.Context(), a); err == nil {
		p.Teams = c.Teams
		for _, w := range c.Workers {
			p.Workers[w.ID] = w.DisplayName()
		}
	}
	if team && p.TeamID == "" && len(a.TeamIDs) > 0 {
		p.TeamID = a.TeamIDs[0]
	}
	for d := from; d.Before(to); d = d.AddDate(0, 0, 1) {
		dv := dayView{Date: d}
		for _, it := range p.View.Items {
			if it.StartsAt.In(agenda.Paris()).Format(time.DateOnly) == d.Format(time.DateOnly) {
				dv.Items = append(dv.Items, it)
			}
		}
		p.Days = append(p.Days, dv)
	}
	title := "agenda.title"
	if team {
		title = "agenda.team_title"
	}
	return s.Render(w, r, http.StatusOK, "agenda.html", &web.PageData{Title: title, Data: p})
}

func (s *server) pageAgenda(w http.ResponseWriter, r *http.Request) error {
	return s.showAgenda(w, r, false)
}

func (s *server) pageTeamAgenda(w http.ResponseWriter, r *http.Request) error {
	return s.showAgenda(w, r, true)
}

// personPage is a person's appointments with the booking form.
type personPage struct {
	PersonID     string
	Appointments []*parcours.Appointment
	Choices      *agenda.Choices
	Workers      map[string]string
	Today        string
	Me           string
	PlaceKinds   []string
}

func (s *server) showPerson(w http.ResponseWriter, r *http.Request, status int, p *web.PageData) error {
	a := web.MustActor(r)
	list, err := s.svc.PersonAppointments(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return err
	}
	c, err := s.svc.Choices(r.Context(), a)
	if err != nil {
		return err
	}
	d := &personPage{PersonID: r.PathValue("id"), Appointments: list, Choices: c, Workers: map[string]string{},
		Today: agenda.Today(s.svc.Now()), Me: a.WorkerID, PlaceKinds: parcours.PlaceKinds}
	for _, w := range c.Workers {
		d.Workers[w.ID] = w.DisplayName()
	}
	p.Title, p.Data = "agenda.person_title", d
	return s.Render(w, r, status, "appointments.html", p)
}

func (s *server) pagePerson(w http.ResponseWriter, r *http.Request) error {
	return s.showPerson(w, r, http.StatusOK, &web.PageData{})
}

func inputOf(f url.Values) agenda.Input {
	return agenda.Input{WorkerIDs: f["worker_ids"], Date: f.Get("date"), Start: f.Get("start"), End: f.Get("end"),
		PlaceKind: f.Get("place_kind"), ServiceID: f.Get("service_id"), Place: f.Get("place"), Theme: f.Get("theme"),
		TeamID: f.Get("team_id"), Household: f.Get("household") == "1"}
}

func (s *server) pageBook(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(r); err != nil {
		return err
	}
	b, err := s.svc.Book(r.Context(), web.MustActor(r), r.PathValue("id"), inputOf(r.PostForm))
	next := ""
	if err == nil {
		next = "/appointments/" + b.ID + "?booked=1&conflicts=" + strconv.Itoa(len(b.Conflicts))
	}
	return answer(w, r, err, next, s.showPerson, "", "form")
}

// apptPage is an appointment with its outcome form and, once honoured or
// missed, the journal entry prefilled from it.
type apptPage struct {
	Item        *file.CalendarItem
	Workers     map[string]string
	Booked      bool
	Conflicts   int
	Saved       bool
	CanWrite    bool
	CanJournal  bool
	Draft       agenda.Draft
	DraftText   string
	CancelledBy []string
	Today       string
	Past        bool
}

func (s *server) showAppointment(w http.ResponseWriter, r *http.Request, status int, p *web.PageData) error {
	a := web.MustActor(r)
	it, err := s.svc.Appointment(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return err
	}
	q := r.URL.Query()
	d := &apptPage{Item: it, Workers: map[string]string{}, Booked: q.Get("booked") == "1", Saved: q.Get("saved") == "1",
		CanWrite: access.Allowed(a, access.AppointmentWrite, access.Target{}), CancelledBy: parcours.CancelledBys,
		Today: agenda.Today(s.svc.Now()), Past: !s.svc.Now().Before(it.StartsAt)}
	d.Conflicts, _ = strconv.Atoi(q.Get("conflicts"))
	if c, err := s.svc.Choices(r.Context(), a); err == nil {
		for _, w := range c.Workers {
			d.Workers[w.ID] = w.DisplayName()
		}
	}
	if (it.Status == parcours.ApptHonoured || it.Status == parcours.ApptMissed) && it.JournalEntryID == "" && d.CanWrite {
		d.CanJournal = true
		d.Draft = agenda.DraftOf(it.Appointment, it.Status)
		d.DraftText = i18n.T(web.Lang(r), d.Draft.SummaryKey, d.Draft.SummaryArgs...)
	}
	p.Title, p.Data = "agenda.appointment_title", d
	return s.Render(w, r, status, "appointment.html", p)
}

func (s *server) pageAppointment(w http.ResponseWriter, r *http.Request) error {
	return s.showAppointment(w, r, http.StatusOK, &web.PageData{})
}

func (s *server) pageOutcome(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(r); err != nil {
		return err
	}
	f := r.PostForm
	_, err := s.svc.RecordOutcome(r.Context(), web.MustActor(r), r.PathValue("id"), agenda.Outcome{Status: f.Get("status"),
		CancelledBy: f.Get("cancelled_by"), CancelReason: f.Get("cancel_reason"), NewDate: f.Get("new_date"), NewStart: f.Get("new_start"), NewEnd: f.Get("new_end")})
	return answer(w, r, err, "/appointments/"+r.PathValue("id")+"?saved=1", s.showAppointment, "", "form")
}

func (s *server) pageJournal(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(r); err != nil {
		return err
	}
	f := r.PostForm
	e, err := s.svc.WriteJournal(r.Context(), web.MustActor(r), r.PathValue("id"), casefile.EntryInput{Kind: f.Get("kind"),
		OccurredAt: f.Get("occurred_at"), Summary: f.Get("summary"), Mode: f.Get("mode"), Confidentiality: f.Get("confidentiality")})
	next := ""
	if err == nil {
		next = "/persons/" + e.PersonID + "#journal"
	}
	return answer(w, r, err, next, s.showAppointment, "journal-", "summary")
}

// deskPage is the front desk's page of a person: log a visit, book into
// a worker's free slot.
type deskPage struct {
	PersonID   string
	PersonName string
	Choices    *agenda.Choices
	Worker     string
	Date       string
	Minutes    int
	Slots      []agenda.Slot
	Saved      bool
	Booked     bool
}

func (s *server) showPersonDesk(w http.ResponseWriter, r *http.Request, status int, p *web.PageData) error {
	a := web.MustActor(r)
	q := r.URL.Query()
	c, err := s.svc.Choices(r.Context(), a)
	if err != nil {
		return err
	}
	d := &deskPage{PersonID: r.PathValue("id"), Choices: c, Worker: q.Get("worker"), Date: q.Get("date"), Minutes: 30,
		Saved: q.Get("saved") == "1", Booked: q.Get("booked") == "1"}
	// The desk's view of a person is their identity, nothing else.
	if d.PersonName, err = s.svc.CheckDesk(r.Context(), a, d.PersonID); err != nil {
		return err
	}
	if d.Date == "" {
		d.Date = agenda.Today(s.svc.Now())
	}
	if d.Worker != "" {
		if d.Slots, err = s.svc.FreeSlots(r.Context(), a, d.Worker, d.Date, d.Minutes); err != nil {
			e, ok := formError(err)
			if !ok {
				return err
			}
			p.AddErrors(web.Lang(r), e, "slot-", "worker")
			status = web.StatusOf(e.Code)
		}
	}
	p.Title, p.Data = "agenda.desk_person_title", d
	return s.Render(w, r, status, "desk_person.html", p)
}

func (s *server) pagePersonDesk(w http.ResponseWriter, r *http.Request) error {
	return s.showPersonDesk(w, r, http.StatusOK, &web.PageData{})
}

func (s *server) pageLogVisit(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(r); err != nil {
		return err
	}
	f := r.PostForm
	_, err := s.svc.LogVisit(r.Context(), web.MustActor(r), r.PathValue("id"), agenda.VisitInput{Visitor: f.Get("visitor"),
		ForWorkerID: f.Get("for_worker_id"), Motive: f.Get("motive"), Message: f.Get("message"), NeedsAppointment: f.Get("needs_appointment") == "1"})
	return answer(w, r, err, "/persons/"+r.PathValue("id")+"/desk?saved=1", s.showPersonDesk, "visit-", "motive")
}

func (s *server) pageDeskBook(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(r); err != nil {
		return err
	}
	in := inputOf(r.PostForm)
	// The desk's form: a slot « 09:30-10:00 » among the free ones, and a
	// place « phone » or « service:<id> ».
	if slot := r.PostForm.Get("slot"); slot != "" {
		in.Start, in.End, _ = strings.Cut(slot, "-")
	}
	if id, ok := strings.CutPrefix(in.PlaceKind, "service:"); ok {
		in.PlaceKind, in.ServiceID = parcours.PlaceService, id
	}
	_, err := s.svc.Book(r.Context(), web.MustActor(r), r.PathValue("id"), in)
	return answer(w, r, err, "/persons/"+r.PathValue("id")+"/desk?booked=1", s.showPersonDesk, "book-", "start")
}

type deskDayPage struct {
	*agenda.DeskDay
	Workers map[string]string
}

func (s *server) pageDesk(w http.ResponseWriter, r *http.Request) error {
	a := web.MustActor(r)
	d, err := s.svc.Desk(r.Context(), a, r.URL.Query().Get("day"))
	if err != nil {
		return err
	}
	p := &deskDayPage{DeskDay: d, Workers: map[string]string{}}
	if c, err := s.svc.Choices(r.Context(), a); err == nil {
		for _, w := range c.Workers {
			p.Workers[w.ID] = w.DisplayName()
		}
	}
	return s.Render(w, r, http.StatusOK, "desk.html", &web.PageData{Title: "agenda.desk_title", Data: p})
}

// hoursPage is a service's hours (one line per weekday) and closed days.
type hoursPage struct {
	*agenda.Hours
	Lines []hoursLine
	Saved bool
}

type hoursLine struct {
	Weekday int
	DayKey  string // the weekday's name in the catalogue (0 is Sunday there)
	Text    string
}

func (s *server) showHours(w http.ResponseWriter, r *http.Request, status int, p *web.PageData) error {
	h, err := s.svc.TeamHours(r.Context(), web.MustActor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	if !access.Allowed(web.MustActor(r), access.AgendaSettings, access.Target{}) {
		return parcours.Forbidden()
	}
	d := &hoursPage{Hours: h, Saved: r.URL.Query().Get("saved") == "1"}
	for wd := 1; wd <= 7; wd++ {
		var parts []string
		for _, o := range h.Hours {
			if o.Weekday == wd {
				parts = append(parts, o.Opens+"-"+o.Closes)
			}
		}
		d.Lines = append(d.Lines, hoursLine{Weekday: wd, DayKey: "date.weekday." + strconv.Itoa(wd%7), Text: strings.Join(parts, ", ")})
	}
	p.Title, p.Data = "agenda.hours_title", d
	return s.Render(w, r, status, "team_hours.html", p)
}

func (s *server) pageHours(w http.ResponseWriter, r *http.Request) error {
	return s.showHours(w, r, http.StatusOK, &web.PageData{})
}

func (s *server) hoursDone(w http.ResponseWriter, r *http.Request, err error, def string) error {
	return answer(w, r, err, "/admin/teams/"+r.PathValue("id")+"/hours?saved=1", s.showHours, "", def)
}

func (s *server) pageSetHours(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(r); err != nil {
		return err
	}
	var v parcours.Problems
	var hours []parcours.OpeningHours
	for wd := 1; wd <= 7; wd++ {
		hours = append(hours, agenda.ParseHours(&v, "day"+strconv.Itoa(wd), wd, r.PostForm.Get("day"+strconv.Itoa(wd)))...)
	}
	if err := v.Err(); err != nil {
		return s.hoursDone(w, r, err, "hours")
	}
	return s.hoursDone(w, r, s.svc.SetTeamHours(r.Context(), web.MustActor(r), r.PathValue("id"), hours), "hours")
}

func (s *server) pageAddClosed(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(r); err != nil {
		return err
	}
	return s.hoursDone(w, r, s.svc.AddClosedDay(r.Context(), web.MustActor(r), r.PathValue("id"),
		parcours.ClosedDay{Day: r.PostForm.Get("day"), Label: r.PostForm.Get("label")}), "day")
}

func (s *server) pageRemoveClosed(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(r); err != nil {
		return err
	}
	return s.hoursDone(w, r, s.svc.RemoveClosedDay(r.Context(), web.MustActor(r), r.PathValue("id"), r.PathValue("day")), "day")
}

type calendarPage struct {
	Token *parcours.CalendarToken
	URL   string
}

func (s *server) pageCalendar(w http.ResponseWriter, r *http.Request) error {
	a := web.MustActor(r)
	if !access.Allowed(a, access.AgendaRead, access.Target{}) {
		return parcours.Forbidden()
	}
	t, err := s.svc.CalendarToken(r.Context(), a)
	if err != nil {
		return err
	}
	return s.Render(w, r, http.StatusOK, "calendar_token.html", &web.PageData{Title: "agenda.calendar_title", Data: &calendarPage{Token: t}})
}

func (s *server) pageNewToken(w http.ResponseWriter, r *http.Request) error {
	a := web.MustActor(r)
	tok, err := s.svc.NewCalendarToken(r.Context(), a)
	if err != nil {
		return err
	}
	t, err := s.svc.CalendarToken(r.Context(), a)
	if err != nil {
		return err
	}
	// The secret is shown once, on this answer; only its hash is kept.
	return s.Render(w, r, http.StatusOK, "calendar_token.html", &web.PageData{Title: "agenda.calendar_title",
		Data: &calendarPage{Token: t, URL: feedURL(r, tok)}})
}

func (s *server) pageRevokeToken(w http.ResponseWriter, r *http.Request) error {
	if err := s.svc.RevokeCalendarToken(r.Context(), web.MustActor(r)); err != nil {
		return err
	}
	http.Redirect(w, r, "/agenda/calendar", http.StatusSeeOther)
	return nil
}
