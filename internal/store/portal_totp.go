package store

import "context"

// UsePortalTOTPStep records that a portal account used the TOTP time step
// step; false if that step (or a later one) was already used: a code is
// never accepted twice.
func (tx *Tx) UsePortalTOTPStep(ctx context.Context, accountID string, step int64) (bool, error) {
	res, err := tx.exec(ctx, "UPDATE portal_accounts SET totp_last_step = ? WHERE id = ? AND totp_last_step < ?", step, accountID, step)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
