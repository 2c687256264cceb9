-- The retention plan is written in short transactions (a few hundred
-- files each) instead of one that held the write lock over the whole
-- database: a plan being written is marked preparing, hidden from the
-- lists and, being not yet open, beyond any decision; the last of its
-- transactions opens it. A preparation that died is deleted by the next.
ALTER TABLE retention_plans ADD COLUMN preparing BOOLEAN NOT NULL DEFAULT FALSE;

-- The last contact of a file is read page by page (the persons of a
-- page): aid requests, the only contact table without one, get their
-- index by person.
CREATE INDEX aid_requests_person ON aid_requests (person_id, created_at);
