package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
)

// overhead is the audit overhead on writes under load of one backend:
// BenchmarkAuditOverheadUnderLoad (internal/store), the same journal
// write audited and with its audit events discarded.
type overhead struct {
	// ns per write and writes per second, by variant ("audited",
	// "unaudited").
	ns, rate map[string]float64
	load     string
	err      string
}

// auditOverhead runs the benchmark of backend for c.duration per variant.
func auditOverhead(ctx context.Context, c config, backend string) *overhead {
	logf("%s: audit overhead (go test -bench BenchmarkAuditOverheadUnderLoad)", backend)
	out, load, err := goTestBench(ctx, c, "^BenchmarkAuditOverheadUnderLoad$/^"+backend+"$/", c.duration.String())
	o := parseOverhead(out)
	o.load = load
	if err != nil {
		o.err = err.Error()
	}
	return o
}

// parseOverhead reads the benchmark's result lines, such as
// "BenchmarkAuditOverheadUnderLoad/sqlite/audited-2  5000  412345 ns/op  2425 writes/s".
func parseOverhead(out string) *overhead {
	o := &overhead{ns: map[string]float64{}, rate: map[string]float64{}}
	for _, l := range strings.Split(out, "\n") {
		f := strings.Fields(l)
		if len(f) < 4 || !strings.HasPrefix(f[0], "BenchmarkAuditOverheadUnderLoad/") {
			continue
		}
		parts := strings.Split(f[0], "/")
		if len(parts) != 3 {
			continue
		}
		variant, _, _ := strings.Cut(parts[2], "-") // the -GOMAXPROCS suffix
		for i := 2; i < len(f); i++ {
			v, err := strconv.ParseFloat(f[i-1], 64)
			if err != nil {
				continue
			}
			switch f[i] {
			case "ns/op":
				o.ns[variant] = v
			case "writes/s":
				o.rate[variant] = v
			}
		}
	}
	return o
}

// goal is the row of the goal table; n names the backend.
func (o *overhead) goal(n string) goal {
	const what, target = "audit overhead on writes under load", "≤ 20 %"
	if o == nil {
		return goal{what + n, target, "not run", "not measured"}
	}
	a, u := o.ns["audited"], o.ns["unaudited"]
	if a <= 0 || u <= 0 {
		why := "the benchmark gave no figure"
		if o.err != "" {
			why = o.err
		}
		return goal{what + n, target, "not measured: " + why, "not measured"}
	}
	pct := 100 * (a/u - 1)
	return goal{what + n, target,
		fmt.Sprintf("%+.0f %%: add a journal entry %.0f/s audited vs %.0f/s unaudited (%.2f vs %.2f ms per write; load %s)",
			pct, o.rate["audited"], o.rate["unaudited"], a/1e6, u/1e6, o.load),
		verdict(o.err == "" && pct <= 20)}
}
