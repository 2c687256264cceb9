-- "Ma journée" lists the files a worker opened last.
CREATE INDEX casefile_visits_recent ON casefile_visits (worker_id, visited_at);
