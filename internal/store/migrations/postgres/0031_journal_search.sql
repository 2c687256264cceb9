-- Full-text search in journal entries: French stemming on the summary
-- (never the private synthesis) with accents removed. unaccent() is not
-- IMMUTABLE (its dictionary could change), so an index needs a wrapper
-- that is; it names the extension's schema so that it resolves whatever
-- the search_path (maintenance commands run with a restricted one).
CREATE EXTENSION IF NOT EXISTS unaccent;
DO $do$
DECLARE s text;
BEGIN
    SELECT n.nspname INTO s FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'unaccent';
    EXECUTE format('CREATE FUNCTION parcours_unaccent(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS %L',
        format('SELECT %I.unaccent(%L::regdictionary, $1)', s, s || '.unaccent'));
END
$do$;
CREATE INDEX journal_entries_fts ON journal_entries USING GIN (to_tsvector('french', parcours_unaccent(summary)));
