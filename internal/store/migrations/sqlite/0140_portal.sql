-- The person portal (/moi, issue 14): accounts of persons and of the
-- trusted third parties they name (delegates), one-time invitation codes
-- (stored hashed, single-use, 72 hours), portal sessions (hashed secret,
-- as workers' sessions), and what a journal entry's author decided about
-- showing it to the person: shared with them in the portal, or withheld
-- from their copy of the file (third parties) with a reason. The journal
-- itself is append-only: these decisions are rows of their own, the
-- latest one counts, the history stays.
CREATE TABLE portal_accounts (
    id             TEXT PRIMARY KEY,
    org_id         TEXT NOT NULL REFERENCES organizations(id),
    person_id      TEXT NOT NULL REFERENCES persons(id),
    kind           TEXT NOT NULL CHECK (kind IN ('person','delegate')),
    login          TEXT NOT NULL DEFAULT '',
    password_hash  TEXT NOT NULL DEFAULT '',
    totp_secret    TEXT NOT NULL DEFAULT '',
    totp_last_step BIGINT NOT NULL DEFAULT 0,
    name           TEXT NOT NULL DEFAULT '',
    relationship   TEXT NOT NULL DEFAULT '',
    scope          TEXT NOT NULL DEFAULT '',
    ends_on        TEXT NOT NULL DEFAULT '',
    created_by     TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    activated_at   BIGINT NOT NULL DEFAULT 0,
    revoked_at     BIGINT NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX portal_accounts_login ON portal_accounts (login) WHERE login <> '';
CREATE UNIQUE INDEX portal_accounts_self ON portal_accounts (person_id) WHERE kind = 'person';
CREATE INDEX portal_accounts_person ON portal_accounts (person_id);

CREATE TABLE portal_invitations (
    id          TEXT PRIMARY KEY,
    account_id  TEXT NOT NULL REFERENCES portal_accounts(id) ON DELETE CASCADE,
    person_id   TEXT NOT NULL REFERENCES persons(id),
    code_hash   TEXT NOT NULL UNIQUE,
    channel     TEXT NOT NULL CHECK (channel IN ('print','email')),
    created_by  TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    used_at     BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX portal_invitations_person ON portal_invitations (person_id);
CREATE INDEX portal_invitations_account ON portal_invitations (account_id, created_at);

CREATE TABLE portal_sessions (
    id_hash      TEXT PRIMARY KEY,
    account_id   TEXT NOT NULL REFERENCES portal_accounts(id) ON DELETE CASCADE,
    created_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    mfa_done     BOOLEAN NOT NULL DEFAULT FALSE,
    totp_pending TEXT NOT NULL DEFAULT '',
    csrf_token   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX portal_sessions_account ON portal_sessions (account_id);

CREATE TABLE journal_disclosures (
    id         TEXT PRIMARY KEY,
    entry_id   TEXT NOT NULL REFERENCES journal_entries(id),
    person_id  TEXT NOT NULL REFERENCES persons(id),
    shared     BOOLEAN NOT NULL DEFAULT FALSE,
    withheld   BOOLEAN NOT NULL DEFAULT FALSE,
    reason     TEXT NOT NULL DEFAULT '',
    set_by     TEXT NOT NULL,
    set_at     BIGINT NOT NULL
);
CREATE INDEX journal_disclosures_person ON journal_disclosures (person_id, entry_id, set_at);
