-- persons_merged_into only for the persons merged into another. Almost no
-- person is merged, so the full index held one NULL key per person, and
-- ANALYZE (seed, import, PRAGMA optimize) then records that a value of
-- merged_into matches every row: SQLite stopped using the index and walked
-- the merge group of every opened file by scanning the whole persons table
-- (~600 ms a request at 500,000 persons). "merged_into = ?" implies
-- "merged_into IS NOT NULL", so the partial index serves the same lookups,
-- and its statistics count only the merged.
DROP INDEX persons_merged_into;
CREATE INDEX persons_merged_into ON persons (merged_into) WHERE merged_into IS NOT NULL;
