package auth_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"parcours/internal/app/apptest"
	"parcours/internal/auth"
	"parcours/internal/org"
	"parcours/internal/parcours"
	"parcours/internal/store"
	"parcours/internal/store/storetest"
)

// sessionLookup begins the statement that finds a session in the database.
const sessionLookup = "SELECT id_hash, worker_id, "

// countPrefix counts the statements of c that begin with prefix.
func countPrefix(c *storetest.Counter, prefix string) int {
	n := 0
	for _, q := range c.Statements {
		if strings.HasPrefix(strings.Join(strings.Fields(q), " "), prefix) {
			n++
		}
	}
	return n
}

// A session's resolution is cached: a second request asks the database
// nothing to authenticate. A role change is seen on the very next
// request; logging out, a password reset and disabling the worker end the
// session at once. Both backends, through the HTTP handlers.
func TestSessionCache_ReusedAndDroppedAtOnceOnEveryChange(t *testing.T) {
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		untilCacheUsable(e.App.DB)
		ctx := context.Background()
		open := func(who string) *auth.Session {
			t.Helper()
			s, err := e.App.Auth.NewSession(ctx, e.Workers[who].ID, true)
			if err != nil {
				t.Fatal(err)
			}
			return s
		}
		// me asks /api/v1/me with the session's cookie and returns the
		// status, the role and the session lookups it ran.
		me := func(s *auth.Session) (int, string, int) {
			t.Helper()
			c := &storetest.Counter{}
			req := httptest.NewRequest("GET", "/api/v1/me", nil)
			req.Header.Set("Sec-Fetch-Site", "same-origin")
			req.AddCookie(&http.Cookie{Name: auth.SessionCookie, Value: s.Secret})
			r := e.Serve(req.WithContext(c.Context(req.Context())))
			var out struct{ Role string }
			if r.Status == http.StatusOK {
				r.Decode(t, &out)
			}
			return r.Status, out.Role, countPrefix(c, sessionLookup)
		}
		admin := func(who string, body map[string]any) {
			t.Helper()
			if r := e.Do("PATCH", "/api/v1/workers/"+e.Workers[who].ID, "admin", body); r.Status != http.StatusOK {
				t.Fatalf("update worker %v: %d %s", body, r.Status, r.Body)
			}
		}

		s := open("worker")
		if st, _, n := me(s); st != http.StatusOK || n != 1 {
			t.Fatalf("first request: %d, %d session lookups; want 200 and 1", st, n)
		}
		if st, role, n := me(s); st != http.StatusOK || n != 0 || role != "worker" {
			t.Fatalf("cached: %d as %q, %d session lookups; want 200 as worker and none", st, role, n)
		}
		admin("worker", map[string]any{"role": "manager"})
		if st, role, n := me(s); st != http.StatusOK || role != "manager" || n != 1 {
			t.Fatalf("after the role change: %d as %q, %d lookups; want manager, read afresh", st, role, n)
		}

		// Logged out: refused at once, the other session of the worker
		// still served.
		other := open("worker")
		me(other)
		me(s)
		form := url.Values{"csrf": {s.CSRF}}
		req := httptest.NewRequest("POST", "/logout", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.AddCookie(&http.Cookie{Name: auth.SessionCookie, Value: s.Secret})
		if r := e.Serve(req); r.Status != http.StatusSeeOther {
			t.Fatalf("logout: %d %s", r.Status, r.Body)
		}
		if st, _, _ := me(s); st != http.StatusUnauthorized {
			t.Fatalf("logged-out session: %d, want 401", st)
		}
		if st, _, _ := me(other); st != http.StatusOK {
			t.Fatalf("the worker's other session after a logout: %d, want 200", st)
		}

		// A password reset ends every session of the worker at once.
		me(other)
		admin("worker", map[string]any{"password": "Une phrase de passe assez longue 42"})
		if st, _, _ := me(other); st != http.StatusUnauthorized {
			t.Fatalf("session after the password reset: %d, want 401", st)
		}

		// Disabled: refused at once.
		s2 := open("worker2")
		me(s2)
		me(s2)
		admin("worker2", map[string]any{"disabled": true})
		if st, _, _ := me(s2); st != http.StatusUnauthorized {
			t.Fatalf("disabled worker's session: %d, want 401", st)
		}
	})
}

// A cached session whose cached activity looks idle is read afresh, not
// refused: another instance may have recorded later activity. Here the
// database has it (as another instance would have written it) while the
// cache still holds the old instant.
func TestSessionCache_IdleLookingEntryIsReadAfresh(t *testing.T) {
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		untilCacheUsable(e.App.DB)
		ctx := context.Background()
		start := time.Now().UTC()
		now := start
		e.App.DB.Now = func() time.Time { return now }
		s, err := e.App.Auth.NewSession(ctx, e.Workers["worker"].ID, true)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := e.App.Auth.ActorFromSession(ctx, s.Secret); err != nil { // cached, seen at start
			t.Fatal(err)
		}
		// Another instance records activity 25 minutes later.
		now = start.Add(25 * time.Minute)
		q := "UPDATE sessions SET last_seen_at = ?"
		if e.App.DB.Dialect() == store.Postgres {
			q = "UPDATE sessions SET last_seen_at = $1"
		}
		if _, err := e.App.DB.SQL().ExecContext(ctx, q, now.UnixMicro()); err != nil {
			t.Fatal(err)
		}
		// 31 minutes after start: idle by the cache, not by the database.
		// (The cache entry would have expired after 30 s in real time; the
		// clock here jumps, so only the idle rule decides.)
		now = start.Add(31 * time.Minute)
		c := &storetest.Counter{}
		if _, _, err := e.App.Auth.ActorFromSession(c.Context(ctx), s.Secret); err != nil {
			t.Fatalf("a session active 6 minutes ago refused: %v", err)
		}
		if n := countPrefix(c, sessionLookup); n != 1 {
			t.Fatalf("%d session lookups, want 1 (read afresh)", n)
		}
	})
}

// Two instances on one PostgreSQL: logging out, or a change of the worker,
// on one drops the other's cached session at once, through LISTEN/NOTIFY.
// The first instance's clock stands still, so its cache never expires by
// itself here: only the notification can make it read the session again.
func TestSessionCache_DroppedAcrossInstancesOnPostgres(t *testing.T) {
	ctx := context.Background()
	a, b, adm, w := twoInstances(t)
	s1, err := b.Auth.NewSession(ctx, w.ID, true)
	if err != nil {
		t.Fatal(err)
	}
	s2, err := b.Auth.NewSession(ctx, w.ID, true)
	if err != nil {
		t.Fatal(err)
	}
	// resolve asks instance a, and tells whether it read the session.
	resolve := func(s *auth.Session) (parcours.Actor, error, bool) {
		c := &storetest.Counter{}
		actor, _, err := a.Auth.ActorFromSession(c.Context(ctx), s.Secret)
		return actor, err, c.Count() > 0
	}
	// untilCached: b's writes are announced to a asynchronously and each
	// drops a's cache; a serves the session from its cache once the last
	// announcement has arrived.
	untilCached := func(s *auth.Session, role parcours.Role) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); ; {
			actor, err, read := resolve(s)
			if err == nil && !read && actor.Role == role {
				return
			}
			if err != nil || time.Now().After(deadline) {
				t.Fatalf("never cached on a: %+v, %v, read %v", actor, err, read)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	untilCached(s1, parcours.RoleWorker)
	untilCached(s2, parcours.RoleWorker)

	manager := parcours.RoleManager
	if _, err := b.Orgs.UpdateWorker(ctx, adm.Actor(), w.ID, org.WorkerUpdate{Role: &manager}); err != nil {
		t.Fatal(err)
	}
	for {
		if actor, err, _ := resolve(s1); err != nil {
			t.Fatal(err)
		} else if actor.Role == parcours.RoleManager {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}

	// Logged out on b: refused on a.
	untilCached(s1, parcours.RoleManager)
	if err := b.Auth.EndSession(ctx, s1.Secret); err != nil {
		t.Fatal(err)
	}
	for {
		_, err, _ := resolve(s1)
		if parcours.ErrorCode(err) == parcours.EUnauthenticated {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		time.Sleep(5 * time.Millisecond)
	}

	// Disabled on b: the other session refused on a.
	untilCached(s2, parcours.RoleManager)
	disabled := true
	if _, err := b.Orgs.UpdateWorker(ctx, adm.Actor(), w.ID, org.WorkerUpdate{Disabled: &disabled}); err != nil {
		t.Fatal(err)
	}
	for {
		_, err, _ := resolve(s2)
		if parcours.ErrorCode(err) == parcours.EUnauthenticated {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
