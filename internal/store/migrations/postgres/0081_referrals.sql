-- Referrals (orientations): a person sent from one organisation to a
-- service, with the extract of the file it shares (referral_items) and
-- the person's consent or the legal ground. While a referral is open the
-- receiving organisation reads the extract through the door; see
-- package access, referral.go.
CREATE TABLE referrals (
    id              TEXT PRIMARY KEY,
    person_id       TEXT NOT NULL REFERENCES persons(id),
    from_org_id     TEXT NOT NULL REFERENCES organizations(id),
    sent_by         TEXT NOT NULL REFERENCES workers(id),
    service_id      TEXT NOT NULL REFERENCES directory_services(id),
    to_org_id       TEXT NOT NULL DEFAULT '',
    reason          TEXT NOT NULL,
    note            TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL CHECK (status IN ('sent','received','accepted','refused','expired','cancelled','ended')),
    basis           TEXT NOT NULL CHECK (basis IN ('consent','legal')),
    consent_on      TEXT NOT NULL DEFAULT '',
    consent_how     TEXT NOT NULL DEFAULT '',
    legal_ground    TEXT NOT NULL DEFAULT '',
    situation_parts TEXT NOT NULL DEFAULT '',
    created_at      BIGINT NOT NULL,
    received_at     BIGINT NOT NULL DEFAULT 0,
    answered_at     BIGINT NOT NULL DEFAULT 0,
    answered_by     TEXT NOT NULL DEFAULT '',
    refusal_reason  TEXT NOT NULL DEFAULT '',
    ended_at        BIGINT NOT NULL DEFAULT 0,
    ended_by        TEXT NOT NULL DEFAULT '',
    expires_at      BIGINT NOT NULL,
    reminded_at     BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX referrals_person ON referrals (person_id, to_org_id, status);
CREATE INDEX referrals_to ON referrals (to_org_id, status, created_at);
CREATE INDEX referrals_sender ON referrals (sent_by, created_at);
CREATE INDEX referrals_pending ON referrals (status, created_at);

-- The extract, item by item: kind is entry, document or task.
CREATE TABLE referral_items (
    referral_id TEXT NOT NULL REFERENCES referrals(id),
    kind        TEXT NOT NULL CHECK (kind IN ('entry','document','task')),
    object_id   TEXT NOT NULL,
    PRIMARY KEY (referral_id, kind, object_id)
);

-- After how many days without an answer the sender and the receiving
-- service are reminded (per organisation, of the sender).
ALTER TABLE organizations ADD COLUMN referral_reminder_days INTEGER NOT NULL DEFAULT 8;
