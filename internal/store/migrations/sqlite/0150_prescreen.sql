-- What a worker did with a pre-screening result (issue 13): a procedure
-- opened for the right, or « not relevant » and why. The result itself
-- is never stored: it is computed on demand and is no decision; the rule
-- version, the date screened and the status shown are kept beside the
-- worker's answer so that the answer can be read later.
CREATE TABLE prescreen_outcomes (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL REFERENCES organizations(id),
    household_id TEXT NOT NULL REFERENCES households(id),
    person_id    TEXT NOT NULL REFERENCES persons(id),
    rule_code    TEXT NOT NULL,
    rule_version TEXT NOT NULL,
    screened_on  TEXT NOT NULL,
    status_shown TEXT NOT NULL,
    outcome      TEXT NOT NULL CHECK (outcome IN ('procedure_opened', 'not_relevant')),
    procedure_id TEXT NOT NULL DEFAULT '',
    reason       TEXT NOT NULL DEFAULT '',
    created_by   TEXT NOT NULL,
    created_at   BIGINT NOT NULL
);
CREATE INDEX prescreen_outcomes_household ON prescreen_outcomes (household_id, created_at);
CREATE INDEX prescreen_outcomes_person ON prescreen_outcomes (person_id);
