package jobs

import "time"

// FirstWait is the start-up delay loop waits before a job's first look.
func (s *Scheduler) FirstWait() time.Duration { return s.firstWait() }
