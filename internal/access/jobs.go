package access

// JobRun runs a background job across every organisation (task reminders,
// session clean-up): no role has it, only the server itself
// (parcours.SystemActor), so a worker's request can never trigger one.
const JobRun Action = "job.run"
