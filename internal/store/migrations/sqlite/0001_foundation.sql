-- Foundation: structures, teams, workers, persons, households, situations
-- and the audit chain. Instants are BIGINT microseconds since the epoch
-- (UTC); dates are TEXT 'YYYY-MM-DD'; identifiers are opaque UUIDv7 text.

CREATE TABLE organizations (
    id                TEXT PRIMARY KEY,
    name              TEXT NOT NULL UNIQUE,
    kind              TEXT NOT NULL CHECK (kind IN ('ccas','departement','association')),
    siret             TEXT NOT NULL DEFAULT '',
    totp_optional     BOOLEAN NOT NULL DEFAULT FALSE,
    show_worker_names BOOLEAN NOT NULL DEFAULT FALSE,
    created_at        BIGINT NOT NULL
);

CREATE TABLE teams (
    id         TEXT PRIMARY KEY,
    org_id     TEXT NOT NULL REFERENCES organizations(id),
    name       TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (org_id, name)
);

CREATE TABLE workers (
    id                  TEXT PRIMARY KEY,
    org_id              TEXT NOT NULL REFERENCES organizations(id),
    email               TEXT NOT NULL UNIQUE, -- stored lower-cased
    first_name          TEXT NOT NULL DEFAULT '',
    last_name           TEXT NOT NULL DEFAULT '',
    role                TEXT NOT NULL CHECK (role IN ('admin','manager','worker','reception')),
    password_hash       TEXT NOT NULL DEFAULT '',
    password_changed_at BIGINT NOT NULL DEFAULT 0,
    totp_secret         TEXT NOT NULL DEFAULT '',
    totp_enabled        BOOLEAN NOT NULL DEFAULT FALSE,
    totp_last_step      BIGINT NOT NULL DEFAULT 0,
    disabled            BOOLEAN NOT NULL DEFAULT FALSE,
    language            TEXT NOT NULL DEFAULT '',
    created_at          BIGINT NOT NULL
);
CREATE INDEX workers_org ON workers (org_id);

CREATE TABLE worker_teams (
    worker_id TEXT NOT NULL REFERENCES workers(id),
    team_id   TEXT NOT NULL REFERENCES teams(id),
    PRIMARY KEY (worker_id, team_id)
);
CREATE INDEX worker_teams_team ON worker_teams (team_id);

CREATE TABLE households (
    id         TEXT PRIMARY KEY,
    org_id     TEXT NOT NULL REFERENCES organizations(id),
    name       TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);
CREATE INDEX households_org ON households (org_id);

CREATE TABLE persons (
    id            TEXT PRIMARY KEY,
    org_id        TEXT NOT NULL REFERENCES organizations(id),
    birth_name    TEXT NOT NULL,
    usage_name    TEXT NOT NULL DEFAULT '',
    first_names   TEXT NOT NULL,
    birth_date    TEXT NOT NULL,
    birth_place   TEXT NOT NULL DEFAULT '',
    sex           TEXT NOT NULL CHECK (sex IN ('F','M','X')),
    phone         TEXT NOT NULL DEFAULT '',
    email         TEXT NOT NULL DEFAULT '',
    address_line1 TEXT NOT NULL DEFAULT '',
    address_line2 TEXT NOT NULL DEFAULT '',
    postal_code   TEXT NOT NULL DEFAULT '',
    city          TEXT NOT NULL DEFAULT '',
    nir           TEXT NOT NULL DEFAULT '',
    caf_number    TEXT NOT NULL DEFAULT '',
    household_id  TEXT REFERENCES households(id),
    relationship  TEXT NOT NULL DEFAULT '',
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    version       INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX persons_org_name ON persons (org_id, birth_name, first_names);
CREATE INDEX persons_household ON persons (household_id);

-- A new row per change: the history of a household's situation is kept.
CREATE TABLE situations (
    id             TEXT PRIMARY KEY,
    household_id   TEXT NOT NULL REFERENCES households(id),
    housing        TEXT NOT NULL DEFAULT '',
    income_sources TEXT NOT NULL DEFAULT '[]', -- JSON array of catalogue values
    employment     TEXT NOT NULL DEFAULT '',
    monthly_income INTEGER NOT NULL DEFAULT 0,
    health         TEXT NOT NULL DEFAULT '',
    valid_from     TEXT NOT NULL,
    recorded_by    TEXT NOT NULL,
    created_at     BIGINT NOT NULL
);
CREATE INDEX situations_household ON situations (household_id, created_at);

-- The audit chain: seq is gapless; each row hashes its content and the
-- previous hash (see internal/audit).
CREATE TABLE audit_events (
    seq            BIGINT PRIMARY KEY,
    id             TEXT NOT NULL UNIQUE,
    at             BIGINT NOT NULL,
    actor_id       TEXT NOT NULL,
    org_id         TEXT NOT NULL DEFAULT '',
    role           TEXT NOT NULL DEFAULT '',
    action         TEXT NOT NULL,
    object_type    TEXT NOT NULL DEFAULT '',
    object_id      TEXT NOT NULL DEFAULT '',
    person_id      TEXT NOT NULL DEFAULT '',
    request_id     TEXT NOT NULL DEFAULT '',
    break_glass_id TEXT NOT NULL DEFAULT '',
    reason         TEXT NOT NULL DEFAULT '',
    prev_hash      TEXT NOT NULL,
    hash           TEXT NOT NULL
);
CREATE INDEX audit_person ON audit_events (person_id, at);
CREATE INDEX audit_actor ON audit_events (actor_id, at);
CREATE INDEX audit_at ON audit_events (at);

-- Written by the retention purge: where the kept chain starts.
CREATE TABLE audit_checkpoints (
    last_seq   BIGINT PRIMARY KEY,
    last_hash  TEXT NOT NULL,
    purged     BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    signature  TEXT NOT NULL
);
