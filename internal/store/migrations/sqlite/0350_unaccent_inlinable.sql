-- PostgreSQL's parcours_unaccent made inlinable (0350 of PostgreSQL,
-- issue 17). SQLite removes accents in the full-text tokenizer itself:
-- nothing changes here.
SELECT 1;
