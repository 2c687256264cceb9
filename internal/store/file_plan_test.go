package store_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"parcours/internal/parcours"
	"parcours/internal/store"
	"parcours/internal/store/storetest"
)

// TestFileFacts_PlanReadsNoWholeTable checks the plan of the statement
// every opened file runs (FileFacts), once the planner has statistics of
// a département-like database: households of two, accompaniments of
// persons and of households, and, as before a first merge (or in a seeded
// database), no one merged. No step may read a whole table: on SQLite the
// merge group used to be walked by scanning persons (the NULL keys of the
// merged_into index made it look useless once analysed), and the
// households' accompaniments found through Bloom filters built by reading
// all of persons and of accompaniments: ~600 ms a request at 500,000
// persons, a cost the statement budget does not see. Both backends.
func TestFileFacts_PlanReadsNoWholeTable(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var w *parcours.Worker
		var ids []string
		err := db.Transact(ctx, func(tx *store.Tx) error {
			org := &parcours.Organization{Name: "CCAS plan", Kind: parcours.OrgCCAS}
			if err := tx.InsertOrganization(ctx, org); err != nil {
				return err
			}
			team := &parcours.Team{OrgID: org.ID, Name: "RSA"}
			if err := tx.InsertTeam(ctx, team); err != nil {
				return err
			}
			w = &parcours.Worker{OrgID: org.ID, Email: "plan@r.test", Role: parcours.RoleWorker, TeamIDs: []string{team.ID}}
			if err := tx.InsertWorker(ctx, w, ""); err != nil {
				return err
			}
			for i := range 200 {
				h := &parcours.Household{OrgID: org.ID, Name: fmt.Sprintf("Foyer %03d", i)}
				if err := tx.InsertHousehold(ctx, h); err != nil {
					return err
				}
				for j := range 2 {
					p := &parcours.Person{OrgID: org.ID, BirthName: fmt.Sprintf("PLAN%03d", i), FirstNames: fmt.Sprint("Y", j), BirthDate: "1980-01-01", Sex: parcours.SexFemale}
					if err := tx.InsertPerson(ctx, p, ""); err != nil {
						return err
					}
					if err := tx.SetHouseholdMember(ctx, p.ID, h.ID, parcours.Relationship("reference")); err != nil {
						return err
					}
					ids = append(ids, p.ID)
					a := &parcours.Accompaniment{OrgID: org.ID, PersonID: p.ID, TeamID: team.ID, ReferentID: w.ID, Kind: "rsa", StartDate: "2025-01-01", CreatedBy: w.ID}
					if i%4 == 0 && j == 0 {
						a.HouseholdID = h.ID
					}
					if err := tx.InsertAccompaniment(ctx, a); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Vacuum(ctx, "persons", "households", "accompaniments"); err != nil { // the statistics seed and import leave
			t.Fatal(err)
		}
		plan, err := db.PlanFileFacts(ctx, w.ID, []string{ids[0]})
		if err != nil {
			t.Fatal(err)
		}
		// SQLite: "SCAN p" (a table by its alias or name) or "BLOOM
		// FILTER ON p" (built by reading the whole table; on a CTE of the
		// group's few rows, harmless); PostgreSQL: "Seq Scan on persons p". Walking the index of the merged only (SQLite
		// may when it holds a handful of keys) grows with the merges, not
		// with the persons: allowed.
		whole := regexp.MustCompile(`^((SCAN|BLOOM FILTER ON) (p|a|pr|co|persons|accompaniments|person_recorders|consent_objections)\b|.*Seq Scan on (persons|accompaniments|person_recorders|consent_objections)\b)`)
		for _, step := range plan {
			step := strings.TrimSpace(strings.TrimLeft(step, " |`-"))
			if whole.MatchString(step) && !strings.HasSuffix(step, "USING INDEX persons_merged_into") {
				t.Errorf("FileFacts reads a whole table: %q\nplan:\n%s", step, strings.Join(plan, "\n"))
			}
		}
	})
}
