package retention_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"parcours/internal/parcours"
	"parcours/internal/retention"
	"parcours/internal/store"
	"parcours/internal/store/storetest"
)

// TestPlan_PageByPageFindsWhatOnePageFinds: a plan read seven files at a
// time, over an organisation of hundreds, lists exactly the files a plan
// read in one page lists, writes them in many short transactions (one
// per page with due files) instead of one, and stays hidden until its
// last transaction opens it.
func TestPlan_PageByPageFindsWhatOnePageFinds(t *testing.T) {
	t.Parallel()
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, today := populated(t, db, 300, 7)
		org := s.Orgs[0].ID
		plan := func(page int) (map[string][]store.RetentionItem, int, int) {
			svc := retention.New(db, t.TempDir())
			svc.SetClock(func() time.Time { return today })
			svc.SetPage(page)
			var txs, itemWrites int
			octx := store.WithObserver(ctx, func(q string) {
				switch {
				case q == store.Begin:
					txs++
				case strings.Contains(q, "INSERT INTO retention_batch_items"):
					itemWrites++
				}
			})
			p, err := svc.PlanOrg(octx, parcours.SystemActor(), org)
			if err != nil {
				t.Fatal(err)
			}
			if p.Status != "open" {
				t.Fatalf("plan status %q, want open", p.Status)
			}
			out := map[string][]store.RetentionItem{}
			err = db.View(ctx, func(tx *store.Tx) error {
				for _, b := range p.Batches {
					full, err := tx.RetentionBatch(ctx, b.ID)
					if err != nil {
						return err
					}
					if full.Files != len(full.Items) || b.Files != len(full.Items) {
						t.Errorf("batch %s counts %d (returned %d), holds %d items", b.Action, full.Files, b.Files, len(full.Items))
					}
					items := full.Items
					slices.SortFunc(items, func(a, b store.RetentionItem) int { return strings.Compare(a.PersonID, b.PersonID) })
					out[b.Action] = items
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			return out, txs, itemWrites
		}
		whole, wholeTxs, _ := plan(100000)
		paged, pagedTxs, writes := plan(7)
		n := len(whole[retention.ActionAnonymise]) + len(whole[retention.ActionArchive])
		if n < 10 {
			t.Fatalf("%d files due in the demo organisation, want enough for several pages", n)
		}
		for _, action := range []string{retention.ActionArchive, retention.ActionAnonymise} {
			if !slices.Equal(whole[action], paged[action]) {
				t.Errorf("%s: paged plan lists %d files, whole plan %d (or other files)", action, len(paged[action]), len(whole[action]))
			}
		}
		if writes != n {
			t.Errorf("%d item inserts, want %d", writes, n)
		}
		// One transaction to begin, one to open; per page a read and,
		// when a file of it is due, a write.
		if pagedTxs <= wholeTxs+n/7 {
			t.Errorf("paged plan ran %d transactions, the whole one %d: want at least one per page of 7 over %d due files", pagedTxs, wholeTxs, n)
		}
		// Only the open plans are listed (the second superseded the
		// first); a preparation that died is hidden, then swept.
		var plans []*store.RetentionPlan
		if err := db.View(ctx, func(tx *store.Tx) error {
			var err error
			plans, err = tx.RetentionPlans(ctx, org, 50)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if len(plans) != 2 || plans[0].Status != "open" || plans[1].Status != "superseded" {
			t.Fatalf("plans listed: %d, want the open one and the superseded one", len(plans))
		}
		dead := &store.RetentionPlan{OrgID: org, Day: "2026-11-28", Batches: []*store.RetentionBatch{{Action: retention.ActionArchive}}}
		if err := db.Transact(ctx, func(tx *store.Tx) error {
			if err := tx.BeginRetentionPlan(ctx, dead); err != nil {
				return err
			}
			return tx.AddRetentionItems(ctx, dead.Batches[0], whole[retention.ActionAnonymise][:1])
		}); err != nil {
			t.Fatal(err)
		}
		listed := func() int {
			var n int
			if err := db.View(ctx, func(tx *store.Tx) error {
				ps, err := tx.RetentionPlans(ctx, org, 50)
				n = len(ps)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n := listed(); n != 2 {
			t.Fatalf("a plan being prepared is listed: %d plans", n)
		}
		count := func() int {
			var n int
			if err := db.SQL().QueryRowContext(ctx, "SELECT COUNT(*) FROM retention_plans").Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		before := count()
		db.Now = func() time.Time { return today.Add(2 * time.Hour) }
		if _, _, _ = plan(50); count() != before {
			t.Errorf("%d plans after a third plan swept the dead preparation (had %d with it), want as many", count(), before)
		}
	})
}
