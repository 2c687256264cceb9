-- One row per form a worker sent: the token each rendered form carries.
-- A second post of the same form (double click, Enter pressed twice,
-- back and resend) finds its row and is not run again. Rows older than a
-- day are deleted; a form left open longer gets a fresh page anyway.
CREATE TABLE form_tokens (
    worker_id TEXT NOT NULL,
    token     TEXT NOT NULL,
    used_at   BIGINT NOT NULL,
    PRIMARY KEY (worker_id, token)
);
CREATE INDEX form_tokens_used_at ON form_tokens (used_at);
