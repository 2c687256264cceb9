package store_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"parcours/internal/app/apptest"
	"parcours/internal/store"
)

// The writes leave their full-text segments unmerged (SQLite, migration
// 0360) and the journal search finds every entry all the same; the
// background upkeep merges them, and the search still finds them after.
func TestMergeFullText_WritesLeaveSegmentsTheUpkeepMerges(t *testing.T) {
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		var p struct{ ID string }
		e.Do("POST", "/api/v1/persons", "worker", map[string]any{"birth_name": "FUSION", "first_names": "Anne", "birth_date": "1975-03-04", "sex": "F"}).Decode(t, &p)
		const n = 15 // within one page of the search
		for i := range n {
			if r := e.Do("POST", "/api/v1/persons/"+p.ID+"/journal", "worker", map[string]any{"kind": "note",
				"summary": fmt.Sprintf("Relance de la domiciliation, courrier n° %d", i)}); r.Status != http.StatusCreated {
				t.Fatalf("entry %d: %d %s", i, r.Status, r.Body)
			}
		}
		found := func(when string) {
			t.Helper()
			var page struct{ Items []any }
			if r := e.Do("GET", "/api/v1/search/journal?q=domiciliation", "worker", nil); r.Status != http.StatusOK {
				t.Fatalf("%s: search: %d %s", when, r.Status, r.Body)
			} else {
				r.Decode(t, &page)
			}
			if len(page.Items) != n {
				t.Fatalf("%s: the journal search finds %d entries, want %d", when, len(page.Items), n)
			}
		}
		found("before the upkeep")
		steps, err := e.App.DB.MergeFullText(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if e.Dialect == store.Postgres {
			if steps != 0 {
				t.Fatalf("PostgreSQL: %d merge steps, want none", steps)
			}
			return
		}
		segments := func() int {
			var s int
			if err := e.App.DB.SQL().QueryRow("SELECT COUNT(DISTINCT segid) FROM journal_fts_idx").Scan(&s); err != nil {
				t.Fatal(err)
			}
			return s
		}
		if steps == 0 || segments() > 4 {
			t.Fatalf("after the upkeep: %d steps, %d segments left; want the %d writes' segments merged", steps, segments(), n)
		}
		found("after the upkeep")
		if again, err := e.App.DB.MergeFullText(ctx); err != nil || again != 0 {
			t.Fatalf("a second upkeep: %d steps, %v; want nothing left to merge", again, err)
		}
	})
}
