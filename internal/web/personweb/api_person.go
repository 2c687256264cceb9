package personweb

import (
	"net/http"

	"parcours/internal/parcours"
	"parcours/internal/person"
)

func personSchemas(s *Server) {
	address := object(nil, Schema{"line1": str(), "line2": str(), "postal_code": str(), "city": str()})
	s.schema("Address", address)
	s.schema("Person", object(
		[]string{"id", "organization_id", "birth_name", "usage_name", "first_names", "birth_date", "sex", "household_id", "created_at", "updated_at", "version"},
		Schema{
			"id": str(), "organization_id": str(), "birth_name": str(), "usage_name": str(), "first_names": str(),
			"birth_date": strFmt("date"), "birth_place": str(), "sex": enum("F", "M", "X"), "phone": str(), "email": str(),
			"address": ref("Address"), "nir": str(), "caf_number": str(), "household_id": str(),
			"created_at": strFmt("date-time"), "updated_at": strFmt("date-time"), "version": integer(),
		}))
	s.schema("PersonInput", object(nil, Schema{
		"birth_name": str(), "usage_name": str(), "first_names": str(), "birth_date": strFmt("date"), "birth_place": str(),
		"sex": enum("F", "M", "X"), "phone": str(), "email": str(), "address": ref("Address"), "nir": str(),
		"caf_number": str(), "household_id": str(), "relationship": relationshipSchema(), "version": integer(), "force": boolean(), "not_duplicate_reason": str(),
	}))
}

func relationshipSchema() Schema {
	values := make([]string, len(parcours.Relationships))
	for i, r := range parcours.Relationships {
		values[i] = string(r)
	}
	return enum(values...)
}

func (s *Server) personAPIRoutes() {
	personSchemas(s)
	s.handle("POST", "/api/v1/persons", API, s.apiCreatePerson,
		&Op{ID: "createPerson", Summary: "Create a person; 409 with error.details.candidates when likely duplicates exist, unless force=true", Tag: "persons", Request: "PersonInput", Response: "Person", Status: http.StatusCreated, Query: forceParams})
	s.handle("GET", "/api/v1/persons", API, s.apiListPersons,
		&Op{ID: "listPersons", Summary: "List the persons of the organisation, by name; with q, search them (typo-tolerant, ranked)", Tag: "persons", Response: "Person", List: true, Query: append(append([]Param{}, pageParams...), searchParams...)})
	s.handle("GET", "/api/v1/persons/{id}", API, s.apiGetPerson,
		&Op{ID: "getPerson", Summary: "A person's identity and contact", Tag: "persons", Response: "Person"})
	s.handle("PATCH", "/api/v1/persons/{id}", API, s.apiUpdatePerson,
		&Op{ID: "updatePerson", Summary: "Change some fields of a person", Tag: "persons", Request: "PersonInput", Response: "Person"})
}

func (s *Server) apiCreatePerson(w http.ResponseWriter, r *http.Request) error {
	var in person.Input
	if err := s.decodeJSON(w, r, &in); err != nil {
		return err
	}
	if r.URL.Query().Get("force") == "true" {
		in.Force = true // likely duplicates seen and dismissed
	}
	p, err := s.svc.Persons.Create(r.Context(), mustActor(r), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/persons/"+p.ID)
	writeJSON(w, http.StatusCreated, p)
	return nil
}

func (s *Server) apiListPersons(w http.ResponseWriter, r *http.Request) error {
	if r.URL.Query().Has("q") {
		return s.apiSearchPersons(w, r) // api_search.go
	}
	cursor, limit, err := pageArgs(r)
	if err != nil {
		return err
	}
	page, err := s.svc.Persons.List(r.Context(), mustActor(r), cursor, limit)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, page)
	return nil
}

func (s *Server) apiGetPerson(w http.ResponseWriter, r *http.Request) error {
	p, err := s.svc.Persons.Get(r.Context(), mustActor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

func (s *Server) apiUpdatePerson(w http.ResponseWriter, r *http.Request) error {
	var in person.Input
	if err := s.decodeJSON(w, r, &in); err != nil {
		return err
	}
	p, err := s.svc.Persons.Update(r.Context(), mustActor(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}
