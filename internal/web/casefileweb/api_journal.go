package casefileweb

import (
	"net/http"

	"parcours/internal/casefile"
	"parcours/internal/parcours"
	"parcours/internal/web"
)

func journalSchemas(s *Server) {
	s.Schema("JournalEntry", web.Object(
		[]string{"id", "organization_id", "person_id", "kind", "occurred_at", "summary", "confidentiality", "accompaniment_id", "amends", "team_id", "author_id", "created_at"},
		web.Schema{
			"id": web.Str(), "organization_id": web.Str(), "person_id": web.Str(), "accompaniment_id": web.Str(),
			"kind": web.Enum(parcours.EntryKinds...), "occurred_at": web.StrFmt("date"), "summary": web.Str(),
			"theme": web.Enum(parcours.Thematiques...),
			"mode":  web.Enum(parcours.InterviewModes...), "participants": web.ArrayOf(web.Str()),
			"confidentiality": web.Enum(parcours.Confidentialities...), "team_id": web.Str(), "author_id": web.Str(),
			"private_synthesis": web.Str(), "amends": web.Str(), "created_at": web.StrFmt("date-time"),
			"amended_by": web.ArrayOf(web.Str()),
			"disclosure": web.Enum(parcours.DisclosureShared, parcours.DisclosureWithheld, parcours.DisclosureNone),
		}))
	s.Schema("JournalEntryInput", web.Object([]string{"kind", "summary"}, web.Schema{
		"kind": web.Enum(parcours.EntryKinds...), "occurred_at": web.StrFmt("date"), "summary": web.Str(),
		"theme": web.Schema{"type": "string", "enum": append([]string{""}, parcours.Thematiques...), "description": "optional: a top-level data·inclusion thématique, for the statistics"},
		"mode":  web.Enum(parcours.InterviewModes...), "participants": web.ArrayOf(web.Str()),
		"confidentiality": web.Enum(parcours.Confidentialities...), "accompaniment_id": web.Str(), "private_synthesis": web.Str(),
	}))
	s.Schema("AmendmentInput", web.Object([]string{"summary"}, web.Schema{
		"summary": web.Str(), "occurred_at": web.StrFmt("date"), "private_synthesis": web.Str(),
	}))
	s.Schema("InterviewTemplate", web.Object([]string{"id", "organization_id", "name", "body", "created_by", "created_at"}, web.Schema{
		"id": web.Str(), "organization_id": web.Str(), "name": web.Str(), "body": web.Str(), "created_by": web.Str(), "created_at": web.StrFmt("date-time"),
	}))
	s.Schema("InterviewTemplateInput", web.Object([]string{"name", "body"}, web.Schema{"name": web.Str(), "body": web.Str()}))
}

var journalParams = append([]web.Param{
	{Name: "kind", Type: "string", Description: "only entries of this kind"},
	{Name: "author", Type: "string", Description: "only entries by this worker (id)"},
	{Name: "accompaniment", Type: "string", Description: "only entries of this accompaniment (id)"},
	{Name: "from", Type: "string", Description: "occurred on or after this date (YYYY-MM-DD)"},
	{Name: "to", Type: "string", Description: "occurred on or before this date (YYYY-MM-DD)"},
}, web.PageParams...)

func (s *Server) journalAPIRoutes() {
	journalSchemas(s)
	s.Handle("POST", "/api/v1/persons/{id}/journal", web.API, s.apiAddEntry,
		&web.Op{ID: "addJournalEntry", Summary: "Append an entry to a person's journal", Tag: "journal", Request: "JournalEntryInput", Response: "JournalEntry", Status: http.StatusCreated})
	s.Handle("GET", "/api/v1/persons/{id}/journal", web.API, s.apiListJournal,
		&web.Op{ID: "listJournal", Summary: "A person's journal, newest first, as far as the caller may read it", Tag: "journal", Response: "JournalEntry", List: true, Query: journalParams})
	s.Handle("GET", "/api/v1/journal/{id}", web.API, s.apiGetEntry,
		&web.Op{ID: "getJournalEntry", Summary: "One journal entry, with the ids of its amendments", Tag: "journal", Response: "JournalEntry"})
	s.Handle("POST", "/api/v1/journal/{id}/amendments", web.API, s.apiAmendEntry,
		&web.Op{ID: "amendJournalEntry", Summary: "Correct one's own entry: a new entry linked to it; the original is kept", Tag: "journal", Request: "AmendmentInput", Response: "JournalEntry", Status: http.StatusCreated})
	s.Handle("GET", "/api/v1/interview-templates", web.API, s.apiListTemplates,
		&web.Op{ID: "listInterviewTemplates", Summary: "The organisation's interview templates (trames d'entretien)", Tag: "journal", Response: "InterviewTemplate", List: true})
	s.Handle("POST", "/api/v1/interview-templates", web.API, s.apiCreateTemplate,
		&web.Op{ID: "createInterviewTemplate", Summary: "Add an interview template", Tag: "journal", Request: "InterviewTemplateInput", Response: "InterviewTemplate", Status: http.StatusCreated})
}

func (s *Server) apiAddEntry(w http.ResponseWriter, r *http.Request) error {
	var in casefile.EntryInput
	if err := s.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	e, err := s.svc.CaseFile.AddEntry(r.Context(), web.MustActor(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, e)
	return nil
}

// journalQuery reads the journal filters of a request.
func journalQuery(r *http.Request) casefile.JournalQuery {
	q := r.URL.Query()
	return casefile.JournalQuery{Kind: q.Get("kind"), AuthorID: q.Get("author"), AccompanimentID: q.Get("accompaniment"),
		From: q.Get("from"), To: q.Get("to")}
}

func (s *Server) apiListJournal(w http.ResponseWriter, r *http.Request) error {
	cursor, limit, err := web.PageArgs(r)
	if err != nil {
		return err
	}
	page, err := s.svc.CaseFile.Journal(r.Context(), web.MustActor(r), r.PathValue("id"), journalQuery(r), cursor, limit)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, page)
	return nil
}

func (s *Server) apiGetEntry(w http.ResponseWriter, r *http.Request) error {
	e, err := s.svc.CaseFile.Entry(r.Context(), web.MustActor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, e)
	return nil
}

func (s *Server) apiAmendEntry(w http.ResponseWriter, r *http.Request) error {
	var in casefile.AmendmentInput
	if err := s.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	e, err := s.svc.CaseFile.Amend(r.Context(), web.MustActor(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, e)
	return nil
}

func (s *Server) apiListTemplates(w http.ResponseWriter, r *http.Request) error {
	ts, err := s.svc.CaseFile.Templates(r.Context(), web.MustActor(r))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, parcours.Page[*parcours.InterviewTemplate]{Items: ts})
	return nil
}

func (s *Server) apiCreateTemplate(w http.ResponseWriter, r *http.Request) error {
	var in casefile.TemplateInput
	if err := s.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	t, err := s.svc.CaseFile.CreateTemplate(r.Context(), web.MustActor(r), in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, t)
	return nil
}
