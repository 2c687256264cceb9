package retention_test

import (
	"context"
	"testing"
	"time"

	"parcours/internal/demo"
	"parcours/internal/parcours"
	"parcours/internal/retention"
	"parcours/internal/stats"
	"parcours/internal/store"
	"parcours/internal/store/storetest"
)

// TestDemo_HistoryGivesTheRetentionPlanAndStatisticsContent: the demo's
// two years and more of history leave files to anonymise (accompaniments
// ended more than two years ago), active files, and accompaniments closed
// in the last year with their reasons.
func TestDemo_HistoryGivesTheRetentionPlanAndStatisticsContent(t *testing.T) {
	t.Parallel()
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, today := populated(t, db, 600, 2026)
		svc := retention.New(db, t.TempDir())
		svc.SetClock(func() time.Time { return today })
		plans, err := svc.PlanAll(ctx, parcours.SystemActor())
		if err != nil {
			t.Fatal(err)
		}
		due := 0
		for _, p := range plans {
			for _, b := range p.Batches {
				if b.Action == retention.ActionAnonymise {
					due += b.Files
				}
			}
		}
		if due < 5 {
			t.Errorf("%d files due for anonymisation in the demo, want some", due)
		}
		st := stats.New(db)
		var closed, active int
		for _, o := range s.Orgs {
			rep, err := st.Report(ctx, parcours.Actor{System: true, OrgID: o.ID}, stats.Query{From: "2025-11-28", To: "2026-11-28"})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rep.Table("summary").Rows {
				switch r.Key {
				case "closed":
					closed += r.Cell.N
				case "active":
					active += r.Cell.N
				}
			}
		}
		if closed == 0 || active == 0 {
			t.Errorf("demo statistics: %d active, %d closed in the last year; want both", active, closed)
		}
	})
}

// populated fills db with the demo's organisations and persons of seed
// as of today, 28 November 2026 at 10:00 UTC (the database's clock is
// set there).
func populated(t *testing.T, db *store.DB, persons int, seed uint64) (*demo.Setting, time.Time) {
	t.Helper()
	ctx := context.Background()
	s, err := demo.EnsureSetting(ctx, db, false)
	if err != nil {
		t.Fatal(err)
	}
	today := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return today }
	if _, err := demo.Populate(ctx, db, s, demo.Options{Persons: persons, Seed: seed, Today: today, Journals: true}); err != nil {
		t.Fatal(err)
	}
	return s, today
}
