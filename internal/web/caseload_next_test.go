package web_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"parcours/internal/agenda"
	"parcours/internal/app/apptest"
)

// TestCaseload_NextAppointment: « mes personnes suivies » shows each
// person's next planned appointment (issue 16 point 7) and sorts on it,
// the soonest first and those without one (none booked, or cancelled)
// last; a later appointment is not the next one.
func TestCaseload_NextAppointment(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		ctx := t.Context()
		later, sooner, none := recordPerson(t, e, "worker", "LATER"), recordPerson(t, e, "worker", "SOONER"), recordPerson(t, e, "worker", "AUCUN")
		for _, p := range []string{later.ID, sooner.ID, none.ID} {
			if r := e.Do("POST", "/api/v1/persons/"+p+"/accompaniments", "worker", map[string]any{"kind": "asg"}); r.Status != http.StatusCreated {
				t.Fatalf("accompaniment: %d %s", r.Status, r.Body)
			}
		}
		day := func(n int) string { return time.Now().In(agenda.Paris()).AddDate(0, 0, n).Format(time.DateOnly) }
		book := func(personID, date, start string) string {
			b, err := e.App.Agenda.Book(ctx, e.Actor("worker"), personID, agenda.Input{WorkerIDs: []string{e.Workers["worker"].ID},
				Date: date, Start: start, End: "11:30", PlaceKind: "phone", Theme: "Point sur le dossier"})
			if err != nil {
				t.Fatal(err)
			}
			return b.ID
		}
		book(later.ID, day(9), "09:15")
		book(later.ID, day(20), "10:00") // not the next one
		book(sooner.ID, day(3), "10:30")
		cancelled := book(none.ID, day(1), "09:00")
		if _, err := e.App.Agenda.RecordOutcome(ctx, e.Actor("worker"), cancelled, agenda.Outcome{Status: "cancelled",
			CancelledBy: "person", CancelReason: "Empêchement"}); err != nil {
			t.Fatal(err)
		}
		r := e.Page("GET", "/persons?mine=1&sort=next_appointment", "worker", nil)
		if r.Status != http.StatusOK {
			t.Fatalf("caseload by next appointment: %d", r.Status)
		}
		cl := string(r.Body)
		at := func(id string) int { return strings.Index(cl, `href="/persons/`+id+`"`) }
		if s, l, n := at(sooner.ID), at(later.ID), at(none.ID); s < 0 || l < 0 || n < 0 || !(s < l && l < n) {
			t.Errorf("by next appointment: sooner at %d, later at %d, none at %d", s, l, n)
		}
		fr := func(date, hm string) string {
			d, _ := time.Parse(time.DateOnly, date)
			return d.Format("02/01/2006") + " à " + hm
		}
		if !strings.Contains(cl, "Prochain rendez-vous") || !strings.Contains(cl, fr(day(3), "10:30")) || !strings.Contains(cl, fr(day(9), "09:15")) {
			t.Errorf("the column or the next appointments' dates are missing")
		}
		if strings.Contains(cl, fr(day(20), "10:00")) || strings.Contains(cl, fr(day(1), "09:00")) {
			t.Errorf("a later or cancelled appointment is shown as the next one")
		}
		// The current sort is not a link; the others are.
		if strings.Contains(cl, `href="/persons?mine=1&amp;sort=next_appointment"`) || !strings.Contains(cl, `href="/persons?mine=1&amp;sort=alerts"`) {
			t.Errorf("the sort links are wrong")
		}
		// Sorted by name, the column stays.
		byName := string(e.Page("GET", "/persons?mine=1&sort=name", "worker", nil).Body)
		if !strings.Contains(byName, fr(day(3), "10:30")) || !strings.Contains(byName, `href="/persons?mine=1&amp;sort=next_appointment"`) {
			t.Errorf("by name, the next appointment or its sort link is missing")
		}
		if r := e.Page("GET", "/persons?mine=1&sort=next", "worker", nil); r.Status != http.StatusBadRequest {
			t.Errorf("unknown sort: %d, want 400", r.Status)
		}
	})
}
