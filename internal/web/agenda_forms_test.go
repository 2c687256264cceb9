package web_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"parcours/internal/app/apptest"
)

// The agenda's HTML forms answer alike: saved, a redirect to the page
// that shows it; refused input, the same page again in 422 with what
// was typed and the message in French, and nothing recorded.
func TestAgendaForms_SavedRedirectsRefusedShowsTheFormAgain(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		e.App.DB.Now = func() time.Time { return agendaMonday }
		p := rightsPerson(t, e, "worker", "BERNARD")
		desk := "/persons/" + p.ID + "/desk-visits"

		visits := e.Count("desk_visits")
		r := e.Page("POST", desk, "reception", url.Values{"motive": {""}, "visitor": {"son voisin Anatole"}})
		wantStatus(t, r, 422, "a visit without motive")
		body := string(r.Body)
		if !strings.Contains(body, "son voisin Anatole") || !strings.Contains(body, `id="f-visit-motive"`) || !strings.Contains(body, "obligatoire") {
			t.Errorf("the desk form is not shown again with what was typed: %.400s", body)
		}
		if n := e.Count("desk_visits"); n != visits {
			t.Errorf("a refused visit was recorded: %d → %d", visits, n)
		}
		r = e.Page("POST", desk, "reception", url.Values{"motive": {"Dépôt de justificatifs"}})
		wantStatus(t, r, 303, "a visit")
		if loc := r.Header.Get("Location"); loc != "/persons/"+p.ID+"/desk?saved=1" {
			t.Errorf("saved visit goes to %q", loc)
		}
		if n := e.Count("desk_visits"); n != visits+1 {
			t.Errorf("the visit was not recorded: %d → %d", visits, n)
		}

		book := "/persons/" + p.ID + "/appointments"
		appts := e.Count("appointments")
		form := url.Values{"worker_ids": {e.Workers["worker"].ID}, "date": {"2026-12-01"}, "start": {"15:00"}, "end": {"14:00"},
			"place_kind": {"phone"}, "theme": {"Point budget de Mme Bernard"}}
		r = e.Page("POST", book, "worker", form)
		wantStatus(t, r, 422, "an appointment ending before it starts")
		if !strings.Contains(string(r.Body), "Point budget de Mme Bernard") {
			t.Errorf("the booking form lost what was typed")
		}
		if n := e.Count("appointments"); n != appts {
			t.Errorf("a refused booking was recorded: %d → %d", appts, n)
		}
		form.Set("end", "16:00")
		r = e.Page("POST", book, "worker", form)
		wantStatus(t, r, 303, "a booking")
		loc := r.Header.Get("Location")
		if !strings.HasPrefix(loc, "/appointments/") || !strings.Contains(loc, "booked=1") {
			t.Fatalf("booked goes to %q", loc)
		}
		appt := strings.TrimPrefix(loc[:strings.Index(loc, "?")], "/appointments/")

		// Honoured before it took place: refused, the appointment page again.
		r = e.Page("POST", "/appointments/"+appt+"/outcome", "worker", url.Values{"status": {"honoured"}})
		wantStatus(t, r, 422, "honoured before it took place")
		if !strings.Contains(string(r.Body), "Point budget de Mme Bernard") {
			t.Errorf("the appointment page is not shown again: %.400s", r.Body)
		}
		r = e.Page("POST", "/appointments/"+appt+"/outcome", "worker", url.Values{"status": {"cancelled"}, "cancelled_by": {"person"}, "cancel_reason": {"hospitalisée"}})
		wantStatus(t, r, 303, "cancelled by the person")
		if loc := r.Header.Get("Location"); loc != "/appointments/"+appt+"?saved=1" {
			t.Errorf("the outcome goes to %q", loc)
		}
	})
}
