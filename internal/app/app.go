// Package app wires Parcours together: it opens the database, applies the
// migrations and builds the services and the HTTP server. The CLI, the demo
// and the tests all start Parcours through it, so they run the same thing.
package app

import (
	"context"
	"fmt"
	"log/slog"
	"net/netip"
	"os"
	"path/filepath"
	"time"

	"parcours/internal/accesslog"
	"parcours/internal/agenda"
	"parcours/internal/aid"
	"parcours/internal/auth"
	"parcours/internal/breakglass"
	"parcours/internal/casefile"
	"parcours/internal/consent"
	"parcours/internal/datarights"
	"parcours/internal/export"
	"parcours/internal/forms"
	"parcours/internal/importer"
	"parcours/internal/keyring"
	"parcours/internal/live"
	"parcours/internal/messaging"
	"parcours/internal/noteflags"
	"parcours/internal/org"
	"parcours/internal/outbox"
	"parcours/internal/person"
	"parcours/internal/portal"
	"parcours/internal/prescreen"
	"parcours/internal/referral"
	"parcours/internal/retention"
	"parcours/internal/rights"
	"parcours/internal/screening"
	"parcours/internal/search"
	"parcours/internal/servicedir"
	"parcours/internal/stats"
	"parcours/internal/store"
	"parcours/internal/web"
	"parcours/internal/web/casefileweb"
	"parcours/internal/web/routes"
)

// Config is the runtime configuration; the CLI fills it from flags and
// environment variables.
type Config struct {
	Database string // DSN: postgres://… or a SQLite file path
	DataDir  string // documents and keys
	Log      *slog.Logger
	Version  string
	// MaxUpload bounds document uploads in bytes.
	MaxUpload int64
	// BreakGlassDuration is how long an exceptional access stays open
	// (4 hours when zero).
	BreakGlassDuration time.Duration
	// TrustedProxies are the reverse proxies whose X-Forwarded-For gives
	// the client's address (login throttling).
	TrustedProxies []netip.Prefix
	// MasterKey wraps the keys every instance shares (PARCOURS_MASTER_KEY,
	// 32 bytes); nil: the data directory's keys/master.key.
	MasterKey []byte
	// Admission bounds the requests the web server works on at once
	// (serve's --max-requests and --queue-wait); nil: no bound.
	Admission *Admission
}

// Admission is the web server's bound on the requests it works on at
// once, named here for the command line, which does not import the web.
type Admission = web.Admission

// The admission bound when none is given (web.DefaultMaxInFlight, …).
const (
	DefaultMaxInFlight = web.DefaultMaxInFlight
	DefaultMaxWait     = web.DefaultMaxWait
)

// App is a running Parcours.
type App struct {
	Config  Config
	DB      *store.DB
	Auth    *auth.Service
	Persons *person.Service
	Orgs    *org.Service
	Search  *search.Service
	Import  *importer.Service
	Web     *web.Server
	// Consent, BreakGlass and AccessLog: see package access and audit.
	Consent    *consent.Service
	BreakGlass *breakglass.Service
	AccessLog  *accesslog.Service
	// CaseFile is the shared case file (accompaniments, journal, tasks,
	// documents, handovers).
	CaseFile *casefile.Service
	// AuditKey signs the audit retention checkpoints; shared by every
	// instance (package keyring).
	AuditKey []byte
	// NoteFlags is the « relecture éthique » of notes and its counts.
	NoteFlags *noteflags.Service
	// Rights is access to rights day to day: catalogue, procedures,
	// autonomy checks, mandates.
	Rights *rights.Service
	// Retention keeps only what the law allows: rules, plans, purge.
	Retention *retention.Service
	// DataRights are the person's requests about their data, with the
	// legal clock.
	DataRights *datarights.Service
	// Export is the copy of a person's file given to them.
	Export *export.Service
	// Directory is the service directory; Referrals the orientations to
	// its services and the scoped share they open.
	Directory *servicedir.Service
	Referrals *referral.Service
	// Aid is the household budget, aid requests and commissions.
	Aid *aid.Service
	// Stats is the activity statistics (small cells suppressed).
	Stats *stats.Service
	// Screening is the pre-screening of likely rights (issue 13).
	Screening *screening.Service
	// Messaging is secure messaging between professionals (issue 11).
	Messaging *messaging.Service
	// Outbox sends the queued e-mails and SMS (package outbox).
	Outbox *outbox.Service
	// Agenda is appointments, agendas, the front desk and calendar feeds.
	Agenda *agenda.Service
	// Portal is the person's portal (/moi): invitations, sign-in,
	// delegates, the person's reads of their file.
	Portal *portal.Service
	// Live tells open pages of new notifications, across instances
	// (package live); serve closes it on shutdown.
	Live *live.Hub
}

// ParseTrustedProxies reads serve's --trusted-proxies (IPs and CIDRs,
// comma-separated) for Config.TrustedProxies; the web shell owns the rule.
func ParseTrustedProxies(s string) ([]netip.Prefix, error) { return web.ParseTrustedProxies(s) }

// Open connects to the database, migrates it and builds everything.
func Open(ctx context.Context, cfg Config) (*App, error) {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.NewJSONHandler(os.Stderr, nil))
	}
	db, err := store.Open(ctx, cfg.Database)
	if err != nil {
		return nil, err
	}
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	a, err := New(cfg, db)
	if err != nil {
		db.Close()
		return nil, err
	}
	return a, nil
}

// New builds the services and the server on an open, migrated database.
func New(cfg Config, db *store.DB) (*App, error) {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.NewJSONHandler(os.Stderr, nil))
	}
	if cfg.DataDir == "" {
		cfg.DataDir = "data"
	}
	a := &App{Config: cfg, DB: db}
	a.Auth = auth.New(db, cfg.Log)
	// The keys every instance shares, from the database, wrapped by the
	// master key: an instance with another master key stops here.
	ring, err := keyring.New(db, cfg.MasterKey, cfg.DataDir, true)
	if err != nil {
		return nil, err
	}
	ctx := context.Background()
	totpKey, err := ring.Key(ctx, keyring.TOTP, true)
	if err != nil {
		return nil, err
	}
	if err := a.Auth.UseKey(totpKey); err != nil {
		return nil, err
	}
	if a.AuditKey, err = ring.Key(ctx, keyring.AuditCheckpoint, true); err != nil {
		return nil, err
	}
	a.Persons = person.New(db)
	a.Orgs = org.New(db)
	a.Search = search.New(db)
	a.Import = importer.New(db)
	a.Consent = consent.New(db)
	a.BreakGlass = breakglass.New(db, cfg.BreakGlassDuration)
	a.AccessLog = accesslog.New(db)
	a.CaseFile = casefile.New(db, casefile.Config{DataDir: cfg.DataDir, MaxUpload: cfg.MaxUpload})
	a.NoteFlags = noteflags.New(db)
	a.Rights = rights.New(db, a.CaseFile)
	a.Retention = retention.New(db, cfg.DataDir)
	a.DataRights = datarights.New(db)
	a.Export = export.New(db)
	a.Directory = servicedir.New(db)
	a.Referrals = referral.New(db)
	a.Aid = aid.New(db, a.CaseFile)
	a.Stats = stats.New(db)
	exportKey, err := ring.Key(ctx, keyring.ExportFiles, true)
	if err != nil {
		return nil, err
	}
	a.Stats.UseExportFiles(stats.ExportFiles{Dir: filepath.Join(cfg.DataDir, "exports"), Key: exportKey})
	// The pre-screening rules are data: a rule that does not parse or
	// names an unknown parameter stops the start, naming file and line.
	rules, err := prescreen.Load()
	if err != nil {
		return nil, fmt.Errorf("pre-screening rules: %w", err)
	}
	a.Screening = screening.New(db, rules)
	a.Messaging = messaging.New(db, a.CaseFile)
	a.Outbox = outbox.New(db, cfg.Log)
	a.Agenda = agenda.New(db)
	a.Portal = portal.New(db, cfg.Log)
	a.Portal.UseTOTPKeys(a.Auth)
	a.Live = live.New(db)
	a.Web, err = web.New(web.Config{Log: cfg.Log, Ready: db.Ping, Version: cfg.Version, MaxUpload: cfg.MaxUpload, TrustedProxies: cfg.TrustedProxies, Admission: cfg.Admission},
		web.Services{Auth: a.Auth, Persons: a.Persons, Orgs: a.Orgs, Search: a.Search, Import: a.Import,
			Consent: a.Consent, BreakGlass: a.BreakGlass, AccessLog: a.AccessLog, CaseFile: a.CaseFile,
			Day: casefileweb.CaseFileDay(a.CaseFile), Forms: forms.New(db), NoteFlags: a.NoteFlags,
			Rights: a.Rights, Retention: a.Retention, DataRights: a.DataRights, Export: a.Export,
			Directory: a.Directory, Referrals: a.Referrals, Aid: a.Aid, Stats: a.Stats,
			Agenda: a.Agenda, Outbox: a.Outbox, Screening: a.Screening, Portal: a.Portal,
			Messaging: a.Messaging, Live: a.Live},
		routes.Areas...)
	if err != nil {
		return nil, err
	}
	return a, nil
}

// StartAuditSealer runs this instance's audit sealer until stop is
// called: it chains the audit events the requests write unchained, every
// store.SealEvery, while this instance holds the sealer's lease (one
// sealer per database; another instance takes the lease over when this
// one stops renewing it). "parcours serve" starts it; without it (the
// one-shot commands, the tests) each transaction seals its own events.
// stop ends it and seals what is left.
func (a *App) StartAuditSealer(ctx context.Context) (stop func()) {
	a.DB.SetSealInline(false)
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	holder := store.NewID() // this instance, for the lease
	go func() {
		defer close(done)
		a.DB.RunAuditSealer(ctx, holder, func(err error) {
			a.Config.Log.Error("audit sealer", "error", err.Error())
		})
	}()
	return func() { cancel(); <-done }
}

// StartSearchIndex keeps an in-process copy of the person search index
// (search.Index) until stop is called: built in the background, searches
// use it once it is ready and the database meanwhile; kept current by
// the index hooks of this instance's transactions and, on PostgreSQL, by
// LISTEN/NOTIFY for the other instances' ("parcours serve" starts it).
func (a *App) StartSearchIndex(ctx context.Context) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	ix := search.NewIndex(a.DB)
	t0 := time.Now()
	ix.Start(ctx)
	a.Search.UseIndex(ix)
	go func() {
		if ix.WaitReady(ctx) == nil {
			a.Config.Log.Info("search index ready", "seconds", time.Since(t0).Seconds())
		}
	}()
	return cancel
}

// Close releases the database.
func (a *App) Close() error { return a.DB.Close() }
