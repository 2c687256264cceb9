package web_test

import (
	"net/http"
	"strings"
	"testing"

	"parcours/internal/app/apptest"
	"parcours/internal/casefile"
)

func journalCount(t *testing.T, e *apptest.Env, personID, text string) int {
	t.Helper()
	page, err := e.App.CaseFile.Journal(t.Context(), e.Actor("worker"), personID, casefile.JournalQuery{}, "", 100)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, it := range page.Items {
		if strings.Contains(it.Summary, text) {
			n++
		}
	}
	return n
}

// A form sent twice (double click, Enter twice, back and resend) creates
// one entry; the second post is sent back to the page it came from.
func TestForms_DoubleSubmitCreatesOnce(t *testing.T) {
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		f := newFixture(t, e)
		path := "/persons/" + f.Person.ID + "/journal"
		form := func(token string) map[string][]string {
			return map[string][]string{"kind": {"interview"}, "summary": {"Entretien envoyé deux fois"}, "form_token": {token}}
		}
		token := "0123456789abcdef0123456789abcdef"
		first := e.Page("POST", path, "worker", form(token))
		if first.Status != http.StatusSeeOther || !strings.HasPrefix(first.Header.Get("Location"), "/persons/"+f.Person.ID) {
			t.Fatalf("first post: %d to %q", first.Status, first.Header.Get("Location"))
		}
		second := e.Page("POST", path, "worker", form(token))
		if second.Status != http.StatusSeeOther {
			t.Fatalf("second post of the same form: %d, want 303", second.Status)
		}
		if n := journalCount(t, e, f.Person.ID, "envoyé deux fois"); n != 1 {
			t.Fatalf("the same form sent twice made %d entries, want 1", n)
		}
		// A new form (a new token) is a new entry; so is the same token
		// from another worker: tokens are per worker.
		e.Page("POST", path, "worker", form("fedcba9876543210fedcba9876543210"))
		e.Page("POST", path, "manager", form(token))
		if n := journalCount(t, e, f.Person.ID, "envoyé deux fois"); n != 3 {
			t.Fatalf("%d entries after two more distinct forms, want 3", n)
		}
		// Forms without a token are not checked; a malformed token is refused.
		if r := e.Page("POST", path, "worker", map[string][]string{"kind": {"interview"}, "summary": {"Sans jeton"}}); r.Status != http.StatusSeeOther {
			t.Errorf("a form without token: %d", r.Status)
		}
		if r := e.Page("POST", path, "worker", form("court")); r.Status != http.StatusBadRequest {
			t.Errorf("a malformed token: %d, want 400", r.Status)
		}
	})
}

// The pages render a fresh token in each creation form.
func TestForms_PagesCarryAFreshToken(t *testing.T) {
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		f := newFixture(t, e)
		for _, p := range []string{"/persons/" + f.Person.ID, "/persons/new", "/households/new"} {
			a := string(e.Page("GET", p, "worker", nil).Body)
			b := string(e.Page("GET", p, "worker", nil).Body)
			ta, tb := tokenIn(a), tokenIn(b)
			if ta == "" || ta == tb {
				t.Errorf("%s: form tokens %q and %q, want a fresh one per page", p, ta, tb)
			}
		}
	})
}

func tokenIn(body string) string {
	const mark = `name="form_token" value="`
	i := strings.Index(body, mark)
	if i < 0 {
		return ""
	}
	rest := body[i+len(mark):]
	return rest[:strings.IndexByte(rest, '"')]
}
