package store

import "context"

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
	_, err := tx.exec(ctx, "UPDATE sessions SET mfa_done = ?, last_seen_at = ? WHERE id_hash = ?", true, ts(tx.now), idHash)
	return err
}

// SetSessionTOTPPending keeps the (sealed) TOTP secret a session is
// enrolling.
func (tx *Tx) SetSessionTOTPPending(ctx context.Context, idHash, sealed string) error {
	_, err := tx.exec(ctx, "UPDATE sessions SET totp_pending = ? WHERE id_hash = ?", sealed, idHash)
	return err
}

// DeleteSession ends one session.
func (tx *Tx) DeleteSession(ctx context.Context, idHash string) error {
	_, err := tx.exec(ctx, "DELETE FROM sessions WHERE id_hash = ?", idHash)
	return err
}

// DeleteWorkerSessions ends every session of a worker (password change,
// account disabled).
func (tx *Tx) DeleteWorkerSessions(ctx context.Context, workerID string) error {
	_, err := tx.exec(ctx, "DELETE FROM sessions WHERE worker_id = ?", workerID)
	return err
}

// DeleteExpiredSessions removes sessions idle since before idleBefore or
// created before createdBefore (instants in microseconds).
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
	_, err := tx.exec(ctx, "DELETE FROM sessions WHERE worker_id = ? AND id_hash <> ?", workerID, keep)
	return err
}

// CountWorkerSessions returns how many sessions a worker has open.
func (tx *Tx) CountWorkerSessions(ctx context.Context, workerID string) (int, error) {
	var n int
	err := tx.queryRow(ctx, "SELECT COUNT(*) FROM sessions WHERE worker_id = ?", workerID).Scan(&n)
	return n, err
}
