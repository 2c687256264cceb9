package web_test

import (
	"strings"
	"testing"

	"parcours/internal/aid"
	"parcours/internal/app/apptest"
	"parcours/internal/letters"
	"parcours/internal/parcours"
	"parcours/internal/person"
	"parcours/internal/rights"
)

// The household budget, aid requests and commission through the HTTP
// handlers, on both backends.

func rightsHousehold(t *testing.T, e *apptest.Env, name string, members ...*parcours.Person) *parcours.Household {
	t.Helper()
	var in []person.MemberInput
	for i, p := range members {
		rel := parcours.RelChild
		if i == 0 {
			rel = parcours.RelReference
		}
		in = append(in, person.MemberInput{PersonID: p.ID, Relationship: rel})
	}
	h, err := e.App.Persons.CreateHousehold(t.Context(), e.Actor("worker"), person.HouseholdInput{Name: name, Members: in})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestBudget_ResteAVivrePerUnitAndFamilyQuotientWithVersions(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		p := rightsPerson(t, e, "worker", "GIRARD")
		h := rightsHousehold(t, e, "Foyer Girard", p)
		base := "/api/v1/households/" + h.ID + "/budget"
		// A single parent with two children under 14: UC = 1 + 0.3 × 2 = 1.6;
		// parts = 2 + 0.5 + 0.5 = 3.
		in := map[string]any{"adults": 1, "children": 2, "dependents": 2, "valid_from": rightsToday(e, -30), "lines": []map[string]any{
			{"kind": "resource", "category": "rsa", "person_id": p.ID, "monthly_cents": 80000},
			{"kind": "resource", "category": "allocations_familiales", "monthly_cents": 14000},
			{"kind": "charge", "category": "loyer", "monthly_cents": 45000},
			{"kind": "charge", "category": "energie", "monthly_cents": 9000},
			{"kind": "debt", "category": "loyer", "label": "Bailleur", "monthly_cents": 4000, "remaining_cents": 120000, "plan": "echeancier"},
		}}
		wantStatus(t, e.Do("POST", base, "worker", in), 201, "budget")
		var v aid.BudgetView
		e.Do("GET", base, "worker", nil).Decode(t, &v)
		f := v.Current.Figures
		if f.ResourcesCents != 94000 || f.ResteAVivreCents != 36000 || f.UC100 != 160 || f.PerUCCents != 22500 || f.Parts2 != 6 || f.QuotientCents != 31333 {
			t.Fatalf("figures = %+v", f)
		}
		if !strings.Contains(f.Formula, "UC = 1 + 0,5 × 0 + 0,3 × 2 = 1,6") || !strings.Contains(f.Formula, "÷ 3 parts") {
			t.Errorf("formula = %q", f.Formula)
		}
		// A new version keeps the previous one.
		in["valid_from"] = rightsToday(e, 0)
		in["lines"] = []map[string]any{{"kind": "resource", "category": "salaire", "monthly_cents": 150000}}
		wantStatus(t, e.Do("POST", base, "worker", in), 201, "second version")
		e.Do("GET", base, "worker", nil).Decode(t, &v)
		if len(v.History) != 2 || v.Current.Figures.ResourcesCents != 150000 || v.History[1].Figures.ResourcesCents != 94000 {
			t.Errorf("history = %d versions, current %+v", len(v.History), v.Current.Figures)
		}
		// Bad amounts are refused, naming the line; nothing is stored.
		for _, cents := range []int64{-100, parcours.MaxAmountCents + 1} {
			in["lines"] = []map[string]any{{"kind": "charge", "category": "loyer", "monthly_cents": cents}}
			r := e.Do("POST", base, "worker", in)
			wantStatus(t, r, 422, "amount")
			if !strings.Contains(string(r.Body), "lines[0].monthly_cents") {
				t.Errorf("the error does not name the line: %s", r.Body)
			}
		}
		e.Do("GET", base, "worker", nil).Decode(t, &v)
		if len(v.History) != 2 {
			t.Errorf("%d versions after refusals, want 2", len(v.History))
		}
		page := e.Page("GET", "/households/"+h.ID+"/budget", "worker", nil)
		if !strings.Contains(string(page.Body), "1\u00a0500,00\u00a0€") || !strings.Contains(string(page.Body), "Calcul") {
			t.Errorf("the budget page does not show the resources and the formula")
		}
	})
}

func rightsToday(e *apptest.Env, days int) string {
	return rightsAddDays(e, days)
}

func TestAidRequest_CommissionDecidesOnceAndTheLetterNamesOnlyItsHousehold(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		lea := rightsPerson(t, e, "worker", "DURAND")
		hl := rightsHousehold(t, e, "Foyer Durand", lea)
		omar := rightsPerson(t, e, "worker", "BENALI")
		ho := rightsHousehold(t, e, "Foyer Benali", omar)
		wantStatus(t, e.Do("POST", "/api/v1/households/"+hl.ID+"/budget", "worker", map[string]any{"adults": 1, "lines": []map[string]any{
			{"kind": "resource", "category": "rsa", "monthly_cents": 60700}}}), 201, "budget")

		request := func(h *parcours.Household, cents int64) *parcours.AidRequest {
			r := e.Do("POST", "/api/v1/aid-requests", "worker", map[string]any{"household_id": h.ID, "aid_code": "secours_urgence",
				"amount_cents": cents, "reason": "Facture d'énergie impayée, risque de coupure."})
			wantStatus(t, r, 201, "request")
			var a parcours.AidRequest
			r.Decode(t, &a)
			return &a
		}
		for _, bad := range []map[string]any{
			{"household_id": hl.ID, "aid_code": "secours_urgence", "amount_cents": -5, "reason": "x"},
			{"household_id": hl.ID, "aid_code": "secours_urgence", "amount_cents": parcours.MaxAmountCents + 1, "reason": "x"},
			{"household_id": hl.ID, "aid_code": "rsa", "amount_cents": 1000, "reason": "x"},
		} {
			wantStatus(t, e.Do("POST", "/api/v1/aid-requests", "worker", bad), 422, "bad request")
		}
		ra := request(hl, 25000)
		if ra.BudgetID == "" || ra.Status != parcours.AidInstruction || ra.AidName != "Secours d'urgence" {
			t.Fatalf("request = %+v, want the budget of the day", ra)
		}
		rb := request(ho, 18000)
		wantStatus(t, e.Do("GET", "/api/v1/aid-requests/"+ra.ID+"/letter", "worker", nil), 409, "letter before the decision")
		wantStatus(t, e.Do("POST", "/api/v1/aid-requests/"+ra.ID+"/payment", "worker", map[string]any{"payee": "person", "status": "paid"}), 409, "payment before")

		var c parcours.Commission
		r := e.Do("POST", "/api/v1/commissions", "manager", map[string]any{"meets_on": inDays(3), "members": []string{"Mme Roche, vice-présidente", "M. Petit"}})
		wantStatus(t, r, 201, "commission")
		r.Decode(t, &c)
		wantStatus(t, e.Do("POST", "/api/v1/aid-requests/"+ra.ID+"/decision", "manager", map[string]any{"decision": "granted"}), 422, "decision before the agenda")
		for _, a := range []*parcours.AidRequest{ra, rb} {
			wantStatus(t, e.Do("POST", "/api/v1/aid-requests/"+a.ID+"/agenda", "worker", map[string]any{"commission_id": c.ID}), 200, "agenda")
		}
		var view aid.CommissionView
		e.Do("GET", "/api/v1/commissions/"+c.ID, "manager", nil).Decode(t, &view)
		if len(view.Items) != 2 {
			t.Fatalf("agenda of %d requests, want 2", len(view.Items))
		}
		wantStatus(t, e.Do("POST", "/api/v1/aid-requests/"+ra.ID+"/decision", "worker", map[string]any{"decision": "granted"}), 403, "a worker decides")
		wantStatus(t, e.Do("POST", "/api/v1/aid-requests/"+ra.ID+"/decision", "manager", map[string]any{"decision": "partial", "amount_cents": 30000}), 422, "partial above the request")
		wantStatus(t, e.Do("POST", "/api/v1/aid-requests/"+ra.ID+"/decision", "manager", map[string]any{"decision": "refused"}), 422, "refused without a motive")
		wantStatus(t, e.Do("POST", "/api/v1/aid-requests/"+ra.ID+"/decision", "manager", map[string]any{"decision": "partial", "amount_cents": 20000}), 200, "partial")
		wantStatus(t, e.Do("POST", "/api/v1/aid-requests/"+ra.ID+"/decision", "manager", map[string]any{"decision": "granted"}), 409, "decided twice")
		wantStatus(t, e.Do("POST", "/api/v1/aid-requests/"+rb.ID+"/decision", "manager", map[string]any{"decision": "refused", "motive": "Ressources au-dessus du barème."}), 200, "refused")

		for _, who := range []string{"manager", "worker"} {
			r = e.Do("GET", "/api/v1/aid-requests/"+ra.ID+"/letter", who, nil)
			wantStatus(t, r, 200, "letter as "+who)
			if ct := r.Header.Get("Content-Type"); ct != "application/pdf" {
				t.Errorf("letter Content-Type %q", ct)
			}
			text := letters.Text(r.Body)
			for _, want := range []string{"DURAND", "200,00 €", "250,00 €", "accordée en partie", "Secours d'urgence"} {
				if !strings.Contains(text, want) {
					t.Errorf("the letter lacks %q:\n%s", want, text)
				}
			}
			for _, other := range []string{"BENALI", "180,00 €", "Benali", "barème"} {
				if strings.Contains(text, other) {
					t.Errorf("the letter for DURAND holds %q, of another household", other)
				}
			}
		}
		r = e.Do("GET", "/api/v1/commissions/"+c.ID+"/minutes", "manager", nil)
		wantStatus(t, r, 200, "minutes")
		minutes := letters.Text(r.Body)
		if !strings.Contains(minutes, "200,00 €") || !strings.Contains(minutes, "refusée") || strings.Contains(minutes, "DURAND") || strings.Contains(minutes, "BENALI") {
			t.Errorf("minutes (amounts and decisions, no names):\n%s", minutes)
		}
		wantStatus(t, e.Do("POST", "/api/v1/aid-requests/"+ra.ID+"/payment", "worker", map[string]any{"payee": "creditor", "status": "ordered"}), 422, "creditor without a name")
		r = e.Do("POST", "/api/v1/aid-requests/"+ra.ID+"/payment", "worker", map[string]any{"payee": "creditor", "creditor_name": "EDF", "status": "paid"})
		wantStatus(t, r, 200, "payment")
		var paid parcours.AidRequest
		r.Decode(t, &paid)
		if paid.PaymentStatus != "paid" || paid.PaidOn == "" || paid.CreditorName != "EDF" {
			t.Errorf("payment = %+v", paid)
		}
		wantStatus(t, e.Do("POST", "/api/v1/aid-requests/"+rb.ID+"/payment", "worker", map[string]any{"payee": "person", "status": "paid"}), 409, "payment of a refusal")
		// The ceiling (300 € a year for the default secours d'urgence) is
		// warned, not enforced.
		r = e.Do("POST", "/api/v1/aid-requests", "worker", map[string]any{"household_id": hl.ID, "aid_code": "secours_urgence", "amount_cents": 15000, "reason": "Nouvelle facture."})
		wantStatus(t, r, 201, "beyond the ceiling")
		var again parcours.AidRequest
		r.Decode(t, &again)
		if len(again.Warnings) != 1 || again.Warnings[0] != "ceiling" {
			t.Errorf("warnings = %v, want the ceiling", again.Warnings)
		}
	})
}

func rightsAddDays(e *apptest.Env, days int) string {
	return rights.AddDays(parcours.Today(e.App.DB.Now()), days)
}
