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
// 0360; PostgreSQL, the GIN index's pending list) and the journal search
// finds every entry all the same; the background upkeep merges them, and
// the search still finds them after.
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
			// The GIN index's pending list held the writes' entries: the
			// upkeep moved them into the index, and nothing is left.
			if steps == 0 {
				t.Fatal("PostgreSQL: the upkeep emptied no page of the index's pending list")
			}
			found("after the upkeep")
			if again, err := e.App.DB.MergeFullText(ctx); err != nil || again != 0 {
				t.Fatalf("a second upkeep: %d pages, %v; want nothing left", again, err)
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

// A bulk load leaves one big segment where the small merges land; the
// upkeep lifts it to the level of its size, and the merges of the writes
// that follow never rewrite it again (each rewrite held SQLite's single
// writer for seconds at 500,000 persons, issue 17). The search stays
// right: an entry the retention blanks after the bulk load is found by
// its new text only, though its old text sits in the lifted segment.
func TestMergeFullText_BulkSegmentIsLiftedAndLeftAlone(t *testing.T) {
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		db := e.App.DB
		var p struct{ ID string }
		e.Do("POST", "/api/v1/persons", "worker", map[string]any{"birth_name": "VRAC", "first_names": "Lise", "birth_date": "1981-05-06", "sex": "F"}).Decode(t, &p)
		write := func(summary string) {
			t.Helper()
			if r := e.Do("POST", "/api/v1/persons/"+p.ID+"/journal", "worker", map[string]any{"kind": "note", "summary": summary}); r.Status != http.StatusCreated {
				t.Fatalf("entry: %d %s", r.Status, r.Body)
			}
		}
		write("Premier entretien")
		// The bulk load: thousands of entries in one transaction, as the
		// seed writes them.
		const bulk = 6000
		p1, p2 := "?", "?"
		if e.Dialect == store.Postgres {
			p1, p2 = "$1::int", "$2"
		}
		if _, err := db.SQL().ExecContext(ctx, `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < `+p1+`)
			INSERT INTO journal_entries (id, org_id, person_id, accompaniment_id, kind, occurred_at, summary, mode, participants,
				confidentiality, team_id, author_id, private_synthesis, amends, created_at, theme)
			SELECT e.id || '-' || n.i, e.org_id, e.person_id, e.accompaniment_id, e.kind, e.occurred_at,
				'Bilan budgetaire ' || n.i || ' orientation logement', e.mode, e.participants, e.confidentiality, e.team_id,
				e.author_id, e.private_synthesis, e.amends, e.created_at + n.i, e.theme
			FROM journal_entries e, n WHERE e.person_id = `+p2, bulk, p.ID); err != nil {
			t.Fatal(err)
		}
		matches := func(q string) int {
			t.Helper()
			var n int
			query := "SELECT COUNT(*) FROM journal_entries WHERE summary LIKE '%' || $1 || '%'"
			if e.Dialect == store.SQLite {
				query = "SELECT COUNT(*) FROM journal_fts WHERE journal_fts MATCH ?"
			}
			if err := db.SQL().QueryRowContext(ctx, query, q).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		if _, err := db.MergeFullText(ctx); err != nil {
			t.Fatal(err)
		}
		if e.Dialect == store.Postgres {
			// No levels to keep: the index is PostgreSQL's.
			if n := matches("orientation logement"); n != bulk {
				t.Fatalf("%d entries found, want %d", n, bulk)
			}
			return
		}
		biggest := func() store.FullTextSegment {
			t.Helper()
			segs, err := db.FullTextSegments(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var big store.FullTextSegment
			for _, s := range segs {
				if s.Pages > big.Pages {
					big = s
				}
			}
			return big
		}
		// The small writes that follow, merged as serve's upkeep does.
		var big store.FullTextSegment
		for round := range 20 {
			for i := range 5 {
				write(fmt.Sprintf("Suivi logement %d-%d", round, i))
			}
			if round == 2 {
				// The retention blanks an entry of the bulk load (as its
				// guard lets it, migration 0100): the old text stays in
				// the big segment, deleted by a newer one, and must not
				// be found again.
				tx, err := db.SQL().BeginTx(ctx, nil)
				if err != nil {
					t.Fatal(err)
				}
				for _, q := range []string{"INSERT INTO retention_guard (person_id) VALUES (?)",
					"UPDATE journal_entries SET summary = 'Texte efface' WHERE person_id = ? AND summary = 'Bilan budgetaire 4321 orientation logement'",
					"DELETE FROM retention_guard WHERE person_id = ?"} {
					if _, err := tx.ExecContext(ctx, q, p.ID); err != nil {
						t.Fatal(err)
					}
				}
				if err := tx.Commit(); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := db.MergeFullText(ctx); err != nil {
				t.Fatal(err)
			}
			b := biggest()
			if round == 0 {
				big = b
				if b.Pages < 16 || b.Level < 2 {
					t.Fatalf("the bulk load's segment: %d pages on level %d, want at least 16 pages lifted to level 2 or more", b.Pages, b.Level)
				}
				continue
			}
			if b.ID != big.ID {
				t.Fatalf("round %d: the bulk load's segment %d (%d pages) was merged again into %d (%d pages)", round, big.ID, big.Pages, b.ID, b.Pages)
			}
		}
		segs, err := db.FullTextSegments(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(segs) > 8 {
			t.Fatalf("%d segments left: the small writes were not merged", len(segs))
		}
		if n := matches("4321"); n != 0 {
			t.Fatalf("the blanked entry's old text still matches (%d)", n)
		}
		if n := matches("efface"); n != 1 {
			t.Fatalf("the blanked entry's new text matches %d entries, want 1", n)
		}
		if n := matches("orientation logement"); n != bulk-1 {
			t.Fatalf("%d bulk entries found, want %d", n, bulk-1)
		}
		if n := matches("suivi"); n != 100 {
			t.Fatalf("%d later entries found, want 100", n)
		}
		if _, err := db.SQL().ExecContext(ctx, "INSERT INTO journal_fts (journal_fts) VALUES ('integrity-check')"); err != nil {
			t.Fatalf("integrity-check: %v", err)
		}
	})
}
