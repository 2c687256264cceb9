package casefileweb

import (
	"net/http"

	"parcours/internal/casefile"
	"parcours/internal/parcours"
)

func journalSchemas(s *Server) {
	s.schema("JournalEntry", object(
		[]string{"id", "organization_id", "person_id", "kind", "occurred_at", "summary", "confidentiality", "accompaniment_id", "amends", "team_id", "author_id", "created_at"},
		Schema{
			"id": str(), "organization_id": str(), "person_id": str(), "accompaniment_id": str(),
			"kind": enum(parcours.EntryKinds...), "occurred_at": strFmt("date"), "summary": str(),
			"mode": enum(parcours.InterviewModes...), "participants": arrayOf(str()),
			"confidentiality": enum(parcours.Confidentialities...), "team_id": str(), "author_id": str(),
			"private_synthesis": str(), "amends": str(), "created_at": strFmt("date-time"),
			"amended_by": arrayOf(str()),
		}))
	s.schema("JournalEntryInput", object([]string{"kind", "summary"}, Schema{
		"kind": enum(parcours.EntryKinds...), "occurred_at": strFmt("date"), "summary": str(),
		"mode": enum(parcours.InterviewModes...), "participants": arrayOf(str()),
		"confidentiality": enum(parcours.Confidentialities...), "accompaniment_id": str(), "private_synthesis": str(),
	}))
	s.schema("AmendmentInput", object([]string{"summary"}, Schema{
		"summary": str(), "occurred_at": strFmt("date"), "private_synthesis": str(),
	}))
	s.schema("InterviewTemplate", object([]string{"id", "organization_id", "name", "body", "created_by", "created_at"}, Schema{
		"id": str(), "organization_id": str(), "name": str(), "body": str(), "created_by": str(), "created_at": strFmt("date-time"),
	}))
	s.schema("InterviewTemplateInput", object([]string{"name", "body"}, Schema{"name": str(), "body": str()}))
}

var journalParams = append([]Param{
	{Name: "kind", Type: "string", Description: "only entries of this kind"},
	{Name: "author", Type: "string", Description: "only entries by this worker (id)"},
	{Name: "accompaniment", Type: "string", Description: "only entries of this accompaniment (id)"},
	{Name: "from", Type: "string", Description: "occurred on or after this date (YYYY-MM-DD)"},
	{Name: "to", Type: "string", Description: "occurred on or before this date (YYYY-MM-DD)"},
}, pageParams...)

func (s *Server) journalAPIRoutes() {
	journalSchemas(s)
	s.handle("POST", "/api/v1/persons/{id}/journal", API, s.apiAddEntry,
		&Op{ID: "addJournalEntry", Summary: "Append an entry to a person's journal", Tag: "journal", Request: "JournalEntryInput", Response: "JournalEntry", Status: http.StatusCreated})
	s.handle("GET", "/api/v1/persons/{id}/journal", API, s.apiListJournal,
		&Op{ID: "listJournal", Summary: "A person's journal, newest first, as far as the caller may read it", Tag: "journal", Response: "JournalEntry", List: true, Query: journalParams})
	s.handle("GET", "/api/v1/journal/{id}", API, s.apiGetEntry,
		&Op{ID: "getJournalEntry", Summary: "One journal entry, with the ids of its amendments", Tag: "journal", Response: "JournalEntry"})
	s.handle("POST", "/api/v1/journal/{id}/amendments", API, s.apiAmendEntry,
		&Op{ID: "amendJournalEntry", Summary: "Correct one's own entry: a new entry linked to it; the original is kept", Tag: "journal", Request: "AmendmentInput", Response: "JournalEntry", Status: http.StatusCreated})
	s.handle("GET", "/api/v1/interview-templates", API, s.apiListTemplates,
		&Op{ID: "listInterviewTemplates", Summary: "The organisation's interview templates (trames d'entretien)", Tag: "journal", Response: "InterviewTemplate", List: true})
	s.handle("POST", "/api/v1/interview-templates", API, s.apiCreateTemplate,
		&Op{ID: "createInterviewTemplate", Summary: "Add an interview template", Tag: "journal", Request: "InterviewTemplateInput", Response: "InterviewTemplate", Status: http.StatusCreated})
}

func (s *Server) apiAddEntry(w http.ResponseWriter, r *http.Request) error {
	var in casefile.EntryInput
	if err := s.decodeJSON(w, r, &in); err != nil {
		return err
	}
	e, err := s.svc.CaseFile.AddEntry(r.Context(), mustActor(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, e)
	return nil
}

// journalQuery reads the journal filters of a request.
func journalQuery(r *http.Request) casefile.JournalQuery {
	q := r.URL.Query()
	return casefile.JournalQuery{Kind: q.Get("kind"), AuthorID: q.Get("author"), AccompanimentID: q.Get("accompaniment"),
		From: q.Get("from"), To: q.Get("to")}
}

func (s *Server) apiListJournal(w http.ResponseWriter, r *http.Request) error {
	cursor, limit, err := pageArgs(r)
	if err != nil {
		return err
	}
	page, err := s.svc.CaseFile.Journal(r.Context(), mustActor(r), r.PathValue("id"), journalQuery(r), cursor, limit)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, page)
	return nil
}

func (s *Server) apiGetEntry(w http.ResponseWriter, r *http.Request) error {
	e, err := s.svc.CaseFile.Entry(r.Context(), mustActor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, e)
	return nil
}

func (s *Server) apiAmendEntry(w http.ResponseWriter, r *http.Request) error {
	var in casefile.AmendmentInput
	if err := s.decodeJSON(w, r, &in); err != nil {
		return err
	}
	e, err := s.svc.CaseFile.Amend(r.Context(), mustActor(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, e)
	return nil
}

func (s *Server) apiListTemplates(w http.ResponseWriter, r *http.Request) error {
	ts, err := s.svc.CaseFile.Templates(r.Context(), mustActor(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, parcours.Page[*parcours.InterviewTemplate]{Items: ts})
	return nil
}

func (s *Server) apiCreateTemplate(w http.ResponseWriter, r *http.Request) error {
	var in casefile.TemplateInput
	if err := s.decodeJSON(w, r, &in); err != nil {
		return err
	}
	t, err := s.svc.CaseFile.CreateTemplate(r.Context(), mustActor(r), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, t)
	return nil
}
