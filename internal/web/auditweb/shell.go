// Package auditweb serves the audit over HTTP: the person's access log and
// the audit search. Its pages and its JSON API sit side by side and register
// on the web shell (package web). It never touches the database and never
// decides who may do what: handlers parse, call one service method and
// render.
package auditweb

import (
	"log/slog"
	"net/http"

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

// The shell's API under the short names the handlers of this area use.

func (s *Server) handle(method, pattern string, acc web.Access, h web.HandlerFunc, op *web.Op) {
	s.Handle(method, pattern, acc, h, op)
}

func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, p *web.PageData) error {
	return s.Render(w, r, status, name, p)
}

func (s *Server) schema(name string, sc web.Schema) { s.Schema(name, sc) }

type (
	page   = web.PageData
	Op     = web.Op
	Param  = web.Param
	Schema = web.Schema
)

const (
	Page = web.Page
	API  = web.API
)

var (
	mustActor  = web.MustActor
	lang       = web.Lang
	writeJSON  = web.WriteJSON
	statusOf   = web.StatusOf
	formErrors = web.FormErrors
	str        = web.Str
	strFmt     = web.StrFmt
	integer    = web.Integer
	boolean    = web.Boolean
	object     = web.Object
)
