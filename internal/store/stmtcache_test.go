package store

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// On SQLite a query seen once is prepared by the preparer, off any
// transaction, and later transactions on both pools run the prepared
// statement. Many writers and readers at once, each bringing new queries
// while the single writer connection is held, all finish: nothing
// prepares on a pool from inside a transaction.
func TestStmtCache_PreparesOffTransactionsWithoutDeadlock(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "cache.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.w.ExecContext(ctx, "CREATE TABLE things (id INTEGER PRIMARY KEY, name TEXT NOT NULL)"); err != nil {
		t.Fatal(err)
	}
	const insert = "INSERT INTO things (name) VALUES (?)"
	const read = "SELECT COUNT(*) FROM things WHERE name <> ?"
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 20 {
				// A query of its own now and then: new to the cache while
				// the writer is busy with the others.
				extra := fmt.Sprintf("SELECT %d + ?", g*100+i%3)
				err := db.Transact(ctx, func(tx *Tx) error {
					if _, err := tx.exec(ctx, insert, fmt.Sprint(g, i)); err != nil {
						return err
					}
					var n int
					return tx.queryRow(ctx, extra, 1).Scan(&n)
				})
				if err == nil {
					err = db.View(ctx, func(tx *Tx) error {
						var n int
						if err := tx.queryRow(ctx, read, "x").Scan(&n); err != nil {
							return err
						}
						return tx.queryRow(ctx, extra, 2).Scan(&n)
					})
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	// The preparer runs on its own: wait for it, without a time limit of
	// our own (the test's timeout stands).
	for db.wStmts.get(insert) == nil || db.rStmts.get(read) == nil {
		time.Sleep(time.Millisecond)
	}
	if err := db.Transact(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, insert, "prepared")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := db.View(ctx, func(tx *Tx) error { return tx.queryRow(ctx, read, "x").Scan(&n) }); err != nil || n != 16*20+1 {
		t.Fatalf("read through the prepared statement: %d, %v; want %d", n, err, 16*20+1)
	}
	if db.rStmts.get("SELECT 1 WHERE ?") != nil || db.wStmts.get(insert+" ") != nil {
		t.Fatal("an unseen query came out prepared")
	}
}

// TestStmtCache_TakesTheFileFactsStatement: the facts statement of every
// file opened (with the last visit, for the person page) is prepared
// once, not re-parsed per request.
func TestStmtCache_TakesTheFileFactsStatement(t *testing.T) {
	tx := &Tx{}
	for _, visit := range []bool{false, true} {
		if q, _ := tx.fileFactsStatement("worker", []string{"person"}, visit); len(q) > stmtCacheMaxLen {
			t.Errorf("visit=%v: the facts statement has %d characters, the statement cache takes %d at most", visit, len(q), stmtCacheMaxLen)
		}
	}
}
