package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"parcours/internal/audit"
	"parcours/internal/parcours"
	"parcours/internal/store"
	"parcours/internal/store/storetest"
)

// Reads write their audit events in batches shared by concurrent reads:
// each read still gets exactly its own events, committed before it
// returns, and the chain stays whole.
func TestAuditReads_ConcurrentReadsEachRecordedOnceInAWholeChain(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		const readers = 40
		actor := parcours.Actor{WorkerID: "w", OrgID: "o", Role: parcours.RoleWorker}
		placeholder := "?"
		if db.Dialect() == store.Postgres {
			placeholder = "$1"
		}
		var wg sync.WaitGroup
		errs := make(chan error, readers)
		for i := range readers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				object := fmt.Sprintf("obj-%02d", i)
				err := db.View(ctx, func(tx *store.Tx) error {
					tx.Audit(audit.For(actor, "test.read", "thing", object, ""))
					tx.Audit(audit.For(actor, "test.read.detail", "thing", object, ""))
					return nil
				})
				if err == nil {
					// Committed before the read returned: visible now.
					var n int
					err = db.SQL().QueryRowContext(ctx, "SELECT COUNT(*) FROM audit_events WHERE object_id = "+placeholder, object).Scan(&n)
					if err == nil && n != 2 {
						err = fmt.Errorf("%s: %d events after the read returned, want 2", object, n)
					}
				}
				errs <- err
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		rep, err := db.VerifyAudit(ctx, nil)
		if err != nil || rep.Problem != nil {
			t.Fatalf("verify: %+v, %v", rep, err)
		}
		if rep.Checked != 2*readers {
			t.Fatalf("chain has %d events, want %d", rep.Checked, 2*readers)
		}
	})
}

// readObject runs one audited read of object and reports its error.
func readObject(ctx context.Context, db *store.DB, object string) error {
	actor := parcours.Actor{WorkerID: "w", OrgID: "o", Role: parcours.RoleWorker}
	return db.View(ctx, func(tx *store.Tx) error {
		tx.Audit(audit.For(actor, "test.read", "thing", object, ""))
		return nil
	})
}

// countEvents counts the chained and the pending events of object.
func countEvents(t *testing.T, db *store.DB, object string) int {
	t.Helper()
	q := "SELECT (SELECT COUNT(*) FROM audit_events WHERE object_id = ?) + (SELECT COUNT(*) FROM audit_pending WHERE object_id = ?)"
	if db.Dialect() == store.Postgres {
		q = strings.NewReplacer("= ?)", "= $1)").Replace(q)
	}
	var n int
	args := []any{object, object}
	if db.Dialect() == store.Postgres {
		args = args[:1]
	}
	if err := db.SQL().QueryRowContext(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// holdFirstGroup makes db's read-audit writer wait, before it commits its
// first group, until released: it starts one read of its own (object
// "held") and returns once the writer holds that read alone, so that every
// read the test starts afterwards piles up behind it, however the
// goroutines are scheduled. (Started together with the test's reads, the
// first group could take several of them, or all on a loaded machine.)
// waitQueued returns once n reads are queued behind the held group; held
// gives the held read's result once released.
func holdFirstGroup(t *testing.T, db *store.DB) (waitQueued func(n int), release func(), held <-chan error) {
	t.Helper()
	gate, entered := make(chan struct{}), make(chan struct{})
	var once sync.Once
	first := true
	db.SetReadAuditHook(func(reads, rows int) {
		if first {
			first = false
			close(entered)
			<-gate
		}
	})
	release = func() { once.Do(func() { close(gate) }) }
	t.Cleanup(release)
	heldErr := make(chan error, 1)
	go func() { heldErr <- readObject(context.Background(), db, "held") }()
	select {
	case <-entered:
	case <-time.After(30 * time.Second):
		t.Fatal("the writer never took a group")
	}
	waitQueued = func(n int) {
		t.Helper()
		deadline := time.After(30 * time.Second)
		for db.ReadAuditStats().Queued < n {
			select {
			case <-deadline:
				t.Fatalf("%d reads queued, want %d", db.ReadAuditStats().Queued, n)
			case <-time.After(time.Millisecond):
			}
		}
	}
	return waitQueued, release, heldErr
}

// Concurrent reads share their audit commits: with the writer held while
// the reads pile up, 30 reads take 2 commits (the first read's, then
// everyone else's), each read's event is durable when it returns, and
// the chain is whole.
func TestAuditReads_ConcurrentReadsShareOneCommit(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		const readers = 30
		waitQueued, release, held := holdFirstGroup(t, db)
		before := db.ReadAuditStats()
		var wg sync.WaitGroup
		errs := make(chan error, readers)
		for i := range readers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				object := fmt.Sprintf("obj-%02d", i)
				err := readObject(ctx, db, object)
				if err == nil {
					if n := countEvents(t, db, object); n != 1 {
						err = fmt.Errorf("%s: %d events after the read returned, want 1", object, n)
					}
				}
				errs <- err
			}()
		}
		waitQueued(readers)
		release()
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		if err := <-held; err != nil {
			t.Fatal(err)
		}
		// The held read's group, then all the others in one.
		after := db.ReadAuditStats()
		if commits, reads := after.Commits-before.Commits, after.Reads-before.Reads; commits != 2 || reads != readers+1 {
			t.Fatalf("%d reads written by %d commits, want %d by 2", reads, commits, readers+1)
		}
		rep, err := db.VerifyAudit(ctx, nil)
		if err != nil || rep.Problem != nil || rep.Checked != readers+1 {
			t.Fatalf("verify: %+v, %v; want %d events, intact", rep, err, readers+1)
		}
	})
}

// A group whose insert fails fails every read of the group: no read is
// answered without its audit record.
func TestAuditReads_FailedGroupFailsEveryRead(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := db.SQL().ExecContext(ctx, "ALTER TABLE audit_pending RENAME TO audit_pending_away"); err != nil {
			t.Fatal(err)
		}
		const readers = 12
		waitQueued, release, held := holdFirstGroup(t, db)
		before := db.ReadAuditStats()
		var wg sync.WaitGroup
		errs := make(chan error, readers)
		for i := range readers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs <- readObject(ctx, db, fmt.Sprintf("obj-%02d", i))
			}()
		}
		waitQueued(readers)
		release()
		wg.Wait()
		close(errs)
		for err := range errs {
			if err == nil {
				t.Fatal("a read answered though its audit record failed")
			}
		}
		if <-held == nil {
			t.Fatal("the held read answered though its audit record failed")
		}
		if after := db.ReadAuditStats(); after.Commits-before.Commits != 2 {
			t.Fatalf("%d groups, want 2 (the reads were meant to share the second)", after.Commits-before.Commits)
		}
	})
}

// A read whose request is cancelled while it waits for its group stops
// waiting and fails; the group (and the others in it) carry on, and its
// event is still written.
func TestAuditReads_CancelledReadStopsWaiting(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		gate, held := make(chan struct{}), make(chan struct{}, 1)
		db.SetReadAuditHook(func(reads, rows int) {
			select {
			case held <- struct{}{}:
			default:
			}
			<-gate
		})
		cctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- readObject(cctx, db, "cancelled") }()
		select {
		case <-held: // the writer holds its group
		case err := <-done:
			t.Fatalf("read ended before its group was written: %v", err)
		}
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled read: %v, want context.Canceled", err)
		}
		close(gate)
		if err := readObject(context.Background(), db, "next"); err != nil {
			t.Fatal(err)
		}
		if n := countEvents(t, db, "cancelled"); n != 1 {
			t.Fatalf("cancelled read: %d events, want 1 (handed over before the cancel)", n)
		}
	})
}

// Close drains: reads waiting for their group when the database closes
// get their events written and answered, and a read after Close fails.
func TestAuditReads_CloseDrainsTheQueuedReads(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(d.String(), func(t *testing.T) {
			ctx := context.Background()
			dsn := storetest.DSN(t, d)
			db, err := store.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			const readers = 8
			waitQueued, release, held := holdFirstGroup(t, db) // held until Close is under way
			errs := make(chan error, readers)
			for i := range readers {
				go func() { errs <- readObject(ctx, db, fmt.Sprintf("obj-%d", i)) }()
			}
			waitQueued(readers)
			closed := make(chan error, 1)
			go func() { closed <- db.Close() }()
			for !db.ReadAuditStats().Closing {
				time.Sleep(time.Millisecond)
			}
			release()
			for range readers {
				if err := <-errs; err != nil {
					t.Fatalf("queued read at Close: %v", err)
				}
			}
			if err := <-held; err != nil {
				t.Fatalf("held read at Close: %v", err)
			}
			if err := <-closed; err != nil {
				t.Fatal(err)
			}
			if err := readObject(ctx, db, "late"); err == nil {
				t.Fatal("a read after Close succeeded")
			}
			db2, err := store.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer db2.Close()
			for i := range readers {
				if n := countEvents(t, db2, fmt.Sprintf("obj-%d", i)); n != 1 {
					t.Fatalf("obj-%d: %d events after Close, want 1", i, n)
				}
			}
		})
	}
}

// An event recorded with AuditAhead goes to the group commit while the
// read still runs (the writer takes it before fn returns), the read
// returns only once it is written, and a read whose event could not be
// written fails. An attempt that fails after it was recorded stays
// recorded.
func TestAuditReads_AheadIsCommittedWhileTheReadRuns(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		actor := parcours.Actor{WorkerID: "w", OrgID: "o", Role: parcours.RoleWorker}
		gate, held := make(chan struct{}), make(chan struct{}, 1)
		db.SetReadAuditHook(func(reads, rows int) {
			select {
			case held <- struct{}{}:
			default:
			}
			<-gate
		})
		done, ran := make(chan error, 1), make(chan struct{})
		go func() {
			done <- db.View(ctx, func(tx *store.Tx) error {
				defer close(ran)
				tx.AuditAhead(ctx, audit.For(actor, "test.search", "thing", "", ""))
				select {
				case <-held: // the writer took the event before the read ended
					return nil
				case <-time.After(30 * time.Second):
					return errors.New("the event was not handed over while the read ran")
				}
			})
		}()
		<-ran
		select {
		case err := <-done:
			t.Fatalf("the read returned before its event was written: %v", err)
		default:
		}
		close(gate)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if n := countActions(t, db, "test.search"); n != 1 {
			t.Fatalf("%d events after the read returned, want 1", n)
		}

		// A read failing after its event went ahead: the attempt stays.
		failed := errors.New("the read failed")
		err := db.View(ctx, func(tx *store.Tx) error {
			tx.AuditAhead(ctx, audit.For(actor, "test.search.failed", "thing", "", ""))
			return failed
		})
		if !errors.Is(err, failed) {
			t.Fatalf("failed read: %v", err)
		}
		if err := readObject(ctx, db, "after"); err != nil { // the next group: the failed read's is written
			t.Fatal(err)
		}
		if n := countActions(t, db, "test.search.failed"); n != 1 {
			t.Fatalf("failed read: %d events, want 1", n)
		}

		// An event that cannot be written fails the read.
		if _, err := db.SQL().ExecContext(ctx, "ALTER TABLE audit_pending RENAME TO audit_pending_away"); err != nil {
			t.Fatal(err)
		}
		err = db.View(ctx, func(tx *store.Tx) error {
			tx.AuditAhead(ctx, audit.For(actor, "test.search", "thing", "", ""))
			return nil
		})
		if err == nil {
			t.Fatal("a read answered though its audit record failed")
		}
	})
}

// countActions counts the chained and the pending events of an action.
func countActions(t *testing.T, db *store.DB, action string) int {
	t.Helper()
	q := "SELECT (SELECT COUNT(*) FROM audit_events WHERE action = ?) + (SELECT COUNT(*) FROM audit_pending WHERE action = ?)"
	args := []any{action, action}
	if db.Dialect() == store.Postgres {
		q, args = strings.NewReplacer("= ?)", "= $1)").Replace(q), args[:1]
	}
	var n int
	if err := db.SQL().QueryRowContext(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
