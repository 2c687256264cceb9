package web_test

import (
	"net/http"
	"strings"
	"testing"

	"parcours/internal/app/apptest"
	"parcours/internal/parcours"
)

// TestDirectoryPages_AdminEntersAndEdits: an administrator enters an
// external structure and a service through the pages (no JavaScript),
// bad input is shown back in French with the field named and changes
// nothing, then edits and deactivates the service; other roles are
// refused.
func TestDirectoryPages_AdminEntersAndEdits(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		count := e.Count
		for _, who := range []string{"worker", "manager", "reception"} {
			if r := e.Page("GET", "/settings/directory", who, nil); r.Status != http.StatusForbidden {
				t.Errorf("%s: %d", who, r.Status)
			}
		}
		if r := e.Page("GET", "/settings/directory", "admin", nil); r.Status != 200 || !strings.Contains(string(r.Body), "aucune structure") {
			t.Errorf("empty list: %d", r.Status)
		}
		before := count("directory_structures")
		r := e.Page("POST", "/settings/directory/structures", "admin", map[string][]string{"nom": {"Secours solidaire"}, "code_insee": {"6926"}, "active": {"1"}})
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), `aria-invalid="true" aria-describedby="e-code_insee"`) ||
			!strings.Contains(string(r.Body), "Secours solidaire") || count("directory_structures") != before {
			t.Errorf("bad INSEE code: %d", r.Status)
		}
		r = e.Page("POST", "/settings/directory/structures", "admin", map[string][]string{"nom": {"Secours solidaire"}, "code_insee": {"69266"},
			"commune": {"Villeurbanne"}, "active": {"1"}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("structure: %d %s", r.Status, r.Body)
		}
		var stID string
		if err := e.App.DB.SQL().QueryRow("SELECT id FROM directory_structures WHERE nom = 'Secours solidaire'").Scan(&stID); err != nil {
			t.Fatal(err)
		}
		if r := e.Page("GET", "/settings/directory/services/new?structure_id="+stID, "admin", nil); r.Status != 200 {
			t.Errorf("service form: %d", r.Status)
		}
		svc := map[string][]string{"structure_id": {stID}, "nom": {"Épicerie solidaire"}, "horaires_accueil": {"Mardi 14h-17h"},
			"pre_requis": {"Sur orientation"}, "zone_diffusion_type": {"commune"}, "zone_diffusion_code": {"69266"}, "modes_accueil": {"en-presentiel"}, "active": {"1"}}
		before = count("directory_services")
		r = e.Page("POST", "/settings/directory/services", "admin", svc)
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), "thématiques") || !strings.Contains(string(r.Body), "Mardi 14h-17h") ||
			count("directory_services") != before {
			t.Errorf("no theme: %d", r.Status)
		}
		svc["thematiques"] = []string{"equipement-et-alimentation"}
		if r := e.Page("POST", "/settings/directory/services", "admin", svc); r.Status != http.StatusSeeOther {
			t.Fatalf("service: %d %s", r.Status, r.Body)
		}
		var l struct{ Items []parcours.Service }
		e.Do("GET", "/api/v1/services?commune=69266&theme=equipement-et-alimentation", "worker", nil).Decode(t, &l)
		if len(l.Items) != 1 || l.Items[0].HorairesAccueil != "Mardi 14h-17h" || l.Items[0].PreRequis != "Sur orientation" {
			t.Fatalf("search: %+v", l.Items)
		}
		id := l.Items[0].ID
		page := e.Page("GET", "/settings/directory/services/"+id, "admin", nil)
		if page.Status != 200 || !strings.Contains(string(page.Body), `value="equipement-et-alimentation" checked`) {
			t.Errorf("edit form: %d", page.Status)
		}
		delete(svc, "active")
		svc["horaires_accueil"] = []string{"Jeudi 9h-12h"}
		if r := e.Page("POST", "/settings/directory/services/"+id, "admin", svc); r.Status != http.StatusSeeOther {
			t.Fatalf("edit: %d %s", r.Status, r.Body)
		}
		e.Do("GET", "/api/v1/services?commune=69266&theme=equipement-et-alimentation", "worker", nil).Decode(t, &l)
		if len(l.Items) != 0 {
			t.Errorf("deactivated service still found: %+v", l.Items)
		}
		if page := e.Page("GET", "/settings/directory", "admin", nil); !strings.Contains(string(page.Body), "Épicerie solidaire") || !strings.Contains(string(page.Body), "désactivé") {
			t.Errorf("list: %s", page.Body)
		}
		// Another organisation's structure does not exist here.
		if r := e.Page("GET", "/settings/directory/structures/nope", "admin", nil); r.Status != http.StatusNotFound {
			t.Errorf("unknown structure: %d", r.Status)
		}
	})
}
