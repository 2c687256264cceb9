package web_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"parcours/internal/app/apptest"
	"parcours/internal/casefile"
	"parcours/internal/parcours"
	"parcours/internal/person"
	"parcours/internal/store"
	"parcours/internal/web"
)

func TestHome_WorkerSeesDaySectionsWithEmptyStates(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		resp := e.Page("GET", "/", "worker", nil)
		if resp.Status != http.StatusOK {
			t.Fatalf("GET / as worker: %d", resp.Status)
		}
		body := string(resp.Body)
		for _, want := range []string{
			"<h1>Ma journée</h1>",
			"Tâches du jour et en retard", "Aucune tâche pour aujourd&#39;hui ni en retard.",
			"Dossiers consultés récemment", "Vous n&#39;avez ouvert aucun dossier récemment.",
			`aria-current="page"`, // "Ma journée" is the current page in the menu
		} {
			if !strings.Contains(body, want) {
				t.Errorf("home page lacks %q", want)
			}
		}
		// The agenda's section, empty.
		if !strings.Contains(body, "Rendez-vous du jour") || !strings.Contains(body, "Aucun rendez-vous aujourd&#39;hui.") {
			t.Error("the home page lacks the appointments section")
		}
		if strings.Contains(body, "À valider") {
			t.Error("a worker sees the managers' review section")
		}
		if n := strings.Count(body, "<h1"); n != 1 {
			t.Errorf("home page has %d h1, want 1", n)
		}
	})
}

func TestHome_ShowsOverdueTasksAndRecentFiles(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		f := newFixture(t, e)
		past := time.Now().AddDate(0, 0, -3).Format(time.DateOnly)
		if _, err := e.App.CaseFile.CreateTask(t.Context(), e.Actor("worker"), f.Person.ID, casefile.TaskInput{
			Title: "Relancer la CAF", DueDate: past, AssigneeID: e.Workers["worker"].ID,
		}); err != nil {
			t.Fatal(err)
		}
		if r := e.Page("GET", "/persons/"+f.Person.ID, "worker", nil); r.Status != http.StatusOK {
			t.Fatalf("opening the file: %d", r.Status)
		}
		body := string(e.Page("GET", "/", "worker", nil).Body)
		if !strings.Contains(body, "Relancer la CAF") || !strings.Contains(body, `href="/persons/`+f.Person.ID+`#tasks"`) {
			t.Error("the overdue task is not on the worker's day, with a link to the file")
		}
		if strings.Contains(body, "Aucune tâche pour aujourd&#39;hui ni en retard.") {
			t.Error("the overdue section says it is empty")
		}
		if !strings.Contains(body, `href="/persons/`+f.Person.ID+`"`) {
			t.Error("the file just opened is not among the recent files")
		}
		// Another worker's day shows none of it.
		other := string(e.Page("GET", "/", "worker2", nil).Body)
		if strings.Contains(other, "Relancer la CAF") || strings.Contains(other, f.Person.ID) {
			t.Error("a colleague sees the worker's tasks or visits")
		}
	})
}

func TestHome_ManagerSeesBreakGlassToReview(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		resp := e.Page("GET", "/", "manager", nil)
		if resp.Status != http.StatusOK || !strings.Contains(string(resp.Body), "Rien à valider pour le moment.") {
			t.Fatalf("manager's home: %d, empty review section missing", resp.Status)
		}
		f := newFixture(t, e)
		if _, err := e.App.BreakGlass.Open(t.Context(), e.Actor("worker2"), f.Person.ID, "Appel urgent du 115, la référente est absente."); err != nil {
			t.Fatal(err)
		}
		body := string(e.Page("GET", "/", "manager", nil).Body)
		if !strings.Contains(body, "Accès exceptionnel (bris de glace) à examiner") || !strings.Contains(body, `href="/break-glass/reviews"`) {
			t.Error("the pending break-glass is not on the manager's day")
		}
		for _, who := range []string{"worker", "reception"} {
			if r := e.Page("GET", "/", who, nil); r.Status != http.StatusOK || strings.Contains(string(r.Body), "bris de glace") {
				t.Errorf("%s: status %d, or sees the review section", who, r.Status)
			}
		}
	})
}

func TestHome_AnonymousIsSentToLogin(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		resp := e.Page("GET", "/", "", nil)
		if resp.Status != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
			t.Fatalf("anonymous GET /: %d to %q, want 303 to /login", resp.Status, resp.Header.Get("Location"))
		}
	})
}

func TestHome_LanguageFromAcceptLanguageAndFrenchDate(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		req := httptest.NewRequest("GET", "/", nil)
		req.AddCookie(e.Session("worker"))
		req.Header.Set("Accept-Language", "en-GB,en;q=0.9")
		resp := e.Serve(req)
		if !strings.Contains(string(resp.Body), "<h1>My day</h1>") || !strings.Contains(string(resp.Body), `<html lang="en">`) {
			t.Errorf("English was asked for, page is not in English")
		}
		// French by default, with the date written the French way.
		fr := string(e.Page("GET", "/", "worker", nil).Body)
		if !strings.Contains(fr, `<html lang="fr">`) {
			t.Error("default language is not French")
		}
		longDate := regexp.MustCompile(`(lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche) \d{1,2} (janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre) \d{4}`)
		if !longDate.MatchString(fr) {
			t.Error("the day is not written in French")
		}
	})
}

// The worker's own choice of language wins over the browser's.
func TestHome_WorkerPreferenceBeatsAcceptLanguage(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		if err := e.App.Auth.SetLanguage(t.Context(), e.Actor("worker"), "en"); err != nil {
			t.Fatal(err)
		}
		req := httptest.NewRequest("GET", "/", nil)
		req.AddCookie(e.Session("worker"))
		req.Header.Set("Accept-Language", "fr-FR,fr;q=0.9")
		body := string(e.Serve(req).Body)
		if !strings.Contains(body, "<h1>My day</h1>") || !strings.Contains(body, `<html lang="en">`) {
			t.Error("the worker chose English but the page is not in English")
		}
		// A colleague without a preference follows the browser.
		req = httptest.NewRequest("GET", "/", nil)
		req.AddCookie(e.Session("worker2"))
		req.Header.Set("Accept-Language", "fr-FR,fr;q=0.9")
		if body := string(e.Serve(req).Body); !strings.Contains(body, "<h1>Ma journée</h1>") {
			t.Error("a worker without a preference does not get the browser's French")
		}
	})
}

// Every response, whatever its kind, carries the strict CSP and the other
// security headers.
func TestSecurityHeaders_OnEveryResponse(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		want := map[string]string{
			"Content-Security-Policy":      "default-src 'none'; script-src 'self'; style-src 'self'",
			"X-Content-Type-Options":       "nosniff",
			"X-Frame-Options":              "DENY",
			"Referrer-Policy":              "same-origin",
			"Cross-Origin-Opener-Policy":   "same-origin",
			"Cross-Origin-Resource-Policy": "same-origin",
			"Strict-Transport-Security":    "max-age=",
			"Permissions-Policy":           "camera=()",
		}
		cases := []struct{ name, path, who string }{
			{"home", "/", "worker"},
			{"redirect to login", "/", ""},
			{"not found page", "/no/such/page", "worker"},
			{"static", "/static/app.css", ""},
			{"api", "/api/v1/me", "worker"},
			{"api error", "/api/v1/me", ""},
			{"health", "/healthz", ""},
		}
		for _, c := range cases {
			resp := e.Page("GET", c.path, c.who, nil)
			for h, v := range want {
				if got := resp.Header.Get(h); !strings.Contains(got, v) {
					t.Errorf("%s (%s): %s = %q, want it to contain %q", c.name, c.path, h, got, v)
				}
			}
			csp := resp.Header.Get("Content-Security-Policy")
			if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
				t.Errorf("%s: CSP allows inline code: %q", c.name, csp)
			}
		}
	})
}

// Pages must not carry inline scripts, inline styles or event-handler
// attributes: the CSP would block them, so they would be dead code.
func TestPages_NoInlineScriptOrStyle(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		inline := regexp.MustCompile(`(?i)<script(\s[^>]*)?>\s*[^<\s]|<style|\sstyle=|\son[a-z]+=|javascript:`)
		for _, p := range mainPages {
			resp := e.Page("GET", p.path, p.who, nil)
			if resp.Status != http.StatusOK {
				continue // pages not built yet are covered by their feature
			}
			if m := inline.Find(resp.Body); m != nil {
				t.Errorf("%s has inline code: %q", p.path, m)
			}
		}
	})
}

func TestStatic_CompressedWhenAccepted(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) { testStaticCompressed(t, e) })
}

func testStaticCompressed(t *testing.T, e *apptest.Env) {
	get := func(enc string, hdr ...string) *apptest.Response {
		req := httptest.NewRequest("GET", "/static/htmx.min.js", nil)
		if enc != "" {
			req.Header.Set("Accept-Encoding", enc)
		}
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		return e.Serve(req)
	}
	plain := get("")
	if plain.Status != 200 || plain.Header.Get("Content-Encoding") != "" {
		t.Fatalf("plain: %d, encoding %q", plain.Status, plain.Header.Get("Content-Encoding"))
	}
	gz := get("gzip, deflate, br")
	if gz.Header.Get("Content-Encoding") != "gzip" || gz.Header.Get("Vary") != "Accept-Encoding" {
		t.Fatalf("gzip not served: encoding %q, vary %q", gz.Header.Get("Content-Encoding"), gz.Header.Get("Vary"))
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz.Body))
	if err != nil {
		t.Fatal(err)
	}
	unz, _ := io.ReadAll(zr)
	if !bytes.Equal(unz, plain.Body) {
		t.Fatal("the compressed copy is not the file")
	}
	if len(gz.Body) >= len(plain.Body)/2 {
		t.Errorf("htmx compressed to %d bytes from %d: compression did not happen", len(gz.Body), len(plain.Body))
	}
	if refused := get("gzip;q=0"); refused.Header.Get("Content-Encoding") != "" {
		t.Error("gzip sent to a client that refused it")
	}
	// Revalidation: the ETag of each representation answers 304.
	if r := get("gzip", "If-None-Match", gz.Header.Get("ETag")); r.Status != http.StatusNotModified {
		t.Errorf("If-None-Match with the gzip ETag: %d, want 304", r.Status)
	}
	if gz.Header.Get("ETag") == plain.Header.Get("ETag") {
		t.Error("plain and gzip representations share an ETag")
	}
	if r := e.Page("GET", "/static/no-such.js", "", nil); r.Status != http.StatusNotFound {
		t.Errorf("missing static file: %d, want 404", r.Status)
	}
}

// mainPages are the pages workers use most, by the role that opens them.
// Pages not registered yet answer 404 and are skipped by the weight and
// inline-code tests; the browser tests list them too.
var mainPages = []struct{ path, who string }{
	{"/", "worker"},
	{"/", "manager"},
	{"/persons", "worker"},
	{"/search", "worker"},
	{"/login", ""},
	{"/profile", "worker"},
	{"/admin", "admin"},
	{"/access-log", "manager"},
	{"/audit", "admin"},
	{"/import", "worker"},
	{"/notifications", "worker"},
}

// A page with its stylesheets and scripts weighs at most 100 KB
// transferred, counting static files as sent to a browser accepting gzip.
func TestPageWeight_MainPagesUnder100KB(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		asset := regexp.MustCompile(`(?:href|src)="(/static/[^"]+)"`)
		checked := 0
		f := newFixture(t, e)
		pages := append(mainPages[:len(mainPages):len(mainPages)],
			struct{ path, who string }{"/persons/" + f.Person.ID, "worker"},
			struct{ path, who string }{"/households/" + f.Household.ID, "worker"})
		for _, p := range pages {
			resp := e.Page("GET", p.path, p.who, nil)
			if resp.Status != http.StatusOK {
				continue
			}
			checked++
			total := len(resp.Body)
			for _, m := range asset.FindAllSubmatch(resp.Body, -1) {
				req := httptest.NewRequest("GET", string(m[1]), nil)
				req.Header.Set("Accept-Encoding", "gzip")
				a := e.Serve(req)
				if a.Status != http.StatusOK {
					t.Errorf("%s links %s, which answers %d", p.path, m[1], a.Status)
				}
				total += len(a.Body)
			}
			t.Logf("%s as %s: %d bytes transferred", p.path, p.who, total)
			if total > 100*1024 {
				t.Errorf("%s as %s weighs %d bytes transferred, more than 100 KB", p.path, p.who, total)
			}
		}
		if checked == 0 {
			t.Fatal("no main page answered 200")
		}
	})
}

// A task assigned to a worker on a file they do not follow (left there by
// an old reassignment, or by an import) shows neither the person nor the
// title on « Ma journée »: the day goes through the door like the file.
// The worker is told how many such tasks they hold, so none is lost.
func TestHome_TaskOnAFileNotFollowedShowsNothingOfIt(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		f := newFixture(t, e)
		past := time.Now().AddDate(0, 0, -2).Format(time.DateOnly)
		err := e.App.DB.Transact(t.Context(), func(tx *store.Tx) error {
			return tx.InsertTasks(t.Context(), &parcours.Task{OrgID: e.OrgA.ID, PersonID: f.Person.ID, Title: "Appeler le bailleur",
				DueDate: past, AssigneeID: e.Workers["worker2"].ID, Status: parcours.TaskOpen, CreatedBy: e.Workers["worker"].ID})
		})
		if err != nil {
			t.Fatal(err)
		}
		if r := e.Do("GET", "/api/v1/persons/"+f.Person.ID, "worker2", nil); r.Status != http.StatusForbidden {
			t.Fatalf("worker2 reads the file (%d): the fixture no longer isolates her", r.Status)
		}
		body := string(e.Page("GET", "/", "worker2", nil).Body)
		if strings.Contains(body, "Appeler le bailleur") || strings.Contains(body, "MARTIN") || strings.Contains(body, f.Person.ID) {
			t.Error("« Ma journée » shows a task's title or person on a file the worker may not read")
		}
		if !strings.Contains(body, `id="tasks-hidden"`) || !strings.Contains(body, "que vous ne suivez plus : 1.") {
			t.Error("« Ma journée » does not tell the worker she holds a task on a file she no longer follows")
		}
		// The worker who follows the file is not told of hidden tasks.
		if mine := string(e.Page("GET", "/", "worker", nil).Body); strings.Contains(mine, `id="tasks-hidden"`) {
			t.Error("a worker with no hidden task is told she has some")
		}
	})
}

// « Ma journée » shows the tasks due today as well as the late ones (late
// first, marked), and the files handed over to the worker until they
// acknowledge them; « mes personnes suivies » lists the worker's caseload,
// sortable by last contact and alerts.
func TestHome_TodaysTasksHandoversAndCaseload(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		f := newFixture(t, e)
		var acc struct{ ID string }
		if r := e.Do("POST", "/api/v1/persons/"+f.Person.ID+"/accompaniments", "worker", map[string]any{"kind": "asll"}); r.Status != http.StatusCreated {
			t.Fatalf("accompaniment: %d %s", r.Status, r.Body)
		} else {
			r.Decode(t, &acc)
		}
		today := e.App.DB.Now().In(web.Paris()).Format(time.DateOnly)
		late := e.App.DB.Now().In(web.Paris()).AddDate(0, 0, -3).Format(time.DateOnly)
		for title, due := range map[string]string{"Appeler le bailleur": today, "Relancer la CAF": late} {
			if _, err := e.App.CaseFile.CreateTask(t.Context(), e.Actor("worker"), f.Person.ID, casefile.TaskInput{
				Title: title, DueDate: due, AssigneeID: e.Workers["worker"].ID}); err != nil {
				t.Fatal(err)
			}
		}
		body := string(e.Page("GET", "/", "worker", nil).Body)
		lateAt, todayAt := strings.Index(body, "Relancer la CAF"), strings.Index(body, "Appeler le bailleur")
		if lateAt < 0 || todayAt < 0 || lateAt > todayAt {
			t.Errorf("today's and late tasks: late at %d, today at %d (want both, late first)", lateAt, todayAt)
		}
		if !strings.Contains(body, "Mes personnes suivies") {
			t.Error("no link to « mes personnes suivies »")
		}
		// The caseload: the fixture person, with their late task.
		cl := string(e.Page("GET", "/persons?mine=1&sort=alerts", "worker", nil).Body)
		if !strings.Contains(cl, `href="/persons/`+f.Person.ID+`"`) || !strings.Contains(cl, "1 tâche en retard") {
			t.Errorf("the caseload lacks the person and their alert")
		}
		if r := e.Page("GET", "/persons?mine=1&sort=age", "worker", nil); r.Status != http.StatusBadRequest {
			t.Errorf("unknown sort: %d, want 400", r.Status)
		}
		if other := string(e.Page("GET", "/persons?mine=1", "worker2", nil).Body); strings.Contains(other, f.Person.ID) {
			t.Error("a colleague's caseload lists the worker's person")
		}
		// A handover to worker2 is on their day until acknowledged.
		r := e.Do("POST", "/api/v1/accompaniments/"+acc.ID+"/handover", "worker", map[string]any{"referent_id": e.Workers["worker2"].ID, "team_id": e.TeamA2.ID})
		if r.Status != http.StatusCreated {
			t.Fatalf("handover: %d %s", r.Status, r.Body)
		}
		var h struct{ ID string }
		r.Decode(t, &h)
		day := string(e.Page("GET", "/", "worker2", nil).Body)
		if !strings.Contains(day, "Dossiers qui vous sont transmis") || !strings.Contains(day, `href="/persons/`+f.Person.ID+`#handovers"`) {
			t.Fatal("the handover is not on the new referent's day")
		}
		if r := e.Page("POST", "/handovers/"+h.ID+"/acknowledge", "worker2", nil); r.Status != http.StatusSeeOther {
			t.Fatalf("acknowledge: %d", r.Status)
		}
		if day := string(e.Page("GET", "/", "worker2", nil).Body); strings.Contains(day, "Dossiers qui vous sont transmis") {
			t.Error("the acknowledged handover is still on the day")
		}
	})
}

// TestCaseload_IncludesTheHouseholdsOneFollows: « mes personnes suivies »
// lists the members of a household the worker follows (their household
// accompaniment, or the household of a person they accompany), marked
// « foyer suivi », with their alerts; a colleague's household is not
// listed.
func TestCaseload_IncludesTheHouseholdsOneFollows(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		ctx := t.Context()
		lead := recordPerson(t, e, "worker", "BLANC")
		partner := recordPerson(t, e, "worker", "BLANC-PARTNER")
		stranger := recordPerson(t, e, "worker", "SEUL")
		if _, err := e.App.Persons.CreateHousehold(ctx, e.Actor("worker"), person.HouseholdInput{Name: "Foyer Blanc",
			Members: []person.MemberInput{{PersonID: lead.ID, Relationship: parcours.RelReference}, {PersonID: partner.ID, Relationship: parcours.RelSpouse}}}); err != nil {
			t.Fatal(err)
		}
		if r := e.Do("POST", "/api/v1/persons/"+lead.ID+"/accompaniments", "worker", map[string]any{"kind": "asg"}); r.Status != http.StatusCreated {
			t.Fatalf("accompaniment: %d %s", r.Status, r.Body)
		}
		late := e.App.DB.Now().In(web.Paris()).AddDate(0, 0, -2).Format(time.DateOnly)
		if _, err := e.App.CaseFile.CreateTask(ctx, e.Actor("worker"), partner.ID, casefile.TaskInput{Title: "Dossier CAF du conjoint",
			DueDate: late, AssigneeID: e.Workers["worker"].ID}); err != nil {
			t.Fatal(err)
		}
		cl := string(e.Page("GET", "/persons?mine=1&sort=alerts", "worker", nil).Body)
		for _, p := range []*parcours.Person{lead, partner} {
			if !strings.Contains(cl, `href="/persons/`+p.ID+`"`) {
				t.Errorf("the caseload lacks %s", p.BirthName)
			}
		}
		if strings.Contains(cl, stranger.ID) {
			t.Errorf("the caseload lists a person the worker does not follow")
		}
		// Sorted by alerts, the partner (a late task) comes first, marked
		// as followed through the household.
		partnerAt, leadAt := strings.Index(cl, `href="/persons/`+partner.ID+`"`), strings.Index(cl, `href="/persons/`+lead.ID+`"`)
		if partnerAt > leadAt || !strings.Contains(cl, "foyer suivi") || !strings.Contains(cl, "1 tâche en retard") {
			t.Errorf("by alerts: partner at %d, lead at %d", partnerAt, leadAt)
		}
		if other := string(e.Page("GET", "/persons?mine=1", "worker2", nil).Body); strings.Contains(other, partner.ID) {
			t.Error("a colleague's caseload lists the worker's household")
		}
	})
}
