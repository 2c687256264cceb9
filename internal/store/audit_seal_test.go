package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"parcours/internal/audit"
	"parcours/internal/parcours"
	"parcours/internal/store"
	"parcours/internal/store/storetest"
)

func countRows(t *testing.T, db *store.DB, table string) int {
	t.Helper()
	var n int
	if err := db.SQL().QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// With a sealer in charge (inline sealing off), a transaction and a read
// commit their events unchained, before returning; the sealer chains them
// in the order they were written, and "audit verify" sees them pending
// until then.
func TestAuditSeal_EventsCommitUnchainedAndTheSealerChainsThem(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		t.Parallel()
		ctx := context.Background()
		db.SetSealInline(false)
		actor := parcours.Actor{WorkerID: "w", OrgID: "o", Role: parcours.RoleWorker}
		for i := range 3 {
			if err := db.Transact(ctx, func(tx *store.Tx) error {
				tx.Audit(audit.For(actor, "test.write", "thing", fmt.Sprint("w", i), ""))
				return nil
			}); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.View(ctx, func(tx *store.Tx) error {
			tx.Audit(audit.For(actor, "test.read", "thing", "r0", ""))
			tx.Audit(audit.For(actor, "test.read", "thing", "r1", ""))
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if p, s := countRows(t, db, "audit_pending"), countRows(t, db, "audit_events"); p != 5 || s != 0 {
			t.Fatalf("before sealing: %d pending, %d sealed; want 5 and 0", p, s)
		}
		n, oldest, err := db.Unsealed(ctx, db.Now().Add(time.Hour))
		if err != nil || n != 5 || oldest.IsZero() {
			t.Fatalf("unsealed: %d, %v, %v; want 5", n, oldest, err)
		}
		if n, _, _ := db.Unsealed(ctx, db.Now().Add(-time.Hour)); n != 0 {
			t.Fatalf("%d events unsealed for an hour, want 0", n)
		}
		// A pending event is never changed.
		if _, err := db.SQL().Exec("UPDATE audit_pending SET action = 'forged'"); err == nil {
			t.Fatal("a pending audit event was updated")
		}
		if n, err := db.SealAudit(ctx); err != nil || n != 5 {
			t.Fatalf("seal: %d, %v; want 5", n, err)
		}
		if p, s := countRows(t, db, "audit_pending"), countRows(t, db, "audit_events"); p != 0 || s != 5 {
			t.Fatalf("after sealing: %d pending, %d sealed; want 0 and 5", p, s)
		}
		rows, err := db.SQL().Query("SELECT object_id FROM audit_events ORDER BY seq")
		order := scanStrings(t, rows, err)
		if fmt.Sprint(order) != "[w0 w1 w2 r0 r1]" {
			t.Fatalf("chained in the order %v, want the order written", order)
		}
		rep, err := db.VerifyAudit(ctx, nil)
		if err != nil || rep.Problem != nil || rep.Checked != 5 {
			t.Fatalf("verify: %+v, %v", rep, err)
		}
		if n, err := db.SealAudit(ctx); err != nil || n != 0 {
			t.Fatalf("second seal: %d, %v; want nothing left", n, err)
		}
		// Without a sealer, each transaction seals its own events.
		db.SetSealInline(true)
		if err := db.Transact(ctx, func(tx *store.Tx) error {
			tx.Audit(audit.For(actor, "test.write", "thing", "inline", ""))
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if p, s := countRows(t, db, "audit_pending"), countRows(t, db, "audit_events"); p != 0 || s != 6 {
			t.Fatalf("inline: %d pending, %d sealed; want 0 and 6", p, s)
		}
	})
}

// Two instances on one database, each running its sealer while both
// write and read: one holds the lease, every event ends up in one
// gapless, valid chain, and stopping the sealers leaves nothing pending.
func TestAuditSeal_TwoInstancesTwoSealersOneChain(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(d.String(), func(t *testing.T) {
			t.Parallel()
			_, dbs := storetest.Instances(t, d, 2)
			ctx := context.Background()
			sctx, stop := context.WithCancel(ctx)
			var sealers sync.WaitGroup
			errs := make(chan error, 100)
			for i, db := range dbs {
				db.SetSealInline(false)
				sealers.Add(1)
				go func() {
					defer sealers.Done()
					db.RunAuditSealer(sctx, fmt.Sprint("instance-", i), func(err error) { errs <- err })
				}()
			}
			const writers, each = 3, 20
			var wg sync.WaitGroup
			for i, db := range dbs {
				for g := range writers {
					wg.Add(1)
					go func() {
						defer wg.Done()
						actor := parcours.Actor{WorkerID: fmt.Sprint("w", i, g), OrgID: "o", Role: parcours.RoleWorker}
						for n := range each {
							err := db.Transact(ctx, func(tx *store.Tx) error {
								tx.Audit(audit.For(actor, "test.write", "thing", fmt.Sprint(n), ""))
								return nil
							})
							if err == nil {
								err = db.View(ctx, func(tx *store.Tx) error {
									tx.Audit(audit.For(actor, "test.read", "thing", fmt.Sprint(n), ""))
									return nil
								})
							}
							if err != nil {
								errs <- err
								return
							}
						}
					}()
				}
			}
			wg.Wait()
			// The lease holder seals every SealEvery: wait for it, without
			// a time limit of our own (the test's timeout stands).
			for countRows(t, dbs[0], "audit_pending") > 0 {
				time.Sleep(store.SealEvery)
			}
			var holder string
			if err := dbs[0].SQL().QueryRow("SELECT holder FROM job_leases WHERE name = '" + store.SealerLease + "'").Scan(&holder); err != nil {
				t.Fatal(err)
			}
			if holder != "instance-0" && holder != "instance-1" {
				t.Fatalf("sealer lease held by %q", holder)
			}
			stop()
			sealers.Wait()
			close(errs)
			for err := range errs {
				t.Fatal(err)
			}
			want := 2 * writers * each * 2
			rep, err := dbs[1].VerifyAudit(ctx, nil)
			if err != nil || rep.Problem != nil || rep.Checked != int64(want) || rep.LastSeq != int64(want) {
				t.Fatalf("verify: %+v (problem %v), %v; want %d events, seq 1–%d", rep, rep.Problem, err, want, want)
			}
			if n := countRows(t, dbs[0], "audit_pending"); n != 0 {
				t.Fatalf("%d events left pending", n)
			}
		})
	}
}

// The sealer vacuums its queue on PostgreSQL once it has deleted enough
// rows from it (the threshold lowered to 50 here), so that a server with
// autovacuum off does not make every seal walk more dead rows. On SQLite,
// which reuses freed pages itself, it seals as before.
func TestAuditSeal_SealerVacuumsItsQueue(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		t.Parallel()
		ctx := context.Background()
		db.SetPendingVacuumRows(50)
		sctx, stop := context.WithCancel(ctx)
		errs := make(chan error, 100)
		done := make(chan struct{})
		go func() {
			defer close(done)
			db.RunAuditSealer(sctx, "vacuum-test", func(err error) { errs <- err })
		}()
		actor := parcours.Actor{WorkerID: "w", OrgID: "o", Role: parcours.RoleWorker}
		for n := range 120 {
			if err := db.Transact(ctx, func(tx *store.Tx) error {
				tx.Audit(audit.For(actor, "test.write", "thing", fmt.Sprint(n), ""))
				return nil
			}); err != nil {
				t.Fatal(err)
			}
		}
		for countRows(t, db, "audit_pending") > 0 {
			time.Sleep(store.SealEvery)
		}
		vacuums := func() int {
			var n int
			if err := db.SQL().QueryRow("SELECT vacuum_count FROM pg_stat_user_tables WHERE relname = 'audit_pending'").Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		if db.Dialect() == store.Postgres {
			deadline := time.Now().Add(30 * time.Second)
			for vacuums() == 0 {
				if time.Now().After(deadline) {
					t.Fatal("the sealer deleted 120 rows from audit_pending and never vacuumed it")
				}
				time.Sleep(store.SealEvery)
			}
		}
		stop()
		<-done
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		if s := countRows(t, db, "audit_events"); s != 120 {
			t.Fatalf("%d events sealed, want 120", s)
		}
		if rep, err := db.VerifyAudit(ctx, nil); err != nil || rep.Problem != nil {
			t.Fatalf("verify: %+v, %v", rep, err)
		}
	})
}
