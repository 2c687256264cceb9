-- A person created although likely duplicates were shown: the worker said
-- « ce n'est pas la même personne » and why, for each candidate dismissed,
-- so that a later merge review (or a DPO) can see what was decided.
CREATE TABLE person_not_duplicates (
    person_id    TEXT NOT NULL REFERENCES persons(id),
    candidate_id TEXT NOT NULL REFERENCES persons(id),
    reason       TEXT NOT NULL,
    worker_id    TEXT NOT NULL REFERENCES workers(id),
    recorded_at  BIGINT NOT NULL,
    PRIMARY KEY (person_id, candidate_id)
);
CREATE INDEX person_not_duplicates_candidate ON person_not_duplicates (candidate_id);
