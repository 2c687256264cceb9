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

// Audit verify is read from the benchmark's line and met when a million
// events are checked in ten seconds or less.
func TestAuditVerify_ParsedAndJudged(t *testing.T) {
	out := "BenchmarkAuditVerify/postgres/1000000-2   \t       1\t4500000000 ns/op\t    222222 events/s\nPASS"
	g := parseVerify(out).goal(" (postgres)")
	if g.met != verdict(true) || !strings.HasPrefix(g.measured, "4.5s for 1,000,000 events") || g.what != "audit verify, 1,000,000 events (postgres)" {
		t.Fatalf("4.5 s: %+v", g)
	}
	if g := parseVerify(strings.Replace(out, "4500000000", "12000000000", 1)).goal(""); g.met != verdict(false) {
		t.Fatalf("12 s: %+v", g)
	}
	if g := parseVerify(strings.Replace(out, "/1000000-2", "/1000-2", 1)).goal(""); g.met != verdict(false) {
		t.Fatalf("a shorter chain cannot meet the goal: %+v", g)
	}
	if g := parseVerify("FAIL").goal(""); g.met != "not measured" {
		t.Fatalf("no figures: %+v", g)
	}
	for f, want := range map[float64]string{999: "999", 1000: "1,000", 500000: "500,000", 1000000: "1,000,000", -1500: "-1,500"} {
		if got := thousands(f); got != want {
			t.Errorf("thousands(%v) = %q, want %q", f, got, want)
		}
	}
}
