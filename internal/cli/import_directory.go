package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"parcours/internal/parcours"
)

// import directory: external structures and services from the national
// referential's open data (data·inclusion CSV files), entered in the name
// of an organisation whose administrators may then change them.
func init() {
	var dryRun bool
	var org string
	register(&command{
		name:    "import directory",
		summary: "Import external structures and their services into the service directory from data·inclusion CSV files (all or nothing).",
		usage:   "STRUCTURES.csv [SERVICES.csv]",
		flags: func(fs *flag.FlagSet, c *Common) {
			fs.BoolVar(&dryRun, "dry-run", false, "check the files and report, write nothing")
			fs.StringVar(&org, "org", "", "organisation entering them, by name or id (required)")
		},
		run: func(ctx context.Context, e *env, c *Common, args []string) error {
			if len(args) < 1 || len(args) > 2 {
				return &usageError{"import directory takes the structures file and, optionally, the services file"}
			}
			if org == "" {
				return &usageError{"import directory: --org is required"}
			}
			var files []io.Reader
			for _, name := range args {
				f, err := os.Open(name)
				if err != nil {
					return err
				}
				defer f.Close()
				files = append(files, f)
			}
			if len(files) == 1 {
				files = append(files, nil)
			}
			a, err := openQuietApp(ctx, e, c)
			if err != nil {
				return err
			}
			defer a.Close()
			sys := parcours.SystemActor()
			o, err := a.Orgs.Org(ctx, sys, org)
			if err != nil {
				return err
			}
			rep, err := a.Directory.Import(ctx, sys, o.ID, files[0], files[1], dryRun)
			if err != nil {
				return err
			}
			verb := "imported"
			if dryRun || len(rep.Problems) > 0 {
				verb = "would be imported"
			}
			fmt.Fprintf(e.stdout, "%d structures and %d services %s\n", rep.Structures, rep.Services, verb)
			if rep.UpdatedStructures+rep.UpdatedServices > 0 {
				fmt.Fprintf(e.stdout, "of which %d structures and %d services imported before by this organisation (same id): updated, not added again\n",
					rep.UpdatedStructures, rep.UpdatedServices)
			}
			for _, p := range rep.Problems {
				fmt.Fprintf(e.stdout, "%s, line %d: %s\n", p.File, p.Line, p.Message("en"))
			}
			if len(rep.Problems) > 0 {
				return &importFailed{len(rep.Problems)}
			}
			return nil
		},
	})
}
