package store_test

import (
	"context"
	"slices"
	"testing"

	"parcours/internal/store"
	"parcours/internal/store/storetest"
)

// A bulk transaction loads rows with COPY on PostgreSQL, on the
// transaction's own connection (rolled back with it), and with multi-row
// INSERTs on SQLite; an ordinary transaction never copies.
func TestInsertRows_CopyInBulkTransactionsOnPostgres(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		t.Parallel()
		c := &storetest.Counter{}
		ctx := c.Context(context.Background())
		rows := [][]any{{"a", "h", int64(1)}, {"b", "h", int64(2)}, {"c", "h", int64(3)}}
		cols := []string{"name", "holder", "expires_at"}
		if err := db.TransactBulk(ctx, func(tx *store.Tx) error { return tx.InsertRows(ctx, "job_leases", cols, rows) }); err != nil {
			t.Fatal(err)
		}
		copied := slices.Contains(c.Statements, "COPY INTO job_leases")
		if copied != (db.Dialect() == store.Postgres) {
			t.Fatalf("%s: COPY used %v\n%s", db.Dialect(), copied, c)
		}
		// Rolled back with its transaction: COPY ran inside it.
		errRollback := context.Canceled
		err := db.TransactBulk(ctx, func(tx *store.Tx) error {
			if err := tx.InsertRows(ctx, "job_leases", cols, [][]any{{"d", "h", int64(4)}}); err != nil {
				return err
			}
			return errRollback
		})
		if err != errRollback {
			t.Fatal(err)
		}
		c2 := &storetest.Counter{}
		ctx2 := c2.Context(context.Background())
		if err := db.Transact(ctx2, func(tx *store.Tx) error {
			return tx.InsertRows(ctx2, "job_leases", cols, [][]any{{"e", "h", int64(5)}})
		}); err != nil {
			t.Fatal(err)
		}
		if slices.Contains(c2.Statements, "COPY INTO job_leases") {
			t.Fatal("an ordinary transaction copied")
		}
		var n int
		if err := db.SQL().QueryRow("SELECT COUNT(*) FROM job_leases").Scan(&n); err != nil || n != 4 {
			t.Fatalf("%d rows, %v; want a, b, c and e", n, err)
		}
	})
}
