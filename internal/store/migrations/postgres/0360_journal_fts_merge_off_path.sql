-- SQLite's journal full-text index stops merging inside the writes
-- (0360 of SQLite, issue 17). PostgreSQL's GIN index has no such merge
-- on the request path: nothing changes here.
SELECT 1;
