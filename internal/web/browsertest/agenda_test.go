package browsertest

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"parcours/internal/agenda"
	"parcours/internal/parcours"
	"parcours/internal/store"
	"parcours/internal/store/storetest"
)

// The agenda of a day (issue 11), on each backend, with and without
// JavaScript: the worker books an appointment from the file and finds it
// in « Ma journée » (or in the agenda when the day is over); records that
// the morning's appointment took place, and the journal entry prefilled
// from it lands on the file; the front desk logs the person's visit and
// the referent is notified.
func TestAgenda_BookHonourJournalAndDesk(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects {
		t.Run(d.String(), func(t *testing.T) { t.Parallel(); agendaFlow(t, d) })
	}
}

func agendaFlow(t *testing.T, d store.Dialect) {
	e := New(t, d)
	f := seedDemo(t, e.Env)
	if !e.has("GET /persons/{id}/appointments") || !e.has("GET /persons/{id}/desk") {
		notBuilt(t, "the agenda's pages")
		return
	}
	ctx := t.Context()
	// The service is open every day and all day: the flow may run on a
	// Sunday evening.
	if err := e.App.Agenda.SetTeamHours(ctx, e.Actor("admin"), e.TeamA.ID, nil); err != nil {
		t.Fatal(err)
	}
	paris := agenda.Paris()
	person := "/persons/" + f.person
	for i, js := range []bool{true, false} {
		name := map[bool]string{true: "js", false: "nojs"}[js]
		t.Run(name, func(t *testing.T) {
			var opts []TabOption
			if !js {
				opts = append(opts, NoJS())
			}
			u := &user{t: t, e: e, tab: e.NewTab(opts...)}
			u.tab.LoginAs("worker")

			// 1. Book from the file: today, in a while, if the day
			// allows it; else tomorrow morning.
			start := time.Now().In(paris).Add(time.Duration(20+60*i) * time.Minute).Truncate(5 * time.Minute)
			today := start.Add(40*time.Minute).Format(time.DateOnly) == time.Now().In(paris).Format(time.DateOnly)
			if !today {
				tomorrow := time.Now().In(paris).AddDate(0, 0, 1)
				start = time.Date(tomorrow.Year(), tomorrow.Month(), tomorrow.Day(), 9+2*i, 0, 0, 0, paris)
			}
			theme := "Point sur le budget (" + name + ")"
			u.tab.Go(person)
			if st := u.follow("nav.file-links", "Rendez-vous"); st != 200 || u.tab.Path() != person+"/appointments" {
				t.Fatalf("the file's « Rendez-vous » answered %d at %s", st, u.tab.Path())
			}
			u.setValue("#f-date", start.Format(time.DateOnly))
			u.setValue("#f-start", start.Format("15:04"))
			u.setValue("#f-end", start.Add(30*time.Minute).Format("15:04"))
			u.choose("#f-place_kind", parcours.PlacePhone)
			u.fill("#f-theme", theme)
			if st := u.submitFrom("#f-theme"); st != 200 || !strings.HasPrefix(u.tab.Path(), "/appointments/") {
				t.Fatalf("booking answered %d at %s: %s", st, u.tab.Path(), u.tab.Text("main"))
			}
			if !strings.Contains(u.tab.Text("main"), "Rendez-vous enregistré") || !strings.Contains(u.tab.Text("main"), theme) {
				t.Errorf("the booked appointment's page lacks its confirmation or theme: %s", u.tab.Text("main"))
			}

			// 2. It is on « Ma journée » (the agenda of tomorrow
			// otherwise), with its time and the person's name.
			where, list := "/", `section[aria-labelledby="h-appointments"]`
			if !today {
				where, list = "/agenda?date="+start.Format(time.DateOnly), "main"
			}
			u.tab.Go(where)
			if got := u.tab.Text(list); !strings.Contains(got, "MARTIN") || !strings.Contains(got, start.Format("15:04")) ||
				(today && !strings.Contains(got, theme)) {
				t.Errorf("%s does not show the appointment at %s: %s", where, start.Format("15:04"), got)
			}

			// 3. This morning's appointment (yesterday's, early in the
			// day) took place: the outcome, then the journal entry
			// prefilled from it.
			y := time.Now().In(paris).AddDate(0, 0, -1)
			at := time.Date(y.Year(), y.Month(), y.Day(), 9+i, 0, 0, 0, paris)
			past := &parcours.Appointment{OrgID: e.OrgA.ID, PersonID: f.person, TeamID: e.TeamA.ID, WorkerIDs: []string{e.Workers["worker"].ID},
				StartsAt: at.UTC(), EndsAt: at.Add(45 * time.Minute).UTC(), PlaceKind: parcours.PlaceService, Place: "Bureau 2",
				Theme: "Dossier de surendettement (" + name + ")", Status: parcours.ApptPlanned, CreatedBy: e.Workers["worker"].ID}
			if err := e.App.DB.Transact(ctx, func(tx *store.Tx) error { return tx.InsertAppointment(ctx, past) }); err != nil {
				t.Fatal(err)
			}
			// Its row, by its link: the demo's own honoured appointment
			// of yesterday (seedAgenda) stands at this hour when the test
			// runs at 9 or 10 o'clock, Paris time.
			u.tab.Go(person + "/appointments")
			if st := u.follow(`main table tr:has(a[href="/appointments/`+past.ID+`"])`, at.Format("02/01/2006")+" "+at.Format("15:04")); st != 200 {
				t.Fatalf("opening the appointment answered %d", st)
			}
			if !Eval[bool](u.tab, `!!document.querySelector('input[name="status"][value="honoured"]')`) {
				t.Fatalf("%s offers no « honoré » outcome: %s", u.tab.Path(), u.tab.Text("main"))
			}
			u.tab.Do("honoured", chromedp.Click(chromedp.CSS(`input[name="status"][value="honoured"]`)))
			if st := u.submitFrom("#f-cancel_reason"); st != 200 || !strings.Contains(u.tab.Text("main"), "honoré") {
				t.Fatalf("the outcome answered %d: %s", st, u.tab.Text("main"))
			}
			draft := Eval[string](u.tab, `(document.getElementById("f-journal-summary") || {}).value || ""`)
			if draft == "" {
				t.Fatal("no journal entry prefilled from the honoured appointment")
			}
			// Emptied, the summary is refused and stays empty (the
			// draft does not come back over what was typed).
			setText := func(v string) {
				Eval[bool](u.tab, `(() => { document.getElementById("f-journal-summary").value = `+jsString(v)+`; return true })()`)
			}
			setText("")
			u.submitFrom("#f-journal-summary")
			if !Eval[bool](u.tab, `!!document.querySelector("#e-journal-summary")`) ||
				Eval[string](u.tab, `document.getElementById("f-journal-summary").value`) != "" {
				t.Errorf("an empty journal entry is not refused, or the draft came back: %s", u.tab.Text("main"))
			}
			note := "Plan d'apurement à proposer à la commission (" + name + ")."
			setText(draft + "\n" + note)
			if st := u.submitFrom("#f-journal-summary"); st != 200 || strings.TrimSuffix(u.tab.Path(), "#journal") != person {
				t.Fatalf("the journal entry answered %d at %s", st, u.tab.Path())
			}
			if got := u.tab.Text("main"); !strings.Contains(got, note) {
				t.Errorf("the file's journal lacks the entry written from the appointment")
			}
			u.tab.Go("/appointments/" + past.ID)
			if Eval[bool](u.tab, `!!document.getElementById("f-journal-summary")`) {
				t.Error("the appointment still offers its journal entry once written")
			}

			// 4. The front desk logs her visit for the referent, who is
			// notified.
			notified := func() int {
				u.tab.Go("/notifications")
				return Eval[int](u.tab, `[...document.querySelectorAll("ul.notifications li")].filter(li => li.textContent.includes("passée à l'accueil")).length`)
			}
			before := notified()
			desk := &user{t: t, e: e, tab: e.NewTab(opts...)}
			desk.tab.LoginAs("reception")
			desk.tab.Go(person)
			if st := desk.follow("nav.file-links", "Accueil"); st != 200 || desk.tab.Path() != person+"/desk" {
				t.Fatalf("the file's « Accueil » answered %d at %s", st, desk.tab.Path())
			}
			motive := "Dépôt de la déclaration de ressources (" + name + ")"
			desk.fill("#f-visit-motive", motive)
			desk.fill("#f-visit-message", "Rappeler Mme Martin avant vendredi.")
			desk.tab.Do("needs appointment", chromedp.Click(chromedp.CSS(`input[name="needs_appointment"]`)))
			if st := desk.submitFrom("#f-visit-motive"); st != 200 || !strings.Contains(desk.tab.Text("main"), "Passage enregistré") {
				t.Fatalf("logging the visit answered %d: %s", st, desk.tab.Text("main"))
			}
			if after := notified(); after != before+1 {
				t.Errorf("the referent has %d desk-visit notifications, want %d", after, before+1)
			}
			if st := u.follow("ul.notifications li", "Ouvrir le dossier"); st != 200 || u.tab.Path() != person {
				t.Errorf("the notification leads to %s (%d), want the file", u.tab.Path(), st)
			}
			u.tab.Go("/desk")
			if got := u.tab.Text("main"); !strings.Contains(got, motive) || !strings.Contains(got, "MARTIN") {
				t.Errorf("the day's visits lack hers: %s", got)
			}
		})
	}
}
