-- Person search and merges. Names are folded and split into tokens in Go
-- (internal/search/namekey) so that both backends index exactly the same
-- keys; the databases only look the keys up.

-- A merged person points at the person that absorbed it. Nothing of the
-- absorbed file is rewritten (the journal is append-only): reads follow the
-- pointer, and an undo clears it.
ALTER TABLE persons ADD COLUMN merged_into TEXT REFERENCES persons(id);
CREATE INDEX persons_merged_into ON persons (merged_into);

-- Every distinct name token ever indexed: the fuzzy step matches a typed
-- word against this dictionary (tens of thousands of words, not one row
-- per person), then person_terms maps the words found to persons.
CREATE TABLE search_terms (
    term TEXT PRIMARY KEY
);
CREATE VIRTUAL TABLE search_terms_fts USING fts5(term, content='search_terms', tokenize='trigram');
CREATE TRIGGER search_terms_ai AFTER INSERT ON search_terms BEGIN
    INSERT INTO search_terms_fts (rowid, term) VALUES (new.rowid, new.term);
END;

-- The tokens of each person's names. field: b = birth name, u = usage
-- name, f = first names. phon is the French phonetic key of term.
CREATE TABLE person_terms (
    person_id TEXT NOT NULL REFERENCES persons(id),
    field     TEXT NOT NULL CHECK (field IN ('b','u','f')),
    term      TEXT NOT NULL,
    phon      TEXT NOT NULL,
    PRIMARY KEY (person_id, field, term)
);
CREATE INDEX person_terms_term ON person_terms (term);
CREATE INDEX person_terms_phon ON person_terms (phon);

-- Who merged which persons, why, and whether it was undone.
CREATE TABLE person_merges (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES organizations(id),
    kept_id     TEXT NOT NULL REFERENCES persons(id),
    absorbed_id TEXT NOT NULL REFERENCES persons(id),
    reason      TEXT NOT NULL,
    merged_by   TEXT NOT NULL,
    merged_at   BIGINT NOT NULL,
    undone_by   TEXT NOT NULL DEFAULT '',
    undone_at   BIGINT NOT NULL DEFAULT 0,
    undo_reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX person_merges_kept ON person_merges (kept_id);
CREATE INDEX person_merges_absorbed ON person_merges (absorbed_id);

-- Rows created by a CSV import, by the stable key of their source row, so
-- that importing the same file again changes nothing.
CREATE TABLE import_keys (
    org_id     TEXT NOT NULL REFERENCES organizations(id),
    kind       TEXT NOT NULL, -- 'person' or 'household'
    source_key TEXT NOT NULL,
    object_id  TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (org_id, kind, source_key)
);
