-- Outgoing messages (internal/outbox): e-mails and SMS written in the
-- transaction of what causes them (a reminder, a referral) and sent later
-- by the outbox job, one claimed message at a time.
--
-- idem_key makes an enqueue idempotent: the same reminder (appointment ×
-- offset) or referral e-mail is queued once whoever enqueues it and
-- however often. status: queued → sending (claimed, lease_until) → sent |
-- queued again (an error, next_attempt_at pushed back) | failed (after
-- max_attempts, last_error kept) | uncertain (the sender died between the
-- claim and the sent marker: never sent again automatically, see
-- outbox.go). Instants are microseconds UTC.
CREATE TABLE outbox_messages (
    id              TEXT PRIMARY KEY,
    org_id          TEXT NOT NULL REFERENCES organizations(id),
    idem_key        TEXT NOT NULL UNIQUE,
    channel         TEXT NOT NULL CHECK (channel IN ('email','sms')),
    kind            TEXT NOT NULL,
    person_id       TEXT REFERENCES persons(id),
    recipient       TEXT NOT NULL,
    subject         TEXT NOT NULL DEFAULT '',
    body            TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued','sending','sent','failed','uncertain','cancelled')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    max_attempts    INTEGER NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    lease_holder    TEXT NOT NULL DEFAULT '',
    lease_until     BIGINT NOT NULL DEFAULT 0,
    last_error      TEXT NOT NULL DEFAULT '',
    created_at      BIGINT NOT NULL,
    sent_at         BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX outbox_messages_due ON outbox_messages (status, next_attempt_at);
CREATE INDEX outbox_messages_org ON outbox_messages (org_id, created_at);
CREATE INDEX outbox_messages_person ON outbox_messages (person_id);

-- Messaging settings of an organisation: its SMTP server (the password is
-- never stored: smtp_password_env names the environment variable that
-- holds it), its SMS provider, and its reminders (offsets in minutes
-- before the appointment, comma-separated; texts in plain French with
-- {date}, {heure}, {lieu}, {structure} placeholders).
CREATE TABLE org_messaging (
    org_id                 TEXT PRIMARY KEY REFERENCES organizations(id),
    smtp_host              TEXT NOT NULL DEFAULT '',
    smtp_port              INTEGER NOT NULL DEFAULT 587,
    smtp_security          TEXT NOT NULL DEFAULT 'starttls' CHECK (smtp_security IN ('starttls','tls','none')),
    smtp_username          TEXT NOT NULL DEFAULT '',
    smtp_from              TEXT NOT NULL DEFAULT '',
    smtp_password_env      TEXT NOT NULL DEFAULT '',
    sms_provider           TEXT NOT NULL DEFAULT '',
    sms_sender             TEXT NOT NULL DEFAULT '',
    sms_token_env          TEXT NOT NULL DEFAULT '',
    reminder_offsets       TEXT NOT NULL DEFAULT '2880,120',
    reminder_subject       TEXT NOT NULL DEFAULT '',
    reminder_email_body    TEXT NOT NULL DEFAULT '',
    reminder_sms_body      TEXT NOT NULL DEFAULT '',
    updated_at             BIGINT NOT NULL
);

-- The person's choice about appointment reminders, recorded on the file
-- through the door: channel (email, sms, none), consent, and whether the
-- reminder may name the service (otherwise only the address).
CREATE TABLE reminder_preferences (
    person_id     TEXT PRIMARY KEY REFERENCES persons(id),
    channel       TEXT NOT NULL CHECK (channel IN ('email','sms','none')),
    consent       BOOLEAN NOT NULL,
    name_service  BOOLEAN NOT NULL DEFAULT TRUE,
    recorded_by   TEXT NOT NULL REFERENCES workers(id),
    recorded_at   BIGINT NOT NULL
);
