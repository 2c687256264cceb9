package web_test

import (
	"net/url"
	"reflect"
	"strings"
	"testing"

	"parcours/internal/app/apptest"
	"parcours/internal/letters"
	"parcours/internal/parcours"
	"parcours/internal/person"
	"parcours/internal/rights"
)

// Access to rights through the HTTP handlers, on both backends: the rules
// of issue 12 (mandates, amounts, ended procedures) and what the pages
// and the printed mandate show.

type rightsError struct {
	Error struct {
		Code, Message, Field string
		Fields               []struct{ Field, Message string }
	}
}

func wantStatus(t *testing.T, r *apptest.Response, want int, what string) {
	t.Helper()
	if r.Status != want {
		t.Fatalf("%s: status %d, want %d: %s", what, r.Status, want, r.Body)
	}
}

func rightsPerson(t *testing.T, e *apptest.Env, who, name string) *parcours.Person {
	t.Helper()
	p, err := e.App.Persons.Create(t.Context(), e.Actor(who), person.Input{
		BirthName: ptr(name), FirstNames: ptr("Sam"), BirthDate: ptr("1985-02-03"), Sex: ptr(parcours.SexMale)})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestProcedure_DoneForThePersonNeedsAValidMandateCoveringIt(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		p := rightsPerson(t, e, "worker", "NGUYEN")
		base := "/api/v1/persons/" + p.ID
		forRSA := map[string]any{"right_code": "rsa", "help_level": "for_person"}

		r := e.Do("POST", base+"/procedures", "worker", forRSA)
		wantStatus(t, r, 422, "for the person without a mandate")
		var ae rightsError
		r.Decode(t, &ae)
		if ae.Error.Field != "help_level" || !strings.Contains(ae.Error.Message, "aucun mandat") || !strings.Contains(ae.Error.Message, "RSA") {
			t.Errorf("reason = %+v, want the missing mandate for the RSA", ae.Error)
		}

		r = e.Do("POST", base+"/mandates", "worker", map[string]any{"procedures": []string{"rsa", "css"}, "end_date": inDays(180)})
		wantStatus(t, r, 201, "mandate")
		var m parcours.Mandate
		r.Decode(t, &m)
		if m.Status != parcours.MandateActive || m.WorkerID != e.Workers["worker"].ID {
			t.Errorf("mandate = %+v", m)
		}

		r = e.Do("POST", base+"/procedures", "worker", forRSA)
		wantStatus(t, r, 201, "for the person under the mandate")
		var proc parcours.Procedure
		r.Decode(t, &proc)
		if proc.MandateID != m.ID || proc.HelpLevel != parcours.HelpFor {
			t.Errorf("procedure = %+v, want it to rest on mandate %s", proc, m.ID)
		}

		r = e.Do("POST", base+"/procedures", "worker", map[string]any{"right_code": "apl", "help_level": "for_person"})
		wantStatus(t, r, 422, "a procedure the mandate does not name")
		r.Decode(t, &ae)
		if !strings.Contains(ae.Error.Message, "ne couvre") {
			t.Errorf("reason = %q, want the mandate not covering APL", ae.Error.Message)
		}

		wantStatus(t, e.Do("POST", "/api/v1/mandates/"+m.ID+"/revoke", "worker", map[string]any{}), 200, "revoke")
		wantStatus(t, e.Do("POST", "/api/v1/mandates/"+m.ID+"/revoke", "worker", map[string]any{}), 409, "revoke twice")
		r = e.Do("POST", base+"/procedures", "worker", forRSA)
		wantStatus(t, r, 422, "for the person after the revocation")
		r.Decode(t, &ae)
		if !strings.Contains(ae.Error.Message, "révoqué") {
			t.Errorf("reason = %q, want the revocation", ae.Error.Message)
		}
		// Moving an existing procedure to « pour la personne » is held to
		// the same rule.
		r = e.Do("POST", base+"/procedures", "worker", map[string]any{"right_code": "css", "help_level": "with_person"})
		wantStatus(t, r, 201, "with the person")
		r.Decode(t, &proc)
		wantStatus(t, e.Do("PATCH", "/api/v1/procedures/"+proc.ID, "worker", map[string]any{"help_level": "for_person"}), 422, "to for_person")

		var list parcours.Page[*parcours.Procedure]
		e.Do("GET", base+"/procedures", "worker", nil).Decode(t, &list)
		if len(list.Items) != 2 {
			t.Errorf("%d procedures, want 2: refused ones are not stored", len(list.Items))
		}
	})
}

func TestMandate_LongerThanAYearOrStartingInThePastIsRefused(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		p := rightsPerson(t, e, "worker", "BERNARD")
		base := "/api/v1/persons/" + p.ID + "/mandates"
		today := parcours.Today(e.App.DB.Now())
		for _, tc := range []struct {
			name       string
			body       map[string]any
			field, msg string
		}{
			{"starts yesterday", map[string]any{"procedures": []string{"rsa"}, "start_date": rights.AddDays(today, -1), "end_date": inDays(30)}, "end_date", ""},
			{"a year and a day", map[string]any{"procedures": []string{"rsa"}, "end_date": yearFrom(today, 1)}, "end_date", "un an au plus"},
			{"ends before it starts", map[string]any{"procedures": []string{"rsa"}, "start_date": inDays(10), "end_date": inDays(5)}, "end_date", ""},
			{"no procedure", map[string]any{"procedures": []string{}, "end_date": inDays(30)}, "procedures", ""},
			{"unknown procedure", map[string]any{"procedures": []string{"loto"}, "end_date": inDays(30)}, "procedures", "loto"},
		} {
			r := e.Do("POST", base, "worker", tc.body)
			if r.Status != 422 {
				t.Errorf("%s: status %d, want 422: %s", tc.name, r.Status, r.Body)
				continue
			}
			if tc.name == "starts yesterday" && !strings.Contains(string(r.Body), "start_date") {
				t.Errorf("%s: %s does not name start_date", tc.name, r.Body)
			}
			if tc.msg != "" && !strings.Contains(string(r.Body), tc.msg) {
				t.Errorf("%s: %s does not say %q", tc.name, r.Body, tc.msg)
			}
		}
		// Exactly one year is allowed.
		wantStatus(t, e.Do("POST", base, "worker", map[string]any{"procedures": []string{"rsa"},
			"end_date": yearFrom(today, 0)}), 201, "exactly a year")
		var list parcours.Page[*parcours.Mandate]
		e.Do("GET", base, "worker", nil).Decode(t, &list)
		if len(list.Items) != 1 {
			t.Errorf("%d mandates stored, want 1", len(list.Items))
		}
	})
}

// yearFrom is date plus one year and extra days.
func yearFrom(date string, extra int) string {
	d, _ := parcours.ParseDate(date)
	return d.AddDate(1, 0, extra).Format("2006-01-02")
}

func TestProcedure_AmountsAndEndedProcedures(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		p := rightsPerson(t, e, "worker", "PETIT")
		base := "/api/v1/persons/" + p.ID + "/procedures"
		for _, cents := range []int64{-1, parcours.MaxAmountCents + 1} {
			r := e.Do("POST", base, "worker", map[string]any{"right_code": "aah", "help_level": "with_person", "amount_cents": cents})
			wantStatus(t, r, 422, "amount")
			if !strings.Contains(string(r.Body), "amount_cents") {
				t.Errorf("amount %d: the error does not name amount_cents: %s", cents, r.Body)
			}
		}
		// The form takes euros in the French form.
		r := e.Page("POST", "/persons/"+p.ID+"/procedures", "worker", url.Values{"proc-right_code": {"aah"},
			"proc-help_level": {"with_person"}, "proc-status": {"deposee"}, "proc-amount_cents": {"1 874,50"}})
		wantStatus(t, r, 303, "form with an amount")
		r = e.Page("POST", "/persons/"+p.ID+"/procedures", "worker", url.Values{"proc-right_code": {"aah"},
			"proc-help_level": {"with_person"}, "proc-amount_cents": {"-3"}})
		wantStatus(t, r, 422, "form with a negative amount")
		if !strings.Contains(string(r.Body), "ne peut pas être négatif") {
			t.Errorf("the form does not say why")
		}
		var list parcours.Page[*parcours.Procedure]
		e.Do("GET", base, "worker", nil).Decode(t, &list)
		if len(list.Items) != 1 || list.Items[0].AmountCents != 187450 || list.Items[0].FiledOn == "" {
			t.Fatalf("procedures = %+v, want one of 187450 cents, filed", list.Items)
		}
		id := list.Items[0].ID
		tab := e.Page("GET", "/persons/"+p.ID+"/rights", "worker", nil)
		wantStatus(t, tab, 200, "tab")
		if !strings.Contains(string(tab.Body), "1\u00a0874,50\u00a0€") {
			t.Errorf("the tab does not show « 1 874,50 € »")
		}
		wantStatus(t, e.Do("PATCH", "/api/v1/procedures/"+id, "worker", map[string]any{"status": "a_faire"}), 422, "a step back")
		wantStatus(t, e.Do("PATCH", "/api/v1/procedures/"+id, "worker", map[string]any{"status": "accordee", "amount_cents": 60000}), 200, "granted")
		wantStatus(t, e.Do("PATCH", "/api/v1/procedures/"+id, "worker", map[string]any{"status": "refusee"}), 409, "after the decision")
	})
}

func TestProcedure_NextStepIsATaskAndAFollowUp(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		p := rightsPerson(t, e, "worker", "ROUX")
		r := e.Do("POST", "/api/v1/persons/"+p.ID+"/procedures", "worker", map[string]any{"right_code": "prime_activite",
			"help_level": "with_person", "next_step": "Rappeler la CAF", "due_date": inDays(2)})
		wantStatus(t, r, 201, "procedure")
		var proc parcours.Procedure
		r.Decode(t, &proc)
		if proc.TaskID == "" {
			t.Fatal("no task for the next step")
		}
		var fu rights.FollowUp
		e.Do("GET", "/api/v1/procedures/follow-up", "worker", nil).Decode(t, &fu)
		if len(fu.Procedures) != 1 || fu.Procedures[0].ID != proc.ID || fu.PersonNames[p.ID] == "" {
			t.Errorf("follow-up = %+v, want the procedure with the person's name", fu)
		}
		page := e.Page("GET", "/procedures/follow-up", "worker", nil)
		if !strings.Contains(string(page.Body), "Rappeler la CAF") {
			t.Errorf("the page « mes démarches à relancer » does not show the next step")
		}
		// worker2 does not follow the person: nothing of theirs there.
		e.Do("GET", "/api/v1/procedures/follow-up", "worker2", nil).Decode(t, &fu)
		if len(fu.Procedures) != 0 {
			t.Errorf("worker2 sees %d procedures to follow up", len(fu.Procedures))
		}
		wantStatus(t, e.Do("PATCH", "/api/v1/procedures/"+proc.ID, "worker", map[string]any{"status": "abandonnee"}), 200, "abandon")
		var tasks parcours.Page[*parcours.Task]
		e.Do("GET", "/api/v1/persons/"+p.ID+"/tasks?open=true", "worker", nil).Decode(t, &tasks)
		if len(tasks.Items) != 0 {
			t.Errorf("%d open tasks once the procedure was abandoned, want 0", len(tasks.Items))
		}
	})
}

func TestAutonomyCheck_ShowsProgressAndRefusesUnknownAnswers(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		p := rightsPerson(t, e, "worker", "FAURE")
		base := "/api/v1/persons/" + p.ID + "/autonomy-checks"
		bad := map[string]any{"equipment": "tablette", "connection": "home", "email": "uses", "franceconnect": "has", "alone": "yes", "language": "fluent"}
		wantStatus(t, e.Do("POST", base, "worker", bad), 422, "unknown answer")
		first := map[string]any{"checked_on": rights.AddDays(parcours.Today(e.App.DB.Now()), -90), "equipment": "phone", "connection": "none",
			"email": "none", "franceconnect": "none", "alone": "no", "language": "partial"}
		wantStatus(t, e.Do("POST", base, "worker", first), 201, "first check")
		wantStatus(t, e.Do("POST", base, "worker", map[string]any{"equipment": "phone", "connection": "mobile",
			"email": "has", "franceconnect": "has", "alone": "with_help", "language": "partial"}), 201, "second check")
		var list parcours.Page[*parcours.AutonomyCheck]
		e.Do("GET", base, "worker", nil).Decode(t, &list)
		if len(list.Items) != 2 || list.Items[0].Score != 2 || list.Items[1].Score != 6 {
			t.Fatalf("checks = %+v, want scores 2 then 6, oldest first", list.Items)
		}
	})
}

func TestMandatePDF_NamesThePersonAndNoOneElse(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		p := rightsPerson(t, e, "worker", "LAMBERT")
		other := rightsPerson(t, e, "worker", "MOREAU")
		for _, x := range []*parcours.Person{p, other} {
			wantStatus(t, e.Do("POST", "/api/v1/persons/"+x.ID+"/mandates", "worker", map[string]any{"procedures": []string{"css"}, "end_date": inDays(90)}), 201, "mandate")
		}
		var list parcours.Page[*parcours.Mandate]
		e.Do("GET", "/api/v1/persons/"+p.ID+"/mandates", "worker", nil).Decode(t, &list)
		r := e.Do("GET", "/api/v1/mandates/"+list.Items[0].ID+"/pdf", "worker", nil)
		wantStatus(t, r, 200, "pdf")
		if ct := r.Header.Get("Content-Type"); ct != "application/pdf" {
			t.Errorf("Content-Type %q", ct)
		}
		text := letters.Text(r.Body)
		if !strings.Contains(text, "LAMBERT") || !strings.Contains(text, "Complémentaire santé solidaire") {
			t.Errorf("the mandate does not name the person and the procedure:\n%s", text)
		}
		if strings.Contains(text, "MOREAU") {
			t.Errorf("the mandate names another person")
		}
		// Another organisation's worker cannot print it.
		wantStatus(t, e.Do("GET", "/api/v1/mandates/"+list.Items[0].ID+"/pdf", "other", nil), 404, "another organisation")
	})
}

func TestCatalogue_NationalListIsVersionedAndAidsAreTheOrganisations(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		var c rights.Catalogue
		e.Do("GET", "/api/v1/rights", "reception", nil).Decode(t, &c)
		if c.Version == "" || c.Find("css") == nil || !strings.HasPrefix(c.Find("css").URL, "https://www.service-public.fr/") ||
			c.Find("secours_urgence") == nil || c.Find("secours_urgence").Kind != parcours.RightLocalAid {
			t.Fatalf("catalogue = %+v", c)
		}
		wantStatus(t, e.Do("PUT", "/api/v1/aids/rsa", "admin", map[string]any{"name": "RSA local", "body": "CCAS"}), 422, "a national code")
		wantStatus(t, e.Do("PUT", "/api/v1/aids/aide_energie", "admin", map[string]any{"name": "Aide énergie", "body": "CCAS",
			"ceiling_cents": -5}), 422, "a negative ceiling")
		wantStatus(t, e.Do("PUT", "/api/v1/aids/aide_energie", "admin", map[string]any{"name": "Aide énergie hiver", "body": "CCAS",
			"ceiling_cents": 45000, "period_months": 12}), 200, "edit an aid")
		e.Do("GET", "/api/v1/rights", "worker", nil).Decode(t, &c)
		if a := c.Find("aide_energie"); a == nil || a.Name != "Aide énergie hiver" || a.CeilingCents != 45000 {
			t.Errorf("aide_energie = %+v", a)
		}
		// Another organisation keeps its own list.
		e.Do("GET", "/api/v1/rights", "other", nil).Decode(t, &c)
		if a := c.Find("aide_energie"); a == nil || a.Name != "Aide énergie" {
			t.Errorf("org B's aide_energie = %+v", a)
		}
	})
}

func TestRights_InputSchemasDeclareEveryField(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		doc := openAPIDoc(t, e)
		for name, typ := range map[string]reflect.Type{
			"ProcedureInput": reflect.TypeFor[rights.ProcedureInput](), "ProcedureUpdate": reflect.TypeFor[rights.ProcedureUpdate](),
			"AutonomyInput": reflect.TypeFor[rights.AutonomyInput](), "MandateInput": reflect.TypeFor[rights.MandateInput](),
			"RevokeInput": reflect.TypeFor[rights.RevokeInput](), "AidInput": reflect.TypeFor[rights.AidInput](),
		} {
			sc, err := resolvePointer(doc, "#/components/schemas/"+name)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			props, _ := sc.(map[string]any)["properties"].(map[string]any)
			n := 0
			for f := range typ.Fields() {
				tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
				n++
				if _, ok := props[tag]; !ok {
					t.Errorf("%s: field %q accepted but not documented", name, tag)
				}
			}
			if n != len(props) {
				t.Errorf("%s: %d documented fields, %d accepted", name, len(props), n)
			}
		}
	})
}
