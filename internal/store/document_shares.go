package store

import (
	"context"

	"parcours/internal/parcours"
)

// InsertDocumentShare records a decision about showing a document to the
// person in their portal (migration 0190).
func (tx *Tx) InsertDocumentShare(ctx context.Context, d *parcours.DocumentShare) error {
	d.SetAt = tx.now
	_, err := tx.exec(ctx, `INSERT INTO document_shares (id, document_id, person_id, shared, set_by, set_at) VALUES (?,?,?,?,?,?)`,
		NewID(), d.DocumentID, d.PersonID, d.Shared, d.SetBy, ts(d.SetAt))
	return err
}

// DocumentShares returns the current decision for each document of the
// persons that has one, by document id.
func (tx *Tx) DocumentShares(ctx context.Context, personIDs []string) (map[string]*parcours.DocumentShare, error) {
	in, args := personIn("person_id", personIDs)
	rows, err := tx.query(ctx, `SELECT document_id, person_id, shared, set_by, set_at FROM document_shares
		WHERE `+in+` ORDER BY set_at, id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]*parcours.DocumentShare{}
	for rows.Next() {
		var d parcours.DocumentShare
		var at int64
		if err := rows.Scan(&d.DocumentID, &d.PersonID, &d.Shared, &d.SetBy, &at); err != nil {
			return nil, err
		}
		d.SetAt = fromTS(at)
		out[d.DocumentID] = &d // later rows replace earlier ones
	}
	return out, rows.Err()
}
