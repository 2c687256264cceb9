package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"parcours/internal/app"
	"parcours/internal/audit"
	"parcours/internal/jobs"
	"parcours/internal/parcours"
	"parcours/internal/store"
)

// auditBroken is the failure of "audit verify": exit code 1 with the
// first broken event named on stderr.
type auditBroken struct{ p *audit.Problem }

func (e *auditBroken) Error() string { return e.p.Error() }

// auditUnsealed is the other failure of "audit verify": events the sealer
// should have chained long ago still wait (no server, or its sealer
// failing). Exit code 1.
type auditUnsealed struct {
	n      int64
	oldest time.Time
	limit  time.Duration
}

func (e *auditUnsealed) Error() string {
	return fmt.Sprintf("%d audit event(s) not sealed into the chain for more than %s (the oldest recorded at %s): "+
		"is a server running, and is its sealer failing? (see its log)", e.n, e.limit, e.oldest.Format(time.RFC3339))
}

func init() {
	var unsealedLimit time.Duration
	register(&command{
		name:    "audit verify",
		summary: "Check the audit hash chain: exit 0 when intact, 1 naming the first broken event or events left unsealed.",
		flags: func(fs *flag.FlagSet, c *Common) {
			def, err := time.ParseDuration(envOr("PARCOURS_AUDIT_UNSEALED_LIMIT", "10s"))
			if err != nil {
				def = 10 * time.Second // a bad twin: the flag's usage shows the default
			}
			fs.DurationVar(&unsealedLimit, "unsealed-limit", def,
				"fail when audit events recorded longer ago than this still wait for the sealer (env PARCOURS_AUDIT_UNSEALED_LIMIT)")
		},
		run: func(ctx context.Context, e *env, c *Common, args []string) error {
			if len(args) > 0 {
				return &usageError{"audit verify takes no arguments"}
			}
			db, err := store.Open(ctx, c.Database)
			if err != nil {
				return err
			}
			defer db.Close()
			key, err := auditKey(ctx, c, db, false)
			if err != nil {
				return err
			}
			anchor, err := audit.ReadAnchor(c.DataDir)
			if err != nil {
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
			if err := db.CheckAuditAnchor(ctx, rep, anchor); err != nil {
				return err
			}
			if rep.Problem != nil {
				return &auditBroken{rep.Problem}
			}
			if n, oldest, err := db.Unsealed(ctx, db.Now().Add(-unsealedLimit)); err != nil {
				return err
			} else if n > 0 {
				return &auditUnsealed{n: n, oldest: oldest, limit: unsealedLimit}
			}
			// An intact chain is anchored in the data directory, so that
			// deleting its newest events later does not go unnoticed.
			if rep.Checked > 0 {
				if err := audit.WriteAnchor(c.DataDir, audit.Anchor{Seq: rep.LastSeq, Hash: rep.LastHash}); err != nil {
					return err
				}
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
			key, err := auditKey(ctx, c, db, true)
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

func init() {
	var email string
	var withdraw bool
	register(&command{
		name:    "audit designate-dpo",
		summary: "Designate a worker as their organisation's data-protection officer (opens the audit search).",
		flags: func(fs *flag.FlagSet, c *Common) {
			fs.StringVar(&email, "email", "", "the worker's e-mail address")
			fs.BoolVar(&withdraw, "withdraw", false, "withdraw the designation instead")
		},
		run: func(ctx context.Context, e *env, c *Common, args []string) error {
			if email == "" || len(args) > 0 {
				return &usageError{"audit designate-dpo needs --email and no arguments"}
			}
			db, err := store.Open(ctx, c.Database)
			if err != nil {
				return err
			}
			defer db.Close()
			if _, err := db.Migrate(ctx); err != nil {
				return err
			}
			return db.Transact(ctx, func(tx *store.Tx) error {
				w, err := tx.WorkerByEmail(ctx, strings.ToLower(strings.TrimSpace(email)))
				if errors.Is(err, store.ErrNoRows) {
					return fmt.Errorf("no worker with e-mail %s", email)
				}
				if err != nil {
					return err
				}
				if err := tx.DesignateDPO(ctx, w.ID, w.OrgID, !withdraw); err != nil {
					return err
				}
				action := "dpo.designate"
				if withdraw {
					action = "dpo.withdraw"
				}
				tx.Audit(audit.For(parcours.SystemActor(), action, "worker", w.ID, ""))
				fmt.Fprintln(e.stdout, w.ID)
				return nil
			})
		},
	})
}

// serveAccess holds serve's options of the access feature.
var serveAccess struct {
	retention  string
	breakGlass time.Duration
}

// accessFlags adds serve's access options: the audit retention (the
// server purges older events daily) and how long a break-glass lasts.
func accessFlags(fs *flag.FlagSet, c *Common) {
	fs.StringVar(&serveAccess.retention, "audit-retention", envOr("PARCOURS_AUDIT_RETENTION", "1y"),
		"how long audit events are kept, 6m to 3y; older ones are purged daily (env PARCOURS_AUDIT_RETENTION)")
	d := 4 * time.Hour
	if v, err := time.ParseDuration(os.Getenv("PARCOURS_BREAK_GLASS_DURATION")); err == nil {
		d = v
	}
	fs.DurationVar(&serveAccess.breakGlass, "break-glass-duration", d,
		"how long an exceptional (break-glass) access stays open, 30m to 24h (env PARCOURS_BREAK_GLASS_DURATION)")
}

// accessJob applies serve's access options to a and returns the daily
// audit purge and anchor as a job for the scheduler (jobs.go). It is a
// local job: every instance anchors the chain in its own data directory,
// as before; several instances purging at once is safe (the chain lock
// makes the second one find nothing left to purge).
func accessJob(c *Common, a *app.App) (jobs.Job, error) {
	retention, err := audit.ParseRetention(serveAccess.retention)
	if err != nil {
		return jobs.Job{}, &usageError{err.Error()}
	}
	if d := serveAccess.breakGlass; d < 30*time.Minute || d > 24*time.Hour {
		return jobs.Job{}, &usageError{fmt.Sprintf("break-glass duration %s: must be between 30m and 24h", d)}
	}
	a.BreakGlass.Duration = serveAccess.breakGlass
	key := a.AuditKey // shared by every instance (package keyring)
	log := a.Config.Log
	return jobs.Job{Name: "audit", Every: 24 * time.Hour, Local: true, Run: func(ctx context.Context) (int, error) {
		purged := 0
		cp, perr := a.DB.PurgeAudit(ctx, a.DB.Now().Add(-retention), key)
		if perr != nil {
			perr = fmt.Errorf("audit purge: %w", perr)
		} else if cp != nil {
			purged = int(cp.Purged)
			log.Info("audit purge", "purged", cp.Purged, "last_seq", cp.LastSeq)
		}
		// Anchor the chain daily (see "audit verify"), even when the
		// purge failed.
		rep, err := a.DB.VerifyAudit(ctx, key)
		if err != nil {
			return purged, errors.Join(perr, fmt.Errorf("audit verify: %w", err))
		}
		if rep.Problem != nil {
			log.Error("audit chain broken", "seq", rep.Problem.Seq, "reason", rep.Problem.Reason)
		} else if rep.Checked > 0 {
			if err := audit.WriteAnchor(c.DataDir, audit.Anchor{Seq: rep.LastSeq, Hash: rep.LastHash}); err != nil {
				return purged, errors.Join(perr, fmt.Errorf("audit anchor: %w", err))
			}
		}
		return purged, perr
	}}, nil
}
