// Package apptest starts a whole Parcours for HTTP tests: a fresh database
// on the chosen backend, the real services and the real handler, and a
// small cast of workers with API tokens:
//
//	org A (CCAS): admin, manager, worker, reception (team "Accueil social"),
//	              worker2 (team "Pôle insertion")
//	org B (département): worker "other"
//
// Every log line is captured so tests can assert that no personal data
// reaches the logs.
package apptest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"parcours/internal/app"
	"parcours/internal/auth"
	"parcours/internal/parcours"
	"parcours/internal/store"
	"parcours/internal/store/storetest"
)

// Env is a running Parcours with its cast.
type Env struct {
	T       testing.TB
	Dialect store.Dialect
	App     *app.App
	OrgA    *parcours.Organization
	OrgB    *parcours.Organization
	TeamA   *parcours.Team // "Accueil social", org A
	TeamA2  *parcours.Team // "Pôle insertion", org A
	TeamB   *parcours.Team
	// Workers and Tokens by cast name: admin, manager, worker, worker2,
	// reception, other.
	Workers map[string]*parcours.Worker
	Tokens  map[string]string
	// DSN is the database's, for a second process on it.
	DSN  string
	logs *syncBuffer
}

// Cast lists the cast names.
var Cast = []string{"admin", "manager", "worker", "worker2", "reception", "other"}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// ForEach runs fn on each backend with a fresh Env.
func ForEach(t *testing.T, fn func(t *testing.T, e *Env)) {
	t.Helper()
	for _, d := range storetest.Dialects {
		t.Run(d.String(), func(t *testing.T) { fn(t, New(t, d)) })
	}
}

// New starts Parcours on a fresh database of dialect d.
func New(t testing.TB, d store.Dialect) *Env {
	t.Helper()
	dsn := storetest.MigratedDSN(t, d)
	db, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	a, err := app.New(app.Config{Database: "test", DataDir: t.TempDir(), Log: slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}, db)
	if err != nil {
		t.Fatal(err)
	}
	e := &Env{T: t, Dialect: d, App: a, Workers: map[string]*parcours.Worker{}, Tokens: map[string]string{}, logs: logs, DSN: dsn}
	ctx := context.Background()
	err = db.Transact(ctx, func(tx *store.Tx) error {
		e.OrgA = &parcours.Organization{Name: "CCAS de Villeurbanne-Test", Kind: parcours.OrgCCAS}
		e.OrgB = &parcours.Organization{Name: "Département Test", Kind: parcours.OrgDepartement}
		for _, o := range []*parcours.Organization{e.OrgA, e.OrgB} {
			if err := tx.InsertOrganization(ctx, o); err != nil {
				return err
			}
		}
		e.TeamA = &parcours.Team{OrgID: e.OrgA.ID, Name: "Accueil social"}
		e.TeamA2 = &parcours.Team{OrgID: e.OrgA.ID, Name: "Pôle insertion"}
		e.TeamB = &parcours.Team{OrgID: e.OrgB.ID, Name: "Service social départemental"}
		for _, tm := range []*parcours.Team{e.TeamA, e.TeamA2, e.TeamB} {
			if err := tx.InsertTeam(ctx, tm); err != nil {
				return err
			}
		}
		add := func(name string, org *parcours.Organization, role parcours.Role, team *parcours.Team) error {
			w := &parcours.Worker{OrgID: org.ID, Email: name + "@" + strings.ToLower(org.Kind.String()) + ".test", FirstName: "Prénom", LastName: strings.ToUpper(name), Role: role, TeamIDs: []string{team.ID}}
			e.Workers[name] = w
			return tx.InsertWorker(ctx, w, "")
		}
		for _, c := range []struct {
			name string
			org  *parcours.Organization
			role parcours.Role
			team *parcours.Team
		}{
			{"admin", e.OrgA, parcours.RoleAdmin, e.TeamA},
			{"manager", e.OrgA, parcours.RoleManager, e.TeamA},
			{"worker", e.OrgA, parcours.RoleWorker, e.TeamA},
			{"worker2", e.OrgA, parcours.RoleWorker, e.TeamA2},
			{"reception", e.OrgA, parcours.RoleReception, e.TeamA},
			{"other", e.OrgB, parcours.RoleWorker, e.TeamB},
		} {
			if err := add(c.name, c.org, c.role, c.team); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range Cast {
		secret, _, err := a.Auth.CreateToken(ctx, parcours.SystemActor(), e.Workers[name].Email, "test")
		if err != nil {
			t.Fatal(err)
		}
		e.Tokens[name] = secret
	}
	return e
}

// Actor returns the actor of a cast member, for calling services directly.
func (e *Env) Actor(name string) parcours.Actor { return e.Workers[name].Actor() }

// Count returns the number of rows of a table (a test's own name, never
// input), to check that a refused request wrote nothing.
func (e *Env) Count(table string) int {
	e.T.Helper()
	var n int
	if err := e.App.DB.SQL().QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n); err != nil {
		e.T.Fatal(err)
	}
	return n
}

// Logs returns everything logged so far.
func (e *Env) Logs() string { return e.logs.String() }

// Response is a recorded HTTP response.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Decode unmarshals the JSON body into v, failing the test otherwise.
func (r *Response) Decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
}

// ErrorCode returns the "error.code" of a JSON error body, "" if none.
func (r *Response) ErrorCode() string {
	var b struct {
		Error struct{ Code string } `json:"error"`
	}
	_ = json.Unmarshal(r.Body, &b)
	return b.Error.Code
}

// Do sends a request as cast member who ("" for anonymous). body may be
// nil, a string/[]byte sent as is, or a value encoded as JSON.
func (e *Env) Do(method, path, who string, body any) *Response {
	e.T.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		buf, err := json.Marshal(b)
		if err != nil {
			e.T.Fatal(err)
		}
		rd = bytes.NewReader(buf)
	}
	req := httptest.NewRequest(method, path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if who != "" {
		req.Header.Set("Authorization", "Bearer "+e.Tokens[who])
	}
	return e.Serve(req)
}

// Serve runs a prepared request through the real handler.
func (e *Env) Serve(req *http.Request) *Response {
	rec := httptest.NewRecorder()
	e.App.Web.ServeHTTP(rec, req)
	return &Response{Status: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}
}

// TokenFor creates an API token for any worker.
func (e *Env) TokenFor(w *parcours.Worker) string {
	secret, _, err := e.App.Auth.CreateToken(context.Background(), parcours.SystemActor(), w.Email, "test")
	if err != nil {
		e.T.Fatal(err)
	}
	return secret
}

// Session opens a browser session (password and second factor done) for a
// cast member and returns its cookie.
func (e *Env) Session(who string) *http.Cookie {
	e.T.Helper()
	s, err := e.App.Auth.NewSession(context.Background(), e.Workers[who].ID, true)
	if err != nil {
		e.T.Fatal(err)
	}
	return &http.Cookie{Name: auth.SessionCookie, Value: s.Secret}
}

// Page sends a browser request (same-origin, with a session cookie when
// who is not "") and returns the response. A state-changing request of a
// cast member carries the session's CSRF token in the form field "csrf",
// as the pages' forms do, unless the form sets "csrf" itself.
func (e *Env) Page(method, path, who string, form map[string][]string) *Response {
	e.T.Helper()
	var sess *auth.Session
	if who != "" {
		var err error
		if sess, err = e.App.Auth.NewSession(context.Background(), e.Workers[who].ID, true); err != nil {
			e.T.Fatal(err)
		}
		if method != http.MethodGet && method != http.MethodHead {
			if form == nil {
				form = map[string][]string{}
			}
			if _, set := form["csrf"]; !set {
				form = maps.Clone(form)
				form["csrf"] = []string{sess.CSRF}
			}
		}
	}
	var body io.Reader
	if form != nil {
		body = strings.NewReader(encodeForm(form))
	}
	req := httptest.NewRequest(method, path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	if sess != nil {
		req.AddCookie(&http.Cookie{Name: auth.SessionCookie, Value: sess.Secret})
	}
	return e.Serve(req)
}

func encodeForm(form map[string][]string) string {
	v := make(url.Values, len(form))
	for k, vs := range form {
		v[k] = vs
	}
	return v.Encode()
}
