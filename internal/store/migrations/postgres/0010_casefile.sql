-- The shared case file: accompaniments with their referents and goals, the
-- append-only journal, interview templates, tasks, documents, handovers
-- and the last visit of each worker to each file.

-- Each organisation's catalogue of accompaniment kinds. Empty until the
-- organisation first writes to it: the defaults (parcours.
-- DefaultAccompanimentKinds) are then copied in.
CREATE TABLE accompaniment_kinds (
    org_id     TEXT NOT NULL REFERENCES organizations(id),
    code       TEXT NOT NULL,
    label      TEXT NOT NULL,
    active     BOOLEAN NOT NULL DEFAULT TRUE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (org_id, code)
);

CREATE TABLE accompaniments (
    id                    TEXT PRIMARY KEY,
    org_id                TEXT NOT NULL REFERENCES organizations(id),
    person_id             TEXT NOT NULL REFERENCES persons(id),
    team_id               TEXT NOT NULL REFERENCES teams(id),
    referent_id           TEXT NOT NULL REFERENCES workers(id),
    kind                  TEXT NOT NULL,
    start_date            TEXT NOT NULL,
    end_date              TEXT NOT NULL DEFAULT '',
    end_reason            TEXT NOT NULL DEFAULT '',
    end_proof_document_id TEXT NOT NULL DEFAULT '',
    created_by            TEXT NOT NULL,
    created_at            BIGINT NOT NULL
);
CREATE INDEX accompaniments_person ON accompaniments (person_id, start_date);
CREATE INDEX accompaniments_referent ON accompaniments (referent_id, end_date);

-- The successive referents of an accompaniment; until_at 0 = current.
CREATE TABLE accompaniment_referents (
    accompaniment_id TEXT NOT NULL REFERENCES accompaniments(id),
    worker_id        TEXT NOT NULL REFERENCES workers(id),
    team_id          TEXT NOT NULL REFERENCES teams(id),
    from_at          BIGINT NOT NULL,
    until_at         BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (accompaniment_id, from_at, worker_id)
);

CREATE TABLE goals (
    id               TEXT PRIMARY KEY,
    accompaniment_id TEXT NOT NULL REFERENCES accompaniments(id),
    title            TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('open','achieved','abandoned')),
    start_date       TEXT NOT NULL,
    target_date      TEXT NOT NULL DEFAULT '',
    closed_date      TEXT NOT NULL DEFAULT '',
    created_at       BIGINT NOT NULL
);
CREATE INDEX goals_accompaniment ON goals (accompaniment_id, created_at);

-- The journal is append-only: a correction is a new row whose amends
-- names the corrected one. The triggers below refuse UPDATE and DELETE
-- whoever asks; the retention purge (later) will go through a migration
-- of its own that says how.
CREATE TABLE journal_entries (
    id                TEXT PRIMARY KEY,
    org_id            TEXT NOT NULL REFERENCES organizations(id),
    person_id         TEXT NOT NULL REFERENCES persons(id),
    accompaniment_id  TEXT REFERENCES accompaniments(id),
    kind              TEXT NOT NULL CHECK (kind IN ('interview','action','note','call','mail')),
    occurred_at       TEXT NOT NULL,
    summary           TEXT NOT NULL,
    mode              TEXT NOT NULL DEFAULT '',
    participants      TEXT NOT NULL DEFAULT '[]', -- JSON array
    confidentiality   TEXT NOT NULL CHECK (confidentiality IN ('team','referent','organization')),
    team_id           TEXT NOT NULL DEFAULT '',
    author_id         TEXT NOT NULL REFERENCES workers(id),
    private_synthesis TEXT NOT NULL DEFAULT '',
    amends            TEXT REFERENCES journal_entries(id),
    created_at        BIGINT NOT NULL
);
CREATE INDEX journal_person ON journal_entries (person_id, occurred_at, created_at, id);
CREATE INDEX journal_amends ON journal_entries (amends);

CREATE FUNCTION journal_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'journal entries are append-only' USING ERRCODE = 'P0001';
END
$$;

CREATE TRIGGER journal_entries_no_update_delete BEFORE UPDATE OR DELETE ON journal_entries
    FOR EACH ROW EXECUTE FUNCTION journal_entries_append_only();
CREATE TRIGGER journal_entries_no_truncate BEFORE TRUNCATE ON journal_entries
    FOR EACH STATEMENT EXECUTE FUNCTION journal_entries_append_only();

CREATE TABLE interview_templates (
    id         TEXT PRIMARY KEY,
    org_id     TEXT NOT NULL REFERENCES organizations(id),
    name       TEXT NOT NULL,
    body       TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (org_id, name)
);

CREATE TABLE tasks (
    id               TEXT PRIMARY KEY,
    org_id           TEXT NOT NULL REFERENCES organizations(id),
    person_id        TEXT NOT NULL REFERENCES persons(id),
    accompaniment_id TEXT REFERENCES accompaniments(id),
    journal_entry_id TEXT REFERENCES journal_entries(id),
    title            TEXT NOT NULL,
    due_date         TEXT NOT NULL,
    assignee_id      TEXT NOT NULL REFERENCES workers(id),
    status           TEXT NOT NULL CHECK (status IN ('open','done','cancelled')),
    created_by       TEXT NOT NULL,
    created_at       BIGINT NOT NULL,
    done_at          BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX tasks_person ON tasks (person_id, due_date, id);
CREATE INDEX tasks_assignee ON tasks (assignee_id, status, due_date);

-- Document contents live in the data dir under their SHA-256; several
-- rows may share one content.
CREATE TABLE documents (
    id               TEXT PRIMARY KEY,
    org_id           TEXT NOT NULL REFERENCES organizations(id),
    person_id        TEXT NOT NULL REFERENCES persons(id),
    accompaniment_id TEXT REFERENCES accompaniments(id),
    kind             TEXT NOT NULL,
    title            TEXT NOT NULL DEFAULT '',
    content_type     TEXT NOT NULL CHECK (content_type IN ('application/pdf','image/jpeg','image/png')),
    size             BIGINT NOT NULL,
    sha256           TEXT NOT NULL,
    expires_on       TEXT NOT NULL DEFAULT '',
    uploaded_by      TEXT NOT NULL,
    created_at       BIGINT NOT NULL
);
CREATE INDEX documents_person ON documents (person_id, created_at, id);
CREATE INDEX documents_expiry ON documents (org_id, expires_on);
CREATE INDEX documents_sha ON documents (sha256);

CREATE TABLE handovers (
    id               TEXT PRIMARY KEY,
    org_id           TEXT NOT NULL REFERENCES organizations(id),
    person_id        TEXT NOT NULL REFERENCES persons(id),
    accompaniment_id TEXT NOT NULL REFERENCES accompaniments(id),
    from_referent_id TEXT NOT NULL,
    to_referent_id   TEXT NOT NULL REFERENCES workers(id),
    from_team_id     TEXT NOT NULL,
    to_team_id       TEXT NOT NULL REFERENCES teams(id),
    synthesis        TEXT NOT NULL,
    note             TEXT NOT NULL DEFAULT '',
    created_by       TEXT NOT NULL,
    created_at       BIGINT NOT NULL,
    acknowledged_at  BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX handovers_accompaniment ON handovers (accompaniment_id, created_at);
CREATE INDEX handovers_person ON handovers (person_id, created_at);

-- When each worker last opened each file, for "nouveau depuis votre
-- dernière visite".
CREATE TABLE casefile_visits (
    worker_id  TEXT NOT NULL REFERENCES workers(id),
    person_id  TEXT NOT NULL REFERENCES persons(id),
    visited_at BIGINT NOT NULL,
    PRIMARY KEY (worker_id, person_id)
);
