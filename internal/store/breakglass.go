package store

import (
	"context"
	"strings"
	"time"

	"parcours/internal/parcours"
)

const breakGlassColumns = `id, org_id, person_id, worker_id, reason, created_at, expires_at, review, review_note, reviewed_by, reviewed_at, kind`

func scanBreakGlass(row interface{ Scan(...any) error }) (*parcours.BreakGlass, error) {
	var b parcours.BreakGlass
	var created, expires, reviewed int64
	if err := row.Scan(&b.ID, &b.OrgID, &b.PersonID, &b.WorkerID, &b.Reason, &created, &expires,
		&b.Review, &b.ReviewNote, &b.ReviewedBy, &reviewed, &b.Kind); err != nil {
		return nil, err
	}
	b.CreatedAt, b.ExpiresAt, b.ReviewedAt = fromTS(created), fromTS(expires), fromTS(reviewed)
	return &b, nil
}

// InsertBreakGlass records a break-glass access; ID and CreatedAt are set,
// ExpiresAt is CreatedAt + d.
func (tx *Tx) InsertBreakGlass(ctx context.Context, b *parcours.BreakGlass, d time.Duration) error {
	if b.ID == "" {
		b.ID = NewID()
	}
	if b.Kind == "" {
		b.Kind = parcours.BreakGlassEmergency
	}
	b.CreatedAt = tx.now.Truncate(time.Microsecond)
	b.ExpiresAt = b.CreatedAt.Add(d)
	_, err := tx.exec(ctx, `INSERT INTO break_glass (`+breakGlassColumns+`) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)`,
		b.ID, b.OrgID, b.PersonID, b.WorkerID, b.Reason, ts(b.CreatedAt), ts(b.ExpiresAt), b.Review, b.ReviewNote, b.ReviewedBy, ts(b.ReviewedAt), b.Kind)
	return err
}

// ActiveBreakGlass returns the worker's open break-glass access to the
// person's file at the transaction's time, or ErrNoRows.
func (tx *Tx) ActiveBreakGlass(ctx context.Context, workerID, personID string) (*parcours.BreakGlass, error) {
	return scanBreakGlass(tx.queryRow(ctx, `SELECT `+breakGlassColumns+` FROM break_glass
		WHERE worker_id = ? AND person_id = ? AND expires_at > ? ORDER BY expires_at DESC LIMIT 1`, workerID, personID, ts(tx.now)))
}

// BreakGlass returns one break-glass access by id, or ErrNoRows.
func (tx *Tx) BreakGlass(ctx context.Context, id string) (*parcours.BreakGlass, error) {
	return scanBreakGlass(tx.queryRow(ctx, `SELECT `+breakGlassColumns+` FROM break_glass WHERE id = ?`, id))
}

// BreakGlassReviews lists the break-glass accesses of an organisation,
// newest first: those still to review when pending, else all.
func (tx *Tx) BreakGlassReviews(ctx context.Context, orgID string, pending bool, limit int) ([]*parcours.BreakGlass, error) {
	q := `SELECT b.id, b.org_id, b.person_id, b.worker_id, b.reason, b.created_at, b.expires_at, b.review, b.review_note,
		b.reviewed_by, b.reviewed_at, w.first_name, w.last_name, w.email, p.birth_name, p.first_names
		FROM break_glass b JOIN workers w ON w.id = b.worker_id JOIN persons p ON p.id = b.person_id
		WHERE b.org_id = ? AND b.kind = 'break_glass'`
	if pending {
		q += ` AND b.review = ''`
	}
	q += ` ORDER BY b.created_at DESC, b.id DESC LIMIT ?`
	rows, err := tx.query(ctx, q, orgID, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*parcours.BreakGlass{}
	for rows.Next() {
		var b parcours.BreakGlass
		var created, expires, reviewed int64
		var w parcours.Worker
		var birthName, firstNames string
		if err := rows.Scan(&b.ID, &b.OrgID, &b.PersonID, &b.WorkerID, &b.Reason, &created, &expires, &b.Review, &b.ReviewNote,
			&b.ReviewedBy, &reviewed, &w.FirstName, &w.LastName, &w.Email, &birthName, &firstNames); err != nil {
			return nil, err
		}
		b.CreatedAt, b.ExpiresAt, b.ReviewedAt = fromTS(created), fromTS(expires), fromTS(reviewed)
		b.Kind = parcours.BreakGlassEmergency
		b.WorkerName = w.DisplayName()
		b.PersonName = strings.ToUpper(birthName) + " " + firstNames
		out = append(out, &b)
	}
	return out, rows.Err()
}

// ReviewBreakGlass records a manager's review; it returns false when the
// access was already reviewed (reviews are final).
func (tx *Tx) ReviewBreakGlass(ctx context.Context, b *parcours.BreakGlass) (bool, error) {
	b.ReviewedAt = tx.now.Truncate(time.Microsecond)
	res, err := tx.exec(ctx, `UPDATE break_glass SET review = ?, review_note = ?, reviewed_by = ?, reviewed_at = ?
		WHERE id = ? AND review = ''`, b.Review, b.ReviewNote, b.ReviewedBy, ts(b.ReviewedAt), b.ID)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// FileFollowers returns who must hear of a break-glass on a person's
// file: the referents of the person's active accompaniments (or the worker
// who recorded them, while never accompanied) and the managers of the
// teams concerned.
func (tx *Tx) FileFollowers(ctx context.Context, personID string) ([]string, error) {
	return tx.stringList(ctx, `
		SELECT referent_id FROM accompaniments a WHERE person_id = ? AND end_date = ''
			AND org_id = (SELECT p.org_id FROM persons p WHERE p.id = a.person_id)
		UNION
		SELECT w.id FROM workers w JOIN worker_teams wt ON wt.worker_id = w.id
		WHERE w.role = 'manager' AND NOT w.disabled AND wt.team_id IN (
			SELECT team_id FROM accompaniments a WHERE person_id = ? AND end_date = ''
			AND org_id = (SELECT p.org_id FROM persons p WHERE p.id = a.person_id))
		UNION
		SELECT r.worker_id FROM person_recorders r WHERE r.person_id = ?
			AND NOT EXISTS (SELECT 1 FROM accompaniments a WHERE a.person_id = r.person_id)
		UNION
		SELECT w.id FROM workers w JOIN worker_teams wt ON wt.worker_id = w.id
		WHERE w.role = 'manager' AND NOT w.disabled AND wt.team_id IN (
			SELECT t.team_id FROM person_recorders r JOIN worker_teams t ON t.worker_id = r.worker_id
			WHERE r.person_id = ? AND NOT EXISTS (SELECT 1 FROM accompaniments a WHERE a.person_id = r.person_id))
		ORDER BY 1`, personID, personID, personID, personID)
}

// InsertNotification stores a notification; ID and CreatedAt are set.
func (tx *Tx) InsertNotification(ctx context.Context, n *parcours.Notification) error {
	if n.ID == "" {
		n.ID = NewID()
	}
	n.CreatedAt = tx.now.Truncate(time.Microsecond)
	_, err := tx.exec(ctx, `INSERT INTO notifications (id, worker_id, kind, person_id, object_id, created_at) VALUES (?,?,?,?,?,?)`,
		n.ID, n.WorkerID, n.Kind, n.PersonID, n.ObjectID, ts(n.CreatedAt))
	if err == nil {
		tx.markInboxChanged(n.WorkerID)
	}
	return err
}

// Notifications returns a worker's latest notifications, newest first.
func (tx *Tx) Notifications(ctx context.Context, workerID string, limit int) ([]*parcours.Notification, error) {
	rows, err := tx.query(ctx, `SELECT id, worker_id, kind, person_id, object_id, created_at, read_at FROM notifications
		WHERE worker_id = ? ORDER BY created_at DESC, id DESC LIMIT ?`, workerID, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*parcours.Notification{}
	for rows.Next() {
		var n parcours.Notification
		var created, read int64
		if err := rows.Scan(&n.ID, &n.WorkerID, &n.Kind, &n.PersonID, &n.ObjectID, &created, &read); err != nil {
			return nil, err
		}
		n.CreatedAt, n.ReadAt = fromTS(created), fromTS(read)
		out = append(out, &n)
	}
	return out, rows.Err()
}

// MarkNotificationsRead marks a worker's unread notifications read: those
// of ids, or all of them when ids is empty. Another worker's notification
// is never touched. It returns how many were marked.
func (tx *Tx) MarkNotificationsRead(ctx context.Context, workerID string, ids []string) (int64, error) {
	q := `UPDATE notifications SET read_at = ? WHERE worker_id = ? AND read_at = 0`
	args := []any{ts(tx.now), workerID}
	if len(ids) > 0 {
		q += " AND id IN (" + placeholders(len(ids)) + ")"
		for _, id := range ids {
			args = append(args, id)
		}
	}
	res, err := tx.exec(ctx, q, args...)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	if n > 0 {
		tx.markInboxChanged(workerID)
	}
	return n, err
}

// Notification returns one notification of a worker (ErrNoRows for
// another worker's).
func (tx *Tx) Notification(ctx context.Context, workerID, id string) (*parcours.Notification, error) {
	var n parcours.Notification
	var created, read int64
	err := tx.queryRow(ctx, `SELECT id, worker_id, kind, person_id, object_id, created_at, read_at FROM notifications
		WHERE worker_id = ? AND id = ?`, workerID, id).Scan(&n.ID, &n.WorkerID, &n.Kind, &n.PersonID, &n.ObjectID, &created, &read)
	if err != nil {
		return nil, err
	}
	n.CreatedAt, n.ReadAt = fromTS(created), fromTS(read)
	return &n, nil
}

// UnreadNotifications counts a worker's unread notifications.
func (tx *Tx) UnreadNotifications(ctx context.Context, workerID string) (int, error) {
	var n int
	err := tx.queryRow(ctx, `SELECT COUNT(*) FROM notifications WHERE worker_id = ? AND read_at = 0`, workerID).Scan(&n)
	return n, err
}
