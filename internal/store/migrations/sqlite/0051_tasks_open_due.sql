-- The task reminders (internal/jobs, store.DueTasksWithoutReminder) look
-- for the open tasks due on or before a day across every organisation:
-- a partial index keeps that cheap however many tasks are done.
CREATE INDEX tasks_open_due ON tasks (due_date) WHERE status = 'open';
