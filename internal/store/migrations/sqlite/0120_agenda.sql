-- The agenda (issue 11): appointments on a person's file with their
-- workers, the working hours and closed days of each service (team),
-- the front desk's visits and messages, and the workers' calendar
-- (iCalendar) tokens. Instants are Unix microseconds (UTC), as
-- elsewhere; reminders (another table, another migration range) read
-- appointments by starts_at.

CREATE TABLE appointments (
    id               TEXT PRIMARY KEY,
    org_id           TEXT NOT NULL REFERENCES organizations(id),
    person_id        TEXT NOT NULL REFERENCES persons(id),
    -- household_id: the whole household is invited ('' for the person alone).
    household_id     TEXT NOT NULL DEFAULT '',
    -- team_id: the service whose working hours and closed days apply.
    team_id          TEXT NOT NULL DEFAULT '',
    starts_at        BIGINT NOT NULL,
    ends_at          BIGINT NOT NULL,
    place_kind       TEXT NOT NULL CHECK (place_kind IN ('service','home','phone','visio')),
    service_id       TEXT NOT NULL DEFAULT '',
    place            TEXT NOT NULL DEFAULT '',
    theme            TEXT NOT NULL DEFAULT '',
    status           TEXT NOT NULL CHECK (status IN ('planned','honoured','missed','cancelled','postponed')),
    cancelled_by     TEXT NOT NULL DEFAULT '',
    cancel_reason    TEXT NOT NULL DEFAULT '',
    rescheduled_to   TEXT NOT NULL DEFAULT '',
    journal_entry_id TEXT NOT NULL DEFAULT '',
    booked_by_desk   INTEGER NOT NULL DEFAULT 0,
    created_by       TEXT NOT NULL,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL
);
CREATE INDEX appointments_person ON appointments (person_id, starts_at);
CREATE INDEX appointments_starts ON appointments (status, starts_at);
CREATE INDEX appointments_org_starts ON appointments (org_id, starts_at);

CREATE TABLE appointment_workers (
    appointment_id TEXT NOT NULL REFERENCES appointments(id),
    worker_id      TEXT NOT NULL REFERENCES workers(id),
    starts_at      BIGINT NOT NULL,
    ends_at        BIGINT NOT NULL,
    PRIMARY KEY (appointment_id, worker_id)
);
CREATE INDEX appointment_workers_worker ON appointment_workers (worker_id, starts_at);

-- Working hours of a service: one row per opening range of a weekday
-- (1 = Monday … 7 = Sunday), times HH:MM in Europe/Paris. A service
-- without rows has no hours set and takes appointments at any time.
CREATE TABLE team_hours (
    team_id TEXT NOT NULL REFERENCES teams(id),
    weekday INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),
    opens   TEXT NOT NULL,
    closes  TEXT NOT NULL,
    PRIMARY KEY (team_id, weekday, opens)
);

CREATE TABLE team_closed_days (
    team_id TEXT NOT NULL REFERENCES teams(id),
    day     TEXT NOT NULL,
    label   TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (team_id, day)
);

-- The front desk's log: who came, for whom, why; a message for the
-- referent; whether an appointment is needed (and the one booked).
CREATE TABLE desk_visits (
    id                TEXT PRIMARY KEY,
    org_id            TEXT NOT NULL REFERENCES organizations(id),
    person_id         TEXT NOT NULL REFERENCES persons(id),
    visitor           TEXT NOT NULL DEFAULT '',
    for_worker_id     TEXT NOT NULL DEFAULT '',
    motive            TEXT NOT NULL DEFAULT '',
    message           TEXT NOT NULL DEFAULT '',
    needs_appointment INTEGER NOT NULL DEFAULT 0,
    appointment_id    TEXT NOT NULL DEFAULT '',
    came_at           BIGINT NOT NULL,
    created_by        TEXT NOT NULL,
    created_at        BIGINT NOT NULL
);
CREATE INDEX desk_visits_person ON desk_visits (person_id, came_at);
CREATE INDEX desk_visits_org ON desk_visits (org_id, came_at);

-- A worker's read-only calendar feed token: only its SHA-256 is kept.
CREATE TABLE calendar_tokens (
    id         TEXT PRIMARY KEY,
    worker_id  TEXT NOT NULL REFERENCES workers(id),
    token_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX calendar_tokens_worker ON calendar_tokens (worker_id);
