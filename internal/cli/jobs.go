package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"time"

	"parcours/internal/app"
	"parcours/internal/jobs"
	"parcours/internal/parcours"
)

// newScheduler returns the scheduler of a's background jobs: the task
// reminders and the session clean-up, shared by the instances on one
// database, and the audit purge and anchor of this instance (audit.go).
func newScheduler(c *Common, a *app.App) (*jobs.Scheduler, error) {
	auditJob, err := accessJob(c, a)
	if err != nil {
		return nil, err
	}
	s := jobs.New(a.DB, a.Config.Log)
	// The first look at each job comes one to two minutes after start-up,
	// not at once: the server answers its first requests and builds its
	// search index first, and the jobs of a département's database (the
	// retention plan reads every file) do not all start in the same
	// second. What is due stays due: the leases' next run decides, so a
	// restart neither skips nor repeats a daily job.
	s.Delay = StartDelay
	system := parcours.SystemActor()
	// Hourly, so the first run after midnight (Paris) reminds the day's
	// tasks early; task_reminders keeps it to one per task and day.
	s.Add(jobs.Job{Name: "task-reminders", Every: time.Hour, Run: func(ctx context.Context) (int, error) {
		return a.CaseFile.SendTaskReminders(ctx, system)
	}})
	// Hourly too: a request due yesterday is announced late this morning.
	s.Add(jobs.Job{Name: "data-requests-overdue", Every: time.Hour, Run: func(ctx context.Context) (int, error) {
		return a.DataRights.NotifyOverdue(ctx, system)
	}})
	// Mandates and domiciliations ending within 30 days: their worker or
	// referent is reminded once per object and end date (package casefile).
	s.Add(jobs.Job{Name: "renewal-reminders", Every: 24 * time.Hour, Run: func(ctx context.Context) (int, error) {
		return a.CaseFile.SendRenewalReminders(ctx, system)
	}})
	// Referrals: expire those past their expiry, remind the unanswered
	// ones after the sending organisation's delay (package referral).
	s.Add(jobs.Job{Name: "referral-reminders", Every: time.Hour, Run: func(ctx context.Context) (int, error) {
		return a.Referrals.SendReminders(ctx, system)
	}})
	// The outbox: queued e-mails and SMS, each claimed, sent and marked
	// (package outbox: never sent twice after a crash).
	s.Add(jobs.Job{Name: "outbox", Every: time.Minute, Timeout: 10 * time.Minute, Run: func(ctx context.Context) (int, error) {
		return a.Outbox.Deliver(ctx, system)
	}})
	// Appointment reminders: queued into the outbox when their delay
	// before the appointment is reached (once per appointment and delay).
	s.Add(jobs.Job{Name: "appointment-reminders", Every: 5 * time.Minute, Run: func(ctx context.Context) (int, error) {
		return a.Outbox.ScheduleReminders(ctx, system)
	}})
	// Background exports: write the queued ones (each claimed), delete
	// the files past their expiry (package stats).
	s.Add(jobs.Job{Name: "exports", Every: time.Minute, Timeout: time.Hour, Run: func(ctx context.Context) (int, error) {
		return a.Stats.RunExports(ctx, system)
	}})
	s.Add(jobs.Job{Name: "session-cleanup", Every: 15 * time.Minute, Run: func(ctx context.Context) (int, error) {
		n, err := a.Auth.CleanUp(ctx, system)
		return int(n.Sessions + n.Throttles), err
	}})
	s.Add(auditJob)
	s.Add(retentionJob(a))
	return s, nil
}

// StartDelay is the start-up delay of serve's jobs (jobs.Scheduler.Delay):
// each job's first look comes between StartDelay and twice that after
// start-up.
var StartDelay = time.Minute

// startJobs runs a's background jobs until ctx ends; the returned stop
// ends them and waits for the runs in progress.
func startJobs(ctx context.Context, c *Common, a *app.App) (stop func(), err error) {
	s, err := newScheduler(c, a)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { s.Run(ctx); close(done) }()
	return func() { cancel(); <-done }, nil
}

func init() {
	var name string
	register(&command{
		name:    "jobs run-once",
		summary: "Run the background jobs (or one, with --job) once now, then exit.",
		flags: func(fs *flag.FlagSet, c *Common) {
			fs.StringVar(&name, "job", "", "run only this job: task-reminders, renewal-reminders, referral-reminders, data-requests-overdue, appointment-reminders, outbox, exports, session-cleanup, audit or retention-plan")
			accessFlags(fs, c)
		},
		run: func(ctx context.Context, e *env, c *Common, args []string) error {
			if len(args) > 0 {
				return &usageError{"jobs run-once takes no arguments"}
			}
			a, err := openApp(ctx, e, c)
			if err != nil {
				return err
			}
			defer a.Close()
			s, err := newScheduler(c, a)
			if err != nil {
				return err
			}
			names := s.Names()
			if name != "" {
				names = []string{name}
			}
			var failed error
			for _, n := range names {
				ran, err := s.RunOnce(ctx, n)
				switch {
				case errors.Is(err, jobs.ErrUnknownJob):
					return &usageError{fmt.Sprintf("no job named %q (jobs: %v)", n, s.Names())}
				case err != nil:
					fmt.Fprintf(e.stdout, "%s: failed\n", n)
					failed = errors.Join(failed, fmt.Errorf("job %s: %w", n, err))
				case !ran:
					fmt.Fprintf(e.stdout, "%s: skipped, running on another instance\n", n)
				default:
					fmt.Fprintf(e.stdout, "%s: done\n", n)
				}
			}
			return failed
		},
	})
}
