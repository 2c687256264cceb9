package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"

	"parcours/internal/app/apptest"
	"parcours/internal/parcours"
	"parcours/internal/person"
	"parcours/internal/web"
)

// The authorisation matrix: every registered route × every role × a worker
// of another organisation × anonymous, with the expected status. Features
// add their rows from their own *_matrix_test.go files with addRows; a
// registered route without rows, or rows for a route that does not exist,
// fail TestRouteMatrix.

// who is a cast member of apptest, or "anonymous".
var everyone = append(append([]string{}, apptest.Cast...), "anonymous")

// fixture is the data the matrix requests point at: objects of org A.
type fixture struct {
	e         *apptest.Env
	Person    *parcours.Person
	Household *parcours.Household
}

type matrixRow struct {
	Route string // "METHOD pattern", as registered
	// Path returns the concrete path (pattern with ids filled in).
	Path func(f *fixture) string
	// Body returns the request body, nil for none. It is called for each
	// request so that creations do not collide.
	Body func(f *fixture, who string) any
	// Want maps each cast member and "anonymous" to the expected status.
	Want map[string]int
	// Page marks HTML pages, where an anonymous visitor is redirected to
	// the login page instead of getting 401.
	Page bool
}

var matrixRows []matrixRow

func addRows(rows ...matrixRow) { matrixRows = append(matrixRows, rows...) }

// all returns a Want giving status to everyone but anonymous (401) and the
// listed overrides.
func all(status int, overrides ...any) map[string]int {
	m := map[string]int{"anonymous": http.StatusUnauthorized}
	for _, c := range apptest.Cast {
		m[c] = status
	}
	for i := 0; i+1 < len(overrides); i += 2 {
		m[overrides[i].(string)] = overrides[i+1].(int)
	}
	return m
}

func publicRoute(status int) map[string]int {
	m := all(status)
	m["anonymous"] = status
	return m
}

func fixed(p string) func(*fixture) string { return func(*fixture) string { return p } }

func init() {
	addRows(
		matrixRow{Route: "GET /healthz", Path: fixed("/healthz"), Want: publicRoute(200)},
		matrixRow{Route: "GET /readyz", Path: fixed("/readyz"), Want: publicRoute(200)},
		matrixRow{Route: "GET /metrics", Path: fixed("/metrics"), Want: publicRoute(200)},
		matrixRow{Route: "GET /api/openapi.json", Path: fixed("/api/openapi.json"), Want: publicRoute(200)},
		matrixRow{Route: "GET /static/", Path: fixed("/static/app.css"), Want: publicRoute(200)},
		matrixRow{Route: "GET /api/v1/me", Path: fixed("/api/v1/me"), Want: all(200)},
	)
}

func newFixture(t *testing.T, e *apptest.Env) *fixture {
	t.Helper()
	f := &fixture{e: e}
	ctx := t.Context()
	var err error
	f.Person, err = e.App.Persons.Create(ctx, e.Actor("worker"), person.Input{
		BirthName: ptr("MARTIN"), FirstNames: ptr("Léa"), BirthDate: ptr("1990-04-12"), Sex: ptr(parcours.SexFemale),
	})
	if err != nil {
		t.Fatal(err)
	}
	f.Household, err = e.App.Persons.CreateHousehold(ctx, e.Actor("worker"), person.HouseholdInput{
		Name:    "Foyer Martin",
		Members: []person.MemberInput{{PersonID: f.Person.ID, Relationship: parcours.RelReference}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func ptr[T any](v T) *T { return &v }

func TestRouteMatrix(t *testing.T) {
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		f := newFixture(t, e)
		byRoute := map[string]matrixRow{}
		for _, r := range matrixRows {
			if _, dup := byRoute[r.Route]; dup {
				t.Errorf("matrix: route %s has two rows", r.Route)
			}
			byRoute[r.Route] = r
		}
		registered := map[string]web.Route{}
		for _, rt := range e.App.Web.Routes() {
			key := rt.Method + " " + rt.Pattern
			registered[key] = rt
			if _, ok := byRoute[key]; !ok {
				t.Errorf("matrix: route %s is registered but has no row in the authorisation matrix", key)
			}
		}
		keys := make([]string, 0, len(byRoute))
		for k := range byRoute {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, key := range keys {
			row := byRoute[key]
			rt, ok := registered[key]
			if !ok {
				t.Errorf("matrix: row for %s, which is not a registered route", key)
				continue
			}
			for _, who := range everyone {
				want, ok := row.Want[who]
				if !ok {
					t.Errorf("matrix: %s has no expectation for %s", key, who)
					continue
				}
				method, _, _ := strings.Cut(key, " ")
				var body any
				if row.Body != nil {
					body = row.Body(f, who)
				}
				caller := who
				if who == "anonymous" {
					caller = ""
				}
				var resp *apptest.Response
				if rt.Access == web.Page {
					// Pages authenticate with a browser session, never a
					// token; their bodies are forms (url.Values or nil).
					form, _ := body.(url.Values)
					resp = e.Page(method, row.Path(f), caller, form)
				} else {
					resp = e.Do(method, row.Path(f), caller, body)
				}
				got := resp.Status
				if rt.Access == web.Page && who == "anonymous" && got == http.StatusSeeOther {
					got = http.StatusUnauthorized // redirected to the login page
				}
				if got != want {
					t.Errorf("%s as %s: status %d, want %d (body %s)", key, who, got, want, truncate(resp.Body))
				}
			}
		}
	})
}

func truncate(b []byte) string {
	s := string(b)
	if len(s) > 200 {
		return s[:200] + "…"
	}
	return fmt.Sprintf("%q", s)
}
