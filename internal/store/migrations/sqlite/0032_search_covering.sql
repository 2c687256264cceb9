-- The candidate query reads long posting lists (a common surname, a
-- frequent phonetic key): indexes that hold the person id answer it
-- from the index alone, without a table lookup per posting.
DROP INDEX person_terms_term;
DROP INDEX person_terms_phon;
CREATE INDEX person_terms_term ON person_terms (term, person_id);
CREATE INDEX person_terms_phon ON person_terms (phon, person_id);
