package web_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"parcours/internal/agenda"
	"parcours/internal/app/apptest"
	"parcours/internal/parcours"
)

// agendaMonday is Monday 30 November 2026, 08:00 in Paris: the clock of
// the agenda's tests.
var agendaMonday = time.Date(2026, 11, 30, 7, 0, 0, 0, time.UTC)

func apptBody(e *apptest.Env, date, start, end string) map[string]any {
	return map[string]any{"worker_ids": []string{e.Workers["worker"].ID}, "date": date, "start": start, "end": end,
		"place_kind": "service", "service_id": "", "theme": "Renouvellement RSA"}
}

func TestAppointments_BadInputIs422NamingTheField(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		e.App.DB.Now = func() time.Time { return agendaMonday }
		p := rightsPerson(t, e, "worker", "BERNARD")
		path := "/api/v1/persons/" + p.ID + "/appointments"
		body := func(change func(map[string]any)) map[string]any {
			b := map[string]any{"worker_ids": []string{e.Workers["worker"].ID}, "date": "2026-12-01", "start": "10:00", "end": "10:45",
				"place_kind": "home", "theme": "Visite à domicile"}
			change(b)
			return b
		}
		for _, tc := range []struct {
			name, field string
			change      func(map[string]any)
		}{
			{"end before start", "end", func(b map[string]any) { b["end"] = "09:00" }},
			{"in the past", "date", func(b map[string]any) { b["date"] = "2026-11-20" }},
			{"a worker of another organisation", "worker_ids", func(b map[string]any) { b["worker_ids"] = []string{e.Workers["other"].ID} }},
			{"no place", "place_kind", func(b map[string]any) { delete(b, "place_kind") }},
			{"a bad time", "start", func(b map[string]any) { b["start"] = "25:00" }},
		} {
			r := e.Do("POST", path, "worker", body(tc.change))
			wantStatus(t, r, 422, tc.name)
			var ae rightsError
			r.Decode(t, &ae)
			if ae.Error.Field != tc.field || ae.Error.Message == "" {
				t.Errorf("%s: field %q (%s), want %q", tc.name, ae.Error.Field, ae.Error.Message, tc.field)
			}
		}
		// Closed days and hours are the administrators' and bind bookings.
		wantStatus(t, e.Do("POST", "/api/v1/teams/"+e.TeamA.ID+"/closed-days", "worker", map[string]any{"day": "2026-12-08"}), 403, "closed day by a worker")
		wantStatus(t, e.Do("POST", "/api/v1/teams/"+e.TeamA.ID+"/closed-days", "admin", map[string]any{"day": "2026-12-08", "label": "Formation"}), 200, "closed day")
		wantStatus(t, e.Do("PUT", "/api/v1/teams/"+e.TeamA.ID+"/hours", "admin", map[string]any{"hours": []map[string]any{
			{"weekday": 2, "opens": "09:00", "closes": "12:00"}, {"weekday": 2, "opens": "13:30", "closes": "17:00"}}}), 200, "hours")
		r := e.Do("POST", path, "worker", body(func(b map[string]any) { b["date"] = "2026-12-08" }))
		wantStatus(t, r, 422, "closed day")
		var ae rightsError
		r.Decode(t, &ae)
		if ae.Error.Field != "date" || !strings.Contains(ae.Error.Message, "Formation") {
			t.Errorf("closed day: %+v", ae.Error)
		}
		r = e.Do("POST", path, "worker", body(func(b map[string]any) { b["start"], b["end"] = "12:00", "13:00" }))
		wantStatus(t, r, 422, "over lunch")
		r.Decode(t, &ae)
		if ae.Error.Field != "start" {
			t.Errorf("outside hours: %+v", ae.Error)
		}
		wantStatus(t, e.Do("GET", "/api/v1/appointments?from=2026-12-10&to=2026-12-01", "worker", nil), 422, "period backwards")
		wantStatus(t, e.Do("GET", "/api/v1/appointments?worker="+e.Workers["other"].ID, "worker", nil), 422, "another organisation's agenda")
		// Nothing was booked by the refusals.
		var list struct{ Items []parcours.Appointment }
		e.Do("GET", path, "worker", nil).Decode(t, &list)
		if len(list.Items) != 0 {
			t.Errorf("refused bookings left %d appointments", len(list.Items))
		}
	})
}

func TestAppointments_BookWarnOutcomeJournalAndFeed(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		e.App.DB.Now = func() time.Time { return agendaMonday }
		p := rightsPerson(t, e, "worker", "MARTIN")
		path := "/api/v1/persons/" + p.ID + "/appointments"
		in := map[string]any{"worker_ids": []string{e.Workers["worker"].ID}, "date": "2026-12-01", "start": "14:00", "end": "15:00",
			"place_kind": "visio", "place": "https://visio.example.fr/abc", "theme": "Point RSA"}
		r := e.Do("POST", path, "worker", in)
		wantStatus(t, r, 201, "book")
		var b agenda.Booked
		r.Decode(t, &b)
		if len(b.Conflicts) != 0 || b.Status != "planned" || !b.StartsAt.Equal(time.Date(2026, 12, 1, 13, 0, 0, 0, time.UTC)) {
			t.Fatalf("booked %+v", b)
		}
		in["start"], in["end"] = "14:30", "15:30"
		r = e.Do("POST", path, "worker", in)
		wantStatus(t, r, 201, "overlapping")
		var b2 agenda.Booked
		r.Decode(t, &b2)
		if len(b2.Conflicts) != 1 || b2.Conflicts[0].AppointmentID != b.ID {
			t.Errorf("overlap not warned: %+v", b2.Conflicts)
		}
		wantStatus(t, e.Do("POST", path, "reception", in), 409, "the front desk on a taken slot")

		// The agenda shows it to the worker; a colleague without relation
		// sees a busy slot only.
		var v agenda.View
		e.Do("GET", "/api/v1/appointments?from=2026-11-30&to=2026-12-07", "worker", nil).Decode(t, &v)
		if len(v.Items) != 2 || !v.Items[0].Visible || v.Items[0].PersonName == "" || v.Items[0].Theme != "Point RSA" {
			t.Errorf("worker's agenda: %+v", v.Items)
		}
		v = agenda.View{}
		e.Do("GET", "/api/v1/appointments?worker="+e.Workers["worker"].ID+"&from=2026-11-30", "worker2", nil).Decode(t, &v)
		if len(v.Items) != 2 || v.Items[0].Visible || v.Items[0].PersonID != "" || v.Items[0].Theme != "" || v.Items[0].PersonName != "" {
			t.Errorf("colleague sees more than busy: %+v", v.Items[0])
		}
		var team agenda.View
		wantStatus(t, e.Do("GET", "/api/v1/teams/"+e.TeamA.ID+"/appointments?from=2026-11-30", "manager", nil), 200, "team agenda")
		e.Do("GET", "/api/v1/teams/"+e.TeamA.ID+"/appointments?from=2026-11-30", "manager", nil).Decode(t, &team)
		if len(team.Items) != 2 || len(team.Workers) < 2 {
			t.Errorf("team agenda: %d items, %d workers", len(team.Items), len(team.Workers))
		}

		// The feed: valid iCalendar, the times and the place, no name.
		r = e.Do("POST", "/api/v1/me/calendar-token", "worker", nil)
		wantStatus(t, r, 201, "calendar token")
		var tok struct{ Token, URL string }
		r.Decode(t, &tok)
		feed := e.Do("GET", "/api/v1/appointments.ics?token="+url.QueryEscape(tok.Token), "", nil)
		wantStatus(t, feed, 200, "feed")
		ics := string(feed.Body)
		if strings.Contains(ics, "MARTIN") || strings.Contains(ics, "Sam") || strings.Contains(ics, "RSA") {
			t.Errorf("the feed names the person or the purpose:\n%s", ics)
		}
		for _, want := range []string{"BEGIN:VCALENDAR\r\n", "VERSION:2.0\r\n", "UID:" + b.ID + "@", "DTSTART:20261201T130000Z\r\n",
			"DTEND:20261201T140000Z\r\n", "SUMMARY:RDV M. S.\r\n", "LOCATION:https://visio.example.fr/abc\r\n", "DTSTAMP:20261130T070000Z\r\n", "END:VCALENDAR\r\n"} {
			if !strings.Contains(ics, want) {
				t.Errorf("feed lacks %q:\n%s", want, ics)
			}
		}
		if regexp.MustCompile(`[^\r]\n`).MatchString(ics) {
			t.Error("a line of the feed does not end in CRLF")
		}
		for _, l := range strings.Split(ics, "\r\n") {
			if len(l) > 75 {
				t.Errorf("line longer than 75 octets: %q", l)
			}
		}
		wantStatus(t, e.Do("GET", "/api/v1/appointments.ics?token=nope", "", nil), 404, "unknown token")
		wantStatus(t, e.Do("DELETE", "/api/v1/me/calendar-token", "worker", nil), 204, "revoke")
		wantStatus(t, e.Do("GET", "/api/v1/appointments.ics?token="+url.QueryEscape(tok.Token), "", nil), 404, "revoked token")

		// Outcome after the meeting, then the journal entry from it.
		wantStatus(t, e.Do("POST", "/api/v1/appointments/"+b.ID+"/outcome", "worker", map[string]any{"status": "honoured"}), 422, "honoured before it took place")
		r = e.Do("POST", "/api/v1/appointments/"+b2.ID+"/outcome", "worker", map[string]any{"status": "cancelled", "cancelled_by": "person"})
		wantStatus(t, r, 422, "cancelled without a reason")
		var ae rightsError
		r.Decode(t, &ae)
		if ae.Error.Field != "cancel_reason" {
			t.Errorf("cancel without reason: %+v", ae.Error)
		}
		wantStatus(t, e.Do("POST", "/api/v1/appointments/"+b2.ID+"/outcome", "worker", map[string]any{"status": "postponed",
			"new_date": "2026-12-03", "new_start": "11:00", "new_end": "10:00"}), 422, "postponed to a bad slot")
		r = e.Do("POST", "/api/v1/appointments/"+b2.ID+"/outcome", "worker", map[string]any{"status": "postponed",
			"new_date": "2026-12-03", "new_start": "10:00", "new_end": "11:00"})
		wantStatus(t, r, 200, "postponed")
		var cl agenda.Closed
		r.Decode(t, &cl)
		if cl.Status != "postponed" || cl.Rescheduled == nil || cl.RescheduledTo != cl.Rescheduled.ID {
			t.Errorf("postponed: %+v", cl)
		}
		e.App.DB.Now = func() time.Time { return agendaMonday.Add(32 * time.Hour) }
		wantStatus(t, e.Do("POST", "/api/v1/appointments/"+b.ID+"/outcome", "reception", map[string]any{"status": "honoured"}), 403, "outcome by the front desk")
		r = e.Do("POST", "/api/v1/appointments/"+b.ID+"/outcome", "worker", map[string]any{"status": "honoured"})
		wantStatus(t, r, 200, "honoured")
		wantStatus(t, e.Do("POST", "/api/v1/appointments/"+b.ID+"/outcome", "worker", map[string]any{"status": "missed"}), 409, "closed twice")
		page := e.Page("GET", "/appointments/"+b.ID, "worker", nil)
		wantStatus(t, page, 200, "appointment page")
		if !strings.Contains(string(page.Body), "Rendez-vous du 01/12/2026 à 14h00 : Point RSA.") {
			t.Errorf("the journal entry is not prefilled from the appointment:\n%s", page.Body)
		}
		r = e.Page("POST", "/appointments/"+b.ID+"/journal", "worker", url.Values{"summary": {"Rendez-vous du 01/12/2026 à 14h00 : Point RSA. Pièces reçues."},
			"kind": {"interview"}, "mode": {"visio"}, "occurred_at": {"2026-12-01"}})
		wantStatus(t, r, 303, "journal from the appointment")
		var j struct {
			Items []parcours.JournalEntry
		}
		e.Do("GET", "/api/v1/persons/"+p.ID+"/journal", "worker", nil).Decode(t, &j)
		if len(j.Items) != 1 || j.Items[0].Kind != "interview" || j.Items[0].Mode != "visio" || !strings.Contains(j.Items[0].Summary, "Pièces reçues") {
			t.Fatalf("journal: %+v", j.Items)
		}
		var got parcours.Appointment
		e.Do("GET", "/api/v1/appointments/"+b.ID, "worker", nil).Decode(t, &got)
		if got.JournalEntryID != j.Items[0].ID {
			t.Errorf("appointment not linked to its entry: %q", got.JournalEntryID)
		}
		wantStatus(t, e.Do("POST", "/api/v1/appointments/"+b.ID+"/journal", "worker", map[string]any{"summary": "encore"}), 409, "journal twice")
	})
}

func TestDesk_FrontDeskLogsAVisitTheReferentIsNotifiedAndTheJournalStaysClosed(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		e.App.DB.Now = func() time.Time { return agendaMonday }
		p := rightsPerson(t, e, "worker2", "PETIT") // followed by worker2 (team A2), not the front desk's team
		r := e.Do("POST", "/api/v1/persons/"+p.ID+"/desk-visits", "reception", map[string]any{"motive": "Dépôt de justificatifs"})
		wantStatus(t, r, 201, "visit without a referent")
		wantStatus(t, e.Do("POST", "/api/v1/persons/"+p.ID+"/desk-visits", "reception", map[string]any{"motive": ""}), 422, "visit without motive")
		r = e.Do("POST", "/api/v1/persons/"+p.ID+"/desk-visits", "reception", map[string]any{"motive": "Question CAF", "visitor": "sa fille",
			"message": "Rappeler avant vendredi", "needs_appointment": true, "for_worker_id": e.Workers["worker2"].ID})
		wantStatus(t, r, 201, "visit")
		var visit parcours.DeskVisit
		r.Decode(t, &visit)
		wantStatus(t, e.Do("POST", "/api/v1/persons/"+p.ID+"/desk-visits", "reception", map[string]any{"motive": "x", "for_worker_id": e.Workers["other"].ID}), 422, "for a worker of another organisation")

		// The referent is notified and sees the visit on the file.
		var notes struct{ Items []parcours.Notification }
		e.Do("GET", "/api/v1/notifications", "worker2", nil).Decode(t, &notes)
		found := false
		for _, n := range notes.Items {
			found = found || (n.Kind == "desk_visit" && n.ObjectID == visit.ID && n.PersonID == p.ID)
		}
		if !found {
			t.Errorf("referent not notified: %+v", notes.Items)
		}
		var visits struct{ Items []parcours.DeskVisit }
		e.Do("GET", "/api/v1/persons/"+p.ID+"/desk-visits", "worker2", nil).Decode(t, &visits)
		if len(visits.Items) != 2 || visits.Items[0].Message != "Rappeler avant vendredi" {
			t.Errorf("visits on the file: %+v", visits.Items)
		}
		// The front desk books into a free slot of the referent.
		var slots struct{ Items []agenda.Slot }
		e.Do("GET", "/api/v1/appointments/free-slots?worker="+e.Workers["worker2"].ID+"&date=2026-12-01", "reception", nil).Decode(t, &slots)
		if len(slots.Items) == 0 || slots.Items[0].Start != "09:00" {
			t.Fatalf("free slots: %+v", slots.Items)
		}
		r = e.Page("POST", "/persons/"+p.ID+"/desk-appointments", "reception", url.Values{"worker_ids": {e.Workers["worker2"].ID},
			"date": {"2026-12-01"}, "slot": {"09:00-09:30"}, "place_kind": {"phone"}, "theme": {"Dossier CAF"}})
		wantStatus(t, r, 303, "desk booking")
		e.Do("GET", "/api/v1/appointments/free-slots?worker="+e.Workers["worker2"].ID+"&date=2026-12-01", "reception", nil).Decode(t, &slots)
		if slots.Items[0].Start == "09:00" {
			t.Error("a booked slot is still offered")
		}
		// The desk's day lists the visits; the journal stays closed to it.
		page := e.Page("GET", "/desk", "reception", nil)
		wantStatus(t, page, 200, "desk page")
		if !strings.Contains(string(page.Body), "PETIT") || !strings.Contains(string(page.Body), "Question CAF") {
			t.Errorf("desk page lacks the visit")
		}
		wantStatus(t, e.Do("GET", "/api/v1/persons/"+p.ID+"/journal", "reception", nil), 403, "the journal for the front desk")
		wantStatus(t, e.Do("GET", "/api/v1/persons/"+p.ID+"/desk-visits", "reception", nil), 403, "the file's visits for a desk without relation")
	})
}
