// Package jobs runs Parcours's background jobs (task reminders, session
// clean-up, the audit purge): named jobs, each with an interval, run by
// every "parcours serve" instance and, for the shared ones, by only one
// instance at a time thanks to a lease in the database.
//
// The package never imports internal/store: it reaches the lease through
// the Leaser interface (implemented by *store.DB) and the data through the
// domain services the jobs' Run functions call. It logs job names,
// counts and durations only, never personal data.
package jobs

import (
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	mrand "math/rand/v2"
	"os"
	"slices"
	"sync"
	"time"
)

// Leaser hands out the lease of a job among instances sharing a database.
type Leaser interface {
	// AcquireJobLease makes holder the runner of job name until now+ttl
	// and reports whether it did: false while another holder's lease is
	// unexpired or, unless force, while the job is not due yet.
	AcquireJobLease(ctx context.Context, name, holder string, now time.Time, ttl time.Duration, force bool) (bool, error)
	// ReleaseJobLease ends holder's lease, recording the run at now and
	// when the job is next due.
	ReleaseJobLease(ctx context.Context, name, holder string, now, next time.Time) error
}

// Job is a named piece of background work.
type Job struct {
	// Name identifies the job in the lease table, the logs and
	// "parcours jobs run-once --job".
	Name string
	// Every is the interval between two runs (across instances, unless
	// Local).
	Every time.Duration
	// Timeout bounds one run and is the length of its lease, so an
	// instance that dies mid-run holds the job no longer than this. 30
	// minutes when zero.
	Timeout time.Duration
	// Local jobs run on every instance, without a lease: their work is
	// the instance's own (the audit anchor in its data directory).
	Local bool
	// Run does the work and returns how many items it handled, for the
	// log. Errors must not carry personal data: they are logged.
	Run func(ctx context.Context) (int, error)
}

// Scheduler runs jobs. Set its fields before Run or RunOnce.
type Scheduler struct {
	Lease Leaser
	Log   *slog.Logger
	// Now is the clock of the leases; tests may replace it.
	Now func() time.Time
	// Holder names this instance in the lease table.
	Holder string
	// Poll is how often an instance looks whether a shared job is due
	// (one UPDATE per job): a minute when zero.
	Poll time.Duration
	// Retry is how soon a failed job is tried again: 10 minutes when zero
	// (or Every, when shorter).
	Retry time.Duration
	// Delay is how long after Run starts each job is first looked at,
	// plus a random jitter of up to Delay again, different for each job
	// (zero: at once). A server that starts serves its first requests
	// and builds its search index before the jobs come, and a restart of
	// several instances does not bring every job at the same instant;
	// the lease's next run still decides whether a shared job is due.
	Delay time.Duration

	mu   sync.Mutex
	jobs []Job
}

// New returns a scheduler on lease, logging to log, with a holder name
// unique to this process.
func New(lease Leaser, log *slog.Logger) *Scheduler {
	host, _ := os.Hostname()
	return &Scheduler{
		Lease:  lease,
		Log:    log,
		Now:    func() time.Time { return time.Now().UTC() },
		Holder: fmt.Sprintf("%s/%d/%s", host, os.Getpid(), rand.Text()[:8]),
	}
}

// Add registers j. A second job of the same name, an empty name or a
// non-positive interval is a programming error: it panics.
func (s *Scheduler) Add(j Job) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if j.Name == "" || j.Every <= 0 || j.Run == nil {
		panic("jobs: job needs a name, an interval and a Run function")
	}
	if slices.ContainsFunc(s.jobs, func(o Job) bool { return o.Name == j.Name }) {
		panic("jobs: two jobs named " + j.Name)
	}
	if j.Timeout <= 0 {
		j.Timeout = 30 * time.Minute
	}
	s.jobs = append(s.jobs, j)
}

// Names returns the registered jobs' names, in the order they were added.
func (s *Scheduler) Names() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, len(s.jobs))
	for i, j := range s.jobs {
		out[i] = j.Name
	}
	return out
}

func (s *Scheduler) job(name string) (Job, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	i := slices.IndexFunc(s.jobs, func(j Job) bool { return j.Name == name })
	if i < 0 {
		return Job{}, false
	}
	return s.jobs[i], true
}

// ErrUnknownJob is returned by RunOnce for a name no job has.
var ErrUnknownJob = fmt.Errorf("unknown job")

// RunOnce runs job name now, even if it is not due, unless another
// instance is running it: then it returns false and does nothing.
func (s *Scheduler) RunOnce(ctx context.Context, name string) (bool, error) {
	j, ok := s.job(name)
	if !ok {
		return false, fmt.Errorf("%w %q", ErrUnknownJob, name)
	}
	return s.tick(ctx, j, true)
}

// Run runs every job when due until ctx ends, then waits for the runs in
// progress to stop (their context is ctx) and returns.
func (s *Scheduler) Run(ctx context.Context) {
	s.mu.Lock()
	list := slices.Clone(s.jobs)
	s.mu.Unlock()
	var wg sync.WaitGroup
	for _, j := range list {
		wg.Go(func() { s.loop(ctx, j) })
	}
	wg.Wait()
}

// loop runs j after the start-up delay and then whenever it is due.
func (s *Scheduler) loop(ctx context.Context, j Job) {
	wait := j.Every
	if !j.Local {
		wait = min(s.poll(), j.Every)
	}
	t := time.NewTimer(s.firstWait())
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		// Errors are logged by tick; the loop goes on.
		_, _ = s.tick(ctx, j, false)
		t.Reset(wait)
	}
}

// firstWait is the start-up delay of one job: Delay plus a jitter in
// [0, Delay).
func (s *Scheduler) firstWait() time.Duration {
	if s.Delay <= 0 {
		return 0
	}
	return s.Delay + time.Duration(mrand.Int64N(int64(s.Delay)))
}

func (s *Scheduler) poll() time.Duration {
	if s.Poll > 0 {
		return s.Poll
	}
	return time.Minute
}

// tick runs j once if this instance gets its lease (always, for a local
// job), and logs the outcome.
func (s *Scheduler) tick(ctx context.Context, j Job, force bool) (bool, error) {
	start := s.Now()
	if !j.Local {
		won, err := s.Lease.AcquireJobLease(ctx, j.Name, s.Holder, start, j.Timeout, force)
		if err != nil {
			if ctx.Err() == nil {
				s.Log.Error("job lease", "job", j.Name, "err", err.Error())
			}
			return false, err
		}
		if !won {
			return false, nil
		}
	}
	rctx, cancel := context.WithTimeout(ctx, j.Timeout)
	n, err := j.Run(rctx)
	cancel()
	end := s.Now()
	next := start.Add(j.Every)
	if err != nil {
		next = start.Add(min(j.Every, s.retry()))
		if ctx.Err() == nil {
			s.Log.Error("job failed", "job", j.Name, "err", err.Error(), "ms", end.Sub(start).Milliseconds())
		}
	} else {
		s.Log.Info("job done", "job", j.Name, "items", n, "ms", end.Sub(start).Milliseconds())
	}
	if !j.Local {
		// Release even when ctx ended (server stopping): the next
		// instance must not wait for the lease to expire.
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if rerr := s.Lease.ReleaseJobLease(rctx, j.Name, s.Holder, end, next); rerr != nil {
			s.Log.Error("job lease release", "job", j.Name, "err", rerr.Error())
			if err == nil {
				err = rerr
			}
		}
	}
	return true, err
}

func (s *Scheduler) retry() time.Duration {
	if s.Retry > 0 {
		return s.Retry
	}
	return 10 * time.Minute
}
