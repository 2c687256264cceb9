package personweb

import (
	"net/http"

	"parcours/internal/parcours"
	"parcours/internal/person"
)

func householdSchemas(s *Server) {
	s.schema("HouseholdMember", object([]string{"person_id", "relationship"}, Schema{
		"person_id": str(), "relationship": relationshipSchema(), "display_name": str(),
	}))
	s.schema("Situation", object([]string{"id", "household_id", "housing", "income_sources", "employment", "monthly_income_eur", "valid_from"}, Schema{
		"id": str(), "household_id": str(), "housing": enum(parcours.HousingKinds...),
		"income_sources": arrayOf(enum(parcours.IncomeKinds...)), "employment": Schema{"type": "string"},
		"monthly_income_eur": integer(), "health": str(), "valid_from": strFmt("date"), "recorded_by": str(),
		"created_at": strFmt("date-time"),
	}))
	s.schema("Household", object([]string{"id", "organization_id", "name", "members"}, Schema{
		"id": str(), "organization_id": str(), "name": str(), "members": arrayOf(ref("HouseholdMember")),
		"situation": ref("Situation"), "created_at": strFmt("date-time"),
	}))
	s.schema("SituationInput", object([]string{"housing"}, Schema{
		"housing": enum(parcours.HousingKinds...), "income_sources": arrayOf(enum(parcours.IncomeKinds...)),
		"employment": enum(parcours.EmploymentKinds...), "monthly_income_eur": integer(), "health": str(),
		"valid_from": strFmt("date"),
	}))
	s.schema("HouseholdInput", object(nil, Schema{
		"name": str(),
		"members": arrayOf(object([]string{"person_id", "relationship"}, Schema{
			"person_id": str(), "relationship": relationshipSchema(),
		})),
		"situation": ref("SituationInput"),
	}))
	s.schema("HouseholdPatch", object([]string{"name"}, Schema{"name": str()}))
	s.schema("MemberInput", object([]string{"person_id", "relationship"}, Schema{
		"person_id": str(), "relationship": relationshipSchema(),
	}))
}

func (s *Server) householdAPIRoutes() {
	householdSchemas(s)
	s.handle("POST", "/api/v1/households", API, s.apiCreateHousehold,
		&Op{ID: "createHousehold", Summary: "Create a household with its members and situation", Tag: "households", Request: "HouseholdInput", Response: "Household", Status: http.StatusCreated})
	s.handle("GET", "/api/v1/households", API, s.apiListHouseholds,
		&Op{ID: "listHouseholds", Summary: "List the households of the organisation", Tag: "households", Response: "Household", List: true, Query: pageParams})
	s.handle("GET", "/api/v1/households/{id}", API, s.apiGetHousehold,
		&Op{ID: "getHousehold", Summary: "A household with its members and current situation", Tag: "households", Response: "Household"})
	s.handle("PATCH", "/api/v1/households/{id}", API, s.apiRenameHousehold,
		&Op{ID: "renameHousehold", Summary: "Rename a household", Tag: "households", Request: "HouseholdPatch", Response: "Household"})
	s.handle("POST", "/api/v1/households/{id}/members", API, s.apiSetHouseholdMember,
		&Op{ID: "setHouseholdMember", Summary: "Move a person into the household (out of their previous one)", Tag: "households", Request: "MemberInput", Response: "Household"})
	s.handle("POST", "/api/v1/households/{id}/situations", API, s.apiRecordSituation,
		&Op{ID: "recordSituation", Summary: "Record the household's new situation; earlier ones are kept", Tag: "households", Request: "SituationInput", Response: "Situation", Status: http.StatusCreated})
	s.handle("GET", "/api/v1/households/{id}/situations", API, s.apiSituationHistory,
		&Op{ID: "listSituations", Summary: "The household's situations, newest first", Tag: "households", Response: "Situation", List: true})
}

func (s *Server) apiCreateHousehold(w http.ResponseWriter, r *http.Request) error {
	var in person.HouseholdInput
	if err := s.decodeJSON(w, r, &in); err != nil {
		return err
	}
	h, err := s.svc.Persons.CreateHousehold(r.Context(), mustActor(r), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, h)
	return nil
}

func (s *Server) apiListHouseholds(w http.ResponseWriter, r *http.Request) error {
	cursor, limit, err := pageArgs(r)
	if err != nil {
		return err
	}
	page, err := s.svc.Persons.ListHouseholds(r.Context(), mustActor(r), cursor, limit)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, page)
	return nil
}

func (s *Server) apiGetHousehold(w http.ResponseWriter, r *http.Request) error {
	h, err := s.svc.Persons.GetHousehold(r.Context(), mustActor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, h)
	return nil
}

// householdPatch is the body of PATCH /api/v1/households/{id}.
type householdPatch struct {
	Name *string `json:"name"`
}

func (s *Server) apiRenameHousehold(w http.ResponseWriter, r *http.Request) error {
	var in householdPatch
	if err := s.decodeJSON(w, r, &in); err != nil {
		return err
	}
	if in.Name == nil {
		return parcours.FieldError(parcours.EInvalid, "name", "error.field_required", "field.household_name")
	}
	h, err := s.svc.Persons.RenameHousehold(r.Context(), mustActor(r), r.PathValue("id"), *in.Name)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, h)
	return nil
}

func (s *Server) apiSetHouseholdMember(w http.ResponseWriter, r *http.Request) error {
	var in person.MemberInput
	if err := s.decodeJSON(w, r, &in); err != nil {
		return err
	}
	h, err := s.svc.Persons.SetMember(r.Context(), mustActor(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, h)
	return nil
}

func (s *Server) apiRecordSituation(w http.ResponseWriter, r *http.Request) error {
	var in person.SituationInput
	if err := s.decodeJSON(w, r, &in); err != nil {
		return err
	}
	sit, err := s.svc.Persons.RecordSituation(r.Context(), mustActor(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, sit)
	return nil
}

// apiSituationHistory answers in the list shape of the API, on one page:
// a household has few situations.
func (s *Server) apiSituationHistory(w http.ResponseWriter, r *http.Request) error {
	items, err := s.svc.Persons.SituationHistory(r.Context(), mustActor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, parcours.Page[*parcours.Situation]{Items: items})
	return nil
}
