package web

import (
	"net/http"
	"net/url"
	"strings"

	"parcours/internal/casefile"
	"parcours/internal/i18n"
	"parcours/internal/parcours"
)

// The person file page (GET /persons/{id}): identity and household,
// situation, active accompaniments with their referents, the journal
// newest first with filters, open tasks, documents, and what is new since
// the viewer's last visit. A journal entry can be added from it without
// JavaScript; handovers are acknowledged from it.

func (s *Server) casefileRoutes() {
	s.casefileAPIRoutes()
	s.journalAPIRoutes()
	s.taskAPIRoutes()
	s.documentAPIRoutes()
	s.handle("GET", "/persons/{id}", Page, s.pagePersonFile, nil)
	s.handle("POST", "/persons/{id}/journal", Page, s.pageAddEntry, nil)
	s.handle("POST", "/handovers/{id}/acknowledge", Page, s.pageAcknowledge, nil)
}

// fileData is what person.html shows.
type fileData struct {
	*casefile.File
	Query         casefile.JournalQuery
	Older         string // URL of the next journal page, "" at the end
	Active, Ended []*parcours.Accompaniment
	KindLabels    map[string]string
	NewCount      int
	EntryKinds    []string
	Modes         []string
	Confs         []string
	Filtered      bool
}

func (s *Server) pagePersonFile(w http.ResponseWriter, r *http.Request) error {
	return s.showPersonFile(w, r, http.StatusOK, &page{})
}

func (s *Server) showPersonFile(w http.ResponseWriter, r *http.Request, status int, p *page) error {
	a := mustActor(r)
	id := r.PathValue("id")
	q := journalQuery(r)
	cursor := r.URL.Query().Get("cursor")
	f, err := s.svc.CaseFile.Open(r.Context(), a, id, q, cursor)
	if err != nil {
		return err
	}
	d := &fileData{File: f, Query: q, KindLabels: map[string]string{}, EntryKinds: parcours.EntryKinds,
		Modes: parcours.InterviewModes, Confs: parcours.Confidentialities,
		Filtered: q != (casefile.JournalQuery{})}
	for _, k := range f.Kinds {
		d.KindLabels[k.Code] = k.Label
	}
	for _, acc := range f.Accompaniments {
		if acc.Active() {
			d.Active = append(d.Active, acc)
		} else {
			d.Ended = append(d.Ended, acc)
		}
	}
	if f.Journal != nil {
		for _, e := range f.Journal.Items {
			if f.New(e.CreatedAt) {
				d.NewCount++
			}
		}
		if f.Journal.NextCursor != "" {
			v := url.Values{}
			for k, val := range map[string]string{"kind": q.Kind, "author": q.AuthorID, "accompaniment": q.AccompanimentID, "from": q.From, "to": q.To} {
				if val != "" {
					v.Set(k, val)
				}
			}
			v.Set("cursor", f.Journal.NextCursor)
			d.Older = "/persons/" + id + "?" + v.Encode() + "#journal"
		}
	}
	p.Title = "cf.title"
	p.Data = d
	return s.render(w, r, status, "person.html", p)
}

// pageAddEntry adds a journal entry from the form of the file page, then
// shows the file again (post/redirect/get), or the form with its errors
// and everything typed kept.
func (s *Server) pageAddEntry(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	if err := r.ParseForm(); err != nil {
		return parcours.Errorf(parcours.EBadRequest, "error.casefile.bad_form")
	}
	in := casefile.EntryInput{Kind: r.PostFormValue("kind"), OccurredAt: r.PostFormValue("occurred_at"),
		Summary: r.PostFormValue("summary"), Mode: r.PostFormValue("mode"), Confidentiality: r.PostFormValue("confidentiality"),
		AccompanimentID: r.PostFormValue("accompaniment_id"), PrivateSynthesis: r.PostFormValue("private_synthesis")}
	if in.Kind != parcours.EntryInterview {
		in.Mode = ""
	}
	// One text field, names separated by commas.
	for _, v := range r.PostForm["participants"] {
		for _, name := range strings.Split(v, ",") {
			if name = strings.TrimSpace(name); name != "" {
				in.Participants = append(in.Participants, name)
			}
		}
	}
	_, err := s.svc.CaseFile.AddEntry(r.Context(), mustActor(r), r.PathValue("id"), in)
	if err == nil {
		http.Redirect(w, r, "/persons/"+r.PathValue("id")+"?saved=1#journal", http.StatusSeeOther)
		return nil
	}
	e := parcours.AsError(err)
	if e == nil || e.Code != parcours.EInvalid {
		return err
	}
	p := &page{Errors: map[string]string{}, Form: map[string]string{}}
	l := lang(r)
	fields := e.Fields
	if len(fields) == 0 {
		fields = []*parcours.Error{e}
	}
	for _, fe := range fields {
		msg := i18n.T(l, fe.Key, fe.Args...)
		if _, dup := p.Errors[fe.Field]; !dup {
			p.Errors[fe.Field] = msg
		}
		p.ErrorList = append(p.ErrorList, fieldMsg{Field: fe.Field, Message: msg})
	}
	for k := range r.PostForm {
		p.Form[k] = r.PostFormValue(k)
	}
	return s.showPersonFile(w, r, http.StatusUnprocessableEntity, p)
}

func (s *Server) pageAcknowledge(w http.ResponseWriter, r *http.Request) error {
	h, err := s.svc.CaseFile.Acknowledge(r.Context(), mustActor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/persons/"+h.PersonID+"#handovers", http.StatusSeeOther)
	return nil
}
