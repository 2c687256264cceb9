package personweb

import (
	"net/http"
	"strconv"
	"strings"

	"parcours/internal/access"
	"parcours/internal/parcours"
	"parcours/internal/person"
	"parcours/internal/web"
)

// The household pages: create a household, then on its page see and add
// members and record its situation (the previous ones stay in the
// history). Every form posts, then redirects back (post/redirect/get).

// memberChoiceLimit bounds the persons offered in the "add a member"
// list; past it, a person is added from the person's own form.
const memberChoiceLimit = 200

func (s *Server) householdPageRoutes() {
	s.Handle("GET", "/households/new", web.Page, s.pageNewHousehold, nil)
	s.Handle("POST", "/households", web.Page, s.pageCreateHousehold, nil)
	s.Handle("GET", "/households/{id}", web.Page, s.pageHousehold, nil)
	s.Handle("POST", "/households/{id}", web.Page, s.pageRenameHousehold, nil)
	s.Handle("POST", "/households/{id}/members", web.Page, s.pageAddMember, nil)
	s.Handle("POST", "/households/{id}/situations", web.Page, s.pageRecordSituation, nil)
}

type householdFormData struct {
	Choices []*parcours.Person
	Global  string
}

// memberChoices lists the persons of the organisation that are not in
// household h (nil: any), by name.
func (s *Server) memberChoices(r *http.Request, a parcours.Actor, h *parcours.Household) ([]*parcours.Person, error) {
	list, err := s.svc.Persons.List(r.Context(), a, "", memberChoiceLimit)
	if err != nil {
		return nil, err
	}
	var out []*parcours.Person
	for _, p := range list.Items {
		if h == nil || p.HouseholdID != h.ID {
			out = append(out, p)
		}
	}
	return out, nil
}

func (s *Server) pageNewHousehold(w http.ResponseWriter, r *http.Request) error {
	a := web.MustActor(r)
	if err := s.svc.Persons.CheckCreateHousehold(a); err != nil {
		return err
	}
	choices, err := s.memberChoices(r, a, nil)
	if err != nil {
		return err
	}
	form := map[string]string{"person_id": r.URL.Query().Get("person_id")}
	return s.Render(w, r, http.StatusOK, "household_form.html", &web.PageData{Title: "household.create.title", Form: form,
		Data: &householdFormData{Choices: choices}})
}

func (s *Server) pageCreateHousehold(w http.ResponseWriter, r *http.Request) error {
	a := web.MustActor(r)
	typed := map[string]string{"name": r.PostFormValue("name"), "person_id": r.PostFormValue("person_id")}
	in := person.HouseholdInput{Name: typed["name"]}
	if id := typed["person_id"]; id != "" {
		in.Members = []person.MemberInput{{PersonID: id, Relationship: parcours.RelReference}}
	}
	h, err := s.svc.Persons.CreateHousehold(r.Context(), a, in)
	if err == nil {
		http.Redirect(w, r, "/households/"+h.ID+"?saved=household", http.StatusSeeOther)
		return nil
	}
	pg := &web.PageData{Title: "household.create.title", Form: typed}
	global, ok := web.FormErrors(web.Lang(r), err, pg)
	if !ok {
		return err
	}
	// The service names the member "members[0].person_id"; the form has
	// one "person_id" field.
	pg.Errors, pg.ErrorList = renameField(pg.Errors, pg.ErrorList, "members[0].person_id", "person_id")
	choices, cerr := s.memberChoices(r, a, nil)
	if cerr != nil {
		return cerr
	}
	pg.Data = &householdFormData{Choices: choices, Global: global}
	return s.Render(w, r, web.StatusOf(parcours.ErrorCode(err)), "household_form.html", pg)
}

func renameField(errs map[string]string, list []web.FieldMsg, from, to string) (map[string]string, []web.FieldMsg) {
	if msg, ok := errs[from]; ok {
		delete(errs, from)
		errs[to] = msg
	}
	for i := range list {
		if list[i].Field == from {
			list[i].Field = to
		}
	}
	return errs, list
}

type householdData struct {
	H       *parcours.Household
	History []*parcours.Situation
	// CanEdit shows the member and situation forms; the service decides
	// again when they are sent.
	CanEdit         bool
	CanCreatePerson bool
	Choices         []*parcours.Person
	Relationships   []parcours.Relationship
	HousingKinds    []string
	IncomeKinds     []string
	EmploymentKinds []string
	// Income holds the income sources ticked in a refused situation form.
	Income []string
	Global string
}

// savedFlash maps the ?saved= of a redirect to its message.
var savedFlash = map[string]string{
	"household": "household.saved",
	"member":    "household.member_added",
	"situation": "household.situation_saved",
}

func (s *Server) pageHousehold(w http.ResponseWriter, r *http.Request) error {
	pg := &web.PageData{Flash: savedFlash[r.URL.Query().Get("saved")], Form: map[string]string{"relationship": string(parcours.RelOther)}}
	return s.renderHousehold(w, r, http.StatusOK, pg, nil, "")
}

// keepName fills the rename form with the stored name unless the page
// shows a name that was typed and refused.
func keepName(pg *web.PageData, h *parcours.Household) {
	if _, typed := pg.Form["name"]; !typed {
		pg.Form["name"] = h.Name
	}
}

// renderHousehold shows the household page; pg carries the typed values
// and errors of a refused form, income its ticked income sources and
// global its problem that belongs to no field.
func (s *Server) renderHousehold(w http.ResponseWriter, r *http.Request, status int, pg *web.PageData, income []string, global string) error {
	a := web.MustActor(r)
	ctx := r.Context()
	h, err := s.svc.Persons.GetHousehold(ctx, a, r.PathValue("id"))
	if err != nil {
		return err
	}
	hist, err := s.svc.Persons.SituationHistory(ctx, a, h.ID)
	if err != nil {
		return err
	}
	canEdit, err := s.svc.Persons.CanHousehold(ctx, a, access.HouseholdUpdate, h.ID)
	if err != nil {
		return err
	}
	d := &householdData{H: h, History: hist, Income: income, Global: global,
		CanEdit:         canEdit,
		CanCreatePerson: access.Allowed(a, access.PersonCreate, access.Target{}),
		Relationships:   parcours.Relationships, HousingKinds: parcours.HousingKinds,
		IncomeKinds: parcours.IncomeKinds, EmploymentKinds: parcours.EmploymentKinds}
	if d.CanEdit {
		if d.Choices, err = s.memberChoices(r, a, h); err != nil {
			return err
		}
	}
	keepName(pg, h)
	pg.Title = "household.title"
	pg.Data = d
	return s.Render(w, r, status, "household.html", pg)
}

func (s *Server) pageRenameHousehold(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	typed := map[string]string{"name": r.PostFormValue("name"), "relationship": string(parcours.RelOther)}
	if _, err := s.svc.Persons.RenameHousehold(r.Context(), web.MustActor(r), id, typed["name"]); err != nil {
		return s.householdFormFailed(w, r, err, typed, nil)
	}
	http.Redirect(w, r, "/households/"+id+"?saved=household", http.StatusSeeOther)
	return nil
}

func (s *Server) pageAddMember(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	typed := map[string]string{"person_id": r.PostFormValue("person_id"), "relationship": r.PostFormValue("relationship")}
	_, err := s.svc.Persons.SetMember(r.Context(), web.MustActor(r), id, person.MemberInput{
		PersonID: typed["person_id"], Relationship: parcours.Relationship(typed["relationship"])})
	if err == nil {
		http.Redirect(w, r, "/households/"+id+"?saved=member#members", http.StatusSeeOther)
		return nil
	}
	return s.householdFormFailed(w, r, err, typed, nil)
}

func (s *Server) pageRecordSituation(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	// A body that cannot be parsed leaves every field empty, which the
	// service then refuses field by field.
	_ = r.ParseForm()
	typed := map[string]string{"relationship": string(parcours.RelOther)}
	for _, f := range []string{"housing", "employment", "monthly_income_eur", "health", "valid_from"} {
		typed[f] = r.PostForm.Get(f)
	}
	in := person.SituationInput{Housing: typed["housing"], Employment: typed["employment"], Health: typed["health"],
		ValidFrom: typed["valid_from"], IncomeSources: r.PostForm["income_sources"]}
	var err error
	if v := strings.TrimSpace(typed["monthly_income_eur"]); v != "" {
		if in.MonthlyIncome, err = strconv.Atoi(strings.ReplaceAll(v, " ", "")); err != nil {
			err = parcours.FieldError(parcours.EInvalid, "monthly_income_eur", "error.invalid_number", "field.monthly_income_eur")
		}
	}
	if err == nil {
		if _, err = s.svc.Persons.RecordSituation(r.Context(), web.MustActor(r), id, in); err == nil {
			http.Redirect(w, r, "/households/"+id+"?saved=situation#situation", http.StatusSeeOther)
			return nil
		}
	}
	return s.householdFormFailed(w, r, err, typed, in.IncomeSources)
}

// householdFormFailed shows the household page again with the problems
// of the form that was sent and what was typed in it.
func (s *Server) householdFormFailed(w http.ResponseWriter, r *http.Request, err error, typed map[string]string, income []string) error {
	pg := &web.PageData{Form: typed}
	global, ok := web.FormErrors(web.Lang(r), err, pg)
	if !ok {
		return err
	}
	return s.renderHousehold(w, r, web.StatusOf(parcours.ErrorCode(err)), pg, income, global)
}
