package browsertest

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"parcours/internal/store"
)

// reviewNote is the note issue 18 starts from: judgemental words, health
// data and a social-security number (valid key) in the text.
const reviewNote = "Madame est une menteuse… toxicomane, séropositive. NIR 2 85 03 75 123 456 88."

var reviewMarks = []string{"menteuse", "toxicomane", "séropositive", "2 85 03 75 123 456 88"}

// With JavaScript the flags appear under the note as it is typed (htmx,
// no page load), highlighted on the right words despite the accents, and
// saving keeps them (never blocked); without JavaScript the submit shows
// them as a confirmation step with « Enregistrer tel quel » / « Corriger ».
// Both pass axe with no violation.
func TestReview_JournalNoteFlaggedWithAndWithoutJavaScript(t *testing.T) {
	t.Parallel()
	e := New(t, store.SQLite)
	f := seedDemo(t, e.Env)
	// Three ways to the same review: typed with JavaScript (htmx, as the
	// worker types), without JavaScript (the confirmation step of a
	// submit), and that confirmation step in a JavaScript tab, where axe
	// can run (the text is set without typing, so htmx does not review it
	// first).
	for _, mode := range []string{"while typing", "without JavaScript", "confirmation step"} {
		var opts []TabOption
		if mode == "without JavaScript" {
			opts = append(opts, NoJS())
		}
		tab := e.NewTab(opts...)
		tab.LoginAs("worker")
		tab.Go("/persons/" + f.person)
		switch mode {
		case "while typing":
			Eval[bool](tab, `(window.__sameDocument = true)`)
			tab.Do("type the note", chromedp.SendKeys(chromedp.ID("f-summary"), reviewNote))
			waitFor(t, tab, `document.querySelectorAll("#review-summary mark").length >= 4`)
			if !Eval[bool](tab, `window.__sameDocument === true`) {
				t.Errorf("%s: the page was reloaded: the review should be swapped in place", mode)
			}
		case "without JavaScript":
			tab.Do("type the note", chromedp.SendKeys(chromedp.ID("f-summary"), reviewNote))
			tab.Navigating("submit", chromedp.Click(chromedp.CSS(`#new-entry button[type=submit]`)))
		case "confirmation step":
			Eval[bool](tab, `(document.getElementById("f-summary").value = `+jsString(reviewNote)+`, true)`)
			tab.Navigating("submit", chromedp.Click(chromedp.CSS(`#new-entry button[type=submit]`)))
		}
		if mode != "while typing" && !strings.Contains(tab.Text("#review-summary"), "Enregistrer tel quel") {
			t.Fatalf("%s: no confirmation step after the submit", mode)
		}
		marks := Eval[[]string](tab, `[...document.querySelectorAll("#review-summary mark")].map(m => m.textContent)`)
		for _, want := range reviewMarks {
			found := false
			for _, m := range marks {
				found = found || m == want
			}
			if !found {
				t.Errorf("%s: %q not highlighted (marks %q)", mode, want, marks)
			}
		}
		text := tab.Text("#review-summary")
		for _, want := range []string{"Jugement", "Santé", "Identifiant", "référent", "Suggestion"} {
			if !strings.Contains(text, want) {
				t.Errorf("%s: the review does not say %q", mode, want)
			}
		}
		if mode != "without JavaScript" {
			reportViolations(t, "worker", "person file, note under review "+mode, tab.Axe())
		}
		// Saving is never blocked.
		if mode == "while typing" {
			tab.Navigating("submit", chromedp.Click(chromedp.CSS(`#new-entry button[type=submit]`)))
		} else {
			tab.Navigating("Enregistrer tel quel", chromedp.Click(chromedp.CSS(`button[name=review_keep]`)))
		}
		if !strings.Contains(tab.Text(".journal"), "séropositive") {
			t.Errorf("%s: the note was not saved", mode)
		}
	}
	var kept int
	if err := e.App.DB.SQL().QueryRow("SELECT COALESCE(SUM(kept), 0) FROM review_flags WHERE category = 'judgement'").Scan(&kept); err != nil {
		t.Fatal(err)
	}
	if kept != 3 {
		t.Errorf("judgement kept %d times, want 3 (one note per way)", kept)
	}
}

func waitFor(t *testing.T, tab *Tab, cond string) {
	t.Helper()
	for range 400 { // up to 20 s on a loaded machine
		if Eval[bool](tab, cond) {
			return
		}
		tab.Do("wait", chromedp.Sleep(50e6))
	}
	t.Fatalf("never true: %s", cond)
}
