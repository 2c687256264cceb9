package store

import (
	"context"
	"fmt"
	"time"

	"parcours/internal/parcours"
)

// HandoversToAcknowledge returns the handovers waiting for workerID to
// acknowledge them, oldest first, for « Ma journée ».
func (tx *Tx) HandoversToAcknowledge(ctx context.Context, workerID string, limit int) ([]*parcours.Handover, error) {
	rows, err := tx.query(ctx, "SELECT "+handoverColumns+" FROM handovers WHERE to_referent_id = ? AND acknowledged_at = 0 AND from_referent_id <> to_referent_id ORDER BY created_at, id LIMIT ?", workerID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: handovers to acknowledge: %w", err)
	}
	defer rows.Close()
	var out []*parcours.Handover
	for rows.Next() {
		h, err := scanHandover(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// CaseloadRow is one person of a worker's caseload with what the list
// sorts on.
type CaseloadRow struct {
	PersonID, PersonName, BirthDate string
	// LastContact is the date of the last journal entry, "" if none.
	LastContact string
	// Alerts counts the open tasks overdue on today and the documents
	// expired or expiring on or before soon.
	OverdueTasks, DocumentsToRenew int
	// ViaHousehold: followed as a member of a household the worker
	// follows, not by an accompaniment of their own.
	ViaHousehold bool
	// NextAppointment is the start of the next planned appointment, zero
	// if none (filled by the door, not by Caseload).
	NextAppointment time.Time
}

// Caseload returns the persons of whom workerID is the referent of an
// active accompaniment (« mes personnes suivies »), and the current
// members of the households they follow (a household accompaniment, or
// the household of a person they accompany), with the date of their last
// journal entry and their alerts, in one query.
func (tx *Tx) Caseload(ctx context.Context, workerID, today, soon string, limit int) ([]CaseloadRow, error) {
	const own = `SELECT a.person_id FROM accompaniments a WHERE a.referent_id = ? AND a.end_date = ''`
	rows, err := tx.query(ctx, `SELECT p.id, p.birth_name, p.usage_name, p.first_names, p.birth_date,
		COALESCE((SELECT MAX(j.occurred_at) FROM journal_entries j WHERE j.person_id = p.id), ''),
		(SELECT COUNT(*) FROM tasks t WHERE t.person_id = p.id AND t.status = 'open' AND t.due_date < ?),
		(SELECT COUNT(*) FROM documents d WHERE d.person_id = p.id AND d.expires_on <> '' AND d.expires_on <= ?),
		CASE WHEN p.id IN (`+own+`) THEN 0 ELSE 1 END
		FROM persons p
		WHERE p.id IN (`+own+`)
		OR (p.household_id IS NOT NULL AND p.household_id <> '' AND p.household_id IN (
			SELECT CASE WHEN a.household_id <> '' THEN a.household_id ELSE COALESCE(hp.household_id, '') END
			FROM accompaniments a JOIN persons hp ON hp.id = a.person_id
			WHERE a.referent_id = ? AND a.end_date = ''))
		ORDER BY p.birth_name, p.first_names, p.id LIMIT ?`, today, soon, workerID, workerID, workerID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: caseload: %w", err)
	}
	defer rows.Close()
	var out []CaseloadRow
	for rows.Next() {
		var r CaseloadRow
		var p parcours.Person
		var via int
		if err := rows.Scan(&r.PersonID, &p.BirthName, &p.UsageName, &p.FirstNames, &r.BirthDate, &r.LastContact, &r.OverdueTasks, &r.DocumentsToRenew, &via); err != nil {
			return nil, err
		}
		r.ViaHousehold = via == 1
		r.PersonName = p.DisplayName()
		out = append(out, r)
	}
	return out, rows.Err()
}
