package browsertest

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"parcours/internal/auth"
	"parcours/internal/casefile"
	"parcours/internal/parcours"
	"parcours/internal/store"
)

// The person portal on a phone (360 px): the worker prints a code, the
// person activates their access with it, sees who read their file,
// downloads their copy as PDF and JSON, and asks for a rectification
// that the DPO's page lists with its due date. Every portal page passes
// axe and fits the screen.
func TestPortal_PhoneFlow(t *testing.T) {
	t.Parallel()
	e := New(t, store.SQLite)
	p := createPerson(t, e.Env, "worker", "MARTIN", "Léa", "1990-04-12")
	if _, err := e.App.CaseFile.CreateAccompaniment(t.Context(), e.Actor("worker"), p, casefile.AccompanimentInput{
		Kind: parcours.DefaultAccompanimentKinds[0].Code, TeamID: e.TeamA.ID, ReferentID: e.Workers["worker"].ID,
		StartDate: time.Now().AddDate(0, -2, 0).Format(time.DateOnly)}); err != nil {
		t.Fatal(err)
	}
	// The worker, at the desk, prints a code; reading the file is logged.
	desk := &user{t: t, e: e, tab: e.NewTab()}
	desk.tab.LoginAs("worker")
	desk.tab.Go("/persons/" + p)
	desk.tab.Go("/persons/" + p + "/portal")
	reportViolations(t, "worker", "/persons/{id}/portal", desk.tab.Axe())
	if st := desk.submitFrom(`form[action$="/portal/invitations"] input[name=channel][value=print]`); st != http.StatusOK {
		t.Fatalf("invitation: %d", st)
	}
	code := strings.TrimSpace(desk.tab.Text(".printable-code .code"))
	if len(code) != 11 {
		t.Fatalf("printed code %q", code)
	}

	// The person, on a phone.
	phone := &user{t: t, e: e, tab: e.NewTab(Width(360))}
	if st := phone.tab.Go("/moi/activer"); st != http.StatusOK {
		t.Fatalf("activation page: %d", st)
	}
	fits := func(page string) {
		t.Helper()
		if w := Eval[int](phone.tab, `document.documentElement.scrollWidth`); w > 360 {
			t.Errorf("%s is %d px wide on a 360 px phone", page, w)
		}
		reportViolations(t, "person", page, phone.tab.Axe())
	}
	fits("/moi/activer")
	phone.fill("#f-code", code)
	phone.fill("#f-login", "lea.martin")
	phone.fill("#f-password", "un jardin sous la pluie")
	phone.fill("#f-confirm", "un jardin sous la pluie")
	phone.submitFrom("#f-confirm")
	if path := phone.tab.Path(); !strings.HasPrefix(path, "/moi") || strings.HasPrefix(path, "/moi/activer") {
		t.Fatalf("after activation: %s (%s)", path, phone.tab.Text("main"))
	}
	if txt := phone.tab.Text("main"); !strings.Contains(txt, "MARTIN") {
		t.Errorf("identity page: %s", txt)
	}
	fits("/moi")
	for _, pg := range []string{"/moi/suivi", "/moi/documents", "/moi/journal", "/moi/copie", "/moi/delegues", "/moi/compte"} {
		if st := phone.tab.Go(pg); st != http.StatusOK {
			t.Errorf("%s: %d", pg, st)
		}
		fits(pg)
	}
	// A message to the referent, without JavaScript needed: the form
	// posts, the thread shows.
	phone.tab.Go("/moi/messages")
	fits("/moi/messages")
	phone.fill("#f-subject", "Mon rendez-vous")
	phone.fill("#f-body", "Bonjour, je ne peux pas venir mardi. Est-ce possible jeudi ?")
	phone.submitFrom("#f-body")
	if path := phone.tab.Path(); !strings.HasPrefix(path, "/moi/messages/") {
		t.Fatalf("after sending a message: %s (%s)", path, phone.tab.Text("main"))
	}
	if txt := phone.tab.Text("main"); !strings.Contains(txt, "je ne peux pas venir mardi") {
		t.Errorf("the thread does not show the message: %s", txt)
	}
	fits("/moi/messages/{id}")
	phone.tab.Go("/moi/acces")
	fits("/moi/acces")
	if log := phone.tab.Text("main"); !strings.Contains(log, "intervenant·e social·e") || !strings.Contains(log, "CCAS de Villeurbanne-Test") {
		t.Errorf("the access log does not say who read the file: %s", log)
	}
	// The optional verification code: enrolled from « Mon accès », then
	// asked after the password.
	phone.tab.Go("/moi/compte")
	secret := strings.TrimSpace(phone.tab.Text("main code"))
	phone.fill("#f-current_password", "un jardin sous la pluie")
	phone.fill("#f-code", auth.TOTPCode(secret, e.App.DB.Now()))
	phone.submitFrom("#f-code")
	if txt := phone.tab.Text("main"); !strings.Contains(txt, "Le code de vérification est activé") {
		t.Fatalf("after enrolling the code: %s", txt)
	}
	fits("/moi/compte (code on)")
	phone.submitFrom(`form[action="/moi/deconnexion"] button`)
	phone.tab.Go("/moi/connexion")
	phone.fill("#f-login", "lea.martin")
	phone.fill("#f-password", "un jardin sous la pluie")
	phone.submitFrom("#f-password")
	if path := phone.tab.Path(); path != "/moi/connexion/code" {
		t.Fatalf("after the password: %s", path)
	}
	fits("/moi/connexion/code")
	phone.fill("#f-code", auth.TOTPCode(secret, e.App.DB.Now().Add(30*time.Second)))
	phone.submitFrom("#f-code")
	if path := phone.tab.Path(); path != "/moi" {
		t.Fatalf("after the code: %s (%s)", path, phone.tab.Text("main"))
	}
	// Both copies download with the portal session.
	for _, c := range []struct{ path, ctype string }{{"/moi/copie.pdf", "application/pdf"}, {"/moi/copie.json", "application/json"}} {
		got := Eval[string](phone.tab, `fetch(`+jsString(c.path)+`).then(r => r.status + " " + r.headers.get("Content-Type"))`)
		if !strings.HasPrefix(got, "200 "+c.ctype) {
			t.Errorf("%s: %s", c.path, got)
		}
	}
	// A rectification, with its due date.
	phone.tab.Go("/moi/demandes")
	fits("/moi/demandes")
	phone.tab.Do("choose rectification", chromedp.Click(chromedp.CSS(`#f-kind-rectification`)))
	phone.fill("#f-details", "Mon adresse a changé : 3 rue des Lilas.")
	phone.submitFrom("#f-details")
	if txt := phone.tab.Text("main"); !strings.Contains(txt, "Réponse au plus tard le") || !strings.Contains(txt, "rue des Lilas") {
		t.Errorf("the request page after sending: %s", txt)
	}
	dpo := e.NewTab()
	dpo.LoginAs("manager")
	dpo.Go("/data-requests")
	due := parcours.Today(time.Now().AddDate(0, 1, 0))
	if txt := dpo.Text("main"); !strings.Contains(txt, "MARTIN") || !strings.Contains(txt, due[8:10]+"/"+due[5:7]+"/"+due[0:4]) {
		t.Errorf("the DPO's page does not list the request with its due date %s: %s", due, txt)
	}
}
