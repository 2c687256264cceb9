-- Search by the rarest typed word. The dictionaries carry how many persons
-- have each token and each phonetic key, so that a search starts from the
-- typed word with the shortest posting list instead of reading every
-- word's. The counts only order the work: a stale count makes a search
-- slower, never wrong.
ALTER TABLE search_terms ADD COLUMN persons INTEGER NOT NULL DEFAULT 0;
UPDATE search_terms SET persons = (SELECT count(DISTINCT person_id) FROM person_terms t WHERE t.term = search_terms.term);
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
