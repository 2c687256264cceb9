// Package accessweb serves access over HTTP: consent and objections, break-
// glass, its reviews and notifications. Its pages and its JSON API sit side
// by side and register on the web shell (package web). It never touches the
// database and never decides who may do what: handlers parse, call one
// service method and render.
package accessweb

import (
	"log/slog"

	"parcours/internal/web"
)

// Register adds the routes of this area to the shell (see web/routes).
func Register(shell *web.Server) {
	s := &Server{Server: shell, svc: shell.Services(), cfg: shell.Config(), log: shell.Log()}
	s.accessAPIRoutes()
	s.accessPageRoutes()
	s.liveRoutes()
}

// Server is the shell as the handlers of this area use it: the shell's
// exported API (embedded), the services, the configuration and the logger.
type Server struct {
	*web.Server
	svc web.Services
	cfg web.Config
	log *slog.Logger
}
