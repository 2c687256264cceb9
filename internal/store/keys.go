package store

import "context"

// WrappedKey returns the wrapped instance key stored under name, or
// ErrNoRows.
func (tx *Tx) WrappedKey(ctx context.Context, name string) (string, error) {
	var wrapped string
	err := tx.queryRow(ctx, "SELECT wrapped FROM instance_keys WHERE name = ?", name).Scan(&wrapped)
	return wrapped, err
}

// InsertWrappedKey stores a wrapped instance key unless one is already
// stored under name: of two instances starting together, the first to
// commit wins and the other reads its key back.
func (tx *Tx) InsertWrappedKey(ctx context.Context, name, wrapped string) error {
	_, err := tx.exec(ctx, "INSERT INTO instance_keys (name, wrapped, created_at) VALUES (?,?,?) ON CONFLICT (name) DO NOTHING",
		name, wrapped, ts(tx.now))
	return err
}
