package store

import (
	"context"
	"database/sql"
	"errors"

	"parcours/internal/parcours"
)

// Consent returns what was recorded about the person's information and
// objections; a person of whom nothing was recorded yet gets a Consent
// with Informed false and no objection.
func (tx *Tx) Consent(ctx context.Context, personID string) (*parcours.Consent, error) {
	c := &parcours.Consent{PersonID: personID}
	var updated int64
	err := tx.queryRow(ctx, `SELECT informed_on, informed_by, method, document_id, updated_at, updated_by
		FROM consents WHERE person_id = ?`, personID).
		Scan(&c.InformedOn, &c.InformedBy, &c.Method, &c.DocumentID, &updated, &c.UpdatedBy)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return nil, err
	default:
		c.Informed = c.InformedOn != ""
		c.UpdatedAt = fromTS(updated)
	}
	if c.Objections, err = tx.stringList(ctx, "SELECT category FROM consent_objections WHERE person_id = ? ORDER BY category", personID); err != nil {
		return nil, err
	}
	return c, nil
}

// PutConsent replaces the record of the person's information and
// objections with c; UpdatedAt is set.
func (tx *Tx) PutConsent(ctx context.Context, c *parcours.Consent) error {
	c.UpdatedAt = tx.now
	q := `INSERT INTO consents (person_id, informed_on, informed_by, method, document_id, updated_at, updated_by)
		VALUES (?,?,?,?,?,?,?)
		ON CONFLICT (person_id) DO UPDATE SET informed_on = excluded.informed_on, informed_by = excluded.informed_by,
		method = excluded.method, document_id = excluded.document_id, updated_at = excluded.updated_at, updated_by = excluded.updated_by`
	if _, err := tx.exec(ctx, q, c.PersonID, c.InformedOn, c.InformedBy, c.Method, c.DocumentID, ts(c.UpdatedAt), c.UpdatedBy); err != nil {
		return err
	}
	if _, err := tx.exec(ctx, "DELETE FROM consent_objections WHERE person_id = ?", c.PersonID); err != nil {
		return err
	}
	for _, cat := range c.Objections {
		if _, err := tx.exec(ctx, "INSERT INTO consent_objections (person_id, category) VALUES (?, ?)", c.PersonID, cat); err != nil {
			return err
		}
	}
	return nil
}
