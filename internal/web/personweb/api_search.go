package personweb

import (
	"net/http"
	"strconv"

	"parcours/internal/parcours"
	"parcours/internal/search"
	"parcours/internal/web"
)

// searchParams are the query parameters of a person search
// (GET /api/v1/persons?q=…).
var searchParams = []web.Param{
	{Name: "q", Type: "string", Description: "names in any order, typos tolerated, optionally a birth date (1985, 03/1985, 12/03/1985)"},
	{Name: "birth_date", Type: "string", Description: "full or partial birth date: 1985, 03/1985, 12/03/1985 or 1985-03-12"},
	{Name: "commune", Type: "string", Description: "birth place or town of residence, to rank those first"},
}

var forceParams = []web.Param{
	{Name: "force", Type: "boolean", Description: "create even though likely duplicates exist"},
}

// searchQuery reads a person search from the URL. The values go to the
// service untouched: it checks them, and nothing here logs them.
func searchQuery(r *http.Request) (search.Query, error) {
	v := r.URL.Query()
	q := search.Query{Q: v.Get("q"), BirthDate: v.Get("birth_date"), Commune: v.Get("commune")}
	if l := v.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 50 {
			return q, parcours.FieldError(parcours.EBadRequest, "limit", "error.search_limit")
		}
		q.Limit = n
	}
	return q, nil
}

// apiSearchPersons answers GET /api/v1/persons?q=… (routed from
// apiListPersons): the persons found, best first, each with a score.
func (s *Server) apiSearchPersons(w http.ResponseWriter, r *http.Request) error {
	q, err := searchQuery(r)
	if err != nil {
		return err
	}
	page, err := s.svc.Search.Search(r.Context(), web.MustActor(r), q)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, page)
	return nil
}

// searchRoutes registers the routes of the search feature: merges here,
// the search page (ui_search.go) and the import page (ui_import.go). The
// person search itself answers GET /api/v1/persons?q=… (api_person.go).
func (s *Server) searchRoutes() {
	s.Schema("Merge", web.Object([]string{"id", "kept_id", "absorbed_id", "reason", "merged_by", "merged_at"}, web.Schema{
		"id": web.Str(), "kept_id": web.Str(), "absorbed_id": web.Str(), "reason": web.Str(), "merged_by": web.Str(),
		"merged_at": web.StrFmt("date-time"), "undone_by": web.Str(), "undone_at": web.StrFmt("date-time"), "undo_reason": web.Str(),
	}))
	s.Schema("MergeInput", web.Object([]string{"other_id", "reason"}, web.Schema{"other_id": web.Str(), "reason": web.Str(), "confirm_not_alike": web.Boolean()}))
	s.Schema("UndoMergeInput", web.Object([]string{"reason"}, web.Schema{"reason": web.Str()}))
	s.Handle("POST", "/api/v1/persons/{id}/merge", web.API, s.apiMergePersons,
		&web.Op{ID: "mergePersons", Summary: "Merge a duplicate (other_id) into this person; undoable", Tag: "persons",
			Request: "MergeInput", Response: "Merge", Status: http.StatusCreated})
	s.Handle("GET", "/api/v1/persons/{id}/merges", web.API, s.apiListMerges,
		&web.Op{ID: "listMerges", Summary: "The merges a person took part in (kept or absorbed), newest first", Tag: "persons",
			Response: "Merge", List: true})
	s.Handle("POST", "/api/v1/merges/{id}/undo", web.API, s.apiUndoMerge,
		&web.Op{ID: "undoMerge", Summary: "Undo a merge: the two files are separate again", Tag: "persons",
			Request: "UndoMergeInput", Response: "Merge"})
	s.Schema("JournalSearchResult", web.Object([]string{"entry", "snippet"}, web.Schema{
		"entry":       web.Schema{"type": "object"},
		"person_name": web.Str(), "snippet": web.ArrayOf(web.Object([]string{"text"}, web.Schema{"text": web.Str(), "hit": web.Boolean()})),
	}))
	s.Handle("GET", "/api/v1/search/journal", web.API, s.apiSearchJournal,
		&web.Op{ID: "searchJournal", Summary: "Full-text search in the journal entries the actor may read, with snippets", Tag: "search",
			Response: "JournalSearchResult", List: true, Query: []web.Param{
				{Name: "q", Type: "string", Description: "words to find (accents and case ignored, French word forms matched)"},
				{Name: "limit", Type: "integer", Description: "1–50, 20 by default"}}})
	s.searchPageRoutes()
}

func journalSearchQuery(r *http.Request) (search.JournalQuery, error) {
	q := search.JournalQuery{Q: r.URL.Query().Get("q")}
	if l := r.URL.Query().Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 50 {
			return q, parcours.FieldError(parcours.EBadRequest, "limit", "error.search_limit")
		}
		q.Limit = n
	}
	return q, nil
}

func (s *Server) apiSearchJournal(w http.ResponseWriter, r *http.Request) error {
	q, err := journalSearchQuery(r)
	if err != nil {
		return err
	}
	page, err := s.svc.Search.SearchJournal(r.Context(), web.MustActor(r), q)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, page)
	return nil
}

func (s *Server) apiMergePersons(w http.ResponseWriter, r *http.Request) error {
	var in search.MergeInput
	if err := s.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	m, err := s.svc.Search.MergePersons(r.Context(), web.MustActor(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, m)
	return nil
}

func (s *Server) apiUndoMerge(w http.ResponseWriter, r *http.Request) error {
	var in search.UndoInput
	if err := s.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	m, err := s.svc.Search.UndoMerge(r.Context(), web.MustActor(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, m)
	return nil
}

func (s *Server) apiListMerges(w http.ResponseWriter, r *http.Request) error {
	ms, err := s.svc.Search.Merges(r.Context(), web.MustActor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, parcours.Page[*search.Merge]{Items: ms})
	return nil
}
