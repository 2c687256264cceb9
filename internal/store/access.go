package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"parcours/internal/parcours"
)

// breakGlassMark is an open break-glass access events are stamped with.
type breakGlassMark struct {
	id, reason string
}

// breakGlassKey is a worker and a person's file.
type breakGlassKey struct{ worker, person string }

// noBreakGlass marks a pending event whose actor is known to hold no open
// break-glass on the person; stampBreakGlass clears it before sealing.
const noBreakGlass = "\x00none"

func (tx *Tx) rememberBreakGlass(workerID, personID string, bg *parcours.BreakGlass) {
	if tx.breakGlass == nil {
		tx.breakGlass = map[breakGlassKey]*breakGlassMark{}
	}
	var m *breakGlassMark
	if bg != nil {
		m = &breakGlassMark{id: bg.ID, reason: bg.Reason}
	}
	tx.breakGlass[breakGlassKey{workerID, personID}] = m
}

// Relation gathers, in one place, every fact that links worker (a member
// of teamIDs) to person's file: referent or team of an active
// accompaniment (or, while the person has never been accompanied, the
// worker who recorded them and that worker's teams), an open break-glass
// access, and the person's objections. access.Check judges them.
//
// While the worker holds an open break-glass access, every audit event
// about the person carries it (stampBreakGlass, audit.go).
//
// Merged files are one file: the accompaniments, recorders and objections
// of every person of the merge group (FileGroup) count, so the referent
// of an absorbed duplicate keeps following the kept person, and an
// objection made on either applies to both. Recorders count only while
// no person of the group has ever been accompanied. The break-glass is
// the one opened on personID itself.
func (tx *Tx) Relation(ctx context.Context, workerID string, teamIDs []string, personID string) (*parcours.Relation, error) {
	facts, err := tx.FileFacts(ctx, workerID, teamIDs, []string{personID}, false)
	if err != nil {
		return nil, err
	}
	f := facts[personID]
	if f == nil {
		return nil, sql.ErrNoRows
	}
	return f.Rel, nil
}

// FileGroup returns the persons whose rows make up personID's file:
// personID and every person merged into it (MergedIDs), or, when personID
// was itself merged (into is the person that absorbed it, "" if none),
// the whole group of the person at the top of the merge chain, so that
// an absorbed duplicate's own rows are judged like the kept file's.
func (tx *Tx) FileGroup(ctx context.Context, personID, into string) ([]string, error) {
	root := personID
	for seen := 0; into != "" && seen < 100; seen++ {
		root = into
		next, err := tx.MergedInto(ctx, root)
		if err != nil {
			return nil, err
		}
		into = next
	}
	return tx.MergedIDs(ctx, root)
}

// RecordRecorder remembers which worker recorded a person: until the
// person has an accompaniment, that worker and their teams follow them.
func (tx *Tx) RecordRecorder(ctx context.Context, personID, workerID string) error {
	_, err := tx.exec(ctx, "INSERT INTO person_recorders (person_id, worker_id) VALUES (?, ?)", personID, workerID)
	return err
}

func (tx *Tx) stringList(ctx context.Context, q string, args ...any) ([]string, error) {
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// IsDPO reports whether the worker is designated data-protection officer
// of their organisation.
func (tx *Tx) IsDPO(ctx context.Context, workerID string) (bool, error) {
	var n int
	err := tx.queryRow(ctx, "SELECT COUNT(*) FROM dpo_designations WHERE worker_id = ?", workerID).Scan(&n)
	return n > 0, err
}

// DesignateDPO makes the worker the data-protection officer of their
// organisation (designated false withdraws it).
func (tx *Tx) DesignateDPO(ctx context.Context, workerID, orgID string, designated bool) error {
	if _, err := tx.exec(ctx, "DELETE FROM dpo_designations WHERE worker_id = ?", workerID); err != nil || !designated {
		return err
	}
	_, err := tx.exec(ctx, "INSERT INTO dpo_designations (worker_id, org_id, designated_at) VALUES (?, ?, ?)", workerID, orgID, ts(tx.now))
	return err
}

// HouseholdRelation is Relation for a household: the worker's relations
// to its members, merged (referent or team of any member, an open
// break-glass on any member, every member's objections). A household
// without members yet belongs to no one's file: every worker of its
// organisation counts as its team, so that whoever creates it can fill it.
func (tx *Tx) HouseholdRelation(ctx context.Context, workerID string, teamIDs []string, householdID string) (*parcours.Relation, error) {
	rel := &parcours.Relation{}
	if err := tx.queryRow(ctx, "SELECT org_id FROM households WHERE id = ?", householdID).Scan(&rel.OrgID); err != nil {
		return nil, err
	}
	members, err := tx.stringList(ctx, "SELECT id FROM persons WHERE household_id = ? ORDER BY id", householdID)
	if err != nil {
		return nil, err
	}
	if len(members) == 0 {
		rel.Team = true
		return rel, nil
	}
	facts, err := tx.FileFacts(ctx, workerID, teamIDs, members, false)
	if err != nil {
		return nil, err
	}
	for _, id := range members {
		f := facts[id]
		if f == nil {
			continue
		}
		r := f.Rel
		rel.Referent = rel.Referent || r.Referent
		rel.Team = rel.Team || r.Team
		if rel.BreakGlass == nil {
			rel.BreakGlass = r.BreakGlass
		}
		for _, o := range r.Objections {
			if !slices.Contains(rel.Objections, o) {
				rel.Objections = append(rel.Objections, o)
			}
		}
	}
	slices.Sort(rel.Objections)
	return rel, nil
}

// RecordNotDuplicates notes that the worker created personID knowing it
// looked like each of candidates, and why they are not the same person.
func (tx *Tx) RecordNotDuplicates(ctx context.Context, personID string, candidates []string, reason, workerID string) error {
	for _, c := range candidates {
		if _, err := tx.exec(ctx, `INSERT INTO person_not_duplicates (person_id, candidate_id, reason, worker_id, recorded_at)
			VALUES (?, ?, ?, ?, ?)`, personID, c, reason, workerID, ts(tx.now)); err != nil {
			return fmt.Errorf("store: record not-duplicates of %s: %w", personID, err)
		}
	}
	return nil
}

// NotDuplicates returns, for personID, the candidates dismissed at its
// creation and the reason given.
func (tx *Tx) NotDuplicates(ctx context.Context, personID string) (map[string]string, error) {
	rows, err := tx.query(ctx, "SELECT candidate_id, reason FROM person_not_duplicates WHERE person_id = ?", personID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var c, r string
		if err := rows.Scan(&c, &r); err != nil {
			return nil, err
		}
		out[c] = r
	}
	return out, rows.Err()
}
