package auditweb

import (
	"net/http"
	"net/url"

	"parcours/internal/audit"
	"parcours/internal/parcours"
)

// Pages of the audit: the person's access log and the audit search.

func (s *Server) auditPageRoutes() {
	s.handle("GET", "/persons/{id}/access-log", Page, s.pageAccessLog, nil)
	s.handle("GET", "/audit", Page, s.pageAudit, nil)
}

type accessLogPage struct {
	PersonID string
	Lines    []accessLogLine
}

func (s *Server) pageAccessLog(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	entries, err := s.svc.AccessLog.PersonLog(r.Context(), mustActor(r), id)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "access_log.html", &page{Title: "page.access_log.title",
		Data: &accessLogPage{PersonID: id, Lines: accessLogLines(lang(r), entries)}})
}

type auditPage struct {
	Searched bool
	Events   []audit.Event
	CSV      string // link to the CSV export of the same search
	Next     string // link to the next page
}

func (s *Server) pageAudit(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	form := map[string]string{}
	for _, k := range []string{"person_id", "worker_id", "action", "from", "to"} {
		form[k] = q.Get(k)
	}
	f, err := auditFilter(r)
	if err != nil {
		return err
	}
	page0, err := s.svc.AccessLog.Search(r.Context(), mustActor(r), f)
	pg := &page{Title: "page.audit.title", Form: form}
	if err != nil {
		if _, ok := formErrors(lang(r), err, pg); !ok {
			return err
		}
		pg.Data = &auditPage{}
		return s.render(w, r, statusOf(parcours.ErrorCode(err)), "audit.html", pg)
	}
	d := &auditPage{Searched: true, Events: page0.Items}
	csvQ := url.Values{}
	for k, v := range form {
		if v != "" {
			csvQ.Set(k, v)
		}
	}
	d.CSV = "/api/v1/audit/events.csv?" + csvQ.Encode()
	if page0.NextCursor != "" {
		nq := r.URL.Query()
		nq.Set("cursor", page0.NextCursor)
		d.Next = "/audit?" + nq.Encode()
	}
	pg.Data = d
	return s.render(w, r, http.StatusOK, "audit.html", pg)
}
