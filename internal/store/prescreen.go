package store

import (
	"context"
	"fmt"
	"strings"

	"parcours/internal/parcours"
)

// The pre-screening of likely rights (issue 13): the workers' answers to
// it, and the households of the active files for the non-take-up
// dashboard. Called by the door only.

// InsertPrescreenOutcome stores a worker's answer to a pre-screening.
func (tx *Tx) InsertPrescreenOutcome(ctx context.Context, o *parcours.PrescreenOutcome) error {
	if o.ID == "" {
		o.ID = NewID()
	}
	o.CreatedAt = tx.now
	_, err := tx.exec(ctx, `INSERT INTO prescreen_outcomes (id, org_id, household_id, person_id, rule_code, rule_version, screened_on,
		status_shown, outcome, procedure_id, reason, created_by, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		o.ID, o.OrgID, o.HouseholdID, o.PersonID, o.RuleCode, o.RuleVersion, o.ScreenedOn, o.StatusShown, o.Outcome, o.ProcedureID,
		o.Reason, o.CreatedBy, ts(o.CreatedAt))
	if err != nil {
		return fmt.Errorf("store: insert prescreen outcome: %w", err)
	}
	return nil
}

// HouseholdPrescreenOutcomes returns the answers recorded on a household,
// newest first.
func (tx *Tx) HouseholdPrescreenOutcomes(ctx context.Context, householdID string) ([]*parcours.PrescreenOutcome, error) {
	return tx.prescreenOutcomes(ctx, "household_id = ?", householdID)
}

// PersonPrescreenOutcomes returns the answers recorded for a person (the
// ids of their merge group), in whatever household, newest first.
func (tx *Tx) PersonPrescreenOutcomes(ctx context.Context, personIDs []string) ([]*parcours.PrescreenOutcome, error) {
	in, args := personIn("person_id", personIDs)
	return tx.prescreenOutcomes(ctx, in, args...)
}

func (tx *Tx) prescreenOutcomes(ctx context.Context, where string, args ...any) ([]*parcours.PrescreenOutcome, error) {
	rows, err := tx.query(ctx, `SELECT id, org_id, household_id, person_id, rule_code, rule_version, screened_on, status_shown, outcome,
		procedure_id, reason, created_by, created_at FROM prescreen_outcomes WHERE `+where+` ORDER BY created_at DESC, id DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: prescreen outcomes: %w", err)
	}
	defer rows.Close()
	out := []*parcours.PrescreenOutcome{}
	for rows.Next() {
		o := &parcours.PrescreenOutcome{}
		var created int64
		if err := rows.Scan(&o.ID, &o.OrgID, &o.HouseholdID, &o.PersonID, &o.RuleCode, &o.RuleVersion, &o.ScreenedOn, &o.StatusShown,
			&o.Outcome, &o.ProcedureID, &o.Reason, &o.CreatedBy, &created); err != nil {
			return nil, err
		}
		o.CreatedAt = fromTS(created)
		out = append(out, o)
	}
	return out, rows.Err()
}

// ScreenedHouseholds returns the households of an organisation with a
// member whose accompaniment is open on date, with the teams of those
// accompaniments and the commune of the household (the first member's
// address by relationship order), by household id.
func (tx *Tx) ScreenedHouseholds(ctx context.Context, orgID, date string) ([]*parcours.ScreenedHousehold, error) {
	rows, err := tx.query(ctx, `SELECT p.household_id, a.team_id FROM accompaniments a JOIN persons p ON p.id = a.person_id
		WHERE a.org_id = ? AND a.end_date = '' AND a.start_date <= ? AND p.household_id IS NOT NULL AND p.household_id <> ''
		AND p.merged_into IS NULL ORDER BY p.household_id, a.team_id`, orgID, date)
	if err != nil {
		return nil, fmt.Errorf("store: screened households: %w", err)
	}
	var out []*parcours.ScreenedHousehold
	byID := map[string]*parcours.ScreenedHousehold{}
	for rows.Next() {
		var hid, team string
		if err := rows.Scan(&hid, &team); err != nil {
			rows.Close()
			return nil, err
		}
		h := byID[hid]
		if h == nil {
			h = &parcours.ScreenedHousehold{HouseholdID: hid}
			byID[hid] = h
			out = append(out, h)
		}
		if len(h.TeamIDs) == 0 || h.TeamIDs[len(h.TeamIDs)-1] != team {
			h.TeamIDs = append(h.TeamIDs, team)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	crows, err := tx.query(ctx, `SELECT household_id, relationship, postal_code, city FROM persons
		WHERE org_id = ? AND household_id IS NOT NULL AND household_id <> '' AND merged_into IS NULL ORDER BY household_id, created_at, id`, orgID)
	if err != nil {
		return nil, fmt.Errorf("store: screened households' communes: %w", err)
	}
	defer crows.Close()
	best := map[string]int{}
	for crows.Next() {
		var hid, rel, cp, city string
		if err := crows.Scan(&hid, &rel, &cp, &city); err != nil {
			return nil, err
		}
		h := byID[hid]
		if h == nil {
			continue
		}
		rank := 2
		if rel == string(parcours.RelReference) {
			rank = 0
		} else if rel == string(parcours.RelSpouse) {
			rank = 1
		}
		commune := strings.TrimSpace(cp + " " + city)
		if r, seen := best[hid]; commune != "" && (!seen || rank < r) {
			best[hid], h.Commune = rank, commune
		}
	}
	return out, crows.Err()
}
