package casefile_test

import (
	"html"
	"net/http"
	"strings"
	"testing"

	"parcours/internal/app/apptest"
)

func TestPersonPage_ShowsTheFileAndWhatIsNewSinceTheLastVisit(t *testing.T) {
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		setClock(e, "2026-11-20 09:00")
		p := newPerson(t, e, "worker")
		var acc accJSON
		call(t, e, "POST", "/api/v1/persons/"+p.ID+"/accompaniments", "worker", map[string]any{
			"kind": "acces_droits", "goals": []map[string]any{{"title": "Ouvrir la CSS"}}}, 201, &acc)
		call(t, e, "POST", "/api/v1/persons/"+p.ID+"/journal", "worker", map[string]any{"kind": "note", "summary": "Première rencontre."}, 201, nil)

		page := func(who string) string {
			t.Helper()
			r := e.Page("GET", "/persons/"+p.ID, who, nil)
			if r.Status != http.StatusOK {
				t.Fatalf("GET /persons/{id} as %s: %d", who, r.Status)
			}
			return html.UnescapeString(string(r.Body))
		}
		first := page("worker")
		for _, want := range []string{"MARTIN", "Accès aux droits", "Ouvrir la CSS", "Première rencontre.", "Première consultation de ce dossier."} {
			if !strings.Contains(first, want) {
				t.Errorf("first visit lacks %q", want)
			}
		}
		if strings.Contains(first, "Nouveau depuis votre dernière visite") {
			t.Error("first visit marks entries as new")
		}

		setClock(e, "2026-11-21 09:00")
		call(t, e, "POST", "/api/v1/persons/"+p.ID+"/journal", "manager", map[string]any{"kind": "call", "summary": "Appel de la CPAM."}, 201, nil)
		setClock(e, "2026-11-22 09:00")
		second := page("worker")
		if !strings.Contains(second, "Nouveau depuis votre dernière visite : 1") || !strings.Contains(second, "Appel de la CPAM.") {
			t.Errorf("second visit does not mark the manager's entry as new")
		}

		// The front desk sees who accompanies the person, not the journal.
		desk := page("reception")
		if strings.Contains(desk, "Première rencontre.") || !strings.Contains(desk, "Votre rôle ne donne pas accès au journal") {
			t.Error("reception's page shows the journal")
		}

		// The form keeps what was typed when a date is in the future.
		r := e.Page("POST", "/persons/"+p.ID+"/journal", "worker", map[string][]string{
			"kind": {"note"}, "occurred_at": {"2030-01-01"}, "summary": {"Texte long à ne pas perdre."}})
		body := html.UnescapeString(string(r.Body))
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(body, "Texte long à ne pas perdre.") || !strings.Contains(body, "ne peut pas être dans le futur") {
			t.Errorf("future-dated form: %d, typed text or message missing", r.Status)
		}
		r = e.Page("POST", "/persons/"+p.ID+"/journal", "worker", map[string][]string{
			"kind": {"interview"}, "mode": {"visio"}, "participants": {"Mme Martin, son fils"}, "summary": {"Entretien en visio."}})
		if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/persons/"+p.ID) {
			t.Fatalf("form post: %d to %q", r.Status, r.Header.Get("Location"))
		}
		var list entryPage
		call(t, e, "GET", "/api/v1/persons/"+p.ID+"/journal?kind=interview", "worker", nil, 200, &list)
		if len(list.Items) != 1 || list.Items[0].Summary != "Entretien en visio." {
			t.Errorf("entry from the form: %+v", list.Items)
		}
	})
}
