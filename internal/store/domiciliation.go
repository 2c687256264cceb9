package store

import (
	"context"
	"fmt"
	"strconv"

	"parcours/internal/parcours"
)

// Domiciliation and its mail log (issue 12). The per-person reads
// (PersonDomiciliations, Domiciliation, PersonMail, Mail) are called by
// the door only.

const domColumns = "id, org_id, person_id, applied_on, status, decided_on, motive, valid_from, valid_to, ended_on, end_reason, created_by, created_at"

// InsertDomiciliation stores a new application.
func (tx *Tx) InsertDomiciliation(ctx context.Context, d *parcours.Domiciliation) error {
	if d.ID == "" {
		d.ID = NewID()
	}
	d.CreatedAt = tx.now
	_, err := tx.exec(ctx, "INSERT INTO domiciliations ("+domColumns+") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
		d.ID, d.OrgID, d.PersonID, d.AppliedOn, d.Status, d.DecidedOn, d.Motive, d.ValidFrom, d.ValidTo, d.EndedOn, d.EndReason,
		d.CreatedBy, ts(d.CreatedAt))
	if err != nil {
		return fmt.Errorf("store: insert domiciliation: %w", err)
	}
	return nil
}

// DecideDomiciliation records the decision on an application; false when
// it was decided already.
func (tx *Tx) DecideDomiciliation(ctx context.Context, d *parcours.Domiciliation) (bool, error) {
	res, err := tx.exec(ctx, "UPDATE domiciliations SET status = ?, decided_on = ?, motive = ?, valid_from = ?, valid_to = ? WHERE id = ? AND status = 'applied'",
		d.Status, d.DecidedOn, d.Motive, d.ValidFrom, d.ValidTo, d.ID)
	if err != nil {
		return false, fmt.Errorf("store: decide domiciliation: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// EndDomiciliation ends a granted domiciliation; false when it is not.
func (tx *Tx) EndDomiciliation(ctx context.Context, id, on, reason string) (bool, error) {
	res, err := tx.exec(ctx, "UPDATE domiciliations SET status = 'ended', ended_on = ?, end_reason = ? WHERE id = ? AND status = 'granted'", on, reason, id)
	if err != nil {
		return false, fmt.Errorf("store: end domiciliation: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

func (tx *Tx) scanDomiciliations(ctx context.Context, q string, args ...any) ([]*parcours.Domiciliation, error) {
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: domiciliations: %w", err)
	}
	defer rows.Close()
	out := []*parcours.Domiciliation{}
	for rows.Next() {
		var d parcours.Domiciliation
		var created int64
		if err := rows.Scan(&d.ID, &d.OrgID, &d.PersonID, &d.AppliedOn, &d.Status, &d.DecidedOn, &d.Motive, &d.ValidFrom, &d.ValidTo,
			&d.EndedOn, &d.EndReason, &d.CreatedBy, &created); err != nil {
			return nil, err
		}
		d.CreatedAt = fromTS(created)
		out = append(out, &d)
	}
	return out, rows.Err()
}

// PersonDomiciliations returns the domiciliations of the persons of a
// file, newest first.
func (tx *Tx) PersonDomiciliations(ctx context.Context, personIDs []string) ([]*parcours.Domiciliation, error) {
	in, args := personIn("person_id", personIDs)
	return tx.scanDomiciliations(ctx, "SELECT "+domColumns+" FROM domiciliations WHERE "+in+" ORDER BY applied_on DESC, created_at DESC", args...)
}

// Domiciliation returns one domiciliation.
func (tx *Tx) Domiciliation(ctx context.Context, id string) (*parcours.Domiciliation, error) {
	list, err := tx.scanDomiciliations(ctx, "SELECT "+domColumns+" FROM domiciliations WHERE id = ?", id)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, ErrNoRows
	}
	return list[0], nil
}

const mailColumns = "id, person_id, domiciliation_id, received_on, sender, kind, status, changed_on, created_by, created_at"

// InsertMail records a letter received.
func (tx *Tx) InsertMail(ctx context.Context, orgID string, m *parcours.Mail) error {
	if m.ID == "" {
		m.ID = NewID()
	}
	m.CreatedAt = tx.now
	_, err := tx.exec(ctx, "INSERT INTO domiciliation_mail (org_id, "+mailColumns+") VALUES (?,?,?,?,?,?,?,?,?,?,?)",
		orgID, m.ID, m.PersonID, m.DomiciliationID, m.ReceivedOn, m.Sender, m.Kind, m.Status, m.ChangedOn, m.CreatedBy, ts(m.CreatedAt))
	if err != nil {
		return fmt.Errorf("store: insert mail: %w", err)
	}
	return nil
}

// SetMailStatus records that a letter was handed over or returned; false
// when it was no longer waiting.
func (tx *Tx) SetMailStatus(ctx context.Context, id, status, on string) (bool, error) {
	res, err := tx.exec(ctx, "UPDATE domiciliation_mail SET status = ?, changed_on = ? WHERE id = ? AND status = 'received'", status, on, id)
	if err != nil {
		return false, fmt.Errorf("store: mail status: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

func (tx *Tx) scanMail(ctx context.Context, q string, args ...any) ([]*parcours.Mail, error) {
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: mail: %w", err)
	}
	defer rows.Close()
	out := []*parcours.Mail{}
	for rows.Next() {
		var m parcours.Mail
		var created int64
		if err := rows.Scan(&m.ID, &m.PersonID, &m.DomiciliationID, &m.ReceivedOn, &m.Sender, &m.Kind, &m.Status, &m.ChangedOn,
			&m.CreatedBy, &created); err != nil {
			return nil, err
		}
		m.CreatedAt = fromTS(created)
		out = append(out, &m)
	}
	return out, rows.Err()
}

// MailKey is the sort key of a letter of the mail log, for cursors.
func MailKey(m *parcours.Mail) []string {
	return []string{m.ReceivedOn, strconv.FormatInt(ts(m.CreatedAt), 10), m.ID}
}

var mailKey = []keyCol{{Name: "received_on"}, {Name: "created_at", Int: true}, {Name: "id"}}

// PersonMail returns the mail log of the persons of a file, newest first,
// a page of it (k): a person domiciled for years has hundreds of letters.
func (tx *Tx) PersonMail(ctx context.Context, personIDs []string, k Keyset) ([]*parcours.Mail, error) {
	q, args, err := k.ofPersons(mailColumns, "domiciliation_mail", personIDs, mailKey, true)
	if err != nil {
		return nil, err
	}
	return tx.scanMail(ctx, q, args...)
}

// Mail returns one letter of the log.
func (tx *Tx) Mail(ctx context.Context, id string) (*parcours.Mail, error) {
	list, err := tx.scanMail(ctx, "SELECT "+mailColumns+" FROM domiciliation_mail WHERE id = ?", id)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, ErrNoRows
	}
	return list[0], nil
}

// DomiciliationsEnding returns the organisation's granted domiciliations
// ending between from and until, by end date: the renewal reminders.
func (tx *Tx) DomiciliationsEnding(ctx context.Context, orgID, from, until string) ([]*parcours.Domiciliation, error) {
	return tx.scanDomiciliations(ctx, "SELECT "+domColumns+" FROM domiciliations WHERE org_id = ? AND status = 'granted' AND valid_to >= ? AND valid_to <= ? ORDER BY valid_to, id",
		orgID, from, until)
}
