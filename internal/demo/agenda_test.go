package demo

import (
	"context"
	"testing"
	"time"

	"parcours/internal/store"
	"parcours/internal/store/storetest"
)

func TestAddAppointments_AWeekPerReferentSomeHonouredSomeMissedAndDeskVisits(t *testing.T) {
	ctx := context.Background()
	// A Thursday afternoon: Monday to Thursday morning are past.
	now := time.Date(2026, 12, 3, 15, 0, 0, 0, time.UTC)
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		s, err := EnsureSetting(ctx, db, false)
		if err != nil {
			t.Fatal(err)
		}
		st, err := Populate(ctx, db, s, Options{Persons: 120, Seed: 2026, Today: now, Journals: true})
		if err != nil {
			t.Fatal(err)
		}
		db.Now = func() time.Time { return now }
		ag, err := AddAppointments(ctx, db, s, st.Accompanied, now)
		if err != nil {
			t.Fatal(err)
		}
		if ag.Appointments < 5 || ag.Honoured == 0 || ag.Missed == 0 || ag.Visits == 0 || ag.Honoured+ag.Missed >= ag.Appointments {
			t.Errorf("demo agenda: %+v", ag)
		}
		if db.Now().Equal(now) == false {
			t.Error("the clock was not restored")
		}
	})
}
