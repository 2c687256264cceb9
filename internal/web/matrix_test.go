package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"parcours/internal/app/apptest"
	"parcours/internal/audit"
	"parcours/internal/parcours"
	"parcours/internal/person"
	"parcours/internal/store"
	"parcours/internal/web"
)

// The authorisation matrix: every registered route × every role × a worker
// of another organisation × anonymous, with the expected status. Features
// add their rows from their own *_matrix_test.go files with addRows; a
// registered route without rows, or rows for a route that does not exist,
// fail TestRouteMatrix.

// who is a cast member of apptest, one of the relation callers below, or
// "anonymous".
var everyone = append(append(append([]string{}, apptest.Cast...), relationCallers...), "anonymous")

// relationCallers are workers of org A the matrix adds to the cast, so
// that every route is tried from every relation to the fixture person
// (recorded by "worker", the referent; "manager" and "reception" are in
// the same team; "worker2" is of the same organisation without relation;
// "other" of another organisation):
//
//	teammate   a worker of the referent's team;
//	bg_active  a worker without relation, with an open break-glass access;
//	bg_expired a worker without relation, whose break-glass has expired;
//	third      a worker of a third organisation (an association), for
//	           the rows where "other" (org B) receives a referral.
//
// A row that does not name them expects for them what it expects for
// "worker2", a worker of the same organisation: rows about the fixture
// person's file name them (teammate sees the file, bg_active sees it
// through break-glass).
var relationCallers = []string{"teammate", "bg_active", "bg_expired", "third"}

// want returns the row's expectation for who, with the defaults above.
func (r matrixRow) want(who string) (int, bool) {
	if w, ok := r.Want[who]; ok {
		return w, true
	}
	switch who {
	case "teammate", "bg_active", "bg_expired":
		return r.want("worker2")
	case "third":
		return r.want("other")
	}
	return 0, false
}

// fixture is the data the matrix requests point at: objects of org A.
type fixture struct {
	e         *apptest.Env
	Person    *parcours.Person
	Household *parcours.Household
	// BreakGlass is bg_active's open access to Person.
	BreakGlass *parcours.BreakGlass
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
	// Audit lists the actions of the audit events a successful request
	// (status below 400) must record, in order; AuditBy replaces it for
	// the callers it names (a page reads, and so records, what the
	// caller's role shows). NoAudit says instead why a success records
	// nothing. Every row states Audit or NoAudit, here or in its
	// routeAudit (audit_matrix_test.go): TestRouteMatrix fails otherwise.
	// Every event bg_active causes on the fixture person must carry the
	// break-glass id and reason.
	Audit   []string
	AuditBy map[string][]string
	NoAudit string
	routeAudit
}

// routeAudit is what a route's refusals and failures record.
type routeAudit struct {
	// OnFile marks a route decided on the fixture person's file: a
	// refusal (403, 404) of a signed-in caller records exactly one
	// access.denied event (object ids only; linked to the person only for
	// a caller of the person's organisation), except for the callers of
	// NotDenied, refused before any file is opened, with the reason. On
	// other routes a refusal records nothing.
	OnFile    bool
	NotDenied map[string]string
	// OnError lists the events of a request answered with another error
	// (409, 422): a form shown again with its messages reads the file it
	// is on. Nil: nothing.
	OnError []string
}

// auditStated fills row's audit expectations from its routeAudits entry
// and reports a row that states none, or states them twice.
func auditStated(row matrixRow) (matrixRow, error) {
	ra, ok := routeAudits[row.Route]
	if ok {
		if row.Audit != nil || row.NoAudit != "" {
			if ra.Audit != nil || ra.NoAudit != "" {
				return row, fmt.Errorf("matrix: %s states its audit twice (row and routeAudits)", row.Route)
			}
		} else {
			row.Audit, row.AuditBy, row.NoAudit = ra.Audit, ra.AuditBy, ra.NoAudit
		}
		row.routeAudit = ra.routeAudit
	}
	if (row.Audit == nil) == (row.NoAudit == "") {
		return row, fmt.Errorf("matrix: %s must state the audit events of a success (Audit) or why there are none (NoAudit), not both or neither", row.Route)
	}
	return row, nil
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
	addRelationCallers(t, e, f)
	return f
}

// addRelationCallers creates the workers of relationCallers with their
// tokens, and their break-glass accesses to the fixture person: bg_expired's
// was opened five hours ago.
func addRelationCallers(t *testing.T, e *apptest.Env, f *fixture) {
	t.Helper()
	ctx := t.Context()
	teams := map[string]string{"teammate": e.TeamA.ID, "bg_active": e.TeamA2.ID, "bg_expired": e.TeamA2.ID}
	err := e.App.DB.Transact(ctx, func(tx *store.Tx) error {
		orgC := &parcours.Organization{Name: "Association Test", Kind: parcours.OrgAssociation}
		if err := tx.InsertOrganization(ctx, orgC); err != nil {
			return err
		}
		teamC := &parcours.Team{OrgID: orgC.ID, Name: "Permanence sociale"}
		if err := tx.InsertTeam(ctx, teamC); err != nil {
			return err
		}
		teams["third"] = teamC.ID
		for _, name := range relationCallers {
			org := e.OrgA.ID
			if name == "third" {
				org = orgC.ID
			}
			w := &parcours.Worker{OrgID: org, Email: name + "@ccas.test", FirstName: "Prénom", LastName: strings.ToUpper(name),
				Role: parcours.RoleWorker, TeamIDs: []string{teams[name]}}
			if err := tx.InsertWorker(ctx, w, ""); err != nil {
				return err
			}
			e.Workers[name] = w
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range relationCallers {
		e.Tokens[name] = e.TokenFor(e.Workers[name])
	}
	const reason = "Appel du 115 : mise à l'abri urgente ce soir"
	now := e.App.DB.Now
	e.App.DB.Now = func() time.Time { return now().Add(-5 * time.Hour) }
	_, err = e.App.BreakGlass.Open(ctx, e.Actor("bg_expired"), f.Person.ID, reason)
	e.App.DB.Now = now
	if err != nil {
		t.Fatal(err)
	}
	if f.BreakGlass, err = e.App.BreakGlass.Open(ctx, e.Actor("bg_active"), f.Person.ID, reason); err != nil {
		t.Fatal(err)
	}
}

// auditSince returns the audit events recorded after seq.
func auditSince(t *testing.T, e *apptest.Env, seq int64) []audit.Event {
	t.Helper()
	rows, err := e.App.DB.SQL().Query(rebind(e, "SELECT seq, action, person_id, break_glass_id, reason FROM audit_events WHERE seq > ? ORDER BY seq"), seq)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []audit.Event
	for rows.Next() {
		var ev audit.Event
		if err := rows.Scan(&ev.Seq, &ev.Action, &ev.PersonID, &ev.BreakGlass, &ev.Reason); err != nil {
			t.Fatal(err)
		}
		out = append(out, ev)
	}
	return out
}

func lastSeq(t *testing.T, e *apptest.Env) int64 {
	t.Helper()
	var n int64
	if err := e.App.DB.SQL().QueryRow("SELECT COALESCE(MAX(seq), 0) FROM audit_events").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func rebind(e *apptest.Env, q string) string {
	if e.Dialect == store.Postgres {
		return strings.Replace(q, "?", "$1", 1)
	}
	return q
}

// checkAudit compares the events a request recorded with the row's
// expectation.
func checkAudit(t *testing.T, f *fixture, key, who string, row matrixRow, status int, evs []audit.Event) {
	t.Helper()
	if who == "bg_active" {
		for _, ev := range evs {
			if ev.PersonID == f.Person.ID && (ev.BreakGlass != f.BreakGlass.ID || ev.Reason != f.BreakGlass.Reason) {
				t.Errorf("%s as %s: event %s on the fixture person without its break-glass (%q)", key, who, ev.Action, ev.BreakGlass)
			}
		}
	}
	for _, ev := range evs {
		if who != "bg_active" && ev.BreakGlass != "" && !strings.HasPrefix(ev.Action, "break_glass.") {
			t.Errorf("%s as %s: event %s marked with break-glass %q", key, who, ev.Action, ev.BreakGlass)
		}
		// Another organisation's attempt is never written into the
		// person's records (their access log).
		if ev.Action == audit.ActionDenied && who == "other" && ev.PersonID != "" {
			t.Errorf("%s as %s: the denial is linked to the other organisation's person", key, who)
		}
	}
	var got []string
	for _, ev := range evs {
		got = append(got, ev.Action)
	}
	var want []string
	// A row that does not name "third" expects for them what it expects
	// for "other": another organisation (see want).
	as := who
	if _, named := row.Want["third"]; who == "third" && !named {
		as = "other"
	}
	switch {
	case status < 400:
		want = row.Audit
		if by, ok := row.AuditBy[as]; ok {
			want = by
		}
	case status == http.StatusForbidden || status == http.StatusNotFound:
		if _, before := row.NotDenied[as]; row.OnFile && !before && who != "anonymous" {
			want = []string{audit.ActionDenied}
		}
	case status != http.StatusUnauthorized:
		want = row.OnError
	}
	if !slices.Equal(got, want) {
		t.Errorf("%s as %s (status %d): audit events %v, want %v", key, who, status, got, want)
	}
}

func ptr[T any](v T) *T { return &v }

func TestRouteMatrix(t *testing.T) {
	t.Parallel()
	// MATRIX_DUMP=file writes what each request answered and recorded, to
	// write the audit line of a new route (audit_matrix_test.go).
	var dump *os.File
	if p := os.Getenv("MATRIX_DUMP"); p != "" {
		dump, _ = os.Create(p)
		defer dump.Close()
	}
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		f := newFixture(t, e)
		byRoute := map[string]matrixRow{}
		for _, r := range matrixRows {
			r, err := auditStated(r)
			if err != nil {
				t.Error(err)
			}
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
				want, ok := row.want(who)
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
				path := row.Path(f) // may prepare data: before counting events
				before := lastSeq(t, e)
				var resp *apptest.Response
				if rt.Access == web.Page {
					// Pages authenticate with a browser session, never a
					// token; their bodies are forms (url.Values or nil).
					form, _ := body.(url.Values)
					resp = e.Page(method, path, caller, form)
				} else {
					resp = e.Do(method, path, caller, body)
				}
				got := resp.Status
				if rt.Access == web.Page && who == "anonymous" && got == http.StatusSeeOther {
					got = http.StatusUnauthorized // redirected to the login page
				}
				if rt.Access == web.Portal && got == http.StatusSeeOther {
					got = http.StatusUnauthorized // no portal session: the portal's sign-in
				}
				if got != want {
					t.Errorf("%s as %s: status %d, want %d (body %s)", key, who, got, want, truncate(resp.Body))
				}
				evs := auditSince(t, e, before)
				if dump != nil {
					var acts []string
					for _, ev := range evs {
						acts = append(acts, ev.Action+"/"+ev.PersonID)
					}
					fmt.Fprintf(dump, "%s\t%s\t%s\t%d\t%s\n", e.Dialect, key, who, got, strings.Join(acts, ","))
				}
				checkAudit(t, f, key, who, row, got, evs)
			}
		}
		// The person portal's callers, on every route (portal_matrix_test.go).
		checkPortalCallers(t, e, f, byRoute, registered)
	})
}

func truncate(b []byte) string {
	s := string(b)
	if len(s) > 200 {
		return s[:200] + "…"
	}
	return fmt.Sprintf("%q", s)
}
