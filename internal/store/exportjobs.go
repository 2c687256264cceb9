package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"parcours/internal/parcours"
)

// Export jobs (issue 15): large row-level exports queued by a manager and
// written in the background (package stats).

const exportJobColumns = `id, org_id, requester_id, kind, format, period_from, period_to, team_id, worker_id, status,
	attempts, row_count, size, last_error, created_at, ready_at, expires_at`

func scanExportJob(row interface{ Scan(...any) error }) (*parcours.ExportJob, error) {
	var j parcours.ExportJob
	var created, ready, expires int64
	if err := row.Scan(&j.ID, &j.OrgID, &j.RequesterID, &j.Kind, &j.Format, &j.From, &j.To, &j.TeamID, &j.WorkerID, &j.Status,
		&j.Attempts, &j.Rows, &j.Size, &j.LastError, &created, &ready, &expires); err != nil {
		return nil, err
	}
	j.CreatedAt, j.ReadyAt, j.ExpiresAt = fromTS(created), fromTS(ready), fromTS(expires)
	return &j, nil
}

// InsertExportJob queues j; ID, Status and CreatedAt are set.
func (tx *Tx) InsertExportJob(ctx context.Context, j *parcours.ExportJob) error {
	if j.ID == "" {
		j.ID = NewID()
	}
	j.Status = parcours.ExportQueued
	j.CreatedAt = tx.now.Truncate(time.Microsecond)
	_, err := tx.exec(ctx, `INSERT INTO export_jobs (id, org_id, requester_id, kind, format, period_from, period_to, team_id, worker_id, status, created_at)
		VALUES (?,?,?,?,?,?,?,?,?,?,?)`, j.ID, j.OrgID, j.RequesterID, j.Kind, j.Format, j.From, j.To, j.TeamID, j.WorkerID, j.Status, ts(j.CreatedAt))
	return err
}

// ExportJob returns the job id (sql.ErrNoRows when there is none).
func (tx *Tx) ExportJob(ctx context.Context, id string) (*parcours.ExportJob, error) {
	return scanExportJob(tx.queryRow(ctx, `SELECT `+exportJobColumns+` FROM export_jobs WHERE id = ?`, id))
}

// ExportJobsOf returns a worker's latest export jobs, newest first.
func (tx *Tx) ExportJobsOf(ctx context.Context, requesterID string, limit int) ([]*parcours.ExportJob, error) {
	rows, err := tx.query(ctx, `SELECT `+exportJobColumns+` FROM export_jobs WHERE requester_id = ?
		ORDER BY created_at DESC, id DESC LIMIT ?`, requesterID, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*parcours.ExportJob{}
	for rows.Next() {
		j, err := scanExportJob(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, j)
	}
	return out, rows.Err()
}

// ClaimExportJob marks the oldest queued job (or a running one whose
// lease has passed, its instance having died, with fewer than
// maxAttempts attempts) running until leaseUntil and returns it; nil when
// there is none. Two instances never claim the same job.
func (tx *Tx) ClaimExportJob(ctx context.Context, now, leaseUntil time.Time, maxAttempts int) (*parcours.ExportJob, error) {
	for range 5 {
		var id string
		err := tx.queryRow(ctx, `SELECT id FROM export_jobs WHERE (status = 'queued' OR (status = 'running' AND lease_until <= ?))
			AND attempts < ? ORDER BY created_at, id LIMIT 1`, ts(now), maxAttempts).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		res, err := tx.exec(ctx, `UPDATE export_jobs SET status = 'running', attempts = attempts + 1, lease_until = ?
			WHERE id = ? AND (status = 'queued' OR (status = 'running' AND lease_until <= ?))`, ts(leaseUntil), id, ts(now))
		if err != nil {
			return nil, err
		}
		if n, err := res.RowsAffected(); err != nil {
			return nil, err
		} else if n == 1 {
			return tx.ExportJob(ctx, id)
		}
	}
	return nil, nil
}

// FailStaleExportJobs marks failed the running jobs whose lease has
// passed and that have no attempt left.
func (tx *Tx) FailStaleExportJobs(ctx context.Context, now time.Time, maxAttempts int, reason string) (int, error) {
	res, err := tx.exec(ctx, `UPDATE export_jobs SET status = 'failed', last_error = ?, lease_until = 0
		WHERE status = 'running' AND lease_until <= ? AND attempts >= ?`, reason, ts(now), maxAttempts)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// FinishExportJob records the outcome of a run of job j: ready (with its
// row count, size, ready and expiry instants), queued again or failed
// (with the error). It reports false when the job is no longer running.
func (tx *Tx) FinishExportJob(ctx context.Context, j *parcours.ExportJob) (bool, error) {
	res, err := tx.exec(ctx, `UPDATE export_jobs SET status = ?, row_count = ?, size = ?, last_error = ?, ready_at = ?, expires_at = ?, lease_until = 0
		WHERE id = ? AND status = 'running'`, j.Status, j.Rows, j.Size, j.LastError, ts(j.ReadyAt), ts(j.ExpiresAt), j.ID)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// DueExportJobs returns the ids of the ready jobs whose expiry has
// passed, and of the failed ones older than before: their files (if any)
// are to be deleted.
func (tx *Tx) DueExportJobs(ctx context.Context, now, before time.Time) ([]string, error) {
	return tx.strings(ctx, `SELECT id FROM export_jobs WHERE (status = 'ready' AND expires_at <= ?)
		OR (status = 'failed' AND created_at <= ?) ORDER BY created_at, id`, ts(now), ts(before))
}

// ExpireExportJob marks job id expired (from ready or failed) and reports
// whether it did.
func (tx *Tx) ExpireExportJob(ctx context.Context, id string) (bool, error) {
	res, err := tx.exec(ctx, `UPDATE export_jobs SET status = 'expired' WHERE id = ? AND status IN ('ready','failed')`, id)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
