package store

import (
	"context"
	"database/sql"
	"errors"
)

// Every change to a session other than its activity (TouchSession) marks
// its worker changed (actors.go), so that the caches of sessions hear of
// it at once on every instance: a session ended or changed on one
// instance is never served from another's cache.

// SessionRow is a stored browser session, looked up by the hash of its
// secret.
type SessionRow struct {
	IDHash     string
	WorkerID   string
	CreatedAt  int64
	LastSeenAt int64
	MFADone    bool
	CSRF       string
	// TOTPPending is the sealed TOTP secret being enrolled, "" if none.
	TOTPPending string
}

// InsertSession stores a new session.
func (tx *Tx) InsertSession(ctx context.Context, s *SessionRow) error {
	s.CreatedAt, s.LastSeenAt = ts(tx.now), ts(tx.now)
	_, err := tx.exec(ctx, "INSERT INTO sessions (id_hash, worker_id, created_at, last_seen_at, mfa_done, csrf_token) VALUES (?,?,?,?,?,?)",
		s.IDHash, s.WorkerID, s.CreatedAt, s.LastSeenAt, s.MFADone, s.CSRF)
	return err
}

// Session returns a session by the hash of its secret.
func (tx *Tx) Session(ctx context.Context, idHash string) (*SessionRow, error) {
	var s SessionRow
	err := tx.queryRow(ctx, "SELECT id_hash, worker_id, created_at, last_seen_at, mfa_done, csrf_token, totp_pending FROM sessions WHERE id_hash = ?", idHash).
		Scan(&s.IDHash, &s.WorkerID, &s.CreatedAt, &s.LastSeenAt, &s.MFADone, &s.CSRF, &s.TOTPPending)
	if err != nil {
		return nil, err
	}
	return &s, nil
}

// TouchSession records activity on a session (idle timeout).
func (tx *Tx) TouchSession(ctx context.Context, idHash string) error {
	_, err := tx.exec(ctx, "UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?", ts(tx.now), idHash)
	return err
}

// CompleteSessionMFA marks the second factor done on a session.
func (tx *Tx) CompleteSessionMFA(ctx context.Context, idHash string) error {
	return tx.sessionChanged(tx.queryRow(ctx, "UPDATE sessions SET mfa_done = ?, last_seen_at = ? WHERE id_hash = ? RETURNING worker_id", true, ts(tx.now), idHash))
}

// sessionChanged marks the worker of the session a change statement
// returned changed; no session is no change.
func (tx *Tx) sessionChanged(r row) error {
	var workerID string
	err := r.Scan(&workerID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err == nil {
		tx.markActorChanged(workerID)
	}
	return err
}

// SetSessionTOTPPending keeps the (sealed) TOTP secret a session is
// enrolling.
func (tx *Tx) SetSessionTOTPPending(ctx context.Context, idHash, sealed string) error {
	return tx.sessionChanged(tx.queryRow(ctx, "UPDATE sessions SET totp_pending = ? WHERE id_hash = ? RETURNING worker_id", sealed, idHash))
}

// DeleteSession ends one session.
func (tx *Tx) DeleteSession(ctx context.Context, idHash string) error {
	return tx.sessionChanged(tx.queryRow(ctx, "DELETE FROM sessions WHERE id_hash = ? RETURNING worker_id", idHash))
}

// DeleteWorkerSessions ends every session of a worker (password change,
// account disabled).
func (tx *Tx) DeleteWorkerSessions(ctx context.Context, workerID string) error {
	tx.markActorChanged(workerID)
	_, err := tx.exec(ctx, "DELETE FROM sessions WHERE worker_id = ?", workerID)
	return err
}

// DeleteExpiredSessions removes sessions idle since before idleBefore or
// created before createdBefore (instants in microseconds). No cache is
// told: a cached session is checked against the same limits, with an
// activity no later than the stored one.
func (tx *Tx) DeleteExpiredSessions(ctx context.Context, idleBefore, createdBefore int64) (int64, error) {
	res, err := tx.exec(ctx, "DELETE FROM sessions WHERE last_seen_at < ? OR created_at < ?", idleBefore, createdBefore)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// DeleteOtherSessions ends every session of a worker except the one whose
// hash is keep (the session that changed the password stays signed in).
func (tx *Tx) DeleteOtherSessions(ctx context.Context, workerID, keep string) error {
	tx.markActorChanged(workerID)
	_, err := tx.exec(ctx, "DELETE FROM sessions WHERE worker_id = ? AND id_hash <> ?", workerID, keep)
	return err
}

// CountWorkerSessions returns how many sessions a worker has open.
func (tx *Tx) CountWorkerSessions(ctx context.Context, workerID string) (int, error) {
	var n int
	err := tx.queryRow(ctx, "SELECT COUNT(*) FROM sessions WHERE worker_id = ?", workerID).Scan(&n)
	return n, err
}
