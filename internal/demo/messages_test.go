package demo

import (
	"context"
	"testing"
	"time"

	"parcours/internal/messaging"
	"parcours/internal/parcours"
	"parcours/internal/referral"
	"parcours/internal/store"
	"parcours/internal/store/storetest"
)

// The demo's messaging: a thread between two CCAS workers and one
// between the CCAS and the Département under the accepted referral, read
// by both structures' participants through the service, with unread
// notifications left for them.
func TestAddMessages_CCASThreadAndExchangeUnderTheReferral(t *testing.T) {
	ctx := context.Background()
	today := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		s, _ := referralsDemo(t, db, today)
		st, err := AddMessages(ctx, db, s, today)
		if err != nil {
			t.Fatal(err)
		}
		if st.Threads != 2 || st.Messages != 6 {
			t.Fatalf("stats %+v", st)
		}
		var underReferral, unread int
		q := db.SQL()
		if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM message_threads WHERE referral_id IS NOT NULL`).Scan(&underReferral); err != nil {
			t.Fatal(err)
		}
		if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM notifications WHERE kind = 'message' AND read_at = 0`).Scan(&unread); err != nil {
			t.Fatal(err)
		}
		if underReferral != 1 || unread < 3 {
			t.Fatalf("%d threads under a referral, %d unread message notifications", underReferral, unread)
		}
		// The Département's participant reads the exchange through the
		// share, from the referral.
		svc, refs := messaging.New(db, nil), referral.New(db)
		found := false
		for _, w := range s.Workers[1] {
			if w.Role != parcours.RoleWorker {
				continue
			}
			list, err := refs.List(ctx, w.Actor(), referral.BoxReceived, parcours.ReferralAccepted)
			if err != nil {
				t.Fatal(err)
			}
			for _, it := range list {
				v, err := svc.ReferralThreads(ctx, w.Actor(), it.ID)
				if err != nil {
					t.Fatal(err)
				}
				for _, th := range v.Threads {
					tv, err := svc.Get(ctx, w.Actor(), th.ID)
					if err != nil || len(tv.Messages) != 3 {
						t.Fatalf("the Département's participant reads: %v", err)
					}
					found = true
				}
			}
		}
		if !found {
			t.Fatal("no Département worker reads the exchange")
		}
	})
}
