package web

import (
	"context"
	"net/http"

	"parcours/internal/auth"
	"parcours/internal/i18n"
	"parcours/internal/parcours"
)

type ctxKey int

const (
	keyRequestID ctxKey = iota
	keyLang
	keySession
	keyWorker
)

// requestInfo is filled in as the request goes through the middleware; the
// logger reads it after the handler returns.
type requestInfo struct {
	id       string
	workerID string
	route    string
}

func infoFrom(ctx context.Context) *requestInfo {
	if v, ok := ctx.Value(keyRequestID).(*requestInfo); ok {
		return v
	}
	return &requestInfo{}
}

// actor returns the authenticated worker of the request, if any.
func actor(r *http.Request) (parcours.Actor, bool) {
	return parcours.ActorFrom(r.Context())
}

// mustActor returns the actor of a route that required one.
func mustActor(r *http.Request) parcours.Actor {
	a, _ := parcours.ActorFrom(r.Context())
	return a
}

// worker returns the authenticated worker's record, if any.
func worker(r *http.Request) *parcours.Worker {
	w, _ := r.Context().Value(keyWorker).(*parcours.Worker)
	return w
}

// session returns the browser session of the request, if any.
func session(r *http.Request) *auth.Session {
	s, _ := r.Context().Value(keySession).(*auth.Session)
	return s
}

// lang is the language of the response: the worker's preference, then
// Accept-Language, then French.
func lang(r *http.Request) string {
	if l, ok := r.Context().Value(keyLang).(string); ok {
		return l
	}
	pref := ""
	if w := worker(r); w != nil {
		pref = w.Language
	}
	return i18n.Negotiate(pref, r.Header.Get("Accept-Language"))
}
