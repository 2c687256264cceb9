package web_test

import (
	"context"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"parcours/internal/agenda"
	"parcours/internal/parcours"
	"parcours/internal/store"
)

// Authorisation matrix of the agenda (issue 11). Appointments are part
// of the file (read by those who follow the person, the front desk of the
// team included; booked on the file and closed by case workers, never
// under break-glass); the front desk's work — logging a visit, booking
// into a free slot — reaches every person of the organisation by
// identity; agendas are the organisation's, the team agenda its
// managers'; working hours are set by administrators.

type agendaFixture struct {
	Appointment *parcours.Appointment // planned, a week ahead
	Honoured    *parcours.Appointment // yesterday, honoured, no journal entry
	Token       string                // worker's calendar token
}

var (
	agMu       sync.Mutex
	agFixtures = map[*fixture]*agendaFixture{}
	agSlot     atomic.Int64
)

// nextSlot is a slot of its own for each booking of the matrix, so the
// front desk (who books free slots only) never meets another booking.
func nextSlot() (date, start, end string) {
	n := agSlot.Add(1)
	d := time.Now().In(agenda.Paris()).AddDate(0, 0, 10+int(n/10))
	h := 8 + int(n%10)
	return d.Format(time.DateOnly), time.Date(0, 1, 1, h, 0, 0, 0, time.UTC).Format("15:04"), time.Date(0, 1, 1, h, 30, 0, 0, time.UTC).Format("15:04")
}

func bookBody(f *fixture, _ string) any {
	date, start, end := nextSlot()
	return map[string]any{"worker_ids": []string{f.e.Workers["worker"].ID}, "date": date, "start": start, "end": end,
		"place_kind": "phone", "theme": "Point sur le dossier RSA"}
}

func bookForm(f *fixture, who string) any {
	date, start, end := nextSlot()
	return url.Values{"worker_ids": {f.e.Workers["worker"].ID}, "date": {date}, "start": {start}, "end": {end},
		"place_kind": {"phone"}, "theme": {"Point budget"}}
}

func freshAppointment(f *fixture) *parcours.Appointment {
	date, start, end := nextSlot()
	b, err := f.e.App.Agenda.Book(f.e.T.Context(), f.e.Actor("worker"), f.Person.ID, agenda.Input{WorkerIDs: []string{f.e.Workers["worker"].ID},
		Date: date, Start: start, End: end, PlaceKind: parcours.PlacePhone, Theme: "Ouverture des droits"})
	if err != nil {
		f.e.T.Fatal(err)
	}
	return b.Appointment
}

// pastHonoured stores an appointment of yesterday already honoured: the
// service books only future ones.
func pastHonoured(f *fixture) *parcours.Appointment {
	y := time.Now().Add(-26 * time.Hour).Truncate(time.Hour)
	a := &parcours.Appointment{OrgID: f.e.OrgA.ID, PersonID: f.Person.ID, TeamID: f.e.TeamA.ID, WorkerIDs: []string{f.e.Workers["worker"].ID},
		StartsAt: y, EndsAt: y.Add(time.Hour), PlaceKind: parcours.PlacePhone, Place: "06 00 00 00 00", Theme: "Bilan",
		Status: parcours.ApptHonoured, CreatedBy: f.e.Workers["worker"].ID}
	if err := f.e.App.DB.Transact(context.Background(), func(tx *store.Tx) error { return tx.InsertAppointment(context.Background(), a) }); err != nil {
		f.e.T.Fatal(err)
	}
	return a
}

func agf(f *fixture) *agendaFixture {
	agMu.Lock()
	defer agMu.Unlock()
	if d, ok := agFixtures[f]; ok {
		return d
	}
	tok, err := f.e.App.Agenda.NewCalendarToken(f.e.T.Context(), f.e.Actor("worker"))
	if err != nil {
		f.e.T.Fatal(err)
	}
	d := &agendaFixture{Appointment: freshAppointment(f), Token: tok}
	agFixtures[f] = d
	return d
}

func init() {
	created, seeOther, noContent := http.StatusCreated, http.StatusSeeOther, http.StatusNoContent
	onFile := routeAudit{OnFile: true}
	// The organisation's agendas: every role but the administrators; a
	// worker of another organisation sees their own.
	agendaAll := func(ok int) map[string]int { return all(ok, "admin", 403) }
	// The front desk's work, by identity: every role but the
	// administrators, on any person of the organisation.
	desk := func(ok int) map[string]int { return all(ok, "admin", 403, "other", 404) }
	managers := func(ok int) map[string]int { return all(403, "manager", ok) }
	admins := func(ok int) map[string]int { return all(403, "admin", ok) }
	// Administrators may not read a person's file: its appointments do
	// not exist for them (404, as the file itself).
	fileRead := fileWant(200, "reception", 200, "admin", 404)
	team := func(suffix string) func(*fixture) string {
		return func(f *fixture) string { return "/api/v1/teams/" + f.e.TeamA.ID + suffix }
	}
	adminTeam := func(suffix string) func(*fixture) string {
		return func(f *fixture) string { return "/admin/teams/" + f.e.TeamA.ID + suffix }
	}
	every := func(v string) url.Values {
		u := url.Values{}
		for wd := 1; wd <= 7; wd++ {
			u.Set("day"+string(rune('0'+wd)), v)
		}
		return u
	}
	addRows(
		matrixRow{Route: "GET /api/v1/appointments", Path: fixed("/api/v1/appointments"), Want: agendaAll(200), Audit: []string{"agenda.read"}},
		matrixRow{Route: "GET /api/v1/teams/{id}/appointments", Path: team("/appointments"), Want: managers(200), Audit: []string{"agenda.team_read"}},
		matrixRow{Route: "GET /api/v1/appointments/free-slots",
			Path: func(f *fixture) string {
				date, _, _ := nextSlot()
				return "/api/v1/appointments/free-slots?worker=" + f.e.Workers["worker"].ID + "&date=" + date
			},
			Want: all(200, "admin", 403, "other", 422), NoAudit: "free and busy times only: no person's file"},
		matrixRow{Route: "POST /api/v1/persons/{id}/appointments", Path: func(f *fixture) string { return "/api/v1/persons/" + f.Person.ID + "/appointments" },
			Body: bookBody, Want: desk(created), Audit: []string{"appointment.create"}, routeAudit: onFile},
		matrixRow{Route: "GET /api/v1/persons/{id}/appointments", Path: func(f *fixture) string { agf(f); return "/api/v1/persons/" + f.Person.ID + "/appointments" },
			Want: fileRead, Audit: []string{"appointment.list"}, routeAudit: onFile},
		matrixRow{Route: "GET /api/v1/appointments/{id}", Path: func(f *fixture) string { return "/api/v1/appointments/" + agf(f).Appointment.ID },
			Want: fileRead, Audit: []string{"appointment.read"}, routeAudit: onFile},
		matrixRow{Route: "POST /api/v1/appointments/{id}/outcome", Path: func(f *fixture) string { return "/api/v1/appointments/" + freshAppointment(f).ID + "/outcome" },
			Body: func(*fixture, string) any {
				return map[string]any{"status": "cancelled", "cancelled_by": "person", "cancel_reason": "Empêchement"}
			},
			Want: writeWant(200, "admin", 404), Audit: []string{"appointment.outcome"}, routeAudit: onFile},
		matrixRow{Route: "POST /api/v1/appointments/{id}/journal", Path: func(f *fixture) string { return "/api/v1/appointments/" + pastHonoured(f).ID + "/journal" },
			Body: func(*fixture, string) any { return map[string]any{"summary": "Bilan fait, dossier CAF à compléter."} },
			Want: writeWant(created, "admin", 404), Audit: []string{"journal.create"}, routeAudit: onFile},
		matrixRow{Route: "GET /api/v1/appointments.ics", Path: func(f *fixture) string { return "/api/v1/appointments.ics?token=" + url.QueryEscape(agf(f).Token) },
			Want: publicRoute(200), Audit: []string{"calendar.feed"}},
		matrixRow{Route: "POST /api/v1/me/calendar-token", Path: fixed("/api/v1/me/calendar-token"), Want: agendaAll(created), Audit: []string{"calendar_token.create"}},
		matrixRow{Route: "DELETE /api/v1/me/calendar-token", Path: fixed("/api/v1/me/calendar-token"), Want: all(noContent), Audit: []string{"calendar_token.revoke"}},
		matrixRow{Route: "GET /api/v1/teams/{id}/hours", Path: team("/hours"), Want: all(200, "other", 404), NoAudit: "a service's opening hours: no personal data"},
		matrixRow{Route: "PUT /api/v1/teams/{id}/hours", Path: team("/hours"),
			Body: func(*fixture, string) any {
				var hs []map[string]any
				for wd := 1; wd <= 7; wd++ {
					hs = append(hs, map[string]any{"weekday": wd, "opens": "07:00", "closes": "21:00"})
				}
				return map[string]any{"hours": hs}
			},
			Want: admins(200), Audit: []string{"agenda.hours"}},
		matrixRow{Route: "POST /api/v1/teams/{id}/closed-days", Path: team("/closed-days"),
			Body: func(*fixture, string) any { return map[string]any{"day": "2099-12-25", "label": "Noël"} },
			Want: admins(200), Audit: []string{"agenda.closed_day"}},
		matrixRow{Route: "DELETE /api/v1/teams/{id}/closed-days/{day}", Path: team("/closed-days/2099-12-26"),
			Want: admins(200), Audit: []string{"agenda.closed_day_removed"}},
		matrixRow{Route: "POST /api/v1/persons/{id}/desk-visits", Path: func(f *fixture) string { return "/api/v1/persons/" + f.Person.ID + "/desk-visits" },
			Body: func(f *fixture, _ string) any {
				return map[string]any{"motive": "Dépôt de pièces", "for_worker_id": f.e.Workers["worker"].ID, "needs_appointment": true}
			},
			Want: desk(created), Audit: []string{"desk_visit.create"}, routeAudit: onFile},
		matrixRow{Route: "GET /api/v1/persons/{id}/desk-visits", Path: func(f *fixture) string { return "/api/v1/persons/" + f.Person.ID + "/desk-visits" },
			Want: fileRead, Audit: []string{"desk_visit.list"}, routeAudit: onFile},
		matrixRow{Route: "GET /api/v1/desk-visits", Path: fixed("/api/v1/desk-visits"), Want: agendaAll(200), Audit: []string{"desk_visit.day"}},

		matrixRow{Route: "GET /agenda", Path: fixed("/agenda?view=week"), Want: agendaAll(200), Page: true, Audit: []string{"agenda.read"}},
		matrixRow{Route: "GET /agenda/team", Path: fixed("/agenda/team"), Want: managers(200), Page: true, Audit: []string{"agenda.team_read"}},
		matrixRow{Route: "GET /agenda/calendar", Path: fixed("/agenda/calendar"), Want: agendaAll(200), Page: true, NoAudit: "the caller's own calendar token, without its secret"},
		matrixRow{Route: "POST /agenda/calendar", Path: fixed("/agenda/calendar"), Want: agendaAll(200), Page: true, Audit: []string{"calendar_token.create"}},
		matrixRow{Route: "POST /agenda/calendar/revoke", Path: fixed("/agenda/calendar/revoke"), Want: all(seeOther), Page: true, Audit: []string{"calendar_token.revoke"}},
		matrixRow{Route: "GET /persons/{id}/appointments", Path: func(f *fixture) string { return "/persons/" + f.Person.ID + "/appointments" },
			Want: fileRead, Page: true, Audit: []string{"appointment.list"}, routeAudit: onFile},
		matrixRow{Route: "POST /persons/{id}/appointments", Path: func(f *fixture) string { return "/persons/" + f.Person.ID + "/appointments" },
			Body: bookForm, Want: desk(seeOther), Page: true, Audit: []string{"appointment.create"}, routeAudit: onFile},
		matrixRow{Route: "GET /appointments/{id}", Path: func(f *fixture) string { return "/appointments/" + agf(f).Appointment.ID },
			Want: fileRead, Page: true, Audit: []string{"appointment.read"}, routeAudit: onFile},
		matrixRow{Route: "POST /appointments/{id}/outcome", Path: func(f *fixture) string { return "/appointments/" + freshAppointment(f).ID + "/outcome" },
			Body: func(*fixture, string) any {
				return url.Values{"status": {"cancelled"}, "cancelled_by": {"organization"}, "cancel_reason": {"Intervenante absente"}}
			},
			Want: writeWant(seeOther, "admin", 404), Page: true, Audit: []string{"appointment.outcome"}, routeAudit: onFile},
		matrixRow{Route: "POST /appointments/{id}/journal", Path: func(f *fixture) string { return "/appointments/" + pastHonoured(f).ID + "/journal" },
			Body: func(*fixture, string) any {
				return url.Values{"summary": {"Entretien fait."}, "kind": {"interview"}, "mode": {"telephone"}}
			},
			Want: writeWant(seeOther, "admin", 404), Page: true, Audit: []string{"journal.create"}, routeAudit: onFile},
		matrixRow{Route: "GET /desk", Path: fixed("/desk"), Want: agendaAll(200), Page: true, Audit: []string{"desk_visit.day"}},
		matrixRow{Route: "GET /persons/{id}/desk", Path: func(f *fixture) string { return "/persons/" + f.Person.ID + "/desk" },
			Want: desk(200), Page: true, Audit: []string{"desk.open"}, routeAudit: onFile},
		matrixRow{Route: "POST /persons/{id}/desk-visits", Path: func(f *fixture) string { return "/persons/" + f.Person.ID + "/desk-visits" },
			Body: func(*fixture, string) any {
				return url.Values{"motive": {"Question sur un courrier"}, "message": {"Rappeler Mme."}}
			},
			Want: desk(seeOther), Page: true, Audit: []string{"desk_visit.create"}, routeAudit: onFile},
		matrixRow{Route: "POST /persons/{id}/desk-appointments", Path: func(f *fixture) string { return "/persons/" + f.Person.ID + "/desk-appointments" },
			Body: func(f *fixture, _ string) any {
				date, start, end := nextSlot()
				return url.Values{"worker_ids": {f.e.Workers["worker"].ID}, "date": {date}, "slot": {start + "-" + end}, "place_kind": {"phone"}, "theme": {"Aide au dossier"}}
			},
			Want: desk(seeOther), Page: true, Audit: []string{"appointment.create"}, routeAudit: onFile},
		matrixRow{Route: "GET /admin/teams/{id}/hours", Path: adminTeam("/hours"), Want: all(403, "admin", 200, "other", 404), Page: true,
			NoAudit: "a service's opening hours: no personal data"},
		matrixRow{Route: "POST /admin/teams/{id}/hours", Path: adminTeam("/hours"), Body: func(*fixture, string) any { return every("07:00-21:00") },
			Want: admins(seeOther), Page: true, Audit: []string{"agenda.hours"}},
		matrixRow{Route: "POST /admin/teams/{id}/closed-days", Path: adminTeam("/closed-days"),
			Body: func(*fixture, string) any { return url.Values{"day": {"2099-12-24"}, "label": {"Réveillon"}} },
			Want: admins(seeOther), Page: true, Audit: []string{"agenda.closed_day"}},
		matrixRow{Route: "POST /admin/teams/{id}/closed-days/{day}/delete", Path: adminTeam("/closed-days/2099-12-24/delete"),
			Want: admins(seeOther), Page: true, Audit: []string{"agenda.closed_day_removed"}},
	)
}
