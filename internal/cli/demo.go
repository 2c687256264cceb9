package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"strconv"
	"time"

	"github.com/pquerna/otp/totp"

	"parcours/internal/app"
	"parcours/internal/casefile"
	"parcours/internal/demo"
	"parcours/internal/jobs"
	"parcours/internal/outbox"
	"parcours/internal/parcours"
	"parcours/internal/store"
)

// demoFile is where `parcours demo` writes unless told otherwise. Not the
// serve default (parcours.db), so that a demo never lands on real data.
const demoFile = "parcours-demo.db"

var demoFlags struct {
	force   bool
	persons int // 200 by default; more for a larger demo
}

func init() {
	register(&command{
		name: "demo",
		summary: "Create a fresh SQLite demo database (default " + demoFile + ") with realistic French data, " +
			"print the logins and serve it.",
		flags: func(fs *flag.FlagSet, c *Common) {
			// The demo ignores PARCOURS_DATABASE: only an explicit
			// --database moves it.
			f := fs.Lookup("database")
			f.DefValue = demoFile
			_ = f.Value.Set(demoFile)
			f.Usage = "SQLite file to create (default " + demoFile + "; never overwritten without --force)"
			addrFlag(fs, c)
			fs.BoolVar(&demoFlags.force, "force", false, "replace the database file if it exists")
			fs.IntVar(&demoFlags.persons, "persons", 200, "number of persons")
		},
		run: func(ctx context.Context, e *env, c *Common, args []string) error {
			defer func() { demoFlags.force, demoFlags.persons = false, 200 }()
			if len(args) > 0 {
				return &usageError{"demo takes no arguments"}
			}
			// A busy port fails now, before a database is written that
			// could then not be served.
			ln, err := net.Listen("tcp", c.Addr)
			if err != nil {
				return parcours.Errorf(parcours.EConflict, "demo.error.port", c.Addr)
			}
			ln.Close()
			if err := createDemo(ctx, e, c.Database, c.DataDir, demoFlags.force, demoFlags.persons, time.Now()); err != nil {
				return err
			}
			a, err := openApp(ctx, e, c)
			if err != nil {
				return err
			}
			defer a.Close()
			stop, err := demoMail(ctx, e, a)
			if err != nil {
				return err
			}
			defer stop()
			return serve(ctx, e, a, c.Addr, func(addr string) {
				fmt.Fprintf(e.stdout, "\nParcours (démo) : http://%s/\n", addr)
			})
		},
	})
}

// createDemo builds the demo database at path, with its documents under
// dataDir (the one serve then uses, so that they can be downloaded), and
// prints the logins.
func createDemo(ctx context.Context, e *env, path, dataDir string, force bool, persons int, now time.Time) error {
	if store.DialectOf(path) == store.Postgres {
		return parcours.Errorf(parcours.EInvalid, "demo.error.postgres")
	}
	if _, err := os.Stat(path); err == nil {
		if !force {
			return parcours.Errorf(parcours.EConflict, "demo.error.exists", path, path)
		}
		for _, p := range []string{path, path + "-wal", path + "-shm"} {
			if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
				return err
			}
		}
	}
	db, err := store.Open(ctx, path)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		return err
	}
	s, err := demo.EnsureSetting(ctx, db, true)
	if err != nil {
		return err
	}
	// A fixed seed: every demo shows the same people, so that a guide
	// written against it stays true.
	st, err := demo.Populate(ctx, db, s, demo.Options{Persons: persons, Seed: 2026, Today: now, AuditEach: true, Journals: true})
	if err != nil {
		return err
	}
	tasks, err := demo.AddTasks(ctx, db, st.Sample, now)
	if err != nil {
		return err
	}
	// Documents go through the case file service, as uploads do: about
	// three persons in ten get some.
	cf := casefile.New(db, casefile.Config{DataDir: dataDir})
	docs, err := demo.AddDocuments(ctx, cf, s, st.Accompanied, persons*3/10, 2026, now)
	if err != nil {
		return err
	}
	// The service directory, and referrals between the CCAS and the
	// Département both ways (accepted, pending past its reminder,
	// refused), and to an association.
	refs, err := demo.AddReferrals(ctx, db, s, cf, now)
	if err != nil {
		return err
	}
	// Access to rights: procedures at each help level, autonomy checks,
	// mandates, budgets and a commission with its decisions.
	rs, err := demo.AddRights(ctx, db, s, st.Accompanied, now)
	if err != nil {
		return err
	}
	// Households whose pre-screening shows likely rights (issue 13).
	screened, err := demo.AddPrescreening(ctx, db, s, st.Accompanied, now)
	if err != nil {
		return err
	}
	// The persons' reminder choices, recorded by their referents.
	prefs, err := demo.AddReminderPreferences(ctx, outbox.New(db, nil), s, st.Accompanied, 40)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "demo: %d reminder choices\n", prefs)
	// A week of appointments for each referent, the past ones honoured
	// or missed, and the front desk's visits of the day.
	ag, err := demo.AddAppointments(ctx, db, s, st.Accompanied, now)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "demo: %d appointments (%d honoured, %d missed), %d front-desk visits\n", ag.Appointments, ag.Honoured, ag.Missed, ag.Visits)
	fmt.Fprintf(e.stderr, "demo: %d persons in %d households, %d journal entries, %d tasks, %d documents, %d services, %d referrals written to %s (files under %s)\n",
		st.Persons, st.Households, st.Entries, tasks, docs.Documents, refs.Services, refs.Referrals, path, dataDir)
	fmt.Fprintf(e.stderr, "demo: %d procedures, %d autonomy checks, %d mandates, %d budgets, %d aid requests in %d commission, %d domiciliations\n",
		rs.Procedures, rs.Checks, rs.Mandates, rs.Budgets, rs.Requests, rs.Commissions, rs.Domiciliations)
	fmt.Fprintf(e.stderr, "demo: %d households with a budget whose pre-screening shows likely rights\n", screened)
	// The person portal: one person with an account, another with a
	// printed one-time code.
	// Secure messaging: a thread between two CCAS workers, and one
	// between the CCAS and the Département under the accepted referral,
	// with answers left unread (notifications).
	msgs, err := demo.AddMessages(ctx, db, s, now)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "demo: %d message threads (%d messages)\n", msgs.Threads, msgs.Messages)
	pt, err := demo.AddPortal(ctx, db, st.Accompanied)
	if err != nil {
		return err
	}
	printLogins(e.stdout, s.Logins(true), now)
	if pt.Person != "" {
		fmt.Fprintln(e.stdout, "\n  Portail de la personne / person portal: /moi")
		fmt.Fprintf(e.stdout, "    personne   %-48s %s\n", demo.PortalLogin, demo.PortalPassword)
		fmt.Fprintf(e.stdout, "    code imprimé à activer sur /moi/activer (72 h) : %s (personne %s)\n", pt.Code, pt.Invited)
	}
	return nil
}

func printLogins(w io.Writer, logins []demo.Login, now time.Time) {
	fmt.Fprintln(w, "Comptes de démonstration / demo logins:")
	org := ""
	for _, l := range logins {
		if l.Org != org {
			org = l.Org
			fmt.Fprintf(w, "\n  %s\n", org)
		}
		fmt.Fprintf(w, "    %-10s %-48s %s\n", l.Role, l.Email, l.Password)
		if l.TOTPSecret != "" {
			code, err := totp.GenerateCode(l.TOTPSecret, now)
			if err == nil {
				uri := fmt.Sprintf("otpauth://totp/%s?secret=%s&issuer=%s",
					url.PathEscape("Parcours (démo):"+l.Email), l.TOTPSecret, url.QueryEscape("Parcours (démo)"))
				fmt.Fprintf(w, "               TOTP : %s (code now: %s)\n", uri, code)
			}
		}
	}
	fmt.Fprintln(w, "\n  ⚠ Démo : la double authentification (TOTP) est facultative pour les rôles non-admin de ces structures.")
	fmt.Fprintln(w, "    Demo: TOTP is optional for non-admin roles here; admins need the code above (or the otpauth URI in an app).")
}

// demoMail starts the demo's in-process SMTP server, points every demo
// organisation's e-mail at it (SMS at the « journal » provider) and runs
// the appointment reminders and the outbox, so that the demo shows sent
// reminders on « E-mails envoyés » without anything leaving the machine.
func demoMail(ctx context.Context, e *env, a *app.App) (stop func(), err error) {
	catcher, err := outbox.NewCatcher("127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s, err := demo.EnsureSetting(ctx, a.DB, true)
	if err == nil {
		host, port, _ := net.SplitHostPort(catcher.Addr)
		p, _ := strconv.Atoi(port)
		err = demo.DemoMessaging(ctx, a.Outbox, s, host, p)
	}
	if err != nil {
		catcher.Close()
		return nil, err
	}
	fmt.Fprintf(e.stderr, "demo: e-mails go to the in-process SMTP server %s (nothing leaves this machine)\n", catcher.Addr)
	sch := jobs.New(a.DB, a.Config.Log)
	system := parcours.SystemActor()
	sch.Add(jobs.Job{Name: "appointment-reminders", Every: 5 * time.Minute, Run: func(ctx context.Context) (int, error) {
		return a.Outbox.ScheduleReminders(ctx, system)
	}})
	sch.Add(jobs.Job{Name: "outbox", Every: time.Minute, Run: func(ctx context.Context) (int, error) {
		return a.Outbox.Deliver(ctx, system)
	}})
	// Background exports of the statistics, as serve runs them.
	sch.Add(jobs.Job{Name: "exports", Every: time.Minute, Run: func(ctx context.Context) (int, error) {
		return a.Stats.RunExports(ctx, system)
	}})
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { sch.Run(ctx); close(done) }()
	return func() { cancel(); <-done; catcher.Close() }, nil
}
