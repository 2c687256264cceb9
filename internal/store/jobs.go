package store

import (
	"context"
	"slices"
	"time"

	"parcours/internal/parcours"
)

// AcquireJobLease makes holder the runner of job name until now+ttl and
// reports whether it did. It fails (false, nil) while another holder's
// lease is unexpired, and, unless force, while the job's next run is not
// due yet. One statement, so two instances racing for the lease cannot
// both win: PostgreSQL locks the conflicting row and re-checks the WHERE,
// SQLite has a single writer.
func (db *DB) AcquireJobLease(ctx context.Context, name, holder string, now time.Time, ttl time.Duration, force bool) (bool, error) {
	var won bool
	err := db.Transact(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, `INSERT INTO job_leases (name, holder, expires_at) VALUES (?,?,?)
			ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
			WHERE job_leases.expires_at <= ? AND (job_leases.next_run_at <= ? OR ?)`,
			name, holder, ts(now.Add(ttl)), ts(now), ts(now), force)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		won = n == 1
		return err
	})
	return won, err
}

// ReleaseJobLease ends holder's lease on job name, recording the run at
// now and when the job is next due. A lease that expired and was taken
// over meanwhile is left to its new holder.
func (db *DB) ReleaseJobLease(ctx context.Context, name, holder string, now, next time.Time) error {
	return db.Transact(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, `UPDATE job_leases SET expires_at = 0, last_run_at = ?, next_run_at = ?
			WHERE name = ? AND holder = ?`, ts(now), ts(next), name, holder)
		return err
	})
}

// DueTask is an open task due on or before a day, for the reminders.
type DueTask struct {
	ID, OrgID, PersonID, AssigneeID, DueDate string
}

// DueTasksWithoutReminder returns the open tasks due on or before day
// (YYYY-MM-DD) whose assignee is an active worker and that got no
// reminder for day yet, at most limit of them.
func (tx *Tx) DueTasksWithoutReminder(ctx context.Context, day string, limit int) ([]DueTask, error) {
	rows, err := tx.query(ctx, `SELECT t.id, t.org_id, t.person_id, t.assignee_id, t.due_date
		FROM tasks t JOIN workers w ON w.id = t.assignee_id
		WHERE t.status = 'open' AND t.due_date <= ? AND NOT w.disabled
		  AND NOT EXISTS (SELECT 1 FROM task_reminders r WHERE r.task_id = t.id AND r.day = ?)
		ORDER BY t.due_date, t.id LIMIT ?`, day, day, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []DueTask
	for rows.Next() {
		var d DueTask
		if err := rows.Scan(&d.ID, &d.OrgID, &d.PersonID, &d.AssigneeID, &d.DueDate); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// MarkTaskReminded records that task taskID got its reminder for day and
// reports whether it is the first time (false: already reminded).
func (tx *Tx) MarkTaskReminded(ctx context.Context, taskID, day string) (bool, error) {
	res, err := tx.exec(ctx, "INSERT INTO task_reminders (task_id, day) VALUES (?,?) ON CONFLICT DO NOTHING", taskID, day)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// RenewalDue is a mandate or a domiciliation ending soon, with the
// workers to remind (only active ones): the mandate's worker; the
// referents of the person's open accompaniments in the domiciliation's
// organisation, or whoever recorded the domiciliation when there is none.
// When none of them is active (they left: their account is disabled),
// the active referents of the person's open accompaniments in the
// organisation are told, else the active managers of those
// accompaniments' teams, else the organisation's active managers.
type RenewalDue struct {
	Kind     string // "mandate" or "domiciliation"
	ID       string
	OrgID    string
	PersonID string
	EndDate  string
	// Days is the organisation's reminder threshold
	// (renewal_reminder_days).
	Days int
	To   []string
}

// RenewalsDue returns the unrevoked mandates and granted domiciliations
// ending from today until their organisation's threshold (inclusive), by
// end date, leaving out those already followed by a later one (renewed)
// and those already reminded at that threshold (MarkRenewalReminded), so
// that the job can take them limit at a time until none is left.
func (tx *Tx) RenewalsDue(ctx context.Context, today string, limit int) (_ []*RenewalDue, err error) {
	defer wrap(&err, "store: renewals due")
	t, err := time.Parse(time.DateOnly, today)
	if err != nil {
		return nil, err
	}
	horizon := t.AddDate(0, 0, parcours.MaxRenewalDays).Format(time.DateOnly)
	rows, err := tx.query(ctx, `SELECT x.kind, x.id, x.org_id, x.person_id, x.end_date, x.worker_id, o.renewal_reminder_days,
		COALESCE(w.disabled, TRUE) FROM (
		SELECT 'mandate' AS kind, m.id, m.org_id, m.person_id, m.end_date, m.worker_id FROM mandates m
		WHERE m.revoked_on = '' AND m.end_date >= ? AND m.end_date <= ?
		AND NOT EXISTS (SELECT 1 FROM mandates n WHERE n.person_id = m.person_id AND n.worker_id = m.worker_id AND n.id <> m.id
			AND n.revoked_on = '' AND n.end_date > m.end_date)
		UNION ALL SELECT 'domiciliation', d.id, d.org_id, d.person_id, d.valid_to, COALESCE(a.referent_id, d.created_by) FROM domiciliations d
		LEFT JOIN accompaniments a ON a.person_id = d.person_id AND a.org_id = d.org_id AND a.end_date = ''
		WHERE d.status = 'granted' AND d.valid_to >= ? AND d.valid_to <= ?
		AND NOT EXISTS (SELECT 1 FROM domiciliations n WHERE n.person_id = d.person_id AND n.org_id = d.org_id AND n.id <> d.id
			AND (n.status = 'applied' OR (n.status = 'granted' AND n.valid_to > d.valid_to)))) x
		JOIN organizations o ON o.id = x.org_id
		LEFT JOIN workers w ON w.id = x.worker_id
		WHERE NOT EXISTS (SELECT 1 FROM renewal_reminders r WHERE r.object_kind = x.kind AND r.object_id = x.id
			AND r.end_date = x.end_date AND r.days = o.renewal_reminder_days)
		ORDER BY 5, 1, 2, 6`, today, horizon, today, horizon)
	if err != nil {
		return nil, err
	}
	var out []*RenewalDue
	for rows.Next() {
		var r RenewalDue
		var to string
		var disabled bool
		if err := rows.Scan(&r.Kind, &r.ID, &r.OrgID, &r.PersonID, &r.EndDate, &to, &r.Days, &disabled); err != nil {
			rows.Close()
			return nil, err
		}
		if r.EndDate > t.AddDate(0, 0, r.Days).Format(time.DateOnly) {
			continue // not yet within its organisation's threshold
		}
		if n := len(out); n > 0 && out[n-1].Kind == r.Kind && out[n-1].ID == r.ID {
			if !disabled && !slices.Contains(out[n-1].To, to) {
				out[n-1].To = append(out[n-1].To, to)
			}
			continue
		}
		if limit > 0 && len(out) == limit {
			break
		}
		if !disabled {
			r.To = []string{to}
		}
		out = append(out, &r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, r := range out {
		if len(r.To) == 0 {
			if r.To, err = tx.renewalFallback(ctx, r.OrgID, r.PersonID); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// renewalFallback names whom to remind when the workers of a renewal have
// all left: the active referents of the person's open accompaniments in
// org, else the active managers of their teams, else the organisation's
// active managers.
func (tx *Tx) renewalFallback(ctx context.Context, orgID, personID string) ([]string, error) {
	for _, q := range []string{
		`SELECT DISTINCT w.id FROM accompaniments a JOIN workers w ON w.id = a.referent_id
			WHERE a.person_id = ? AND a.org_id = ? AND a.end_date = '' AND NOT w.disabled ORDER BY w.id`,
		`SELECT DISTINCT w.id FROM accompaniments a JOIN worker_teams wt ON wt.team_id = a.team_id JOIN workers w ON w.id = wt.worker_id
			WHERE a.person_id = ? AND a.org_id = ? AND a.end_date = '' AND w.role = 'manager' AND NOT w.disabled ORDER BY w.id`,
		`SELECT w.id FROM workers w WHERE ? <> '' AND w.org_id = ? AND w.role = 'manager' AND NOT w.disabled ORDER BY w.id`,
	} {
		ids, err := tx.strings(ctx, q, personID, orgID)
		if err != nil || len(ids) > 0 {
			return ids, err
		}
	}
	return nil, nil
}

// MarkRenewalReminded records the reminder of an object's end at a
// threshold and reports whether it is the first.
func (tx *Tx) MarkRenewalReminded(ctx context.Context, kind, id, endDate string, days int) (bool, error) {
	res, err := tx.exec(ctx, "INSERT INTO renewal_reminders (object_kind, object_id, end_date, days, sent_at) VALUES (?,?,?,?,?) ON CONFLICT DO NOTHING",
		kind, id, endDate, days, ts(tx.now))
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// strings runs q and returns its one text column.
func (tx *Tx) strings(ctx context.Context, q string, args ...any) ([]string, error) {
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
