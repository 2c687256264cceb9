-- SQLite's audit_pending drops AUTOINCREMENT and its index by person
-- (0355 of SQLite, issue 17): pages its commits no longer write.
-- PostgreSQL's BIGSERIAL costs no page per write and its write path is
-- measured on its own: nothing changes here.
SELECT 1;
