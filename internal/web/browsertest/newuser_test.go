package browsertest

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"parcours/internal/store"
)

// What a worker trying Parcours for the first time runs into (issue 16):
// each test drives one dead end or buried action, with JavaScript and
// without where the page works both ways.

// bothWays runs fn in a tab with JavaScript and in one without; axe-core
// (which needs JavaScript) runs in the first only.
func bothWays(t *testing.T, e *Env, who string, fn func(t *testing.T, u *user, js bool)) {
	for _, js := range []bool{true, false} {
		name := map[bool]string{true: "js", false: "nojs"}[js]
		t.Run(name, func(t *testing.T) {
			var opts []TabOption
			if !js {
				opts = append(opts, NoJS())
			}
			u := &user{t: t, e: e, tab: e.NewTab(opts...)}
			u.tab.LoginAs(who)
			fn(t, u, js)
		})
	}
}

// setValue sets a form control's value as a date picker or a select
// would (typing into a date input depends on the browser's locale).
func (u *user) setValue(css, value string) {
	u.t.Helper()
	u.tab.Do("set "+css, chromedp.SetValue(chromedp.CSS(css), value))
}

// 1. A likely duplicate lists the candidates with a link to each, and
// « Ce n'est pas la même personne — créer » creates the person once a
// reason is given.
func TestNewUser_DuplicateWarningLeadsSomewhere(t *testing.T) {
	e := New(t, store.SQLite)
	names := map[bool][2]string{true: {"Louise", "Louis"}, false: {"Anne", "Annie"}}
	bothWays(t, e, "worker", func(t *testing.T, u *user, js bool) {
		first, second := names[js][0], names[js][1]
		existing := createPerson(t, e.Env, "worker", "BRUN", first, "1973-12-19")
		u.tab.Go("/persons/new")
		u.fill("#f-birth_name", "BRUN")
		u.fill("#f-first_names", second)
		u.setValue("#f-birth_date", "1973-12-19")
		if st := u.submitFrom("#f-birth_name"); st != 409 {
			t.Fatalf("a likely duplicate answered %d, want 409", st)
		}
		link := `.duplicates a[href="/persons/` + existing + `"]`
		if !Eval[bool](u.tab, `!!document.querySelector(`+jsString(link)+`)`) {
			t.Fatalf("the warning has no link to BRUN %s: %s", first, u.tab.Text("main"))
		}
		warning := u.tab.Text(".duplicates")
		for _, want := range []string{"19/12/1973", "Référent·e", "même date de naissance"} {
			if !strings.Contains(warning, want) {
				t.Errorf("the warning lacks %q: %s", want, warning)
			}
		}
		if js {
			reportViolations(t, "worker", "/persons (likely duplicate)", u.tab.Axe())
		}
		// Confirmed without a reason: the field is named, nothing created.
		if st := u.submitFrom("#f-not_duplicate_reason"); st == 303 || st == 200 {
			t.Fatalf("confirmed without a reason: %d", st)
		}
		if !Eval[bool](u.tab, `document.getElementById("f-not_duplicate_reason").getAttribute("aria-invalid") === "true"`) {
			t.Error("the missing reason is not marked on its field")
		}
		u.fill("#f-not_duplicate_reason", "Prénom différent, vérifié sur la pièce d'identité")
		if st := u.submitFrom("#f-not_duplicate_reason"); st != 200 {
			t.Fatalf("the confirmation answered %d", st)
		}
		if p := u.tab.Path(); !strings.HasPrefix(p, "/persons/") || strings.HasPrefix(p, "/persons/"+existing) {
			t.Fatalf("after the confirmation the worker is at %s, want the new file", p)
		}
		if h1 := u.tab.Text("h1"); !strings.Contains(h1, second) {
			t.Errorf("the new file's title is %q, want %s", h1, second)
		}
	})
}
