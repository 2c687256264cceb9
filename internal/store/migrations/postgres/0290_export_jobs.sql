-- Row-level exports run in the background (issue 15): a large export is
-- queued here by the manager who asks for it, written by the export job
-- to an encrypted file of the data directory (exports/<id>), downloaded by
-- that manager only, and deleted with its file once expires_at is past.
--
-- status: queued → running (claimed, lease_until) → ready (file written,
-- row_count, size) → expired (file deleted); failed after 3 attempts
-- (last_error, never personal data). A running job whose lease has
-- passed (its instance died) is claimed again. Instants are
-- microseconds UTC; the period and filters are those of the statistics.
CREATE TABLE export_jobs (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL REFERENCES organizations(id),
    requester_id TEXT NOT NULL REFERENCES workers(id),
    kind         TEXT NOT NULL,
    format       TEXT NOT NULL CHECK (format IN ('csv','xlsx')),
    period_from  TEXT NOT NULL,
    period_to    TEXT NOT NULL,
    team_id      TEXT NOT NULL DEFAULT '',
    worker_id    TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued','running','ready','failed','expired')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    lease_until  BIGINT NOT NULL DEFAULT 0,
    row_count    INTEGER NOT NULL DEFAULT 0,
    size         BIGINT NOT NULL DEFAULT 0,
    last_error   TEXT NOT NULL DEFAULT '',
    created_at   BIGINT NOT NULL,
    ready_at     BIGINT NOT NULL DEFAULT 0,
    expires_at   BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX export_jobs_status ON export_jobs (status, created_at);
CREATE INDEX export_jobs_requester ON export_jobs (requester_id, created_at);
