package browsertest

import (
	"crypto/rand"
	"encoding/base32"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/pquerna/otp/totp"

	"parcours/internal/auth"
	"parcours/internal/store"
	"parcours/internal/store/storetest"
)

// The main flow of a social worker's day, driven three ways: with the
// mouse and JavaScript, with JavaScript off (every form must work as a
// plain HTML form), and with the keyboard only (Tab, typing, Enter).
//
// Each step runs as soon as its pages are registered; until then the test
// logs the step as not built and stops there, so the flow grows with the
// features and never passes by skipping a page that exists.

type driver int

const (
	mouse driver = iota
	keyboard
)

// user is a worker at the browser.
type user struct {
	t   *testing.T
	e   *Env
	tab *Tab
	how driver
}

// focusByTab presses Tab until the focused element matches css.
func (u *user) focusByTab(css string) {
	u.t.Helper()
	match := `document.activeElement && document.activeElement.matches(` + jsString(css) + `)`
	for range 400 {
		if Eval[bool](u.tab, match) {
			return
		}
		u.tab.Do("Tab", chromedp.KeyEvent(kb.Tab))
	}
	u.t.Fatalf("%s never reached with the Tab key", css)
}

// fill types text into the field css.
func (u *user) fill(css, text string) {
	u.t.Helper()
	if u.how == keyboard {
		u.focusByTab(css)
		u.tab.Do("type into "+css, chromedp.KeyEvent(text))
		return
	}
	u.tab.Do("type into "+css, chromedp.SendKeys(chromedp.CSS(css), text))
}

// submitFrom sends the form of field css with its submit button (a click,
// or Tab to it and Enter) and waits for the next page.
func (u *user) submitFrom(css string) int64 {
	u.t.Helper()
	Eval[bool](u.tab, `(() => { document.querySelectorAll("[data-flow]").forEach(x => x.removeAttribute("data-flow"));
		const f = document.querySelector(`+jsString(css)+`).form;
		f.querySelector("button[type=submit], button:not([type]), input[type=submit]").setAttribute("data-flow", "submit"); return true })()`)
	if u.how == keyboard {
		// Tab on to the form's button and press Enter (Enter in a
		// textarea would only add a line).
		u.focusByTab(`[data-flow="submit"]`)
		return u.tab.Navigating("Enter on the submit button", chromedp.KeyEvent(kb.Enter))
	}
	return u.tab.Navigating("submit", chromedp.Click(chromedp.CSS(`[data-flow="submit"]`)))
}

// follow opens the link whose text contains text, inside scope (a CSS
// selector).
func (u *user) follow(scope, text string) int64 {
	u.t.Helper()
	found := Eval[bool](u.tab, `(() => { const a = [...document.querySelectorAll(`+jsString(scope+" a")+`)].find(a => a.textContent.includes(`+jsString(text)+`));
		if (!a) return false; document.querySelectorAll("[data-flow]").forEach(x => x.removeAttribute("data-flow")); a.setAttribute("data-flow", "link"); return true })()`)
	if !found {
		u.t.Fatalf("no link %q in %s on %s", text, scope, u.tab.Path())
	}
	if u.how == keyboard {
		u.focusByTab(`[data-flow="link"]`)
		return u.tab.Navigating("Enter on link", chromedp.KeyEvent(kb.Enter))
	}
	return u.tab.Navigating("click link", chromedp.Click(chromedp.CSS(`[data-flow="link"]`)))
}

func jsString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return `"` + r.Replace(s) + `"`
}

func (e *Env) has(route string) bool {
	for _, r := range e.App.Web.Routes() {
		if r.Method+" "+r.Pattern == route {
			return true
		}
	}
	return false
}

// enableLogin gives a cast member a password and, withTOTP, a TOTP second
// factor, as an administrator and the worker's own enrolment would.
func (e *Env) enableLogin(who, password string, withTOTP bool) (secret string) {
	e.T.Helper()
	b := make([]byte, 20)
	rand.Read(b)
	secret = base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b)
	err := e.App.DB.Transact(e.T.Context(), func(tx *store.Tx) error {
		if err := tx.SetPassword(e.T.Context(), e.Workers[who].ID, auth.HashPassword(password)); err != nil {
			return err
		}
		if !withTOTP {
			return nil
		}
		return tx.SetTOTP(e.T.Context(), e.Workers[who].ID, secret, true)
	})
	if err != nil {
		e.T.Fatal(err)
	}
	return secret
}

// notBuilt logs a step whose pages do not exist yet; the flow stops there.
func notBuilt(t *testing.T, step string) {
	t.Helper()
	t.Logf("flow stops before %q: its pages are not built yet", step)
}

// login signs who in through the login and TOTP pages, or, while they
// are not built, with a session made directly.
func (u *user) login(who string) {
	u.t.Helper()
	e := u.e
	if !e.has("GET /login") || !e.has("POST /login/totp") {
		notBuilt(u.t, "log in with TOTP")
		u.tab.LoginAs(who)
		return
	}
	password := "correct horse battery staple " + who
	secret := u.e.enableLogin(who, password, true)
	u.tab.Go("/")
	if p := u.tab.Path(); !strings.HasPrefix(p, "/login") {
		u.t.Fatalf("anonymous home leads to %s, want the login page", p)
	}
	u.fill("#f-email", e.Workers[who].Email)
	u.fill("#f-password", password)
	u.submitFrom("#f-password")
	if p := u.tab.Path(); !strings.HasPrefix(p, "/login/totp") {
		u.t.Fatalf("after the password the worker is at %s, want the TOTP step", p)
	}
	code, err := totp.GenerateCode(secret, time.Now())
	if err != nil {
		u.t.Fatal(err)
	}
	u.fill("#f-code", code)
	u.submitFrom("#f-code")
	u.tab.Who = who
}

// runMainFlow runs the flow on each backend.
func runMainFlow(t *testing.T, how driver, opts ...TabOption) {
	t.Parallel()
	for _, d := range storetest.Dialects {
		t.Run(d.String(), func(t *testing.T) { t.Parallel(); mainFlow(t, d, how, opts...) })
	}
}

func mainFlow(t *testing.T, d store.Dialect, how driver, opts ...TabOption) {
	e := New(t, d)
	f := seedDemo(t, e.Env)
	u := &user{t: t, e: e, tab: e.NewTab(opts...), how: how}

	// 1. Log in with the password and the TOTP code; land on "Ma journée".
	u.login("worker")
	if p := u.tab.Path(); p != "/" {
		u.tab.Go("/")
	}
	if h1 := u.tab.Text("h1"); h1 != "Ma journée" {
		t.Fatalf("after login the page is %q, want Ma journée", h1)
	}

	// 2. Find the person with a typo, from the home page search box.
	if !e.has("GET /search") {
		notBuilt(t, "find a person with a typo")
		return
	}
	u.fill("#home-q", "Martn")
	if st := u.submitFrom("#home-q"); st != 200 {
		t.Fatalf("search answered %d", st)
	}
	if !strings.Contains(u.tab.Text("main"), "MARTIN") {
		t.Fatalf("searching %q does not find MARTIN Léa", "Martn")
	}

	// 3. Open the file.
	if !e.has("GET /persons/{id}") {
		notBuilt(t, "open the file")
		return
	}
	if st := u.follow("main", "MARTIN"); st != 200 {
		t.Fatalf("opening the file answered %d", st)
	}
	if p := u.tab.Path(); p != "/persons/"+f.person {
		t.Fatalf("the result leads to %s, want the file of MARTIN Léa", p)
	}
	if h1 := u.tab.Text("h1"); !strings.Contains(h1, "MARTIN") {
		t.Errorf("the file's title is %q", h1)
	}

	// 4. Add an interview from a template ("Utiliser une trame"), then
	// complete it.
	if !e.has("POST /persons/{id}/journal") {
		notBuilt(t, "add an interview from a template")
		return
	}
	if Eval[bool](u.tab, `!!document.getElementById("f-template")`) {
		u.choose("#f-template", f.template)
		u.submitFrom("#f-template")
		if got := Eval[string](u.tab, `document.getElementById("f-summary").value`); !strings.Contains(got, "Situation familiale") {
			t.Fatalf("the template did not fill the interview: summary is %q", got)
		}
	} else {
		t.Error("the journal form has no template picker")
	}
	if got := Eval[string](u.tab, `document.getElementById("f-kind").value`); got != "interview" {
		u.choose("#f-kind", "interview")
	}
	note := "Demande de FSL, dossier à compléter avec l'avis d'imposition."
	u.fill("#f-summary", note)
	if st := u.submitFrom("#f-summary"); st != 200 {
		t.Fatalf("adding the interview answered %d", st)
	}
	if p := u.tab.Path(); !strings.HasPrefix(p, "/persons/"+f.person) {
		t.Fatalf("after saving, the worker is at %s, want back on the file", p)
	}
	journal := u.tab.Text("main")
	if !strings.Contains(journal, "demande de FSL") && !strings.Contains(journal, "Demande de FSL") {
		t.Fatal("the new interview is not in the journal")
	}
	if !strings.Contains(journal, "Situation familiale") {
		t.Error("the saved interview lost the template's text")
	}

	// 5. End an accompaniment (the budget one).
	if !e.has("POST /persons/{id}/accompaniments/{acc}/end") {
		notBuilt(t, "end an accompaniment")
		return
	}
	endForm := `form[action$="/accompaniments/` + f.accompanimentToEnd + `/end"]`
	u.open(endForm)
	u.choose(endForm+` select[name="end-end_reason"]`, "objectifs_atteints")
	if st := u.submitFrom(endForm + ` select[name="end-end_reason"]`); st != 200 {
		t.Fatalf("ending the accompaniment answered %d", st)
	}
	if Eval[bool](u.tab, `!!document.querySelector(`+jsString(endForm)+`)`) {
		t.Fatal("the ended accompaniment can still be ended: it did not end")
	}
	if !strings.Contains(u.tab.Text("main"), "Objectifs atteints") {
		t.Error("the ended accompaniment does not show its end reason")
	}

	// 6. Hand the other accompaniment over to a colleague of another team.
	if !e.has("POST /persons/{id}/accompaniments/{acc}/handover") {
		notBuilt(t, "hand over to a colleague")
		return
	}
	hoForm := `form[action$="/accompaniments/` + f.accompaniment + `/handover"]`
	u.open(hoForm)
	u.choose(hoForm+` select[name="ho-referent_id"]`, f.workers["worker2"])
	u.choose(hoForm+` select[name="ho-team_id"]`, e.TeamA2.ID)
	u.fill(hoForm+` textarea[name="ho-note"]`, "Relais vers le Pôle insertion pour le projet de formation.")
	// Need-to-know: with no accompaniment left in their team, the former
	// referent no longer follows the person and is sent to their day with
	// a confirmation instead of back to the file.
	// First the synthesis is prepared, to review and edit; then sent.
	if st := u.submitFrom(hoForm + ` textarea[name="ho-note"]`); st != 200 {
		t.Fatalf("preparing the handover answered %d", st)
	}
	synthesis := hoForm + ` textarea[name="ho-synthesis"]`
	if !Eval[bool](u.tab, `!!document.querySelector(`+jsString(synthesis)+`)`) {
		t.Fatal("the prepared synthesis is not shown for review before the handover")
	}
	u.fill(synthesis, "\nÀ relire ensemble au premier rendez-vous.")
	if st := u.submitFrom(synthesis); st != 200 {
		t.Fatalf("the handover answered %d", st)
	}
	if !strings.Contains(u.tab.Text("main"), "Passation enregistrée") {
		t.Fatal("the former referent gets no confirmation of the handover")
	}

	// The colleague logs in, opens the file and sees the handover to
	// acknowledge.
	u2 := &user{t: t, e: e, tab: e.NewTab(opts...), how: how}
	u2.login("worker2")
	if st := u2.tab.Go("/persons/" + f.person); st != 200 {
		t.Fatalf("the new referent cannot open the file: %d", st)
	}
	handovers := u2.tab.Text("main")
	if !strings.Contains(handovers, "Relais vers le Pôle insertion") {
		t.Fatal("the new referent does not see the handover note")
	}
	if !strings.Contains(u2.tab.Text("main"), "demande de FSL") && !strings.Contains(u2.tab.Text("main"), "Demande de FSL") {
		t.Error("the new referent does not see the interview of the accompaniment handed over")
	}
	ack := `form[action$="/acknowledge"]`
	if !Eval[bool](u2.tab, `!!document.querySelector(`+jsString(ack)+`)`) {
		t.Fatal("the new referent has no button to acknowledge the handover")
	}
	if st := u2.submitFrom(ack + ` button`); st != 200 {
		t.Fatalf("acknowledging answered %d", st)
	}
	if Eval[bool](u2.tab, `!!document.querySelector(`+jsString(ack)+`)`) {
		t.Error("the handover is still waiting after it was acknowledged")
	}
}

// open unfolds the <details> holding css (a click on its summary, or Tab
// to it and Enter).
func (u *user) open(css string) {
	u.t.Helper()
	ok := Eval[bool](u.tab, `(() => { document.querySelectorAll("[data-flow]").forEach(x => x.removeAttribute("data-flow"));
		const el = document.querySelector(`+jsString(css)+`); if (!el) return false;
		const d = el.closest("details"); if (!d || d.open) return true;
		d.querySelector("summary").setAttribute("data-flow", "open"); return true })()`)
	if !ok {
		u.t.Fatalf("%s is not on %s", css, u.tab.Path())
	}
	if !Eval[bool](u.tab, `!!document.querySelector('[data-flow="open"]')`) {
		return
	}
	if u.how == keyboard {
		u.focusByTab(`[data-flow="open"]`)
		u.tab.Do("Enter on summary", chromedp.KeyEvent(kb.Enter))
	} else {
		u.tab.Do("click summary", chromedp.Click(chromedp.CSS(`[data-flow="open"]`)))
	}
	if !Eval[bool](u.tab, `document.querySelector(`+jsString(css)+`).closest("details").open`) {
		u.t.Fatalf("the section of %s did not open", css)
	}
}

// choose picks the option of value in a select: with the mouse as a
// form control would be set, with the keyboard by the arrow keys on the
// focused select. (Typing the option's label works too, but the browser
// forgets what was typed after a second without a key, which a loaded
// machine exceeds between two characters.)
func (u *user) choose(css, value string) {
	u.t.Helper()
	if u.how == keyboard {
		u.focusByTab(css)
		// How many options down (up if negative) the wanted one is; 0
		// when it is selected, or missing (the check below reports it).
		steps := `(() => { const s = document.querySelector(` + jsString(css) + `);
			const i = [...s.options].findIndex(o => o.value === ` + jsString(value) + `); return i < 0 ? 0 : i - s.selectedIndex })()`
		for range 200 {
			n := Eval[int64](u.tab, steps)
			if n == 0 {
				break
			}
			key := kb.ArrowDown
			if n < 0 {
				key = kb.ArrowUp
			}
			u.tab.Do("arrow key on "+css, chromedp.KeyEvent(key))
		}
	} else {
		u.tab.Do("choose "+value, chromedp.SetValue(chromedp.CSS(css), value))
	}
	if got := Eval[string](u.tab, `document.querySelector(`+jsString(css)+`).value`); got != value {
		u.t.Fatalf("%s is %q, want %q", css, got, value)
	}
}

func TestFlow_Main(t *testing.T)                  { runMainFlow(t, mouse) }
func TestFlow_MainWithoutJavaScript(t *testing.T) { runMainFlow(t, mouse, NoJS()) }
func TestFlow_MainKeyboardOnly(t *testing.T)      { runMainFlow(t, keyboard) }
