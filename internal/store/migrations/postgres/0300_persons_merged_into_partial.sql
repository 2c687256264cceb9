-- persons_merged_into only for the persons merged into another, as on
-- SQLite (where the full index, one NULL key per person, led the planner
-- to scan the persons table on every opened file): "merged_into = $1"
-- implies "merged_into IS NOT NULL", so the partial index serves the same
-- lookups at a fraction of the size.
DROP INDEX persons_merged_into;
CREATE INDEX persons_merged_into ON persons (merged_into) WHERE merged_into IS NOT NULL;
