package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"time"

	"parcours/internal/auth"
	"parcours/internal/parcours"
	"parcours/internal/portal"
)

// middleware wraps the mux with what every request goes through, outermost
// first: request id and logging, panic recovery, security headers and
// cross-origin protection of state-changing requests (CSRF).
func (s *Server) middleware(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.Fail(w, r, parcours.Errorf(parcours.EForbidden, "error.cross_origin"))
	}))
	h := cop.Handler(next)
	h = compress(h)
	h = securityHeaders(h)
	h = s.recoverer(h)
	return s.logRequests(h)
}

// statusWriter remembers the status code for logs and metrics.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func newRequestID() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// logRequests writes one JSON line per request. It logs the route
// pattern, never the path's query string or any body: search terms and
// form fields carry personal data, which must never reach the logs.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		info := &requestInfo{id: newRequestID()}
		w.Header().Set("X-Request-Id", info.id)
		ctx := context.WithValue(r.Context(), keyRequestID, info)
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r.WithContext(ctx))
		if info.quiet {
			return
		}
		route := info.route
		if route == "" {
			route = "unmatched"
		}
		level := slog.LevelInfo
		if sw.status >= 500 {
			level = slog.LevelError
		}
		s.log.LogAttrs(ctx, level, "request",
			slog.String("request_id", info.id),
			slog.String("method", r.Method),
			slog.String("route", route),
			slog.Int("status", sw.status),
			slog.Int("bytes", sw.bytes),
			slog.Float64("duration_ms", float64(time.Since(start).Microseconds())/1000),
			slog.String("worker_id", info.workerID),
		)
	})
}

func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("panic", "request_id", infoFrom(r.Context()).id, "panic", v, "stack", string(debug.Stack()))
				s.Fail(w, r, parcours.Errorf(parcours.EInternal, "error.internal"))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// securityHeaders sets a strict Content-Security-Policy (no inline script
// or style, nothing from elsewhere) and the usual hardening headers on
// every response.
//
// The values are shared slices put into the header map as they are:
// Header.Set would allocate a fresh one-value slice for each of the nine
// on every request (6 % of serve's allocations reading a person, each a
// share of the collections that make the open-loop tail; issue 17).
// Nothing writes into a header's value slice in place: Set replaces it,
// Add appends beyond its capacity of one (a copy), and net/http only
// reads and clones them.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		for _, kv := range securityHeaderValues {
			h[kv.key] = kv.value
		}
		if !strings.HasPrefix(r.URL.Path, "/static/") {
			// Personal data must not linger in shared caches or the
			// browser's history cache.
			h["Cache-Control"] = noStore
		}
		next.ServeHTTP(w, r)
	})
}

// securityHeaderValues are the headers of securityHeaders, keys in
// canonical form (TestSecurityHeaderKeysCanonical).
var securityHeaderValues = []struct {
	key   string
	value []string
}{
	{"Content-Security-Policy", []string{"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"}},
	{"X-Content-Type-Options", []string{"nosniff"}},
	{"X-Frame-Options", []string{"DENY"}},
	{"Referrer-Policy", []string{"same-origin"}},
	{"Permissions-Policy", []string{"camera=(), microphone=(), geolocation=(), payment=()"}},
	{"Cross-Origin-Opener-Policy", []string{"same-origin"}},
	{"Cross-Origin-Resource-Policy", []string{"same-origin"}},
	{"Strict-Transport-Security", []string{"max-age=63072000; includeSubDomains"}},
}

var noStore = []string{"no-store"}

// authenticate resolves the actor of the request and enforces the route's
// access level. Bearer tokens are for the API; the session cookie serves
// pages and, for htmx and same-origin scripts, the API too.
func (s *Server) authenticate(acc Access, next http.Handler) http.Handler {
	if acc == Portal {
		return s.authenticatePortal(next)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		var (
			a    parcours.Actor
			wk   *parcours.Worker
			sess *auth.Session
			err  error = parcours.Errorf(parcours.EUnauthenticated, "error.unauthenticated")
		)
		if h := r.Header.Get("Authorization"); h != "" {
			if tok, ok := strings.CutPrefix(h, "Bearer "); ok && acc != Page {
				a, wk, err = s.svc.Auth.ActorFromToken(ctx, strings.TrimSpace(tok))
			}
		} else if c, cerr := r.Cookie(auth.SessionCookie); cerr == nil {
			a, sess, err = s.svc.Auth.ActorFromSession(ctx, c.Value)
			if err == nil {
				wk = sess.Worker
			}
		}
		if err != nil && parcours.ErrorCode(err) != parcours.EUnauthenticated {
			s.Fail(w, r, err)
			return
		}
		authenticated := err == nil && (sess == nil || sess.MFADone)
		if authenticated {
			info := infoFrom(ctx)
			info.workerID = a.WorkerID
			a.RequestID = info.id
			ctx = parcours.WithActor(ctx, a)
			ctx = context.WithValue(ctx, keyWorker, wk)
		}
		if sess != nil {
			ctx = context.WithValue(ctx, keySession, sess)
		}
		pref := ""
		if wk != nil {
			pref = wk.Language
		}
		ctx = context.WithValue(ctx, keyLang, negotiate(r, pref))
		r = r.WithContext(ctx)
		if !authenticated && acc != Public && s.portalActor(r) {
			// A person (or delegate) signed in to the portal reaches
			// their own file there, and no worker route.
			s.Fail(w, r, parcours.Forbidden())
			return
		}
		if !authenticated && acc != Public {
			if acc == Page {
				if r.Method == http.MethodPost && s.keepPostedText(w, r) {
					return // session expired mid-form: the text is shown back
				}
				next := r.URL.Path
				if r.URL.RawQuery != "" {
					next += "?" + r.URL.RawQuery
				}
				http.Redirect(w, r, "/login?next="+url.QueryEscape(next), http.StatusSeeOther)
				return
			}
			w.Header().Set("WWW-Authenticate", `Bearer realm="parcours"`)
			s.Fail(w, r, parcours.Errorf(parcours.EUnauthenticated, "error.unauthenticated"))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// portalActor reports whether the request carries a valid portal session.
func (s *Server) portalActor(r *http.Request) bool {
	if s.svc.Portal == nil {
		return false
	}
	c, err := r.Cookie(portal.SessionCookie)
	if err != nil {
		return false
	}
	_, _, err = s.svc.Portal.ActorFromSession(r.Context(), c.Value)
	return err == nil
}

// authenticatePortal resolves the portal session of a Portal route: the
// person or their delegate. Worker credentials do not count here.
func (s *Server) authenticatePortal(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		var (
			a    parcours.Actor
			sess *portal.Session
			err  error = parcours.Errorf(parcours.EUnauthenticated, "error.unauthenticated")
		)
		if c, cerr := r.Cookie(portal.SessionCookie); cerr == nil && s.svc.Portal != nil {
			a, sess, err = s.svc.Portal.ActorFromSession(ctx, c.Value)
		}
		if err != nil && parcours.ErrorCode(err) != parcours.EUnauthenticated {
			s.Fail(w, r, err)
			return
		}
		if err == nil {
			info := infoFrom(ctx)
			info.workerID = a.ID()
			a.RequestID = info.id
			ctx = parcours.WithActor(ctx, a)
			ctx = context.WithValue(ctx, keyPortal, sess)
		}
		ctx = context.WithValue(ctx, keyLang, negotiate(r, ""))
		r = r.WithContext(ctx)
		if err != nil {
			if !isAPI(r) {
				if c, cerr := r.Cookie(portal.SessionCookie); cerr == nil && c.Value != "" {
					// An ended session (a delegate past their end date, a
					// closed account): say so rather than loop.
					http.SetCookie(w, &http.Cookie{Name: portal.SessionCookie, Value: "", Path: "/", MaxAge: -1, Secure: true, HttpOnly: true, SameSite: http.SameSiteLaxMode})
				}
				http.Redirect(w, r, "/moi/connexion", http.StatusSeeOther)
				return
			}
			s.Fail(w, r, parcours.Errorf(parcours.EUnauthenticated, "error.unauthenticated"))
			return
		}
		next.ServeHTTP(w, r)
	})
}
