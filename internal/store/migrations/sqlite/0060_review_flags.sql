-- Counts of the « relecture éthique » (issue 18): per organisation, team,
-- month (YYYY-MM) and category, how many saved notes kept a flagged
-- category and how many had it corrected before saving. Never the text,
-- never the worker: a row says nothing about a person or an author.
CREATE TABLE review_flags (
    org_id    TEXT NOT NULL,
    team_id   TEXT NOT NULL,
    month     TEXT NOT NULL,
    category  TEXT NOT NULL,
    kept      BIGINT NOT NULL DEFAULT 0,
    corrected BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, team_id, month, category)
);
