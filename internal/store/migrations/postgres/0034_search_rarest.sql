-- Search by the rarest typed word. The dictionaries carry how many persons
-- have each token and each phonetic key, so that a search starts from the
-- typed word with the shortest posting list instead of reading every
-- word's. The counts only order the work: a stale count makes a search
-- slower, never wrong.
ALTER TABLE search_terms ADD COLUMN persons INTEGER NOT NULL DEFAULT 0;
UPDATE search_terms s SET persons = c.n
    FROM (SELECT term, count(DISTINCT person_id) AS n FROM person_terms GROUP BY term) c WHERE c.term = s.term;
CREATE TABLE search_phons (
    phon    TEXT PRIMARY KEY,
    persons INTEGER NOT NULL DEFAULT 0
);
INSERT INTO search_phons (phon, persons) SELECT phon, count(DISTINCT person_id) FROM person_terms GROUP BY phon;

-- The birth date comes before the person in the index entries, so that a
-- search with a birth year reads only the bearers of the word born that
-- year (a range of the index), not all of them.
DROP INDEX person_terms_term;
DROP INDEX person_terms_phon;
CREATE INDEX person_terms_term ON person_terms (term, org_id, birth_date, person_id);
CREATE INDEX person_terms_phon ON person_terms (phon, org_id, birth_date, person_id);

-- The dictionary grows slowly and is read on every fuzzy search: new words
-- go straight into the trigram index instead of a pending list that every
-- search would scan until the next vacuum.
ALTER INDEX search_terms_trgm SET (fastupdate = off);
SELECT gin_clean_pending_list('search_terms_trgm'::regclass);
