-- Keys every instance serving this database must share (the key sealing
-- TOTP secrets, the key signing audit retention checkpoints), each
-- wrapped (AES-256-GCM) by the master key from the environment
-- (PARCOURS_MASTER_KEY) or the data directory: the database alone does not
-- give them away, and a second instance with another master key refuses
-- to start instead of silently making keys of its own.
CREATE TABLE instance_keys (
    name       TEXT PRIMARY KEY,
    wrapped    TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
