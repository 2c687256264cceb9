// Package referralweb serves the service directory and referrals
// (orientations) over HTTP: the directory's search, its administration,
// referrals with their extract, the boxes (« mes orientations », the
// service's inbox), their answers, statistics and the printable letter.
// Its pages and JSON API sit side by side and register on the web shell.
// It never touches the database and never decides who may see what:
// handlers parse, call one service method and render.
package referralweb

import (
	"net/http"
	"time"

	"parcours/internal/parcours"
	"parcours/internal/web"
)

// Register adds the routes of this area to the shell (see web/routes).
func Register(shell *web.Server) {
	s := &server{Server: shell, svc: shell.Services()}
	s.directoryAPI()
	s.referralAPI()
	s.pages()
	s.directoryPages()
	s.directoryImportPages()
}

// server is the shell with the services this area calls.
type server struct {
	*web.Server
	svc web.Services
}

// parseDay reads an optional YYYY-MM-DD query value as the start of that
// day in Paris.
func parseDay(field, v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.ParseInLocation(time.DateOnly, v, web.Paris())
	if err != nil {
		return time.Time{}, parcours.FieldError(parcours.EInvalid, field, "error.invalid_date", "field."+field)
	}
	return t, nil
}

func (s *server) decode(w http.ResponseWriter, r *http.Request, v any) error {
	return s.DecodeJSON(w, r, v)
}
