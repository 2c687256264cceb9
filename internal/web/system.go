package web

import (
	"context"
	"net/http"
	"time"
)

// systemRoutes are health, readiness, metrics, the API description, static
// files and the acting worker.
func (s *Server) systemRoutes() {
	s.handle("GET", "/healthz", Public, func(w http.ResponseWriter, r *http.Request) error {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok", "version": s.cfg.Version})
		return nil
	}, nil)
	s.handle("GET", "/readyz", Public, func(w http.ResponseWriter, r *http.Request) error {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if s.cfg.Ready != nil {
			if err := s.cfg.Ready(ctx); err != nil {
				s.log.Warn("not ready", "err", err.Error())
				writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable"})
				return nil
			}
		}
		writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
		return nil
	}, nil)
	// Metrics carry no personal data (routes and counts only); they are
	// public on the listening address, which operators keep internal.
	s.handle("GET", "/metrics", Public, func(w http.ResponseWriter, r *http.Request) error {
		s.metrics.handler().ServeHTTP(w, r)
		return nil
	}, nil)
	s.handle("GET", "/api/openapi.json", Public, func(w http.ResponseWriter, r *http.Request) error {
		writeJSON(w, http.StatusOK, s.OpenAPI())
		return nil
	}, nil)
	// Static files, gzip-compressed for browsers (ui_common.go).
	s.handle("GET", "/static/", Public, s.staticHandler(), nil)

	s.schema("Me", object([]string{"id", "email", "role", "organization_id", "team_ids"}, Schema{
		"id": str(), "email": str(), "role": enum("admin", "manager", "worker", "reception"),
		"organization_id": str(), "team_ids": arrayOf(str()), "first_name": str(), "last_name": str(),
		"language": str(),
	}))
	s.handle("GET", "/api/v1/me", API, func(w http.ResponseWriter, r *http.Request) error {
		a, wk := mustActor(r), worker(r)
		writeJSON(w, http.StatusOK, map[string]any{
			"id": a.WorkerID, "email": wk.Email, "role": a.Role, "organization_id": a.OrgID,
			"team_ids": nonNil(a.TeamIDs), "first_name": wk.FirstName, "last_name": wk.LastName, "language": lang(r),
		})
		return nil
	}, &Op{ID: "getMe", Summary: "The acting worker", Tag: "workers", Response: "Me"})
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
