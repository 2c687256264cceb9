-- The visits the front desk logged for a worker (« Ma journée » lists
-- those of the last days, issue 11).
CREATE INDEX desk_visits_for_worker ON desk_visits (for_worker_id, came_at);
