package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"parcours/internal/app/apptest"
)

func init() {
	settings := "the organisation's information notice: no person's file"
	notice := func(f *fixture) string { return "/organizations/" + f.e.OrgA.ID + "/notice" }
	addRows(
		// The notice is for the person, before anything is recorded: public.
		matrixRow{Route: "GET /organizations/{id}/notice", Path: notice, Page: true, Want: publicRoute(200), NoAudit: "public: " + settings},
		matrixRow{Route: "GET /admin/notice", Path: fixed("/admin/notice"), Page: true, Want: all(http.StatusForbidden, "admin", 200), NoAudit: settings},
		matrixRow{Route: "POST /admin/notice", Path: fixed("/admin/notice"), Page: true,
			Body: func(f *fixture, who string) any { return url.Values{"dpo_contact": {"dpo@ccas.test"}} },
			Want: all(http.StatusForbidden, "admin", http.StatusSeeOther), Audit: []string{"org.notice.update"}},
		matrixRow{Route: "GET /api/v1/organization/notice", Path: fixed("/api/v1/organization/notice"), Want: all(200), NoAudit: settings},
		matrixRow{Route: "PUT /api/v1/organization/notice", Path: fixed("/api/v1/organization/notice"),
			Body: func(f *fixture, who string) any { return map[string]any{"dpo_contact": "dpo@ccas.test"} },
			Want: all(http.StatusForbidden, "admin", 200), Audit: []string{"org.notice.update"}},
	)
}

// The information notice reads in plain language from the organisation's
// own texts, falls back to the defaults (naming the organisation) where
// it wrote none, in French or English, without an account; only the
// organisation's admin changes it, and a text too long changes nothing.
func TestNotice_PublicPlainLanguageEditedByAdmin(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		path := "/organizations/" + e.OrgA.ID + "/notice"
		anon := e.Page("GET", path, "", nil)
		body := string(anon.Body)
		if anon.Status != http.StatusOK {
			t.Fatalf("the notice without an account: %d", anon.Status)
		}
		for _, want := range []string{"Vos informations à " + e.OrgA.Name, "Qui garde vos informations ?", "Vos droits",
			"Savoir qui a lu votre dossier", "Demandez à l&#39;accueil de " + e.OrgA.Name, "CASF", `hreflang="en"`} {
			if want == "CASF" {
				want = "L121-6-2"
			}
			if !strings.Contains(body, want) {
				t.Errorf("the default notice lacks %q", want)
			}
		}
		if en := string(e.Page("GET", path+"?lang=en", "", nil).Body); !strings.Contains(en, "Your information at "+e.OrgA.Name) ||
			!strings.Contains(en, `<html lang="en">`) {
			t.Error("the notice is not offered in English")
		}

		r := e.Do("PUT", "/api/v1/organization/notice", "admin", map[string]any{
			"dpo_contact": "Mme Dupont, dpo@ccas.test, 04 72 00 00 00", "purpose": "Vous aider à trouver un logement."})
		if r.Status != http.StatusOK {
			t.Fatalf("the admin saves the notice: %d %s", r.Status, r.Body)
		}
		body = string(e.Page("GET", path, "", nil).Body)
		if !strings.Contains(body, "Mme Dupont, dpo@ccas.test") || !strings.Contains(body, "Vous aider à trouver un logement.") {
			t.Error("the notice does not show the organisation's texts")
		}
		if strings.Contains(body, "Pour vous accompagner dans vos démarches") {
			t.Error("the default purpose is still shown beside the organisation's own")
		}
		// Another organisation's notice is its own.
		if other := string(e.Page("GET", "/organizations/"+e.OrgB.ID+"/notice", "", nil).Body); strings.Contains(other, "Mme Dupont") ||
			!strings.Contains(other, e.OrgB.Name) {
			t.Error("another organisation's notice shows this one's texts")
		}
		if r := e.Page("GET", "/organizations/01900000-0000-7000-8000-000000000000/notice", "", nil); r.Status != http.StatusNotFound {
			t.Errorf("an unknown organisation's notice: %d, want 404", r.Status)
		}

		// Too long: 422 naming the field, in French, nothing changed.
		r = e.Do("PUT", "/api/v1/organization/notice", "admin", map[string]any{
			"dpo_contact": "x", "retention": strings.Repeat("a", 1501)})
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), "retention") ||
			!strings.Contains(string(r.Body), "trop long") {
			t.Errorf("a text too long: %d %s, want 422 naming retention", r.Status, r.Body)
		}
		var n struct {
			DPOContact string `json:"dpo_contact"`
		}
		e.Do("GET", "/api/v1/organization/notice", "worker", nil).Decode(t, &n)
		if n.DPOContact != "Mme Dupont, dpo@ccas.test, 04 72 00 00 00" {
			t.Errorf("a refused change changed the notice: dpo_contact %q", n.DPOContact)
		}
		if r := e.Do("PUT", "/api/v1/organization/notice", "manager", map[string]any{"dpo_contact": ""}); r.Status != http.StatusForbidden {
			t.Errorf("a manager changes the notice: %d, want 403", r.Status)
		}

		// The admin page warns while no DPO contact is given, and the
		// consent page links to the notice to print.
		e.Do("PUT", "/api/v1/organization/notice", "admin", map[string]any{"dpo_contact": ""})
		if page := string(e.Page("GET", "/admin/notice", "admin", nil).Body); !strings.Contains(page, "la loi l&#39;exige") {
			t.Error("the admin page does not warn that the DPO contact is missing")
		}
		f := newFixture(t, e)
		if c := string(e.Page("GET", "/persons/"+f.Person.ID+"/consent", "worker", nil).Body); !strings.Contains(c, `href="`+path+`"`) {
			t.Error("the consent page does not link to the notice to give the person")
		}
	})
}
