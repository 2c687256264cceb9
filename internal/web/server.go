// Package web is the HTTP shell of Parcours: the server, the middleware
// (authentication, CSRF, logs, metrics, security headers), rendering of
// pages (html/template, htmx as progressive enhancement) and of JSON,
// the one error renderer, static files, templates and the OpenAPI
// document. The handlers live in one package per area beside it
// (web/personweb, web/casefileweb, …: UI and API of one area side by
// side), which register their routes through Handle; web/routes lists
// them. The shell imports no area. Handlers parse the request, call one
// service method and render; they never decide who may do what (package
// access does) and never touch the database (they have no store to
// touch).
package web

import (
	"context"
	"log/slog"
	"net/http"
	"net/netip"
	"sort"
	"strings"

	"github.com/prometheus/client_golang/prometheus"

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
	"parcours/internal/live"
	"parcours/internal/messaging"
	"parcours/internal/noteflags"
	"parcours/internal/org"
	"parcours/internal/outbox"
	"parcours/internal/parcours"
	"parcours/internal/person"
	"parcours/internal/portal"
	"parcours/internal/referral"
	"parcours/internal/retention"
	"parcours/internal/rights"
	"parcours/internal/screening"
	"parcours/internal/search"
	"parcours/internal/servicedir"
	"parcours/internal/stats"
)

// Services are the domain services the handlers call.
type Services struct {
	Auth    *auth.Service
	Persons *person.Service
	// Orgs administers organisations, teams and accounts.
	Orgs *org.Service
	// Search finds persons and journal entries, and merges duplicates.
	Search *search.Service
	// Import takes in persons and households from CSV (ui_import.go).
	Import *importer.Service
	// Consent, BreakGlass and AccessLog: the person's information and
	// objections, exceptional access, access log and audit search.
	Consent    *consent.Service
	BreakGlass *breakglass.Service
	AccessLog  *accesslog.Service
	// CaseFile is the shared case file: accompaniments, journal, tasks,
	// documents, handovers and the person file page.
	CaseFile *casefile.Service
	// Day fills "Ma journée" (ui_home.go); nil shows its empty states.
	Day DaySource
	// Forms makes a page form sent twice run once (ui_common.go).
	Forms *forms.Service
	// NoteFlags is the « relecture éthique » of notes (review.go,
	// web/reviewweb); nil leaves forms without it.
	NoteFlags *noteflags.Service
	// Rights is access to rights: catalogue, procedures, autonomy checks,
	// mandates (web/rightsweb).
	Rights *rights.Service
	// Retention is the retention rules, plans and their review
	// (web/retentionweb).
	Retention *retention.Service
	// DataRights are the person's requests about their data (web/datarightsweb).
	DataRights *datarights.Service
	// Export is the copy of a person's file given to them (web/datarightsweb).
	Export *export.Service
	// Directory is the service directory; Referrals the orientations
	// (web/referralweb).
	Directory *servicedir.Service
	Referrals *referral.Service
	// Aid is the household budget, aid requests and commissions
	// (web/rightsweb).
	Aid *aid.Service
	// Stats is the activity statistics and their exports (web/statsweb).
	Stats *stats.Service
	// Agenda is appointments, agendas, working hours, the front desk and
	// calendar feeds (web/agendaweb).
	Agenda *agenda.Service
	// Outbox is the outgoing e-mails and SMS, their settings and the
	// person's reminder choice (web/outboxweb).
	Outbox *outbox.Service
	// Screening is the pre-screening of likely rights, the algorithm
	// register and the non-take-up dashboard (web/screeningweb).
	Screening *screening.Service
	// Portal is the person's portal at /moi and the workers' invitations
	// to it (web/portalweb).
	Portal *portal.Service
	// Messaging is secure messaging between professionals about a file
	// (web/messagingweb).
	Messaging *messaging.Service
	// Live is this instance's live notification counts (package live):
	// the layout's count and the long poll; nil shows no count.
	Live *live.Hub
}

// Config is what the server needs besides the services.
type Config struct {
	Log *slog.Logger
	// Ready reports whether the database answers, for /readyz.
	Ready func(context.Context) error
	// MaxJSONBody bounds JSON request bodies (1 MiB by default).
	MaxJSONBody int64
	// MaxUpload bounds document uploads (10 MB by default).
	MaxUpload int64
	// Version is shown in /healthz.
	Version string
	// TrustedProxies are the reverse proxies whose X-Forwarded-For is
	// believed (ClientIP); none by default.
	TrustedProxies []netip.Prefix
	// Admission bounds the requests worked on at once; nil: no bound
	// (tests), serve always sets one.
	Admission *Admission
}

// Access says how a route authenticates.
type Access int

const (
	// Public routes need no authentication (login, health, static).
	Public Access = iota
	// Page routes need a browser session with the second factor done;
	// without one they redirect to the login page.
	Page
	// API routes need a bearer token (or a browser session); without one
	// they answer 401 JSON.
	API
	// Portal routes are the person's portal (/moi): they need a portal
	// session (its own cookie, a person or delegate actor); without one
	// pages redirect to the portal's sign-in and JSON answers 401. A
	// portal session reaches no other route (403).
	Portal
)

// HandlerFunc is a handler that returns its error for one place to render.
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// Route is one registered route, kept for the authorisation matrix test and
// the OpenAPI document.
type Route struct {
	Method  string
	Pattern string // path pattern as given to http.ServeMux
	Access  Access
	Op      *Op // OpenAPI operation for API routes, nil for pages
}

// Server is the HTTP server of Parcours.
type Server struct {
	cfg     Config
	svc     Services
	log     *slog.Logger
	mux     *http.ServeMux
	routes  []Route
	handler http.Handler
	tmpl    *pageTemplates // templates.go
	metrics *metrics
	// admission bounds the requests worked on at once (admit.go).
	admission *admission
	schemas   map[string]Schema
}

// New builds the server: the shell's routes and those of each area.
func New(cfg Config, svc Services, areas ...Area) (*Server, error) {
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.MaxJSONBody == 0 {
		cfg.MaxJSONBody = 1 << 20
	}
	if cfg.MaxUpload == 0 {
		cfg.MaxUpload = 10 << 20
	}
	s := &Server{cfg: cfg, svc: svc, log: cfg.Log, mux: http.NewServeMux(), schemas: map[string]Schema{}}
	s.metrics = newMetrics(prometheus.NewRegistry())
	if cfg.Admission != nil {
		s.admission = newAdmission(*cfg.Admission)
		s.metrics.watchAdmission(s.admission)
	}
	var err error
	if s.tmpl, err = parseTemplates(); err != nil {
		return nil, err
	}
	s.registerRoutes(areas)
	s.handler = s.middleware(s.mux)
	return s, nil
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Routes returns every registered route, sorted.
func (s *Server) Routes() []Route {
	out := append([]Route(nil), s.routes...)
	sort.Slice(out, func(i, j int) bool {
		if out[i].Pattern != out[j].Pattern {
			return out[i].Pattern < out[j].Pattern
		}
		return out[i].Method < out[j].Method
	})
	return out
}

// Handle registers a route. Every route goes through here so that none
// escapes authentication, metrics or the route list.
func (s *Server) Handle(method, pattern string, acc Access, h HandlerFunc, op *Op) {
	s.routes = append(s.routes, Route{Method: method, Pattern: pattern, Access: acc, Op: op})
	label := method + " " + pattern
	var inner http.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		infoFrom(r.Context()).route = label
		if err := s.checkRequestText(w, r); err != nil {
			s.Fail(w, r, err)
			return
		}
		if acc == Page && r.Method == http.MethodPost {
			token, run := s.firstPost(w, r)
			if !run {
				return // the same form sent twice (ui_common.go)
			}
			if token != "" {
				s.runForm(w, r, h, token)
				return
			}
		}
		if err := h(w, r); err != nil {
			s.Fail(w, r, err)
		}
	})
	inner = s.checkCSRF(acc, inner) // needs the session: runs after authenticate
	inner = s.authenticate(acc, inner)
	inner = s.admit(label, inner) // before anything that costs
	s.mux.Handle(label, s.metrics.instrument(label, inner))
}

// An Area registers the routes of one feature area (web/personweb,
// web/casefileweb, …) on the shell. Areas import the shell, never the
// reverse: the list of areas is web/routes, handed to New by the wiring.
type Area func(*Server)

// registerRoutes registers the shell's own routes (health, metrics, API
// description, static files, the acting worker), then every area's, then
// the not-found answer.
func (s *Server) registerRoutes(areas []Area) {
	s.systemRoutes()
	for _, register := range areas {
		register(s)
	}
	s.handleNotFound()
}

// handleNotFound answers unknown paths with our error shape rather than
// the mux's plain text.
func (s *Server) handleNotFound() {
	// Through authenticate (as a public route) so that a logged-in worker
	// gets the page in their language, with their menu.
	s.mux.Handle("/", s.authenticate(Public, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.Fail(w, r, parcours.NotFound())
	})))
}

// isAPI tells JSON clients from browsers, by path.
func isAPI(r *http.Request) bool {
	return strings.HasPrefix(r.URL.Path, "/api/")
}

// Config is the server's configuration, for areas that need its limits.
func (s *Server) Config() Config { return s.cfg }

// Log is the server's logger. Areas log internal failures only, with the
// request id, never a request's content.
func (s *Server) Log() *slog.Logger { return s.log }

// Services are the domain services, for the areas to call.
func (s *Server) Services() Services { return s.svc }
