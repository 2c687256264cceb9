package retention

// SetStage lets a test follow (and stop) Apply at its stages.
func (s *Service) SetStage(f func(string)) { s.stage = f }
