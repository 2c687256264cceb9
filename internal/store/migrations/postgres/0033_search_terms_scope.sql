-- The candidate query ranks persons by how many typed words they match
-- and by birth date before it reads any person row: each index entry
-- carries the person's organisation and birth date, so a common name at
-- département scale is ranked from the index alone and only the best few
-- hundred persons are read. The person service rewrites the entries on
-- every change of the person (search.IndexPerson).
ALTER TABLE person_terms ADD COLUMN org_id TEXT NOT NULL DEFAULT '',
    ADD COLUMN birth_date TEXT NOT NULL DEFAULT '';
UPDATE person_terms t SET org_id = p.org_id, birth_date = p.birth_date FROM persons p WHERE p.id = t.person_id;
-- Bulk loaders that write the four original columns get the two others
-- from the person.
CREATE FUNCTION person_terms_fill() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    IF NEW.org_id = '' THEN
        SELECT p.org_id, p.birth_date INTO NEW.org_id, NEW.birth_date FROM persons p WHERE p.id = NEW.person_id;
    END IF;
    RETURN NEW;
END
$fn$;
CREATE TRIGGER person_terms_fill BEFORE INSERT ON person_terms FOR EACH ROW EXECUTE FUNCTION person_terms_fill();
DROP INDEX person_terms_term;
DROP INDEX person_terms_phon;
CREATE INDEX person_terms_term ON person_terms (term, org_id, person_id, birth_date);
CREATE INDEX person_terms_phon ON person_terms (phon, org_id, person_id, birth_date);
