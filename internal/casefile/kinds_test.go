package casefile_test

import (
	"html"
	"net/http"
	"strings"
	"testing"

	"parcours/internal/app/apptest"
)

func TestKinds_CatalogueSeededThenEditedPerOrganisation(t *testing.T) {
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		type kind struct {
			Code, Label string
			Active      bool
		}
		var list struct{ Items []kind }
		call(t, e, "GET", "/api/v1/accompaniment-kinds", "worker", nil, 200, &list)
		labels := map[string]bool{}
		for _, k := range list.Items {
			labels[k.Label] = k.Active
		}
		for _, want := range []string{"Accompagnement social global", "Insertion RSA", "ASLL logement", "Budget / AEB", "Accès aux droits"} {
			if !labels[want] {
				t.Errorf("seeded catalogue lacks %q: %v", want, labels)
			}
		}

		// A manager adds a kind from the settings page and deactivates one.
		if r := e.Page("POST", "/settings/casefile/kinds", "manager", map[string][]string{"code": {"jeunes"}, "label": {"Accompagnement jeunes majeurs"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("add kind: %d", r.Status)
		}
		call(t, e, "PUT", "/api/v1/accompaniment-kinds/rsa", "manager", map[string]any{"label": "Insertion RSA", "active": false}, 200, nil)
		r := e.Page("POST", "/settings/casefile/kinds", "manager", map[string][]string{"code": {"Pas Un Code"}, "label": {"x"}})
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(html.UnescapeString(string(r.Body)), "minuscules") {
			t.Errorf("bad code: %d, want 422 with the rule", r.Status)
		}

		p := newPerson(t, e, "worker")
		call(t, e, "POST", "/api/v1/persons/"+p.ID+"/accompaniments", "worker", map[string]any{"kind": "jeunes"}, 201, nil)
		resp := call(t, e, "POST", "/api/v1/persons/"+p.ID+"/accompaniments", "worker", map[string]any{"kind": "rsa"}, 422, nil)
		if f := errorOf(t, resp).Error.Field; f != "kind" {
			t.Errorf("deactivated kind refused on %q, want kind", f)
		}
		// Another organisation still has the defaults.
		call(t, e, "GET", "/api/v1/accompaniment-kinds", "other", nil, 200, &list)
		for _, k := range list.Items {
			if k.Code == "jeunes" || (k.Code == "rsa" && !k.Active) {
				t.Errorf("org B sees org A's catalogue: %+v", k)
			}
		}
		// Workers read the catalogue but do not edit it.
		call(t, e, "PUT", "/api/v1/accompaniment-kinds/asg", "worker", map[string]any{"label": "x"}, 403, nil)
	})
}
