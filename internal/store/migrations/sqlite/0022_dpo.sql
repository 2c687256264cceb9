-- The data-protection officer (délégué à la protection des données) of an
-- organisation: a designation rather than a role, because the DPO is
-- often also a manager or an administrator. It opens the audit search
-- of the organisation, nothing of the files themselves.
CREATE TABLE dpo_designations (
    worker_id     TEXT PRIMARY KEY REFERENCES workers(id),
    org_id        TEXT NOT NULL REFERENCES organizations(id),
    designated_at BIGINT NOT NULL
);
