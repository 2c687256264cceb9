-- PostgreSQL's journal_amends made partial and its audit_pending index by
-- person dropped (0351 of PostgreSQL, issue 17). SQLite's audit_pending
-- lost that index in 0355; its journal_amends stays as it is.
SELECT 1;
