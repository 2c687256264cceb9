package personweb

import (
	"net/http"

	"parcours/internal/parcours"
	"parcours/internal/search"
	"parcours/internal/web"
)

// searchPageRoutes registers the search page; the import page lives in
// ui_import.go.
func (s *Server) searchPageRoutes() {
	s.Handle("GET", "/search", web.Page, s.searchPage, nil)
	s.Handle("GET", "/search/journal", web.Page, s.journalSearchPage, nil)
	s.importPageRoutes()
}

type searchPageData struct {
	Searched bool
	Results  []search.Result
	// CanOpen says whether result names link to the person's file.
	CanOpen bool
}

// searchPage shows the search form and, when q is given, the persons
// found. A bad query shows the form again with the message, status 400.
func (s *Server) searchPage(w http.ResponseWriter, r *http.Request) error {
	a := web.MustActor(r)
	v := r.URL.Query()
	p := &web.PageData{Title: "search.title", Form: map[string]string{"q": v.Get("q"), "birth_date": v.Get("birth_date"), "commune": v.Get("commune")}}
	d := &searchPageData{CanOpen: s.HasPage("/persons/{id}")}
	p.Data = d
	if !v.Has("q") {
		return s.Render(w, r, http.StatusOK, "search.html", p)
	}
	q, err := searchQuery(r)
	if err == nil {
		var res *parcours.Page[search.Result]
		if res, err = s.svc.Search.Search(r.Context(), a, q); err == nil {
			d.Searched, d.Results = true, res.Items
			return s.Render(w, r, http.StatusOK, "search.html", p)
		}
	}
	e := parcours.AsError(err)
	if e == nil || (e.Code != parcours.EBadRequest && e.Code != parcours.EInvalid) {
		return err
	}
	p.AddErrors(web.Lang(r), e, "", "q")
	return s.Render(w, r, web.StatusOf(e.Code), "search.html", p)
}

type journalPageData struct {
	Searched bool
	Results  []search.JournalResult
}

// journalSearchPage searches the journals the worker may read.
func (s *Server) journalSearchPage(w http.ResponseWriter, r *http.Request) error {
	v := r.URL.Query()
	d := &journalPageData{}
	p := &web.PageData{Title: "search.journal_title", Form: map[string]string{"q": v.Get("q")}, Data: d}
	if !v.Has("q") {
		return s.Render(w, r, http.StatusOK, "search_journal.html", p)
	}
	q, err := journalSearchQuery(r)
	if err == nil {
		var res *parcours.Page[search.JournalResult]
		if res, err = s.svc.Search.SearchJournal(r.Context(), web.MustActor(r), q); err == nil {
			d.Searched, d.Results = true, res.Items
			return s.Render(w, r, http.StatusOK, "search_journal.html", p)
		}
	}
	e := parcours.AsError(err)
	if e == nil || (e.Code != parcours.EBadRequest && e.Code != parcours.EInvalid) {
		return err
	}
	p.AddErrors(web.Lang(r), e, "", "q")
	return s.Render(w, r, web.StatusOf(e.Code), "search_journal.html", p)
}
