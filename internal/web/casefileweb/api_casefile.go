package casefileweb

import (
	"net/http"

	"parcours/internal/casefile"
	"parcours/internal/parcours"
	"parcours/internal/web"
)

// The case file's JSON API: accompaniments, goals, handovers and the
// catalogue of kinds here; the journal, tasks and documents in
// api_journal.go, api_task.go and api_document.go.

func casefileSchemas(s *Server) {
	s.Schema("Goal", web.Object([]string{"id", "accompaniment_id", "title", "status", "start_date", "created_at"}, web.Schema{
		"id": web.Str(), "accompaniment_id": web.Str(), "title": web.Str(), "status": web.Enum(parcours.GoalStatuses...),
		"start_date": web.StrFmt("date"), "target_date": web.StrFmt("date"), "closed_date": web.StrFmt("date"), "created_at": web.StrFmt("date-time"),
	}))
	s.Schema("ReferentPeriod", web.Object([]string{"worker_id", "team_id", "from"}, web.Schema{
		"worker_id": web.Str(), "team_id": web.Str(), "from": web.StrFmt("date-time"), "until": web.StrFmt("date-time"),
	}))
	s.Schema("Accompaniment", web.Object(
		[]string{"id", "organization_id", "person_id", "team_id", "referent_id", "kind", "start_date", "created_by", "created_at", "goals", "referents"},
		web.Schema{
			"id": web.Str(), "organization_id": web.Str(), "person_id": web.Str(), "household_id": web.Str(), "team_id": web.Str(), "referent_id": web.Str(), "kind": web.Str(),
			"start_date": web.StrFmt("date"), "end_date": web.StrFmt("date"), "end_reason": web.Enum(parcours.EndReasons...),
			"end_proof_document_id": web.Str(), "created_by": web.Str(), "created_at": web.StrFmt("date-time"),
			"goals": web.ArrayOf(web.Ref("Goal")), "referents": web.ArrayOf(web.Ref("ReferentPeriod")),
		}))
	goalInput := web.Schema{"title": web.Str(), "status": web.Enum(parcours.GoalStatuses...), "target_date": web.StrFmt("date")}
	s.Schema("GoalInput", web.Object(nil, goalInput))
	s.Schema("AccompanimentInput", web.Object([]string{"kind"}, web.Schema{
		"kind": web.Str(), "team_id": web.Str(), "referent_id": web.Str(), "start_date": web.StrFmt("date"),
		"goals": web.ArrayOf(web.Object([]string{"title"}, goalInput)), "household": web.Boolean(),
	}))
	s.Schema("EndInput", web.Object([]string{"end_reason"}, web.Schema{
		"end_date": web.StrFmt("date"), "end_reason": web.Enum(parcours.EndReasons...), "proof_document_id": web.Str(),
	}))
	s.Schema("Handover", web.Object(
		[]string{"id", "organization_id", "person_id", "accompaniment_id", "from_referent_id", "to_referent_id", "from_team_id", "to_team_id", "synthesis", "created_by", "created_at"},
		web.Schema{
			"id": web.Str(), "organization_id": web.Str(), "person_id": web.Str(), "accompaniment_id": web.Str(),
			"from_referent_id": web.Str(), "to_referent_id": web.Str(), "from_team_id": web.Str(), "to_team_id": web.Str(),
			"synthesis": web.Str(), "note": web.Str(), "created_by": web.Str(), "created_at": web.StrFmt("date-time"), "acknowledged_at": web.StrFmt("date-time"),
		}))
	s.Schema("HandoverInput", web.Object(nil, web.Schema{"referent_id": web.Str(), "team_id": web.Str(), "note": web.Str(), "synthesis": web.Str()}))
	s.Schema("AccompanimentKind", web.Object([]string{"code", "label", "active"}, web.Schema{"code": web.Str(), "label": web.Str(), "active": web.Boolean()}))
	s.Schema("AccompanimentKindInput", web.Object([]string{"label"}, web.Schema{"label": web.Str(), "active": web.Boolean()}))
}

func (s *Server) casefileAPIRoutes() {
	casefileSchemas(s)
	s.Handle("POST", "/api/v1/persons/{id}/accompaniments", web.API, s.apiCreateAccompaniment,
		&web.Op{ID: "createAccompaniment", Summary: "Open an accompaniment of a person", Tag: "accompaniments", Request: "AccompanimentInput", Response: "Accompaniment", Status: http.StatusCreated})
	s.Handle("GET", "/api/v1/persons/{id}/accompaniments", web.API, s.apiListAccompaniments,
		&web.Op{ID: "listAccompaniments", Summary: "A person's accompaniments, active first, with goals and successive referents", Tag: "accompaniments", Response: "Accompaniment", List: true, Query: web.PageParams})
	s.Handle("POST", "/api/v1/accompaniments/{id}/end", web.API, s.apiEndAccompaniment,
		&web.Op{ID: "endAccompaniment", Summary: "End an accompaniment with a reason from the list", Tag: "accompaniments", Request: "EndInput", Response: "Accompaniment"})
	s.Handle("POST", "/api/v1/accompaniments/{id}/goals", web.API, s.apiAddGoal,
		&web.Op{ID: "addGoal", Summary: "Add a goal (objectif) to an accompaniment", Tag: "accompaniments", Request: "GoalInput", Response: "Goal", Status: http.StatusCreated})
	s.Handle("PATCH", "/api/v1/goals/{id}", web.API, s.apiUpdateGoal,
		&web.Op{ID: "updateGoal", Summary: "Change a goal's status, title or target date", Tag: "accompaniments", Request: "GoalInput", Response: "Goal"})
	s.Handle("POST", "/api/v1/accompaniments/{id}/handover", web.API, s.apiHandover,
		&web.Op{ID: "handOver", Summary: "Hand an accompaniment over to a new referent or team (passation), with a pre-filled synthesis", Tag: "accompaniments", Request: "HandoverInput", Response: "Handover", Status: http.StatusCreated})
	s.Handle("GET", "/api/v1/persons/{id}/handovers", web.API, s.apiListHandovers,
		&web.Op{ID: "listHandovers", Summary: "The handovers of a person's accompaniments, newest first", Tag: "accompaniments", Response: "Handover", List: true})
	s.Handle("POST", "/api/v1/handovers/{id}/acknowledge", web.API, s.apiAcknowledgeHandover,
		&web.Op{ID: "acknowledgeHandover", Summary: "The new referent acknowledges a handover", Tag: "accompaniments", Response: "Handover"})
	s.Handle("GET", "/api/v1/accompaniment-kinds", web.API, s.apiListKinds,
		&web.Op{ID: "listAccompanimentKinds", Summary: "The organisation's catalogue of accompaniment kinds", Tag: "accompaniments", Response: "AccompanimentKind", List: true})
	s.Handle("PUT", "/api/v1/accompaniment-kinds/{code}", web.API, s.apiPutKind,
		&web.Op{ID: "putAccompanimentKind", Summary: "Add or change a kind of the catalogue", Tag: "accompaniments", Request: "AccompanimentKindInput", Response: "AccompanimentKind"})
}

func (s *Server) apiCreateAccompaniment(w http.ResponseWriter, r *http.Request) error {
	var in casefile.AccompanimentInput
	if err := s.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	a, err := s.svc.CaseFile.CreateAccompaniment(r.Context(), web.MustActor(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, a)
	return nil
}

func (s *Server) apiListAccompaniments(w http.ResponseWriter, r *http.Request) error {
	cursor, limit, err := web.PageArgs(r)
	if err != nil {
		return err
	}
	page, err := s.svc.CaseFile.Accompaniments(r.Context(), web.MustActor(r), r.PathValue("id"), cursor, limit)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, page)
	return nil
}

func (s *Server) apiEndAccompaniment(w http.ResponseWriter, r *http.Request) error {
	var in casefile.EndInput
	if err := s.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	a, err := s.svc.CaseFile.EndAccompaniment(r.Context(), web.MustActor(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, a)
	return nil
}

func (s *Server) apiAddGoal(w http.ResponseWriter, r *http.Request) error {
	var in casefile.GoalInput
	if err := s.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	g, err := s.svc.CaseFile.AddGoal(r.Context(), web.MustActor(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, g)
	return nil
}

func (s *Server) apiUpdateGoal(w http.ResponseWriter, r *http.Request) error {
	var in casefile.GoalInput
	if err := s.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	g, err := s.svc.CaseFile.UpdateGoal(r.Context(), web.MustActor(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, g)
	return nil
}

func (s *Server) apiHandover(w http.ResponseWriter, r *http.Request) error {
	var in casefile.HandoverInput
	if err := s.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	h, err := s.svc.CaseFile.Handover(r.Context(), web.MustActor(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, h)
	return nil
}

func (s *Server) apiListHandovers(w http.ResponseWriter, r *http.Request) error {
	list, err := s.svc.CaseFile.Handovers(r.Context(), web.MustActor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, parcours.Page[*parcours.Handover]{Items: list})
	return nil
}

func (s *Server) apiAcknowledgeHandover(w http.ResponseWriter, r *http.Request) error {
	h, err := s.svc.CaseFile.Acknowledge(r.Context(), web.MustActor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, h)
	return nil
}

func (s *Server) apiListKinds(w http.ResponseWriter, r *http.Request) error {
	ks, err := s.svc.CaseFile.Kinds(r.Context(), web.MustActor(r))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, parcours.Page[parcours.AccompanimentKind]{Items: web.NonNil(ks)})
	return nil
}

func (s *Server) apiPutKind(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Label  string `json:"label"`
		Active *bool  `json:"active"`
	}
	if err := s.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	k := parcours.AccompanimentKind{Code: r.PathValue("code"), Label: in.Label, Active: in.Active == nil || *in.Active}
	out, err := s.svc.CaseFile.PutKind(r.Context(), web.MustActor(r), k)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, out)
	return nil
}
