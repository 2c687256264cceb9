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
		// The entries of the honoured and missed appointments are filed
		// under the thématique of their purpose.
		var filed, unfiled int
		if err := db.SQL().QueryRowContext(ctx, `SELECT count(*) FILTER (WHERE e.theme <> ''), count(*) FILTER (WHERE e.theme = '')
			FROM journal_entries e WHERE e.summary LIKE 'Entretien réalisé : %' OR e.summary LIKE 'Rendez-vous non honoré (%'`).Scan(&filed, &unfiled); err != nil {
			t.Fatal(err)
		}
		if filed != ag.Honoured+ag.Missed || unfiled != 0 {
			t.Errorf("appointment entries with a theme: %d, without: %d, want %d and 0", filed, unfiled, ag.Honoured+ag.Missed)
		}
		if db.Now().Equal(now) == false {
			t.Error("the clock was not restored")
		}
	})
}
