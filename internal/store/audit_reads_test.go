package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"parcours/internal/audit"
	"parcours/internal/parcours"
	"parcours/internal/store"
	"parcours/internal/store/storetest"
)

// Reads write their audit events in batches shared by concurrent reads:
// each read still gets exactly its own events, committed before it
// returns, and the chain stays whole.
func TestAuditReads_ConcurrentReadsEachRecordedOnceInAWholeChain(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		const readers = 40
		actor := parcours.Actor{WorkerID: "w", OrgID: "o", Role: parcours.RoleWorker}
		placeholder := "?"
		if db.Dialect() == store.Postgres {
			placeholder = "$1"
		}
		var wg sync.WaitGroup
		errs := make(chan error, readers)
		for i := range readers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				object := fmt.Sprintf("obj-%02d", i)
				err := db.View(ctx, func(tx *store.Tx) error {
					tx.Audit(audit.For(actor, "test.read", "thing", object, ""))
					tx.Audit(audit.For(actor, "test.read.detail", "thing", object, ""))
					return nil
				})
				if err == nil {
					// Committed before the read returned: visible now.
					var n int
					err = db.SQL().QueryRowContext(ctx, "SELECT COUNT(*) FROM audit_events WHERE object_id = "+placeholder, object).Scan(&n)
					if err == nil && n != 2 {
						err = fmt.Errorf("%s: %d events after the read returned, want 2", object, n)
					}
				}
				errs <- err
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		rep, err := db.VerifyAudit(ctx, nil)
		if err != nil || rep.Problem != nil {
			t.Fatalf("verify: %+v, %v", rep, err)
		}
		if rep.Checked != 2*readers {
			t.Fatalf("chain has %d events, want %d", rep.Checked, 2*readers)
		}
	})
}
