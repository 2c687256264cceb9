-- Two indexes every audited journal entry updated on PostgreSQL for
-- nothing (issue 17):
--
-- * journal_amends held an entry for every journal entry, NULL for all
--   but the amendments: each write added its NULL at the index's right
--   end, one page all the concurrent writers wait for in turn. The
--   amendments are looked up by the entries they amend (amends IN …),
--   which only ever finds a non-NULL value: the partial index answers
--   them the same.
-- * audit_pending_person served the access log's look at the events the
--   sealer has not chained yet, a tenth of a second of them (its tick):
--   the log reads them all instead, as on SQLite since 0355.
CREATE INDEX journal_amends_set ON journal_entries (amends) WHERE amends IS NOT NULL;
DROP INDEX journal_amends;
ALTER INDEX journal_amends_set RENAME TO journal_amends;
DROP INDEX audit_pending_person;
