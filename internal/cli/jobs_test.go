package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"parcours/internal/store/storetest"
)

func TestJobsRunOnce_RunsEveryJobOrTheNamedOne(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(d.String(), func(t *testing.T) {
			ctx := context.Background()
			dsn, dir := storetest.DSN(t, d), t.TempDir()
			run := func(args ...string) (string, error) {
				var out, errb bytes.Buffer
				err := Run(ctx, append([]string{"jobs", "run-once", "--database", dsn, "--data-dir", dir}, args...), nil, &out, &errb)
				return out.String(), err
			}
			out, err := run()
			if err != nil {
				t.Fatalf("all jobs: %v\n%s", err, out)
			}
			for _, want := range []string{"task-reminders: done", "session-cleanup: done", "audit: done"} {
				if !strings.Contains(out, want) {
					t.Errorf("all jobs: %q missing from %q", want, out)
				}
			}
			// Forced: the same job runs again right away, and alone.
			out, err = run("--job", "session-cleanup")
			if err != nil || out != "session-cleanup: done\n" {
				t.Errorf("--job session-cleanup: %q, %v", out, err)
			}
			if _, err := run("--job", "nope"); err == nil || ExitCode(err) != 2 || !strings.Contains(Message(err), "task-reminders") {
				t.Errorf("unknown job: %v, want a usage error listing the jobs", err)
			}
		})
	}
}

func TestJobsRunOnce_Help(t *testing.T) {
	var out bytes.Buffer
	if err := Run(context.Background(), []string{"jobs", "run-once", "--help"}, nil, &out, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "-job") || !strings.Contains(out.String(), "background jobs") {
		t.Errorf("help: %q", out.String())
	}
}
