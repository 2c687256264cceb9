package main

import (
	"fmt"
	"strings"
	"time"

	"parcours/internal/bench"
)

type report struct {
	cfg                   config
	loadBefore, loadAfter string
	machine               bench.Machine
	date                  time.Time
	total                 time.Duration
	backends              []*backendResult
	failed                []string
	pending               []string // backends not measured yet when the file was written
	gobench               string
	export                *exportResult
}

func (r *backendResult) scenario(prefix string) *scenarioResult {
	for i := range r.scenarios {
		if strings.HasPrefix(r.scenarios[i].name, prefix) {
			return &r.scenarios[i]
		}
	}
	return nil
}

type goal struct {
	what, target, measured string
	met                    string // "✅ met", "❌ not met", "not measured"
}

func verdict(ok bool) string {
	if ok {
		return "✅ met"
	}
	return "❌ not met"
}

func ok(l *bench.Latency) bool { return l != nil && l.Success > 0.99 }

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) }

func cpuMs(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) }

func successNote(l *bench.Latency) string {
	if l == nil || l.Success >= 0.9995 {
		return ""
	}
	return fmt.Sprintf(", success %.1f %%", 100*l.Success)
}

// The goals of issue 17, for each backend at 500,000 persons.
func (rep *report) goals() []goal {
	var gs []goal
	for _, b := range rep.backends {
		n := " (" + b.name + ")"
		if s := b.scenario("search"); s != nil {
			gs = append(gs, goal{"search, single user p95" + n, "≤ 3 ms",
				fmt.Sprintf("%s (load %s%s)", ms(s.single.lat.P95), s.single.load, successNote(s.single.lat)),
				verdict(ok(s.single.lat) && s.single.lat.P95 <= 3*time.Millisecond)})
			gs = append(gs, goal{"search capacity" + n, "≥ 1,000/s",
				fmt.Sprintf("%.0f/s with %d users (load %s%s)", s.capacity.lat.Throughput, rep.cfg.users, s.capacity.load, successNote(s.capacity.lat)),
				verdict(ok(s.capacity.lat) && s.capacity.lat.Throughput >= 1000)})
		}
		if s := b.scenario("open a file"); s != nil && s.floorCap != nil && s.floorCap.cpu > 0 {
			ratio := float64(s.capacity.cpu) / float64(s.floorCap.cpu)
			gs = append(gs, goal{fmt.Sprintf("open a file (%d entries), CPU per request ÷ raw SQL's", b.heavyEntries) + n, "≤ 2×",
				fmt.Sprintf("%.1f× (%s vs %s; load %s / %s)", ratio, cpuMs(s.capacity.cpu), cpuMs(s.floorCap.cpu), s.capacity.load, s.floorCap.load),
				verdict(ok(s.capacity.lat) && ratio <= 2)})
		}
		if s := b.scenario("get a person"); s != nil {
			gs = append(gs, goal{"get a person capacity" + n, "≥ 3,000/s",
				fmt.Sprintf("%.0f/s (load %s%s)", s.capacity.lat.Throughput, s.capacity.load, successNote(s.capacity.lat)),
				verdict(ok(s.capacity.lat) && s.capacity.lat.Throughput >= 3000)})
		}
		for _, s := range b.scenarios {
			if s.open == nil {
				gs = append(gs, goal{"open loop at 60 % of capacity, " + s.name + n, "p99 ≤ 20 ms", "capacity too low to run it", "not measured"})
				continue
			}
			gs = append(gs, goal{"open loop at 60 % of capacity, " + s.name + n, "p99 ≤ 20 ms",
				fmt.Sprintf("%s at %.0f/s (load %s%s; %s)", ms(s.open.lat.P99), s.openRate, s.open.load, successNote(s.open.lat), s.windowsNote(rep.cfg)),
				verdict(ok(s.open.lat) && s.open.lat.P99 <= 20*time.Millisecond)})
		}
		if s := b.scenario("add a journal entry"); s != nil {
			want := 1500.0
			if b.name == "postgres" {
				want = 2000
			}
			gs = append(gs, goal{"audited journal writes" + n, fmt.Sprintf("≥ %s/s", thousands(want)),
				fmt.Sprintf("%.0f/s (load %s%s)", s.capacity.lat.Throughput, s.capacity.load, successNote(s.capacity.lat)),
				verdict(ok(s.capacity.lat) && s.capacity.lat.Throughput >= want)})
		}
		gs = append(gs, b.overhead.goal(n), b.verify.goal(n))
		if r := b.seed; r != nil {
			wall := time.Duration(r.WallSeconds * float64(time.Second))
			how := fmt.Sprintf("%s wall, seed process CPU %.0f s, load %s → %s, seeded %s", wall.Round(time.Second), r.CPUSeconds, r.LoadStart, r.LoadEnd, r.Started)
			if r.Persons >= 500000 {
				s500 := time.Duration(float64(wall) * 500000 / float64(r.Persons))
				gs = append(gs, goal{"seed 500,000 persons" + n, "≤ 5 min", how, verdict(s500 <= 5*time.Minute)})
			} else {
				s500 := time.Duration(float64(wall) * 500000 / float64(r.Persons))
				gs = append(gs, goal{"seed 500,000 persons" + n, "≤ 5 min",
					fmt.Sprintf("not run at this scale: %d persons in %s; linear estimate %s", r.Persons, how, s500.Round(time.Second)), "not measured"})
			}
		}
		gs = append(gs, goal{"`serve` RSS under load (peak, VmHWM)" + n, "≤ 150 MB", bench.MB(b.peakRSS), verdict(b.peakRSS > 0 && b.peakRSS <= 150<<20)})
	}
	return gs
}

// thousands writes f rounded, with a comma between groups of three
// digits (1,000,000).
func thousands(f float64) string {
	s := fmt.Sprintf("%.0f", f)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// reproduce is the command line that gives this run's figures.
func (c config) reproduce() string {
	var env []string
	if c.persons != 500000 {
		env = append(env, fmt.Sprintf("BENCH_PERSONS=%d", c.persons))
	}
	if c.duration != 10*time.Second {
		env = append(env, "BENCH_DURATION="+c.duration.String())
	}
	if c.warmup != 3*time.Second {
		env = append(env, "BENCH_WARMUP="+c.warmup.String())
	}
	if c.users != 16 {
		env = append(env, fmt.Sprintf("BENCH_USERS=%d", c.users))
	}
	if c.openWindows != 3 {
		env = append(env, fmt.Sprintf("BENCH_OPEN_WINDOWS=%d", c.openWindows))
	}
	if b := strings.Join(c.backends, ","); b != "sqlite,postgres" {
		env = append(env, "BENCH_BACKENDS="+b)
	}
	if c.gobench {
		env = append(env, "BENCH_GOBENCH=1")
	}
	return strings.TrimSpace(strings.Join(env, " ") + " make bench")
}

// windowsNote gives the p99 of each window of the open loop.
func (s *scenarioResult) windowsNote(c config) string {
	if len(s.openWindows) < 2 {
		return "one window of " + c.duration.String()
	}
	p99s := make([]string, len(s.openWindows))
	for i, w := range s.openWindows {
		p99s[i] = strings.TrimSuffix(ms(w.Lat.P99), " ms")
	}
	note := fmt.Sprintf("median of %d windows of %s, p99s %s ms", len(s.openWindows), c.duration, strings.Join(p99s, " / "))
	// A window that answered well under the rate fell behind: the
	// machine had less to give than when the capacity was measured, and
	// its latencies are those of a growing queue, not of the service.
	for _, w := range s.openWindows {
		if w.Lat.Throughput < 0.9*s.openRate {
			note += fmt.Sprintf("; fell behind, answered %.0f/s in a window", w.Lat.Throughput)
			break
		}
	}
	return note
}

func (rep *report) markdown() string {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	c := rep.cfg
	w("# Benchmarks\n\n")
	w("_This file is rewritten by `make bench` (internal/bench/cmd/benchreport). Do not edit by hand._\n\n")
	w("- Date: %s (run took %s)\n", rep.date.Format("2006-01-02 15:04 MST"), rep.total.Round(time.Second))
	w("- Machine: %s, %d cores, %s RAM, Linux %s, %s; calibration (best of 3): a system call %.2f µs, a loopback TCP round trip %.1f µs — compare runs on two machines with these first\n",
		rep.machine.CPU, rep.machine.Cores, rep.machine.MemTotal, rep.machine.Kernel, rep.machine.Go,
		float64(rep.machine.Syscall.Nanoseconds())/1000, float64(rep.machine.LoopbackRTT.Nanoseconds())/1000)
	w("- Scale: %d persons (`parcours seed --seed 1`, ~10 journal entries each), from the cached database of each backend, copied for the run; %s warm-up per scenario (not measured), then %s per measure (%s for the raw-SQL floor); capacity with %d concurrent users\n",
		c.persons, c.warmup, c.duration, max(c.duration/2, time.Second), c.users)
	w("- Reproduce: `%s`\n", c.reproduce())
	w("- Load average (1 min) at start / end: %s / %s on %d cores; each figure below gives the load average at the end of its measure\n\n", rep.loadBefore, rep.loadAfter, rep.machine.Cores)
	w("The machine is shared: other processes (builds, tests, browsers) may run during the measure. A load average well above the number of cores means the figures are those of a machine several times slower than an idle one: an upper bound of what this code costs. The load goes only to 127.0.0.1.\n\n")
	for _, f := range rep.failed {
		w("**Not measured:** %s\n\n", f)
	}
	if len(rep.pending) > 0 {
		w("**Not measured yet:** %s: the run had not got to them (or their cached database was still being seeded) when this file was last written.\n\n", strings.Join(rep.pending, ", "))
	}

	w("## What is measured\n\n")
	w("Each backend: the database seeded by `parcours seed --persons N --seed 1` is kept in a cache outside the repository (`$BENCH_CACHE`, by default `~/.cache/parcours-bench`, keyed by seed version and size; the first run seeds it, timed, and later runs reuse it) and copied for the run (a file copy on SQLite, `CREATE DATABASE … TEMPLATE` on PostgreSQL) so that the writes of a run never change it. ")
	w("`parcours serve` runs on a free 127.0.0.1 port, its background jobs off (`PARCOURS_JOBS=off`: the retention plan, which reads every file, would otherwise start inside the later scenarios; the audit sealer runs); vegeta drives it with an API token of `%s` (referent of about a third of the département's files; the HTML page uses a session of the same worker). vegeta asks for answers uncompressed (`Accept-Encoding: identity`): the figures leave out the gzip that `serve` does for a browser (0.15–0.3 ms of CPU per request to open a 200-entry file), as the raw-SQL floor has none. For each scenario, after a warm-up:\n\n", benchWorker)
	w("- **one user**: a single user sending its next request when the previous one is answered: latency without queueing;\n")
	w("- **capacity**: %d users in a closed loop: the saturation throughput, and the **CPU per request** of `serve` plus the PostgreSQL server processes connected to the run's database (from `/proc/PID/stat`; on SQLite the database is inside `serve`);\n", c.users)
	w("- **open loop**: requests at 60 %% of that capacity, sent on schedule whatever the answers (vegeta's rate mode): p95/p99 of a loaded but not saturated service. It runs without a break for %s of warm-up (not counted: connections opening) then %d windows of %s, each request counted in the window it was sent in; the figures are those of the window with the median p99, and the p99 of every window is given (a burst of another process's load spoils one window, not the measure);\n", c.warmup, c.openWindows, c.duration)
	w("- **raw SQL**: the same reads as plain SQL on a pool like the server's, one user then %d, with the CPU per request of this process plus the database.\n\n", c.users)
	w("**Overload** (after the scenarios, in a full run or when named): get a person sent at twice its capacity, open loop, %s of warm-up then %s: how many answers a second `serve` still gives, how many it refuses at once (503 with Retry-After: at most 64 requests worked on, the others wait their turn up to 2 s; `--max-requests`, `--queue-wait`), the latencies of all answers, and the memory it takes. The RSS goal is read before it.\n\n", c.warmup, c.duration)
	w("Scenarios: **get a person** `GET /api/v1/persons/{id}` (raw SQL: the row by id); **list persons (50)** `GET /api/v1/persons?limit=50` (the first page of the organisation by name); **open a file** `GET /api/v1/persons/{id}/journal?limit=200` on the heaviest files (the 200 rows by the journal index); **search** `GET /api/v1/persons?q=` with a surname carrying one typing mistake, a first name and a birth year (raw SQL: the persons indexed under the surname as it should have been typed, born that year); **add a journal entry** `POST /api/v1/persons/{id}/journal`, audited and indexed (raw SQL: the same insert, unaudited); **person page (HTML)** `GET /persons/{id}` (raw SQL: the person, their accompaniments and 50 journal entries).\n\n")

	w("**Audit overhead**: `go test -run '^$' -bench 'BenchmarkAuditOverheadUnderLoad$/^<backend>$/' -benchtime %s ./internal/store/` adds journal entries through the real HTTP handler, door and store, 8 writers per core, with the audit sealer running, on a fresh small database: once as built and once with the store's audit events discarded (a switch only the store's tests reach); the overhead is the time per audited write ÷ the time per unaudited write − 1.\n\n", c.duration)
	w("**Audit verify**: `PARCOURS_BENCH_AUDIT_EVENTS=%d go test -run '^$' -bench 'BenchmarkAuditVerify$/^<backend>/' -benchtime 1x ./internal/store/` loads a sealed chain of %s events into a fresh database (not timed), then times `parcours audit verify`'s check of the whole chain (the store's VerifyAudit: every hash recomputed, in sequence order).\n\n", verifyEvents, thousands(verifyEvents))
	w("## Goals (issue 17)\n\n| Goal | Target | Measured | Verdict |\n|---|---|---|---|\n")
	for _, g := range rep.goals() {
		w("| %s | %s | %s | %s |\n", g.what, g.target, g.measured, g.met)
	}

	for _, r := range rep.backends {
		w("\n## %s\n\n", r.name)
		if s := r.seed; s != nil {
			reused := "seeded by this run"
			if s.reused {
				reused = "reused from the cache"
			}
			w("- Database: %d persons, %d journal entries; %s (seeded %s in %.0f s wall, load %s → %s: `%s`)\n", r.persons, r.entries, reused, s.Started, s.WallSeconds, s.LoadStart, s.LoadEnd, s.Log)
		}
		w("- Heaviest file opened: %d entries\n", r.heavyEntries)
		w("- `serve` RSS: idle %s, peak (VmHWM) %s\n", bench.MB(r.idleRSS), bench.MB(r.peakRSS))
		if o := r.overload; o != nil && o.lat != nil {
			w("- Overload: get a person offered at %.0f/s (twice its capacity, %.0f/s) for %s: %.0f/s answered 200 (%.0f %% of capacity), %.1f %% refused at once with 503 and Retry-After; all answers p50 / p99 %s / %s; `serve` RSS peak then %s (load %s)\n",
				o.offered, o.capacity, c.duration, o.lat.Throughput, 100*o.lat.Throughput/o.capacity, 100*(1-o.lat.Success), ms(o.lat.P50), ms(o.lat.P99), bench.MB(o.peakRSS), o.load)
		}
		w("\n")
		w("| Scenario | one user p50 / p95 / p99 (load) | capacity, %d users (load) | CPU per request, serve + DB | open loop at 60 %% | open p95 / p99 (load) |\n|---|---|---|---|---|---|\n", c.users)
		for _, s := range r.scenarios {
			open, openLat := "—", "—"
			if s.open != nil {
				open = fmt.Sprintf("%.0f/s", s.openRate)
				openLat = fmt.Sprintf("%s / %s (%s%s; %s)", ms(s.open.lat.P95), ms(s.open.lat.P99), s.open.load, successNote(s.open.lat), s.windowsNote(c))
			}
			w("| %s | %s / %s / %s (%s%s) | %.0f/s (%s%s) | %s | %s | %s |\n", s.name,
				ms(s.single.lat.P50), ms(s.single.lat.P95), ms(s.single.lat.P99), s.single.load, successNote(s.single.lat),
				s.capacity.lat.Throughput, s.capacity.load, successNote(s.capacity.lat), cpuMs(s.capacity.cpu), open, openLat)
		}
		w("\n| Scenario (raw SQL) | one user p50 / p95 / p99 (load) | capacity, %d users (load) | CPU per request, client + DB | serve's CPU ÷ raw SQL's |\n|---|---|---|---|---|\n", c.users)
		for _, s := range r.scenarios {
			if s.floorSingle == nil || s.floorCap == nil {
				continue
			}
			ratio := "—"
			if s.floorCap.cpu > 0 {
				ratio = fmt.Sprintf("%.1f×", float64(s.capacity.cpu)/float64(s.floorCap.cpu))
			}
			w("| %s | %s / %s / %s (%s%s) | %.0f/s (%s%s) | %s | %s |\n", s.name,
				ms(s.floorSingle.lat.P50), ms(s.floorSingle.lat.P95), ms(s.floorSingle.lat.P99), s.floorSingle.load, successNote(s.floorSingle.lat),
				s.floorCap.lat.Throughput, s.floorCap.load, successNote(s.floorCap.lat), cpuMs(s.floorCap.cpu), ratio)
		}
		for _, s := range r.scenarios {
			var errs []string
			for _, l := range []*bench.Latency{s.single.lat, s.capacity.lat} {
				if l != nil {
					errs = append(errs, l.Errors...)
				}
			}
			for _, w := range s.openWindows {
				errs = append(errs, w.Lat.Errors...)
			}
			if len(errs) > 0 {
				w("\n%s errors: `%s`\n", s.name, strings.Join(errs[:min(3, len(errs))], "`, `"))
			}
		}
		if r.serveLogTail != "" {
			w("\nLast server errors:\n\n```\n%s\n```\n", r.serveLogTail)
		}
	}
	if rep.export != nil {
		w("\n%s", rep.export.markdown(2))
	} else {
		w("\n## Export of 500,000 rows: peak memory (issue 15)\n\nNot measured yet: the run had not got to its export step (`%s`).\n", exportCommand())
	}
	if rep.gobench != "" {
		w("\n## Go benchmarks (`go test -run '^$' -bench . -benchmem ./...`)\n\n```\n%s\n```\n", rep.gobench)
	}
	return b.String()
}
