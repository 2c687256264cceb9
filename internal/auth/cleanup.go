package auth

import (
	"context"

	"parcours/internal/access"
	"parcours/internal/parcours"
	"parcours/internal/store"
)

// Cleaned counts what CleanUp deleted.
type Cleaned struct {
	Sessions, Throttles int64
}

// CleanUp deletes the sessions idle longer than IdleTimeout or older
// than AbsoluteTimeout (they no longer sign anyone in) and the login
// counters that can no longer lock anything. Logins do it too, but a
// quiet night would otherwise keep them. Only the server may run it
// (access.JobRun).
func (s *Service) CleanUp(ctx context.Context, actor parcours.Actor) (Cleaned, error) {
	var c Cleaned
	if err := access.Check(actor, access.JobRun, access.Target{}); err != nil {
		return c, err
	}
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		now := tx.Now()
		var err error
		if c.Sessions, err = tx.DeleteExpiredSessions(ctx, now.Add(-IdleTimeout).UnixMicro(), now.Add(-AbsoluteTimeout).UnixMicro()); err != nil {
			return err
		}
		c.Throttles, err = tx.DeleteStaleThrottles(ctx, now.Add(-throttleWindow).UnixMicro(), now.UnixMicro())
		return err
	})
	return c, err
}
