package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"parcours/internal/bench"
)

// verifyEvents is the chain length of the audit verify goal (issue 4,
// kept by issue 17): a million events checked in at most ten seconds.
const verifyEvents = 1_000_000

// auditVerify is `parcours audit verify` on a chain of verifyEvents
// events of one backend: BenchmarkAuditVerify (internal/store).
type auditVerify struct {
	events  int
	seconds float64 // per verification
	load    string
	err     string
}

// goTestBench runs one Go benchmark of internal/store once per b.N
// round for benchtime, against the run's PostgreSQL server; it returns
// the output and the load average at its end.
func goTestBench(ctx context.Context, c config, pattern, benchtime string, env ...string) (string, string, error) {
	cmd := exec.CommandContext(ctx, "go", "test", "-run", "^$", "-bench", pattern,
		"-benchtime", benchtime, "-count", "1", "-timeout", "20m", "./internal/store/")
	cmd.Env = append(append(os.Environ(), "PARCOURS_TEST_POSTGRES="+c.pgAdmin), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		err = fmt.Errorf("%v: %s", err, lastLine(string(out)))
	}
	return string(out), bench.LoadAvg(), err
}

// runAuditVerify verifies the chain once (the chain is loaded first, not
// timed).
func runAuditVerify(ctx context.Context, c config, backend string) *auditVerify {
	logf("%s: audit verify of %d events (go test -bench BenchmarkAuditVerify)", backend, verifyEvents)
	out, load, err := goTestBench(ctx, c, "^BenchmarkAuditVerify$/^"+backend+"/", "1x",
		"PARCOURS_BENCH_AUDIT_EVENTS="+strconv.Itoa(verifyEvents))
	v := parseVerify(out)
	v.load = load
	if err != nil {
		v.err = err.Error()
	}
	return v
}

// parseVerify reads a result line such as
// "BenchmarkAuditVerify/sqlite/1000000-2  1  2345678901 ns/op  426000 events/s".
func parseVerify(out string) *auditVerify {
	v := &auditVerify{}
	for _, l := range strings.Split(out, "\n") {
		f := strings.Fields(l)
		if len(f) < 4 || !strings.HasPrefix(f[0], "BenchmarkAuditVerify/") {
			continue
		}
		parts := strings.Split(f[0], "/")
		if len(parts) != 3 {
			continue
		}
		n, _, _ := strings.Cut(parts[2], "-") // the -GOMAXPROCS suffix
		v.events, _ = strconv.Atoi(n)
		for i := 2; i < len(f); i++ {
			if f[i] == "ns/op" {
				if ns, err := strconv.ParseFloat(f[i-1], 64); err == nil {
					v.seconds = ns / 1e9
				}
			}
		}
	}
	return v
}

// goal is the row of the goal table; n names the backend.
func (v *auditVerify) goal(n string) goal {
	what, target := fmt.Sprintf("audit verify, %s events", thousands(verifyEvents)), "≤ 10 s"
	if v == nil {
		return goal{what + n, target, "not run", "not measured"}
	}
	if v.seconds <= 0 || v.events <= 0 {
		why := "the benchmark gave no figure"
		if v.err != "" {
			why = v.err
		}
		return goal{what + n, target, "not measured: " + why, "not measured"}
	}
	d := time.Duration(v.seconds * float64(time.Second))
	return goal{what + n, target,
		fmt.Sprintf("%s for %s events, %.0f events/s (load %s)", d.Round(10*time.Millisecond), thousands(float64(v.events)), float64(v.events)/v.seconds, v.load),
		verdict(v.err == "" && v.events >= verifyEvents && d <= 10*time.Second)}
}
