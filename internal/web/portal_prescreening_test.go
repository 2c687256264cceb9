package web_test

import (
	"net/http"
	"strings"
	"testing"

	"parcours/internal/aid"
	"parcours/internal/app/apptest"
	"parcours/internal/parcours"
	"parcours/internal/person"
)

// The pre-screening in the person's portal, through the handlers: a
// couple's household with a budget; the worker records an answer to the
// ASPA result for Léa and one to the APL result for her partner. Léa
// reads hers only, explained (the rule and its sources, the data and
// where they come from, that the tool does not decide, whom to ask),
// without her partner's own data (his age, his name) nor the worker's
// name; the read is audited and shows in her access log. Her partner
// reads his only.
func TestPortal_PrescreeningExplainedOwnOnly(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		f := newFixture(t, e)
		ctx, worker := t.Context(), e.Actor("worker")
		partner, err := e.App.Persons.Create(ctx, worker, person.Input{BirthName: ptr("DURAND"), FirstNames: ptr("Marc"),
			BirthDate: ptr("1955-02-03"), Sex: ptr(parcours.SexMale)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.App.Persons.SetMember(ctx, worker, f.Household.ID, person.MemberInput{PersonID: partner.ID, Relationship: parcours.RelSpouse}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.App.Aid.SaveBudget(ctx, worker, f.Household.ID, aid.BudgetInput{ValidFrom: "2025-01-01", Adults: 2, Couple: true,
			Lines: []parcours.BudgetLine{{Kind: parcours.LineResource, Category: "salaire", PersonID: partner.ID, MonthlyCents: 90000},
				{Kind: parcours.LineCharge, Category: "loyer", MonthlyCents: 50000}}}); err != nil {
			t.Fatal(err)
		}
		record := func(rule, personID, reason string) {
			t.Helper()
			r := e.Do("POST", "/api/v1/households/"+f.Household.ID+"/prescreening/outcomes", "worker",
				map[string]any{"rule": rule, "outcome": "not_relevant", "reason": reason, "person_id": personID})
			if r.Status != http.StatusCreated {
				t.Fatalf("record %s: %d %s", rule, r.Status, r.Body)
			}
		}
		record("aspa", f.Person.ID, "Âge requis non atteint pour Mme.")
		record("apl", partner.ID, "Motif propre à M.")

		lea := pfx(f).Person.ID
		before := lastSeq(t, e)
		r := portalDo(t, e, lea, "GET", "/moi/pre-diagnostic", nil)
		page := string(r.Body)
		if r.Status != http.StatusOK {
			t.Fatalf("page: %d\n%s", r.Status, page)
		}
		for _, want := range []string{"Allocation de solidarité aux personnes âgées", "Âge requis non atteint pour Mme.",
			"aucune décision n&#39;est prise par cet outil", "information sur un autre membre de votre foyer", "saisie par un·e professionnel·le",
			`href="/moi/messages"`, `href="/algorithms"`, "Elle suit ces textes"} {
			if !strings.Contains(page, want) {
				t.Errorf("the page does not say %q", want)
			}
		}
		for _, never := range []string{"Motif propre à M.", "DURAND", "Marc", "1955", e.Workers["worker"].LastName, "<code>"} {
			if strings.Contains(page, never) {
				t.Errorf("the page shows %q, which is not Léa's", never)
			}
		}
		evs := auditSince(t, e, before)
		if len(evs) != 1 || evs[0].Action != "portal.prescreening" || evs[0].PersonID != f.Person.ID {
			t.Errorf("audit of the read: %+v", evs)
		}
		if r := portalDo(t, e, lea, "GET", "/moi/acces", nil); !strings.Contains(string(r.Body), "a lu les pré-diagnostics de droits") {
			t.Errorf("the read is not in the person's access log")
		}
		if r := portalDo(t, e, lea, "GET", "/moi", nil); !strings.Contains(string(r.Body), `href="/moi/pre-diagnostic"`) {
			t.Errorf("the portal's home does not link to the page")
		}

		// The JSON twin; the partner reads his own answer only, and
		// Léa's age stays hers.
		var out struct {
			Items []struct {
				Rule   string `json:"rule"`
				Result *struct {
					Data []struct {
						Label, Value, Source string
						Hidden               bool
					} `json:"data"`
				} `json:"result"`
			} `json:"items"`
		}
		resp := portalDo(t, e, lea, "GET", "/api/v1/moi/prescreening", nil)
		doc := openAPIDoc(t, e)
		for _, rt := range e.App.Web.Routes() {
			if rt.Method == "GET" && rt.Pattern == "/api/v1/moi/prescreening" {
				checkAgainst(t, doc, operation(doc, rt), "200", "GET /api/v1/moi/prescreening as the person", resp)
			}
		}
		resp.Decode(t, &out)
		if len(out.Items) != 1 || out.Items[0].Rule != "aspa" || out.Items[0].Result == nil {
			t.Fatalf("Léa's pre-screenings: %+v", out.Items)
		}
		hidden := 0
		for _, d := range out.Items[0].Result.Data {
			if d.Hidden {
				hidden++
				if d.Value != "" || d.Source != "" {
					t.Errorf("a hidden datum shows its value or source: %+v", d)
				}
			}
		}
		if hidden == 0 {
			t.Errorf("the partner's age is not hidden: %+v", out.Items[0].Result.Data)
		}
		marc := addPortalAccount(t, e, partner.ID, &parcours.PortalAccount{Kind: parcours.PortalPerson}, "marc.durand")
		page = string(portalDo(t, e, marc.ID, "GET", "/moi/pre-diagnostic", nil).Body)
		if !strings.Contains(page, "Motif propre à M.") || strings.Contains(page, "Âge requis non atteint") || strings.Contains(page, "MARTIN") {
			t.Errorf("the partner's page:\n%s", page)
		}
		// Once he has left the household screened, his answer stays, its
		// detail (that household's data) no longer computed.
		if _, err := e.App.Persons.CreateHousehold(ctx, worker, person.HouseholdInput{Name: "Foyer Durand",
			Members: []person.MemberInput{{PersonID: partner.ID, Relationship: parcours.RelReference}}}); err != nil {
			t.Fatal(err)
		}
		page = string(portalDo(t, e, marc.ID, "GET", "/moi/pre-diagnostic", nil).Body)
		if !strings.Contains(page, "Motif propre à M.") || !strings.Contains(page, "Vous ne vivez plus dans le foyer") ||
			strings.Contains(page, "Les informations utilisées") || strings.Contains(page, "Foyer Martin") {
			t.Errorf("the partner's page after leaving the household:\n%s", page)
		}
	})
}
