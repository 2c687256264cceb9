-- Documents shared with the person in their portal (issue 14): a worker
-- who may write the file's documents marks one « partagé avec la
-- personne » (or takes it back). Decisions are rows of their own, the
-- latest one counts, the history stays; a document without a row is not
-- shared. Deleted with the file (persondata.go).
CREATE TABLE document_shares (
    id          TEXT PRIMARY KEY,
    document_id TEXT NOT NULL,
    person_id   TEXT NOT NULL REFERENCES persons(id),
    shared      BOOLEAN NOT NULL DEFAULT FALSE,
    set_by      TEXT NOT NULL,
    set_at      BIGINT NOT NULL
);
CREATE INDEX document_shares_person ON document_shares (person_id, document_id, set_at);
