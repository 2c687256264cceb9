package cli

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"log/slog"
	"strings"

	"parcours/internal/app"
	"parcours/internal/auth"
	"parcours/internal/org"
	"parcours/internal/parcours"
)

// The admin commands let the operator set up structures, teams and first
// accounts from the console. They act as parcours.SystemActor (audited as
// "system") and print only the new id — or the token — on stdout, so that
// scripts can capture it; everything else goes to stderr.

// listFlag is a repeatable string flag ("--team A --team B"); a value may
// also list several items separated by commas.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(v string) error {
	for _, part := range strings.Split(v, ",") {
		if part = strings.TrimSpace(part); part != "" {
			*l = append(*l, part)
		}
	}
	return nil
}

func init() {
	var kind, siret string
	register(&command{
		name:    "admin create-org",
		summary: "Create an organisation (structure); prints its id.",
		usage:   "NAME",
		flags: func(fs *flag.FlagSet, c *Common) {
			fs.StringVar(&kind, "kind", "ccas", "kind of structure: ccas (CCAS or CIAS), departement or association")
			fs.StringVar(&siret, "siret", "", "SIRET of the structure (14 digits, checked by its Luhn key); optional")
		},
		run: func(ctx context.Context, e *env, c *Common, args []string) error {
			if len(args) != 1 {
				return &usageError{"admin create-org takes exactly one argument: the organisation's name (quote it)"}
			}
			return withOrgs(ctx, e, c, func(s *org.Service) error {
				o, err := s.CreateOrg(ctx, parcours.SystemActor(), org.OrgInput{Name: args[0], Kind: parcours.OrgKind(kind), SIRET: siret})
				if err != nil {
					return err
				}
				fmt.Fprintln(e.stdout, o.ID)
				return nil
			})
		},
	})

	var teamOrg string
	register(&command{
		name:    "admin create-team",
		summary: "Create a team (service) in an organisation; prints its id.",
		usage:   "NAME",
		flags: func(fs *flag.FlagSet, c *Common) {
			fs.StringVar(&teamOrg, "org", "", "organisation, by name or id (required)")
		},
		run: func(ctx context.Context, e *env, c *Common, args []string) error {
			if len(args) != 1 {
				return &usageError{"admin create-team takes exactly one argument: the team's name (quote it)"}
			}
			if teamOrg == "" {
				return &usageError{"admin create-team: --org is required"}
			}
			return withOrgs(ctx, e, c, func(s *org.Service) error {
				t, err := s.CreateTeam(ctx, parcours.SystemActor(), teamOrg, args[0])
				if err != nil {
					return err
				}
				fmt.Fprintln(e.stdout, t.ID)
				return nil
			})
		},
	})

	var (
		userOrg, email, role, first, last string
		teams                             listFlag
		passwordStdin                     bool
	)
	register(&command{
		name:    "admin create-user",
		summary: "Create a worker account; prints its id (a generated password goes to stderr).",
		flags: func(fs *flag.FlagSet, c *Common) {
			teams = nil // flags are re-parsed on every Run (tests run several)
			fs.StringVar(&userOrg, "org", "", "organisation, by name or id (required)")
			fs.Var(&teams, "team", "team, by name or id; repeat the flag or separate with commas for several")
			fs.StringVar(&email, "email", "", "e-mail address, used to sign in (required)")
			fs.StringVar(&role, "role", "", "role: admin, manager, worker or reception (required)")
			fs.StringVar(&first, "first-name", "", "first name")
			fs.StringVar(&last, "last-name", "", "last name")
			fs.BoolVar(&passwordStdin, "password-stdin", false,
				"read the password from the first line of standard input; without it a strong random password is generated and printed on stderr")
		},
		run: func(ctx context.Context, e *env, c *Common, args []string) error {
			if len(args) > 0 {
				return &usageError{"admin create-user takes no arguments, only flags (see --help)"}
			}
			switch {
			case userOrg == "":
				return &usageError{"admin create-user: --org is required"}
			case email == "":
				return &usageError{"admin create-user: --email is required"}
			case role == "":
				return &usageError{"admin create-user: --role is required (admin, manager, worker or reception)"}
			}
			password, generated := "", false
			if passwordStdin {
				line, err := bufio.NewReader(e.stdin).ReadString('\n')
				if err != nil && line == "" {
					return fmt.Errorf("no password on standard input")
				}
				password = strings.TrimRight(line, "\r\n")
			} else {
				password, generated = auth.GeneratePassword(), true
			}
			return withOrgs(ctx, e, c, func(s *org.Service) error {
				w, err := s.CreateWorker(ctx, parcours.SystemActor(), userOrg, org.WorkerInput{
					Email: email, FirstName: first, LastName: last, Role: parcours.Role(role), Teams: teams, Password: password,
				})
				if err != nil {
					return err
				}
				if generated {
					fmt.Fprintf(e.stderr, "password: %s\n", password)
				}
				fmt.Fprintln(e.stdout, w.ID)
				return nil
			})
		},
	})

	var tokenEmail, tokenName string
	register(&command{
		name:    "admin create-token",
		summary: "Create an API token for a worker; prints the token (shown only once).",
		flags: func(fs *flag.FlagSet, c *Common) {
			fs.StringVar(&tokenEmail, "email", "", "the worker's e-mail address (required)")
			fs.StringVar(&tokenName, "name", "cli", "a name to recognise the token by")
		},
		run: func(ctx context.Context, e *env, c *Common, args []string) error {
			if len(args) > 0 {
				return &usageError{"admin create-token takes no arguments, only flags (see --help)"}
			}
			if tokenEmail == "" {
				return &usageError{"admin create-token: --email is required"}
			}
			a, err := openQuietApp(ctx, e, c)
			if err != nil {
				return err
			}
			defer a.Close()
			secret, _, err := a.Auth.CreateToken(ctx, parcours.SystemActor(), tokenEmail, tokenName)
			if err != nil {
				return err
			}
			fmt.Fprintln(e.stdout, secret)
			return nil
		},
	})
}

// openQuietApp opens Parcours for a one-shot admin command: migrations
// applied, only warnings logged (on stderr), no data directory created.
func openQuietApp(ctx context.Context, e *env, c *Common) (*app.App, error) {
	log := slog.New(slog.NewJSONHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	return app.Open(ctx, app.Config{Database: c.Database, DataDir: c.DataDir, Log: log, Version: Version})
}

// withOrgs opens Parcours and runs fn with the organisation service.
func withOrgs(ctx context.Context, e *env, c *Common, fn func(*org.Service) error) error {
	a, err := openQuietApp(ctx, e, c)
	if err != nil {
		return err
	}
	defer a.Close()
	return fn(a.Orgs)
}
