package browsertest

import (
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"parcours/internal/casefile"
	"parcours/internal/store"
)

// shot is one page of the README gallery.
type shot struct {
	name, path, who string
}

func gallery(f *demo) []shot {
	return []shot{
		{"login", "/login", ""},
		{"home", "/", "worker"},
		{"home-manager", "/", "manager"},
		{"search", "/search?q=Martn", "worker"},
		{"person", "/persons/" + f.person, "worker"},
		{"household", "/households/" + f.household, "worker"},
		{"persons", "/persons", "worker"},
		{"profile", "/profile", "worker"},
		{"admin", "/admin", "admin"},
		{"access-log", "/persons/" + f.person + "/access-log", "manager"},
		{"not-found", "/no/such/page", "worker"},
		{"caseload", "/persons?mine=1", "worker"},
		{"audit", "/audit?person=martin+lea", "manager"},
		{"not-followed", "/persons/" + f.person, "worker2"},
		{"prescreening", "/households/" + f.household + "/prescreening", "worker"},
		{"prescreening-explanation", "/households/" + f.household + "/prescreening/apl", "worker"},
		{"algorithms", "/algorithms", ""},
		{"non-take-up", "/stats/non-take-up", "manager"},
	}
}

var widths = []int64{1280, 360}

// TestScreens_ResponsiveAndScreenshots opens the main pages at desktop
// and phone widths. At 360 px nothing may overflow sideways (a worker on a
// home visit must not scroll horizontally). With -update-screenshots or
// PARCOURS_UPDATE_SCREENSHOTS=1 the screenshots are written to
// docs/screenshots/ for the README.
func TestScreens_ResponsiveAndScreenshots(t *testing.T) {
	t.Parallel()
	e := New(t, store.SQLite)
	f := seedDemo(t, e.Env)
	// A day with something in it: an overdue task, and a file opened.
	if e.App.CaseFile != nil {
		if _, err := e.App.CaseFile.CreateTask(t.Context(), e.Actor("worker"), f.person, casefile.TaskInput{
			Title: "Relancer la CAF pour l'APL", DueDate: time.Now().AddDate(0, 0, -2).Format(time.DateOnly), AssigneeID: f.workers["worker"],
		}); err != nil {
			t.Fatal(err)
		}
		visit := e.NewTab()
		visit.LoginAs("worker")
		visit.Go("/persons/" + f.person)
	}
	write := *updateScreenshots || os.Getenv("PARCOURS_UPDATE_SCREENSHOTS") == "1"
	dir := filepath.Join("..", "..", "..", "docs", "screenshots")
	if write {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, w := range widths {
		tabs := map[string]*Tab{}
		for _, s := range gallery(f) {
			tab, ok := tabs[s.who]
			if !ok {
				tab = e.NewTab(Width(w))
				if s.who != "" {
					tab.LoginAs(s.who)
				}
				tabs[s.who] = tab
			}
			st := tab.Go(s.path)
			if st != http.StatusOK && s.name != "not-found" && s.name != "not-followed" {
				t.Logf("%s (%s) answers %d: not built yet, no screenshot", s.name, s.path, st)
				continue
			}
			overflow := Eval[int64](tab, `document.documentElement.scrollWidth - document.documentElement.clientWidth`)
			if overflow > 0 {
				t.Errorf("%s at %d px overflows sideways by %d px", s.path, w, overflow)
			}
			png := tab.Screenshot()
			if len(png) < 1000 {
				t.Errorf("%s at %d px: screenshot of %d bytes", s.path, w, len(png))
			}
			if write {
				name := filepath.Join(dir, s.name+"-"+strconv.FormatInt(w, 10)+".png")
				if err := os.WriteFile(name, png, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
}

// At 360 px (a phone on a home visit) no page scrolls sideways for the
// roles that use the most pages: checked on the visits of
// TestAccessibility_EveryPageForEveryRole (checkSideways).
