-- Threads under a referral (issue 11 point 5 with issue 10): professionals
-- of the sending and the receiving structure write about the person only
-- within the referral that shares the file. NULL for the file's own
-- threads (between workers of the person's organisation, or with the
-- person).
ALTER TABLE message_threads ADD COLUMN referral_id TEXT REFERENCES referrals(id);
CREATE INDEX message_threads_referral ON message_threads (referral_id);
