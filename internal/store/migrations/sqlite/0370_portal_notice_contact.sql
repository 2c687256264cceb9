-- Notices of new replies (portal): the address a portal account gave,
-- with its explicit consent, to be told by e-mail that a referent
-- replied in one of its conversations — never what was written. The
-- person's own choice, not the appointment reminders' (those are recorded
-- by a worker on the file): it is kept on the account, withdrawn by
-- blanking the address, and never shown to workers.
-- notice_consent_at is when the consent was given (0: none);
-- notice_last_at is when the latest notice was queued, so that a burst
-- of replies within an hour sends one notice (messaging.replyNotice).
ALTER TABLE portal_accounts ADD COLUMN notice_email TEXT NOT NULL DEFAULT '';
ALTER TABLE portal_accounts ADD COLUMN notice_consent_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE portal_accounts ADD COLUMN notice_last_at BIGINT NOT NULL DEFAULT 0;
