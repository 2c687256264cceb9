-- The audit trail is append-only. UPDATE is always refused; DELETE only
-- by the retention purge (store.PurgeAudit), which in one transaction
-- first writes a signed checkpoint, then a guard row naming it, deletes the
-- events up to the checkpoint and removes the guard. A guard row is never
-- committed, so outside a purge transaction no delete passes.

CREATE TABLE audit_purge_guard (
    last_seq BIGINT NOT NULL
);

CREATE TRIGGER audit_purge_guard_needs_checkpoint BEFORE INSERT ON audit_purge_guard
WHEN NOT EXISTS (SELECT 1 FROM audit_checkpoints WHERE last_seq = NEW.last_seq)
BEGIN
    SELECT RAISE(ABORT, 'audit purge guard without its checkpoint');
END;

CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only: UPDATE refused');
END;

CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
WHEN NOT EXISTS (SELECT 1 FROM audit_purge_guard WHERE OLD.seq <= last_seq)
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only: DELETE refused outside the retention purge');
END;

CREATE TRIGGER audit_checkpoints_no_update BEFORE UPDATE ON audit_checkpoints
BEGIN
    SELECT RAISE(ABORT, 'audit_checkpoints is append-only: UPDATE refused');
END;

CREATE TRIGGER audit_checkpoints_no_delete BEFORE DELETE ON audit_checkpoints
BEGIN
    SELECT RAISE(ABORT, 'audit_checkpoints is append-only: DELETE refused');
END;
