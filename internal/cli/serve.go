package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"time"

	"parcours/internal/app"
	"parcours/internal/keyring"
	"parcours/internal/store"
)

// searchIndex is serve's --search-index.
var searchIndex bool

// runJobs is serve's --jobs.
var runJobs bool

func init() {
	register(&command{
		name:    "serve",
		summary: "Run the Parcours server (applies migrations first).",
		flags: func(fs *flag.FlagSet, c *Common) {
			addrFlag(fs, c)
			accessFlags(fs, c)
			proxyFlag(fs, c)
			reviewFlags(fs, c)
			exportFlags(fs, c)
			admissionFlags(fs)
			fs.BoolVar(&searchIndex, "search-index", os.Getenv("PARCOURS_SEARCH_INDEX") != "off",
				"keep a copy of the person search index in memory for the searches' candidates; refreshed across instances by LISTEN/NOTIFY on PostgreSQL (env PARCOURS_SEARCH_INDEX=off to disable)")
			fs.BoolVar(&runJobs, "jobs", os.Getenv("PARCOURS_JOBS") != "off",
				"run the background jobs (reminders, outbox, exports, retention plan, audit purge) on this instance; with several instances on one PostgreSQL, one that has them is enough (env PARCOURS_JOBS=off to disable)")
		},
		run: func(ctx context.Context, e *env, c *Common, args []string) error {
			if len(args) > 0 {
				return &usageError{"serve takes no arguments"}
			}
			adm, err := admission() // admission.go
			if err != nil {
				return err
			}
			setMemoryLimit()
			stopDebug, err := startDebug(ctx) // debugaddr.go
			if err != nil {
				return err
			}
			defer stopDebug()
			a, err := openAppAdmitting(ctx, e, c, adm)
			if err != nil {
				return err
			}
			defer a.Close()
			if err := applyReview(a); err != nil { // review.go
				return err
			}
			if err := applyExports(a); err != nil { // exports.go
				return err
			}
			if runJobs {
				stopJobs, err := startJobs(ctx, c, a) // jobs.go
				if err != nil {
					return err
				}
				defer stopJobs()
			} else {
				// Reminders, the outbox and the retention plan wait for an
				// instance that runs them: say so where an operator looks.
				a.Config.Log.Warn("background jobs off on this instance (--jobs=false): reminders, outbox, exports, retention and the audit purge run only on instances that have them")
			}
			if searchIndex {
				stopIndex := a.StartSearchIndex(context.WithoutCancel(ctx))
				defer stopIndex()
			}
			return serve(ctx, e, a, c.Addr, nil)
		},
	})
	register(&command{
		name:    "migrate",
		summary: "Apply the database migrations and exit.",
		run: func(ctx context.Context, e *env, c *Common, args []string) error {
			db, err := store.Open(ctx, c.Database)
			if err != nil {
				return err
			}
			defer db.Close()
			n, err := db.Migrate(ctx)
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stderr, "%d migration(s) applied\n", n)
			return nil
		},
	})
}

// DefaultMemoryLimit is serve's soft limit on the Go runtime's memory
// when GOMEMLIMIT is not set. Without one the collector lets the heap
// grow to twice what is live: at 500,000 persons (a search index of
// ~34 MB, ~49 MB live under load in all) that alone passes the 150 MB
// the process is meant to fit in. With it the collector runs more often
// once the heap nears the limit; the index is mostly pointer-free
// arrays, cheap to mark. The process holds more than Go's share: ~31 MB
// of the binary's pages and ~15 MB of SQLite's page caches and
// statements, which the limit does not see, hence 80 MiB and not 150.
// 80 and not the 90 it was: the live heap under load shrank from ~66 MB
// to ~49 (search index, gzip writers; issue 17), so 80 MiB leaves the
// collector more room than 90 did then, and the peak RSS ~10 MB less.
// Measured again at 500,000 persons on SQLite (15,000 requests, get,
// list and search in turn, 4 clients; issue 17): 70 MiB ran 9.8
// collections per 1,000 requests for a peak of 124 MiB, 80 MiB 4.4 for
// 132 MiB, 96 MiB 2.3 for 147 MiB. The whole bench (writes, the person
// page) peaks ~15 MiB above these, at 143–152 with 80: 96 would halve
// the collections and break the 150 MB goal, 70 would double them.
// PostgreSQL, which has no SQLite page caches, keeps 80 too: 96 MiB
// there (issue 17, 500,000 persons, list and open a file, six pairs back
// to back) gave the same CPU per request within the host's noise (list
// 0.48–0.56 ms against 0.50–0.59, open 1.01–1.03 against 1.00–1.19) and
// the same p99s, fell behind in an open loop as 80 does, and cost ~14 MB
// more RSS.
// An operator with more memory raises it (GOMEMLIMIT=512MiB) or removes
// it (GOMEMLIMIT=off).
const DefaultMemoryLimit = 80 << 20

func setMemoryLimit() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(DefaultMemoryLimit)
	}
}

func logger(e *env) *slog.Logger {
	return slog.New(slog.NewJSONHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

func openApp(ctx context.Context, e *env, c *Common) (*app.App, error) {
	return openAppAdmitting(ctx, e, c, nil)
}

// openAppAdmitting is openApp with serve's bound on the requests worked
// on at once (nil: none).
func openAppAdmitting(ctx context.Context, e *env, c *Common, adm *app.Admission) (*app.App, error) {
	if err := os.MkdirAll(c.DataDir, 0o700); err != nil {
		return nil, err
	}
	proxies, err := app.ParseTrustedProxies(c.TrustedProxies)
	if err != nil {
		return nil, &usageError{err.Error()}
	}
	master, err := masterKey()
	if err != nil {
		return nil, err
	}
	return app.Open(ctx, app.Config{Database: c.Database, DataDir: c.DataDir, Log: logger(e), Version: Version,
		TrustedProxies: proxies, MasterKey: master, Admission: adm})
}

// masterKey is PARCOURS_MASTER_KEY decoded, nil when unset (then the
// data directory's keys/master.key wraps the shared keys).
func masterKey() ([]byte, error) {
	v := os.Getenv(keyring.MasterKeyEnv)
	if v == "" {
		return nil, nil
	}
	return keyring.ParseMasterKey(v)
}

// auditKey returns the key of the audit retention checkpoints for a
// command that opened db itself (migrated first: the key lives in the
// database). Without create, nil when there is none.
func auditKey(ctx context.Context, c *Common, db *store.DB, create bool) ([]byte, error) {
	if _, err := db.Migrate(ctx); err != nil {
		return nil, err
	}
	master, err := masterKey()
	if err != nil {
		return nil, err
	}
	ring, err := keyring.New(db, master, c.DataDir, create)
	if err != nil {
		return nil, err
	}
	return ring.Key(ctx, keyring.AuditCheckpoint, create)
}

// serve listens on addr until ctx ends, then drains requests for up to 10
// seconds. ready, when not nil, receives the bound address.
func serve(ctx context.Context, e *env, a *app.App, addr string, ready func(string)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           a.Web,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute, // document uploads
		WriteTimeout:      2 * time.Minute, // exports
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
	// Long polls of the notification count end at once on shutdown.
	srv.RegisterOnShutdown(a.Live.Close)
	// Requests write their audit events unchained; the sealer chains them
	// (one per database, under a lease). Stopped after the last request.
	stopSealer := a.StartAuditSealer(context.WithoutCancel(ctx))
	defer stopSealer()
	a.Config.Log.Info("listening", "addr", ln.Addr().String(), "database", store.DialectOf(a.Config.Database).String())
	if ready != nil {
		ready(ln.Addr().String())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

var _ = flag.ContinueOnError
