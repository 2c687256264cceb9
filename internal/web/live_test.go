package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"parcours/internal/app"
	"parcours/internal/app/apptest"
	"parcours/internal/live"
	"parcours/internal/messaging"
	"parcours/internal/store"
	"parcours/internal/store/storetest"
)

// Live notification counts (issue 11): the header shows the count with
// the page (no JavaScript needed), and its long poll answers as soon as
// a notification is written — on this instance, or on another one on the
// same PostgreSQL through LISTEN/NOTIFY. No test here waits for a time:
// a poll that was not woken would answer the old count after
// live.MaxWait, and the test would fail on the count.

// countPoll is the header's long poll as htmx sends it.
func countPoll(e *apptest.Env, h http.Handler, who, query string) (int, string) {
	req := httptest.NewRequest("GET", "/notifications/count"+query, nil)
	req.Header.Set("HX-Request", "true")
	req.AddCookie(e.Session(who))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code, rec.Body.String()
}

// untilWaiting returns once hub has n long polls waiting (a poll that
// has read the count and sleeps until told of a change).
func untilWaiting(t *testing.T, hub *live.Hub, n int, done <-chan struct{}) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); hub.Waiting() < n; {
		select {
		case <-done:
			t.Fatal("the poll answered before anything changed")
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("the poll never waited")
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func TestLive_HeaderCountWithoutJavaScriptAndLongPollWokenByANewMessage(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		f := newFixture(t, e)
		// The fixture notified some already: start from nothing.
		for _, who := range []string{"manager", "worker"} {
			if r := e.Do("POST", "/api/v1/notifications/read", who, nil); r.Status != 200 {
				t.Fatalf("mark read: %d", r.Status)
			}
		}
		home := e.Page("GET", "/", "manager", nil)
		if !strings.Contains(string(home.Body), `<span id="notification-count" hx-get="/notifications/count?wait=1&amp;n=0" hx-trigger="load, every 60s" hx-swap="outerHTML"></span>`) {
			t.Fatal("the header does not carry the count and its long poll")
		}

		// The poll waits on the count the page shows (0)…
		type answer struct {
			status int
			body   string
		}
		got := make(chan answer, 1)
		done := make(chan struct{})
		go func() {
			s, b := countPoll(e, e.App.Web, "manager", "?wait=1&n=0")
			got <- answer{s, b}
			close(done)
		}()
		untilWaiting(t, e.App.Live, 1, done)
		// …and a colleague's message wakes it.
		if _, err := e.App.Messaging.Create(t.Context(), e.Actor("worker"), f.Person.ID, messaging.CreateInput{
			Subject: "FSL", ParticipantIDs: []string{e.Workers["manager"].ID}, Body: "Bonjour"}); err != nil {
			t.Fatal(err)
		}
		a := <-got
		if a.status != http.StatusOK || !strings.Contains(a.body, `<span class="tag">1</span>`) ||
			!strings.Contains(a.body, `hx-get="/notifications/count?wait=1&amp;n=1"`) || strings.Contains(a.body, "<html") {
			t.Fatalf("the poll's answer: %d %q", a.status, a.body)
		}
		// A count that differs already answers at once.
		if s, b := countPoll(e, e.App.Web, "manager", "?wait=1&n=0"); s != 200 || !strings.Contains(b, `<span class="tag">1</span>`) {
			t.Fatalf("stale count: %d %q", s, b)
		}
		// Without JavaScript, the next page shows it; the worker who wrote
		// has none.
		if r := e.Page("GET", "/notifications", "manager", nil); !strings.Contains(string(r.Body), `<span class="tag">1</span>`) {
			t.Error("the page does not show the unread count")
		}
		if r := e.Page("GET", "/", "worker", nil); strings.Contains(string(r.Body), `<span class="tag">`) {
			t.Error("the sender is shown a count")
		}

		// The JSON twin: marking everything read wakes a waiting poll.
		var c struct{ Unread int }
		if r := e.Do("GET", "/api/v1/notifications/count", "manager", nil); r.Status != 200 {
			t.Fatalf("count: %d %s", r.Status, r.Body)
		} else if r.Decode(t, &c); c.Unread != 1 {
			t.Fatalf("count %d, want 1", c.Unread)
		}
		apiGot := make(chan *apptest.Response, 1)
		apiDone := make(chan struct{})
		go func() {
			apiGot <- e.Do("GET", "/api/v1/notifications/count?seen=1&wait=25", "manager", nil)
			close(apiDone)
		}()
		untilWaiting(t, e.App.Live, 1, apiDone)
		if r := e.Do("POST", "/api/v1/notifications/read", "manager", nil); r.Status != 200 {
			t.Fatalf("mark read: %d", r.Status)
		}
		if r := <-apiGot; r.Status != 200 {
			t.Fatalf("long poll: %d %s", r.Status, r.Body)
		} else if r.Decode(t, &c); c.Unread != 0 {
			t.Fatalf("after marking read the poll says %d", c.Unread)
		}
		if r := e.Page("GET", "/", "manager", nil); strings.Contains(string(r.Body), `<span class="tag">`) {
			t.Error("the header still shows a count after everything was read")
		}

		// Bad input: 422 naming the field, in French by default.
		for q, field := range map[string]string{"?seen=1&wait=26": "wait", "?seen=deux": "seen", "?seen=-1": "seen", "?seen=1&wait=x": "wait"} {
			r := e.Do("GET", "/api/v1/notifications/count"+q, "manager", nil)
			var b struct {
				Error struct{ Field, Message string }
			}
			r.Decode(t, &b)
			if r.Status != http.StatusUnprocessableEntity || b.Error.Field != field || !strings.Contains(b.Error.Message, "entier") {
				t.Errorf("%s: %d %s", q, r.Status, r.Body)
			}
		}
	})
}

// TestLive_TwoInstancesOnPostgres: two servers on one PostgreSQL. A
// worker's long poll waits on instance B; a colleague writes to them
// through instance A; B answers with the new count, told by A's NOTIFY
// (B read the count once, before the message existed, and reads it again
// only when woken).
func TestLive_TwoInstancesOnPostgres(t *testing.T) {
	t.Parallel()
	e := apptest.New(t, store.Postgres)
	f := newFixture(t, e)
	ctx := context.Background()
	db, err := store.Open(ctx, e.DSN)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	b, err := app.New(app.Config{Database: e.DSN, DataDir: e.App.Config.DataDir, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}, db)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []*store.DB{e.App.DB, b.DB} {
		for deadline := time.Now().Add(time.Minute); !d.InboxChangesHeard(); {
			if time.Now().After(deadline) {
				t.Fatal("the listener never connected")
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	srvA, srvB := httptest.NewServer(e.App.Web), httptest.NewServer(b.Web)
	defer srvA.Close()
	defer srvB.Close()
	get := func(base, path, who string) (*http.Response, string) {
		req, _ := http.NewRequest("GET", base+path, nil)
		req.Header.Set("Authorization", "Bearer "+e.Tokens[who])
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Error(err)
			return nil, ""
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp, string(body)
	}
	if r := e.Do("POST", "/api/v1/notifications/read", "manager", nil); r.Status != 200 { // the fixture's
		t.Fatalf("mark read: %d", r.Status)
	}
	if _, body := get(srvB.URL, "/api/v1/notifications/count", "manager"); !strings.Contains(body, `"unread":0`) {
		t.Fatalf("B before: %s", body)
	}
	got := make(chan string, 1)
	done := make(chan struct{})
	go func() {
		_, body := get(srvB.URL, "/api/v1/notifications/count?seen=0&wait=25", "manager")
		got <- body
		close(done)
	}()
	untilWaiting(t, b.Live, 1, done)
	if e.App.Live.Waiting() != 0 {
		t.Fatal("the poll waits on A, not B")
	}
	// The message is written through A's HTTP API.
	req, _ := http.NewRequest("POST", srvA.URL+"/api/v1/persons/"+f.Person.ID+"/threads",
		strings.NewReader(`{"subject":"Dossier FSL","participant_ids":["`+e.Workers["manager"].ID+`"],"body":"Peux-tu relire la demande ?"}`))
	req.Header.Set("Authorization", "Bearer "+e.Tokens["worker"])
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("thread on A: %d", resp.StatusCode)
	}
	if body := <-got; !strings.Contains(body, `"unread":1`) {
		t.Fatalf("B's poll answered %s, want the new count", body)
	}
	// B's layout shows it too (a page without JavaScript).
	r := e.Page("GET", "/", "manager", nil) // A's page: read there
	if !strings.Contains(string(r.Body), `<span class="tag">1</span>`) {
		t.Error("A's header misses the count")
	}
	pageReq := httptest.NewRequest("GET", "/", nil)
	pageReq.AddCookie(e.Session("manager"))
	rec := httptest.NewRecorder()
	b.Web.ServeHTTP(rec, pageReq)
	if !strings.Contains(rec.Body.String(), `<span class="tag">1</span>`) {
		t.Error("B's header misses the count")
	}
}

// TestLive_HeaderCountReadOncePerChange: the header's count costs a
// statement on a worker's first page, none on the next ones while nothing
// changes, and one again after a new notification. Both backends.
func TestLive_HeaderCountReadOncePerChange(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		f := newFixture(t, e)
		// On PostgreSQL the count is kept only while the listener hears.
		for deadline := time.Now().Add(time.Minute); !e.App.DB.InboxChangesHeard(); {
			if time.Now().After(deadline) {
				t.Fatal("the listener never connected")
			}
			time.Sleep(5 * time.Millisecond)
		}
		cookie := e.Session("manager")
		reads := func() (int, string) {
			t.Helper()
			c := &storetest.Counter{}
			req := httptest.NewRequest("GET", "/", nil)
			req.AddCookie(cookie)
			r := e.Serve(req.WithContext(c.Context(req.Context())))
			if r.Status != 200 {
				t.Fatalf("home: %d", r.Status)
			}
			n := 0
			for _, q := range c.Statements {
				if strings.Contains(q, "FROM notifications") {
					n++
				}
			}
			return n, string(r.Body)
		}
		if n, _ := reads(); n != 1 {
			t.Fatalf("first page: %d reads of the count, want 1", n)
		}
		n, before := reads()
		if n != 0 {
			t.Fatalf("second page: %d reads of the count, want 0 (kept in memory)", n)
		}
		if _, err := e.App.Messaging.Create(t.Context(), e.Actor("worker"), f.Person.ID, messaging.CreateInput{
			Subject: "FSL", ParticipantIDs: []string{e.Workers["manager"].ID}, Body: "Bonjour"}); err != nil {
			t.Fatal(err)
		}
		n, after := reads()
		if n != 1 || after == before {
			t.Fatalf("after a new message: %d reads, page changed %v", n, after != before)
		}
	})
}
