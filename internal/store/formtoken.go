package store

import (
	"context"
	"fmt"
	"time"
)

// UseFormToken records that workerID sent the form carrying token. It
// reports false when that form was sent already: the caller then does not
// run it a second time. Two posts racing each other are settled by the
// primary key: one insert wins, the other inserts nothing.
func (tx *Tx) UseFormToken(ctx context.Context, workerID, token string) (bool, error) {
	res, err := tx.exec(ctx, "INSERT INTO form_tokens (worker_id, token, used_at) VALUES (?, ?, ?) ON CONFLICT (worker_id, token) DO NOTHING",
		workerID, token, ts(tx.now))
	if err != nil {
		return false, fmt.Errorf("store: use form token of worker %s: %w", workerID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("store: use form token of worker %s: %w", workerID, err)
	}
	return n == 1, nil
}

// ReleaseFormToken forgets that workerID sent the form carrying token, so
// that it may be sent again: its handler did not succeed.
func (tx *Tx) ReleaseFormToken(ctx context.Context, workerID, token string) error {
	if _, err := tx.exec(ctx, "DELETE FROM form_tokens WHERE worker_id = ? AND token = ?", workerID, token); err != nil {
		return fmt.Errorf("store: release form token of worker %s: %w", workerID, err)
	}
	return nil
}

// DeleteFormTokensBefore forgets the forms sent before t.
func (tx *Tx) DeleteFormTokensBefore(ctx context.Context, t time.Time) error {
	if _, err := tx.exec(ctx, "DELETE FROM form_tokens WHERE used_at < ?", ts(t)); err != nil {
		return fmt.Errorf("store: forget old form tokens: %w", err)
	}
	return nil
}
