package casefileweb

import (
	"net/http"

	"parcours/internal/casefile"
	"parcours/internal/parcours"
)

// The case file's JSON API: accompaniments, goals, handovers and the
// catalogue of kinds here; the journal, tasks and documents in
// api_journal.go, api_task.go and api_document.go.

func casefileSchemas(s *Server) {
	s.schema("Goal", object([]string{"id", "accompaniment_id", "title", "status", "start_date", "created_at"}, Schema{
		"id": str(), "accompaniment_id": str(), "title": str(), "status": enum(parcours.GoalStatuses...),
		"start_date": strFmt("date"), "target_date": strFmt("date"), "closed_date": strFmt("date"), "created_at": strFmt("date-time"),
	}))
	s.schema("ReferentPeriod", object([]string{"worker_id", "team_id", "from"}, Schema{
		"worker_id": str(), "team_id": str(), "from": strFmt("date-time"), "until": strFmt("date-time"),
	}))
	s.schema("Accompaniment", object(
		[]string{"id", "organization_id", "person_id", "team_id", "referent_id", "kind", "start_date", "created_by", "created_at", "goals", "referents"},
		Schema{
			"id": str(), "organization_id": str(), "person_id": str(), "household_id": str(), "team_id": str(), "referent_id": str(), "kind": str(),
			"start_date": strFmt("date"), "end_date": strFmt("date"), "end_reason": enum(parcours.EndReasons...),
			"end_proof_document_id": str(), "created_by": str(), "created_at": strFmt("date-time"),
			"goals": arrayOf(ref("Goal")), "referents": arrayOf(ref("ReferentPeriod")),
		}))
	goalInput := Schema{"title": str(), "status": enum(parcours.GoalStatuses...), "target_date": strFmt("date")}
	s.schema("GoalInput", object(nil, goalInput))
	s.schema("AccompanimentInput", object([]string{"kind"}, Schema{
		"kind": str(), "team_id": str(), "referent_id": str(), "start_date": strFmt("date"),
		"goals": arrayOf(object([]string{"title"}, goalInput)), "household": boolean(),
	}))
	s.schema("EndInput", object([]string{"end_reason"}, Schema{
		"end_date": strFmt("date"), "end_reason": enum(parcours.EndReasons...), "proof_document_id": str(),
	}))
	s.schema("Handover", object(
		[]string{"id", "organization_id", "person_id", "accompaniment_id", "from_referent_id", "to_referent_id", "from_team_id", "to_team_id", "synthesis", "created_by", "created_at"},
		Schema{
			"id": str(), "organization_id": str(), "person_id": str(), "accompaniment_id": str(),
			"from_referent_id": str(), "to_referent_id": str(), "from_team_id": str(), "to_team_id": str(),
			"synthesis": str(), "note": str(), "created_by": str(), "created_at": strFmt("date-time"), "acknowledged_at": strFmt("date-time"),
		}))
	s.schema("HandoverInput", object(nil, Schema{"referent_id": str(), "team_id": str(), "note": str(), "synthesis": str()}))
	s.schema("AccompanimentKind", object([]string{"code", "label", "active"}, Schema{"code": str(), "label": str(), "active": boolean()}))
	s.schema("AccompanimentKindInput", object([]string{"label"}, Schema{"label": str(), "active": boolean()}))
}

func (s *Server) casefileAPIRoutes() {
	casefileSchemas(s)
	s.handle("POST", "/api/v1/persons/{id}/accompaniments", API, s.apiCreateAccompaniment,
		&Op{ID: "createAccompaniment", Summary: "Open an accompaniment of a person", Tag: "accompaniments", Request: "AccompanimentInput", Response: "Accompaniment", Status: http.StatusCreated})
	s.handle("GET", "/api/v1/persons/{id}/accompaniments", API, s.apiListAccompaniments,
		&Op{ID: "listAccompaniments", Summary: "A person's accompaniments, active first, with goals and successive referents", Tag: "accompaniments", Response: "Accompaniment", List: true, Query: pageParams})
	s.handle("POST", "/api/v1/accompaniments/{id}/end", API, s.apiEndAccompaniment,
		&Op{ID: "endAccompaniment", Summary: "End an accompaniment with a reason from the list", Tag: "accompaniments", Request: "EndInput", Response: "Accompaniment"})
	s.handle("POST", "/api/v1/accompaniments/{id}/goals", API, s.apiAddGoal,
		&Op{ID: "addGoal", Summary: "Add a goal (objectif) to an accompaniment", Tag: "accompaniments", Request: "GoalInput", Response: "Goal", Status: http.StatusCreated})
	s.handle("PATCH", "/api/v1/goals/{id}", API, s.apiUpdateGoal,
		&Op{ID: "updateGoal", Summary: "Change a goal's status, title or target date", Tag: "accompaniments", Request: "GoalInput", Response: "Goal"})
	s.handle("POST", "/api/v1/accompaniments/{id}/handover", API, s.apiHandover,
		&Op{ID: "handOver", Summary: "Hand an accompaniment over to a new referent or team (passation), with a pre-filled synthesis", Tag: "accompaniments", Request: "HandoverInput", Response: "Handover", Status: http.StatusCreated})
	s.handle("GET", "/api/v1/persons/{id}/handovers", API, s.apiListHandovers,
		&Op{ID: "listHandovers", Summary: "The handovers of a person's accompaniments, newest first", Tag: "accompaniments", Response: "Handover", List: true})
	s.handle("POST", "/api/v1/handovers/{id}/acknowledge", API, s.apiAcknowledgeHandover,
		&Op{ID: "acknowledgeHandover", Summary: "The new referent acknowledges a handover", Tag: "accompaniments", Response: "Handover"})
	s.handle("GET", "/api/v1/accompaniment-kinds", API, s.apiListKinds,
		&Op{ID: "listAccompanimentKinds", Summary: "The organisation's catalogue of accompaniment kinds", Tag: "accompaniments", Response: "AccompanimentKind", List: true})
	s.handle("PUT", "/api/v1/accompaniment-kinds/{code}", API, s.apiPutKind,
		&Op{ID: "putAccompanimentKind", Summary: "Add or change a kind of the catalogue", Tag: "accompaniments", Request: "AccompanimentKindInput", Response: "AccompanimentKind"})
}

func (s *Server) apiCreateAccompaniment(w http.ResponseWriter, r *http.Request) error {
	var in casefile.AccompanimentInput
	if err := s.decodeJSON(w, r, &in); err != nil {
		return err
	}
	a, err := s.svc.CaseFile.CreateAccompaniment(r.Context(), mustActor(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, a)
	return nil
}

func (s *Server) apiListAccompaniments(w http.ResponseWriter, r *http.Request) error {
	cursor, limit, err := pageArgs(r)
	if err != nil {
		return err
	}
	page, err := s.svc.CaseFile.Accompaniments(r.Context(), mustActor(r), r.PathValue("id"), cursor, limit)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, page)
	return nil
}

func (s *Server) apiEndAccompaniment(w http.ResponseWriter, r *http.Request) error {
	var in casefile.EndInput
	if err := s.decodeJSON(w, r, &in); err != nil {
		return err
	}
	a, err := s.svc.CaseFile.EndAccompaniment(r.Context(), mustActor(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a)
	return nil
}

func (s *Server) apiAddGoal(w http.ResponseWriter, r *http.Request) error {
	var in casefile.GoalInput
	if err := s.decodeJSON(w, r, &in); err != nil {
		return err
	}
	g, err := s.svc.CaseFile.AddGoal(r.Context(), mustActor(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, g)
	return nil
}

func (s *Server) apiUpdateGoal(w http.ResponseWriter, r *http.Request) error {
	var in casefile.GoalInput
	if err := s.decodeJSON(w, r, &in); err != nil {
		return err
	}
	g, err := s.svc.CaseFile.UpdateGoal(r.Context(), mustActor(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, g)
	return nil
}

func (s *Server) apiHandover(w http.ResponseWriter, r *http.Request) error {
	var in casefile.HandoverInput
	if err := s.decodeJSON(w, r, &in); err != nil {
		return err
	}
	h, err := s.svc.CaseFile.Handover(r.Context(), mustActor(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, h)
	return nil
}

func (s *Server) apiListHandovers(w http.ResponseWriter, r *http.Request) error {
	list, err := s.svc.CaseFile.Handovers(r.Context(), mustActor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, parcours.Page[*parcours.Handover]{Items: list})
	return nil
}

func (s *Server) apiAcknowledgeHandover(w http.ResponseWriter, r *http.Request) error {
	h, err := s.svc.CaseFile.Acknowledge(r.Context(), mustActor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, h)
	return nil
}

func (s *Server) apiListKinds(w http.ResponseWriter, r *http.Request) error {
	ks, err := s.svc.CaseFile.Kinds(r.Context(), mustActor(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, parcours.Page[parcours.AccompanimentKind]{Items: nonNil(ks)})
	return nil
}

func (s *Server) apiPutKind(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Label  string `json:"label"`
		Active *bool  `json:"active"`
	}
	if err := s.decodeJSON(w, r, &in); err != nil {
		return err
	}
	k := parcours.AccompanimentKind{Code: r.PathValue("code"), Label: in.Label, Active: in.Active == nil || *in.Active}
	out, err := s.svc.CaseFile.PutKind(r.Context(), mustActor(r), k)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
