package web

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
}

func (s *Server) householdAPIRoutes() {
	householdSchemas(s)
	s.handle("POST", "/api/v1/households", API, s.apiCreateHousehold,
		&Op{ID: "createHousehold", Summary: "Create a household with its members and situation", Tag: "households", Request: "HouseholdInput", Response: "Household", Status: http.StatusCreated})
	s.handle("GET", "/api/v1/households", API, s.apiListHouseholds,
		&Op{ID: "listHouseholds", Summary: "List the households of the organisation", Tag: "households", Response: "Household", List: true, Query: pageParams})
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
