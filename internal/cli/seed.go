package cli

import (
	"context"
	"flag"
	"fmt"

	"parcours/internal/demo"
	"parcours/internal/parcours"
	"parcours/internal/store"
)

// seedFlags are package-level because command.flags and command.run are
// separate closures; Run parses them afresh on every call.
var seedFlags struct {
	persons int
	seed    uint64
}

func init() {
	register(&command{
		name: "seed",
		summary: "Add N deterministic synthetic persons in households (same --seed, same data) to the database; " +
			"creates the demo structures if absent. Progress on stderr.",
		flags: func(fs *flag.FlagSet, c *Common) {
			fs.IntVar(&seedFlags.persons, "persons", 1000, "number of persons to add")
			fs.Uint64Var(&seedFlags.seed, "seed", 1, "random seed: the same seed gives the same persons")
		},
		run: func(ctx context.Context, e *env, c *Common, args []string) error {
			if len(args) > 0 {
				return &usageError{"seed takes no arguments"}
			}
			if seedFlags.persons < 1 || seedFlags.persons > 10_000_000 {
				return parcours.Errorf(parcours.EInvalid, "seed.error.persons")
			}
			// A large seed takes minutes: the profiler shows where they go.
			stopDebug, err := startDebug(ctx) // debugaddr.go
			if err != nil {
				return err
			}
			defer stopDebug()
			db, err := store.Open(ctx, c.Database)
			if err != nil {
				return err
			}
			defer db.Close()
			if _, err := db.Migrate(ctx); err != nil {
				return err
			}
			st, err := seed(ctx, db, seedFlags.persons, seedFlags.seed, e)
			if err != nil {
				return err
			}
			// A bulk load leaves PostgreSQL without a visibility map and
			// with the trigram index's pending list full until autovacuum
			// passes (or never, where it is off): searches and index-only
			// reads would be measured slow for no reason of the code.
			if err := db.Vacuum(ctx); err != nil {
				return err
			}
			fmt.Fprintf(e.stderr, "seed: done, %d persons in %d households (%d situations) in %.1f s\n",
				st.Persons, st.Households, st.Situations, st.Elapsed.Seconds())
			return nil
		},
	})
}

func seed(ctx context.Context, db *store.DB, persons int, seed uint64, e *env) (*demo.Stats, error) {
	s, err := demo.EnsureSetting(ctx, db, false)
	if err != nil {
		return nil, err
	}
	// More persons than the database holds: one transaction with the
	// indexes rebuilt at the end (the caller vacuums). A few added to
	// many: batch by batch, the indexes kept.
	have, err := db.SeedPersons(ctx)
	if err != nil {
		return nil, err
	}
	return demo.Populate(ctx, db, s, demo.Options{Persons: persons, Seed: seed, Progress: e.stderr, Journals: true,
		Bulk: int64(persons) > have})
}
