package browsertest

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"parcours/internal/auth"
	"parcours/internal/store"
)

// draftForm stands for a journal entry form: drafts.js only needs a form
// with a textarea marked data-draft. It is added to a real page and the
// real drafts.js is run on it, as the layout does on load. It is sent to
// "/", a page that needs a session, like every form of Parcours.
const draftForm = `(() => {
  document.querySelector("main").insertAdjacentHTML("beforeend",
    '<form id="df" method="get" action="/"><label for="dt">Note</label><textarea id="dt" name="body" data-draft></textarea><button>OK</button></form>');
  return true })()`

func (tb *Tab) loadDraftForm(script string) {
	tb.t.Helper()
	Eval[bool](tb, draftForm)
	tb.Do("run drafts.js", chromedp.Evaluate[chromedp.Void](script))
}

// waitDraftSaved polls localStorage until drafts.js has saved the text.
func (tb *Tab) waitDraftSaved(text string) {
	tb.t.Helper()
	expr := `Object.keys(localStorage).some(k => k.startsWith("parcours.draft:") && localStorage.getItem(k).includes(` + strconv.Quote(text) + `))`
	for range 400 { // up to 20 s on a loaded machine; usually a few rounds
		if Eval[bool](tb, expr) {
			return
		}
		tb.Do("wait", chromedp.Sleep(50e6))
	}
	tb.t.Fatal("the draft was never saved in localStorage")
}

func TestDrafts_KeptWhenTheSessionExpiredAndDroppedOnceSent(t *testing.T) {
	t.Parallel()
	e := New(t, store.SQLite)
	src, err := os.ReadFile(filepath.Join("..", "static", "drafts.js"))
	if err != nil {
		t.Fatal(err)
	}
	script := string(src)
	note := "Entretien long : point sur le logement et les démarches CAF."
	tab := e.NewTab()
	tab.LoginAs("worker")

	// Typing saves a draft.
	tab.Go("/")
	tab.loadDraftForm(script)
	tab.Do("type the note", chromedp.SendKeys(chromedp.ID("dt"), note))
	tab.waitDraftSaved(note)

	// The session expires; the form is sent and lands on a page without
	// a worker (the login page or the session-expired page).
	tab.Do("expire the session", chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, network.DeleteCookies, network.DeleteCookiesParams{Name: auth.SessionCookie, URL: e.URL + "/"})
		return err
	}))
	tab.Navigating("send the form", chromedp.Evaluate[chromedp.Void](`document.getElementById("df").requestSubmit()`))

	// After logging in again, the empty form gets the draft back.
	tab.LoginAs("worker")
	tab.Go("/")
	tab.loadDraftForm(script)
	if got := Eval[string](tab, `document.getElementById("dt").value`); got != note {
		t.Fatalf("after a new login the note is %q, want the draft %q", got, note)
	}
	if !Eval[bool](tab, `!!document.querySelector(".draft-note[role=status]")`) {
		t.Error("the worker is not told that a draft was restored")
	}

	// Sent with a live session: the next page belongs to a logged-in
	// worker, so the server got the text and the draft is dropped.
	tab.Navigating("send again", chromedp.Evaluate[chromedp.Void](`document.getElementById("df").requestSubmit()`))
	tab.Go("/")
	tab.loadDraftForm(script)
	if got := Eval[string](tab, `document.getElementById("dt").value`); got != "" {
		t.Errorf("a sent draft came back: %q", got)
	}
	if n := Eval[int](tab, `Object.keys(localStorage).filter(k => k.startsWith("parcours.draft:")).length`); n != 0 {
		t.Errorf("%d drafts left in localStorage after sending", n)
	}

	// Logging out erases every draft: notes must not stay on a shared
	// computer.
	tab.loadDraftForm(script)
	tab.Do("type again", chromedp.SendKeys(chromedp.ID("dt"), note))
	tab.waitDraftSaved(note)
	tab.Navigating("log out", chromedp.Click(chromedp.CSS("form.logout button")))
	if n := Eval[int](tab, `Object.keys(localStorage).filter(k => k.startsWith("parcours.draft:")).length`); n != 0 {
		t.Errorf("%d drafts left in localStorage after logging out", n)
	}
}

// The same on the real journal form of a person's file: the session
// expires while the worker writes a long note. With JavaScript the note
// comes back in the form after logging in again; without it, the page
// that answers the post shows the note back to copy.
func TestDrafts_JournalNoteSurvivesAnExpiredSession(t *testing.T) {
	t.Parallel()
	e := New(t, store.SQLite)
	f := seedDemo(t, e.Env)
	if !e.has("POST /persons/{id}/journal") {
		t.Skip("no journal form yet")
	}
	note := "Long entretien : la personne décrit sa situation de logement, les impayés depuis mars et ses démarches auprès du bailleur."
	for _, noJS := range []bool{false, true} {
		var opts []TabOption
		if noJS {
			opts = append(opts, NoJS())
		}
		tab := e.NewTab(opts...)
		tab.LoginAs("worker")
		tab.Go("/persons/" + f.person)
		tab.Do("type the note", chromedp.SendKeys(chromedp.ID("f-summary"), note))
		if !noJS {
			tab.waitDraftSaved("impayés depuis mars")
		}
		tab.Do("the session expires", chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			_, err := chromedp.Call(ctx, network.DeleteCookies, network.DeleteCookiesParams{Name: auth.SessionCookie, URL: e.URL + "/"})
			return err
		}))
		u := &user{t: t, e: e, tab: tab}
		st := u.submitFrom("#f-summary")
		if st != 401 {
			t.Fatalf("noJS=%v: posting with an expired session answered %d, want the 401 page that keeps the text", noJS, st)
		}
		if got := Eval[string](tab, `[...document.querySelectorAll("main textarea[readonly]")].map(t => t.value).join("\n")`); !strings.Contains(got, "impayés depuis mars") {
			t.Errorf("noJS=%v: the expired-session page does not show the note back: %q", noJS, got)
		}
		if noJS {
			continue
		}
		reportViolations(t, "worker", "session expired page", tab.Axe())
		// Logged in again, the empty form gets the draft back.
		tab.LoginAs("worker")
		tab.Go("/persons/" + f.person)
		if got := Eval[string](tab, `document.getElementById("f-summary").value`); got != note {
			t.Errorf("after logging in again the summary is %q, want the draft", got)
		}
	}
}
