-- The journal's full-text index stops merging its segments inside the
-- writes (issue 17). FTS5 is a log-structured merge tree: each write
-- transaction adds a small segment, and by default ("automerge") the
-- same transaction then merges segments into bigger ones, by a quantity
-- of work counted in leaf pages — at least one page a transaction,
-- however few words it indexed. On ~5 M entries this merging was most of
-- the cost of adding one entry (56 % of serve's CPU at capacity). Now the
-- writes only add their segment, and the background upkeep of
-- "parcours serve" (store.MergeFullText, on the audit sealer's tick)
-- merges the small segments in bounded steps, many writes' worth at a
-- time. crisismerge bounds the small segments where no upkeep runs (the
-- one-shot commands, the tests): at 200 on one level, the write that adds
-- the 200th merges them, as FTS5 always did at 16.
INSERT INTO journal_fts (journal_fts, rank) VALUES ('automerge', 0);
INSERT INTO journal_fts (journal_fts, rank) VALUES ('crisismerge', 200);
