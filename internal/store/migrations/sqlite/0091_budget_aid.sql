-- The household budget (dated versions, lines by kind) and the financial
-- help requests decided in commission (issue 12). Amounts are integer
-- cents.

CREATE TABLE budgets (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL REFERENCES organizations(id),
    household_id TEXT NOT NULL REFERENCES households(id),
    valid_from   TEXT NOT NULL,
    adults       INTEGER NOT NULL,
    children     INTEGER NOT NULL,
    dependents   INTEGER NOT NULL,
    couple       BOOLEAN NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    created_by   TEXT NOT NULL,
    created_at   BIGINT NOT NULL
);
CREATE INDEX budgets_household ON budgets (household_id, valid_from, created_at);

CREATE TABLE budget_lines (
    budget_id       TEXT NOT NULL REFERENCES budgets(id),
    position        INTEGER NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('resource','charge','debt')),
    category        TEXT NOT NULL,
    person_id       TEXT,
    label           TEXT NOT NULL DEFAULT '',
    monthly_cents   BIGINT NOT NULL,
    remaining_cents BIGINT NOT NULL DEFAULT 0,
    plan            TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (budget_id, position)
);

CREATE TABLE commissions (
    id         TEXT PRIMARY KEY,
    org_id     TEXT NOT NULL REFERENCES organizations(id),
    meets_on   TEXT NOT NULL,
    members    TEXT NOT NULL, -- one per line
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX commissions_org ON commissions (org_id, meets_on);

CREATE TABLE aid_requests (
    id             TEXT PRIMARY KEY,
    org_id         TEXT NOT NULL REFERENCES organizations(id),
    household_id   TEXT NOT NULL REFERENCES households(id),
    person_id      TEXT NOT NULL REFERENCES persons(id),
    aid_code       TEXT NOT NULL,
    aid_name       TEXT NOT NULL,
    amount_cents   BIGINT NOT NULL,
    reason         TEXT NOT NULL,
    budget_id      TEXT REFERENCES budgets(id),
    status         TEXT NOT NULL CHECK (status IN ('instruction','on_agenda','granted','partial','refused','adjourned')),
    commission_id  TEXT REFERENCES commissions(id),
    decided_cents  BIGINT NOT NULL DEFAULT 0,
    motive         TEXT NOT NULL DEFAULT '',
    decided_at     BIGINT NOT NULL DEFAULT 0,
    decided_by     TEXT NOT NULL DEFAULT '',
    payee          TEXT NOT NULL DEFAULT '',
    creditor_name  TEXT NOT NULL DEFAULT '',
    payment_status TEXT NOT NULL DEFAULT '',
    paid_on        TEXT NOT NULL DEFAULT '',
    created_by     TEXT NOT NULL,
    created_at     BIGINT NOT NULL
);
CREATE INDEX aid_requests_household ON aid_requests (household_id, created_at);
CREATE INDEX aid_requests_commission ON aid_requests (commission_id);
