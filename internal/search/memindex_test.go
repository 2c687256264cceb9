package search_test

import (
	"context"
	"testing"
	"time"

	"parcours/internal/person"
	"parcours/internal/search"
	"parcours/internal/store"
	"parcours/internal/store/storetest"
)

// Two instances on one PostgreSQL database, each with its in-process
// index: a person created, renamed, then merged away through one
// instance is found, found under the new name only, then no longer found
// through the other, which hears of each change by LISTEN/NOTIFY. (The
// instance that writes is current before its request returns: the other
// search tests use the index that way.)
func TestIndex_TwoInstancesOnOnePostgresStayCurrent(t *testing.T) {
	t.Parallel()
	_, dbs := storetest.Instances(t, store.Postgres, 2)
	ctx := context.Background()
	e := newEnv(t, dbs[0]) // instance A: writes (with its own index)
	// Instance B: its index only, built before the changes.
	ictx, stop := context.WithCancel(ctx)
	t.Cleanup(stop)
	ix := search.NewIndex(dbs[1])
	ix.Start(ictx)
	wctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if err := ix.WaitReady(wctx); err != nil {
		t.Fatal(err)
	}
	b := search.New(dbs[1])
	b.UseIndex(ix)

	// eventually searches through B until ok says the answer is right,
	// for up to a minute (a notification is asynchronous; no timing is
	// asserted, only that it arrives).
	eventually := func(what string, q string, ok func([]search.Result) bool) {
		t.Helper()
		deadline := time.Now().Add(time.Minute)
		for {
			if !ix.Ready() {
				t.Fatalf("%s: instance B's index is not ready: its searches would bypass it", what)
			}
			page, err := b.Search(ctx, e.a, search.Query{Q: q})
			if err != nil {
				t.Fatal(err)
			}
			if ok(page.Items) {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: instance B still answers %v", what, page.Items)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	has := func(id string) func([]search.Result) bool {
		return func(rs []search.Result) bool {
			for _, r := range rs {
				if r.ID == id {
					return true
				}
			}
			return false
		}
	}
	not := func(f func([]search.Result) bool) func([]search.Result) bool {
		return func(rs []search.Result) bool { return !f(rs) }
	}

	p := e.add(t, e.a, "KERGUELEN", "", "Maïwenn", "1991-04-05")
	eventually("created on A", "kerguelen maiwenn 1991", has(p.ID))
	// Built again with p in it (the persons of a build are found by
	// binary search, those added after through a map): the rename below
	// replaces a built entry.
	if err := ix.Build(ctx); err != nil {
		t.Fatal(err)
	}
	eventually("rebuilt", "kerguelen maiwenn 1991", has(p.ID))

	name := "QUILLIVIC"
	if _, err := e.persons.Update(ctx, e.a, p.ID, person.Input{BirthName: &name}); err != nil {
		t.Fatal(err)
	}
	eventually("renamed on A", "quillivic maiwenn", has(p.ID))
	eventually("old name dropped", "kerguelen", not(has(p.ID)))
	// And B's index answers as the database does.
	for _, q := range []string{"kerguelen maiwenn", "quillivic", "maiwenn 1991"} {
		want, err := e.sql.Search(ctx, e.a, search.Query{Q: q})
		if err != nil {
			t.Fatal(err)
		}
		eventually("as the database: "+q, q, func(rs []search.Result) bool {
			if len(rs) != len(want.Items) {
				return false
			}
			for i := range rs {
				if rs[i].ID != want.Items[i].ID || rs[i].Score != want.Items[i].Score {
					return false
				}
			}
			return true
		})
	}

	// Another person of the other organisation, same names: B's index
	// returns it as a candidate, the policy never shows it to A's worker.
	other := e.add(t, e.b, "QUILLIVIC", "", "Maïwenn", "1991-04-05")
	eventually("other organisation hidden", "quillivic maiwenn", func(rs []search.Result) bool {
		return has(p.ID)(rs) && !has(other.ID)(rs)
	})
}
