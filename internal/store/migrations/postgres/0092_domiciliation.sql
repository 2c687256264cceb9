-- Domiciliation (élection de domicile, CASF L264-1; issue 12): the
-- application, its decision, the one-year validity and its end, and the
-- mail log the front desk keeps.

CREATE TABLE domiciliations (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES organizations(id),
    person_id   TEXT NOT NULL REFERENCES persons(id),
    applied_on  TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('applied','granted','refused','ended')),
    decided_on  TEXT NOT NULL DEFAULT '',
    motive      TEXT NOT NULL DEFAULT '',
    valid_from  TEXT NOT NULL DEFAULT '',
    valid_to    TEXT NOT NULL DEFAULT '',
    ended_on    TEXT NOT NULL DEFAULT '',
    end_reason  TEXT NOT NULL DEFAULT '',
    created_by  TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX domiciliations_person ON domiciliations (person_id, applied_on);
CREATE INDEX domiciliations_org_valid_to ON domiciliations (org_id, valid_to);

CREATE TABLE domiciliation_mail (
    id               TEXT PRIMARY KEY,
    org_id           TEXT NOT NULL REFERENCES organizations(id),
    person_id        TEXT NOT NULL REFERENCES persons(id),
    domiciliation_id TEXT NOT NULL REFERENCES domiciliations(id),
    received_on      TEXT NOT NULL,
    sender           TEXT NOT NULL,
    kind             TEXT NOT NULL CHECK (kind IN ('letter','registered','parcel')),
    status           TEXT NOT NULL CHECK (status IN ('received','handed_over','returned')),
    changed_on       TEXT NOT NULL DEFAULT '',
    created_by       TEXT NOT NULL,
    created_at       BIGINT NOT NULL
);
CREATE INDEX domiciliation_mail_person ON domiciliation_mail (person_id, received_on);
