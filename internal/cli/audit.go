package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"time"

	"parcours/internal/audit"
	"parcours/internal/store"
)

// auditBroken is the failure of "audit verify": exit code 1 with the
// first broken event named on stderr.
type auditBroken struct{ p *audit.Problem }

func (e *auditBroken) Error() string { return e.p.Error() }

func init() {
	register(&command{
		name:    "audit verify",
		summary: "Check the audit hash chain: exit 0 when intact, 1 naming the first broken event.",
		run: func(ctx context.Context, e *env, c *Common, args []string) error {
			if len(args) > 0 {
				return &usageError{"audit verify takes no arguments"}
			}
			db, err := store.Open(ctx, c.Database)
			if err != nil {
				return err
			}
			defer db.Close()
			key, err := audit.LoadKey(c.DataDir, false)
			if err != nil && !errors.Is(err, audit.ErrNoKey) {
				return err
			}
			start := time.Now()
			rep, err := db.VerifyAudit(ctx, key)
			if errors.Is(err, audit.ErrNoKey) {
				return fmt.Errorf("the audit trail has retention checkpoints but no key to check them: %w (use --data-dir)", err)
			}
			if err != nil {
				return err
			}
			if rep.Problem != nil {
				return &auditBroken{rep.Problem}
			}
			fmt.Fprintf(e.stdout, "audit chain intact: %d events checked (seq %d–%d), %d checkpoint(s), %s\n",
				rep.Checked, rep.FirstSeq, rep.LastSeq, rep.Checkpoints, time.Since(start).Round(time.Millisecond))
			return nil
		},
	})
	var retention string
	register(&command{
		name:    "audit purge",
		summary: "Delete audit events older than the retention period, leaving a signed checkpoint.",
		flags: func(fs *flag.FlagSet, c *Common) {
			fs.StringVar(&retention, "audit-retention", envOr("PARCOURS_AUDIT_RETENTION", "1y"),
				"how long audit events are kept: 6m to 3y (env PARCOURS_AUDIT_RETENTION)")
		},
		run: func(ctx context.Context, e *env, c *Common, args []string) error {
			if len(args) > 0 {
				return &usageError{"audit purge takes no arguments"}
			}
			d, err := audit.ParseRetention(retention)
			if err != nil {
				return &usageError{err.Error()}
			}
			db, err := store.Open(ctx, c.Database)
			if err != nil {
				return err
			}
			defer db.Close()
			key, err := audit.LoadKey(c.DataDir, true)
			if err != nil {
				return err
			}
			cp, err := db.PurgeAudit(ctx, db.Now().Add(-d), key)
			if err != nil {
				return err
			}
			if cp == nil {
				fmt.Fprintln(e.stdout, "nothing to purge")
				return nil
			}
			fmt.Fprintf(e.stdout, "purged %d event(s) up to seq %d; checkpoint signed\n", cp.Purged, cp.LastSeq)
			return nil
		},
	})
}
