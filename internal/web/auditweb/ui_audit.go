package auditweb

import (
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"parcours/internal/audit"
	"parcours/internal/i18n"
	"parcours/internal/parcours"
	"parcours/internal/search"
	"parcours/internal/web"
)

// Pages of the audit: the person's access log and the audit search.

func (s *Server) auditPageRoutes() {
	s.Handle("GET", "/persons/{id}/access-log", web.Page, s.pageAccessLog, nil)
	s.Handle("GET", "/audit", web.Page, s.pageAudit, nil)
}

type accessLogPage struct {
	PersonID string
	Lines    []accessLogLine
}

func (s *Server) pageAccessLog(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	entries, err := s.svc.AccessLog.PersonLog(r.Context(), web.MustActor(r), id)
	if err != nil {
		return err
	}
	return s.Render(w, r, http.StatusOK, "access_log.html", &web.PageData{Title: "page.access_log.title",
		Data: &accessLogPage{PersonID: id, Lines: accessLogLines(web.Lang(r), entries)}})
}

type auditPage struct {
	Searched bool
	Rows     []auditRow
	CSV      string // link to the CSV export of the same search
	Next     string // link to the next page
	// The filters by name: the workers and the actions to choose from,
	// the person found by name (or the persons to choose between).
	Workers  []option
	Actions  []option
	Person   string // name of the person filtered on
	Matches  []option
	NotFound bool
}

// auditRow is an audit event as the page shows it: names and French words
// instead of ids and codes.
type auditRow struct {
	audit.Event
	Actor, Function, What, Person string
}

type option struct{ Value, Label string }

// auditActions are the actions offered in the filter, in the catalogue's
// words (access_log.action.*).
func auditActions(lang string) []option {
	var out []option
	for _, k := range i18n.Keys(i18n.Default) {
		if a, ok := strings.CutPrefix(k, "access_log.action."); ok && a != "other" {
			out = append(out, option{Value: a, Label: i18n.T(lang, k)})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Label < out[j].Label })
	return out
}

func (s *Server) pageAudit(w http.ResponseWriter, r *http.Request) error {
	a := web.MustActor(r)
	l := web.Lang(r)
	q := r.URL.Query()
	form := map[string]string{}
	for _, k := range []string{"person_id", "person", "worker_id", "action", "from", "to"} {
		form[k] = q.Get(k)
	}
	names, err := s.svc.AccessLog.Workers(r.Context(), a)
	if err != nil {
		return err
	}
	d := &auditPage{Actions: auditActions(l)}
	for id, n := range names {
		d.Workers = append(d.Workers, option{Value: id, Label: n})
	}
	sort.Slice(d.Workers, func(i, j int) bool { return d.Workers[i].Label < d.Workers[j].Label })
	pg := &web.PageData{Title: "page.audit.title", Form: form, Data: d}
	// A person is filtered by name: one match is the filter, several are
	// offered to choose from.
	if name := strings.TrimSpace(form["person"]); name != "" && form["person_id"] == "" {
		found, err := s.svc.Search.Search(r.Context(), a, search.Query{Q: name, Limit: 10})
		if err != nil {
			if _, ok := web.FormErrors(l, err, pg); !ok {
				return err
			}
			return s.Render(w, r, web.StatusOf(parcours.ErrorCode(err)), "audit.html", pg)
		}
		switch len(found.Items) {
		case 0:
			d.NotFound = true
			return s.Render(w, r, http.StatusOK, "audit.html", pg)
		case 1:
			form["person_id"] = found.Items[0].ID
		default:
			for _, p := range found.Items {
				v := url.Values{}
				for k, x := range form {
					if x != "" && k != "person" {
						v.Set(k, x)
					}
				}
				v.Set("person_id", p.ID)
				v.Set("person", p.DisplayName())
				d.Matches = append(d.Matches, option{Value: "/audit?" + v.Encode(), Label: p.DisplayName() + " — " + i18n.T(l, "search.born", dateFR(l, p.BirthDate))})
			}
			return s.Render(w, r, http.StatusOK, "audit.html", pg)
		}
	}
	f, err := auditFilter(r)
	if err != nil {
		return err
	}
	f.PersonID = form["person_id"]
	page0, who, err := s.svc.AccessLog.SearchNamed(r.Context(), a, f)
	if err != nil {
		if _, ok := web.FormErrors(l, err, pg); !ok {
			return err
		}
		return s.Render(w, r, web.StatusOf(parcours.ErrorCode(err)), "audit.html", pg)
	}
	d.Searched = true
	if f.PersonID != "" {
		d.Person = who.Persons[f.PersonID]
		if d.Person == "" {
			d.Person = form["person"]
		}
	}
	for _, e := range page0.Items {
		row := auditRow{Event: e, Actor: who.Workers[e.ActorID], Function: i18n.T(l, "access_log.function."+e.Role), Person: who.Persons[e.PersonID]}
		if e.ActorID == "system" {
			row.Actor = i18n.T(l, "access_log.function.system")
		}
		if row.Actor == "" {
			row.Actor = i18n.T(l, "audit.other_org")
		}
		what := "access_log.action." + e.Action
		if !i18n.Has(what) {
			row.What = e.Action
		} else {
			row.What = i18n.T(l, what)
		}
		d.Rows = append(d.Rows, row)
	}
	csvQ := url.Values{}
	for k, v := range form {
		if v != "" && k != "person" {
			csvQ.Set(k, v)
		}
	}
	d.CSV = "/api/v1/audit/events.csv?" + csvQ.Encode()
	if page0.NextCursor != "" {
		nq := r.URL.Query()
		nq.Set("cursor", page0.NextCursor)
		d.Next = "/audit?" + nq.Encode()
	}
	return s.Render(w, r, http.StatusOK, "audit.html", pg)
}

// dateFR shows a YYYY-MM-DD date as the reader writes dates.
func dateFR(lang, d string) string {
	if t, err := time.Parse(time.DateOnly, d); err == nil && lang == "fr" {
		return t.Format("02/01/2006")
	}
	return d
}
