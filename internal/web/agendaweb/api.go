// Package agendaweb serves the agenda over HTTP (issue 11): appointments
// on a person's file and their outcome, the workers' and teams' agendas,
// free slots, the services' working hours and closed days, the front
// desk's visits, and each worker's iCalendar feed — as pages and as a JSON
// API side by side. Handlers parse, call one service method and render;
// they never decide who may do what and never touch the database.
package agendaweb

import (
	"net/http"
	"net/url"
	"strconv"

	"parcours/internal/agenda"
	"parcours/internal/casefile"
	"parcours/internal/parcours"
	"parcours/internal/web"
)

// Register adds the routes of the agenda to the shell.
func Register(shell *web.Server) {
	svc := shell.Services().Agenda
	if svc == nil {
		return
	}
	s := &server{Server: shell, svc: svc, cf: shell.Services().CaseFile}
	s.schemas()
	s.apiRoutes()
	s.pageRoutes()
}

type server struct {
	*web.Server
	svc *agenda.Service
	cf  *casefile.Service
}

func (s *server) schemas() {
	str, date, inst, b := web.Str(), web.StrFmt("date"), web.StrFmt("date-time"), web.Boolean()
	appt := web.Schema{
		"id": str, "organization_id": str, "person_id": str, "household_id": str, "team_id": str, "worker_ids": web.ArrayOf(str),
		"starts_at": inst, "ends_at": inst, "place_kind": web.Enum(parcours.PlaceKinds...), "service_id": str, "place": str, "theme": str,
		"status": web.Enum(parcours.ApptStatuses...), "cancelled_by": web.Enum(parcours.CancelledBys...), "cancel_reason": str,
		"rescheduled_to": str, "journal_entry_id": str, "booked_by_desk": b, "created_by": str, "created_at": inst, "updated_at": inst,
	}
	req := []string{"id", "organization_id", "person_id", "worker_ids", "starts_at", "ends_at", "place_kind", "place", "theme", "status",
		"booked_by_desk", "created_by", "created_at", "updated_at"}
	s.Schema("Appointment", web.Object(req, appt))
	conflict := web.Object([]string{"appointment_id", "worker_id", "starts_at", "ends_at"}, web.Schema{
		"appointment_id": str, "worker_id": str, "starts_at": inst, "ends_at": inst})
	booked := web.Schema{"conflicts": web.ArrayOf(conflict)}
	for k, v := range appt {
		booked[k] = v
	}
	s.Schema("BookedAppointment", web.Object(append([]string{"conflicts"}, req...), booked))
	// An item of an agenda: visible says whether the reader may read the
	// file's appointments; otherwise person, purpose and place are blank.
	item := web.Schema{"visible": b, "person_name": str}
	for k, v := range appt {
		item[k] = v
	}
	s.Schema("AgendaItem", web.Object(append([]string{"visible"}, req...), item))
	closed := web.Schema{"journal_entry": web.Ref("JournalEntry"), "rescheduled": web.Ref("BookedAppointment")}
	for k, v := range appt {
		closed[k] = v
	}
	s.Schema("ClosedAppointment", web.Object(req, closed))
	worker := web.Object([]string{"id", "organization_id", "email", "first_name", "last_name", "role", "team_ids"}, web.Schema{
		"id": str, "organization_id": str, "email": str, "first_name": str, "last_name": str, "role": str, "team_ids": web.ArrayOf(str),
		"disabled": b, "language": str, "totp_enabled": b, "created_at": inst})
	s.Schema("Agenda", web.Object([]string{"from", "to", "workers", "items"}, web.Schema{
		"from": inst, "to": inst, "workers": web.ArrayOf(worker), "items": web.ArrayOf(web.Ref("AgendaItem"))}))
	s.Schema("AppointmentInput", web.Object([]string{"worker_ids", "date", "start", "end", "place_kind", "theme"}, web.Schema{
		"worker_ids": web.ArrayOf(str), "date": date, "start": web.Schema{"type": "string", "pattern": "^[0-9]{2}:[0-9]{2}$"},
		"end": web.Schema{"type": "string", "pattern": "^[0-9]{2}:[0-9]{2}$"}, "place_kind": web.Enum(parcours.PlaceKinds...),
		"service_id": str, "place": str, "theme": str, "team_id": str, "household": b}))
	s.Schema("AppointmentOutcome", web.Object([]string{"status"}, web.Schema{
		"status":       web.Enum(parcours.ApptHonoured, parcours.ApptMissed, parcours.ApptCancelled, parcours.ApptPostponed),
		"cancelled_by": web.Enum(parcours.CancelledBys...), "cancel_reason": str, "new_date": date, "new_start": str, "new_end": str,
		"journal": web.Ref("JournalEntryInputForAppointment")}))
	s.Schema("JournalEntryInputForAppointment", web.Object(nil, web.Schema{
		"kind": str, "occurred_at": date, "summary": str, "theme": str, "mode": str, "participants": web.ArrayOf(str), "confidentiality": str,
		"accompaniment_id": str, "private_synthesis": str}))
	s.Schema("Slots", web.Object([]string{"items"}, web.Schema{"items": web.ArrayOf(web.Object([]string{"start", "end"}, web.Schema{"start": str, "end": str}))}))
	s.Schema("TeamHours", web.Object([]string{"team_id", "team_name", "hours", "closed_days"}, web.Schema{
		"team_id": str, "team_name": str, "hours": web.ArrayOf(web.Ref("OpeningHours")), "closed_days": web.ArrayOf(web.Ref("ClosedDay"))}))
	s.Schema("OpeningHours", web.Object([]string{"weekday", "opens", "closes"}, web.Schema{
		"weekday": web.Schema{"type": "integer", "minimum": 1, "maximum": 7}, "opens": str, "closes": str}))
	s.Schema("ClosedDay", web.Object([]string{"day"}, web.Schema{"day": date, "label": str}))
	s.Schema("HoursInput", web.Object([]string{"hours"}, web.Schema{"hours": web.ArrayOf(web.Ref("OpeningHours"))}))
	visit := web.Object([]string{"id", "organization_id", "person_id", "visitor", "for_worker_id", "motive", "message", "needs_appointment", "came_at", "created_by", "created_at"},
		web.Schema{"id": str, "organization_id": str, "person_id": str, "visitor": str, "for_worker_id": str, "motive": str, "message": str,
			"needs_appointment": b, "appointment_id": str, "came_at": inst, "created_by": str, "created_at": inst})
	s.Schema("DeskVisit", visit)
	s.Schema("DeskVisitInput", web.Object([]string{"motive"}, web.Schema{"visitor": str, "for_worker_id": str, "motive": str, "message": str, "needs_appointment": b}))
	s.Schema("DeskDay", web.Object([]string{"day", "visits", "person_names"}, web.Schema{"day": date, "visits": web.ArrayOf(web.Ref("DeskVisit")),
		"person_names": web.Schema{"type": "object", "additionalProperties": str}}))
	s.Schema("CalendarTokenSecret", web.Object([]string{"token", "url"}, web.Schema{"token": str, "url": str}))
}

func (s *server) apiRoutes() {
	period := []web.Param{{Name: "from", Description: "first day, YYYY-MM-DD (today by default)", Type: "string"},
		{Name: "to", Description: "day after the last, YYYY-MM-DD (7 days after from by default; at most 62 days)", Type: "string"}}
	s.Handle("GET", "/api/v1/appointments", web.API, s.apiAgenda, &web.Op{ID: "workerAgenda",
		Summary: "A worker's agenda (the caller's by default): person and purpose only where the caller may read the file's appointments",
		Tag:     "agenda", Response: "Agenda", Query: append([]web.Param{{Name: "worker", Description: "worker id", Type: "string"}}, period...)})
	s.Handle("GET", "/api/v1/teams/{id}/appointments", web.API, s.apiTeamAgenda, &web.Op{ID: "teamAgenda",
		Summary: "The agenda of a team's workers (managers)", Tag: "agenda", Response: "Agenda", Query: period})
	s.Handle("GET", "/api/v1/appointments/free-slots", web.API, s.apiSlots, &web.Op{ID: "freeSlots",
		Summary: "A worker's free slots on a day within their service's hours (where the front desk books)", Tag: "agenda", Response: "Slots",
		Query: []web.Param{{Name: "worker", Description: "worker id", Type: "string"}, {Name: "date", Description: "YYYY-MM-DD", Type: "string"},
			{Name: "minutes", Description: "length (30 by default)", Type: "integer"}}})
	s.Handle("POST", "/api/v1/persons/{id}/appointments", web.API, s.apiBook, &web.Op{ID: "bookAppointment",
		Summary: "Book an appointment on a person's file; overlapping appointments of the workers are returned as conflicts (the front desk gets 409 instead)",
		Tag:     "agenda", Request: "AppointmentInput", Response: "BookedAppointment", Status: http.StatusCreated})
	s.Handle("GET", "/api/v1/persons/{id}/appointments", web.API, s.apiPersonAppointments, &web.Op{ID: "personAppointments",
		Summary: "A person's appointments, the latest first", Tag: "agenda", Response: "Appointment", List: true})
	s.Handle("GET", "/api/v1/appointments/{id}", web.API, s.apiAppointment, &web.Op{ID: "getAppointment",
		Summary: "One appointment", Tag: "agenda", Response: "AgendaItem"})
	s.Handle("POST", "/api/v1/appointments/{id}/outcome", web.API, s.apiOutcome, &web.Op{ID: "appointmentOutcome",
		Summary: "Record an appointment's outcome (honoured, missed, cancelled, postponed), with its journal entry (409 once recorded)",
		Tag:     "agenda", Request: "AppointmentOutcome", Response: "ClosedAppointment"})
	s.Handle("POST", "/api/v1/appointments/{id}/journal", web.API, s.apiJournal, &web.Op{ID: "appointmentJournal",
		Summary: "Write the journal entry of an honoured or missed appointment (409 when written)", Tag: "agenda",
		Request: "JournalEntryInputForAppointment", Response: "JournalEntry", Status: http.StatusCreated})
	s.Handle("GET", "/api/v1/appointments.ics", web.Public, s.apiFeed, &web.Op{ID: "calendarFeed",
		Summary: "A worker's calendar (text/calendar, RFC 5545) by their calendar token: times and places, never a person's name",
		Tag:     "agenda", Query: []web.Param{{Name: "token", Description: "the worker's calendar token", Type: "string"}}})
	s.Handle("POST", "/api/v1/me/calendar-token", web.API, s.apiNewToken, &web.Op{ID: "newCalendarToken",
		Summary: "Make the caller's calendar token (the previous one is revoked); shown once", Tag: "agenda",
		Response: "CalendarTokenSecret", Status: http.StatusCreated})
	s.Handle("DELETE", "/api/v1/me/calendar-token", web.API, s.apiRevokeToken, &web.Op{ID: "revokeCalendarToken",
		Summary: "Revoke the caller's calendar token", Tag: "agenda", Status: http.StatusNoContent})
	s.Handle("GET", "/api/v1/teams/{id}/hours", web.API, s.apiHours, &web.Op{ID: "teamHours",
		Summary: "A service's working hours and closed days to come", Tag: "agenda", Response: "TeamHours"})
	s.Handle("PUT", "/api/v1/teams/{id}/hours", web.API, s.apiSetHours, &web.Op{ID: "setTeamHours",
		Summary: "Replace a service's working hours (administrators)", Tag: "agenda", Request: "HoursInput", Response: "TeamHours"})
	s.Handle("POST", "/api/v1/teams/{id}/closed-days", web.API, s.apiAddClosed, &web.Op{ID: "addClosedDay",
		Summary: "Close a service on a day (administrators)", Tag: "agenda", Request: "ClosedDay", Response: "TeamHours"})
	s.Handle("DELETE", "/api/v1/teams/{id}/closed-days/{day}", web.API, s.apiRemoveClosed, &web.Op{ID: "removeClosedDay",
		Summary: "Open a closed day again (administrators)", Tag: "agenda", Response: "TeamHours"})
	s.Handle("POST", "/api/v1/persons/{id}/desk-visits", web.API, s.apiLogVisit, &web.Op{ID: "logDeskVisit",
		Summary: "Log a visit at the front desk (who came, for whom, why, a message); the worker it is for is notified",
		Tag:     "agenda", Request: "DeskVisitInput", Response: "DeskVisit", Status: http.StatusCreated})
	s.Handle("GET", "/api/v1/persons/{id}/desk-visits", web.API, s.apiPersonVisits, &web.Op{ID: "personDeskVisits",
		Summary: "The visits at the front desk logged on a person's file", Tag: "agenda", Response: "DeskVisit", List: true})
	s.Handle("GET", "/api/v1/desk-visits", web.API, s.apiDesk, &web.Op{ID: "deskDay",
		Summary: "The front desk's visits of a day (today by default)", Tag: "agenda", Response: "DeskDay",
		Query: []web.Param{{Name: "day", Description: "YYYY-MM-DD", Type: "string"}}})
}

func (s *server) period(r *http.Request) (from, to string) {
	q := r.URL.Query()
	return q.Get("from"), q.Get("to")
}

func (s *server) apiAgenda(w http.ResponseWriter, r *http.Request) error {
	f, t := s.period(r)
	from, to, err := agenda.Period(s.svc.Now(), f, t, 7)
	if err != nil {
		return err
	}
	v, err := s.svc.WorkerAgenda(r.Context(), web.MustActor(r), r.URL.Query().Get("worker"), from, to)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, v)
	return nil
}

func (s *server) apiTeamAgenda(w http.ResponseWriter, r *http.Request) error {
	f, t := s.period(r)
	from, to, err := agenda.Period(s.svc.Now(), f, t, 7)
	if err != nil {
		return err
	}
	v, err := s.svc.TeamAgenda(r.Context(), web.MustActor(r), r.PathValue("id"), from, to)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, v)
	return nil
}

func (s *server) apiSlots(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	minutes := 0
	if m := q.Get("minutes"); m != "" {
		var err error
		if minutes, err = strconv.Atoi(m); err != nil || minutes <= 0 {
			return parcours.FieldError(parcours.EInvalid, "minutes", "error.agenda.too_long")
		}
	}
	slots, err := s.svc.FreeSlots(r.Context(), web.MustActor(r), q.Get("worker"), q.Get("date"), minutes)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"items": slots})
	return nil
}

func (s *server) apiBook(w http.ResponseWriter, r *http.Request) error {
	var in agenda.Input
	if err := s.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	b, err := s.svc.Book(r.Context(), web.MustActor(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, b)
	return nil
}

func (s *server) apiPersonAppointments(w http.ResponseWriter, r *http.Request) error {
	list, err := s.svc.PersonAppointments(r.Context(), web.MustActor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"items": list, "next_cursor": ""})
	return nil
}

func (s *server) apiAppointment(w http.ResponseWriter, r *http.Request) error {
	a, err := s.svc.Appointment(r.Context(), web.MustActor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, a)
	return nil
}

func (s *server) apiOutcome(w http.ResponseWriter, r *http.Request) error {
	var in agenda.Outcome
	if err := s.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	c, err := s.svc.RecordOutcome(r.Context(), web.MustActor(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, c)
	return nil
}

func (s *server) apiJournal(w http.ResponseWriter, r *http.Request) error {
	var in casefile.EntryInput
	if err := s.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	e, err := s.svc.WriteJournal(r.Context(), web.MustActor(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, e)
	return nil
}

func (s *server) apiFeed(w http.ResponseWriter, r *http.Request) error {
	worker, items, err := s.svc.Feed(r.Context(), r.URL.Query().Get("token"))
	if err != nil {
		return err
	}
	body := agenda.ICS(worker, items, s.svc.Now(), r.Host)
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Cache-Control", "private, no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(body)
	return err
}

// feedURL is the address of the caller's feed, for a calendar
// application to subscribe to.
func feedURL(r *http.Request, token string) string {
	scheme := "http"
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	return scheme + "://" + r.Host + "/api/v1/appointments.ics?token=" + url.QueryEscape(token)
}

func (s *server) apiNewToken(w http.ResponseWriter, r *http.Request) error {
	tok, err := s.svc.NewCalendarToken(r.Context(), web.MustActor(r))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, map[string]string{"token": tok, "url": feedURL(r, tok)})
	return nil
}

func (s *server) apiRevokeToken(w http.ResponseWriter, r *http.Request) error {
	if err := s.svc.RevokeCalendarToken(r.Context(), web.MustActor(r)); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *server) apiHours(w http.ResponseWriter, r *http.Request) error {
	h, err := s.svc.TeamHours(r.Context(), web.MustActor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, h)
	return nil
}

func (s *server) apiSetHours(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Hours []parcours.OpeningHours `json:"hours"`
	}
	if err := s.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	if err := s.svc.SetTeamHours(r.Context(), web.MustActor(r), r.PathValue("id"), in.Hours); err != nil {
		return err
	}
	return s.apiHours(w, r)
}

func (s *server) apiAddClosed(w http.ResponseWriter, r *http.Request) error {
	var in parcours.ClosedDay
	if err := s.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	if err := s.svc.AddClosedDay(r.Context(), web.MustActor(r), r.PathValue("id"), in); err != nil {
		return err
	}
	return s.apiHours(w, r)
}

func (s *server) apiRemoveClosed(w http.ResponseWriter, r *http.Request) error {
	if err := s.svc.RemoveClosedDay(r.Context(), web.MustActor(r), r.PathValue("id"), r.PathValue("day")); err != nil {
		return err
	}
	return s.apiHours(w, r)
}

func (s *server) apiLogVisit(w http.ResponseWriter, r *http.Request) error {
	var in agenda.VisitInput
	if err := s.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	v, err := s.svc.LogVisit(r.Context(), web.MustActor(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, v)
	return nil
}

func (s *server) apiPersonVisits(w http.ResponseWriter, r *http.Request) error {
	list, err := s.svc.PersonVisits(r.Context(), web.MustActor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"items": list, "next_cursor": ""})
	return nil
}

func (s *server) apiDesk(w http.ResponseWriter, r *http.Request) error {
	d, err := s.svc.Desk(r.Context(), web.MustActor(r), r.URL.Query().Get("day"))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, d)
	return nil
}
