package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"parcours/internal/app/apptest"
	"parcours/internal/audit"
	"parcours/internal/parcours"
	"parcours/internal/person"
	"parcours/internal/store"
)

// A journal entry's insert and its audit event are one statement held
// until the commit on PostgreSQL (pgwrite.go); these tests check that
// holding it changes nothing of what commits, on both backends.

// entryFixture is a person of an organisation and a worker who may write
// in their journal.
func entryFixture(t *testing.T, e *apptest.Env) (parcours.Actor, string) {
	t.Helper()
	actor := e.Actor("worker")
	name := "TENU"
	p, err := e.App.Persons.Create(context.Background(), actor, person.Input{BirthName: &name, FirstNames: &name, BirthDate: ptrTo("1980-01-02")})
	if err != nil {
		t.Fatal(err)
	}
	return actor, p.ID
}

func entryFor(actor parcours.Actor, personID, summary string) *parcours.JournalEntry {
	return &parcours.JournalEntry{ID: store.NewID(), OrgID: actor.OrgID, PersonID: personID, Kind: parcours.EntryNote, OccurredAt: "2026-11-02",
		Summary: summary, Confidentiality: parcours.ConfTeam, AuthorID: actor.WorkerID}
}

func TestWrite_EntryAndItsEventCommitTogether(t *testing.T) {
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		db := e.App.DB
		ctx := context.Background()
		actor, pid := entryFixture(t, e)
		write := func(ent *parcours.JournalEntry, after func(tx *store.Tx) error) error {
			return db.Transact(ctx, func(tx *store.Tx) error {
				if _, err := tx.Relation(ctx, actor.WorkerID, actor.TeamIDs, pid); err != nil {
					return err
				}
				tx.Audit(audit.For(actor, "journal.create", "journal_entry", ent.ID, pid))
				if err := tx.InsertJournalEntries(ctx, ent); err != nil {
					return err
				}
				return after(tx)
			})
		}
		entries := func() int { return e.Count("journal_entries") }
		before := entries()

		// Committed: the entry, its event, and the entry visible to the
		// statements that follow it in its transaction.
		ok := entryFor(actor, pid, "gardée")
		if err := write(ok, func(tx *store.Tx) error {
			got, err := tx.JournalEntry(ctx, ok.ID)
			if err != nil || got.Summary != "gardée" {
				return fmt.Errorf("the entry inside its transaction: %v, %v", got, err)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if entries() != before+1 || countEvents(t, db, ok.ID) != 1 {
			t.Fatalf("committed write: %d entries (want %d), %d events (want 1)", entries(), before+1, countEvents(t, db, ok.ID))
		}

		// The transaction fails after the insert: neither is kept.
		gone := entryFor(actor, pid, "abandonnée")
		boom := errors.New("boom")
		if err := write(gone, func(*store.Tx) error { return boom }); !errors.Is(err, boom) {
			t.Fatalf("failed transaction: %v, want boom", err)
		}
		// The insert itself fails (no such author): the error comes back
		// and neither is kept.
		bad := entryFor(actor, pid, "refusée")
		bad.AuthorID = "no-such-worker"
		if err := write(bad, func(*store.Tx) error { return nil }); err == nil {
			t.Fatal("an entry by no worker was accepted")
		}
		if entries() != before+1 || countEvents(t, db, gone.ID) != 0 || countEvents(t, db, bad.ID) != 0 {
			t.Fatalf("after two failed writes: %d entries (want %d), events %d and %d (want none)",
				entries(), before+1, countEvents(t, db, gone.ID), countEvents(t, db, bad.ID))
		}

		// More failures than the pool has connections: none is given back
		// inside a transaction, so the writes after them commit.
		for range 40 {
			bad := entryFor(actor, pid, "refusée")
			bad.AuthorID = "no-such-worker"
			if err := write(bad, func(*store.Tx) error { return nil }); err == nil {
				t.Fatal("an entry by no worker was accepted")
			}
		}
		again := entryFor(actor, pid, "après")
		if err := write(again, func(*store.Tx) error { return nil }); err != nil {
			t.Fatal(err)
		}
		if entries() != before+2 || countEvents(t, db, again.ID) != 1 {
			t.Fatalf("write after failures: %d entries (want %d), %d events", entries(), before+2, countEvents(t, db, again.ID))
		}
		if db.Dialect() == store.Postgres {
			var open int
			if err := db.SQL().QueryRow(`SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database()
				AND state LIKE 'idle in transaction%'`).Scan(&open); err != nil || open != 0 {
				t.Fatalf("%d connections left inside a transaction (%v)", open, err)
			}
		}
		if rep := verify(t, db, nil); rep.Problem != nil {
			t.Fatalf("audit verify: %+v", rep.Problem)
		}
	})
}

// A file's visit is held until the commit on PostgreSQL (RecordVisit):
// it commits with the page's audit event, or not at all, and a later
// statement of its transaction sees it.
func TestWrite_VisitCommitsWithItsTransaction(t *testing.T) {
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		db := e.App.DB
		ctx := context.Background()
		actor, pid := entryFixture(t, e)
		visit := func(fail error) error {
			return db.Transact(ctx, func(tx *store.Tx) error {
				if err := tx.RecordVisit(ctx, actor.WorkerID, pid); err != nil {
					return err
				}
				tx.Audit(audit.For(actor, "casefile.open", "person", pid, pid))
				facts, err := tx.FileFacts(ctx, actor.WorkerID, actor.TeamIDs, []string{pid}, true)
				if err != nil || facts[pid].LastVisit.IsZero() {
					return fmt.Errorf("the visit inside its transaction: %v", err)
				}
				return fail
			})
		}
		visits := func() int { return e.Count("casefile_visits") }
		events := countEvents(t, db, pid) // the person's creation
		boom := errors.New("boom")
		if err := visit(boom); !errors.Is(err, boom) {
			t.Fatalf("failed transaction: %v, want boom", err)
		}
		if visits() != 0 || countEvents(t, db, pid) != events {
			t.Fatalf("a rolled back visit left %d visit(s), %d event(s) more", visits(), countEvents(t, db, pid)-events)
		}
		if err := visit(nil); err != nil {
			t.Fatal(err)
		}
		if visits() != 1 || countEvents(t, db, pid) != events+1 {
			t.Fatalf("a committed visit: %d visit(s), %d event(s) more, want 1 and 1", visits(), countEvents(t, db, pid)-events)
		}
	})
}
