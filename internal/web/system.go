package web

import (
	"context"
	"net/http"
	"time"
)

// systemRoutes are health, readiness, metrics, the API description, static
// files and the acting worker.
func (s *Server) systemRoutes() {
	s.Handle("GET", "/healthz", Public, func(w http.ResponseWriter, r *http.Request) error {
		WriteJSON(w, http.StatusOK, map[string]string{"status": "ok", "version": s.cfg.Version})
		return nil
	}, nil)
	s.Handle("GET", "/readyz", Public, func(w http.ResponseWriter, r *http.Request) error {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if s.cfg.Ready != nil {
			if err := s.cfg.Ready(ctx); err != nil {
				s.log.Warn("not ready", "err", err.Error())
				WriteJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable"})
				return nil
			}
		}
		WriteJSON(w, http.StatusOK, map[string]string{"status": "ready"})
		return nil
	}, nil)
	// Metrics carry no personal data (routes and counts only); they are
	// public on the listening address, which operators keep internal.
	s.Handle("GET", "/metrics", Public, func(w http.ResponseWriter, r *http.Request) error {
		s.metrics.handler().ServeHTTP(w, r)
		return nil
	}, nil)
	s.Handle("GET", "/api/openapi.json", Public, func(w http.ResponseWriter, r *http.Request) error {
		WriteJSON(w, http.StatusOK, s.OpenAPI())
		return nil
	}, nil)
	// Static files, gzip-compressed for browsers (ui_common.go).
	s.Handle("GET", "/static/", Public, s.staticHandler(), nil)

	s.Schema("Me", Object([]string{"id", "email", "role", "organization_id", "team_ids"}, Schema{
		"id": Str(), "email": Str(), "role": Enum("admin", "manager", "worker", "reception"),
		"organization_id": Str(), "team_ids": ArrayOf(Str()), "first_name": Str(), "last_name": Str(),
		"language": Str(),
	}))
	s.Handle("GET", "/api/v1/me", API, func(w http.ResponseWriter, r *http.Request) error {
		a, wk := MustActor(r), Worker(r)
		WriteJSON(w, http.StatusOK, map[string]any{
			"id": a.WorkerID, "email": wk.Email, "role": a.Role, "organization_id": a.OrgID,
			"team_ids": NonNil(a.TeamIDs), "first_name": wk.FirstName, "last_name": wk.LastName, "language": Lang(r),
		})
		return nil
	}, &Op{ID: "getMe", Summary: "The acting worker", Tag: "workers", Response: "Me"})
}

func NonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
