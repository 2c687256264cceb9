package main

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"parcours/internal/bench"
)

// The export step (issue 15): the peak memory of a 500,000-row export
// (one line per procedure) through the real HTTP handler, streamed as CSV
// and as XLSX, measured by BenchmarkRowExport500k in its own test
// process (internal/stats/export_bench_test.go). `make bench` runs it
// after the backends; BENCH_ONLY=export runs it alone and writes its
// section to docs/export-memory.md instead of BENCHMARKS.md.

// exportArgs are the `go test` arguments of the step.
var exportArgs = []string{"test", "./internal/stats", "-run", "^$", "-bench", "RowExport500k", "-benchtime", "1x", "-count", "1", "-timeout", "30m"}

func exportCommand() string {
	return "go test ./internal/stats -run '^$' -bench RowExport500k -benchtime 1x -count 1"
}

// exportRow is one format's figures, in MiB and seconds.
type exportRow struct {
	rows                                       int
	format                                     string
	seconds                                    float64
	body, baseHeap, peakHeap, baseRSS, peakRSS float64
}

type exportResult struct {
	machine    bench.Machine
	date       time.Time
	took       time.Duration
	loadBefore string
	loadAfter  string
	rows       []exportRow
	failure    string // the step failed: why, and the output's tail
}

func runExport(ctx context.Context) *exportResult {
	logf("export step: %s", exportCommand())
	r := &exportResult{machine: bench.ThisMachine(), date: time.Now().UTC(), loadBefore: bench.LoadAvg()}
	cmd := exec.CommandContext(ctx, "go", exportArgs...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	r.took, r.loadAfter = time.Since(r.date), bench.LoadAvg()
	r.rows = parseExport(out.String())
	if err != nil || len(r.rows) != 4 {
		lines := strings.Split(strings.TrimSpace(out.String()), "\n")
		r.failure = fmt.Sprintf("%v, %d formats measured; last output: %s", err, len(r.rows), strings.Join(lines[max(0, len(lines)-5):], " / "))
	}
	return r
}

// parseExport reads the benchmark's lines, such as
// "BenchmarkRowExport500k/500000/csv-2  1  4.2e9 ns/op  12.5 base-heap-MiB …".
func parseExport(out string) []exportRow {
	var rows []exportRow
	for _, l := range strings.Split(out, "\n") {
		f := strings.Fields(l)
		if len(f) < 4 || !strings.HasPrefix(f[0], "BenchmarkRowExport500k/") {
			continue
		}
		size, sub, _ := strings.Cut(strings.TrimPrefix(f[0], "BenchmarkRowExport500k/"), "/")
		format, _, _ := strings.Cut(sub, "-")
		n, err := strconv.Atoi(size)
		if err != nil || format == "" {
			continue
		}
		row := exportRow{rows: n, format: format}
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				continue
			}
			switch f[i+1] {
			case "ns/op":
				row.seconds = v / 1e9
			case "body-MiB":
				row.body = v
			case "base-heap-MiB":
				row.baseHeap = v
			case "peak-heap-MiB":
				row.peakHeap = v
			case "base-rss-MiB":
				row.baseRSS = v
			case "peak-rss-MiB":
				row.peakRSS = v
			}
		}
		rows = append(rows, row)
	}
	return rows
}

// markdown is the step's section, headed at level depth.
func (r *exportResult) markdown(depth int) string {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	w("%s Export of 500,000 rows: peak memory (issue 15)\n\n", strings.Repeat("#", depth))
	w("- Date: %s (step took %s); machine: %s, %d cores, %s RAM, Linux %s, %s; load average (1 min) %s → %s\n",
		r.date.Format("2006-01-02 15:04 MST"), r.took.Round(time.Second), r.machine.CPU, r.machine.Cores, r.machine.MemTotal,
		r.machine.Kernel, r.machine.Go, r.loadBefore, r.loadAfter)
	w("- Reproduce: `%s` (or `BENCH_ONLY=export make bench`)\n", exportCommand())
	w("- What: `GET /api/v1/stats/rows?kind=procedures&format=…` as a manager, through the real router, handler, door and store, on SQLite holding 500,000 procedures; the body goes to a writer that keeps nothing, so what is held is the server's. The heap in use is sampled every millisecond; the process's peak resident set (VmHWM) is reset before the export and read after it. The figures are the test process's: they include the SQLite page cache and the test binary.\n\n")
	if r.failure != "" {
		w("**Not measured:** %s\n\n", r.failure)
	}
	if len(r.rows) == 0 {
		return b.String()
	}
	w("| Format | Rows | Body | Time | Heap before → peak | Resident set before → peak |\n|---|---|---|---|---|---|\n")
	for _, x := range r.rows {
		rss := "—"
		if x.peakRSS > 0 {
			rss = fmt.Sprintf("%.1f → %.1f MiB", x.baseRSS, x.peakRSS)
		}
		w("| %s | %s | %.1f MiB | %.1f s | %.1f → %.1f MiB | %s |\n", strings.ToUpper(x.format), thousands(float64(x.rows)), x.body, x.seconds,
			x.baseHeap, x.peakHeap, rss)
	}
	w("\nWhat the export held (peak heap − heap before), by size: ")
	for i, f := range []string{"csv", "xlsx"} {
		if i > 0 {
			w("; ")
		}
		w("%s", strings.ToUpper(f))
		for _, x := range r.rows {
			if x.format == f {
				w(", %.1f MiB at %s rows", x.peakHeap-x.baseHeap, thousands(float64(x.rows)))
			}
		}
	}
	w(". Memory is constant when the figure at 500,000 rows is that at 50,000 (the body is ten times larger); the XLSX body is compressed, its sheet's XML is several times larger.\n")
	return b.String()
}

// exportDoc is where BENCH_ONLY=export writes its section.
const exportDoc = "docs/export-memory.md"
