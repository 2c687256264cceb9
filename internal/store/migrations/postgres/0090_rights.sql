-- Access to rights day to day (issue 12): the organisation's own aids
-- (aides facultatives; the national rights are versioned data in the
-- repository, never copied here), the procedures (démarches) on a file
-- with the help given and the digital obstacles met, the dated digital
-- autonomy checks and the mandates. Amounts are integer cents.

CREATE TABLE org_aids (
    org_id        TEXT NOT NULL REFERENCES organizations(id),
    code          TEXT NOT NULL,
    name          TEXT NOT NULL,
    body          TEXT NOT NULL,
    description   TEXT NOT NULL,
    documents     TEXT NOT NULL, -- one per line
    url           TEXT NOT NULL,
    active_from   TEXT NOT NULL,
    active_to     TEXT NOT NULL,
    ceiling_cents BIGINT NOT NULL DEFAULT 0,
    period_months INTEGER NOT NULL DEFAULT 0,
    updated_at    BIGINT NOT NULL,
    PRIMARY KEY (org_id, code)
);

CREATE TABLE mandates (
    id              TEXT PRIMARY KEY,
    org_id          TEXT NOT NULL REFERENCES organizations(id),
    person_id       TEXT NOT NULL REFERENCES persons(id),
    worker_id       TEXT NOT NULL REFERENCES workers(id),
    procedures      TEXT NOT NULL, -- right codes, one per line
    start_date      TEXT NOT NULL,
    end_date        TEXT NOT NULL,
    document_id     TEXT,
    revoked_on      TEXT NOT NULL DEFAULT '',
    revoked_by      TEXT NOT NULL DEFAULT '',
    revocation_note TEXT NOT NULL DEFAULT '',
    created_by      TEXT NOT NULL,
    created_at      BIGINT NOT NULL
);
CREATE INDEX mandates_person ON mandates (person_id, end_date);
CREATE INDEX mandates_org_end ON mandates (org_id, end_date);

CREATE TABLE procedures (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL REFERENCES organizations(id),
    person_id    TEXT NOT NULL REFERENCES persons(id),
    right_code   TEXT NOT NULL,
    right_name   TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('a_faire','en_cours','deposee','accordee','refusee','abandonnee')),
    help_level   TEXT NOT NULL CHECK (help_level IN ('with_person','for_person','referred','autonomous')),
    obstacles    TEXT NOT NULL, -- codes, one per line
    filed_on     TEXT NOT NULL DEFAULT '',
    decided_on   TEXT NOT NULL DEFAULT '',
    amount_cents BIGINT NOT NULL DEFAULT 0,
    next_step    TEXT NOT NULL DEFAULT '',
    due_date     TEXT NOT NULL DEFAULT '',
    task_id      TEXT REFERENCES tasks(id),
    mandate_id   TEXT REFERENCES mandates(id),
    note         TEXT NOT NULL DEFAULT '',
    assignee_id  TEXT NOT NULL REFERENCES workers(id),
    created_by   TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);
CREATE INDEX procedures_person ON procedures (person_id, created_at);
-- « mes démarches à relancer »: the open ones of an assignee by due date.
CREATE INDEX procedures_assignee_due ON procedures (assignee_id, due_date);

CREATE TABLE autonomy_checks (
    id            TEXT PRIMARY KEY,
    org_id        TEXT NOT NULL REFERENCES organizations(id),
    person_id     TEXT NOT NULL REFERENCES persons(id),
    checked_on    TEXT NOT NULL,
    equipment     TEXT NOT NULL,
    connection    TEXT NOT NULL,
    email         TEXT NOT NULL,
    franceconnect TEXT NOT NULL,
    alone         TEXT NOT NULL,
    language      TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    created_at    BIGINT NOT NULL
);
CREATE INDEX autonomy_checks_person ON autonomy_checks (person_id, checked_on);
