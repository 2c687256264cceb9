package store

import (
	"context"
	"time"
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
