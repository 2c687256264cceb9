package cli

import (
	"context"
	"fmt"
	"time"

	"parcours/internal/app"
	"parcours/internal/jobs"
	"parcours/internal/parcours"
	"parcours/internal/store"
)

// retentionJob prepares the retention plans daily (a dry run: nothing is
// archived or deleted until a manager approves a batch and the operator
// runs "parcours retention apply").
func retentionJob(a *app.App) jobs.Job {
	return jobs.Job{Name: "retention-plan", Every: 24 * time.Hour, Run: func(ctx context.Context) (int, error) {
		plans, err := a.Retention.PlanAll(ctx, parcours.SystemActor())
		return len(plans), err
	}}
}

func init() {
	register(&command{
		name:    "retention plan",
		summary: "Prepare the retention plan of every organisation (dry run): counts and files due for archive or anonymisation, awaiting a manager's approval.",
		run: func(ctx context.Context, e *env, c *Common, args []string) error {
			if len(args) > 0 {
				return &usageError{"retention plan takes no arguments"}
			}
			a, err := openApp(ctx, e, c)
			if err != nil {
				return err
			}
			defer a.Close()
			plans, err := a.Retention.PlanAll(ctx, parcours.SystemActor())
			if err != nil {
				return err
			}
			for _, p := range plans {
				fmt.Fprintf(e.stdout, "organisation %s: plan %s", p.OrgID, p.ID)
				for _, b := range p.Batches {
					fmt.Fprintf(e.stdout, ", %s %d", b.Action, b.Files)
				}
				fmt.Fprintln(e.stdout)
				for _, b := range p.Batches {
					// The plan keeps its files in the database only (it is
					// written page by page): read back, batch by batch.
					var full *store.RetentionBatch
					if err := a.DB.View(ctx, func(tx *store.Tx) error {
						var err error
						full, err = tx.RetentionBatch(ctx, b.ID)
						return err
					}); err != nil {
						return err
					}
					for _, it := range full.Items {
						fmt.Fprintf(e.stdout, "  %s %s last contact %s\n", b.Action, it.PersonID, it.LastContact)
					}
				}
			}
			return nil
		},
	})
	register(&command{
		name:    "retention apply",
		summary: "Apply the approved batches of the retention plans (archive, anonymise); approved batches only, each once.",
		run: func(ctx context.Context, e *env, c *Common, args []string) error {
			if len(args) > 0 {
				return &usageError{"retention apply takes no arguments"}
			}
			a, err := openApp(ctx, e, c)
			if err != nil {
				return err
			}
			defer a.Close()
			res, err := a.Retention.Apply(ctx, parcours.SystemActor())
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "%d approved batch(es) applied: %d file(s) archived, %d anonymised, %d no longer due, %d document file(s) removed\n",
				res.Batches, res.Archived, res.Anonymised, res.Skipped, res.Removed)
			return nil
		},
	})
}
