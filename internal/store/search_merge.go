package store

import (
	"context"
	"database/sql"
	"time"
)

// PersonMerge records that one person's file was merged into another's.
type PersonMerge struct {
	ID         string
	OrgID      string
	KeptID     string
	AbsorbedID string
	Reason     string
	MergedBy   string
	MergedAt   time.Time
	UndoneBy   string
	UndoneAt   time.Time
	UndoReason string
}

// InsertMerge records a merge and points the absorbed person at the kept
// one. It returns false, writing nothing, when the absorbed person was
// merged meanwhile.
func (tx *Tx) InsertMerge(ctx context.Context, m *PersonMerge) (bool, error) {
	if m.ID == "" {
		m.ID = NewID()
	}
	m.MergedAt = tx.now
	res, err := tx.exec(ctx, "UPDATE persons SET merged_into = ?, updated_at = ?, version = version + 1 WHERE id = ? AND merged_into IS NULL",
		m.KeptID, ts(tx.now), m.AbsorbedID)
	if err != nil {
		return false, err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return false, err
	}
	_, err = tx.exec(ctx, `INSERT INTO person_merges (id, org_id, kept_id, absorbed_id, reason, merged_by, merged_at)
		VALUES (?,?,?,?,?,?,?)`, m.ID, m.OrgID, m.KeptID, m.AbsorbedID, m.Reason, m.MergedBy, ts(m.MergedAt))
	return err == nil, err
}

// UndoMerge marks a merge undone and clears the absorbed person's pointer.
// It returns false when the merge was already undone.
func (tx *Tx) UndoMerge(ctx context.Context, m *PersonMerge) (bool, error) {
	m.UndoneAt = tx.now
	res, err := tx.exec(ctx, "UPDATE person_merges SET undone_by = ?, undone_at = ?, undo_reason = ? WHERE id = ? AND undone_at = 0",
		m.UndoneBy, ts(m.UndoneAt), m.UndoReason, m.ID)
	if err != nil {
		return false, err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return false, err
	}
	_, err = tx.exec(ctx, "UPDATE persons SET merged_into = NULL, updated_at = ?, version = version + 1 WHERE id = ? AND merged_into = ?",
		ts(tx.now), m.AbsorbedID, m.KeptID)
	return err == nil, err
}

// Merge returns a merge record, ErrNoRows when absent.
func (tx *Tx) Merge(ctx context.Context, id string) (*PersonMerge, error) {
	var m PersonMerge
	var merged, undone int64
	err := tx.queryRow(ctx, `SELECT id, org_id, kept_id, absorbed_id, reason, merged_by, merged_at, undone_by, undone_at, undo_reason
		FROM person_merges WHERE id = ?`, id).Scan(&m.ID, &m.OrgID, &m.KeptID, &m.AbsorbedID, &m.Reason, &m.MergedBy, &merged,
		&m.UndoneBy, &undone, &m.UndoReason)
	if err != nil {
		return nil, err
	}
	m.MergedAt, m.UndoneAt = fromTS(merged), fromTS(undone)
	return &m, nil
}

// MergedInto returns the id of the person that absorbed personID, "" when
// it was not merged.
func (tx *Tx) MergedInto(ctx context.Context, personID string) (string, error) {
	var into sql.NullString
	err := tx.queryRow(ctx, "SELECT merged_into FROM persons WHERE id = ?", personID).Scan(&into)
	return into.String, err
}

// MergedIDs returns personID followed by every person merged into it,
// directly or through earlier merges. Reads of a file (journal, documents,
// accompaniments) use it to show the entries of absorbed duplicates
// without rewriting them: WHERE person_id IN (MergedIDs…).
func (tx *Tx) MergedIDs(ctx context.Context, personID string) ([]string, error) {
	out := []string{personID}
	for i := 0; i < len(out) && len(out) < 1000; i++ {
		rows, err := tx.query(ctx, "SELECT id FROM persons WHERE merged_into = ? ORDER BY id", out[i])
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, err
			}
			out = append(out, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ImportKey returns the object created by an earlier import for a stable
// source key, ErrNoRows when there was none.
func (tx *Tx) ImportKey(ctx context.Context, orgID, kind, key string) (string, error) {
	var id string
	err := tx.queryRow(ctx, "SELECT object_id FROM import_keys WHERE org_id = ? AND kind = ? AND source_key = ?", orgID, kind, key).Scan(&id)
	return id, err
}

// InsertImportKey records the object an import created for a source key.
func (tx *Tx) InsertImportKey(ctx context.Context, orgID, kind, key, objectID string) error {
	_, err := tx.exec(ctx, "INSERT INTO import_keys (org_id, kind, source_key, object_id, created_at) VALUES (?,?,?,?,?)",
		orgID, kind, key, objectID, ts(tx.now))
	return err
}

// MergesOf returns the merges a person took part in, kept or absorbed,
// newest first.
func (tx *Tx) MergesOf(ctx context.Context, personID string) ([]*PersonMerge, error) {
	rows, err := tx.query(ctx, `SELECT id, org_id, kept_id, absorbed_id, reason, merged_by, merged_at, undone_by, undone_at, undo_reason
		FROM person_merges WHERE kept_id = ? OR absorbed_id = ? ORDER BY merged_at DESC, id DESC`, personID, personID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*PersonMerge
	for rows.Next() {
		var m PersonMerge
		var merged, undone int64
		if err := rows.Scan(&m.ID, &m.OrgID, &m.KeptID, &m.AbsorbedID, &m.Reason, &m.MergedBy, &merged,
			&m.UndoneBy, &undone, &m.UndoReason); err != nil {
			return nil, err
		}
		m.MergedAt, m.UndoneAt = fromTS(merged), fromTS(undone)
		out = append(out, &m)
	}
	return out, rows.Err()
}
