-- The person's information and objections, break-glass access with its
-- review, notifications to workers, and who recorded each person (the
-- relation that counts while a person has no accompaniment yet).

-- One row per person: the latest record of their information. Each change
-- is audited (consent.update), which keeps its history.
CREATE TABLE consents (
    person_id   TEXT PRIMARY KEY REFERENCES persons(id),
    informed_on TEXT NOT NULL DEFAULT '',
    informed_by TEXT NOT NULL DEFAULT '',
    method      TEXT NOT NULL DEFAULT '',
    document_id TEXT NOT NULL DEFAULT '',
    updated_at  BIGINT NOT NULL,
    updated_by  TEXT NOT NULL
);

CREATE TABLE consent_objections (
    person_id TEXT NOT NULL REFERENCES persons(id),
    category  TEXT NOT NULL CHECK (category IN ('no_external_sharing','no_health_sharing','no_break_glass')),
    PRIMARY KEY (person_id, category)
);

CREATE TABLE break_glass (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES organizations(id),
    person_id   TEXT NOT NULL REFERENCES persons(id),
    worker_id   TEXT NOT NULL REFERENCES workers(id),
    reason      TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    review      TEXT NOT NULL DEFAULT '' CHECK (review IN ('','justified','unjustified')),
    review_note TEXT NOT NULL DEFAULT '',
    reviewed_by TEXT NOT NULL DEFAULT '',
    reviewed_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX break_glass_worker_person ON break_glass (worker_id, person_id, expires_at);
CREATE INDEX break_glass_review ON break_glass (org_id, review, created_at);

CREATE TABLE notifications (
    id         TEXT PRIMARY KEY,
    worker_id  TEXT NOT NULL REFERENCES workers(id),
    kind       TEXT NOT NULL,
    person_id  TEXT NOT NULL DEFAULT '',
    object_id  TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    read_at    BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX notifications_worker ON notifications (worker_id, created_at);

CREATE TABLE person_recorders (
    person_id TEXT PRIMARY KEY REFERENCES persons(id),
    worker_id TEXT NOT NULL REFERENCES workers(id)
);
