-- The audit trail is append-only. UPDATE and TRUNCATE are always refused;
-- DELETE only by the retention purge (store.PurgeAudit), which in one
-- transaction first writes a signed checkpoint, then a guard row naming it,
-- deletes the events up to the checkpoint and removes the guard. A guard
-- row is never committed, so other transactions never see one.

CREATE TABLE audit_purge_guard (
    last_seq BIGINT NOT NULL
);

CREATE FUNCTION audit_guard_needs_checkpoint() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM audit_checkpoints WHERE last_seq = NEW.last_seq) THEN
        RAISE EXCEPTION 'audit purge guard without its checkpoint' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER audit_purge_guard_needs_checkpoint BEFORE INSERT ON audit_purge_guard
    FOR EACH ROW EXECUTE FUNCTION audit_guard_needs_checkpoint();

CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF EXISTS (SELECT 1 FROM audit_purge_guard WHERE OLD.seq <= last_seq) THEN
            RETURN OLD;
        END IF;
    END IF;
    RAISE EXCEPTION '% is append-only: % refused outside the retention purge', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE FUNCTION audit_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse();
CREATE TRIGGER audit_checkpoints_append_only BEFORE UPDATE OR DELETE ON audit_checkpoints
    FOR EACH ROW EXECUTE FUNCTION audit_refuse();
CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse();
