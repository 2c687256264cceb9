package web_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"parcours/internal/agenda"
	"parcours/internal/app/apptest"
	"parcours/internal/letters"
	"parcours/internal/portal"
)

// portalBrowser is a person's browser on the portal: it keeps the portal
// session cookie and the page's CSRF token.
type portalBrowser struct {
	t      *testing.T
	e      *apptest.Env
	cookie string
	csrf   string
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func (b *portalBrowser) do(method, path string, form url.Values) *apptest.Response {
	b.t.Helper()
	var req *http.Request
	if form != nil {
		if b.csrf != "" {
			form.Set("csrf", b.csrf)
		}
		req = httptest.NewRequest(method, path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		req = httptest.NewRequest(method, path, nil)
	}
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	if b.cookie != "" {
		req.AddCookie(&http.Cookie{Name: portal.SessionCookie, Value: b.cookie})
	}
	r := b.e.Serve(req)
	for _, c := range (&http.Response{Header: r.Header}).Cookies() {
		if c.Name == portal.SessionCookie {
			b.cookie = c.Value
		}
	}
	if m := csrfRE.FindSubmatch(r.Body); m != nil {
		b.csrf = string(m[1])
	}
	return r
}

// invite makes a printed code for the person, as their worker.
func invite(t *testing.T, e *apptest.Env, personID string) string {
	t.Helper()
	r := e.Do("POST", "/api/v1/persons/"+personID+"/portal-invitations", "worker", map[string]any{"channel": "print"})
	if r.Status != http.StatusCreated {
		t.Fatalf("invite: %d %s", r.Status, r.Body)
	}
	var inv struct{ Code string }
	r.Decode(t, &inv)
	if len(inv.Code) != 11 {
		t.Fatalf("code %q", inv.Code)
	}
	return inv.Code
}

func activate(b *portalBrowser, code, login string) *apptest.Response {
	b.t.Helper()
	return b.do("POST", "/moi/activer", url.Values{"code": {code}, "login": {login},
		"password": {"un jardin sous la pluie"}, "confirm": {"un jardin sous la pluie"}})
}

// From a worker's invitation to the person reading who opened their
// file, downloading their copy and asking for a rectification that the
// DPO page lists with its due date.
func TestPortal_InviteActivateReadExportAndRequest(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		f := newFixture(t, e)
		code := invite(t, e, f.Person.ID)
		b := &portalBrowser{t: t, e: e}
		if r := b.do("GET", "/moi", nil); r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/moi/connexion" {
			t.Fatalf("the portal without a session: %d %s", r.Status, r.Header.Get("Location"))
		}
		if r := activate(b, strings.ToLower(strings.ReplaceAll(code, "-", " ")), "lea.martin"); r.Status != http.StatusSeeOther {
			t.Fatalf("activation: %d %s", r.Status, r.Body)
		}
		// The code is single-use.
		other := &portalBrowser{t: t, e: e}
		if r := activate(other, code, "quelqu.un"); r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), "a déjà servi") {
			t.Fatalf("the code used twice: %d", r.Status)
		}
		r := b.do("GET", "/moi", nil)
		if r.Status != http.StatusOK || !strings.Contains(string(r.Body), "MARTIN") || !strings.Contains(string(r.Body), "Léa") {
			t.Fatalf("identity page: %d", r.Status)
		}
		// A worker reads the file; the person sees it, by structure and
		// function.
		if r := e.Do("GET", "/api/v1/persons/"+f.Person.ID, "worker", nil); r.Status != http.StatusOK {
			t.Fatalf("worker read: %d", r.Status)
		}
		r = b.do("GET", "/moi/acces", nil)
		page := string(r.Body)
		if r.Status != http.StatusOK || !strings.Contains(page, "CCAS de Villeurbanne-Test") || !strings.Contains(page, "intervenant·e social·e") ||
			!strings.Contains(page, "Vous-même, sur le portail") {
			t.Fatalf("access log page: %d\n%s", r.Status, page)
		}
		// A break-glass is shown with its reason.
		if !strings.Contains(page, "mise à l&#39;abri urgente") {
			t.Errorf("the break-glass reason is not in the person's access log")
		}
		// The person reaches no worker route, and no other file.
		for _, p := range []string{"/persons/" + f.Person.ID, "/api/v1/persons/" + f.Person.ID + "/export", "/"} {
			if r := b.do("GET", p, nil); r.Status != http.StatusForbidden {
				t.Errorf("%s with a portal session: %d, want 403", p, r.Status)
			}
		}
		// Copies: JSON and PDF, audited.
		r = b.do("GET", "/moi/copie.json", nil)
		var x struct {
			Person struct {
				BirthName string `json:"birth_name"`
			} `json:"person"`
		}
		if r.Status != http.StatusOK || json.Unmarshal(r.Body, &x) != nil || x.Person.BirthName != "MARTIN" {
			t.Fatalf("JSON copy: %d %s", r.Status, r.Body)
		}
		r = b.do("GET", "/moi/copie.pdf", nil)
		if r.Status != http.StatusOK || r.Header.Get("Content-Type") != "application/pdf" {
			t.Fatalf("PDF copy: %d %s", r.Status, r.Header.Get("Content-Type"))
		}
		if txt := letters.Text(r.Body); !strings.Contains(txt, "MARTIN") || !strings.Contains(txt, "Qui a consulté votre dossier") {
			t.Errorf("PDF copy text:\n%s", txt)
		}
		// A rectification: on the DPO's list, due one month later.
		b.do("GET", "/moi/demandes", nil)
		r = b.do("POST", "/moi/demandes", url.Values{"kind": {"rectification"}, "details": {"Mon adresse a changé : 3 rue des Lilas."}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("request: %d %s", r.Status, r.Body)
		}
		var open struct {
			Items []struct {
				PersonID, Kind, Channel string
				DueOn                   string `json:"due_on"`
				ReceivedOn              string `json:"received_on"`
			}
		}
		e.Do("GET", "/api/v1/data-requests", "manager", nil).Decode(t, &open)
		if len(open.Items) != 1 || open.Items[0].Kind != "rectification" || open.Items[0].Channel != "portal" || open.Items[0].DueOn == "" ||
			open.Items[0].DueOn <= open.Items[0].ReceivedOn {
			t.Fatalf("the DPO's list: %+v", open.Items)
		}
		r = b.do("GET", "/moi/demandes", nil)
		if !strings.Contains(string(r.Body), "Réponse au plus tard le") {
			t.Errorf("the person does not see the due date")
		}
		// Events of the person's reads are in the trail, as "portal:…".
		var n int
		if err := e.App.DB.SQL().QueryRow(rebind(e, "SELECT COUNT(*) FROM audit_events WHERE person_id = ? AND role = 'person'"), f.Person.ID).Scan(&n); err != nil || n < 5 {
			t.Errorf("portal reads audited: %d (%v)", n, err)
		}
		// Sign out, then back in with the login and password.
		b.do("POST", "/moi/deconnexion", url.Values{})
		if r := b.do("GET", "/moi", nil); r.Status != http.StatusSeeOther {
			t.Fatalf("after sign-out: %d", r.Status)
		}
		if r := b.do("POST", "/moi/connexion", url.Values{"login": {"LEA.MARTIN "}, "password": {"un jardin sous la pluie"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("sign-in: %d %s", r.Status, r.Body)
		}
		// Their appointments are on « Mon suivi ».
		day := time.Now().AddDate(0, 0, 7)
		for day.Weekday() == time.Saturday || day.Weekday() == time.Sunday {
			day = day.AddDate(0, 0, 1)
		}
		if _, err := e.App.Agenda.Book(t.Context(), e.Actor("worker"), f.Person.ID, agenda.Input{WorkerIDs: []string{e.Workers["worker"].ID},
			Date: day.Format(time.DateOnly), Start: "10:00", End: "11:00", PlaceKind: "phone", Theme: "Point sur le dossier RSA"}); err != nil {
			t.Fatalf("booking: %v", err)
		}
		if r := b.do("GET", "/moi/suivi", nil); r.Status != http.StatusOK || !strings.Contains(string(r.Body), "Point sur le dossier RSA") {
			t.Fatalf("after sign-in, « Mon suivi »: %d, appointment shown: %v", r.Status, strings.Contains(string(r.Body), "Point sur le dossier RSA"))
		}
	})
}

// Codes expire after 72 hours, and guessing them is throttled.
func TestPortal_CodesExpireAndGuessesAreThrottled(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		f := newFixture(t, e)
		code := invite(t, e, f.Person.ID)
		now := e.App.DB.Now
		e.App.DB.Now = func() time.Time { return now().Add(73 * time.Hour) }
		b := &portalBrowser{t: t, e: e}
		if r := activate(b, code, "lea.martin"); r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("an expired code: %d", r.Status)
		}
		e.App.DB.Now = now
		got := 0
		for i := range 12 {
			r := activate(b, "AAAAA-BBBB"+string(rune('C'+i)), "lea.martin")
			got = r.Status
			if got == http.StatusTooManyRequests {
				break
			}
		}
		if got != http.StatusTooManyRequests {
			t.Fatalf("guessing codes is not throttled: last status %d", got)
		}
		// Even the right code waits for the lock to end.
		if r := activate(b, invite(t, e, f.Person.ID), "lea.martin"); r.Status != http.StatusTooManyRequests {
			t.Errorf("a right code during the lock: %d", r.Status)
		}
	})
}

// A delegate reads within their scope, their reads are in the person's
// access log, and past their end date they get 401.
func TestPortal_DelegateScopeLogAndEndDate(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		f := newFixture(t, e)
		person := &portalBrowser{t: t, e: e}
		activate(person, invite(t, e, f.Person.ID), "lea.martin")
		person.do("GET", "/moi/delegues", nil)
		r := person.do("POST", "/moi/delegues", url.Values{"name": {"Paul Martin"}, "relationship": {"family"}, "scope": {"view"},
			"ends_on": {time.Now().AddDate(0, 1, 0).Format(time.DateOnly)}})
		m := regexp.MustCompile(`<strong>([A-Z2-9]{5}-[A-Z2-9]{5})</strong>`).FindSubmatch(r.Body)
		if r.Status != http.StatusOK || m == nil {
			t.Fatalf("naming a delegate: %d %s", r.Status, r.Body)
		}
		// Bad input changes nothing.
		if r := person.do("POST", "/moi/delegues", url.Values{"name": {"X"}, "relationship": {"family"}, "scope": {"view"}, "ends_on": {"2001-01-01"}}); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("an end date in the past: %d", r.Status)
		}
		d := &portalBrowser{t: t, e: e}
		if r := activate(d, string(m[1]), "paul.martin"); r.Status != http.StatusSeeOther {
			t.Fatalf("delegate activation: %d %s", r.Status, r.Body)
		}
		if r := d.do("GET", "/moi/suivi", nil); r.Status != http.StatusOK {
			t.Fatalf("delegate reads: %d", r.Status)
		}
		if r := d.do("GET", "/moi/copie.pdf", nil); r.Status != http.StatusForbidden {
			t.Errorf("a view-only delegate downloads the copy: %d", r.Status)
		}
		if r := d.do("POST", "/moi/delegues", url.Values{"name": {"Autre"}, "relationship": {"friend"}, "scope": {"full"},
			"ends_on": {time.Now().AddDate(0, 1, 0).Format(time.DateOnly)}}); r.Status != http.StatusForbidden {
			t.Errorf("a delegate names a delegate: %d", r.Status)
		}
		// The delegate's read is in the person's access log, naming them —
		// on the portal, in its API, and for the file's workers.
		r = person.do("GET", "/moi/acces", nil)
		if !strings.Contains(string(r.Body), "Paul Martin, votre personne de confiance, sur le portail : a consulté le suivi") {
			t.Errorf("the delegate's read is not in the person's access log, by name")
		}
		var log struct {
			AccessLog []struct{ Role, Delegate, Text string } `json:"access_log"`
		}
		req := httptest.NewRequest("GET", "/api/v1/moi/access-log", nil)
		req.AddCookie(&http.Cookie{Name: portal.SessionCookie, Value: person.cookie})
		if r := e.Serve(req); r.Status != http.StatusOK || json.Unmarshal(r.Body, &log) != nil {
			t.Fatalf("portal access log API: %d %s", r.Status, r.Body)
		}
		named := false
		for _, l := range log.AccessLog {
			if l.Role == "delegate" {
				named = l.Delegate == "Paul Martin"
			}
		}
		if !named {
			t.Errorf("the portal API does not name the delegate: %+v", log.AccessLog)
		}
		if r := e.Page("GET", "/persons/"+f.Person.ID+"/access-log", "worker", nil); !strings.Contains(string(r.Body), "Paul Martin, votre personne de confiance") {
			t.Errorf("the worker's view of the access log does not name the delegate: %d", r.Status)
		}
		var wlog struct {
			Items []struct{ Role, Delegate string }
		}
		e.Do("GET", "/api/v1/persons/"+f.Person.ID+"/access-log", "worker", nil).Decode(t, &wlog)
		named = false
		for _, l := range wlog.Items {
			named = named || (l.Role == "delegate" && l.Delegate == "Paul Martin")
		}
		if !named {
			t.Errorf("the access-log API does not name the delegate")
		}
		// Past the end date: 401.
		if _, err := e.App.DB.SQL().Exec(rebind(e, "UPDATE portal_accounts SET ends_on = '2020-01-01' WHERE login = ?"), "paul.martin"); err != nil {
			t.Fatal(err)
		}
		req = httptest.NewRequest("GET", "/api/v1/moi", nil)
		req.AddCookie(&http.Cookie{Name: portal.SessionCookie, Value: d.cookie})
		if r := e.Serve(req); r.Status != http.StatusUnauthorized {
			t.Errorf("a delegate past their end date: %d, want 401", r.Status)
		}
		if r := d.do("POST", "/moi/connexion", url.Values{"login": {"paul.martin"}, "password": {"un jardin sous la pluie"}}); r.Status != http.StatusUnauthorized {
			t.Errorf("a delegate past their end date signs in: %d", r.Status)
		}
	})
}

// The person sees only the entries shared with them; their copy holds
// every entry but those withheld for a third party, and nothing of the
// other adult of the household.
func TestPortal_SharedEntriesWithheldEntriesAndTheOtherAdult(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		f := newFixture(t, e)
		var other struct{ ID string }
		e.Do("POST", "/api/v1/persons", "worker", map[string]any{"birth_name": "CONJOINTUNIQUE", "first_names": "Karim",
			"birth_date": "1985-06-01", "sex": "M", "force": true}).Decode(t, &other)
		if r := e.Do("POST", "/api/v1/households/"+f.Household.ID+"/members", "worker", map[string]any{"person_id": other.ID, "relationship": "conjoint"}); r.Status >= 300 {
			t.Fatalf("household: %d", r.Status)
		}
		e.Do("POST", "/api/v1/persons/"+other.ID+"/journal", "worker", map[string]any{"kind": "note", "summary": "Note sur Karim seulement"})
		entry := func(summary string) string {
			var en struct{ ID string }
			e.Do("POST", "/api/v1/persons/"+f.Person.ID+"/journal", "worker", map[string]any{"kind": "note", "summary": summary}).Decode(t, &en)
			return en.ID
		}
		shared, _, withheld := entry("Rendez-vous CAF fixé au 12"), entry("Point logement"), entry("Sa sœur dit qu'elle est malade")
		disclose := func(id string, body map[string]any) *apptest.Response {
			return e.Do("POST", "/api/v1/persons/"+f.Person.ID+"/journal/"+id+"/disclosure", "worker", body)
		}
		if r := disclose(shared, map[string]any{"shared": true}); r.Status != http.StatusOK {
			t.Fatalf("share: %d %s", r.Status, r.Body)
		}
		if r := disclose(withheld, map[string]any{"withheld": true}); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("withheld without a reason: %d", r.Status)
		}
		if r := disclose(withheld, map[string]any{"withheld": true, "reason": "Propos d'un tiers sur sa santé"}); r.Status != http.StatusOK {
			t.Fatalf("withhold: %d %s", r.Status, r.Body)
		}
		if r := e.Do("POST", "/api/v1/persons/"+f.Person.ID+"/journal/"+shared+"/disclosure", "worker2", map[string]any{"shared": true}); r.Status != http.StatusForbidden {
			t.Errorf("a worker without relation marks an entry: %d", r.Status)
		}
		b := &portalBrowser{t: t, e: e}
		activate(b, invite(t, e, f.Person.ID), "lea.martin")
		page := string(b.do("GET", "/moi/journal", nil).Body)
		if !strings.Contains(page, "Rendez-vous CAF fixé au 12") || strings.Contains(page, "Point logement") || strings.Contains(page, "Sa sœur") {
			t.Errorf("journal page shows the wrong entries:\n%s", page)
		}
		for _, path := range []string{"/moi/copie.json", "/moi/copie.pdf"} {
			r := b.do("GET", path, nil)
			body := string(r.Body)
			if path == "/moi/copie.pdf" {
				body = letters.Text(r.Body)
			}
			if r.Status != http.StatusOK || !strings.Contains(body, "Point logement") || !strings.Contains(body, "Rendez-vous CAF") {
				t.Errorf("%s: %d, missing entries", path, r.Status)
			}
			for _, leak := range []string{"Sa sœur", "Karim", "CONJOINTUNIQUE"} {
				if strings.Contains(body, leak) {
					t.Errorf("%s holds %q", path, leak)
				}
			}
			if !strings.Contains(body, "journal.withheld") {
				t.Errorf("%s does not say an entry was withheld", path)
			}
		}
		// The worker's copy leaves the withheld entry out too.
		r := e.Do("GET", "/api/v1/persons/"+f.Person.ID+"/export/pdf", "worker", nil)
		if txt := letters.Text(r.Body); r.Status != http.StatusOK || strings.Contains(txt, "Sa sœur") || !strings.Contains(txt, "Point logement") {
			t.Errorf("worker's PDF: %d", r.Status)
		}
	})
}
