package web

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// admitServer is a real HTTP server under adm with one API route whose
// requests, named by their ?n=, tell entered when their handler starts
// and then wait for a word on their own channel of gate.
type admitServer struct {
	*httptest.Server
	s       *Server
	logs    *syncBuffer
	entered chan string
	mu      sync.Mutex
	gate    map[string]chan struct{}
	ran     map[string]bool
}

func newAdmitServer(t *testing.T, adm Admission) *admitServer {
	t.Helper()
	logs := &syncBuffer{}
	s, err := New(Config{Log: slog.New(slog.NewJSONHandler(logs, nil)), Admission: &adm}, Services{})
	if err != nil {
		t.Fatal(err)
	}
	a := &admitServer{s: s, logs: logs, entered: make(chan string, 64), gate: map[string]chan struct{}{}, ran: map[string]bool{}}
	s.Handle("GET", "/api/v1/test/slow", Public, func(w http.ResponseWriter, r *http.Request) error {
		n := r.URL.Query().Get("n")
		if r.URL.Query().Get("step_aside") != "" {
			ReleaseSlot(r)
			ReleaseSlot(r) // a second time changes nothing
		}
		a.mu.Lock()
		a.ran[n] = true
		a.mu.Unlock()
		a.entered <- n
		<-a.gateOf(n)
		WriteJSON(w, http.StatusOK, map[string]string{"n": n})
		return nil
	}, nil)
	s.Handle("GET", "/test/page", Public, func(w http.ResponseWriter, r *http.Request) error {
		a.mu.Lock()
		a.ran["page"] = true
		a.mu.Unlock()
		return nil
	}, nil)
	a.Server = httptest.NewServer(s)
	t.Cleanup(a.Close)
	return a
}

// syncBuffer is a log written by concurrent requests.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

func (a *admitServer) gateOf(n string) chan struct{} {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.gate[n] == nil {
		a.gate[n] = make(chan struct{})
	}
	return a.gate[n]
}

func (a *admitServer) didRun(n string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.ran[n]
}

type answer struct {
	status     int
	retryAfter string
	body       string
}

// get sends request n and returns where its answer will come.
func (a *admitServer) get(t *testing.T, n, query string) chan answer {
	out := make(chan answer, 1)
	go func() {
		resp, err := http.Get(a.URL + "/api/v1/test/slow?n=" + n + query)
		if err != nil {
			t.Error(err)
			out <- answer{}
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		out <- answer{resp.StatusCode, resp.Header.Get("Retry-After"), string(b)}
	}()
	return out
}

func (a *admitServer) waitEntered(t *testing.T, want string) {
	t.Helper()
	select {
	case n := <-a.entered:
		if n != want {
			t.Fatalf("request %s started, want %s", n, want)
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("request %s did not start", want)
	}
}

func (a *admitServer) notEntered(t *testing.T) {
	t.Helper()
	select {
	case n := <-a.entered:
		t.Fatalf("request %s started beyond the bound", n)
	case <-time.After(100 * time.Millisecond):
	}
}

// waitQueued waits until n requests wait their turn.
func (a *admitServer) waitQueued(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for len(a.s.admission.queue) != n {
		if time.Now().After(deadline) {
			t.Fatalf("%d requests waiting, want %d", len(a.s.admission.queue), n)
		}
		time.Sleep(time.Millisecond)
	}
}

func refused(t *testing.T, got answer) {
	t.Helper()
	if got.status != http.StatusServiceUnavailable || got.retryAfter == "" {
		t.Fatalf("got %d, Retry-After %q, want 503 with Retry-After: %s", got.status, got.retryAfter, got.body)
	}
	var e apiError
	if err := json.Unmarshal([]byte(got.body), &e); err != nil || e.Error.Code != "unavailable" ||
		!strings.Contains(e.Error.Message, "très sollicité") {
		t.Fatalf("refusal body %q: want code unavailable and the French message", got.body)
	}
}

// Beyond MaxInFlight requests wait, served in the order they came; beyond
// MaxQueue waiting, the next is refused at once and its handler never
// runs; the probes answer whatever the load.
func TestAdmission_BoundsWaitsInOrderAndRefusesTheExcess(t *testing.T) {
	t.Parallel()
	a := newAdmitServer(t, Admission{MaxInFlight: 2, MaxQueue: 3, MaxWait: 10 * time.Second})
	first, second := a.get(t, "1", ""), a.get(t, "2", "")
	for range 2 {
		<-a.entered
	}
	var waiting []chan answer
	for i, n := range []string{"3", "4", "5"} {
		waiting = append(waiting, a.get(t, n, ""))
		a.waitQueued(t, i+1) // each in the line before the next comes
	}
	a.notEntered(t)

	refusedAt := time.Now()
	for _, n := range []string{"6", "7", "8"} {
		refused(t, <-a.get(t, n, ""))
		if a.didRun(n) {
			t.Errorf("the refused request %s's handler ran", n)
		}
	}
	if time.Since(refusedAt) > 2*time.Second {
		t.Errorf("the refusals took %v: a full line must refuse without waiting", time.Since(refusedAt))
	}
	// The log says refusals happen, not a line for each: they come by
	// the thousand when they come.
	logs := a.logs.String()
	if n := strings.Count(logs, `"msg":"requests refused: too many at once"`); n != 1 || !strings.Contains(logs, `"refused":1`) {
		t.Errorf("%d summary lines of refusals, want one counting the first:\n%s", n, logs)
	}
	if strings.Contains(logs, `"status":503`) {
		t.Errorf("a refusal got a request line of its own:\n%s", logs)
	}
	resp, err := http.Get(a.URL + "/healthz")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("/healthz while the server is full: %v %v", resp, err)
	}
	resp.Body.Close()
	metrics, err := http.Get(a.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(metrics.Body)
	metrics.Body.Close()
	for _, want := range []string{"parcours_http_requests_in_flight 2", "parcours_http_requests_waiting 3"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}

	// Each place given back goes to the oldest waiting request.
	close(a.gateOf("1"))
	a.waitEntered(t, "3")
	close(a.gateOf("2"))
	a.waitEntered(t, "4")
	close(a.gateOf("3"))
	a.waitEntered(t, "5")
	for _, n := range []string{"4", "5"} {
		close(a.gateOf(n))
	}
	for _, c := range append([]chan answer{first, second}, waiting...) {
		if got := <-c; got.status != http.StatusOK {
			t.Errorf("a request served in its turn: %d %s", got.status, got.body)
		}
	}
}

// A request that would wait longer than MaxWait is refused and never
// run, and a request that gives its place back (a long poll) lets the
// next one in.
func TestAdmission_MaxWaitAndReleaseSlot(t *testing.T) {
	t.Parallel()
	a := newAdmitServer(t, Admission{MaxInFlight: 1, MaxQueue: 4, MaxWait: 150 * time.Millisecond})
	first := a.get(t, "1", "")
	a.waitEntered(t, "1")
	start := time.Now()
	refused(t, <-a.get(t, "2", ""))
	if d := time.Since(start); d < 150*time.Millisecond {
		t.Errorf("refused after %v, before MaxWait", d)
	}
	if a.didRun("2") {
		t.Error("the request refused after waiting ran")
	}
	if len(a.s.admission.queue) != 0 {
		t.Errorf("%d still counted as waiting", len(a.s.admission.queue))
	}
	// A page says it in the worker's language too.
	resp, err := http.Get(a.URL + "/test/page")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" ||
		!strings.Contains(string(page), "très sollicité") || a.didRun("page") {
		t.Errorf("page: %d, Retry-After %q, ran %v: %.300s", resp.StatusCode, resp.Header.Get("Retry-After"), a.didRun("page"), page)
	}
	close(a.gateOf("1"))
	if got := <-first; got.status != http.StatusOK {
		t.Fatalf("first: %d", got.status)
	}

	poll := a.get(t, "poll", "&step_aside=1")
	a.waitEntered(t, "poll")
	next := a.get(t, "next", "")
	a.waitEntered(t, "next") // in, though the poll still runs
	for _, n := range []string{"poll", "next"} {
		close(a.gateOf(n))
	}
	for _, c := range []chan answer{poll, next} {
		if got := <-c; got.status != http.StatusOK {
			t.Errorf("%d %s", got.status, got.body)
		}
	}
	if n := len(a.s.admission.slots); n != 0 {
		t.Errorf("%d places still taken after every request ended", n)
	}
}
