package cli

import (
	"context"
	"flag"
	"fmt"

	"parcours/internal/store"
)

func init() {
	register(&command{
		name:    "backup",
		summary: "Write a consistent online backup of the database to FILE (SQLite: VACUUM INTO; PostgreSQL: pg_dump).",
		usage:   "FILE",
		run: func(ctx context.Context, e *env, c *Common, args []string) error {
			if len(args) != 1 {
				return &usageError{"backup takes one argument: the backup FILE to write"}
			}
			db, err := store.Open(ctx, c.Database)
			if err != nil {
				return err
			}
			defer db.Close()
			if err := db.Backup(ctx, args[0]); err != nil {
				return err
			}
			fmt.Fprintf(e.stderr, "backup written to %s\n", args[0])
			return nil
		},
	})
	var force bool
	register(&command{
		name:    "restore",
		summary: "Replace the database with the backup FILE (stop the server first; --force to replace existing data).",
		usage:   "FILE",
		flags: func(fs *flag.FlagSet, c *Common) {
			fs.BoolVar(&force, "force", false, "replace an existing database")
		},
		run: func(ctx context.Context, e *env, c *Common, args []string) error {
			if len(args) != 1 {
				return &usageError{"restore takes one argument: the backup FILE to restore"}
			}
			defer func() { force = false }()
			if err := store.Restore(ctx, c.Database, args[0], force); err != nil {
				return err
			}
			fmt.Fprintf(e.stderr, "database restored from %s\n", args[0])
			return nil
		},
	})
}
