package store_test

import (
	"context"
	"testing"
	"time"

	"parcours/internal/demo"
	"parcours/internal/store"
	"parcours/internal/store/storetest"
)

// A bulk load (the seed) leaves SQLite's journal full-text index in one
// segment, still finding what it holds: the upkeep of a server started on
// it has no backlog to merge in front of the requests. 6,000 persons
// (~60,000 entries) make a rebuild write several segments.
func TestBulkLoad_LeavesTheFullTextIndexMerged(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	ctx := context.Background()
	s, err := demo.EnsureSetting(ctx, db, false)
	if err != nil {
		t.Fatal(err)
	}
	today := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	st, err := demo.Populate(ctx, db, s, demo.Options{Persons: 6000, Seed: 1, Today: today, Journals: true, Bulk: true})
	if err != nil {
		t.Fatal(err)
	}
	if st.Entries < 40000 {
		t.Fatalf("%d entries seeded, want enough for several segments", st.Entries)
	}
	segs, err := db.FullTextSegments(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(segs) != 1 {
		t.Fatalf("%d full-text segments after the bulk load, want 1: %+v", len(segs), segs)
	}
	var indexed, entries int
	if err := db.SQL().QueryRow("SELECT COUNT(*) FROM journal_entries").Scan(&entries); err != nil {
		t.Fatal(err)
	}
	// Every entry is still in the index: the rowids FTS5 holds.
	if err := db.SQL().QueryRow("SELECT COUNT(*) FROM journal_fts_docsize").Scan(&indexed); err != nil {
		t.Fatal(err)
	}
	if indexed != entries {
		t.Fatalf("%d entries indexed, want %d", indexed, entries)
	}
	if steps, err := db.MergeFullText(ctx); err != nil || steps != 0 {
		t.Fatalf("upkeep after the load: %d merge steps (%v), want none", steps, err)
	}
}
