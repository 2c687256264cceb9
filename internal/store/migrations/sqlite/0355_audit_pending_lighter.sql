-- Each audited write inserts its event into audit_pending, and each
-- SQLite commit writes every page it changed into the log, checksummed:
-- the pages are most of what a write costs (issue 17). Two of the three
-- pages the event added were not needed:
--
-- * AUTOINCREMENT kept a counter in sqlite_sequence, a page rewritten by
--   every write. The plain INTEGER PRIMARY KEY gives n as the largest n
--   still pending plus one: SQLite has a single writer and the sealer
--   deletes the events it chained in the transaction that read them, so
--   n still follows the order of the commits, which is the order of the
--   chain. (n may start again from 1 once nothing is pending: the order
--   only matters among the events waiting.)
-- * The index by person served the access log's look at the events not
--   sealed yet, about a tenth of a second of them (the sealer's tick): it
--   reads them all instead.
CREATE TABLE audit_pending_new (
    n              INTEGER PRIMARY KEY,
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
INSERT INTO audit_pending_new (n, id, at, actor_id, org_id, role, action, object_type, object_id, person_id, request_id, break_glass_id, reason)
    SELECT n, id, at, actor_id, org_id, role, action, object_type, object_id, person_id, request_id, break_glass_id, reason
    FROM audit_pending;
DROP TABLE audit_pending;
ALTER TABLE audit_pending_new RENAME TO audit_pending;

CREATE TRIGGER audit_pending_no_update BEFORE UPDATE ON audit_pending
BEGIN
    SELECT RAISE(ABORT, 'audit_pending is append-only: UPDATE refused');
END;
