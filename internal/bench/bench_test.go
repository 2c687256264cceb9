package bench

import (
	"context"
	"database/sql"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

func TestLoad_RefusesAnyHostButLoopback(t *testing.T) {
	sc := Scenario{Name: "x", Next: func(uint64, *vegeta.Target) {}}
	for _, base := range []string{"http://example.com", "http://localhost:8080", "http://10.0.0.1:80"} {
		if _, err := Load(base, "t", sc, 1, time.Millisecond); err == nil {
			t.Errorf("Load(%q) accepted a non-loopback target", base)
		}
	}
}

func TestLoad_CountsRequestsAndSendsTheToken(t *testing.T) {
	var bad atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer secret" || !strings.HasPrefix(r.URL.Path, "/p/") {
			bad.Add(1)
			w.WriteHeader(http.StatusUnauthorized)
		}
	}))
	defer srv.Close()
	sc := Scenario{Name: "get", Next: func(n uint64, t *vegeta.Target) { t.URL = "/p/" + string(rune('a'+n%26)) }}
	l, err := Load(srv.URL, "secret", sc, 4, 300*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if l.Requests == 0 || l.Success != 1 || bad.Load() != 0 {
		t.Fatalf("requests %d, success %.2f, bad %d", l.Requests, l.Success, bad.Load())
	}
	if l.P50 > l.P99 {
		t.Fatalf("p50 %s above p99 %s", l.P50, l.P99)
	}
}

func TestFloor_ReportsErrors(t *testing.T) {
	calls := 0
	sc := Scenario{SQL: func(context.Context, *sql.DB, uint64) error {
		calls++
		return sql.ErrConnDone
	}}
	l, err := Floor(context.Background(), nil, sc, 1, 20*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if calls == 0 || l.Success != 0 || len(l.Errors) == 0 {
		t.Fatalf("calls %d, success %.0f, errors %v: want the failures reported", calls, l.Success, l.Errors)
	}
}

func TestProcMemory_OfThisProcess(t *testing.T) {
	rss, peak, err := ProcMemory(os.Getpid())
	if err != nil {
		t.Skipf("no /proc: %v", err)
	}
	if rss <= 0 || peak < rss {
		t.Fatalf("rss %d, peak %d: want 0 < rss ≤ peak", rss, peak)
	}
	if m := ThisMachine(); m.Cores < 1 {
		t.Fatalf("machine %+v", m)
	}
}

func TestAttack_OpenLoopSendsAtTheRate(t *testing.T) {
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer srv.Close()
	sc := Scenario{Name: "rate", Next: func(n uint64, t *vegeta.Target) { t.URL = "/" }}
	l, err := Attack(srv.URL, "t", sc, 2, 50, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	// 50/s for one second: vegeta sends on schedule, not as fast as it
	// can (a closed loop on a loopback server would send thousands).
	if l.Requests < 40 || l.Requests > 60 || hits.Load() != int64(l.Requests) {
		t.Fatalf("%d requests (%d received) at 50/s for 1 s", l.Requests, hits.Load())
	}
}

func TestProcCPU_GrowsWithWork(t *testing.T) {
	before, err := ProcCPU(os.Getpid())
	if err != nil {
		t.Skipf("no /proc: %v", err)
	}
	// Spin until the kernel has counted at least two more ticks: on a
	// busy machine that takes longer than the CPU time itself.
	after, deadline := before, time.Now().Add(30*time.Second)
	for after < before+20*time.Millisecond && time.Now().Before(deadline) {
		for i := 0; i < 1_000_000; i++ {
			_ = i * i
		}
		if after, err = ProcCPU(os.Getpid()); err != nil {
			t.Fatal(err)
		}
	}
	if after < before+20*time.Millisecond {
		t.Fatalf("CPU %s then %s after 30 s of spinning", before, after)
	}
	if l := LoadAvg(); l == "?" {
		t.Fatal("no load average")
	}
}

func TestAttackWindows_DropsTheWarmUpAndCutsWindows(t *testing.T) {
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer srv.Close()
	sc := Scenario{Name: "rate", Next: func(n uint64, t *vegeta.Target) { t.URL = "/" }}
	// 100/s: 0.5 s of warm-up (~50 requests, not counted), then three
	// windows of 0.5 s (~50 each).
	ws, err := AttackWindows(srv.URL, "t", sc, 2, 100, 500*time.Millisecond, 500*time.Millisecond, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(ws) != 3 {
		t.Fatalf("%d windows, want 3", len(ws))
	}
	var counted uint64
	for i, w := range ws {
		if w.Lat.Requests < 35 || w.Lat.Requests > 65 || w.Lat.Success != 1 || w.Load == "" {
			t.Errorf("window %d: %d requests, success %.2f, load %q: want ~50, all answered, a load", i, w.Lat.Requests, w.Lat.Success, w.Load)
		}
		counted += w.Lat.Requests
	}
	if sent := hits.Load(); sent < int64(counted)+35 {
		t.Fatalf("%d requests sent, %d counted: want the warm-up's ~50 sent and not counted", sent, counted)
	}
	if _, err := AttackWindows(srv.URL, "t", sc, 2, 0, 0, time.Second, 1); err == nil {
		t.Fatal("windows of a closed loop accepted")
	}
}

// An attack closes its connections when it ends, closed loop and open
// loop alike: a scenario's clients must not stay on the server, idle, as
// the next scenario's load.
func TestAttack_ClosesItsConnectionsWhenItEnds(t *testing.T) {
	var open atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		switch s {
		case http.StateNew:
			open.Add(1)
		case http.StateClosed, http.StateHijacked:
			open.Add(-1)
		}
	}
	srv.Start()
	defer srv.Close()
	sc := Scenario{Name: "conns", Next: func(n uint64, t *vegeta.Target) { t.URL = "/" }}
	for _, rate := range []float64{0, 200} {
		if _, err := Attack(srv.URL, "t", sc, 4, rate, 300*time.Millisecond); err != nil {
			t.Fatal(err)
		}
		// The server sees the close shortly after the client closed:
		// wait for it, generously (no timing is measured).
		for deadline := time.Now().Add(10 * time.Second); open.Load() > 0 && time.Now().Before(deadline); {
			time.Sleep(10 * time.Millisecond)
		}
		if n := open.Load(); n != 0 {
			t.Fatalf("rate %v: %d connections still open on the server after the attack", rate, n)
		}
	}
}
