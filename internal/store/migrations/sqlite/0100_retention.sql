-- Retention (issue 15): per-organisation rules, the plans a manager
-- reviews, and the marks of what was archived or anonymised. The CNIL's
-- framework for the social sector keeps a file active while the person is
-- accompanied and up to two years after the last contact, then in an
-- intermediate archive only where a legal obligation requires it, then
-- anonymised.

-- active_months: how long after the last contact a file without open
-- accompaniment stays active (24 by default).
CREATE TABLE retention_settings (
    org_id        TEXT PRIMARY KEY REFERENCES organizations(id),
    active_months INTEGER NOT NULL DEFAULT 24 CHECK (active_months BETWEEN 1 AND 600),
    updated_by    TEXT NOT NULL DEFAULT '',
    updated_at    BIGINT NOT NULL DEFAULT 0
);

-- The intermediate archive the organisation keeps per data kind (months
-- after the active period), where a legal obligation requires it. A file
-- is archived as long as the longest duration of the kinds it holds.
CREATE TABLE retention_archive_rules (
    org_id     TEXT NOT NULL REFERENCES organizations(id),
    kind       TEXT NOT NULL,
    months     INTEGER NOT NULL CHECK (months BETWEEN 0 AND 600),
    updated_by TEXT NOT NULL DEFAULT '',
    updated_at BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, kind)
);

-- A plan is prepared (dry run) per organisation; each of its batches
-- (archive, anonymise) waits for a manager's decision. Only approved
-- batches are applied, once.
CREATE TABLE retention_plans (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES organizations(id),
    day         TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('open','superseded','done')),
    prepared_by TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX retention_plans_org ON retention_plans (org_id, created_at);

CREATE TABLE retention_batches (
    id         TEXT PRIMARY KEY,
    plan_id    TEXT NOT NULL REFERENCES retention_plans(id),
    org_id     TEXT NOT NULL REFERENCES organizations(id),
    action     TEXT NOT NULL CHECK (action IN ('archive','anonymise')),
    status     TEXT NOT NULL CHECK (status IN ('pending','approved','postponed','applied')),
    files      INTEGER NOT NULL DEFAULT 0,
    reason     TEXT NOT NULL DEFAULT '',
    decided_by TEXT NOT NULL DEFAULT '',
    decided_at BIGINT NOT NULL DEFAULT 0,
    applied    INTEGER NOT NULL DEFAULT 0,
    applied_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX retention_batches_plan ON retention_batches (plan_id);
CREATE INDEX retention_batches_status ON retention_batches (status, org_id);

-- The files of a batch: ids and the last contact only.
CREATE TABLE retention_batch_items (
    batch_id     TEXT NOT NULL REFERENCES retention_batches(id),
    person_id    TEXT NOT NULL REFERENCES persons(id),
    last_contact TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (batch_id, person_id)
);

ALTER TABLE persons ADD COLUMN archived_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE persons ADD COLUMN anonymised_at BIGINT NOT NULL DEFAULT 0;

-- The journal stays append-only for everyone but the anonymisation, which
-- blanks the texts of the persons it names in retention_guard: rows
-- inserted and deleted inside its own transaction, never committed.
CREATE TABLE retention_guard (
    person_id TEXT PRIMARY KEY
);

DROP TRIGGER journal_entries_no_update;
CREATE TRIGGER journal_entries_no_update BEFORE UPDATE ON journal_entries
WHEN NOT EXISTS (SELECT 1 FROM retention_guard WHERE person_id = OLD.person_id)
  OR NEW.id <> OLD.id OR NEW.person_id <> OLD.person_id OR NEW.kind <> OLD.kind OR NEW.occurred_at <> OLD.occurred_at
BEGIN
    SELECT RAISE(ABORT, 'journal entries are append-only');
END;

-- The full-text index follows the blanked summary.
CREATE TRIGGER journal_entries_fts_au AFTER UPDATE OF summary ON journal_entries BEGIN
    INSERT INTO journal_fts (journal_fts, rowid, summary) VALUES ('delete', old.rowid, old.summary);
    INSERT INTO journal_fts (rowid, summary) VALUES (new.rowid, new.summary);
END;
