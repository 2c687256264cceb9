package store

import (
	"context"
	"database/sql"
	"time"
)

// Checkpoints of SQLite's write-ahead log, off the request path.
//
// By default the connection whose commit makes the log pass 1,000 pages
// copies the log back into the database and syncs both files (with
// synchronous=NORMAL, the only syncs there are) before its call returns:
// that connection is the single writer, so every write waiting behind it
// waited for the copy and the fsyncs (7 % of serve's CPU adding journal
// entries at 500,000 persons, and most of the long waits). Instead a
// connection of its own checkpoints every checkpointEvery, PASSIVE (it
// never blocks the writer nor the readers); the writer's own automatic
// checkpoint stays, at writerAutocheckpoint pages, only as a bound should
// this one fall behind.

const (
	checkpointEvery = 200 * time.Millisecond
	// writerAutocheckpoint is in pages (4 KiB): about 40 MiB of log.
	writerAutocheckpoint = "10000"
)

// startCheckpoints opens the checkpointer's connection and runs it until
// the returned function is called (Close).
func (db *DB) startCheckpoints(path, pragmas string) (stop func(), err error) {
	cp, err := sql.Open("sqlite", "file:"+path+"?"+pragmas)
	if err != nil {
		return nil, err
	}
	cp.SetMaxOpenConns(1)
	cp.SetConnMaxIdleTime(0)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(checkpointEvery)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			// Busy (another checkpoint running) or failed: the next
			// tick tries again, and the writer's bound still holds.
			_, _ = cp.ExecContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)")
		}
	}()
	return func() {
		cancel()
		<-done
		_ = cp.Close()
	}, nil
}
