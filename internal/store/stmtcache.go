package store

import (
	"context"
	"database/sql"
	"sync"
)

// The SQLite prepared-statement cache.
//
// modernc's SQLite prepares, runs and finalizes a statement on every call
// made with a query string; preparing is a large share of a short read's
// CPU. PostgreSQL needs none of this: pgx caches prepared statements per
// connection itself.
//
// A statement is prepared once per pool (sql.Stmt) and used in a
// transaction with Tx.StmtContext, which reuses the statement already
// prepared on the transaction's connection or prepares it there, on the
// connection the transaction holds. What must never happen is preparing on
// the pool (DB.PrepareContext) from inside a transaction: that asks the
// pool for a connection, and the writer pool has one, held by that very
// transaction — a deadlock (and the read pool deadlocks the same way once
// all its connections are in transactions). So a transaction never
// prepares on the pool: the first time a query is seen it runs unprepared
// and is handed to a goroutine of its own, which holds no connection while
// it waits for one to prepare on (preparer). Later transactions find it
// prepared.

// stmtCacheMax bounds the statements kept per pool: queries built with a
// variable number of placeholders (IN lists) would otherwise grow it
// without end. Beyond it, queries run unprepared as before.
const stmtCacheMax = 1000

// stmtCacheMaxLen leaves out the long, generated statements (multi-row
// inserts), seldom run twice alike. It must let in the file's facts
// statement with the last visit (~4,100 characters, OpenVisit: every
// person page), the costliest statement there is to prepare.
const stmtCacheMaxLen = 6000

type stmtCache struct {
	pool  *sql.DB
	mu    sync.Mutex
	stmts map[string]*sql.Stmt // prepared
	seen  map[string]bool      // prepared, queued, or failed to prepare
	queue chan string
}

func newStmtCache(pool *sql.DB) *stmtCache {
	return &stmtCache{pool: pool, stmts: map[string]*sql.Stmt{}, seen: map[string]bool{}, queue: make(chan string, 256)}
}

// get returns the statement prepared for q, or nil the first times (q is
// then queued for the preparer).
func (c *stmtCache) get(q string) *sql.Stmt {
	if c == nil || len(q) > stmtCacheMaxLen {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if st := c.stmts[q]; st != nil {
		return st
	}
	if c.seen[q] || len(c.seen) >= stmtCacheMax {
		return nil
	}
	select {
	case c.queue <- q:
		c.seen[q] = true
	default: // the preparer is behind: asked again next time
	}
	return nil
}

// prepare prepares the queued queries until ctx ends, each on a
// connection the pool gives when one is free.
func (c *stmtCache) prepare(ctx context.Context, done chan<- struct{}) {
	defer close(done)
	for {
		select {
		case <-ctx.Done():
			return
		case q := <-c.queue:
			st, err := c.pool.PrepareContext(ctx, q)
			if err != nil {
				continue // stays seen: runs unprepared, as before
			}
			c.mu.Lock()
			c.stmts[q] = st
			c.mu.Unlock()
		}
	}
}

// close closes the prepared statements (the preparer has stopped).
func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, st := range c.stmts {
		st.Close()
	}
	clear(c.stmts)
}
