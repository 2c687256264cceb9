package store

import (
	"context"
)

// APIToken is a bearer token's metadata; the secret itself is never
// stored, only its hash.
type APIToken struct {
	ID         string
	WorkerID   string
	Name       string
	Prefix     string
	CreatedAt  int64
	LastUsedAt int64
	RevokedAt  int64
}

// InsertAPIToken stores a token by its hash.
func (tx *Tx) InsertAPIToken(ctx context.Context, t *APIToken, hash string) error {
	if t.ID == "" {
		t.ID = NewID()
	}
	t.CreatedAt = ts(tx.now)
	_, err := tx.exec(ctx, "INSERT INTO api_tokens (id, worker_id, name, prefix, token_hash, created_at) VALUES (?,?,?,?,?,?)",
		t.ID, t.WorkerID, t.Name, t.Prefix, hash, t.CreatedAt)
	return err
}

// TokenByHash returns an unrevoked token by the hash of its secret.
func (tx *Tx) TokenByHash(ctx context.Context, hash string) (*APIToken, error) {
	var t APIToken
	err := tx.queryRow(ctx, "SELECT id, worker_id, name, prefix, created_at, last_used_at, revoked_at FROM api_tokens WHERE token_hash = ? AND revoked_at = 0", hash).
		Scan(&t.ID, &t.WorkerID, &t.Name, &t.Prefix, &t.CreatedAt, &t.LastUsedAt, &t.RevokedAt)
	if err != nil {
		return nil, err
	}
	return &t, nil
}

// TouchAPIToken records a token's use.
func (tx *Tx) TouchAPIToken(ctx context.Context, id string) error {
	_, err := tx.exec(ctx, "UPDATE api_tokens SET last_used_at = ? WHERE id = ?", ts(tx.now), id)
	return err
}

// APITokens lists a worker's tokens, newest first.
func (tx *Tx) APITokens(ctx context.Context, workerID string) ([]*APIToken, error) {
	rows, err := tx.query(ctx, "SELECT id, worker_id, name, prefix, created_at, last_used_at, revoked_at FROM api_tokens WHERE worker_id = ? ORDER BY created_at DESC, id DESC", workerID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*APIToken
	for rows.Next() {
		var t APIToken
		if err := rows.Scan(&t.ID, &t.WorkerID, &t.Name, &t.Prefix, &t.CreatedAt, &t.LastUsedAt, &t.RevokedAt); err != nil {
			return nil, err
		}
		out = append(out, &t)
	}
	return out, rows.Err()
}

// RevokeAPIToken revokes a token of a worker; false when there is none.
func (tx *Tx) RevokeAPIToken(ctx context.Context, workerID, id string) (bool, error) {
	tx.markActorChanged(workerID)
	res, err := tx.exec(ctx, "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND worker_id = ? AND revoked_at = 0", ts(tx.now), id, workerID)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
