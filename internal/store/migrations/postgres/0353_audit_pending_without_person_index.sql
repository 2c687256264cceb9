-- audit_pending is a queue: every audited request adds a row, which the
-- sealer moves to audit_events within a tick (100 ms). Its index by
-- person served only the access log's look at the events not sealed yet:
-- the access log now reads the queue whole (a tick's worth of live rows,
-- and the dead ones the sealer's VACUUM clears every 20,000), as SQLite's
-- has since its 0355. An audited request no longer adds an entry to that
-- index, nor has the VACUUM one to clear (issue 17).
DROP INDEX IF EXISTS audit_pending_person;
