-- The signed mandate's scans (issue 12): the person signs the printed
-- mandate, the worker scans it, later than the mandate was recorded. The
-- scan is a document of the file (the document store, append-only);
-- mandates.document_id names the current scan and each attachment is a
-- row here, so a replaced scan stays listed with who attached it when
-- (proof of what the person signed). Deleted with the file
-- (persondata.go), before the documents they name.
CREATE TABLE mandate_scans (
    mandate_id  TEXT NOT NULL REFERENCES mandates(id),
    document_id TEXT NOT NULL,
    person_id   TEXT NOT NULL REFERENCES persons(id),
    attached_by TEXT NOT NULL,
    attached_at BIGINT NOT NULL,
    PRIMARY KEY (mandate_id, document_id)
);
CREATE INDEX mandate_scans_person ON mandate_scans (person_id);

-- A scan given when the mandate was recorded is its first attachment.
INSERT INTO mandate_scans (mandate_id, document_id, person_id, attached_by, attached_at)
    SELECT id, document_id, person_id, created_by, created_at FROM mandates WHERE document_id IS NOT NULL AND document_id <> '';
