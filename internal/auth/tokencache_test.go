package auth_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"parcours/internal/app"
	"parcours/internal/app/apptest"
	"parcours/internal/org"
	"parcours/internal/parcours"
	"parcours/internal/store"
	"parcours/internal/store/storetest"
)

// tokenLookup begins the statement that finds a token in the database.
const tokenLookup = "SELECT id, worker_id, name, prefix, "

// untilCacheUsable waits for db's change listener (PostgreSQL) to be
// connected: until then tokens are not cached.
func untilCacheUsable(db *store.DB) {
	for !db.ActorCacheUsable() {
		time.Sleep(10 * time.Millisecond)
	}
}

// twoInstances starts two instances of Parcours on one PostgreSQL
// database, each with its cache listening, and an organisation with an
// administrator and a worker. The first instance's clock stands still, so
// its cache never expires by itself: only a notification from the second
// can make it read again.
func twoInstances(t *testing.T) (a, b *app.App, adm, w *parcours.Worker) {
	t.Helper()
	dsn, dbs := storetest.Instances(t, store.Postgres, 2)
	ctx := context.Background()
	var apps []*app.App
	for _, db := range dbs {
		a, err := app.New(app.Config{Database: dsn, DataDir: t.TempDir(), MasterKey: bytes.Repeat([]byte{9}, 32),
			Log: slog.New(slog.NewTextHandler(io.Discard, nil))}, db)
		if err != nil {
			t.Fatal(err)
		}
		untilCacheUsable(db)
		apps = append(apps, a)
	}
	a, b = apps[0], apps[1]
	frozen := time.Now().UTC()
	a.DB.Now = func() time.Time { return frozen }
	o, err := b.Orgs.CreateOrg(ctx, parcours.SystemActor(), org.OrgInput{Name: "CCAS deux instances", Kind: parcours.OrgCCAS})
	if err != nil {
		t.Fatal(err)
	}
	adm, err = b.Orgs.CreateWorker(ctx, parcours.SystemActor(), o.ID, org.WorkerInput{Email: "admin@deux.test", Role: parcours.RoleAdmin, Password: "Une phrase de passe assez longue 42"})
	if err != nil {
		t.Fatal(err)
	}
	w, err = b.Orgs.CreateWorker(ctx, parcours.SystemActor(), o.ID, org.WorkerInput{Email: "w@deux.test", Role: parcours.RoleWorker, Password: "Une autre phrase de passe bien longue 7"})
	if err != nil {
		t.Fatal(err)
	}
	return a, b, adm, w
}

// A token's resolution is cached: a second request asks the database
// nothing to authenticate. Changing the worker's role, teams or password,
// revoking the token or disabling the worker takes effect on the very next
// request. Both backends, through the HTTP API.
func TestTokenCache_ReusedAndDroppedAtOnceOnEveryChange(t *testing.T) {
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		untilCacheUsable(e.App.DB)
		wk := e.Workers["worker"]
		// me returns the status, /api/v1/me and the token lookups it ran.
		me := func(who string) (int, map[string]any, int) {
			t.Helper()
			c := &storetest.Counter{}
			req := httptest.NewRequest("GET", "/api/v1/me", nil)
			req.Header.Set("Authorization", "Bearer "+e.Tokens[who])
			r := e.Serve(req.WithContext(c.Context(req.Context())))
			var out map[string]any
			if r.Status == http.StatusOK {
				r.Decode(t, &out)
			}
			lookups := 0
			for _, q := range c.Statements {
				if strings.HasPrefix(strings.Join(strings.Fields(q), " "), tokenLookup) {
					lookups++
				}
			}
			return r.Status, out, lookups
		}
		admin := func(body map[string]any) {
			t.Helper()
			if r := e.Do("PATCH", "/api/v1/workers/"+wk.ID, "admin", body); r.Status != http.StatusOK {
				t.Fatalf("update worker %v: %d %s", body, r.Status, r.Body)
			}
		}
		me("worker") // fills the cache
		if st, out, n := me("worker"); st != http.StatusOK || n != 0 || out["role"] != "worker" {
			t.Fatalf("cached: %d, %v, %d token lookups; want 200 as worker and none", st, out, n)
		}

		admin(map[string]any{"role": "manager"})
		if st, out, n := me("worker"); st != http.StatusOK || out["role"] != "manager" || n != 1 {
			t.Fatalf("after the role change: %d, role %v, %d lookups; want manager, read afresh", st, out["role"], n)
		}
		admin(map[string]any{"team_ids": []string{e.TeamA2.ID}})
		if _, out, n := me("worker"); n != 1 || !slices.Equal(anyStrings(out["team_ids"]), []string{e.TeamA2.ID}) {
			t.Fatalf("after the team change: teams %v, %d lookups; want [%s], read afresh", out["team_ids"], n, e.TeamA2.ID)
		}
		me("worker")
		admin(map[string]any{"password": "Une phrase de passe assez longue 42"})
		if st, _, n := me("worker"); st != http.StatusOK || n != 1 {
			t.Fatalf("after the password reset: %d, %d lookups; want the token read afresh", st, n)
		}

		// Revoked by its owner: refused at once.
		var toks struct{ Items []struct{ ID string } }
		e.Do("GET", "/api/v1/tokens", "worker", nil).Decode(t, &toks)
		me("worker")
		for _, tk := range toks.Items {
			if r := e.Do("DELETE", "/api/v1/tokens/"+tk.ID, "worker", nil); r.Status != http.StatusNoContent {
				t.Fatalf("revoke: %d %s", r.Status, r.Body)
			}
		}
		if st, _, _ := me("worker"); st != http.StatusUnauthorized {
			t.Fatalf("revoked token: %d, want 401", st)
		}

		// Disabled: every token of the worker refused at once.
		me("worker2")
		if r := e.Do("PATCH", "/api/v1/workers/"+e.Workers["worker2"].ID, "admin", map[string]any{"disabled": true}); r.Status != http.StatusOK {
			t.Fatalf("disable: %d %s", r.Status, r.Body)
		}
		if st, _, _ := me("worker2"); st != http.StatusUnauthorized {
			t.Fatalf("disabled worker's token: %d, want 401", st)
		}
	})
}

func anyStrings(v any) []string {
	var out []string
	for _, s := range v.([]any) {
		out = append(out, s.(string))
	}
	return out
}

// Two instances on one PostgreSQL: what one instance changes drops the
// other's cache at once, through LISTEN/NOTIFY. The first instance's clock
// stands still, so its cache never expires by itself in this test: only
// the notification can make it read the token again.
func TestTokenCache_DroppedAcrossInstancesOnPostgres(t *testing.T) {
	ctx := context.Background()
	a, b, adm, w := twoInstances(t)
	secret, tok, err := b.Auth.CreateToken(ctx, parcours.SystemActor(), w.Email, "test")
	if err != nil {
		t.Fatal(err)
	}
	// resolve asks instance a, and tells whether it read the token.
	resolve := func() (parcours.Actor, error, bool) {
		c := &storetest.Counter{}
		actor, _, err := a.Auth.ActorFromToken(c.Context(ctx), secret)
		return actor, err, c.Count() > 0
	}
	// b's writes (the worker, the token) are announced to a asynchronously
	// and each drops a's cache: a serves the token from its cache once the
	// last announcement has arrived.
	for deadline := time.Now().Add(10 * time.Second); ; {
		actor, err, read := resolve()
		if err == nil && !read && actor.Role == parcours.RoleWorker {
			break
		}
		if err != nil || time.Now().After(deadline) {
			t.Fatalf("never cached on a: %+v, %v, read %v", actor, err, read)
		}
		time.Sleep(5 * time.Millisecond)
	}
	manager := parcours.RoleManager
	if _, err := b.Orgs.UpdateWorker(ctx, adm.Actor(), w.ID, org.WorkerUpdate{Role: &manager}); err != nil {
		t.Fatal(err)
	}
	for {
		if actor, err, _ := resolve(); err != nil {
			t.Fatal(err)
		} else if actor.Role == parcours.RoleManager {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := b.Auth.RevokeToken(ctx, w.Actor(), tok.ID); err != nil {
		t.Fatal(err)
	}
	for {
		_, err, _ := resolve()
		if parcours.ErrorCode(err) == parcours.EUnauthenticated {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
