-- PostgreSQL's audit_pending drops its index by person (0353 of
-- PostgreSQL, issue 17); SQLite's went with 0355: nothing changes here.
SELECT 1;
