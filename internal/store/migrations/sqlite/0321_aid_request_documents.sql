-- The supporting documents (pièces justificatives) of an aid request
-- (issue 12): documents of the household's members' files, new uploads
-- or already there, linked to the request. The commission's members read
-- them through the request on their agenda, and only those. person_id is
-- the document's person. Deleted with the file (persondata.go), before
-- the documents they name.
CREATE TABLE aid_request_documents (
    aid_request_id TEXT NOT NULL REFERENCES aid_requests(id),
    document_id    TEXT NOT NULL,
    person_id      TEXT NOT NULL REFERENCES persons(id),
    attached_by    TEXT NOT NULL,
    attached_at    BIGINT NOT NULL,
    PRIMARY KEY (aid_request_id, document_id)
);
CREATE INDEX aid_request_documents_person ON aid_request_documents (person_id);
