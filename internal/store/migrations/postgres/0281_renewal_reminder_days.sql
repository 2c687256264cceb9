-- How many days before a mandate's or a domiciliation's end its workers
-- are reminded to renew it: a setting of each organisation (1 to 180),
-- 30 as before the setting existed.
ALTER TABLE organizations ADD COLUMN renewal_reminder_days INTEGER NOT NULL DEFAULT 30;
