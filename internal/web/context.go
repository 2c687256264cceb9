package web

import (
	"context"
	"net/http"

	"parcours/internal/auth"
	"parcours/internal/i18n"
	"parcours/internal/parcours"
	"parcours/internal/portal"
)

type ctxKey int

const (
	keyRequestID ctxKey = iota
	keyLang
	keySession
	keyWorker
	keyPortal
)

// requestInfo is filled in as the request goes through the middleware; the
// logger reads it after the handler returns.
type requestInfo struct {
	id       string
	workerID string
	route    string
	// release gives back the request's place (admit.go), nil when it
	// holds none.
	release func()
	// quiet: no log line of its own (a refusal, admit.go).
	quiet bool
}

func infoFrom(ctx context.Context) *requestInfo {
	if v, ok := ctx.Value(keyRequestID).(*requestInfo); ok {
		return v
	}
	return &requestInfo{}
}

// Actor returns the authenticated worker of the request, if any.
func Actor(r *http.Request) (parcours.Actor, bool) {
	return parcours.ActorFrom(r.Context())
}

// MustActor returns the actor of a route that required one.
func MustActor(r *http.Request) parcours.Actor {
	a, _ := parcours.ActorFrom(r.Context())
	return a
}

// Worker returns the authenticated Worker's record, if any.
func Worker(r *http.Request) *parcours.Worker {
	w, _ := r.Context().Value(keyWorker).(*parcours.Worker)
	return w
}

// PortalSession returns the person portal's session of the request, if
// any (Portal routes only).
func PortalSession(r *http.Request) *portal.Session {
	s, _ := r.Context().Value(keyPortal).(*portal.Session)
	return s
}

// Session returns the browser Session of the request, if any.
func Session(r *http.Request) *auth.Session {
	s, _ := r.Context().Value(keySession).(*auth.Session)
	return s
}

// Lang is the language of the response: the worker's preference, then
// Accept-Language, then French.
func Lang(r *http.Request) string {
	if l, ok := r.Context().Value(keyLang).(string); ok {
		return l
	}
	pref := ""
	if w := Worker(r); w != nil {
		pref = w.Language
	}
	return negotiate(r, pref)
}

// negotiate picks the response language for a worker whose profile says
// pref. Pages follow the profile (a browser sends its Accept-Language on
// every request, so the worker's own choice must win there); the API
// follows an Accept-Language header naming a language we have, because an
// API client sets it on purpose for the response it wants to read.
func negotiate(r *http.Request, pref string) string {
	header := r.Header.Get("Accept-Language")
	if isAPI(r) {
		if l, ok := i18n.Accepted(header); ok {
			return l
		}
	}
	return i18n.Negotiate(pref, header)
}

// RequestID is the id of the request, as the user sees it on an error page
// and the logs record it.
func RequestID(r *http.Request) string { return infoFrom(r.Context()).id }

// WithLang sets the language of the response, for a page that offers its
// own choice (a public notice read in English at the desk).
func WithLang(ctx context.Context, lang string) context.Context {
	return context.WithValue(ctx, keyLang, lang)
}
