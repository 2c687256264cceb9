package outbox

import "parcours/internal/parcours"

// SetAfterSend makes s run f between a send and its sent marker; an error
// from f stops Deliver there, as a crash would.
func SetAfterSend(s *Service, f func(*parcours.OutboxMessage) error) { s.afterSend = f }
