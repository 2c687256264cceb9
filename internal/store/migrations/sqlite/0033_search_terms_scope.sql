-- The candidate query ranks persons by how many typed words they match
-- and by birth date before it reads any person row: each index entry
-- carries the person's organisation and birth date, so a common name at
-- département scale is ranked from the index alone and only the best few
-- hundred persons are read. The person service rewrites the entries on
-- every change of the person (search.IndexPerson).
ALTER TABLE person_terms ADD COLUMN org_id TEXT NOT NULL DEFAULT '';
ALTER TABLE person_terms ADD COLUMN birth_date TEXT NOT NULL DEFAULT '';
UPDATE person_terms SET
    org_id = (SELECT org_id FROM persons WHERE persons.id = person_terms.person_id),
    birth_date = (SELECT birth_date FROM persons WHERE persons.id = person_terms.person_id);
-- Bulk loaders that write the four original columns get the two others
-- from the person.
CREATE TRIGGER person_terms_fill AFTER INSERT ON person_terms WHEN new.org_id = '' BEGIN
    UPDATE person_terms SET
        org_id = (SELECT org_id FROM persons WHERE id = new.person_id),
        birth_date = (SELECT birth_date FROM persons WHERE id = new.person_id)
    WHERE person_id = new.person_id AND field = new.field AND term = new.term;
END;
DROP INDEX person_terms_term;
DROP INDEX person_terms_phon;
CREATE INDEX person_terms_term ON person_terms (term, org_id, person_id, birth_date);
CREATE INDEX person_terms_phon ON person_terms (phon, org_id, person_id, birth_date);
