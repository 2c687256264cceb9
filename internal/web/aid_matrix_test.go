package web_test

import (
	"net/http"
	"net/url"
	"sync"

	"parcours/internal/aid"
	"parcours/internal/parcours"
)

// Authorisation matrix of the household budget, the aid requests and the
// commission (issue 12). Budgets and requests are part of the fixture
// household's file (its reference person is the fixture person): those
// who follow it read and write them, a break-glass reads them only, the
// front desk and administrators never. The commission is the managers'.

type aidFixture struct {
	Request  *parcours.AidRequest // in instruction
	Granted  *parcours.AidRequest // granted by the commission Agenda
	Agenda   *parcours.Commission // one request on its agenda (Granted)
	Sessions *parcours.Commission // where fresh requests wait for a decision
}

var (
	aidMu       sync.Mutex
	aidFixtures = map[*fixture]*aidFixture{}
)

func af(f *fixture) *aidFixture {
	aidMu.Lock()
	defer aidMu.Unlock()
	if a, ok := aidFixtures[f]; ok {
		return a
	}
	e, ctx := f.e, f.e.T.Context()
	svc, worker, manager := e.App.Aid, e.Actor("worker"), e.Actor("manager")
	must := func(err error) {
		if err != nil {
			e.T.Fatal(err)
		}
	}
	_, err := svc.SaveBudget(ctx, worker, f.Household.ID, aid.BudgetInput{Adults: 1, Children: 2, Dependents: 2, Lines: []parcours.BudgetLine{
		{Kind: parcours.LineResource, Category: "rsa", MonthlyCents: 80000}, {Kind: parcours.LineCharge, Category: "loyer", MonthlyCents: 45000}}})
	must(err)
	a := &aidFixture{}
	a.Agenda, err = svc.CreateCommission(ctx, manager, aid.CommissionInput{MeetsOn: inDays(7), Members: []string{"Mme la vice-présidente"}})
	must(err)
	a.Sessions, err = svc.CreateCommission(ctx, manager, aid.CommissionInput{MeetsOn: inDays(14), Members: []string{"Mme la vice-présidente"}})
	must(err)
	a.Request = freshAidRequest(f, "")
	a.Granted = freshAidRequest(f, a.Agenda.ID)
	a.Granted, err = svc.Decide(ctx, manager, a.Granted.ID, aid.DecisionInput{Decision: parcours.AidGranted})
	must(err)
	aidFixtures[f] = a
	return a
}

// freshAidRequest records a request on the fixture household, placed on
// commission when one is given.
func freshAidRequest(f *fixture, commission string) *parcours.AidRequest {
	e, ctx := f.e, f.e.T.Context()
	r, err := e.App.Aid.CreateRequest(ctx, e.Actor("worker"), aid.RequestInput{HouseholdID: f.Household.ID, AidCode: "secours_urgence",
		AmountCents: 15000, Reason: "Facture d'électricité impayée."})
	if err == nil && commission != "" {
		r, err = e.App.Aid.PlaceOnAgenda(ctx, e.Actor("worker"), r.ID, aid.AgendaInput{CommissionID: commission})
	}
	if err != nil {
		e.T.Fatal(err)
	}
	return r
}

// householdRead and householdWrite are the expectations on the fixture
// household's budget and requests.
func householdRead(ok int) map[string]int {
	return all(ok, "admin", 403, "reception", 403, "other", 404, "worker2", 403, "bg_active", ok, "teammate", ok)
}

func householdWrite(ok int) map[string]int {
	return all(ok, "admin", 403, "reception", 403, "other", 404, "worker2", 403, "bg_active", 403, "teammate", ok)
}

func init() {
	created, seeOther := http.StatusCreated, http.StatusSeeOther
	hh := func(suffix string) func(*fixture) string {
		return func(f *fixture) string { return "/api/v1/households/" + f.Household.ID + suffix }
	}
	hhPage := func(suffix string) func(*fixture) string {
		return func(f *fixture) string { return "/households/" + f.Household.ID + suffix }
	}
	onFile := routeAudit{OnFile: true}
	managers := func(ok int) map[string]int { return all(403, "manager", ok) }
	addRows(
		matrixRow{Route: "GET /api/v1/households/{id}/budget", Path: func(f *fixture) string { af(f); return hh("/budget")(f) },
			Want: householdRead(200), Audit: []string{"budget.read"}, routeAudit: onFile},
		matrixRow{Route: "POST /api/v1/households/{id}/budget", Path: hh("/budget"),
			Body: func(*fixture, string) any {
				return map[string]any{"adults": 2, "children": 1, "dependents": 1, "couple": true, "lines": []map[string]any{
					{"kind": "resource", "category": "salaire", "monthly_cents": 145000},
					{"kind": "charge", "category": "energie", "monthly_cents": 9000},
					{"kind": "debt", "category": "energie", "label": "EDF", "monthly_cents": 3000, "remaining_cents": 42000, "plan": "echeancier"}}}
			},
			Want: householdWrite(created), Audit: []string{"budget.create"}, routeAudit: onFile},
		matrixRow{Route: "POST /api/v1/aid-requests", Path: fixed("/api/v1/aid-requests"),
			Body: func(f *fixture, _ string) any {
				return map[string]any{"household_id": f.Household.ID, "aid_code": "aide_alimentaire", "amount_cents": 6000, "reason": "Fin de mois."}
			},
			Want: householdWrite(created), Audit: []string{"aid_request.create"}, routeAudit: onFile},
		matrixRow{Route: "GET /api/v1/households/{id}/aid-requests", Path: hh("/aid-requests"),
			Want: householdRead(200), Audit: []string{"aid_request.list"}, routeAudit: onFile},
		// The organisation's list: what one may read of it (the requests of
		// the applicants one follows); nothing listed, nothing audited.
		matrixRow{Route: "GET /api/v1/aid-requests", Path: func(f *fixture) string { af(f); return "/api/v1/aid-requests?status=granted&limit=1" },
			Want: all(200, "admin", 403, "reception", 403), Audit: []string{"aid_request.read"},
			AuditBy: map[string][]string{"worker2": nil, "other": nil, "bg_expired": nil, "third": nil}},
		matrixRow{Route: "GET /api/v1/aid-requests/{id}", Path: func(f *fixture) string { return "/api/v1/aid-requests/" + af(f).Request.ID },
			Want: householdRead(200), Audit: []string{"aid_request.read"}, routeAudit: onFile},
		matrixRow{Route: "POST /api/v1/aid-requests/{id}/documents",
			Path: func(f *fixture) string { return "/api/v1/aid-requests/" + freshAidRequest(f, "").ID + "/documents" },
			Body: func(f *fixture, _ string) any { return map[string]any{"document_id": cf(f).Doc.ID} },
			Want: householdWrite(200), Audit: []string{"aid_request.attach"}, routeAudit: onFile},
		// A supporting document of a request on a commission's agenda: the
		// workers following the household and the commission's members.
		matrixRow{Route: "GET /api/v1/aid-requests/{id}/documents/{doc}",
			Path: func(f *fixture) string {
				r := freshAidRequest(f, af(f).Sessions.ID)
				if _, err := f.e.App.Aid.AttachDocument(f.e.T.Context(), f.e.Actor("worker"), r.ID, aid.DocumentInput{DocumentID: cf(f).Doc.ID}); err != nil {
					f.e.T.Fatal(err)
				}
				return "/api/v1/aid-requests/" + r.ID + "/documents/" + cf(f).Doc.ID
			},
			Want: householdRead(200), Audit: []string{"aid_request.document_read"}, routeAudit: onFile},
		matrixRow{Route: "POST /api/v1/aid-requests/{id}/agenda", Path: func(f *fixture) string { return "/api/v1/aid-requests/" + af(f).Request.ID + "/agenda" },
			Body: func(f *fixture, _ string) any { return map[string]any{"commission_id": af(f).Sessions.ID} },
			Want: householdWrite(200), Audit: []string{"aid_request.agenda"}, routeAudit: onFile},
		matrixRow{Route: "POST /api/v1/aid-requests/{id}/decision",
			Path: func(f *fixture) string {
				return "/api/v1/aid-requests/" + freshAidRequest(f, af(f).Sessions.ID).ID + "/decision"
			},
			Body: func(*fixture, string) any {
				return map[string]any{"decision": "partial", "amount_cents": 10000, "motive": "Plafond annuel."}
			},
			Want: all(403, "manager", 200, "other", 404), Audit: []string{"aid_request.decide"}},
		matrixRow{Route: "POST /api/v1/aid-requests/{id}/payment", Path: func(f *fixture) string { return "/api/v1/aid-requests/" + af(f).Granted.ID + "/payment" },
			Body: func(*fixture, string) any {
				return map[string]any{"payee": "creditor", "creditor_name": "EDF", "status": "ordered"}
			},
			Want: householdWrite(200), Audit: []string{"aid_request.payment"}, routeAudit: onFile},
		matrixRow{Route: "GET /api/v1/aid-requests/{id}/letter", Path: func(f *fixture) string { return "/api/v1/aid-requests/" + af(f).Granted.ID + "/letter" },
			Want: householdRead(200), Audit: []string{"aid_request.letter"}, routeAudit: onFile},
		matrixRow{Route: "GET /api/v1/commissions", Path: fixed("/api/v1/commissions"), Want: managers(200),
			NoAudit: "dates and members of the organisation's commissions: no person's data"},
		matrixRow{Route: "POST /api/v1/commissions", Path: fixed("/api/v1/commissions"),
			Body: func(*fixture, string) any {
				return map[string]any{"meets_on": inDays(30), "members": []string{"M. le maire"}}
			},
			Want: managers(created), Audit: []string{"commission.create"}},
		matrixRow{Route: "GET /api/v1/commissions/{id}", Path: func(f *fixture) string { return "/api/v1/commissions/" + af(f).Agenda.ID },
			Want: all(403, "manager", 200, "other", 404), Audit: []string{"aid_request.read"}},
		matrixRow{Route: "GET /api/v1/commissions/{id}/minutes", Path: func(f *fixture) string { return "/api/v1/commissions/" + af(f).Agenda.ID + "/minutes" },
			Want: all(403, "manager", 200, "other", 404), Audit: []string{"aid_request.read", "commission.minutes"}},

		matrixRow{Route: "GET /households/{id}/budget", Path: func(f *fixture) string { af(f); return hhPage("/budget")(f) },
			Want: householdRead(200), Page: true, Audit: []string{"budget.read"}, routeAudit: onFile},
		matrixRow{Route: "POST /households/{id}/budget", Path: hhPage("/budget"),
			Body: func(*fixture, string) any {
				return url.Values{"adults": {"1"}, "children": {"2"}, "dependents": {"2"}, "res-cat-1": {"rsa"}, "res-amount-1": {"812,40"},
					"chg-cat-1": {"loyer"}, "chg-amount-1": {"450"}}
			},
			Want: householdWrite(seeOther), Page: true, Audit: []string{"budget.create"}, routeAudit: onFile},
		// Who may write requests is offered the documents of the members'
		// files too, each member's listing recorded on their file.
		matrixRow{Route: "GET /households/{id}/aid", Path: hhPage("/aid"),
			Want: householdRead(200), Page: true, Audit: []string{"aid_request.list"}, AuditBy: map[string][]string{
				"manager": {"document.list", "aid_request.list"}, "worker": {"document.list", "aid_request.list"}, "teammate": {"document.list", "aid_request.list"}},
			routeAudit: onFile},
		matrixRow{Route: "POST /households/{id}/aid-requests", Path: hhPage("/aid-requests"),
			Body: func(*fixture, string) any {
				return url.Values{"req-aid_code": {"aide_transport"}, "req-amount_cents": {"35"}, "req-reason": {"Entretien d'embauche."}}
			},
			Want: householdWrite(seeOther), Page: true, Audit: []string{"aid_request.create"}, routeAudit: onFile},
		matrixRow{Route: "POST /households/{id}/aid-requests/{req}/documents",
			Path: func(f *fixture) string {
				return "/households/" + f.Household.ID + "/aid-requests/" + af(f).Request.ID + "/documents"
			},
			Want: householdWrite(http.StatusUnprocessableEntity), Page: true,
			NoAudit:    "the matrix sends no file: the household's page is shown again with the message (422, OnError); uploads are tested in aid_documents_test.go",
			routeAudit: routeAudit{OnFile: true, OnError: []string{"document.list", "aid_request.list"}}},
		matrixRow{Route: "POST /households/{id}/aid-requests/{req}/agenda",
			Path: func(f *fixture) string {
				return "/households/" + f.Household.ID + "/aid-requests/" + af(f).Request.ID + "/agenda"
			},
			Body: func(f *fixture, _ string) any { return url.Values{"commission_id": {af(f).Sessions.ID}} },
			Want: householdWrite(seeOther), Page: true, Audit: []string{"aid_request.agenda"}, routeAudit: onFile},
		matrixRow{Route: "POST /households/{id}/aid-requests/{req}/payment",
			Path: func(f *fixture) string {
				return "/households/" + f.Household.ID + "/aid-requests/" + af(f).Granted.ID + "/payment"
			},
			Body: func(*fixture, string) any { return url.Values{"payee": {"person"}, "status": {"paid"}} },
			Want: householdWrite(seeOther), Page: true, Audit: []string{"aid_request.payment"}, routeAudit: onFile},
		matrixRow{Route: "GET /commissions", Path: fixed("/commissions"), Want: managers(200), Page: true,
			NoAudit: "dates and members of the organisation's commissions: no person's data"},
		matrixRow{Route: "POST /commissions", Path: fixed("/commissions"),
			Body: func(*fixture, string) any {
				return url.Values{"meets_on": {inDays(21)}, "members": {"M. le maire\nMme l'adjointe"}}
			},
			Want: managers(seeOther), Page: true, Audit: []string{"commission.create"}},
		matrixRow{Route: "GET /commissions/{id}", Path: func(f *fixture) string { return "/commissions/" + af(f).Agenda.ID },
			Want: all(403, "manager", 200, "other", 404), Page: true, Audit: []string{"aid_request.read"}},
		matrixRow{Route: "POST /commissions/{id}/decisions/{req}",
			Path: func(f *fixture) string {
				return "/commissions/" + af(f).Sessions.ID + "/decisions/" + freshAidRequest(f, af(f).Sessions.ID).ID
			},
			Body: func(*fixture, string) any { return url.Values{"decision": {"granted"}} },
			Want: all(403, "manager", seeOther, "other", 404), Page: true, Audit: []string{"aid_request.decide"}},
	)
}
