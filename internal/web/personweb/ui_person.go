package personweb

import (
	"net/http"
	"net/url"
	"strconv"

	"parcours/internal/access"
	"parcours/internal/casefile"
	"parcours/internal/parcours"
	"parcours/internal/person"
	"parcours/internal/search"
	"parcours/internal/web"
)

// The persons pages: the list, and the forms to create and edit a person.
// The person's file (GET /persons/{id}) belongs to the case file; a saved
// form redirects there (post/redirect/get).

// personPageSize is the number of persons on one page of the list.
const personPageSize = 25

func (s *Server) personPageRoutes() {
	s.Handle("GET", "/persons", web.Page, s.pagePersons, nil)
	s.Handle("GET", "/persons/new", web.Page, s.pageNewPerson, nil)
	s.Handle("POST", "/persons", web.Page, s.pageCreatePerson, nil)
	s.Handle("GET", "/persons/{id}/edit", web.Page, s.pageEditPerson, nil)
	s.Handle("POST", "/persons/{id}", web.Page, s.pageUpdatePerson, nil)
}

// personRow is one line of the persons list.
type personRow struct {
	*parcours.Person
	CanEdit bool
}

type personsData struct {
	Rows         []personRow
	Next         string // URL of the next page, "" on the last one
	First        string // URL of the first page, "" on it
	CanCreate    bool
	CanHousehold bool // may create households
	SeeHousehold bool // may open households
	// HasCaseload offers « mes personnes suivies »; Mine shows it (the
	// persons the worker is the referent of) instead of the whole
	// structure, sorted by Sort.
	HasCaseload, Mine bool
	Caseload          []casefile.CaseloadRow
	Sort              string
}

func (s *Server) pagePersons(w http.ResponseWriter, r *http.Request) error {
	a := web.MustActor(r)
	hasCaseload := s.svc.CaseFile != nil && (a.Role == parcours.RoleWorker || a.Role == parcours.RoleManager)
	if r.URL.Query().Get("mine") != "" && hasCaseload {
		return s.pageCaseload(w, r, a)
	}
	cursor := r.URL.Query().Get("cursor")
	list, err := s.svc.Persons.List(r.Context(), a, cursor, personPageSize)
	if err != nil {
		return err
	}
	d := &personsData{
		CanCreate:    access.Allowed(a, access.PersonCreate, access.Target{}),
		CanHousehold: access.Allowed(a, access.HouseholdCreate, access.Target{}),
		SeeHousehold: access.Allowed(a, access.HouseholdRead, access.Target{OrgID: a.OrgID}),
		HasCaseload:  hasCaseload,
	}
	// « modifier » only on the files the service will let the actor
	// change: the door checks each row's relation, in one query.
	ids := make([]string, len(list.Items))
	for i, p := range list.Items {
		ids[i] = p.ID
	}
	canEdit, err := s.svc.Persons.Can(r.Context(), a, access.PersonUpdate, ids)
	if err != nil {
		return err
	}
	for _, p := range list.Items {
		d.Rows = append(d.Rows, personRow{Person: p, CanEdit: canEdit[p.ID]})
	}
	if list.NextCursor != "" {
		d.Next = "/persons?cursor=" + url.QueryEscape(list.NextCursor)
	}
	if cursor != "" {
		d.First = "/persons"
	}
	return s.Render(w, r, http.StatusOK, "persons.html", &web.PageData{Title: "persons.title", Data: d})
}

// pageCaseload is « mes personnes suivies »: the persons the worker is the
// referent of, sortable by name, last contact (longest without first),
// next appointment (soonest first) or alerts (most first), with links
// that need no script.
func (s *Server) pageCaseload(w http.ResponseWriter, r *http.Request, a parcours.Actor) error {
	by := casefile.CaseloadSort(r.URL.Query().Get("sort"))
	switch by {
	case casefile.ByName, casefile.ByLastContact, casefile.ByAlerts, casefile.ByNextAppointment:
	case "":
		by = casefile.ByLastContact
	default:
		return parcours.FieldError(parcours.EBadRequest, "sort", "error.caseload_sort")
	}
	rows, err := s.svc.CaseFile.Caseload(r.Context(), a, by)
	if err != nil {
		return err
	}
	d := &personsData{HasCaseload: true, Mine: true, Caseload: rows, Sort: string(by),
		CanCreate: access.Allowed(a, access.PersonCreate, access.Target{})}
	return s.Render(w, r, http.StatusOK, "persons.html", &web.PageData{Title: "persons.caseload.title", Data: d})
}

// personFormData is what the person form needs besides the typed values
// (page.Form) and the errors (page.Errors).
type personFormData struct {
	Action  string // where the form posts
	Cancel  string // where "Annuler" goes
	Create  bool
	SeesNIR bool
	// Household is set when a new person is created straight into a
	// household, from the household's page.
	Household     *parcours.Household
	Relationships []parcours.Relationship
	Sexes         []parcours.Sex
	// Global is a problem that belongs to no single field (a conflict).
	Global string
	// Candidates are the likely duplicates of the person being created:
	// the worker opens them, or says they are another person and why.
	Candidates []search.Candidate
	// Hidden are the typed fields, sent again by the confirmation form.
	Hidden [][2]string
}

// personFields are the form fields of a person, named as the service
// names them in its errors, so each message lands next to its field.
var personFields = []string{"birth_name", "usage_name", "first_names", "birth_date", "birth_place", "sex", "phone", "email",
	"address.line1", "address.line2", "address.postal_code", "address.city", "nir", "caf_number"}

// personValues fills a form with a stored person.
func personValues(p *parcours.Person) map[string]string {
	return map[string]string{
		"birth_name": p.BirthName, "usage_name": p.UsageName, "first_names": p.FirstNames, "birth_date": p.BirthDate,
		"birth_place": p.BirthPlace, "sex": string(p.Sex), "phone": p.Phone, "email": p.Email,
		"address.line1": p.Address.Line1, "address.line2": p.Address.Line2, "address.postal_code": p.Address.PostalCode,
		"address.city": p.Address.City, "nir": p.NIR, "caf_number": p.CAFNumber, "version": strconv.Itoa(p.Version),
	}
}

// personInput reads the submitted form into a service input and keeps what
// was typed, to show it again if the service refuses it. The NIR is read
// only from roles that see it: the others have no such field.
func personInput(r *http.Request, seesNIR bool) (person.Input, map[string]string) {
	typed := map[string]string{}
	for _, f := range append(personFields, "household_id", "relationship", "version") {
		typed[f] = r.PostFormValue(f)
	}
	str := func(f string) *string { v := typed[f]; return &v }
	in := person.Input{
		BirthName: str("birth_name"), UsageName: str("usage_name"), FirstNames: str("first_names"),
		BirthDate: str("birth_date"), BirthPlace: str("birth_place"), Phone: str("phone"), Email: str("email"),
		CAFNumber: str("caf_number"),
		Address: &parcours.Address{Line1: typed["address.line1"], Line2: typed["address.line2"],
			PostalCode: typed["address.postal_code"], City: typed["address.city"]},
	}
	if sex := parcours.Sex(typed["sex"]); sex != "" {
		in.Sex = &sex
	}
	// The NIR is changed only by a form that showed it: a role that does
	// not see it has no such field and must not blank it.
	if _, sent := r.PostForm["nir"]; seesNIR && sent {
		in.NIR = str("nir")
	} else {
		delete(typed, "nir")
	}
	return in, typed
}

func (s *Server) newPersonForm(r *http.Request, a parcours.Actor) (*personFormData, error) {
	d := &personFormData{Action: "/persons", Cancel: "/persons", Create: true, SeesNIR: person.SeesNIR(a),
		Relationships: parcours.Relationships, Sexes: []parcours.Sex{parcours.SexFemale, parcours.SexMale, parcours.SexUnknown}}
	if id := r.FormValue("household_id"); id != "" {
		h, err := s.svc.Persons.GetHousehold(r.Context(), a, id)
		if err != nil {
			return nil, err
		}
		d.Household = h
		d.Cancel = "/households/" + h.ID
	}
	return d, nil
}

func (s *Server) pageNewPerson(w http.ResponseWriter, r *http.Request) error {
	a := web.MustActor(r)
	if err := s.svc.Persons.CheckCreate(a); err != nil {
		return err
	}
	d, err := s.newPersonForm(r, a)
	if err != nil {
		return err
	}
	form := map[string]string{"sex": string(parcours.SexUnknown), "relationship": string(parcours.RelOther)}
	if d.Household != nil && len(d.Household.Members) == 0 {
		form["relationship"] = string(parcours.RelReference)
	}
	return s.Render(w, r, http.StatusOK, "person_form.html", &web.PageData{Title: "persons.create.title", Form: form, Data: d})
}

func (s *Server) pageCreatePerson(w http.ResponseWriter, r *http.Request) error {
	a := web.MustActor(r)
	in, typed := personInput(r, person.SeesNIR(a))
	if id := typed["household_id"]; id != "" {
		rel := parcours.Relationship(typed["relationship"])
		in.HouseholdID, in.Relationship = &id, &rel
	}
	if r.PostFormValue("force") == "true" {
		// « Ce n'est pas la même personne — créer »: the reason is
		// required and recorded against each candidate.
		in.Force, in.RequireReason, in.NotDuplicateReason = true, true, r.PostFormValue("not_duplicate_reason")
		typed["not_duplicate_reason"] = in.NotDuplicateReason
	}
	p, err := s.svc.Persons.Create(r.Context(), a, in)
	if err == nil {
		http.Redirect(w, r, "/persons/"+p.ID, http.StatusSeeOther)
		return nil
	}
	pg := &web.PageData{Title: "persons.create.title", Form: typed}
	global, ok := web.FormErrors(web.Lang(r), err, pg)
	if !ok {
		return err
	}
	d, derr := s.newPersonForm(r, a)
	if derr != nil {
		return derr
	}
	d.Global = global
	if e := parcours.AsError(err); e != nil {
		if m, ok := e.Details.(map[string]any); ok {
			d.Candidates, _ = m["candidates"].([]search.Candidate)
		}
	}
	if len(d.Candidates) > 0 {
		d.Global = ""
		for _, f := range append(personFields, "household_id", "relationship") {
			if v := typed[f]; v != "" {
				d.Hidden = append(d.Hidden, [2]string{f, v})
			}
		}
	}
	pg.Data = d
	return s.Render(w, r, web.StatusOf(parcours.ErrorCode(err)), "person_form.html", pg)
}

func (s *Server) editPersonForm(p *parcours.Person, a parcours.Actor) *personFormData {
	return &personFormData{Action: "/persons/" + p.ID, Cancel: "/persons/" + p.ID, SeesNIR: person.SeesNIR(a),
		Sexes: []parcours.Sex{parcours.SexFemale, parcours.SexMale, parcours.SexUnknown}}
}

func (s *Server) pageEditPerson(w http.ResponseWriter, r *http.Request) error {
	a := web.MustActor(r)
	p, err := s.svc.Persons.GetForUpdate(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return err
	}
	return s.Render(w, r, http.StatusOK, "person_form.html", &web.PageData{Title: "persons.edit.title", Form: personValues(p), Data: s.editPersonForm(p, a)})
}

func (s *Server) pageUpdatePerson(w http.ResponseWriter, r *http.Request) error {
	a := web.MustActor(r)
	id := r.PathValue("id")
	in, typed := personInput(r, person.SeesNIR(a))
	if v := typed["version"]; v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return parcours.FieldError(parcours.EBadRequest, "version", "error.invalid_number", "version")
		}
		in.Version = &n
	}
	p, err := s.svc.Persons.Update(r.Context(), a, id, in)
	if err == nil {
		http.Redirect(w, r, "/persons/"+p.ID, http.StatusSeeOther)
		return nil
	}
	pg := &web.PageData{Title: "persons.edit.title", Form: typed}
	global, ok := web.FormErrors(web.Lang(r), err, pg)
	if !ok {
		return err
	}
	// Show the form again on the person as the actor may see them, keeping
	// what was typed (and the version it was typed against).
	stored, gerr := s.svc.Persons.GetForUpdate(r.Context(), a, id)
	if gerr != nil {
		return gerr
	}
	d := s.editPersonForm(stored, a)
	d.Global = global
	pg.Data = d
	return s.Render(w, r, web.StatusOf(parcours.ErrorCode(err)), "person_form.html", pg)
}
