-- Background jobs (internal/jobs). One row per job shared by every
-- instance on the database: an instance runs a job only while it holds the
-- lease (holder, expires_at), so the same job never runs twice at once,
-- and next_run_at keeps a daily job daily across instances. Instants are
-- microseconds UTC.
CREATE TABLE job_leases (
    name        TEXT PRIMARY KEY,
    holder      TEXT NOT NULL,
    expires_at  BIGINT NOT NULL,
    next_run_at BIGINT NOT NULL DEFAULT 0,
    last_run_at BIGINT NOT NULL DEFAULT 0
);

-- One row per task and French day a reminder was sent for: never two
-- reminders for the same task on the same day, whichever instance runs
-- the job and however often.
CREATE TABLE task_reminders (
    task_id TEXT NOT NULL REFERENCES tasks(id),
    day     TEXT NOT NULL,
    PRIMARY KEY (task_id, day)
);
