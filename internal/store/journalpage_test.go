package store_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"parcours/internal/app/apptest"
	"parcours/internal/parcours"
	"parcours/internal/store"
)

// JournalPageAmended reads a page and the file's amendments at once, on
// PostgreSQL with pgx's own rows (journal.go). Every field of every entry
// must come out as the one-entry read (JournalEntry, through database/sql)
// gives it, the disclosure as the latest decision says, and the amendments as
// AmendmentsByPerson lists them; JournalPage must give the same page.
func TestJournalPageAmended_SameAsTheOtherReads(t *testing.T) {
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		db := e.App.DB
		ctx := context.Background()
		actor, pid := entryFixture(t, e)
		// Every field set on some entry: participants (with quotes and
		// accents), theme, mode, a private synthesis, an accompaniment-less
		// entry and amendments (two of one entry, in order).
		var entries []*parcours.JournalEntry
		for i, summary := range []string{"Premier « entretien »", "Deuxième\nligne", "Troisième <b>&</b>", "Quatrième"} {
			ent := entryFor(actor, pid, summary)
			ent.OccurredAt = time.Date(2026, 10, 1+i, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
			ent.CreatedAt = time.Date(2026, 10, 1+i, 9, 30, 0, 123456000, time.UTC)
			entries = append(entries, ent)
		}
		entries[0].Participants = []string{`Mme "Dupont"`, "M. Ñandú"}
		entries[0].Mode = "phone"
		entries[1].Theme = "logement-hebergement"
		entries[1].PrivateSynthesis = "Synthèse privée"
		entries[2].Confidentiality = parcours.ConfReferent
		am1, am2 := entryFor(actor, pid, "Correction 1"), entryFor(actor, pid, "Correction 2")
		am1.Amends, am2.Amends = entries[0].ID, entries[0].ID
		am1.OccurredAt, am2.OccurredAt = "2026-09-01", "2026-09-02"
		am1.CreatedAt, am2.CreatedAt = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
		entries = append(entries, am1, am2)
		if err := db.Transact(ctx, func(tx *store.Tx) error {
			if err := tx.InsertJournalEntries(ctx, entries...); err != nil {
				return err
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		// A decision replaced by a later one: only the latest counts.
		if err := db.Transact(ctx, func(tx *store.Tx) error {
			return tx.InsertDisclosure(ctx, &parcours.Disclosure{EntryID: entries[1].ID, PersonID: pid, Withheld: true, Reason: "d'abord", SetBy: actor.WorkerID})
		}); err != nil {
			t.Fatal(err)
		}
		time.Sleep(2 * time.Millisecond) // a later set_at
		if err := db.Transact(ctx, func(tx *store.Tx) error {
			if err := tx.InsertDisclosure(ctx, &parcours.Disclosure{EntryID: entries[1].ID, PersonID: pid, Shared: true, SetBy: actor.WorkerID}); err != nil {
				return err
			}
			return tx.InsertDisclosure(ctx, &parcours.Disclosure{EntryID: entries[2].ID, PersonID: pid, Withheld: true, Reason: "r", SetBy: actor.WorkerID})
		}); err != nil {
			t.Fatal(err)
		}
		wantDisclosure := map[string]string{entries[1].ID: parcours.DisclosureShared, entries[2].ID: parcours.DisclosureWithheld}
		check := func(t *testing.T, page []*parcours.JournalEntry, am map[string][]string, tx *store.Tx, limit int) {
			t.Helper()
			if len(page) != min(limit, len(entries)) {
				t.Fatalf("%d entries, want %d", len(page), min(limit, len(entries)))
			}
			for i, got := range page {
				if i > 0 && store.JournalKey(page[i-1])[0] < got.OccurredAt {
					t.Errorf("entry %d is out of order", i)
				}
				want, err := tx.JournalEntry(ctx, got.ID)
				if err != nil {
					t.Fatal(err)
				}
				want.Disclosure = wantDisclosure[got.ID]
				if !reflect.DeepEqual(got, want) {
					t.Errorf("entry %s:\n got %#v\nwant %#v", got.ID, got, want)
				}
			}
			if am == nil {
				return
			}
			want, err := tx.AmendmentsByPerson(ctx, []string{pid})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(am, want) || !reflect.DeepEqual(am[entries[0].ID], []string{am1.ID, am2.ID}) {
				t.Errorf("amendments %v, want %v", am, want)
			}
		}
		for _, limit := range []int{3, 200} {
			if err := db.View(ctx, func(tx *store.Tx) error {
				page, am, err := tx.JournalPageAmended(ctx, []string{pid}, store.JournalFilter{}, nil, limit)
				if err != nil {
					return err
				}
				check(t, page, am, tx, limit)
				plain, err := tx.JournalPage(ctx, []string{pid}, store.JournalFilter{}, nil, limit)
				if err != nil {
					return err
				}
				if !reflect.DeepEqual(page, plain) {
					t.Errorf("JournalPage and JournalPageAmended differ")
				}
				// The next page, by cursor, in a write transaction too.
				next, _, err := tx.JournalPageAmended(ctx, []string{pid}, store.JournalFilter{}, store.JournalKey(page[len(page)-1]), limit)
				if err != nil {
					return err
				}
				if limit == 3 && len(next) != 3 {
					t.Errorf("next page: %d entries, want 3", len(next))
				}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			if err := db.Transact(ctx, func(tx *store.Tx) error {
				page, am, err := tx.JournalPageAmended(ctx, []string{pid}, store.JournalFilter{}, nil, limit)
				if err != nil {
					return err
				}
				check(t, page, am, tx, limit)
				return nil
			}); err != nil {
				t.Fatal(err)
			}
		}
	})
}
