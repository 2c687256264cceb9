package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"path/filepath"

	"parcours/internal/audit"
	"parcours/internal/parcours"
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
			return reanchorAfterRestore(ctx, e, c, args[0])
		},
	})
}

// reanchorAfterRestore records the restore in the restored audit trail and
// moves the anchor of the data directory to its end. The old anchor saw
// the replaced database, usually further along than the backup: left
// alone, "audit verify" would report the events since the backup as
// deleted. The restore itself is the audit event that explains the gap.
func reanchorAfterRestore(ctx context.Context, e *env, c *Common, file string) error {
	db, err := store.Open(ctx, c.Database)
	if err != nil {
		return err
	}
	defer db.Close()
	key, err := auditKey(ctx, c, db, false) // migrates a backup of an older version
	if err != nil {
		return err
	}
	if err := db.Transact(ctx, func(tx *store.Tx) error {
		tx.Audit(audit.For(parcours.SystemActor(), "backup.restore", "backup", filepath.Base(file), ""))
		return nil
	}); err != nil {
		return fmt.Errorf("record the restore in the audit trail: %w", err)
	}
	rep, err := db.VerifyAudit(ctx, key)
	if errors.Is(err, audit.ErrNoKey) {
		// Checkpoints but no key here: the chain cannot be checked, so
		// there is nothing to anchor; the old anchor is wrong either way.
		fmt.Fprintln(e.stderr, "audit trail not anchored: its retention checkpoints need the key of --data-dir")
		return audit.ResetAnchor(c.DataDir, nil)
	}
	if err != nil {
		return fmt.Errorf("verify the restored audit trail: %w", err)
	}
	if rep.Problem != nil {
		// Not this database's anchor any more, and not one to move onto a
		// broken chain: "audit verify" reports the problem itself.
		if err := audit.ResetAnchor(c.DataDir, nil); err != nil {
			return err
		}
		return fmt.Errorf("database restored, but its audit chain is not intact: %v", rep.Problem)
	}
	if err := audit.ResetAnchor(c.DataDir, &audit.Anchor{Seq: rep.LastSeq, Hash: rep.LastHash}); err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "audit trail anchored at event %d (restore recorded)\n", rep.LastSeq)
	return nil
}
