package app_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"parcours/internal/app/apptest"
	"parcours/internal/search"
	"parcours/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// notCounted are the statements a budget leaves out, by their beginning:
// authentication (the API token or the session, the worker and their
// teams, the token's last use), which the token → actor cache takes off
// the request path, and the header's unread count, which the live hub
// takes off it the same way.
//
// Everything else the request runs is counted, the audit events it
// writes (unchained, one statement) and the layout's organisation
// included. The chain itself is the sealer's work, off the request path.
var notCounted = []string{
	"SELECT id, worker_id, name, prefix, ",
	"UPDATE api_tokens SET last_used_at",
	"SELECT id_hash, worker_id, ",
	"UPDATE sessions SET last_seen_at",
	"SELECT id, org_id, email, first_name, last_name, role, disabled, language, totp_enabled, created_at FROM workers WHERE id = ?",
	"SELECT team_id FROM worker_teams WHERE worker_id = ? ORDER BY team_id",
	// The header's unread count: read on a worker's first page, then kept
	// by the live hub until a change of their notifications is announced
	// (package live; web/live_test.go checks the second page reads none).
	"SELECT COUNT(*) FROM notifications WHERE worker_id = ? AND read_at = 0",
}

// counted serves req with a statement counter on its context.
func counted(t *testing.T, e *apptest.Env, req *http.Request, want int) (*apptest.Response, *storetest.Counter) {
	t.Helper()
	c := &storetest.Counter{}
	r := e.Serve(req.WithContext(c.Context(req.Context())))
	if r.Status != want {
		t.Fatalf("%s %s: %d %s", req.Method, req.URL, r.Status, r.Body)
	}
	return r, c
}

func apiRequest(e *apptest.Env, method, path, who, body string) *http.Request {
	var req *http.Request
	if body == "" {
		req = httptest.NewRequest(method, path, nil)
	} else {
		req = httptest.NewRequest(method, path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer "+e.Tokens[who])
	return req
}

// budgetFile is a person followed by the worker, with a household, an
// accompaniment with a goal, journal entries (one amended), a task and a
// consent record: a file whose page has something in every section.
func budgetFile(t *testing.T, e *apptest.Env, name string) string {
	t.Helper()
	var p struct{ ID string }
	do := func(method, path string, body any, want int, out any) {
		t.Helper()
		r := e.Do(method, path, "worker", body)
		if r.Status != want {
			t.Fatalf("%s %s: %d %s", method, path, r.Status, r.Body)
		}
		if out != nil {
			r.Decode(t, out)
		}
	}
	do("POST", "/api/v1/persons", map[string]any{"birth_name": name, "first_names": "Jeanne", "birth_date": "1980-01-02", "sex": "F", "force": true}, 201, &p)
	do("POST", "/api/v1/households", map[string]any{"name": "Foyer " + name, "members": []map[string]any{{"person_id": p.ID, "relationship": "reference"}},
		"situation": map[string]any{"housing": "locataire_social"}}, 201, nil)
	do("POST", "/api/v1/persons/"+p.ID+"/accompaniments", map[string]any{"kind": "rsa", "start_date": "2026-01-01",
		"referent_id": e.Workers["worker"].ID, "team_id": e.TeamA.ID, "goals": []map[string]any{{"title": "Trouver un logement"}}}, 201, nil)
	var entry struct{ ID string }
	for i := 0; i < 3; i++ {
		do("POST", "/api/v1/persons/"+p.ID+"/journal", map[string]any{"kind": "interview", "summary": "Entretien budget " + name}, 201, &entry)
	}
	do("POST", "/api/v1/journal/"+entry.ID+"/amendments", map[string]any{"summary": "Entretien budget corrigé"}, 201, nil)
	do("POST", "/api/v1/persons/"+p.ID+"/tasks", map[string]any{"title": "Relancer la CAF", "due_date": "2026-12-01"}, 201, nil)
	return p.ID
}

// TestStatementBudget_OpeningAndWritingAFile asserts how many SQL
// statements the file's main requests cost, on both backends: a count, not
// a time, so it holds on any machine. The relation is gathered in one
// statement with the person and their merge group, the page's catalogues
// in one more, amendments are read by person; the referrals the file has sent
// (issue 10) cost the page one statement more (13). A person's identity
// and a page of the list cost a statement and their audit event each.
func TestStatementBudget_OpeningAndWritingAFile(t *testing.T) {
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		id := budgetFile(t, e, "BUDGET")
		check := func(what string, c *storetest.Counter, max int) {
			t.Helper()
			n := c.Count(notCounted...)
			t.Logf("%s: %d statements (%d with authentication) in %d transaction(s)", what, n, len(c.Statements), c.Transactions)
			if n > max {
				t.Errorf("%s: %d statements, budget %d\n%s", what, n, max, c)
			}
		}

		req := httptest.NewRequest("GET", "/persons/"+id, nil)
		req.AddCookie(e.Session("worker"))
		r, c := counted(t, e, req, http.StatusOK)
		if !strings.Contains(string(r.Body), "Trouver un logement") || !strings.Contains(string(r.Body), "Relancer la CAF") {
			t.Fatal("the person page misses its accompaniment or its task")
		}
		check("GET /persons/{id}", c, 13)

		// The file's facts, the audit event.
		_, c = counted(t, e, apiRequest(e, "GET", "/api/v1/persons/"+id, "worker", ""), http.StatusOK)
		check("GET /api/v1/persons/{id}", c, 2)

		// The page of persons, the audit event.
		_, c = counted(t, e, apiRequest(e, "GET", "/api/v1/persons?limit=50", "worker", ""), http.StatusOK)
		check("GET /api/v1/persons", c, 2)

		_, c = counted(t, e, apiRequest(e, "POST", "/api/v1/persons/"+id+"/journal", "worker", `{"kind":"interview","summary":"Appel de suivi"}`), http.StatusCreated)
		check("POST /api/v1/persons/{id}/journal", c, 3)

		// Opening a file: the facts, the page with its amendments (one
		// round trip on PostgreSQL), the read's audit event.
		r, c = counted(t, e, apiRequest(e, "GET", "/api/v1/persons/"+id+"/journal?limit=200", "worker", ""), http.StatusOK)
		if !strings.Contains(string(r.Body), `"amended_by"`) {
			t.Fatal("the journal misses its amendment")
		}
		check("GET /api/v1/persons/{id}/journal", c, 4)
	})
}

// TestStatementBudget_JournalSearchDoesNotGrowWithHits asserts that a
// journal search costs as many statements for eight hits, in eight files,
// as for one: the files are opened at once, the amendments read at once
// and the eight journal.read events written in one statement. Both
// backends.
func TestStatementBudget_JournalSearchDoesNotGrowWithHits(t *testing.T) {
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		entry := func(name, summary string) {
			t.Helper()
			var p struct{ ID string }
			r := e.Do("POST", "/api/v1/persons", "worker", map[string]any{"birth_name": name, "first_names": "Jeanne",
				"birth_date": "1980-01-02", "sex": "F", "force": true})
			if r.Status != http.StatusCreated {
				t.Fatalf("person: %d %s", r.Status, r.Body)
			}
			r.Decode(t, &p)
			if r := e.Do("POST", "/api/v1/persons/"+p.ID+"/journal", "worker", map[string]any{"kind": "note", "summary": summary}); r.Status != http.StatusCreated {
				t.Fatalf("entry: %d %s", r.Status, r.Body)
			}
		}
		entry("SEUL", "Rendez-vous à la mission locale")
		for i := range 8 {
			entry("NOMBREUX"+strings.Repeat("X", i), "Visite à domicile avec la puéricultrice")
		}
		search := func(q string, hits int) int {
			t.Helper()
			r, c := counted(t, e, apiRequest(e, "GET", "/api/v1/search/journal?q="+q, "worker", ""), http.StatusOK)
			var page struct{ Items []any }
			r.Decode(t, &page)
			if len(page.Items) != hits {
				t.Fatalf("search %q: %d hits, want %d", q, len(page.Items), hits)
			}
			n := c.Count(notCounted...)
			t.Logf("journal search, %d hit(s): %d statements (%d with authentication) in %d transaction(s)", hits, n, len(c.Statements), c.Transactions)
			return n
		}
		one, eight := search("mission", 1), search("puericultrice", 8)
		if one != eight {
			t.Errorf("journal search: %d statements for 1 hit, %d for 8: the count grows with the hits", one, eight)
		}
	})
}

// TestStatementBudget_PersonSearchDoesNotGrowWithCandidates asserts that a person
// search costs as many statements for a page of five among thirty
// homonyms as for a single hit: candidates come from the in-process index
// (as in serve), are ranked and put in order on its entries, and only the
// persons of the page are read, in one statement. Both backends.
func TestStatementBudget_PersonSearchDoesNotGrowWithCandidates(t *testing.T) {
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		ctx, stop := context.WithTimeout(context.Background(), time.Minute)
		defer stop()
		ix := search.NewIndex(e.App.DB)
		ix.Start(ctx)
		if err := ix.WaitReady(ctx); err != nil {
			t.Fatal(err)
		}
		e.App.Search.UseIndex(ix)
		add := func(name, first, birth string) {
			t.Helper()
			r := e.Do("POST", "/api/v1/persons", "worker", map[string]any{"birth_name": name, "first_names": first,
				"birth_date": birth, "sex": "F", "force": true})
			if r.Status != http.StatusCreated {
				t.Fatalf("person: %d %s", r.Status, r.Body)
			}
		}
		add("SOLITAIRE", "Jeanne", "1980-01-02")
		for i := range 30 {
			add("HOMONYME", "Jeanne", fmt.Sprintf("%d-03-04", 1950+i))
		}
		search := func(q string, hits int) int {
			t.Helper()
			r, c := counted(t, e, apiRequest(e, "GET", "/api/v1/persons?limit=5&q="+url.QueryEscape(q), "worker", ""), http.StatusOK)
			var page struct{ Items []any }
			r.Decode(t, &page)
			if len(page.Items) != hits {
				t.Fatalf("search %q: %d hits, want %d", q, len(page.Items), hits)
			}
			n := c.Count(notCounted...)
			t.Logf("person search, %d hit(s): %d statements (%d with authentication) in %d transaction(s)", hits, n, len(c.Statements), c.Transactions)
			return n
		}
		one, page := search("solitaire jeanne", 1), search("homonyme jeanne 1960", 5)
		if one != page {
			t.Errorf("person search: %d statements for 1 hit, %d for a page of 5 among 30: the count grows with the candidates", one, page)
		}
		if budget := 2; page > budget { // the page, the audit event
			t.Errorf("person search: %d statements, budget %d", page, budget)
		}
	})
}
