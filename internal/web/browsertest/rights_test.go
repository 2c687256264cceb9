package browsertest

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"parcours/internal/letters"
	"parcours/internal/store"
)

// TestRights_DoneWhen is issue 12's scenario at the browser, JavaScript
// off (every form is a plain HTML form): from the demo, a worker records a
// CAF procedure done with the person, a mandate and an emergency aid
// request with the household's budget; a manager decides it in
// commission and the decision letter downloads as a PDF naming the
// amount.
func TestRights_DoneWhen(t *testing.T) {
	t.Parallel()
	e := New(t, store.SQLite)
	if !e.has("GET /persons/{id}/rights") || !e.has("GET /commissions/{id}") {
		t.Fatal("the rights pages are not registered")
	}
	f := seedDemo(t, e.Env)
	set := func(tab *Tab, css, value string) {
		t.Helper()
		if !Eval[bool](tab, `(() => { const el = document.querySelector(`+jsString(css)+`); if (!el) return false;
			if (el.type === "radio" || el.type === "checkbox") { el.checked = true } else { el.value = `+jsString(value)+` } return true })()`) {
			t.Fatalf("no field %s on %s", css, tab.Path())
		}
	}

	tab := e.NewTab(NoJS())
	tab.LoginAs("worker")
	u := &user{t: t, e: e, tab: tab, how: mouse}
	if st := tab.Go("/persons/" + f.person + "/rights"); st != 200 {
		t.Fatalf("rights tab: %d", st)
	}
	// A CAF procedure (prime d'activité), done with the person, filed.
	set(tab, "#f-proc-right_code", "prime_activite")
	set(tab, "#f-proc-status", "deposee")
	set(tab, `input[name="proc-help_level"][value="with_person"]`, "")
	set(tab, `input[name="proc-obstacles"][value="no_franceconnect"]`, "")
	set(tab, "#f-proc-next_step", "Vérifier le versement")
	set(tab, "#f-proc-due_date", time.Now().AddDate(0, 0, 10).Format("2006-01-02"))
	if st := u.submitFrom("#f-proc-right_code"); st != 200 {
		t.Fatalf("procedure form: %d", st)
	}
	if text := tab.Text(`section[aria-labelledby="procedures"]`); !strings.Contains(text, "Prime d'activité") || !strings.Contains(text, "Fait avec la personne") ||
		!strings.Contains(text, "Déposée") {
		t.Fatalf("the tab does not show the procedure:\n%s", text)
	}
	// A mandate for the RSA, for six months.
	set(tab, `input[name="mand-procedures"][value="rsa"]`, "")
	set(tab, "#f-mand-end_date", time.Now().AddDate(0, 6, 0).Format("2006-01-02"))
	if st := u.submitFrom("#f-mand-end_date"); st != 200 {
		t.Fatalf("mandate form: %d", st)
	}
	if text := tab.Text(`section[aria-labelledby="mandates"]`); !strings.Contains(text, "En cours") || !strings.Contains(text, "Revenu de solidarité active") {
		t.Fatalf("the tab does not show the mandate:\n%s", text)
	}

	// An emergency aid request, with the household's budget of the day.
	if st := tab.Go("/households/" + f.household + "/aid"); st != 200 {
		t.Fatalf("aid page: %d", st)
	}
	if hint := tab.Text("#new-request + p"); !strings.Contains(hint, "reste à vivre par UC") {
		t.Errorf("the request form does not say which budget it takes: %q", hint)
	}
	set(tab, "#f-req-aid_code", "secours_urgence")
	set(tab, "#f-req-amount_cents", "250")
	set(tab, "#f-req-reason", "Facture d'eau impayée, coupure annoncée.")
	if st := u.submitFrom("#f-req-reason"); st != 200 {
		t.Fatalf("request form: %d", st)
	}
	req := Eval[string](tab, `(() => { const c = [...document.querySelectorAll("li.card")].find(li => li.textContent.includes("250,00")); return c ? c.id.slice(4) : "" })()`)
	if req == "" {
		t.Fatalf("the new request is not listed:\n%s", tab.Text(`section[aria-labelledby="requests"]`))
	}
	set(tab, "#f-agenda-"+req, f.commission)
	if st := u.submitFrom("#f-agenda-" + req); st != 200 {
		t.Fatalf("agenda form: %d", st)
	}

	// The manager runs the commission.
	mtab := e.NewTab(NoJS())
	mtab.LoginAs("manager")
	m := &user{t: t, e: e, tab: mtab, how: mouse}
	if st := mtab.Go("/commissions/" + f.commission); st != 200 {
		t.Fatalf("commission page: %d", st)
	}
	if text := mtab.Text("#req-" + req); !strings.Contains(text, "Reste à vivre par unité de consommation") {
		t.Errorf("the agenda does not show the budget:\n%s", text)
	}
	set(mtab, "#req-"+req+` input[name="decision"][value="partial"]`, "")
	set(mtab, "#f-dec-"+req+"-amount_cents", "180")
	if st := m.submitFrom("#f-dec-" + req + "-amount_cents"); st != 200 {
		t.Fatalf("decision form: %d", st)
	}
	if text := mtab.Text("#req-" + req); !strings.Contains(text, "180,00") {
		t.Fatalf("the decision is not shown:\n%s", text)
	}
	href := Eval[string](mtab, `document.querySelector("#req-`+req+` a[href$='/letter']").getAttribute("href")`)
	// Download the letter with the manager's session, as the link does.
	got := Eval[[]string](mtab, `fetch(`+jsString(href)+`).then(async r => [r.headers.get("Content-Type"),
		btoa(String.fromCharCode(...new Uint8Array(await r.arrayBuffer())))])`)
	if len(got) != 2 || got[0] != "application/pdf" {
		t.Fatalf("letter: %v", got[:min(1, len(got))])
	}
	pdf, err := base64.StdEncoding.DecodeString(got[1])
	if err != nil {
		t.Fatal(err)
	}
	text := letters.Text(pdf)
	for _, want := range []string{"MARTIN", "180,00 €", "250,00 €", "Secours d'urgence", "accordée en partie"} {
		if !strings.Contains(text, want) {
			t.Errorf("the letter lacks %q:\n%s", want, text)
		}
	}
}
