package demo

import (
	"context"
	"testing"
	"time"

	"parcours/internal/casefile"
	"parcours/internal/parcours"
	"parcours/internal/referral"
	"parcours/internal/store"
	"parcours/internal/store/storetest"
)

// referralsDemo populates a small demo on db as of today (300 persons
// with journals) and adds its referrals.
func referralsDemo(t *testing.T, db *store.DB, today time.Time) (*Setting, ReferralStats) {
	t.Helper()
	ctx := context.Background()
	s, err := EnsureSetting(ctx, db, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Populate(ctx, db, s, Options{Persons: 300, Seed: 2026, Today: today, Journals: true}); err != nil {
		t.Fatal(err)
	}
	db.Now = func() time.Time { return today }
	st, err := AddReferrals(ctx, db, s, casefile.New(db, casefile.Config{DataDir: t.TempDir()}), today)
	if err != nil {
		t.Fatal(err)
	}
	return s, st
}

// The demo's referrals: the CCAS and the Département exchange them both
// ways, one accepted (with the receiving service's note), one pending
// past its reminder, one refused with a reason, and one goes to the
// association by letter.
func TestAddReferrals_BothWaysPendingRemindedRefusedWithReason(t *testing.T) {
	ctx := context.Background()
	today := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		s, st := referralsDemo(t, db, today)
		if st.Services != 6 || st.Referrals != 6 {
			t.Fatalf("stats %+v", st)
		}
		refs := referral.New(db)
		box := func(org int, b string) []referral.Item {
			t.Helper()
			var all []referral.Item
			for _, w := range s.Workers[org] {
				if w.Role != parcours.RoleWorker {
					continue
				}
				list, err := refs.List(ctx, w.Actor(), b, "")
				if err != nil {
					t.Fatal(err)
				}
				if b == referral.BoxReceived {
					return list
				}
				all = append(all, list...)
			}
			return all
		}
		statuses := map[string]int{}
		for org := range 2 {
			for _, it := range box(org, referral.BoxSent) {
				statuses[it.Status]++
				if it.Status == parcours.ReferralRefused && it.RefusalReason == "" {
					t.Errorf("refused without a reason: %+v", it.Referral)
				}
				if parcours.ReferralPending(it.Status) && it.DelayDays() >= 8 && it.RemindedAt.IsZero() {
					t.Errorf("pending past its reminder, not reminded: %+v", it.Referral)
				}
			}
			if len(box(org, referral.BoxReceived)) == 0 {
				t.Errorf("%s received no referral", s.Orgs[org].Name)
			}
		}
		if statuses[parcours.ReferralAccepted] != 1 || statuses[parcours.ReferralRefused] != 1 || statuses[parcours.ReferralSent]+statuses[parcours.ReferralReceived] != 4 {
			t.Errorf("statuses %v", statuses)
		}
		// The accepted person was referred back by the Département to the
		// CCAS, with only the Département's note.
		accepted := map[string]bool{}
		for _, it := range box(0, referral.BoxSent) {
			if it.Status == parcours.ReferralAccepted {
				accepted[it.PersonID] = true
			}
		}
		back := 0
		for _, it := range box(1, referral.BoxSent) {
			if !accepted[it.PersonID] {
				continue
			}
			back++
			r, err := refs.Get(ctx, s.Workers[1][demoReceiver(s, 1, "")].Actor(), it.ID)
			if err != nil {
				t.Fatal(err)
			}
			if r.Referral.ToOrgID != s.Orgs[0].ID || len(r.Extract.Entries) != 1 || r.Extract.Entries[0].OrgID != s.Orgs[1].ID || r.Extract.Situation != nil {
				t.Errorf("referral back: to %s, extract %+v", r.Referral.ToOrgID, r.Extract)
			}
		}
		if back != 1 {
			t.Errorf("%d referrals back, want 1", back)
		}
		reminded := 0
		for org := range 2 {
			for _, it := range box(org, referral.BoxSent) {
				if !it.RemindedAt.IsZero() {
					reminded++
				}
			}
		}
		if reminded != 1 {
			t.Errorf("%d referrals reminded, want the one pending for 11 days", reminded)
		}
	})
}
