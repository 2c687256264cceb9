// Package accessweb serves access over HTTP: consent and objections, break-
// glass, its reviews and notifications. Its pages and its JSON API sit side
// by side and register on the web shell (package web). It never touches the
// database and never decides who may do what: handlers parse, call one
// service method and render.
package accessweb

import (
	"log/slog"
	"net/http"

	"parcours/internal/web"
)

// Register adds the routes of this area to the shell (see web/routes).
func Register(shell *web.Server) {
	s := &Server{Server: shell, svc: shell.Services(), cfg: shell.Config(), log: shell.Log()}
	s.accessAPIRoutes()
	s.accessPageRoutes()
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

func (s *Server) decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	return s.DecodeJSON(w, r, v)
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
	paris      = web.Paris
	formErrors = web.FormErrors
	str        = web.Str
	strFmt     = web.StrFmt
	boolean    = web.Boolean
	arrayOf    = web.ArrayOf
	enum       = web.Enum
	object     = web.Object
)
