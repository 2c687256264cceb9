package personweb

import (
	"net/http"

	"parcours/internal/parcours"
	"parcours/internal/person"
	"parcours/internal/web"
)

func householdSchemas(s *Server) {
	s.Schema("HouseholdMember", web.Object([]string{"person_id", "relationship"}, web.Schema{
		"person_id": web.Str(), "relationship": relationshipSchema(), "display_name": web.Str(),
	}))
	s.Schema("Situation", web.Object([]string{"id", "household_id", "housing", "income_sources", "employment", "monthly_income_eur", "valid_from"}, web.Schema{
		"id": web.Str(), "household_id": web.Str(), "housing": web.Enum(parcours.HousingKinds...),
		"income_sources": web.ArrayOf(web.Enum(parcours.IncomeKinds...)), "employment": web.Schema{"type": "string"},
		"monthly_income_eur": web.Integer(), "health": web.Str(), "valid_from": web.StrFmt("date"), "recorded_by": web.Str(),
		"created_at": web.StrFmt("date-time"),
	}))
	s.Schema("Household", web.Object([]string{"id", "organization_id", "name", "members"}, web.Schema{
		"id": web.Str(), "organization_id": web.Str(), "name": web.Str(), "members": web.ArrayOf(web.Ref("HouseholdMember")),
		"situation": web.Ref("Situation"), "created_at": web.StrFmt("date-time"),
	}))
	s.Schema("SituationInput", web.Object([]string{"housing"}, web.Schema{
		"housing": web.Enum(parcours.HousingKinds...), "income_sources": web.ArrayOf(web.Enum(parcours.IncomeKinds...)),
		"employment": web.Enum(parcours.EmploymentKinds...), "monthly_income_eur": web.Integer(), "health": web.Str(),
		"valid_from": web.StrFmt("date"),
	}))
	s.Schema("HouseholdInput", web.Object(nil, web.Schema{
		"name": web.Str(),
		"members": web.ArrayOf(web.Object([]string{"person_id", "relationship"}, web.Schema{
			"person_id": web.Str(), "relationship": relationshipSchema(),
		})),
		"situation": web.Ref("SituationInput"),
	}))
	s.Schema("HouseholdPatch", web.Object([]string{"name"}, web.Schema{"name": web.Str()}))
	s.Schema("MemberInput", web.Object([]string{"person_id", "relationship"}, web.Schema{
		"person_id": web.Str(), "relationship": relationshipSchema(),
	}))
}

func (s *Server) householdAPIRoutes() {
	householdSchemas(s)
	s.Handle("POST", "/api/v1/households", web.API, s.apiCreateHousehold,
		&web.Op{ID: "createHousehold", Summary: "Create a household with its members and situation", Tag: "households", Request: "HouseholdInput", Response: "Household", Status: http.StatusCreated})
	s.Handle("GET", "/api/v1/households", web.API, s.apiListHouseholds,
		&web.Op{ID: "listHouseholds", Summary: "List the households of the organisation", Tag: "households", Response: "Household", List: true, Query: web.PageParams})
	s.Handle("GET", "/api/v1/households/{id}", web.API, s.apiGetHousehold,
		&web.Op{ID: "getHousehold", Summary: "A household with its members and current situation", Tag: "households", Response: "Household"})
	s.Handle("PATCH", "/api/v1/households/{id}", web.API, s.apiRenameHousehold,
		&web.Op{ID: "renameHousehold", Summary: "Rename a household", Tag: "households", Request: "HouseholdPatch", Response: "Household"})
	s.Handle("POST", "/api/v1/households/{id}/members", web.API, s.apiSetHouseholdMember,
		&web.Op{ID: "setHouseholdMember", Summary: "Move a person into the household (out of their previous one)", Tag: "households", Request: "MemberInput", Response: "Household"})
	s.Handle("POST", "/api/v1/households/{id}/situations", web.API, s.apiRecordSituation,
		&web.Op{ID: "recordSituation", Summary: "Record the household's new situation; earlier ones are kept", Tag: "households", Request: "SituationInput", Response: "Situation", Status: http.StatusCreated})
	s.Handle("GET", "/api/v1/households/{id}/situations", web.API, s.apiSituationHistory,
		&web.Op{ID: "listSituations", Summary: "The household's situations, newest first", Tag: "households", Response: "Situation", List: true})
}

func (s *Server) apiCreateHousehold(w http.ResponseWriter, r *http.Request) error {
	var in person.HouseholdInput
	if err := s.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	h, err := s.svc.Persons.CreateHousehold(r.Context(), web.MustActor(r), in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, h)
	return nil
}

func (s *Server) apiListHouseholds(w http.ResponseWriter, r *http.Request) error {
	cursor, limit, err := web.PageArgs(r)
	if err != nil {
		return err
	}
	page, err := s.svc.Persons.ListHouseholds(r.Context(), web.MustActor(r), cursor, limit)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, page)
	return nil
}

func (s *Server) apiGetHousehold(w http.ResponseWriter, r *http.Request) error {
	h, err := s.svc.Persons.GetHousehold(r.Context(), web.MustActor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, h)
	return nil
}

// householdPatch is the body of PATCH /api/v1/households/{id}.
type householdPatch struct {
	Name *string `json:"name"`
}

func (s *Server) apiRenameHousehold(w http.ResponseWriter, r *http.Request) error {
	var in householdPatch
	if err := s.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	if in.Name == nil {
		return parcours.FieldError(parcours.EInvalid, "name", "error.field_required", "field.household_name")
	}
	h, err := s.svc.Persons.RenameHousehold(r.Context(), web.MustActor(r), r.PathValue("id"), *in.Name)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, h)
	return nil
}

func (s *Server) apiSetHouseholdMember(w http.ResponseWriter, r *http.Request) error {
	var in person.MemberInput
	if err := s.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	h, err := s.svc.Persons.SetMember(r.Context(), web.MustActor(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, h)
	return nil
}

func (s *Server) apiRecordSituation(w http.ResponseWriter, r *http.Request) error {
	var in person.SituationInput
	if err := s.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	sit, err := s.svc.Persons.RecordSituation(r.Context(), web.MustActor(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, sit)
	return nil
}

// apiSituationHistory answers in the list shape of the API, on one page:
// a household has few situations.
func (s *Server) apiSituationHistory(w http.ResponseWriter, r *http.Request) error {
	items, err := s.svc.Persons.SituationHistory(r.Context(), web.MustActor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, parcours.Page[*parcours.Situation]{Items: items})
	return nil
}
