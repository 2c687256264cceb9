-- Keyset pagination of the persons list walks (birth_name, first_names,
-- id) inside one organisation, and the households list (id) likewise:
-- indexes in exactly that order let a page be an index range scan, with no
-- sort, however deep the page. They supersede the shorter indexes of 0001.
CREATE INDEX persons_org_list ON persons (org_id, birth_name, first_names, id);
DROP INDEX persons_org_name;
CREATE INDEX households_org_list ON households (org_id, id);
DROP INDEX households_org;
