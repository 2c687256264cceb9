package browsertest

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"parcours/internal/aid"
	"parcours/internal/parcours"
	"parcours/internal/person"
	"parcours/internal/portal"
	"parcours/internal/screening"
	"parcours/internal/store"
	"parcours/internal/store/storetest"
)

// The person's pre-screenings in their portal (issue 14), on a 360 px
// phone, on each backend: reached from the portal's home, readable with
// and without JavaScript (the parameters open in a <details>), axe-clean,
// no wider than the screen.
func TestPortal_PrescreeningOnAPhone(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects {
		t.Run(d.String(), func(t *testing.T) { t.Parallel(); portalPrescreeningFlow(t, d) })
	}
}

func portalPrescreeningFlow(t *testing.T, d store.Dialect) {
	e := New(t, d)
	ctx, worker := t.Context(), e.Actor("worker")
	lea := createPerson(t, e.Env, "worker", "MARTIN", "Léa", "1990-04-12")
	marc := createPerson(t, e.Env, "worker", "DURAND", "Marc", "1955-02-03")
	hh, err := e.App.Persons.CreateHousehold(ctx, worker, person.HouseholdInput{Name: "Foyer Martin", Members: []person.MemberInput{
		{PersonID: lea, Relationship: parcours.RelReference}, {PersonID: marc, Relationship: parcours.RelSpouse}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.App.Aid.SaveBudget(ctx, worker, hh.ID, aid.BudgetInput{ValidFrom: "2025-01-01", Adults: 2, Couple: true,
		Lines: []parcours.BudgetLine{{Kind: parcours.LineResource, Category: "salaire", PersonID: marc, MonthlyCents: 90000}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.App.Screening.Record(ctx, worker, hh.ID, screening.OutcomeInput{Rule: "aspa", Outcome: parcours.PrescreenNotRelevant,
		PersonID: lea, Reason: "Âge requis non atteint pour Mme."}); err != nil {
		t.Fatal(err)
	}
	inv, err := e.App.Portal.Invite(ctx, worker, lea, "print")
	if err != nil {
		t.Fatal(err)
	}
	sess, err := e.App.Portal.Activate(ctx, portal.ActivateInput{Code: inv.Code, Login: "lea.martin",
		Password: "un jardin sous la pluie", Confirm: "un jardin sous la pluie"}, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	for _, js := range []bool{true, false} {
		name := map[bool]string{true: "js", false: "nojs"}[js]
		t.Run(name, func(t *testing.T) {
			opts := []TabOption{Width(360)}
			if !js {
				opts = append(opts, NoJS())
			}
			phone := &user{t: t, e: e, tab: e.NewTab(opts...)}
			if _, err := chromedp.Call(phone.tab.Ctx, network.SetCookie, network.SetCookieParams{Name: portal.SessionCookie, Value: sess.Secret,
				URL: e.URL + "/", Path: "/", Secure: ptr(true), HTTPOnly: ptr(true), SameSite: network.CookieSameSiteLax}); err != nil {
				t.Fatal(err)
			}
			phone.tab.Who = "person"
			if st := phone.tab.Go("/moi"); st != http.StatusOK {
				t.Fatalf("/moi: %d", st)
			}
			if st := phone.follow("main", "Mes droits possibles"); st != http.StatusOK || phone.tab.Path() != "/moi/pre-diagnostic" {
				t.Fatalf("from the home: %d %s", st, phone.tab.Path())
			}
			txt := phone.tab.Text("main")
			for _, want := range []string{"Allocation de solidarité aux personnes âgées", "Âge requis non atteint pour Mme.",
				"Ce n'est pas une décision", "Et maintenant ?", "information sur un autre membre de votre foyer"} {
				if !strings.Contains(txt, want) {
					t.Errorf("the page does not say %q: %s", want, txt)
				}
			}
			if strings.Contains(txt, "DURAND") {
				t.Errorf("the page shows the partner's name")
			}
			// The parameters, folded, open without JavaScript.
			phone.tab.Do("open the parameters", chromedp.Click(chromedp.CSS("main details summary")))
			if !Eval[bool](phone.tab, `document.querySelector("main details").open`) {
				t.Errorf("the parameters do not open")
			}
			if w := Eval[int](phone.tab, `document.documentElement.scrollWidth`); w > 360 {
				t.Errorf("/moi/pre-diagnostic is %d px wide on a 360 px phone", w)
			}
			if js {
				reportViolations(t, "person", "/moi/pre-diagnostic", phone.tab.Axe())
			}
		})
	}
}
