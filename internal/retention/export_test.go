package retention

// SetStage lets a test follow (and stop) Apply at its stages.
func (s *Service) SetStage(f func(string)) { s.stage = f }

// SetPage sets how many files a plan reads (and writes) per transaction.
func (s *Service) SetPage(n int) { s.page = n }
