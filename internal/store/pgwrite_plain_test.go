package store

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestPlainRead tells the reads a write transaction may run before its
// BEGIN from the statements that must run inside it.
func TestPlainRead(t *testing.T) {
	for q, want := range map[string]bool{
		"SELECT id, org_id FROM persons WHERE id = ?":                          true,
		"  select count(*) from journal_entries where person_id = ?":           true,
		fileFactsQuery(1, false, false):                                        true,
		fileFactsQuery(1, false, true):                                         true,
		"WITH x AS (SELECT 1) SELECT * FROM x":                                 true,
		"SELECT id FROM accompaniments WHERE id = ? FOR UPDATE":                false,
		"SELECT id FROM accompaniments WHERE id = ?\n\tFOR  NO KEY UPDATE":     false,
		"SELECT id FROM job_leases WHERE name = ? FOR SHARE SKIP LOCKED":       false,
		"SELECT pg_advisory_xact_lock(?)":                                      false,
		"SELECT pg_notify(?, ?)":                                               false,
		"SELECT nextval('audit_pending_n_seq')":                                false,
		"SELECT set_config('x', ?, true)":                                      false,
		"WITH d AS (DELETE FROM sessions WHERE id = ? RETURNING id) SELECT 1":  false,
		"WITH i AS (INSERT INTO t (a) VALUES (?) RETURNING a) SELECT a FROM i": false,
		"UPDATE persons SET usage_name = ? WHERE id = ?":                       false,
		"INSERT INTO casefile_visits (worker_id) VALUES (?)":                   false,
		"LOCK TABLE persons":                                                   false,
	} {
		if got := plainRead(q); got != want {
			t.Errorf("plainRead(%.60q) = %v, want %v", q, got, want)
		}
	}
}

// TestPlainRead_SchemaFunctions: plainRead lets a read call the schema's
// own functions, which it cannot see into. Every function the PostgreSQL
// migrations create must be a trigger or one known to be pure; a new one
// that acts must be added to plainRead's list of words first.
func TestPlainRead_SchemaFunctions(t *testing.T) {
	files, err := filepath.Glob("migrations/postgres/*.sql")
	if err != nil || len(files) == 0 {
		t.Fatalf("migrations: %v", err)
	}
	fn := regexp.MustCompile(`(?is)CREATE\s+(?:OR\s+REPLACE\s+)?FUNCTION\s+(?:%I\.)?([a-z_0-9.]+)\s*\([^)]*\)\s*RETURNS\s+(\w+)`)
	pure := map[string]bool{"parcours_unaccent": true, "parcours_unaccent_dict": true}
	seen := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range fn.FindAllStringSubmatch(string(b), -1) {
			name, returns := strings.ToLower(m[1]), strings.ToLower(m[2])
			seen++
			if returns != "trigger" && !pure[name] {
				t.Errorf("%s: function %s returns %s: pure? add it to this test; acts? add its name to plainRead's words", f, name, returns)
			}
		}
	}
	if seen < 5 {
		t.Fatalf("found %d functions in the migrations: the pattern no longer matches them", seen)
	}
}
