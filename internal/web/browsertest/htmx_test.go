package browsertest

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"parcours/internal/store"
)

// With JavaScript, the search page answers while the worker types (htmx
// swaps the results in place, no page load); without it the same form
// works as a plain GET form (TestFlow_MainWithoutJavaScript).
func TestSearch_InstantResultsWhileTyping(t *testing.T) {
	t.Parallel()
	e := New(t, store.SQLite)
	seedDemo(t, e.Env)
	tab := e.NewTab()
	tab.LoginAs("worker")
	tab.Go("/search")
	if !Eval[bool](tab, `typeof htmx !== "undefined"`) {
		t.Fatal("htmx is not loaded on the search page")
	}
	// A mark on the window: a real page load would wipe it.
	Eval[bool](tab, `(window.__sameDocument = true)`)
	tab.Do("type", chromedp.SendKeys(chromedp.CSS("#f-q"), "Martn"))
	found := false
	for range 400 { // up to 20 s on a loaded machine; usually a few rounds
		if strings.Contains(Eval[string](tab, `document.getElementById("results").innerText`), "MARTIN") {
			found = true
			break
		}
		tab.Do("wait", chromedp.Sleep(50e6))
	}
	if !found {
		t.Fatal("no result appeared while typing")
	}
	if !Eval[bool](tab, `window.__sameDocument === true`) {
		t.Error("the page was reloaded: results should be swapped in place")
	}
	if p := tab.Path(); !strings.Contains(p, "q=Martn") {
		t.Errorf("the address is %s: the search should be in the URL, for back and reload", p)
	}
	if n := Eval[int](tab, `document.querySelectorAll("h1").length`); n != 1 {
		t.Errorf("%d h1 after the swap, want 1", n)
	}
	reportViolations(t, "worker", "/search (instant results)", tab.Axe())
}
