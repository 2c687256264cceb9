-- Audit events are written unchained, in the request's own transaction,
-- into audit_pending: nothing is lost and no lock is taken on the request
-- path. One sealer per database (store.SealAudit, under the "audit.sealer"
-- lease) moves them into the chain (audit_events) in batches, in the order
-- of n, giving each its sequence number and hash. A pending event is never
-- changed: the sealer deletes it in the transaction that chains it.
-- "parcours audit verify" fails on pending events older than a limit.
CREATE TABLE audit_pending (
    n              BIGSERIAL PRIMARY KEY,
    id             TEXT NOT NULL,
    at             BIGINT NOT NULL,
    actor_id       TEXT NOT NULL,
    org_id         TEXT NOT NULL DEFAULT '',
    role           TEXT NOT NULL DEFAULT '',
    action         TEXT NOT NULL,
    object_type    TEXT NOT NULL DEFAULT '',
    object_id      TEXT NOT NULL DEFAULT '',
    person_id      TEXT NOT NULL DEFAULT '',
    request_id     TEXT NOT NULL DEFAULT '',
    break_glass_id TEXT NOT NULL DEFAULT '',
    reason         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_pending_person ON audit_pending (person_id, at);

CREATE TRIGGER audit_pending_no_update BEFORE UPDATE ON audit_pending
    FOR EACH ROW EXECUTE FUNCTION audit_refuse();
CREATE TRIGGER audit_pending_no_truncate BEFORE TRUNCATE ON audit_pending
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse();
