package browsertest

import (
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"parcours/internal/store"
)

// focused describes document.activeElement for the keyboard tests.
type focused struct {
	Tag     string `json:"tag"`
	ID      string `json:"id"`
	Class   string `json:"cls"`
	Text    string `json:"text"`
	Outline string `json:"outline"`
	Width   string `json:"width"`
	Shadow  string `json:"shadow"`
	Visible bool   `json:"visible"`
	// Index is the element's position in the document, to tell apart
	// elements that look the same (two "Ajouter un objectif").
	Index int `json:"idx"`
}

const activeElement = `(() => { const e = document.activeElement, s = getComputedStyle(e), r = e.getBoundingClientRect();
  return {tag: e.tagName.toLowerCase(), id: e.id || "", cls: e.className || "", text: (e.innerText || e.value || "").trim().slice(0, 40),
    outline: s.outlineStyle, width: s.outlineWidth, shadow: s.boxShadow,
    visible: r.width > 0 && r.height > 0 && r.left >= 0 && r.top >= 0 && r.left < innerWidth,
    idx: [...document.querySelectorAll("*")].indexOf(e)} })()`

func (tb *Tab) press(key string) focused {
	tb.t.Helper()
	tb.Do("key "+key, chromedp.KeyEvent(key))
	return Eval[focused](tb, activeElement)
}

// TestKeyboard_SkipLinkThenVisibleFocusEverywhere: the first Tab reaches
// the skip link, shown on screen; Enter moves to the main content; every
// element reached with Tab shows a focus outline.
func TestKeyboard_SkipLinkThenVisibleFocusEverywhere(t *testing.T) {
	t.Parallel()
	e := New(t, store.SQLite)
	f := seedDemo(t, e.Env)
	for _, who := range []string{"worker", "manager", "admin"} {
		tab := e.NewTab()
		tab.LoginAs(who)
		for _, path := range []string{"/", "/persons", "/search?q=Martn", "/persons/" + f.person, "/households/" + f.household, "/profile", "/admin", "/access-log"} {
			if st := tab.Go(path); st != 200 {
				continue
			}
			first := tab.press(kb.Tab)
			if first.Class != "skip-link" || !first.Visible {
				t.Errorf("%s %s: first Tab reaches %+v, want the visible skip link", who, path, first)
			}
			seen, prev := map[string]bool{}, ""
			for i := 0; i < 300; i++ {
				f := tab.press(kb.Tab)
				key := strconv.Itoa(f.Index)
				if key == prev {
					continue // inside one control (a date field's day, month, year)
				}
				prev = key
				if f.Tag == "body" || seen[key] {
					break // wrapped around
				}
				seen[key] = true
				if (f.Outline == "none" || f.Width == "0px") && (f.Shadow == "" || f.Shadow == "none") {
					t.Errorf("%s %s: %s %q has no visible focus indicator", who, path, f.Tag, f.Text)
				}
			}
			t.Logf("%s %s: %d elements reached with Tab, all with visible focus", who, path, len(seen))
			if len(seen) == 0 {
				t.Errorf("%s %s: nothing to reach with Tab after the skip link", who, path)
			}
			tab.Go(path)
			tab.press(kb.Tab)
			if after := tab.press(kb.Enter); after.ID != "main" {
				t.Errorf("%s %s: the skip link leads to %+v, want #main", who, path, after)
			}
		}
	}
}
