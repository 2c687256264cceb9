package store

import (
	"context"
	"database/sql"

	"parcours/internal/parcours"
)

// OrganizationNotice returns the information notice of an organisation,
// with its name; texts are empty where the organisation wrote none.
// ErrNoRows when the organisation does not exist.
func (tx *Tx) OrganizationNotice(ctx context.Context, orgID string) (*parcours.Notice, error) {
	n := &parcours.Notice{}
	var updated sql.NullInt64
	var addr, purpose, basis, recipients, retention, dpo sql.NullString
	err := tx.queryRow(ctx, `SELECT o.id, o.name, n.controller_address, n.purpose, n.legal_basis, n.recipients, n.retention,
		n.dpo_contact, n.updated_at FROM organizations o LEFT JOIN organization_notices n ON n.org_id = o.id WHERE o.id = ?`, orgID).
		Scan(&n.OrgID, &n.OrgName, &addr, &purpose, &basis, &recipients, &retention, &dpo, &updated)
	if err != nil {
		return nil, err
	}
	n.ControllerAddress, n.Purpose, n.LegalBasis = addr.String, purpose.String, basis.String
	n.Recipients, n.Retention, n.DPOContact = recipients.String, retention.String, dpo.String
	if updated.Valid {
		n.UpdatedAt = fromTS(updated.Int64)
	}
	return n, nil
}

// SaveOrganizationNotice writes an organisation's notice texts.
func (tx *Tx) SaveOrganizationNotice(ctx context.Context, n *parcours.Notice, by string) error {
	n.UpdatedAt = tx.now
	_, err := tx.exec(ctx, `INSERT INTO organization_notices (org_id, controller_address, purpose, legal_basis, recipients,
		retention, dpo_contact, updated_at, updated_by) VALUES (?,?,?,?,?,?,?,?,?)
		ON CONFLICT (org_id) DO UPDATE SET controller_address = excluded.controller_address, purpose = excluded.purpose,
		legal_basis = excluded.legal_basis, recipients = excluded.recipients, retention = excluded.retention,
		dpo_contact = excluded.dpo_contact, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
		n.OrgID, n.ControllerAddress, n.Purpose, n.LegalBasis, n.Recipients, n.Retention, n.DPOContact, ts(n.UpdatedAt), by)
	return err
}
