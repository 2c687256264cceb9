package store_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"parcours/internal/store"
	"parcours/internal/store/storetest"
)

// schemaOf lists the definitions of the seed tables' indexes, foreign keys
// and triggers, as the catalogue gives them.
func schemaOf(t *testing.T, db *store.DB) []string {
	t.Helper()
	q := `SELECT type || ' ' || name || ' ' || sql FROM sqlite_master
		WHERE sql IS NOT NULL AND type IN ('index', 'trigger') AND tbl_name IN ('` + strings.Join(store.SeedTables, "','") + `')`
	if db.Dialect() == store.Postgres {
		q = `SELECT 'index ' || pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
			WHERE c.relnamespace = current_schema()::regnamespace AND c.relname IN ('` + strings.Join(store.SeedTables, "','") + `')
			UNION ALL
			SELECT 'fk ' || k.conrelid::regclass::text || ' ' || k.conname || ' ' || pg_get_constraintdef(k.oid) FROM pg_constraint k
			JOIN pg_class c ON c.oid = k.conrelid
			WHERE k.contype = 'f' AND c.relnamespace = current_schema()::regnamespace AND c.relname IN ('` + strings.Join(store.SeedTables, "','") + `')`
	}
	rows, err := db.SQL().Query(q)
	out := scanStrings(t, rows, err)
	slices.Sort(out)
	return out
}

// A bulk load sets the seed tables' secondary indexes aside while it runs
// and gives back exactly the schema it found, whether it commits or
// fails; a row without its parent fails the whole load on both backends
// (PostgreSQL validates the foreign keys it added back).
func TestBulkLoad_RebuildsWhatItSetAsideAndChecksForeignKeys(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		t.Parallel()
		ctx := context.Background()
		before := schemaOf(t, db)
		if !slices.ContainsFunc(before, func(s string) bool { return strings.Contains(s, "journal_person") }) {
			t.Fatalf("no journal_person index to begin with:\n%s", strings.Join(before, "\n"))
		}
		c := &storetest.Counter{}
		cctx := c.Context(ctx)
		if err := db.BulkLoad(cctx, store.SeedTables, func(tx *store.Tx) error { return nil }); err != nil {
			t.Fatal(err)
		}
		// The indexes were built again: set aside, then.
		if !slices.ContainsFunc(c.Statements, func(s string) bool { return strings.HasPrefix(s, "CREATE INDEX journal_person ") }) {
			t.Fatalf("no index built by the bulk load:\n%s", c)
		}
		if after := schemaOf(t, db); !slices.Equal(before, after) {
			t.Fatalf("schema changed by a bulk load:\nbefore %q\nafter  %q", before, after)
		}
		// A failed load rolls back the drops too.
		errStop := errors.New("stop")
		if err := db.BulkLoad(ctx, store.SeedTables, func(tx *store.Tx) error { return errStop }); !errors.Is(err, errStop) {
			t.Fatalf("err = %v, want errStop", err)
		}
		if after := schemaOf(t, db); !slices.Equal(before, after) {
			t.Fatalf("schema changed by a failed bulk load:\nbefore %q\nafter  %q", before, after)
		}
		// A recorder row for a person that does not exist.
		err := db.BulkLoad(ctx, store.SeedTables, func(tx *store.Tx) error {
			return tx.InsertRows(ctx, "person_recorders", []string{"person_id", "worker_id"}, [][]any{{"no-such-person", "no-such-worker"}})
		})
		if err == nil {
			t.Fatal("a row without its parent was loaded")
		}
		var n int
		if err := db.SQL().QueryRow("SELECT count(*) FROM person_recorders").Scan(&n); err != nil || n != 0 {
			t.Fatalf("%d recorder rows (%v), want none", n, err)
		}
		if after := schemaOf(t, db); !slices.Equal(before, after) {
			t.Fatalf("schema changed by a refused bulk load:\nbefore %q\nafter  %q", before, after)
		}
	})
}
