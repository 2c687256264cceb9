-- The accompaniment a receiving organisation opened when it accepted a
-- referral (package referral): ending it ends the referral's share at
-- once. '' when accepting opened none.
ALTER TABLE referrals ADD COLUMN accompaniment_id TEXT NOT NULL DEFAULT '';
CREATE INDEX referrals_accompaniment ON referrals (accompaniment_id);
