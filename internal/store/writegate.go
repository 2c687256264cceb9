package store

import (
	"context"
	"database/sql"
	"sync"
)

// Who gets the writer next, and the upkeep's own way in.
//
// database/sql hands a released connection to a random waiter. SQLite has
// one writer connection, so under an open-loop load every write waits in
// that lottery: a write may wait behind any number of later ones, and the
// audit sealer and the full-text merge — one transaction among hundreds of
// waiting requests — waited seconds for their turn. Measured (issue 17,
// "add a journal entry" at 60 % of capacity on SQLite): a merge tick
// waited 22.7 s for ten turns and the next seal chained 5,844 events in
// one 2 s transaction, while the writes queued behind them took 13–17 s.
// So the writes of a SQLite database queue for the writer in the order
// they came (writeGate), the upkeep ahead of the requests: its
// transactions are short and bounded (sealBatch, ftsMergePages), and
// delayed they only grow.
//
// On PostgreSQL the pool has many connections but the same lottery: the
// sealer and the GIN pending-list cleaner queued behind hundreds of
// requests, the pending audit rows and the pending list then grew, and
// each write cost more once a backlog had formed. There the upkeep has a
// connection of its own (DB.upkeep) instead.

// upkeepKey marks the context of the sealer's tick (RunAuditSealer): its
// transactions take the upkeep's way to the database.
type upkeepKey struct{}

// withUpkeep marks ctx as the upkeep's.
func withUpkeep(ctx context.Context) context.Context {
	return context.WithValue(ctx, upkeepKey{}, true)
}

func isUpkeep(ctx context.Context) bool { return ctx.Value(upkeepKey{}) != nil }

// upkeepPool is the pool of the upkeep's statements outside a
// transaction: its own connection on PostgreSQL, else the write pool.
func (db *DB) upkeepPool(ctx context.Context) *sql.DB {
	if db.upkeep != nil && isUpkeep(ctx) {
		return db.upkeep
	}
	return db.w
}

// writeGate lets one write transaction at a time at SQLite's writer, in
// the order they asked, the upkeep's first. The zero value is open.
type writeGate struct {
	mu     sync.Mutex
	busy   bool
	first  []chan struct{} // the upkeep's waiters, oldest first
	queued []chan struct{} // the others, oldest first
}

// enter waits for the gate, or for ctx to end. A waiter whose ctx ends
// leaves the queue; if the gate was handed to it meanwhile, it passes it
// on.
func (g *writeGate) enter(ctx context.Context, upkeep bool) error {
	g.mu.Lock()
	if !g.busy {
		g.busy = true
		g.mu.Unlock()
		return nil
	}
	ch := make(chan struct{})
	if upkeep {
		g.first = append(g.first, ch)
	} else {
		g.queued = append(g.queued, ch)
	}
	g.mu.Unlock()
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		g.mu.Lock()
		if g.drop(ch) {
			g.mu.Unlock()
			return ctx.Err()
		}
		g.mu.Unlock()
		// Handed over as ctx ended: the turn goes to the next.
		<-ch
		g.leave()
		return ctx.Err()
	}
}

// drop removes ch from its queue; false when it was handed the gate
// already.
func (g *writeGate) drop(ch chan struct{}) bool {
	for _, q := range []*[]chan struct{}{&g.first, &g.queued} {
		for i, c := range *q {
			if c == ch {
				*q = append((*q)[:i], (*q)[i+1:]...)
				return true
			}
		}
	}
	return false
}

// leave hands the gate to the next waiter, the upkeep's first, or opens
// it.
func (g *writeGate) leave() {
	g.mu.Lock()
	defer g.mu.Unlock()
	var next chan struct{}
	switch {
	case len(g.first) > 0:
		next, g.first = g.first[0], g.first[1:]
	case len(g.queued) > 0:
		next, g.queued = g.queued[0], g.queued[1:]
	default:
		g.busy = false
		return
	}
	close(next) // busy stays: the gate goes straight to next
}
