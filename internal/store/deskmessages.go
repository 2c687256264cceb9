package store

import (
	"context"
	"time"

	"parcours/internal/parcours"
)

// DeskVisitsFor returns the visits logged for workerID (the worker the
// visitor asked for, or the referent) since since, newest first, at most
// limit: what « Ma journée » shows them, once the door has let them read
// each file.
func (tx *Tx) DeskVisitsFor(ctx context.Context, workerID string, since time.Time, limit int) ([]*parcours.DeskVisit, error) {
	return tx.scanVisits(ctx, "SELECT "+visitColumns+" FROM desk_visits WHERE for_worker_id = ? AND came_at >= ? ORDER BY came_at DESC, id DESC LIMIT ?",
		workerID, ts(since), limit)
}
