-- parcours_unaccent (0031) is an IMMUTABLE SQL function around the STABLE
-- unaccent(regdictionary, text): PostgreSQL cannot inline it, so every
-- use runs it as a function of its own, its body parsed and planned again
-- by each statement, 30 to 80 µs per journal entry written (the GIN index
-- journal_entries_fts) and per full-text search (issue 17).
--
-- When the migrating role is a superuser, the body calls the same C
-- function as unaccent() does (unaccent_dict, in the extension's library),
-- declared IMMUTABLE: the SQL wrapper is then inlined, into the index's
-- expression as into the queries. The dictionary and the function are the
-- same, so are the results: the index built with the former body stays
-- valid and its expression, to_tsvector('french', parcours_unaccent(summary)),
-- does not change (no rebuild). Another role may not create a C function:
-- the wrapper then stays as 0031 made it, slower, with the same results.
DO $do$
DECLARE
    ext  text;   -- the unaccent extension's schema
    here text;   -- parcours_unaccent's schema
    lib  text;   -- unaccent's library
BEGIN
    IF current_setting('is_superuser') <> 'on' THEN
        RETURN;
    END IF;
    SELECT n.nspname INTO ext FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'unaccent';
    SELECT n.nspname INTO here FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE p.oid = 'parcours_unaccent(text)'::regprocedure;
    SELECT p.probin INTO lib FROM pg_proc p
        WHERE p.oid = format('%I.unaccent(regdictionary, text)', ext)::regprocedure;
    EXECUTE format('CREATE OR REPLACE FUNCTION %I.parcours_unaccent_dict(regdictionary, text) RETURNS text LANGUAGE c IMMUTABLE PARALLEL SAFE STRICT AS %L, %L',
        here, lib, 'unaccent_dict');
    EXECUTE format('CREATE OR REPLACE FUNCTION %I.parcours_unaccent(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS %L',
        here, format('SELECT %I.parcours_unaccent_dict(%L::regdictionary, $1)', here, ext || '.unaccent'));
    -- The sessions already connected keep the index's expression as they
    -- read it, not inlined, and would no longer match it with the queries'
    -- (a full scan): an update of the index's row in pg_class, which
    -- changes nothing, makes every session read it again.
    ALTER INDEX journal_entries_fts RESET (fastupdate);
END
$do$;
