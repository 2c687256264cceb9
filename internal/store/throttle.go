package store

import (
	"context"
	"database/sql"
	"errors"
)

// Throttle counts the recent login failures of one key ("account:…" or
// "ip:…") and when it is locked until. Instants are microseconds.
type Throttle struct {
	Key         string
	Failures    int
	WindowStart int64
	LockedUntil int64
}

// Throttle returns the counter of key; a key never seen gives a zero
// counter, not an error.
func (tx *Tx) Throttle(ctx context.Context, key string) (*Throttle, error) {
	t := &Throttle{Key: key}
	err := tx.queryRow(ctx, "SELECT failures, window_start, locked_until FROM login_throttle WHERE key = ?", key).
		Scan(&t.Failures, &t.WindowStart, &t.LockedUntil)
	if errors.Is(err, sql.ErrNoRows) {
		return t, nil
	}
	return t, err
}

// SaveThrottle writes a counter (insert or update).
func (tx *Tx) SaveThrottle(ctx context.Context, t *Throttle) error {
	_, err := tx.exec(ctx, `INSERT INTO login_throttle (key, failures, window_start, locked_until) VALUES (?,?,?,?)
		ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, window_start = excluded.window_start, locked_until = excluded.locked_until`,
		t.Key, t.Failures, t.WindowStart, t.LockedUntil)
	return err
}

// ClearThrottle forgets the failures of key (after a successful login).
func (tx *Tx) ClearThrottle(ctx context.Context, key string) error {
	_, err := tx.exec(ctx, "DELETE FROM login_throttle WHERE key = ?", key)
	return err
}

// DeleteStaleThrottles forgets counters whose window started before
// windowBefore and that are not locked past now (microseconds): they
// can no longer lock anything.
func (tx *Tx) DeleteStaleThrottles(ctx context.Context, windowBefore, now int64) (int64, error) {
	res, err := tx.exec(ctx, "DELETE FROM login_throttle WHERE window_start < ? AND locked_until <= ?", windowBefore, now)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
