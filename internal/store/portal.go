package store

import (
	"context"
	"time"

	"parcours/internal/parcours"
)

// The person portal's accounts, invitations, sessions and the journal's
// disclosure decisions (migration 0140).

const portalAccountColumns = `id, org_id, person_id, kind, login, name, relationship, scope, ends_on, created_by, created_at,
	activated_at, revoked_at, totp_secret <> ''`

func scanPortalAccount(s interface{ Scan(...any) error }) (*parcours.PortalAccount, error) {
	var a parcours.PortalAccount
	var created, activated, revoked int64
	if err := s.Scan(&a.ID, &a.OrgID, &a.PersonID, &a.Kind, &a.Login, &a.Name, &a.Relationship, &a.Scope, &a.EndsOn,
		&a.CreatedBy, &created, &activated, &revoked, &a.TOTPEnabled); err != nil {
		return nil, err
	}
	a.CreatedAt, a.ActivatedAt, a.RevokedAt = fromTS(created), fromTS(activated), fromTS(revoked)
	return &a, nil
}

// InsertPortalAccount stores a new, not yet activated, portal account.
func (tx *Tx) InsertPortalAccount(ctx context.Context, a *parcours.PortalAccount) error {
	a.ID, a.CreatedAt = NewID(), tx.now
	_, err := tx.exec(ctx, `INSERT INTO portal_accounts (id, org_id, person_id, kind, name, relationship, scope, ends_on, created_by, created_at)
		VALUES (?,?,?,?,?,?,?,?,?,?)`, a.ID, a.OrgID, a.PersonID, a.Kind, a.Name, a.Relationship, a.Scope, a.EndsOn, a.CreatedBy, ts(a.CreatedAt))
	return err
}

// PortalAccount returns an account by id.
func (tx *Tx) PortalAccount(ctx context.Context, id string) (*parcours.PortalAccount, error) {
	return scanPortalAccount(tx.queryRow(ctx, "SELECT "+portalAccountColumns+" FROM portal_accounts WHERE id = ?", id))
}

// PortalAccountByLogin returns an account by its (lower-case) login.
func (tx *Tx) PortalAccountByLogin(ctx context.Context, login string) (*parcours.PortalAccount, error) {
	return scanPortalAccount(tx.queryRow(ctx, "SELECT "+portalAccountColumns+" FROM portal_accounts WHERE login = ? AND login <> ''", login))
}

// PortalAccounts returns the accounts on a person's file: their own and
// their delegates', oldest first.
func (tx *Tx) PortalAccounts(ctx context.Context, personIDs []string) ([]*parcours.PortalAccount, error) {
	in, args := personIn("person_id", personIDs)
	rows, err := tx.query(ctx, "SELECT "+portalAccountColumns+" FROM portal_accounts WHERE "+in+" ORDER BY created_at, id", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*parcours.PortalAccount{}
	for rows.Next() {
		a, err := scanPortalAccount(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// PortalPasswordHash returns an account's password hash ("" before
// activation).
func (tx *Tx) PortalPasswordHash(ctx context.Context, id string) (string, error) {
	var h string
	err := tx.queryRow(ctx, "SELECT password_hash FROM portal_accounts WHERE id = ?", id).Scan(&h)
	return h, err
}

// ActivatePortalAccount sets an account's login and password hash: its
// activation, or a reset with a new invitation (the login then stays).
func (tx *Tx) ActivatePortalAccount(ctx context.Context, id, login, passwordHash string) error {
	_, err := tx.exec(ctx, `UPDATE portal_accounts SET login = ?, password_hash = ?,
		activated_at = CASE WHEN activated_at = 0 THEN ? ELSE activated_at END WHERE id = ?`, login, passwordHash, ts(tx.now), id)
	return err
}

// RevokePortalAccount ends an account (a delegate withdrawn, a portal
// closed) and its sessions.
func (tx *Tx) RevokePortalAccount(ctx context.Context, id string) error {
	// A closed account keeps no address for reply notices (migration
	// 0370): it was for this account only.
	if _, err := tx.exec(ctx, "UPDATE portal_accounts SET revoked_at = ?, notice_email = '', notice_consent_at = 0 WHERE id = ? AND revoked_at = 0", ts(tx.now), id); err != nil {
		return err
	}
	_, err := tx.exec(ctx, "DELETE FROM portal_sessions WHERE account_id = ?", id)
	return err
}

// PortalTOTP returns an account's sealed TOTP secret ("" without one) and
// the last time step used.
func (tx *Tx) PortalTOTP(ctx context.Context, id string) (secret string, lastStep int64, err error) {
	err = tx.queryRow(ctx, "SELECT totp_secret, totp_last_step FROM portal_accounts WHERE id = ?", id).Scan(&secret, &lastStep)
	return secret, lastStep, err
}

// SetPortalTOTP stores an account's sealed TOTP secret ("" removes it)
// and the last step used.
func (tx *Tx) SetPortalTOTP(ctx context.Context, id, secret string, lastStep int64) error {
	_, err := tx.exec(ctx, "UPDATE portal_accounts SET totp_secret = ?, totp_last_step = ? WHERE id = ?", secret, lastStep, id)
	return err
}

// InsertPortalInvitation stores an invitation by the hash of its code.
func (tx *Tx) InsertPortalInvitation(ctx context.Context, inv *parcours.PortalInvitation, codeHash string) error {
	inv.ID, inv.CreatedAt = NewID(), tx.now
	_, err := tx.exec(ctx, `INSERT INTO portal_invitations (id, account_id, person_id, code_hash, channel, created_by, created_at, expires_at)
		VALUES (?,?,?,?,?,?,?,?)`, inv.ID, inv.AccountID, inv.PersonID, codeHash, inv.Channel, inv.CreatedBy, ts(inv.CreatedAt), ts(inv.ExpiresAt))
	return err
}

// PortalInvitationByHash returns the invitation whose code has this hash.
func (tx *Tx) PortalInvitationByHash(ctx context.Context, codeHash string) (*parcours.PortalInvitation, error) {
	var inv parcours.PortalInvitation
	var created, expires, used int64
	err := tx.queryRow(ctx, `SELECT id, account_id, person_id, channel, created_by, created_at, expires_at, used_at
		FROM portal_invitations WHERE code_hash = ?`, codeHash).Scan(&inv.ID, &inv.AccountID, &inv.PersonID, &inv.Channel,
		&inv.CreatedBy, &created, &expires, &used)
	if err != nil {
		return nil, err
	}
	inv.CreatedAt, inv.ExpiresAt, inv.UsedAt = fromTS(created), fromTS(expires), fromTS(used)
	return &inv, nil
}

// UsePortalInvitation marks an invitation used; false when it already was
// (two activations racing: one wins).
func (tx *Tx) UsePortalInvitation(ctx context.Context, id string) (bool, error) {
	res, err := tx.exec(ctx, "UPDATE portal_invitations SET used_at = ? WHERE id = ? AND used_at = 0", ts(tx.now), id)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// CancelPortalInvitations marks every unused invitation of an account
// used: a new code replaces the previous ones.
func (tx *Tx) CancelPortalInvitations(ctx context.Context, accountID string) error {
	_, err := tx.exec(ctx, "UPDATE portal_invitations SET used_at = ? WHERE account_id = ? AND used_at = 0", ts(tx.now), accountID)
	return err
}

// CountPortalInvitations counts the invitations made for an account since t.
func (tx *Tx) CountPortalInvitations(ctx context.Context, accountID string, since time.Time) (int, error) {
	var n int
	err := tx.queryRow(ctx, "SELECT COUNT(*) FROM portal_invitations WHERE account_id = ? AND created_at >= ?", accountID, ts(since)).Scan(&n)
	return n, err
}

// PortalSessionRow is a stored portal session, by the hash of its secret.
type PortalSessionRow struct {
	IDHash      string
	AccountID   string
	CreatedAt   int64
	LastSeenAt  int64
	MFADone     bool
	CSRF        string
	TOTPPending string
}

// InsertPortalSession stores a new portal session.
func (tx *Tx) InsertPortalSession(ctx context.Context, s *PortalSessionRow) error {
	s.CreatedAt, s.LastSeenAt = ts(tx.now), ts(tx.now)
	_, err := tx.exec(ctx, "INSERT INTO portal_sessions (id_hash, account_id, created_at, last_seen_at, mfa_done, csrf_token) VALUES (?,?,?,?,?,?)",
		s.IDHash, s.AccountID, s.CreatedAt, s.LastSeenAt, s.MFADone, s.CSRF)
	return err
}

// PortalSession returns a portal session by the hash of its secret.
func (tx *Tx) PortalSession(ctx context.Context, idHash string) (*PortalSessionRow, error) {
	var s PortalSessionRow
	err := tx.queryRow(ctx, "SELECT id_hash, account_id, created_at, last_seen_at, mfa_done, csrf_token, totp_pending FROM portal_sessions WHERE id_hash = ?", idHash).
		Scan(&s.IDHash, &s.AccountID, &s.CreatedAt, &s.LastSeenAt, &s.MFADone, &s.CSRF, &s.TOTPPending)
	if err != nil {
		return nil, err
	}
	return &s, nil
}

// TouchPortalSession records activity on a portal session.
func (tx *Tx) TouchPortalSession(ctx context.Context, idHash string) error {
	_, err := tx.exec(ctx, "UPDATE portal_sessions SET last_seen_at = ? WHERE id_hash = ?", ts(tx.now), idHash)
	return err
}

// CompletePortalSessionMFA marks the second factor done.
func (tx *Tx) CompletePortalSessionMFA(ctx context.Context, idHash string) error {
	_, err := tx.exec(ctx, "UPDATE portal_sessions SET mfa_done = ?, last_seen_at = ? WHERE id_hash = ?", true, ts(tx.now), idHash)
	return err
}

// SetPortalSessionTOTPPending keeps the sealed secret a session enrols.
func (tx *Tx) SetPortalSessionTOTPPending(ctx context.Context, idHash, sealed string) error {
	_, err := tx.exec(ctx, "UPDATE portal_sessions SET totp_pending = ? WHERE id_hash = ?", sealed, idHash)
	return err
}

// DeletePortalSession ends one portal session.
func (tx *Tx) DeletePortalSession(ctx context.Context, idHash string) error {
	_, err := tx.exec(ctx, "DELETE FROM portal_sessions WHERE id_hash = ?", idHash)
	return err
}

// DeletePortalAccountSessions ends every session of an account except
// keep (a password reset ends the others).
func (tx *Tx) DeletePortalAccountSessions(ctx context.Context, accountID, keep string) error {
	_, err := tx.exec(ctx, "DELETE FROM portal_sessions WHERE account_id = ? AND id_hash <> ?", accountID, keep)
	return err
}

// DeleteExpiredPortalSessions removes portal sessions idle since before
// idleBefore or created before createdBefore (microseconds).
func (tx *Tx) DeleteExpiredPortalSessions(ctx context.Context, idleBefore, createdBefore int64) (int64, error) {
	res, err := tx.exec(ctx, "DELETE FROM portal_sessions WHERE last_seen_at < ? OR created_at < ?", idleBefore, createdBefore)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// InsertDisclosure records a decision about showing an entry to the
// person; the latest one counts.
func (tx *Tx) InsertDisclosure(ctx context.Context, d *parcours.Disclosure) error {
	d.SetAt = tx.now
	_, err := tx.exec(ctx, `INSERT INTO journal_disclosures (id, entry_id, person_id, shared, withheld, reason, set_by, set_at)
		VALUES (?,?,?,?,?,?,?,?)`, NewID(), d.EntryID, d.PersonID, d.Shared, d.Withheld, d.Reason, d.SetBy, ts(d.SetAt))
	return err
}

// Disclosures returns the current decision for each entry of the persons
// that has one, by entry id.
func (tx *Tx) Disclosures(ctx context.Context, personIDs []string) (map[string]*parcours.Disclosure, error) {
	in, args := personIn("person_id", personIDs)
	rows, err := tx.query(ctx, `SELECT entry_id, person_id, shared, withheld, reason, set_by, set_at FROM journal_disclosures
		WHERE `+in+` ORDER BY set_at, id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]*parcours.Disclosure{}
	for rows.Next() {
		var d parcours.Disclosure
		var at int64
		if err := rows.Scan(&d.EntryID, &d.PersonID, &d.Shared, &d.Withheld, &d.Reason, &d.SetBy, &at); err != nil {
			return nil, err
		}
		d.SetAt = fromTS(at)
		out[d.EntryID] = &d // later rows replace earlier ones
	}
	return out, rows.Err()
}
