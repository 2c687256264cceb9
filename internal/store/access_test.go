package store_test

import (
	"context"
	"testing"
	"time"

	"parcours/internal/parcours"
	"parcours/internal/store"
	"parcours/internal/store/storetest"
)

// TestRelation_GathersEveryFact checks the one function the policy's facts
// come from: recorder, accompaniments (active and ended), break-glass
// (open and expired), objections, households.
func TestRelation_GathersEveryFact(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var org *parcours.Organization
		var teamA, teamB *parcours.Team
		var rec, ref, mate, stranger *parcours.Worker
		var p *parcours.Person
		var h *parcours.Household
		err := db.Transact(ctx, func(tx *store.Tx) error {
			org = &parcours.Organization{Name: "CCAS relations", Kind: parcours.OrgCCAS}
			if err := tx.InsertOrganization(ctx, org); err != nil {
				return err
			}
			teamA, teamB = &parcours.Team{OrgID: org.ID, Name: "A"}, &parcours.Team{OrgID: org.ID, Name: "B"}
			for _, tm := range []*parcours.Team{teamA, teamB} {
				if err := tx.InsertTeam(ctx, tm); err != nil {
					return err
				}
			}
			mk := func(name string, team *parcours.Team) (*parcours.Worker, error) {
				w := &parcours.Worker{OrgID: org.ID, Email: name + "@r.test", Role: parcours.RoleWorker, TeamIDs: []string{team.ID}}
				return w, tx.InsertWorker(ctx, w, "")
			}
			var err error
			if rec, err = mk("rec", teamA); err != nil {
				return err
			}
			if ref, err = mk("ref", teamB); err != nil {
				return err
			}
			if mate, err = mk("mate", teamB); err != nil {
				return err
			}
			if stranger, err = mk("stranger", teamA); err != nil {
				return err
			}
			h = &parcours.Household{OrgID: org.ID, Name: "Foyer"}
			if err := tx.InsertHousehold(ctx, h); err != nil {
				return err
			}
			p = &parcours.Person{OrgID: org.ID, BirthName: "X", FirstNames: "Y", BirthDate: "1980-01-01", Sex: parcours.SexFemale}
			if err := tx.InsertPerson(ctx, p, ""); err != nil {
				return err
			}
			return tx.RecordRecorder(ctx, p.ID, rec.ID)
		})
		if err != nil {
			t.Fatal(err)
		}
		rel := func(w *parcours.Worker) *parcours.Relation {
			var r *parcours.Relation
			if err := db.View(ctx, func(tx *store.Tx) error {
				var err error
				r, err = tx.Relation(ctx, w.ID, w.TeamIDs, p.ID)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			return r
		}
		write := func(fn func(tx *store.Tx) error) {
			t.Helper()
			if err := db.Transact(ctx, fn); err != nil {
				t.Fatal(err)
			}
		}
		// Never accompanied: the recorder and their team follow the person.
		if r := rel(rec); !r.Referent || !r.Team || r.OrgID != org.ID {
			t.Errorf("recorder: %+v", r)
		}
		if r := rel(stranger); r.Referent || !r.Team {
			t.Errorf("recorder's teammate: %+v", r)
		}
		if r := rel(ref); r.Referent || r.Team {
			t.Errorf("other team before any accompaniment: %+v", r)
		}
		// An accompaniment by team B with ref as referent takes over.
		acc := &parcours.Accompaniment{OrgID: org.ID, PersonID: p.ID, TeamID: teamB.ID, ReferentID: ref.ID, Kind: "asg", StartDate: "2025-01-01", CreatedBy: ref.ID}
		write(func(tx *store.Tx) error { return tx.InsertAccompaniment(ctx, acc) })
		if r := rel(ref); !r.Referent || !r.Team {
			t.Errorf("referent: %+v", r)
		}
		if r := rel(mate); r.Referent || !r.Team {
			t.Errorf("referent's teammate: %+v", r)
		}
		if r := rel(rec); r.Referent || r.Team {
			t.Errorf("recorder once accompanied elsewhere: %+v", r)
		}
		// Ended: nobody follows any more.
		write(func(tx *store.Tx) error {
			_, err := tx.EndAccompaniment(ctx, acc.ID, "2025-06-30", "objectifs_atteints", "")
			return err
		})
		if r := rel(ref); r.Referent || r.Team {
			t.Errorf("after the end: %+v", r)
		}
		// Break-glass: open, then expired.
		write(func(tx *store.Tx) error {
			return tx.InsertBreakGlass(ctx, &parcours.BreakGlass{OrgID: org.ID, PersonID: p.ID, WorkerID: stranger.ID, Reason: "urgence ce soir pour un hébergement"}, time.Hour)
		})
		if r := rel(stranger); r.BreakGlass == nil || r.BreakGlass.WorkerID != stranger.ID {
			t.Errorf("open break-glass not gathered: %+v", r)
		}
		if r := rel(mate); r.BreakGlass != nil {
			t.Errorf("someone else's break-glass gathered: %+v", r)
		}
		now := db.Now
		db.Now = func() time.Time { return now().Add(2 * time.Hour) }
		if r := rel(stranger); r.BreakGlass != nil {
			t.Errorf("expired break-glass gathered: %+v", r)
		}
		db.Now = now
		// Objections.
		write(func(tx *store.Tx) error {
			return tx.PutConsent(ctx, &parcours.Consent{PersonID: p.ID, InformedOn: "2025-01-01", Method: "oral", UpdatedBy: ref.ID,
				Objections: []string{parcours.ObjectNoHealthSharing}})
		})
		if r := rel(mate); !r.Objects(parcours.ObjectNoHealthSharing) || r.Objects(parcours.ObjectNoBreakGlass) {
			t.Errorf("objections: %+v", r.Objections)
		}
		// Households: empty is everyone's; then as its members.
		hrel := func(w *parcours.Worker) *parcours.Relation {
			var r *parcours.Relation
			if err := db.View(ctx, func(tx *store.Tx) error {
				var err error
				r, err = tx.HouseholdRelation(ctx, w.ID, w.TeamIDs, h.ID)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			return r
		}
		if r := hrel(ref); !r.Team {
			t.Errorf("empty household: %+v", r)
		}
		write(func(tx *store.Tx) error { return tx.SetHouseholdMember(ctx, p.ID, h.ID, parcours.RelReference) })
		if r := hrel(ref); r.Team || r.Referent || !r.Objects(parcours.ObjectNoHealthSharing) {
			t.Errorf("household of a person ref no longer follows: %+v", r)
		}
		if r := hrel(stranger); r.BreakGlass == nil {
			t.Errorf("household through a member's break-glass: %+v", r)
		}
	})
}
