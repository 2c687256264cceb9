package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"parcours/internal/parcours"
)

// Access to rights (issue 12): the organisation's aids, procedures,
// autonomy checks and mandates. The per-person reads (PersonProcedures,
// Procedure, PersonAutonomyChecks, PersonMandates, Mandate,
// ProceduresToFollow) are called by the door only.

func lines(list []string) string { return strings.Join(list, "\n") }

func unlines(s string) []string {
	out := []string{}
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

const orgAidColumns = "code, name, body, description, documents, url, active_from, active_to, ceiling_cents, period_months"

// OrgAids returns the organisation's own aids, by name.
func (tx *Tx) OrgAids(ctx context.Context, orgID string) ([]*parcours.Right, error) {
	rows, err := tx.query(ctx, "SELECT "+orgAidColumns+" FROM org_aids WHERE org_id = ? ORDER BY name, code", orgID)
	if err != nil {
		return nil, fmt.Errorf("store: org aids: %w", err)
	}
	defer rows.Close()
	out := []*parcours.Right{}
	for rows.Next() {
		r := &parcours.Right{Kind: parcours.RightLocalAid}
		var docs string
		if err := rows.Scan(&r.Code, &r.Name, &r.Body, &r.Description, &docs, &r.URL, &r.ActiveFrom, &r.ActiveTo,
			&r.CeilingCents, &r.PeriodMonths); err != nil {
			return nil, err
		}
		r.Documents = unlines(docs)
		out = append(out, r)
	}
	return out, rows.Err()
}

// PutOrgAid creates or replaces one of the organisation's aids.
func (tx *Tx) PutOrgAid(ctx context.Context, orgID string, r *parcours.Right) error {
	_, err := tx.exec(ctx, `INSERT INTO org_aids (org_id, `+orgAidColumns+`, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)
		ON CONFLICT (org_id, code) DO UPDATE SET name = excluded.name, body = excluded.body, description = excluded.description,
		documents = excluded.documents, url = excluded.url, active_from = excluded.active_from, active_to = excluded.active_to,
		ceiling_cents = excluded.ceiling_cents, period_months = excluded.period_months, updated_at = excluded.updated_at`,
		orgID, r.Code, r.Name, r.Body, r.Description, lines(r.Documents), r.URL, r.ActiveFrom, r.ActiveTo, r.CeilingCents, r.PeriodMonths, ts(tx.now))
	if err != nil {
		return fmt.Errorf("store: put org aid: %w", err)
	}
	return nil
}

// SeedOrgAids copies aids in for an organisation that has none yet.
func (tx *Tx) SeedOrgAids(ctx context.Context, orgID string, aids []*parcours.Right) error {
	var n int
	if err := tx.queryRow(ctx, "SELECT COUNT(*) FROM org_aids WHERE org_id = ?", orgID).Scan(&n); err != nil {
		return fmt.Errorf("store: count org aids: %w", err)
	}
	if n > 0 {
		return nil
	}
	for _, a := range aids {
		if _, err := tx.exec(ctx, `INSERT INTO org_aids (org_id, `+orgAidColumns+`, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)
			ON CONFLICT (org_id, code) DO NOTHING`,
			orgID, a.Code, a.Name, a.Body, a.Description, lines(a.Documents), a.URL, a.ActiveFrom, a.ActiveTo, a.CeilingCents, a.PeriodMonths, ts(tx.now)); err != nil {
			return fmt.Errorf("store: seed org aids: %w", err)
		}
	}
	return nil
}

// CountOrgAids tells whether the organisation's aids were seeded.
func (tx *Tx) CountOrgAids(ctx context.Context, orgID string) (int, error) {
	var n int
	err := tx.queryRow(ctx, "SELECT COUNT(*) FROM org_aids WHERE org_id = ?", orgID).Scan(&n)
	return n, err
}

const procedureColumns = "id, org_id, person_id, right_code, right_name, status, help_level, obstacles, filed_on, decided_on, amount_cents, next_step, due_date, task_id, mandate_id, note, assignee_id, created_by, created_at, updated_at"

// InsertProcedure stores a new procedure; ID and times are set.
func (tx *Tx) InsertProcedure(ctx context.Context, p *parcours.Procedure) error {
	if p.ID == "" {
		p.ID = NewID()
	}
	p.CreatedAt, p.UpdatedAt = tx.now, tx.now
	_, err := tx.exec(ctx, "INSERT INTO procedures ("+procedureColumns+") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
		p.ID, p.OrgID, p.PersonID, p.RightCode, p.RightName, p.Status, p.HelpLevel, lines(p.Obstacles), p.FiledOn, p.DecidedOn,
		p.AmountCents, p.NextStep, p.DueDate, nullString(p.TaskID), nullString(p.MandateID), p.Note, p.AssigneeID, p.CreatedBy,
		ts(p.CreatedAt), ts(p.UpdatedAt))
	if err != nil {
		return fmt.Errorf("store: insert procedure: %w", err)
	}
	return nil
}

// UpdateProcedure writes a procedure's changing fields.
func (tx *Tx) UpdateProcedure(ctx context.Context, p *parcours.Procedure) error {
	p.UpdatedAt = tx.now
	_, err := tx.exec(ctx, `UPDATE procedures SET status = ?, help_level = ?, obstacles = ?, filed_on = ?, decided_on = ?, amount_cents = ?,
		next_step = ?, due_date = ?, task_id = ?, mandate_id = ?, note = ?, updated_at = ? WHERE id = ?`,
		p.Status, p.HelpLevel, lines(p.Obstacles), p.FiledOn, p.DecidedOn, p.AmountCents, p.NextStep, p.DueDate,
		nullString(p.TaskID), nullString(p.MandateID), p.Note, ts(p.UpdatedAt), p.ID)
	if err != nil {
		return fmt.Errorf("store: update procedure: %w", err)
	}
	return nil
}

func (tx *Tx) scanProcedures(ctx context.Context, q string, args ...any) ([]*parcours.Procedure, error) {
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: procedures: %w", err)
	}
	defer rows.Close()
	out := []*parcours.Procedure{}
	for rows.Next() {
		var p parcours.Procedure
		var obstacles string
		var task, mandate cfNullString
		var created, updated int64
		if err := rows.Scan(&p.ID, &p.OrgID, &p.PersonID, &p.RightCode, &p.RightName, &p.Status, &p.HelpLevel, &obstacles,
			&p.FiledOn, &p.DecidedOn, &p.AmountCents, &p.NextStep, &p.DueDate, &task, &mandate, &p.Note, &p.AssigneeID,
			&p.CreatedBy, &created, &updated); err != nil {
			return nil, err
		}
		p.Obstacles, p.TaskID, p.MandateID = unlines(obstacles), string(task), string(mandate)
		p.CreatedAt, p.UpdatedAt = fromTS(created), fromTS(updated)
		out = append(out, &p)
	}
	return out, rows.Err()
}

var procedureKey = []keyCol{{"created_at", true}, {"id", false}}

// ProcedureKey is the sort key of a procedure, for cursors.
func ProcedureKey(p *parcours.Procedure) []string {
	return []string{strconv.FormatInt(ts(p.CreatedAt), 10), p.ID}
}

// PersonProcedures returns the procedures of the persons of a file,
// newest first, a page of them (k).
func (tx *Tx) PersonProcedures(ctx context.Context, personIDs []string, k Keyset) ([]*parcours.Procedure, error) {
	q, args, err := k.ofPersons(procedureColumns, "procedures", personIDs, procedureKey, true)
	if err != nil {
		return nil, err
	}
	return tx.scanProcedures(ctx, q, args...)
}

// Procedure returns one procedure.
func (tx *Tx) Procedure(ctx context.Context, id string) (*parcours.Procedure, error) {
	list, err := tx.scanProcedures(ctx, "SELECT "+procedureColumns+" FROM procedures WHERE id = ?", id)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, ErrNoRows
	}
	return list[0], nil
}

// ProceduresToFollow returns the open procedures of an assignee with a
// next step due on or before until, by due date: « mes démarches à
// relancer ».
func (tx *Tx) ProceduresToFollow(ctx context.Context, assigneeID, until string, limit int) ([]*parcours.Procedure, error) {
	return tx.scanProcedures(ctx, "SELECT "+procedureColumns+` FROM procedures WHERE assignee_id = ? AND due_date <> '' AND due_date <= ?
		AND status IN ('a_faire','en_cours','deposee') ORDER BY due_date, id LIMIT ?`, assigneeID, until, limit)
}

const autonomyColumns = "id, person_id, checked_on, equipment, connection, email, franceconnect, alone, language, created_by, created_at"

// InsertAutonomyCheck stores a new autonomy check.
func (tx *Tx) InsertAutonomyCheck(ctx context.Context, orgID string, c *parcours.AutonomyCheck) error {
	if c.ID == "" {
		c.ID = NewID()
	}
	c.CreatedAt = tx.now
	_, err := tx.exec(ctx, "INSERT INTO autonomy_checks (org_id, "+autonomyColumns+") VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
		orgID, c.ID, c.PersonID, c.CheckedOn, c.Equipment, c.Connection, c.Email, c.FranceConnect, c.Alone, c.Language, c.CreatedBy, ts(c.CreatedAt))
	if err != nil {
		return fmt.Errorf("store: insert autonomy check: %w", err)
	}
	return nil
}

var autonomyKey = []keyCol{{"checked_on", false}, {"created_at", true}, {"id", false}}

// AutonomyKey is the sort key of an autonomy check, for cursors.
func AutonomyKey(c *parcours.AutonomyCheck) []string {
	return []string{c.CheckedOn, strconv.FormatInt(ts(c.CreatedAt), 10), c.ID}
}

// PersonAutonomyChecks returns the checks of the persons of a file,
// oldest first (the progress reads left to right), a page of them (k).
func (tx *Tx) PersonAutonomyChecks(ctx context.Context, personIDs []string, k Keyset) ([]*parcours.AutonomyCheck, error) {
	q, args, err := k.ofPersons(autonomyColumns, "autonomy_checks", personIDs, autonomyKey, false)
	if err != nil {
		return nil, err
	}
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: autonomy checks: %w", err)
	}
	defer rows.Close()
	out := []*parcours.AutonomyCheck{}
	for rows.Next() {
		var c parcours.AutonomyCheck
		var created int64
		if err := rows.Scan(&c.ID, &c.PersonID, &c.CheckedOn, &c.Equipment, &c.Connection, &c.Email, &c.FranceConnect,
			&c.Alone, &c.Language, &c.CreatedBy, &created); err != nil {
			return nil, err
		}
		c.CreatedAt = fromTS(created)
		c.Score = c.AutonomyScore()
		out = append(out, &c)
	}
	return out, rows.Err()
}

const mandateColumns = "id, org_id, person_id, worker_id, procedures, start_date, end_date, document_id, revoked_on, revoked_by, revocation_note, created_by, created_at"

// InsertMandate stores a new mandate.
func (tx *Tx) InsertMandate(ctx context.Context, m *parcours.Mandate) error {
	if m.ID == "" {
		m.ID = NewID()
	}
	m.CreatedAt = tx.now
	_, err := tx.exec(ctx, "INSERT INTO mandates ("+mandateColumns+") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
		m.ID, m.OrgID, m.PersonID, m.WorkerID, lines(m.Procedures), m.StartDate, m.EndDate, nullString(m.DocumentID),
		m.RevokedOn, m.RevokedBy, m.RevocationNote, m.CreatedBy, ts(m.CreatedAt))
	if err != nil {
		return fmt.Errorf("store: insert mandate: %w", err)
	}
	if m.DocumentID != "" {
		_, err = tx.exec(ctx, "INSERT INTO mandate_scans (mandate_id, document_id, person_id, attached_by, attached_at) VALUES (?,?,?,?,?)",
			m.ID, m.DocumentID, m.PersonID, m.CreatedBy, ts(m.CreatedAt))
		if err != nil {
			return fmt.Errorf("store: insert mandate: %w", err)
		}
	}
	return nil
}

// RevokeMandate records the person's revocation; false when it was
// already revoked.
func (tx *Tx) RevokeMandate(ctx context.Context, id, on, by, note string) (bool, error) {
	res, err := tx.exec(ctx, "UPDATE mandates SET revoked_on = ?, revoked_by = ?, revocation_note = ? WHERE id = ? AND revoked_on = ''", on, by, note, id)
	if err != nil {
		return false, fmt.Errorf("store: revoke mandate: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

func (tx *Tx) scanMandates(ctx context.Context, q string, args ...any) ([]*parcours.Mandate, error) {
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: mandates: %w", err)
	}
	defer rows.Close()
	out := []*parcours.Mandate{}
	for rows.Next() {
		var m parcours.Mandate
		var procs string
		var doc cfNullString
		var created int64
		if err := rows.Scan(&m.ID, &m.OrgID, &m.PersonID, &m.WorkerID, &procs, &m.StartDate, &m.EndDate, &doc, &m.RevokedOn,
			&m.RevokedBy, &m.RevocationNote, &m.CreatedBy, &created); err != nil {
			return nil, err
		}
		m.Procedures, m.DocumentID, m.CreatedAt = unlines(procs), string(doc), fromTS(created)
		m.Scans = []parcours.MandateScan{} // FillMandateScans sets them
		out = append(out, &m)
	}
	return out, rows.Err()
}

var mandateKey = []keyCol{{"start_date", false}, {"id", false}}

// MandateKey is the sort key of a mandate, for cursors.
func MandateKey(m *parcours.Mandate) []string { return []string{m.StartDate, m.ID} }

// PersonMandates returns the mandates of the persons of a file, newest
// first, a page of them (k).
func (tx *Tx) PersonMandates(ctx context.Context, personIDs []string, k Keyset) ([]*parcours.Mandate, error) {
	q, args, err := k.ofPersons(mandateColumns, "mandates", personIDs, mandateKey, true)
	if err != nil {
		return nil, err
	}
	return tx.scanMandates(ctx, q, args...)
}

// Mandate returns one mandate.
func (tx *Tx) Mandate(ctx context.Context, id string) (*parcours.Mandate, error) {
	list, err := tx.scanMandates(ctx, "SELECT "+mandateColumns+" FROM mandates WHERE id = ?", id)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, ErrNoRows
	}
	return list[0], nil
}

// MandatesEnding returns the organisation's unrevoked mandates of a
// worker ending between from and until: the expiry reminders.
func (tx *Tx) MandatesEnding(ctx context.Context, workerID, from, until string) ([]*parcours.Mandate, error) {
	return tx.scanMandates(ctx, "SELECT "+mandateColumns+" FROM mandates WHERE worker_id = ? AND revoked_on = '' AND end_date >= ? AND end_date <= ? ORDER BY end_date, id",
		workerID, from, until)
}

// AddMandateScan makes document documentID the current scan of mandate m
// and keeps the previous ones listed; false when it already is one of
// its scans.
func (tx *Tx) AddMandateScan(ctx context.Context, m *parcours.Mandate, documentID, by string) (bool, error) {
	var n int
	if err := tx.queryRow(ctx, "SELECT COUNT(*) FROM mandate_scans WHERE mandate_id = ? AND document_id = ?", m.ID, documentID).Scan(&n); err != nil {
		return false, fmt.Errorf("store: mandate scan: %w", err)
	}
	if n > 0 {
		return false, nil
	}
	if _, err := tx.exec(ctx, "INSERT INTO mandate_scans (mandate_id, document_id, person_id, attached_by, attached_at) VALUES (?,?,?,?,?)",
		m.ID, documentID, m.PersonID, by, ts(tx.now)); err != nil {
		return false, fmt.Errorf("store: insert mandate scan: %w", err)
	}
	if _, err := tx.exec(ctx, "UPDATE mandates SET document_id = ? WHERE id = ?", documentID, m.ID); err != nil {
		return false, fmt.Errorf("store: mandate scan: %w", err)
	}
	return true, nil
}

// FillMandateScans sets the scans of mandates, newest first, in one
// query.
func (tx *Tx) FillMandateScans(ctx context.Context, list []*parcours.Mandate) error {
	if len(list) == 0 {
		return nil
	}
	byID := make(map[string]*parcours.Mandate, len(list))
	ids := make([]string, 0, len(list))
	for _, m := range list {
		m.Scans = []parcours.MandateScan{}
		byID[m.ID] = m
		ids = append(ids, m.ID)
	}
	in, args := personIn("mandate_id", ids)
	rows, err := tx.query(ctx, "SELECT mandate_id, document_id, attached_by, attached_at FROM mandate_scans WHERE "+in+
		" ORDER BY attached_at DESC, document_id DESC", args...)
	if err != nil {
		return fmt.Errorf("store: mandate scans: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var mid string
		var s parcours.MandateScan
		var at int64
		if err := rows.Scan(&mid, &s.DocumentID, &s.AttachedBy, &at); err != nil {
			return err
		}
		s.AttachedAt = fromTS(at)
		if m := byID[mid]; m != nil {
			m.Scans = append(m.Scans, s)
		}
	}
	return rows.Err()
}
