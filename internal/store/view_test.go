package store_test

import (
	"context"
	"testing"
	"time"

	"parcours/internal/store"
	"parcours/internal/store/storetest"
)

// A read may not write: on SQLite its connection is query_only, on
// PostgreSQL it runs without a transaction that would keep the write
// atomic with the rest. The write fails and leaves nothing behind.
func TestView_RefusesAWrite(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		err := db.View(ctx, func(tx *store.Tx) error {
			return tx.InsertWrappedKey(ctx, "view-test", "wrapped")
		})
		if err == nil {
			t.Fatal("a write inside View succeeded")
		}
		var n int
		q := "SELECT COUNT(*) FROM instance_keys WHERE name = 'view-test'"
		if err := db.SQL().QueryRowContext(ctx, q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Fatalf("the refused write left %d row(s)", n)
		}
		// The same write in a write transaction is fine.
		if err := db.Transact(ctx, func(tx *store.Tx) error {
			return tx.InsertWrappedKey(ctx, "view-test", "wrapped")
		}); err != nil {
			t.Fatal(err)
		}
	})
}

// Rows a read leaves open do not keep its connection: View returns, and
// on PostgreSQL, where a read's connection is given back without a
// transaction's end to close them, the pool has every connection back
// (SQLite's read pool also lends one to its statement preparer).
func TestView_RowsLeftOpenDoNotKeepTheConnection(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		done := make(chan error, 1)
		go func() {
			done <- db.View(ctx, func(tx *store.Tx) error {
				return tx.LeaveRowsOpen(ctx, "SELECT id FROM persons UNION ALL SELECT 'x'")
			})
		}()
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(30 * time.Second):
			t.Fatal("View did not return with rows left open")
		}
		if n := db.ReadConnsInUse(); db.Dialect() == store.Postgres && n != 0 {
			t.Fatalf("%d read connection(s) still in use after View returned", n)
		}
	})
}
