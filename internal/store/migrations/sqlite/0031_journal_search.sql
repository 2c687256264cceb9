-- Full-text search in journal entries: an FTS5 index over the summary
-- (never the private synthesis), accents removed by the tokenizer. The
-- journal is append-only, so an insert trigger keeps the index whole.
-- SQLite has no French stemmer: the search matches word prefixes instead
-- (internal/search), which covers plurals and most derived forms.
CREATE VIRTUAL TABLE journal_fts USING fts5(summary, content='journal_entries', content_rowid='rowid',
    tokenize='unicode61 remove_diacritics 2');
CREATE TRIGGER journal_entries_fts_ai AFTER INSERT ON journal_entries BEGIN
    INSERT INTO journal_fts (rowid, summary) VALUES (new.rowid, new.summary);
END;
INSERT INTO journal_fts (journal_fts) VALUES ('rebuild');
