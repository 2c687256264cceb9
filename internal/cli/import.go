package cli

import (
	"context"
	"flag"
	"fmt"
	"os"

	"parcours/internal/i18n"
	"parcours/internal/importer"
	"parcours/internal/parcours"
)

// importFailed is an import that found problems: the report was printed,
// nothing was written, the exit code is 1.
type importFailed struct{ problems int }

func (e *importFailed) Error() string {
	return fmt.Sprintf("import refused: %d problem(s), nothing imported", e.problems)
}

func init() {
	var dryRun bool
	var mapping, org string
	register(&command{
		name:    "import persons",
		summary: "Import persons and households from a CSV file (all or nothing); prints a report.",
		usage:   "FILE",
		flags: func(fs *flag.FlagSet, c *Common) {
			fs.BoolVar(&dryRun, "dry-run", false, "check the file and report, write nothing")
			fs.StringVar(&mapping, "mapping", "", `file of "column name = field" lines overriding the default column names`)
			fs.StringVar(&org, "org", "", "organisation to import into, by name or id (required)")
		},
		run: func(ctx context.Context, e *env, c *Common, args []string) error {
			if len(args) != 1 {
				return &usageError{"import persons takes exactly one argument: the CSV file"}
			}
			if org == "" {
				return &usageError{"import persons: --org is required"}
			}
			opts := importer.Options{DryRun: dryRun, Org: org}
			if mapping != "" {
				f, err := os.Open(mapping)
				if err != nil {
					return err
				}
				opts.Mapping, err = importer.ParseMapping(f)
				f.Close()
				if err != nil {
					return err
				}
			}
			f, err := os.Open(args[0])
			if err != nil {
				return err
			}
			defer f.Close()
			// A file far too large is refused before anything is read.
			if st, err := f.Stat(); err == nil && st.Size() > importer.MaxBytes {
				return parcours.FieldError(parcours.ETooLarge, "file", "error.import_too_large", importer.MaxBytes>>20)
			}
			opts.Progress = func(done, total int) {
				fmt.Fprintf(e.stderr, "\r%d/%d", done, total)
				if done == total {
					fmt.Fprintln(e.stderr)
				}
			}
			a, err := openApp(ctx, e, c)
			if err != nil {
				return err
			}
			defer a.Close()
			rep, err := importer.New(a.DB).ImportPersons(ctx, parcours.SystemActor(), f, opts)
			if err != nil {
				return err
			}
			printImportReport(e, rep)
			if len(rep.Problems) > 0 {
				return &importFailed{len(rep.Problems)}
			}
			if rep.Applied {
				// As after a seed: the new rows visible to index-only
				// scans, the trigram and full-text pending lists merged.
				if err := a.DB.Vacuum(ctx, "persons", "households", "situations", "person_terms", "search_terms",
					"search_phons", "import_keys"); err != nil {
					return err
				}
			}
			return nil
		},
	})
}

// printImportReport writes the report in the operator's language. It
// names lines and fields, never cell contents.
func printImportReport(e *env, rep *importer.Report) {
	l := cliLang()
	out := e.stdout
	fmt.Fprintln(out, i18n.T(l, "import.report.summary", rep.Rows, rep.Encoding, rep.Separator))
	created := "import.report.created"
	if !rep.Applied {
		created = "import.report.would_create"
	}
	fmt.Fprintln(out, i18n.T(l, created, rep.Created))
	fmt.Fprintln(out, i18n.T(l, "import.report.households", rep.Households))
	fmt.Fprintln(out, i18n.T(l, "import.report.already", rep.AlreadyImported))
	if len(rep.Duplicates) > 0 {
		fmt.Fprintln(out, i18n.T(l, "import.report.duplicates")+" :")
		for _, d := range rep.Duplicates {
			ids := ""
			for i, c := range d.Candidates {
				if i > 0 {
					ids += ", "
				}
				ids += c.ID
			}
			fmt.Fprintf(out, "  %s %d : %s\n", i18n.T(l, "import.report.line"), d.Line, ids)
		}
	}
	if len(rep.Problems) > 0 {
		fmt.Fprintln(out, i18n.T(l, "import.report.problems")+" :")
		for _, p := range rep.Problems {
			fmt.Fprintf(out, "  %s %d : %s\n", i18n.T(l, "import.report.line"), p.Line, p.Message(l))
		}
		fmt.Fprintln(out, i18n.T(l, "import.report.refused"))
		return
	}
	if rep.Applied {
		fmt.Fprintln(out, i18n.T(l, "import.report.applied"))
	} else {
		fmt.Fprintln(out, i18n.T(l, "import.report.dry_run"))
	}
}
