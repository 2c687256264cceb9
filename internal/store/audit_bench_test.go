package store_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"parcours/internal/audit"
	"parcours/internal/parcours"
	"parcours/internal/store"
	"parcours/internal/store/storetest"
)

// BenchmarkAuditVerify measures "parcours audit verify" on a chain of
// PARCOURS_BENCH_AUDIT_EVENTS events (1,000,000 by default), on each
// backend. The goal (issue 4): at least one million events in at most 10
// seconds. The chain is loaded with multi-row inserts of events sealed in
// Go, which is what the store would have written one by one.
func BenchmarkAuditVerify(b *testing.B) {
	n := 1_000_000
	if v, err := strconv.Atoi(os.Getenv("PARCOURS_BENCH_AUDIT_EVENTS")); err == nil && v > 0 {
		n = v
	}
	for _, d := range storetest.Dialects {
		b.Run(fmt.Sprintf("%s/%d", d, n), func(b *testing.B) {
			db := storetest.Open(b, d)
			loadChain(b, db, n)
			b.ResetTimer()
			for range b.N {
				rep, err := db.VerifyAudit(context.Background(), nil)
				if err != nil || rep.Problem != nil || rep.Checked != int64(n) {
					b.Fatalf("verify: %+v, %v", rep, err)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
		})
	}
}

func loadChain(b *testing.B, db *store.DB, n int) {
	b.Helper()
	const batch = 500
	prev, seq := audit.GenesisHash, int64(0)
	at := time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC)
	tx, err := db.SQL().Begin()
	if err != nil {
		b.Fatal(err)
	}
	for seq < int64(n) {
		var q strings.Builder
		q.WriteString("INSERT INTO audit_events (seq, id, at, actor_id, org_id, role, action, object_type, object_id, person_id, request_id, break_glass_id, reason, prev_hash, hash) VALUES ")
		var args []any
		for i := 0; i < batch && seq < int64(n); i++ {
			ev := audit.Event{ID: store.NewID(), At: at.Add(time.Duration(seq) * time.Millisecond), ActorID: "0193f0a2-7c1e-7000-8000-00000000beef",
				OrgID: "0193f0a2-7c1e-7000-8000-00000000cafe", Role: "worker", Action: "person.read", ObjectType: "person",
				ObjectID: "0193f0a2-7c1e-7000-8000-000000000001", PersonID: "0193f0a2-7c1e-7000-8000-000000000001", RequestID: "5f2c9e0d1a2b3c4d"}
			ev.Seal(seq, prev)
			seq, prev = ev.Seq, ev.Hash
			if i > 0 {
				q.WriteString(",")
			}
			base := len(args)
			q.WriteString("(")
			for j := 1; j <= 15; j++ {
				if j > 1 {
					q.WriteString(",")
				}
				if db.Dialect() == store.Postgres {
					fmt.Fprintf(&q, "$%d", base+j)
				} else {
					q.WriteString("?")
				}
			}
			q.WriteString(")")
			args = append(args, ev.Seq, ev.ID, ev.At.UnixMicro(), ev.ActorID, ev.OrgID, ev.Role, ev.Action, ev.ObjectType, ev.ObjectID,
				ev.PersonID, ev.RequestID, ev.BreakGlass, ev.Reason, ev.PrevHash, ev.Hash)
		}
		if _, err := tx.Exec(q.String(), args...); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkAuditOverhead measures what auditing adds to a small write (one
// row, like a journal entry): the same transaction with and without its
// event. The goal (issue 4): at most 20 % more.
func BenchmarkAuditOverhead(b *testing.B) {
	for _, d := range storetest.Dialects {
		for _, audited := range []bool{false, true} {
			b.Run(fmt.Sprintf("%s/audited=%v", d, audited), func(b *testing.B) {
				db := storetest.Open(b, d)
				ctx := context.Background()
				var org parcours.Organization
				org.Name, org.Kind = "Bench", parcours.OrgCCAS
				w := &parcours.Worker{Email: "bench@b.test", Role: parcours.RoleWorker}
				if err := db.Transact(ctx, func(tx *store.Tx) error {
					if err := tx.InsertOrganization(ctx, &org); err != nil {
						return err
					}
					w.OrgID = org.ID
					return tx.InsertWorker(ctx, w, "")
				}); err != nil {
					b.Fatal(err)
				}
				b.ResetTimer()
				for range b.N {
					err := db.Transact(ctx, func(tx *store.Tx) error {
						n := &parcours.Notification{WorkerID: w.ID, Kind: "bench", PersonID: "p", ObjectID: "o"}
						if err := tx.InsertNotification(ctx, n); err != nil {
							return err
						}
						if audited {
							tx.Audit(audit.For(w.Actor(), "journal.create", "journal_entry", n.ID, "p"))
						}
						return nil
					})
					if err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
