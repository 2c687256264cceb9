package cli

import (
	"bytes"
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a log the server writes while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// serveUntil runs serve with args until cond holds on its log or the
// database (at most 20 s), then stops it and returns the log.
func serveUntil(t *testing.T, dbPath string, cond func(log string) bool, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var log syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0", "--database", dbPath,
			"--data-dir", filepath.Join(filepath.Dir(dbPath), "data"), "--search-index=false"}, args...), strings.NewReader(""), &log, &log)
	}()
	deadline := time.Now().Add(20 * time.Second)
	for !cond(log.String()) && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve: %v\n%s", err, log.String())
	}
	return log.String()
}

// jobRuns counts the jobs that recorded a run in the database; -1 while
// it cannot be read yet (serve still migrating it).
func jobRuns(dbPath string) int {
	db, err := sql.Open("sqlite", "file:"+dbPath+"?mode=ro")
	if err != nil {
		return -1
	}
	defer db.Close()
	var n int
	if err := db.QueryRow("SELECT COUNT(*) FROM job_leases WHERE last_run_at > 0").Scan(&n); err != nil {
		return -1
	}
	return n
}

// serve --jobs=false (PARCOURS_JOBS=off) serves without running the
// background jobs, and says so in its log; by default it runs them.
func TestServe_JobsCanBeLeftToAnotherInstance(t *testing.T) {
	old := StartDelay
	StartDelay = 0 // each job's first look at once
	t.Cleanup(func() { StartDelay = old })

	on := filepath.Join(t.TempDir(), "on.db")
	log := serveUntil(t, on, func(log string) bool { return strings.Contains(log, "listening") && jobRuns(on) > 0 })
	if jobRuns(on) <= 0 || strings.Contains(log, "background jobs off") {
		t.Fatalf("by default serve runs its jobs: %d recorded\n%s", jobRuns(on), log)
	}

	off := filepath.Join(t.TempDir(), "off.db")
	var listening time.Time
	log = serveUntil(t, off, func(log string) bool {
		if listening.IsZero() && strings.Contains(log, "listening") {
			listening = time.Now()
		}
		// As long again as the jobs took to run with them on.
		return !listening.IsZero() && time.Since(listening) > 2*time.Second
	}, "--jobs=false")
	if !strings.Contains(log, "background jobs off") {
		t.Errorf("serve does not say its jobs are off:\n%s", log)
	}
	if n := jobRuns(off); n != 0 {
		t.Errorf("serve --jobs=false ran %d job(s)", n)
	}
}
