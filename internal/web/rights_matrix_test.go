package web_test

import (
	"net/http"
	"net/url"
	"sync"
	"time"

	"parcours/internal/parcours"
	"parcours/internal/rights"
)

// Authorisation matrix of access to rights (issue 12). Procedures,
// autonomy checks and mandates are part of the fixture person's file:
// those who follow the person (worker, manager, teammate) read and write
// them; a break-glass reads them only (every write is lasting); the front
// desk and administrators never; another organisation gets 404. The
// catalogue is everyone's; administrators edit their own aids.

type rightsFixture struct {
	Procedure *parcours.Procedure
	Mandate   *parcours.Mandate
}

var (
	rightsMu       sync.Mutex
	rightsFixtures = map[*fixture]*rightsFixture{}
)

func rf(f *fixture) *rightsFixture {
	rightsMu.Lock()
	defer rightsMu.Unlock()
	if r, ok := rightsFixtures[f]; ok {
		return r
	}
	r := &rightsFixture{Mandate: freshMandate(f)}
	var err error
	r.Procedure, err = f.e.App.Rights.CreateProcedure(f.e.T.Context(), f.e.Actor("worker"), f.Person.ID, rights.ProcedureInput{
		RightCode: "css", HelpLevel: parcours.HelpWith, Obstacles: []string{"no_email"}})
	if err != nil {
		f.e.T.Fatal(err)
	}
	rightsFixtures[f] = r
	return r
}

// freshMandate records a new mandate of the fixture person to worker, for
// rows that revoke one.
func freshMandate(f *fixture) *parcours.Mandate {
	m, err := f.e.App.Rights.CreateMandate(f.e.T.Context(), f.e.Actor("worker"), f.Person.ID, rights.MandateInput{
		Procedures: []string{"rsa", "css"}, EndDate: inDays(300)})
	if err != nil {
		f.e.T.Fatal(err)
	}
	return m
}

// inDays is a date n days from today in France.
func inDays(n int) string { return rights.AddDays(parcours.Today(time.Now()), n) }

func init() {
	created, seeOther := http.StatusCreated, http.StatusSeeOther
	person := func(suffix string) func(*fixture) string {
		return func(f *fixture) string { return "/api/v1/persons/" + f.Person.ID + suffix }
	}
	page := func(suffix string) func(*fixture) string {
		return func(f *fixture) string { return "/persons/" + f.Person.ID + suffix }
	}
	body := func(v any) func(*fixture, string) any { return func(*fixture, string) any { return v } }
	onFile := routeAudit{OnFile: true}
	addRows(
		matrixRow{Route: "GET /api/v1/rights", Path: fixed("/api/v1/rights"), Want: all(200),
			NoAudit: "the organisation's reference lists: no personal data"},
		matrixRow{Route: "PUT /api/v1/aids/{code}", Path: fixed("/api/v1/aids/aide_obseques"),
			Body: body(map[string]any{"name": "Aide aux obsèques", "body": "CCAS", "ceiling_cents": 50000, "period_months": 12}),
			Want: all(403, "admin", 200), Audit: []string{"aid_catalogue.put"}},
		matrixRow{Route: "GET /api/v1/persons/{id}/procedures", Path: person("/procedures"), Want: fileWant(200),
			Audit: []string{"procedure.list"}, routeAudit: onFile},
		matrixRow{Route: "POST /api/v1/persons/{id}/procedures", Path: person("/procedures"),
			Body: func(*fixture, string) any {
				return map[string]any{"right_code": "rsa", "help_level": "with_person", "obstacles": []string{"no_franceconnect"},
					"next_step": "Envoyer l'avis d'imposition", "due_date": inDays(5)}
			},
			Want: writeWant(created), Audit: []string{"procedure.create", "task.create"}, routeAudit: onFile},
		matrixRow{Route: "PATCH /api/v1/procedures/{id}",
			Path: func(f *fixture) string { return "/api/v1/procedures/" + rf(f).Procedure.ID },
			Body: body(map[string]any{"status": "en_cours", "note": "Dossier commencé en ligne."}),
			Want: writeWant(200), Audit: []string{"procedure.update"}, routeAudit: onFile},
		matrixRow{Route: "GET /api/v1/procedures/follow-up", Path: fixed("/api/v1/procedures/follow-up"),
			Want: all(200, "admin", 403, "reception", 403), Audit: []string{"procedure.follow_up"}},
		matrixRow{Route: "GET /api/v1/persons/{id}/autonomy-checks", Path: person("/autonomy-checks"), Want: fileWant(200),
			Audit: []string{"autonomy.list"}, routeAudit: onFile},
		matrixRow{Route: "POST /api/v1/persons/{id}/autonomy-checks", Path: person("/autonomy-checks"),
			Body: body(map[string]any{"equipment": "phone", "connection": "mobile", "email": "has", "franceconnect": "none",
				"alone": "with_help", "language": "fluent"}),
			Want: writeWant(created), Audit: []string{"autonomy.create"}, routeAudit: onFile},
		matrixRow{Route: "GET /api/v1/persons/{id}/mandates", Path: person("/mandates"), Want: fileWant(200),
			Audit: []string{"mandate.list"}, routeAudit: onFile},
		matrixRow{Route: "POST /api/v1/persons/{id}/mandates", Path: person("/mandates"),
			Body: func(*fixture, string) any {
				return map[string]any{"procedures": []string{"apl"}, "end_date": inDays(200)}
			},
			Want: writeWant(created), Audit: []string{"mandate.create"}, routeAudit: onFile},
		matrixRow{Route: "POST /api/v1/mandates/{id}/revoke",
			Path: func(f *fixture) string { return "/api/v1/mandates/" + freshMandate(f).ID + "/revoke" },
			Body: body(map[string]any{"note": "La personne préfère faire seule."}),
			Want: writeWant(200), Audit: []string{"mandate.revoke"}, routeAudit: onFile},

		matrixRow{Route: "POST /api/v1/mandates/{id}/scan",
			Path: func(f *fixture) string { return "/api/v1/mandates/" + freshMandate(f).ID + "/scan" },
			Body: func(f *fixture, _ string) any { return map[string]any{"document_id": cf(f).Doc.ID} },
			Want: writeWant(200), Audit: []string{"mandate.scan"}, routeAudit: onFile},
		matrixRow{Route: "POST /persons/{id}/mandates/{mandate}/scan",
			Path: func(f *fixture) string {
				return "/persons/" + f.Person.ID + "/mandates/" + freshMandate(f).ID + "/scan"
			},
			Want: writeWant(http.StatusUnprocessableEntity), Page: true,
			NoAudit:    "the matrix sends no file: the tab is shown again with the message (422, OnError); uploads are tested in mandate_scan_test.go",
			routeAudit: routeAudit{OnFile: true, OnError: []string{"rights.open"}}},
		matrixRow{Route: "GET /persons/{id}/rights", Path: page("/rights"), Want: fileWant(200), Page: true,
			Audit: []string{"rights.open"}, routeAudit: onFile},
		matrixRow{Route: "POST /persons/{id}/procedures", Path: page("/procedures"),
			Body: body(url.Values{"proc-right_code": {"css"}, "proc-help_level": {"with_person"}, "proc-obstacles": {"no_device"}}),
			Want: writeWant(seeOther), Page: true, Audit: []string{"procedure.create"}, routeAudit: onFile},
		matrixRow{Route: "POST /persons/{id}/procedures/{proc}",
			Path: func(f *fixture) string { return "/persons/" + f.Person.ID + "/procedures/" + rf(f).Procedure.ID },
			Body: body(url.Values{"status": {"en_cours"}}),
			Want: writeWant(seeOther), Page: true, Audit: []string{"procedure.update"}, routeAudit: onFile},
		matrixRow{Route: "POST /persons/{id}/autonomy-checks", Path: page("/autonomy-checks"),
			Body: body(url.Values{"auto-equipment": {"computer"}, "auto-connection": {"home"}, "auto-email": {"uses"},
				"auto-franceconnect": {"has"}, "auto-alone": {"yes"}, "auto-language": {"fluent"}}),
			Want: writeWant(seeOther), Page: true, Audit: []string{"autonomy.create"}, routeAudit: onFile},
		matrixRow{Route: "POST /persons/{id}/mandates", Path: page("/mandates"),
			Body: func(*fixture, string) any {
				return url.Values{"mand-procedures": {"ame"}, "mand-end_date": {inDays(100)}}
			},
			Want: writeWant(seeOther), Page: true, Audit: []string{"mandate.create"}, routeAudit: onFile},
		matrixRow{Route: "POST /persons/{id}/mandates/{mandate}/revoke",
			Path: func(f *fixture) string {
				return "/persons/" + f.Person.ID + "/mandates/" + freshMandate(f).ID + "/revoke"
			},
			Want: writeWant(seeOther), Page: true, Audit: []string{"mandate.revoke"}, routeAudit: onFile},
		matrixRow{Route: "GET /api/v1/mandates/{id}/pdf",
			Path: func(f *fixture) string { return "/api/v1/mandates/" + rf(f).Mandate.ID + "/pdf" },
			Want: writeWant(200), Audit: []string{"mandate.print"}, routeAudit: onFile},
		matrixRow{Route: "GET /procedures/follow-up", Path: fixed("/procedures/follow-up"),
			Want: all(200, "admin", 403, "reception", 403), Page: true, Audit: []string{"procedure.follow_up"}},
		matrixRow{Route: "GET /rights", Path: fixed("/rights"), Want: all(200), Page: true,
			NoAudit: "the organisation's reference lists: no personal data"},
		matrixRow{Route: "POST /rights/aids", Path: fixed("/rights/aids"),
			Body: body(url.Values{"code": {"aide_cantine"}, "name": {"Aide à la cantine"}, "body": {"CCAS"}, "ceiling_cents": {"150"}}),
			Want: all(403, "admin", seeOther), Page: true, Audit: []string{"aid_catalogue.put"}},
	)
}
