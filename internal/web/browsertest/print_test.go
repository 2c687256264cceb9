package browsertest

import (
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"parcours/internal/store"
)

// Printed, a person's file is a summary: no navigation, no forms or
// buttons, but the person, the accompaniments and the journal.
func TestPrint_FileSummaryWithoutControls(t *testing.T) {
	t.Parallel()
	e := New(t, store.SQLite)
	f := seedDemo(t, e.Env)
	tab := e.NewTab()
	tab.LoginAs("worker")
	if st := tab.Go("/persons/" + f.person); st != 200 {
		t.Fatalf("file: %d", st)
	}
	if _, err := chromedp.Call(tab.Ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
		t.Fatal(err)
	}
	visible := func(css string) int {
		return Eval[int](tab, `[...document.querySelectorAll(`+jsString(css)+`)].filter(e => getComputedStyle(e).display !== "none" && e.offsetParent !== null).length`)
	}
	for _, css := range []string{".site-header", "nav", "form", "button", ".site-footer", "details:has(form)"} {
		if n := visible(css); n != 0 {
			t.Errorf("printed file shows %d %s", n, css)
		}
	}
	text := Eval[string](tab, `document.body.innerText`)
	for _, want := range []string{"MARTIN", "Premier entretien"} {
		if !strings.Contains(text, want) {
			t.Errorf("printed file lacks %q", want)
		}
	}
}
