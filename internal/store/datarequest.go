package store

import (
	"context"

	"parcours/internal/parcours"
)

const dataRequestColumns = `r.id, r.org_id, r.person_id, r.kind, r.channel, r.received_on, r.details, r.due_on, r.extended_reason,
	r.outcome, r.answer, r.answered_on, r.answered_by, r.created_by, r.created_at`

// InsertDataRequest stores a new request; ID and CreatedAt are set.
func (tx *Tx) InsertDataRequest(ctx context.Context, r *parcours.DataRequest) error {
	r.ID, r.CreatedAt = NewID(), tx.now
	_, err := tx.exec(ctx, `INSERT INTO data_requests (id, org_id, person_id, kind, channel, received_on, details, due_on,
		created_by, created_at) VALUES (?,?,?,?,?,?,?,?,?,?)`,
		r.ID, r.OrgID, r.PersonID, r.Kind, r.Channel, r.ReceivedOn, r.Details, r.DueOn, r.CreatedBy, ts(r.CreatedAt))
	return err
}

func (tx *Tx) scanDataRequests(ctx context.Context, q string, args ...any) ([]*parcours.DataRequest, error) {
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*parcours.DataRequest{}
	for rows.Next() {
		var r parcours.DataRequest
		var created int64
		var p parcours.Person
		if err := rows.Scan(&r.ID, &r.OrgID, &r.PersonID, &r.Kind, &r.Channel, &r.ReceivedOn, &r.Details, &r.DueOn,
			&r.ExtendedReason, &r.Outcome, &r.Answer, &r.AnsweredOn, &r.AnsweredBy, &r.CreatedBy, &created,
			&p.BirthName, &p.UsageName, &p.FirstNames); err != nil {
			return nil, err
		}
		r.CreatedAt, r.PersonName = fromTS(created), p.DisplayName()
		out = append(out, &r)
	}
	return out, rows.Err()
}

// DataRequest returns one request, with its person's name.
func (tx *Tx) DataRequest(ctx context.Context, id string) (*parcours.DataRequest, error) {
	list, err := tx.scanDataRequests(ctx, `SELECT `+dataRequestColumns+`, p.birth_name, p.usage_name, p.first_names
		FROM data_requests r JOIN persons p ON p.id = r.person_id WHERE r.id = ?`, id)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, ErrNoRows
	}
	return list[0], nil
}

// PersonDataRequests returns the requests about the persons (a merge
// group), newest first.
func (tx *Tx) PersonDataRequests(ctx context.Context, personIDs []string) ([]*parcours.DataRequest, error) {
	args := make([]any, len(personIDs))
	for i, id := range personIDs {
		args[i] = id
	}
	return tx.scanDataRequests(ctx, `SELECT `+dataRequestColumns+`, p.birth_name, p.usage_name, p.first_names
		FROM data_requests r JOIN persons p ON p.id = r.person_id WHERE r.person_id IN (`+placeholders(len(args))+`)
		ORDER BY r.received_on DESC, r.id DESC`, args...)
}

// OrgDataRequests returns an organisation's requests, the soonest due
// first; openOnly keeps those without an answer.
func (tx *Tx) OrgDataRequests(ctx context.Context, orgID string, openOnly bool, limit int) ([]*parcours.DataRequest, error) {
	q := `SELECT ` + dataRequestColumns + `, p.birth_name, p.usage_name, p.first_names
		FROM data_requests r JOIN persons p ON p.id = r.person_id WHERE r.org_id = ?`
	if openOnly {
		q += ` AND r.answered_on = ''`
	}
	return tx.scanDataRequests(ctx, q+` ORDER BY r.answered_on <> '', r.due_on, r.id LIMIT ?`, orgID, limit)
}

// ExtendDataRequest moves the due date of an unanswered, not yet extended
// request; false when it was answered or extended meanwhile.
func (tx *Tx) ExtendDataRequest(ctx context.Context, id, dueOn, reason string) (bool, error) {
	res, err := tx.exec(ctx, `UPDATE data_requests SET due_on = ?, extended_reason = ?
		WHERE id = ? AND answered_on = '' AND extended_reason = ''`, dueOn, reason, id)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// AnswerDataRequest records the answer of an unanswered request; false
// when it was answered meanwhile.
func (tx *Tx) AnswerDataRequest(ctx context.Context, id, outcome, answer, on, by string) (bool, error) {
	res, err := tx.exec(ctx, `UPDATE data_requests SET outcome = ?, answer = ?, answered_on = ?, answered_by = ?
		WHERE id = ? AND answered_on = ''`, outcome, answer, on, by, id)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// OverdueDataRequests returns unanswered requests due before today whose
// lateness was not notified yet, and marks them notified: each is
// announced once.
func (tx *Tx) OverdueDataRequests(ctx context.Context, today string, limit int) ([]*parcours.DataRequest, error) {
	list, err := tx.scanDataRequests(ctx, `SELECT `+dataRequestColumns+`, p.birth_name, p.usage_name, p.first_names
		FROM data_requests r JOIN persons p ON p.id = r.person_id
		WHERE r.answered_on = '' AND r.due_on < ? AND r.overdue_notified = 0 ORDER BY r.due_on, r.id LIMIT ?`, today, limit)
	if err != nil {
		return nil, err
	}
	for _, r := range list {
		if _, err := tx.exec(ctx, `UPDATE data_requests SET overdue_notified = 1 WHERE id = ?`, r.ID); err != nil {
			return nil, err
		}
	}
	return list, nil
}

// OrgDPOs returns the data-protection officers designated in an
// organisation.
func (tx *Tx) OrgDPOs(ctx context.Context, orgID string) ([]string, error) {
	return tx.stringList(ctx, `SELECT d.worker_id FROM dpo_designations d JOIN workers w ON w.id = d.worker_id
		WHERE d.org_id = ? AND NOT w.disabled ORDER BY d.worker_id`, orgID)
}

// OrgManagers returns the active managers of an organisation.
func (tx *Tx) OrgManagers(ctx context.Context, orgID string) ([]string, error) {
	return tx.stringList(ctx, `SELECT id FROM workers WHERE org_id = ? AND role = 'manager' AND NOT disabled ORDER BY id`, orgID)
}
