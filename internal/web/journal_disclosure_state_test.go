package web_test

import (
	"net/http"
	"strings"
	"testing"

	"parcours/internal/app/apptest"
)

// The author's « partager avec la personne » / « retenir » controls say
// the entry's current state in words (not by colour): the summary names
// it, the button of the current choice is marked and disabled, and every
// reader of the entry sees a shared or withheld state. The journal API
// carries the same state.
func TestJournalDisclosure_ControlsShowTheCurrentState(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		f := newFixture(t, e)
		entry := func(summary string) string {
			var en struct{ ID string }
			if r := e.Do("POST", "/api/v1/persons/"+f.Person.ID+"/journal", "worker", map[string]any{"kind": "note", "summary": summary}); r.Status != http.StatusCreated {
				t.Fatalf("entry: %d %s", r.Status, r.Body)
			} else {
				r.Decode(t, &en)
			}
			return en.ID
		}
		shared, plain, withheld := entry("Rendez-vous CAF fixé au 12"), entry("Point logement"), entry("Sa sœur dit qu'elle est malade")
		disclose := func(id string, body map[string]any) {
			t.Helper()
			if r := e.Do("POST", "/api/v1/persons/"+f.Person.ID+"/journal/"+id+"/disclosure", "worker", body); r.Status != http.StatusOK {
				t.Fatalf("disclosure: %d %s", r.Status, r.Body)
			}
		}
		disclose(shared, map[string]any{"shared": true})
		disclose(withheld, map[string]any{"withheld": true, "reason": "Propos d'un tiers sur sa santé"})
		// entryHTML is the journal item of id on the page.
		entryHTML := func(page, id string) string {
			t.Helper()
			i := strings.Index(page, `id="entry-`+id+`"`)
			if i < 0 {
				t.Fatalf("entry %s not on the page", id)
			}
			rest := page[i:]
			if j := strings.Index(rest, "</li>"); j >= 0 {
				rest = rest[:j]
			}
			return rest
		}
		r := e.Page("GET", "/persons/"+f.Person.ID, "worker", nil)
		if r.Status != http.StatusOK {
			t.Fatalf("person page: %d", r.Status)
		}
		page := string(r.Body)
		for _, c := range []struct {
			id, state string
			disabled  string // the button of the current choice
		}{
			{shared, "État : partagée avec la personne", "Partager avec la personne (choix actuel)"},
			{plain, "État : non partagée avec la personne", "Ne plus partager (choix actuel)"},
			{withheld, "État : non communicable — tiers", ""},
		} {
			h := entryHTML(page, c.id)
			if !strings.Contains(h, c.state) {
				t.Errorf("entry %s does not say %q:\n%s", c.id, c.state, h)
			}
			if strings.Count(h, "(choix actuel)") != min(1, len(c.disabled)) || (c.disabled != "" && !strings.Contains(h, "disabled>"+c.disabled)) {
				t.Errorf("entry %s: the current choice is not marked %q:\n%s", c.id, c.disabled, h)
			}
		}
		// Another worker of the team sees the state, not the controls.
		page = string(e.Page("GET", "/persons/"+f.Person.ID, "teammate", nil).Body)
		if h := entryHTML(page, shared); !strings.Contains(h, "État : partagée avec la personne") || strings.Contains(h, "/disclosure") {
			t.Errorf("a teammate's view of a shared entry:\n%s", h)
		}
		// The API says the same; unsharing turns the state back.
		disclose(shared, map[string]any{})
		var list struct {
			Items []struct{ ID, Disclosure string }
		}
		e.Do("GET", "/api/v1/persons/"+f.Person.ID+"/journal", "worker", nil).Decode(t, &list)
		got := map[string]string{}
		for _, it := range list.Items {
			got[it.ID] = it.Disclosure
		}
		if got[shared] != "none" || got[plain] != "" || got[withheld] != "withheld" {
			t.Errorf("API disclosure states: %v", got)
		}
		if h := entryHTML(string(e.Page("GET", "/persons/"+f.Person.ID, "worker", nil).Body), shared); !strings.Contains(h, "État : non partagée avec la personne") {
			t.Errorf("unshared entry:\n%s", h)
		}
	})
}
