-- Sessions, API tokens and login throttling. Secrets are stored hashed
-- (SHA-256 of a 256-bit random value): a database leak gives no usable
-- session or token.

CREATE TABLE sessions (
    id_hash      TEXT PRIMARY KEY,
    worker_id    TEXT NOT NULL REFERENCES workers(id),
    created_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    mfa_done     BOOLEAN NOT NULL DEFAULT FALSE,
    csrf_token   TEXT NOT NULL DEFAULT '',
    user_agent   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_worker ON sessions (worker_id);

CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY,
    worker_id    TEXT NOT NULL REFERENCES workers(id),
    name         TEXT NOT NULL DEFAULT '',
    prefix       TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   BIGINT NOT NULL,
    last_used_at BIGINT NOT NULL DEFAULT 0,
    revoked_at   BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX api_tokens_worker ON api_tokens (worker_id);

-- One row per throttled key ("account:<worker id>" or "ip:<address>").
CREATE TABLE login_throttle (
    key          TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL DEFAULT 0,
    window_start BIGINT NOT NULL,
    locked_until BIGINT NOT NULL DEFAULT 0
);
