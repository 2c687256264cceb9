-- Deactivating a directory entry (package servicedir): referrals point at
-- structures and services, so an administrator deactivates rather than
-- deletes. An inactive service, or any service of an inactive structure,
-- is left out of searches and of the new-referral picker but still names
-- past referrals.
ALTER TABLE directory_structures ADD COLUMN active BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE directory_services ADD COLUMN active BOOLEAN NOT NULL DEFAULT TRUE;
