-- Requests of a person about their data (RGPD art. 15 to 21), with the
-- legal clock: due one month after receipt, extendable once by two months
-- with a reason (art. 12.3). Dates are YYYY-MM-DD (French day).
CREATE TABLE data_requests (
    id               TEXT PRIMARY KEY,
    org_id           TEXT NOT NULL REFERENCES organizations(id),
    person_id        TEXT NOT NULL REFERENCES persons(id),
    kind             TEXT NOT NULL CHECK (kind IN ('access','rectification','objection','erasure','restriction','portability')),
    channel          TEXT NOT NULL CHECK (channel IN ('letter','desk','email','phone','portal')),
    received_on      TEXT NOT NULL,
    details          TEXT NOT NULL DEFAULT '',
    due_on           TEXT NOT NULL,
    extended_reason  TEXT NOT NULL DEFAULT '',
    outcome          TEXT NOT NULL DEFAULT '' CHECK (outcome IN ('','granted','partly','refused')),
    answer           TEXT NOT NULL DEFAULT '',
    answered_on      TEXT NOT NULL DEFAULT '',
    answered_by      TEXT NOT NULL DEFAULT '',
    overdue_notified INTEGER NOT NULL DEFAULT 0,
    created_by       TEXT NOT NULL,
    created_at       BIGINT NOT NULL
);
CREATE INDEX data_requests_person ON data_requests (person_id, received_on);
CREATE INDEX data_requests_open ON data_requests (org_id, answered_on, due_on);
