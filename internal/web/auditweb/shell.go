// Package auditweb serves the audit over HTTP: the person's access log and
// the audit search. Its pages and its JSON API sit side by side and register
// on the web shell (package web). It never touches the database and never
// decides who may do what: handlers parse, call one service method and
// render.
package auditweb

import (
	"log/slog"

	"parcours/internal/web"
)

// Register adds the routes of this area to the shell (see web/routes).
func Register(shell *web.Server) {
	s := &Server{Server: shell, svc: shell.Services(), cfg: shell.Config(), log: shell.Log()}
	s.auditAPIRoutes()
	s.auditPageRoutes()
}

// Server is the shell as the handlers of this area use it: the shell's
// exported API (embedded), the services, the configuration and the logger.
type Server struct {
	*web.Server
	svc web.Services
	cfg web.Config
	log *slog.Logger
}
