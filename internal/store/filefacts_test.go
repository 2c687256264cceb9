package store_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"parcours/internal/parcours"
	"parcours/internal/store"
	"parcours/internal/store/storetest"
)

// TestFileFacts_PostgreSQLStatementAgreesWithSQLites: PostgreSQL gathers
// the facts of a file with a statement of its own (buildFileFactsQueryPG);
// it must give what SQLite's statement gives on the same data, for every
// shape of file: a chain of merges (the kept person, a duplicate in the
// middle, one at the bottom), households whose accompaniment covers two
// members (one of them also its holder), objections on a duplicate, a
// recorder, a break-glass and a last visit, each file alone and several
// at once.
func TestFileFacts_PostgreSQLStatementAgreesWithSQLites(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var w *parcours.Worker
		var kept, middle, bottom, member, holder, alone string
		err := db.Transact(ctx, func(tx *store.Tx) error {
			org := &parcours.Organization{Name: "CCAS faits", Kind: parcours.OrgCCAS}
			if err := tx.InsertOrganization(ctx, org); err != nil {
				return err
			}
			team := &parcours.Team{OrgID: org.ID, Name: "RSA"}
			if err := tx.InsertTeam(ctx, team); err != nil {
				return err
			}
			w = &parcours.Worker{OrgID: org.ID, Email: "faits@r.test", Role: parcours.RoleWorker, TeamIDs: []string{team.ID}}
			if err := tx.InsertWorker(ctx, w, ""); err != nil {
				return err
			}
			h := &parcours.Household{OrgID: org.ID, Name: "Foyer faits"}
			if err := tx.InsertHousehold(ctx, h); err != nil {
				return err
			}
			var perr error
			person := func(name string, household bool) string {
				p := &parcours.Person{OrgID: org.ID, BirthName: name, FirstNames: "Y", BirthDate: "1980-01-01", Sex: parcours.SexFemale}
				if perr == nil {
					perr = tx.InsertPerson(ctx, p, "")
				}
				if perr == nil && household {
					perr = tx.SetHouseholdMember(ctx, p.ID, h.ID, parcours.Relationship("reference"))
				}
				return p.ID
			}
			kept, middle, bottom = person("GARDE", true), person("MILIEU", false), person("BAS", true)
			member, holder, alone = person("MEMBRE", true), person("TITULAIRE", true), person("SEULE", false)
			if perr != nil {
				return perr
			}
			for _, m := range []*store.PersonMerge{{KeptID: middle, AbsorbedID: bottom}, {KeptID: kept, AbsorbedID: middle}} {
				m.MergedBy, m.OrgID = w.ID, org.ID
				if _, err := tx.InsertMerge(ctx, m); err != nil {
					return err
				}
			}
			for _, a := range []*parcours.Accompaniment{
				{PersonID: kept, StartDate: "2025-01-01"},
				{PersonID: bottom, StartDate: "2024-01-01", EndDate: "2024-06-01"},
				{PersonID: holder, HouseholdID: h.ID, StartDate: "2025-02-01"},
			} {
				a.OrgID, a.TeamID, a.ReferentID, a.Kind, a.CreatedBy = org.ID, team.ID, w.ID, "rsa", w.ID
				if err := tx.InsertAccompaniment(ctx, a); err != nil {
					return err
				}
			}
			if err := tx.PutConsent(ctx, &parcours.Consent{PersonID: middle, Objections: []string{"no_health_sharing", "no_external_sharing"}}); err != nil {
				return err
			}
			if err := tx.RecordRecorder(ctx, alone, w.ID); err != nil {
				return err
			}
			if err := tx.RecordVisit(ctx, w.ID, member); err != nil {
				return err
			}
			return tx.InsertBreakGlass(ctx, &parcours.BreakGlass{OrgID: org.ID, PersonID: alone, WorkerID: w.ID, Reason: "urgence", Kind: parcours.BreakGlassEmergency}, time.Hour)
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, ids := range [][]string{{kept}, {middle}, {bottom}, {member}, {holder}, {alone}, {kept, middle, bottom, member, holder, alone}} {
			own, generic, err := db.FileFactsBothWays(ctx, w.ID, w.TeamIDs, ids)
			if err != nil {
				t.Fatal(err)
			}
			if len(own) != len(ids) {
				t.Errorf("%v: facts of %d persons", ids, len(own))
			}
			if !reflect.DeepEqual(own, generic) {
				for id := range generic {
					if !reflect.DeepEqual(own[id], generic[id]) {
						t.Errorf("%s: the statements disagree:\n got %+v\nwant %+v", id, own[id], generic[id])
					}
				}
			}
		}
		// The shapes are there: a group of three with its own, its
		// household's (reached from two members) and an ended
		// accompaniment, a household's accompaniment covering a member, the
		// objections.
		own, _, err := db.FileFactsBothWays(ctx, w.ID, w.TeamIDs, []string{middle, member})
		if err != nil {
			t.Fatal(err)
		}
		if f := own[middle]; len(f.Group) != 3 || len(f.IDs) != 2 || f.Into != kept || len(f.Rel.Objections) != 2 || len(f.Accompaniments) != 3 {
			t.Errorf("the duplicate in the middle: %+v", f)
		}
		if f := own[member]; len(f.Accompaniments) != 1 || f.Accompaniments[0].PersonID != holder || !f.Rel.Referent || f.LastVisit.IsZero() {
			t.Errorf("the household's member: %+v", f)
		}
	})
}
