package jobs_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"parcours/internal/jobs"
	"parcours/internal/store"
	"parcours/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// twoInstances opens the same fresh database twice, as two "parcours
// serve" processes would (two pools), and returns a scheduler on each.
func twoInstances(t *testing.T, d store.Dialect) (*store.DB, *jobs.Scheduler, *jobs.Scheduler) {
	t.Helper()
	dsn := storetest.DSN(t, d)
	var dbs [2]*store.DB
	for i := range dbs {
		db, err := store.Open(t.Context(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		if _, err := db.Migrate(t.Context()); err != nil {
			t.Fatal(err)
		}
		dbs[i] = db
	}
	s1, s2 := jobs.New(dbs[0], quiet), jobs.New(dbs[1], quiet)
	if s1.Holder == s2.Holder {
		t.Fatalf("two schedulers share the holder name %q", s1.Holder)
	}
	return dbs[0], s1, s2
}

var t0 = time.Date(2026, 11, 25, 6, 0, 0, 0, time.UTC)

func clock(at time.Time) func() time.Time { return func() time.Time { return at } }

func each(t *testing.T, fn func(t *testing.T, d store.Dialect)) {
	for _, d := range storetest.Dialects {
		t.Run(d.String(), func(t *testing.T) { fn(t, d) })
	}
}

func TestLease_OtherInstanceCannotRunAJobInProgress(t *testing.T) {
	each(t, func(t *testing.T, d store.Dialect) {
		_, s1, s2 := twoInstances(t, d)
		s1.Now, s2.Now = clock(t0), clock(t0)
		var ranOn2 int
		var whileRunning bool
		var errWhile error
		s2.Add(jobs.Job{Name: "reminders", Every: time.Hour, Run: func(context.Context) (int, error) { ranOn2++; return 0, nil }})
		s1.Add(jobs.Job{Name: "reminders", Every: time.Hour, Run: func(ctx context.Context) (int, error) {
			// While instance 1 holds the job, instance 2 is told no,
			// even when forced.
			whileRunning, errWhile = s2.RunOnce(ctx, "reminders")
			return 1, nil
		}})
		ran, err := s1.RunOnce(t.Context(), "reminders")
		if !ran || err != nil {
			t.Fatalf("instance 1: ran %v, %v", ran, err)
		}
		if whileRunning || errWhile != nil || ranOn2 != 0 {
			t.Fatalf("instance 2 during instance 1's run: ran %v (%d), %v", whileRunning, ranOn2, errWhile)
		}
		// Released: the operator's forced run goes through.
		if ran, err := s2.RunOnce(t.Context(), "reminders"); !ran || err != nil || ranOn2 != 1 {
			t.Fatalf("instance 2 after the release: ran %v (%d), %v", ran, ranOn2, err)
		}
		if _, err := s2.RunOnce(t.Context(), "nope"); !errors.Is(err, jobs.ErrUnknownJob) {
			t.Errorf("unknown job: %v", err)
		}
	})
}

func TestLease_ConcurrentRunsAcrossInstancesNeverOverlap(t *testing.T) {
	each(t, func(t *testing.T, d store.Dialect) {
		db, s1, s2 := twoInstances(t, d)
		var running, overlaps, runs atomic.Int32
		job := func(ctx context.Context) (int, error) {
			if running.Add(1) > 1 {
				overlaps.Add(1)
			}
			defer running.Add(-1)
			runs.Add(1)
			// A few round trips, so a run lasts long enough for the
			// others to try their luck meanwhile.
			for range 3 {
				if err := db.Ping(ctx); err != nil {
					return 0, err
				}
			}
			return 0, nil
		}
		for _, s := range []*jobs.Scheduler{s1, s2} {
			s.Add(jobs.Job{Name: "cleanup", Every: time.Minute, Run: job})
		}
		var wg sync.WaitGroup
		var failures atomic.Int32
		for i := range 8 {
			s := []*jobs.Scheduler{s1, s2}[i%2]
			wg.Go(func() {
				for range 5 {
					if _, err := s.RunOnce(t.Context(), "cleanup"); err != nil {
						failures.Add(1)
					}
				}
			})
		}
		wg.Wait()
		if overlaps.Load() != 0 || failures.Load() != 0 {
			t.Fatalf("%d overlapping run(s), %d failure(s)", overlaps.Load(), failures.Load())
		}
		if runs.Load() == 0 {
			t.Fatal("no run at all")
		}
	})
}

// watch wraps a leaser and calls after with the outcome of each
// acquisition: the test stops the scheduler's loop from there.
type watch struct {
	jobs.Leaser
	after func(won bool)
}

func (w watch) AcquireJobLease(ctx context.Context, name, holder string, now time.Time, ttl time.Duration, force bool) (bool, error) {
	won, err := w.Leaser.AcquireJobLease(ctx, name, holder, now, ttl, force)
	w.after(won)
	return won, err
}

func TestLease_LoopRunsAJobOnlyWhenDueAcrossInstances(t *testing.T) {
	each(t, func(t *testing.T, d store.Dialect) {
		_, s1, s2 := twoInstances(t, d)
		ran := map[string]int{}
		var mu sync.Mutex
		count := func(who string) func(context.Context) (int, error) {
			return func(context.Context) (int, error) { mu.Lock(); ran[who]++; mu.Unlock(); return 0, nil }
		}
		s1.Add(jobs.Job{Name: "reminders", Every: time.Hour, Run: count("s1")})
		s2.Add(jobs.Job{Name: "reminders", Every: time.Hour, Run: count("s2")})
		s1.Now = clock(t0)
		if ok, err := s1.RunOnce(t.Context(), "reminders"); !ok || err != nil {
			t.Fatalf("instance 1: %v, %v", ok, err)
		}
		// Instance 2 starts half an hour later: its first look finds the
		// job done recently and does not run it.
		loopOnce := func(at time.Time) bool {
			ctx, cancel := context.WithCancel(t.Context())
			var won bool
			s2.Lease = watch{Leaser: s2.Lease, after: func(w bool) { won = w; cancel() }}
			defer func() { s2.Lease = s2.Lease.(watch).Leaser }()
			s2.Now = clock(at)
			s2.Run(ctx)
			return won
		}
		if loopOnce(t0.Add(30 * time.Minute)) {
			t.Fatal("instance 2 ran a job that instance 1 ran half an hour before")
		}
		if !loopOnce(t0.Add(61 * time.Minute)) {
			t.Fatal("instance 2 did not run the job once due")
		}
		if ran["s1"] != 1 || ran["s2"] != 1 {
			t.Fatalf("runs: %v", ran)
		}
	})
}

func TestLease_ExpiredLeaseOfADeadInstanceIsTakenOver(t *testing.T) {
	each(t, func(t *testing.T, d store.Dialect) {
		db, _, s2 := twoInstances(t, d)
		if won, err := db.AcquireJobLease(t.Context(), "reminders", "dead-instance", t0, time.Minute, false); !won || err != nil {
			t.Fatalf("first lease: %v, %v", won, err)
		}
		s2.Add(jobs.Job{Name: "reminders", Every: time.Hour, Timeout: time.Minute, Run: func(context.Context) (int, error) { return 0, nil }})
		s2.Now = clock(t0.Add(30 * time.Second))
		if ran, err := s2.RunOnce(t.Context(), "reminders"); ran || err != nil {
			t.Fatalf("lease still held: ran %v, %v", ran, err)
		}
		s2.Now = clock(t0.Add(2 * time.Minute))
		if ran, err := s2.RunOnce(t.Context(), "reminders"); !ran || err != nil {
			t.Fatalf("lease expired: ran %v, %v", ran, err)
		}
	})
}

func TestFailedJob_IsRetriedSoonerThanItsInterval(t *testing.T) {
	each(t, func(t *testing.T, d store.Dialect) {
		_, s1, _ := twoInstances(t, d)
		fail := true
		s1.Add(jobs.Job{Name: "reminders", Every: 24 * time.Hour, Run: func(context.Context) (int, error) {
			if fail {
				return 0, errors.New("boom")
			}
			return 0, nil
		}})
		s1.Now = clock(t0)
		if ran, err := s1.RunOnce(t.Context(), "reminders"); !ran || err == nil {
			t.Fatalf("failing run: %v, %v", ran, err)
		}
		// 11 minutes later (the retry delay is 10): due again.
		fail = false
		if won, err := s1.Lease.AcquireJobLease(t.Context(), "reminders", s1.Holder, t0.Add(11*time.Minute), time.Minute, false); !won || err != nil {
			t.Fatalf("failed job not due again after the retry delay: %v, %v", won, err)
		}
	})
}

func TestRun_StopsOnCancelAndReleasesTheLease(t *testing.T) {
	each(t, func(t *testing.T, d store.Dialect) {
		_, s1, s2 := twoInstances(t, d)
		s1.Now, s2.Now = clock(t0), clock(t0)
		started := make(chan struct{})
		s1.Add(jobs.Job{Name: "reminders", Every: time.Hour, Run: func(ctx context.Context) (int, error) {
			close(started)
			<-ctx.Done() // a long job that honours its context
			return 0, ctx.Err()
		}})
		s2.Add(jobs.Job{Name: "reminders", Every: time.Hour, Run: func(context.Context) (int, error) { return 0, nil }})
		ctx, cancel := context.WithCancel(t.Context())
		stopped := make(chan struct{})
		go func() { s1.Run(ctx); close(stopped) }()
		<-started
		if ran, _ := s2.RunOnce(t.Context(), "reminders"); ran {
			t.Fatal("instance 2 ran the job while instance 1 was running it")
		}
		cancel()
		<-stopped // Run returns once the job in progress has stopped
		// The lease was released on the way out: no waiting for it to
		// expire (its clock has not moved).
		if ran, err := s2.RunOnce(t.Context(), "reminders"); !ran || err != nil {
			t.Fatalf("after instance 1 stopped: ran %v, %v", ran, err)
		}
	})
}

// TestDelay_FirstLookComesAfterTheStartUpDelayWithJitter: serve's jobs
// wait Delay plus a jitter below Delay before their first look, each its
// own (a restarted instance does not run every job in its first
// seconds, nor all at the same instant); without a delay, at once.
func TestDelay_FirstLookComesAfterTheStartUpDelayWithJitter(t *testing.T) {
	s := jobs.New(nil, quiet)
	if w := s.FirstWait(); w != 0 {
		t.Fatalf("no delay: first wait %s, want 0", w)
	}
	s.Delay = time.Minute
	seen := map[time.Duration]bool{}
	for range 50 {
		w := s.FirstWait()
		if w < time.Minute || w >= 2*time.Minute {
			t.Fatalf("first wait %s, want in [1m, 2m)", w)
		}
		seen[w] = true
	}
	if len(seen) < 2 {
		t.Fatalf("50 first waits all equal (%v): no jitter", seen)
	}
}
