package store

import (
	"context"
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
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// DeleteFormTokensBefore forgets the forms sent before t.
func (tx *Tx) DeleteFormTokensBefore(ctx context.Context, t time.Time) error {
	_, err := tx.exec(ctx, "DELETE FROM form_tokens WHERE used_at < ?", ts(t))
	return err
}
