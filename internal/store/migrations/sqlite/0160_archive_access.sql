-- Archived files (issue 15): an archived file is read-only and open only
-- to the organisation's managers and its data-protection officer, each
-- consultation with a written reason that every audit event of it
-- carries. The consultation is an access of the break-glass kind
-- (limited in time, stamped on the events): kind says which.
ALTER TABLE break_glass ADD COLUMN kind TEXT NOT NULL DEFAULT 'break_glass';
