package main

import (
	"strings"
	"testing"
)

// The overhead is read from the benchmark's lines and reported as time
// per audited write ÷ time per unaudited write − 1, met at 20 % or less.
func TestOverhead_ParsedAndJudged(t *testing.T) {
	out := `goos: linux
BenchmarkAuditOverheadUnderLoad/sqlite/audited-2         	    4000	    500000 ns/op	      2000 writes/s
BenchmarkAuditOverheadUnderLoad/sqlite/unaudited-2       	    5000	    400000 ns/op	      2500 writes/s
PASS`
	g := parseOverhead(out).goal(" (sqlite)")
	if !strings.HasPrefix(g.measured, "+25 %") || g.met != verdict(false) {
		t.Fatalf("25 %% slower: %+v", g)
	}
	out = strings.Replace(out, "500000 ns/op", "440000 ns/op", 1)
	if g := parseOverhead(out).goal(" (sqlite)"); !strings.HasPrefix(g.measured, "+10 %") || g.met != verdict(true) {
		t.Fatalf("10 %% slower: %+v", g)
	}
	if g := parseOverhead("FAIL").goal(" (postgres)"); g.met != "not measured" {
		t.Fatalf("no figures: %+v", g)
	}
}
