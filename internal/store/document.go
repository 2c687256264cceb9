package store

import (
	"context"
	"strconv"
	"strings"

	"parcours/internal/parcours"
)

// Document metadata. The contents are files under the data dir, named by
// their SHA-256; the casefile service writes and reads them.

const documentColumns = "id, org_id, person_id, accompaniment_id, kind, title, content_type, size, sha256, expires_on, uploaded_by, created_at"

// InsertDocument stores a document's metadata.
func (tx *Tx) InsertDocument(ctx context.Context, d *parcours.Document) error {
	if d.ID == "" {
		d.ID = NewID()
	}
	if d.CreatedAt.IsZero() {
		d.CreatedAt = tx.now
	}
	_, err := tx.exec(ctx, "INSERT INTO documents ("+documentColumns+") VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
		d.ID, d.OrgID, d.PersonID, nullString(d.AccompanimentID), d.Kind, d.Title, d.ContentType, d.Size, d.SHA256,
		d.ExpiresOn, d.UploadedBy, ts(d.CreatedAt))
	return err
}

func scanDocument(row interface{ Scan(...any) error }) (*parcours.Document, error) {
	var d parcours.Document
	var acc cfNullString
	var created int64
	if err := row.Scan(&d.ID, &d.OrgID, &d.PersonID, &acc, &d.Kind, &d.Title, &d.ContentType, &d.Size, &d.SHA256,
		&d.ExpiresOn, &d.UploadedBy, &created); err != nil {
		return nil, err
	}
	d.AccompanimentID = string(acc)
	d.CreatedAt = fromTS(created)
	return &d, nil
}

func (tx *Tx) scanDocuments(ctx context.Context, q string, args ...any) ([]*parcours.Document, error) {
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*parcours.Document{}
	for rows.Next() {
		d, err := scanDocument(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// Document returns one document's metadata.
func (tx *Tx) Document(ctx context.Context, id string) (*parcours.Document, error) {
	return scanDocument(tx.queryRow(ctx, "SELECT "+documentColumns+" FROM documents WHERE id = ?", id))
}

// PersonDocuments returns up to limit documents of the persons of a file,
// newest first, after the key (created_at, id).
func (tx *Tx) PersonDocuments(ctx context.Context, personIDs []string, after []string, limit int) ([]*parcours.Document, error) {
	in, args := personIn("person_id", personIDs)
	q := "SELECT " + documentColumns + " FROM documents WHERE " + in
	if len(after) == 2 {
		created, err := strconv.ParseInt(after[0], 10, 64)
		if err != nil {
			return nil, parcours.FieldError(parcours.EBadRequest, "cursor", "error.invalid_cursor")
		}
		q += " AND (created_at < ? OR (created_at = ? AND id < ?))"
		args = append(args, created, created, after[1])
	}
	q += " ORDER BY created_at DESC, id DESC LIMIT ?"
	return tx.scanDocuments(ctx, q, append(args, limit)...)
}

// DocumentKey is the sort key of a document, for cursors.
func DocumentKey(d *parcours.Document) []string {
	return []string{strconv.FormatInt(ts(d.CreatedAt), 10), d.ID}
}

// DocumentContentUsed reports whether any document row refers to the
// content with that hash, so an unreferenced file can be removed.
func (tx *Tx) DocumentContentUsed(ctx context.Context, sha string) (bool, error) {
	var n int
	err := tx.queryRow(ctx, "SELECT COUNT(*) FROM documents WHERE sha256 = ?", sha).Scan(&n)
	return n > 0, err
}

// ExpiringDocument is a document with its person's name, for the list of
// documents about to expire.
type ExpiringDocument struct {
	*parcours.Document
	PersonName string
}

// ExpiringDocumentsWithPersons returns the documents of an organisation
// whose expiry date is between from and to inclusive, soonest first, with
// each person's display name, in one query.
func (tx *Tx) ExpiringDocumentsWithPersons(ctx context.Context, orgID, from, to string) ([]ExpiringDocument, error) {
	cols := strings.ReplaceAll("d."+documentColumns, ", ", ", d.")
	rows, err := tx.query(ctx, "SELECT "+cols+`, p.birth_name, p.usage_name, p.first_names
		FROM documents d JOIN persons p ON p.id = d.person_id
		WHERE d.org_id = ? AND d.expires_on >= ? AND d.expires_on <= ? AND d.expires_on <> '' ORDER BY d.expires_on, d.id`, orgID, from, to)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ExpiringDocument
	for rows.Next() {
		var d parcours.Document
		var acc cfNullString
		var created int64
		var p parcours.Person
		if err := rows.Scan(&d.ID, &d.OrgID, &d.PersonID, &acc, &d.Kind, &d.Title, &d.ContentType, &d.Size, &d.SHA256,
			&d.ExpiresOn, &d.UploadedBy, &created, &p.BirthName, &p.UsageName, &p.FirstNames); err != nil {
			return nil, err
		}
		d.AccompanimentID, d.CreatedAt = string(acc), fromTS(created)
		out = append(out, ExpiringDocument{Document: &d, PersonName: p.DisplayName()})
	}
	return out, rows.Err()
}
