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
	t.Parallel()
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

// A form that did not succeed was not done: sending it again with the same
// token runs it, rather than redirecting as if it had been saved. Refused
// (422, the worker corrects a field and sends again) and failed (500, the
// database was away for a moment) alike; once it succeeds, the token is
// spent.
func TestForms_FailedFormCanBeSentAgain(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		f := newFixture(t, e)
		path := "/persons/" + f.Person.ID + "/journal"
		form := func(token, summary string) map[string][]string {
			return map[string][]string{"kind": {"interview"}, "summary": {summary}, "form_token": {token}}
		}

		// Refused: the service rejects the empty summary.
		refused := "11111111111111111111111111111111"
		if r := e.Page("POST", path, "worker", form(refused, "")); r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("an empty summary: %d, want 422", r.Status)
		}
		if r := e.Page("POST", path, "worker", form(refused, "Entretien corrigé puis renvoyé")); r.Status != http.StatusSeeOther ||
			!strings.Contains(r.Header.Get("Location"), "saved=") {
			t.Fatalf("the corrected form sent again: %d to %q, want 303 to the saved file", r.Status, r.Header.Get("Location"))
		}
		if n := journalCount(t, e, f.Person.ID, "corrigé puis renvoyé"); n != 1 {
			t.Fatalf("the corrected form made %d entries, want 1", n)
		}

		// Failed: the journal's table is away, the handler answers 500.
		failed := "22222222222222222222222222222222"
		alter := func(from, to string) {
			t.Helper()
			if _, err := e.App.DB.SQL().Exec("ALTER TABLE " + from + " RENAME TO " + to); err != nil {
				t.Fatal(err)
			}
		}
		alter("journal_entries", "journal_entries_away")
		r := e.Page("POST", path, "worker", form(failed, "Entretien envoyé pendant une panne"))
		alter("journal_entries_away", "journal_entries")
		if r.Status != http.StatusInternalServerError {
			t.Fatalf("a post while the journal is away: %d, want 500", r.Status)
		}
		if r := e.Page("POST", path, "worker", form(failed, "Entretien envoyé pendant une panne")); r.Status != http.StatusSeeOther ||
			!strings.Contains(r.Header.Get("Location"), "saved=") {
			t.Fatalf("the form sent again after the failure: %d to %q, want 303 to the saved file", r.Status, r.Header.Get("Location"))
		}
		if n := journalCount(t, e, f.Person.ID, "pendant une panne"); n != 1 {
			t.Fatalf("the form sent again after a failure made %d entries, want 1", n)
		}

		// Succeeded: the token is spent, a third post creates nothing.
		if r := e.Page("POST", path, "worker", form(failed, "Entretien envoyé pendant une panne")); r.Status != http.StatusSeeOther ||
			strings.Contains(r.Header.Get("Location"), "saved=") {
			t.Fatalf("the saved form sent once more: %d to %q, want 303 back to the page", r.Status, r.Header.Get("Location"))
		}
		if n := journalCount(t, e, f.Person.ID, "pendant une panne"); n != 1 {
			t.Fatalf("the saved form sent once more made %d entries, want 1", n)
		}
	})
}

// The pages render a fresh token in each creation form.
func TestForms_PagesCarryAFreshToken(t *testing.T) {
	t.Parallel()
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
