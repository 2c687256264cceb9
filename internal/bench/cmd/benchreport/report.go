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
	gobench               string
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
	met                    string // "met", "not met", "not measured"
}

func verdict(ok bool) string {
	if ok {
		return "✅ met"
	}
	return "❌ not met"
}

func (rep *report) goals() []goal {
	var gs []goal
	for _, b := range rep.backends {
		seed100k := b.seed
		scaled := ""
		if b.persons != 100000 {
			seed100k = time.Duration(float64(b.seed) * 100000 / float64(b.persons))
			scaled = fmt.Sprintf(" (%d persons in %s, scaled linearly)", b.persons, b.seed.Round(100*time.Millisecond))
		}
		gs = append(gs, goal{"`seed --persons 100000` (" + b.name + ", with ~10 journal entries each)", "≤ 60 s",
			seed100k.Round(100*time.Millisecond).String() + scaled + fmt.Sprintf("; seed process CPU %s", b.seedCPU.Round(100*time.Millisecond)),
			verdict(seed100k <= 60*time.Second)})
		if b.persons >= 500000 {
			s500 := time.Duration(float64(b.seed) * 500000 / float64(b.persons))
			gs = append(gs, goal{"seed 500,000 persons (" + b.name + ")", "≤ 5 min", s500.Round(time.Second).String(), verdict(s500 <= 5*time.Minute)})
		} else {
			s500 := time.Duration(float64(b.seed) * 500000 / float64(b.persons))
			gs = append(gs, goal{"seed 500,000 persons (" + b.name + ")", "≤ 5 min",
				"not run at this scale; linear estimate " + s500.Round(time.Second).String(), "not measured"})
		}
		gs = append(gs, goal{"`serve` idle RSS (" + b.name + ")", "≤ 40 MB", bench.MB(b.idleRSS), verdict(b.idleRSS <= 40<<20)})
		gs = append(gs, goal{"`serve` peak RSS under load (" + b.name + ")", "≤ 150 MB", bench.MB(b.peakRSS), verdict(b.peakRSS <= 150<<20)})
		if s := b.scenario("open a file"); s != nil {
			gs = append(gs, goal{"open a file, p99 (" + b.name + ")", "≤ 20 ms", bench.Ms(s.http.P99), verdict(s.http.P99 <= 20*time.Millisecond && s.http.Success > 0.99)})
			if s.floor != nil && s.floor.P99 > 0 {
				ratio := float64(s.http.P99) / float64(s.floor.P99)
				gs = append(gs, goal{"open a file, p99 ÷ raw-SQL p99 (" + b.name + ")", "≤ 2×",
					fmt.Sprintf("%.1f× (%s vs %s)", ratio, bench.Ms(s.http.P99), bench.Ms(s.floor.P99)), verdict(ratio <= 2)})
			}
		}
		if s := b.scenario("search"); s != nil {
			gs = append(gs, goal{"search, p95 (" + b.name + ")", "≤ 15 ms", bench.Ms(s.http.P95), verdict(s.http.P95 <= 15*time.Millisecond && s.http.Success > 0.99)})
		}
		if s := b.scenario("add a journal entry"); s != nil {
			want := 1000.0
			if b.name == "postgres" {
				want = 2000
			}
			gs = append(gs, goal{"journal entry writes (" + b.name + ", audited, indexed)", fmt.Sprintf("≥ %.0f/s", want),
				fmt.Sprintf("%.0f/s (success %.1f %%)", s.http.Throughput, 100*s.http.Success), verdict(s.http.Throughput >= want && s.http.Success > 0.99)})
		}
	}
	return gs
}

func (rep *report) markdown() string {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	c := rep.cfg
	w("# Benchmarks\n\n")
	w("_This file is rewritten by `make bench` (internal/bench/cmd/benchreport). Do not edit by hand._\n\n")
	w("- Date: %s (run took %s)\n", rep.date.Format("2006-01-02 15:04 MST"), rep.total.Round(time.Second))
	w("- Machine: %s, %d cores, %s RAM, Linux %s, %s\n", rep.machine.CPU, rep.machine.Cores, rep.machine.MemTotal, rep.machine.Kernel, rep.machine.Go)
	w("- Scale: %d persons (seed 1), each backend seeded fresh and thrown away after; %d concurrent users; %s per scenario; raw-SQL floor with the same concurrency for up to 10 s\n",
		c.persons, c.users, c.duration)
	w("- Reproduce: `BENCH_PERSONS=%d BENCH_DURATION=%s BENCH_USERS=%d BENCH_BACKENDS=%s make bench`\n\n",
		c.persons, c.duration, c.users, strings.Join(c.backends, ","))
	w("- Load average (1 min) at start / end: %s / %s on %d cores\n\n", rep.loadBefore, rep.loadAfter, rep.machine.Cores)
	w("The machine is shared: other processes (builds, tests, browsers) may run during the measure, so latencies are an upper bound of what this code does on an idle machine of the same size. The load goes only to 127.0.0.1.\n\n")

	w("## What is measured\n\n")
	w("Each backend: `parcours seed --persons N --seed 1` into a fresh database (timed, with journals, accompaniments and the search index), ")
	w("then `parcours serve` on a free 127.0.0.1 port, driven by vegeta with N users each sending its next request as soon as the previous one is answered, ")
	w("authenticated with an API token of `%s` (referent of about a third of the département's files):\n\n", benchWorker)
	w("- **get a person**: `GET /api/v1/persons/{id}` over that worker's files; raw SQL: the person row by id.\n")
	w("- **list persons (50)**: `GET /api/v1/persons?limit=50`; raw SQL: the first page of the organisation by name.\n")
	w("- **open a file**: `GET /api/v1/persons/{id}/journal?limit=200` on the heaviest files (200 entries); raw SQL: the same 200 rows by the journal index.\n")
	w("- **search**: `GET /api/v1/persons?q=` with a surname carrying one typing mistake (swap or dropped letter), a first name and a birth year.\n")
	w("- **add a journal entry**: `POST /api/v1/persons/{id}/journal` (a note), audited and indexed like any write.\n\n")
	w("Latencies include queueing behind the other users (closed loop). The raw-SQL floor runs the same reads with the same concurrency on a pool like the server's. RSS is read from `/proc/PID/status` (VmRSS idle after start-up, VmHWM after the load).\n\n")
	w("## Goals\n\n| Goal | Target | Measured | Verdict |\n|---|---|---|---|\n")
	for _, g := range rep.goals() {
		w("| %s | %s | %s | %s |\n", g.what, g.target, g.measured, g.met)
	}
	w("\nIssue 5 asks for 500,000 persons / ~5 M journal entries: run `BENCH_PERSONS=500000 make bench` (longer than 30 min on 2 cores with both backends; the default scale keeps `make bench` under 30 min).\n")

	for _, r := range rep.backends {
		w("\n## %s\n\n", r.name)
		w("- Seeded %d persons, %d journal entries in %s wall, %s CPU of the seed process (`%s`)\n", r.persons, r.entries,
			r.seed.Round(100*time.Millisecond), r.seedCPU.Round(100*time.Millisecond), r.seedLog)
		w("- Heaviest file opened: %d entries\n", r.heavyEntries)
		w("- `serve` RSS: idle %s, peak (VmHWM) %s\n\n", bench.MB(r.idleRSS), bench.MB(r.peakRSS))
		w("| Scenario | Requests | Success | Throughput | p50 | p95 | p99 | Raw SQL p50 / p99 | p99 ratio |\n|---|---|---|---|---|---|---|---|---|\n")
		for _, s := range r.scenarios {
			floor, ratio := "—", "—"
			if s.floor != nil {
				floor = bench.Ms(s.floor.P50) + " / " + bench.Ms(s.floor.P99)
				if s.floor.P99 > 0 {
					ratio = fmt.Sprintf("%.1f×", float64(s.http.P99)/float64(s.floor.P99))
				}
			}
			w("| %s | %d | %.1f %% | %.0f/s | %s | %s | %s | %s | %s |\n", s.name, s.http.Requests, 100*s.http.Success, s.http.Throughput,
				bench.Ms(s.http.P50), bench.Ms(s.http.P95), bench.Ms(s.http.P99), floor, ratio)
		}
		for _, s := range r.scenarios {
			if len(s.http.Errors) > 0 {
				w("\n%s errors: `%s`\n", s.name, strings.Join(s.http.Errors, "`, `"))
			}
		}
		if r.serveLogTail != "" {
			w("\nLast server errors:\n\n```\n%s\n```\n", r.serveLogTail)
		}
	}
	if rep.gobench != "" {
		w("\n## Go benchmarks (`go test -run '^$' -bench . -benchmem ./...`)\n\n```\n%s\n```\n", rep.gobench)
	}
	return b.String()
}
