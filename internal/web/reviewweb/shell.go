package reviewweb

import (
	"parcours/internal/noteflags"
	"parcours/internal/web"
)

// Register adds the routes of the « relecture éthique » to the shell.
func Register(shell *web.Server) {
	s := &server{Server: shell, svc: shell.Services().NoteFlags}
	s.routes()
}

type server struct {
	*web.Server
	svc *noteflags.Service
}
