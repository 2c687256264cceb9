package personweb

import (
	"net/http"

	"parcours/internal/parcours"
	"parcours/internal/person"
	"parcours/internal/web"
)

func personSchemas(s *Server) {
	address := web.Object(nil, web.Schema{"line1": web.Str(), "line2": web.Str(), "postal_code": web.Str(), "city": web.Str()})
	s.Schema("Address", address)
	s.Schema("Person", web.Object(
		[]string{"id", "organization_id", "birth_name", "usage_name", "first_names", "birth_date", "sex", "household_id", "created_at", "updated_at", "version"},
		web.Schema{
			"id": web.Str(), "organization_id": web.Str(), "birth_name": web.Str(), "usage_name": web.Str(), "first_names": web.Str(),
			"birth_date": web.StrFmt("date"), "birth_place": web.Str(), "sex": web.Enum("F", "M", "X"), "phone": web.Str(), "email": web.Str(),
			"address": web.Ref("Address"), "nir": web.Str(), "caf_number": web.Str(), "household_id": web.Str(),
			"created_at": web.StrFmt("date-time"), "updated_at": web.StrFmt("date-time"), "version": web.Integer(),
		}))
	s.Schema("PersonInput", web.Object(nil, web.Schema{
		"birth_name": web.Str(), "usage_name": web.Str(), "first_names": web.Str(), "birth_date": web.StrFmt("date"), "birth_place": web.Str(),
		"sex": web.Enum("F", "M", "X"), "phone": web.Str(), "email": web.Str(), "address": web.Ref("Address"), "nir": web.Str(),
		"caf_number": web.Str(), "household_id": web.Str(), "relationship": relationshipSchema(), "version": web.Integer(), "force": web.Boolean(), "not_duplicate_reason": web.Str(),
	}))
}

func relationshipSchema() web.Schema {
	values := make([]string, len(parcours.Relationships))
	for i, r := range parcours.Relationships {
		values[i] = string(r)
	}
	return web.Enum(values...)
}

func (s *Server) personAPIRoutes() {
	personSchemas(s)
	s.Handle("POST", "/api/v1/persons", web.API, s.apiCreatePerson,
		&web.Op{ID: "createPerson", Summary: "Create a person; 409 with error.details.candidates when likely duplicates exist, unless force=true", Tag: "persons", Request: "PersonInput", Response: "Person", Status: http.StatusCreated, Query: forceParams})
	s.Handle("GET", "/api/v1/persons", web.API, s.apiListPersons,
		&web.Op{ID: "listPersons", Summary: "List the persons of the organisation, by name; with q, search them (typo-tolerant, ranked)", Tag: "persons", Response: "Person", List: true, Query: append(append([]web.Param{}, web.PageParams...), searchParams...)})
	s.Handle("GET", "/api/v1/persons/{id}", web.API, s.apiGetPerson,
		&web.Op{ID: "getPerson", Summary: "A person's identity and contact", Tag: "persons", Response: "Person"})
	s.Handle("PATCH", "/api/v1/persons/{id}", web.API, s.apiUpdatePerson,
		&web.Op{ID: "updatePerson", Summary: "Change some fields of a person", Tag: "persons", Request: "PersonInput", Response: "Person"})
}

func (s *Server) apiCreatePerson(w http.ResponseWriter, r *http.Request) error {
	var in person.Input
	if err := s.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	if r.URL.Query().Get("force") == "true" {
		in.Force = true // likely duplicates seen and dismissed
	}
	p, err := s.svc.Persons.Create(r.Context(), web.MustActor(r), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/persons/"+p.ID)
	web.WriteJSON(w, http.StatusCreated, p)
	return nil
}

func (s *Server) apiListPersons(w http.ResponseWriter, r *http.Request) error {
	if r.URL.Query().Has("q") {
		return s.apiSearchPersons(w, r) // api_search.go
	}
	cursor, limit, err := web.PageArgs(r)
	if err != nil {
		return err
	}
	page, err := s.svc.Persons.List(r.Context(), web.MustActor(r), cursor, limit)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, page)
	return nil
}

func (s *Server) apiGetPerson(w http.ResponseWriter, r *http.Request) error {
	p, err := s.svc.Persons.Get(r.Context(), web.MustActor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, p)
	return nil
}

func (s *Server) apiUpdatePerson(w http.ResponseWriter, r *http.Request) error {
	var in person.Input
	if err := s.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	p, err := s.svc.Persons.Update(r.Context(), web.MustActor(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, p)
	return nil
}
