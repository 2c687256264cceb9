-- The TOTP secret being enrolled, drawn by the server and kept with the
-- session (sealed like workers.totp_secret) until the worker proves it
-- with a code: the client never chooses its own secret.
ALTER TABLE sessions ADD COLUMN totp_pending TEXT NOT NULL DEFAULT '';
