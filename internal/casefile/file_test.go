package casefile_test

import (
	"bytes"
	"html"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"parcours/internal/app/apptest"
	"parcours/internal/auth"
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

		// A document attached from the page (multipart form, no JavaScript).
		sess, err := e.App.Auth.NewSession(t.Context(), e.Workers["worker"].ID, true)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		mw.WriteField("csrf", sess.CSRF)
		mw.WriteField("doc-kind", "avis_imposition")
		mw.WriteField("doc-expires_on", "2027-09-30")
		fw, _ := mw.CreateFormFile("doc-file", "avis-2025.pdf")
		fw.Write([]byte("%PDF-1.7\n1 0 obj\n"))
		mw.Close()
		req := httptest.NewRequest("POST", "/persons/"+p.ID+"/documents", &buf)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.AddCookie(&http.Cookie{Name: auth.SessionCookie, Value: sess.Secret})
		if r := e.Serve(req); r.Status != http.StatusSeeOther {
			t.Fatalf("page upload: %d %s", r.Status, r.Body)
		}
		var docs struct {
			Items []docJSON
		}
		call(t, e, "GET", "/api/v1/persons/"+p.ID+"/documents", "worker", nil, 200, &docs)
		if len(docs.Items) != 1 || docs.Items[0].ContentType != "application/pdf" || docs.Items[0].ExpiresOn != "2027-09-30" {
			t.Errorf("documents after the page upload: %+v", docs.Items)
		}

		// An interview template pre-fills the new entry.
		call(t, e, "POST", "/api/v1/interview-templates", "manager", map[string]any{"name": "Premier accueil", "body": "Motif de la venue :\nRessources :"}, 201, nil)
		var tpls struct{ Items []struct{ ID string } }
		call(t, e, "GET", "/api/v1/interview-templates", "worker", nil, 200, &tpls)
		r = e.Page("GET", "/persons/"+p.ID+"?template="+tpls.Items[0].ID, "worker", nil)
		if body := html.UnescapeString(string(r.Body)); !strings.Contains(body, "Motif de la venue :\nRessources :</textarea>") {
			t.Error("the template does not pre-fill the summary")
		}

		// Correcting one's entry from the page: the link opens the form,
		// the correction is added and the original kept.
		var mine entryPage
		call(t, e, "GET", "/api/v1/persons/"+p.ID+"/journal?kind=interview", "worker", nil, 200, &mine)
		r = e.Page("GET", "/persons/"+p.ID+"?amend="+mine.Items[0].ID, "worker", nil)
		if !strings.Contains(string(r.Body), `action="/persons/`+p.ID+`/journal/`+mine.Items[0].ID+`/amendments"`) {
			t.Fatal("?amend= does not show the correction form")
		}
		r = e.Page("POST", "/persons/"+p.ID+"/journal/"+mine.Items[0].ID+"/amendments", "worker", map[string][]string{"amend-summary": {""}})
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(html.UnescapeString(string(r.Body)), "compte rendu") {
			t.Errorf("empty correction: %d, want 422 naming the field", r.Status)
		}
		r = e.Page("POST", "/persons/"+p.ID+"/journal/"+mine.Items[0].ID+"/amendments", "worker", map[string][]string{"amend-summary": {"Entretien en visio (45 min)."}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("correction: %d", r.Status)
		}
		call(t, e, "GET", "/api/v1/persons/"+p.ID+"/journal?kind=interview", "worker", nil, 200, &mine)
		if s := summaries(mine); len(mine.Items) != 2 || !s["Entretien en visio."] || !s["Entretien en visio (45 min)."] {
			t.Errorf("after the correction: %+v", mine.Items)
		}

		// Goals from the page: added, then achieved.
		r = e.Page("POST", "/persons/"+p.ID+"/accompaniments/"+acc.ID+"/goals", "worker", map[string][]string{"goal-title": {""}})
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(html.UnescapeString(string(r.Body)), "intitulé") {
			t.Errorf("goal without a title: %d, want 422 naming the field", r.Status)
		}
		r = e.Page("POST", "/persons/"+p.ID+"/accompaniments/"+acc.ID+"/goals", "worker", map[string][]string{"goal-title": {"Retrouver un emploi"}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("add goal: %d", r.Status)
		}
		var accs struct {
			Items []struct {
				Goals []struct{ ID, Title, Status string }
			}
		}
		call(t, e, "GET", "/api/v1/persons/"+p.ID+"/accompaniments", "worker", nil, 200, &accs)
		goals := accs.Items[0].Goals
		if len(goals) != 2 || goals[1].Title != "Retrouver un emploi" || goals[1].Status != "open" {
			t.Fatalf("goals = %+v", goals)
		}
		if r := e.Page("POST", "/persons/"+p.ID+"/goals/"+goals[1].ID, "worker", map[string][]string{"status": {"achieved"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("goal achieved: %d", r.Status)
		}
		call(t, e, "GET", "/api/v1/persons/"+p.ID+"/accompaniments", "worker", nil, 200, &accs)
		if g := accs.Items[0].Goals[1]; g.Status != "achieved" {
			t.Errorf("goal after the update: %+v", g)
		}
	})
}
