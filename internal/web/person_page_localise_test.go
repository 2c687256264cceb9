package web_test

import (
	"context"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"parcours/internal/app/apptest"
	"parcours/internal/auth"
	"parcours/internal/casefile"
	"parcours/internal/parcours"
	"parcours/internal/web"
)

// The person page is rendered from a copy of person.html per language
// with the catalogue's constant words written into its text (localise,
// templates.go). Every view of it must be, byte for byte, the page the
// generic template writes: each role, in French and in English, with a
// filter, an entry to correct, an interview template and a task to make
// from an entry, and forms sent back with their mistakes and the values
// typed. The two differ only by the session's tokens and the time of the
// last visit, which each view moves.
func TestPersonPage_LocalisedCopyWritesTheSamePage(t *testing.T) {
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		defer web.RenderGenericPages(false)
		ctx := context.Background()
		id := personPageFile(t, e)
		if _, err := e.App.CaseFile.AddEntry(ctx, e.Actor("manager"), id, casefile.EntryInput{Kind: parcours.EntryNote, Summary: "Note du responsable <b>x</b> & 'y'"}); err != nil {
			t.Fatal(err)
		}
		var list struct{ Items []struct{ ID string } }
		e.Do("GET", "/api/v1/persons/"+id+"/journal", "worker", nil).Decode(t, &list)
		if r := e.Do("POST", "/api/v1/persons/"+id+"/journal/"+list.Items[1].ID+"/disclosure", "worker", map[string]any{"shared": true}); r.Status != http.StatusOK {
			t.Fatalf("disclosure: %d %s", r.Status, r.Body)
		}
		if _, err := e.App.CaseFile.CreateTemplate(ctx, e.Actor("manager"), casefile.TemplateInput{Name: "Premier entretien", Body: "Situation : "}); err != nil {
			t.Fatal(err)
		}
		volatile := regexp.MustCompile(`<code>[0-9a-f]{16}</code>|(name="(csrf|form_token)" value=")[^"]*"|content="[A-Za-z0-9_-]{20,}"|\d\d/\d\d/\d\d\d\d à \d\d:\d\d|\d{4}-\d\d-\d\d \d\d:\d\d`)
		views := []struct {
			method, path string
			form         map[string][]string
		}{
			{"GET", "/persons/" + id, nil},
			{"GET", "/persons/" + id + "?kind=interview&from=2026-01-01", nil},
			{"GET", "/persons/" + id + "?amend=" + list.Items[3].ID + "#amend", nil},
			{"GET", "/persons/" + id + "?template=x&task_from=" + list.Items[4].ID, nil},
			{"POST", "/persons/" + id + "/journal", map[string][]string{"kind": {"interview"}, "mode": {"telephone"}, "theme": {parcours.Thematiques[2]},
				"confidentiality": {"team"}, "summary": {""}, "occurred_at": {"2026-02-03"}}},
			{"POST", "/persons/" + id + "/documents", map[string][]string{"doc-kind": {"cni"}, "doc-title": {"x"}}},
			{"POST", "/persons/" + id + "/tasks", map[string][]string{"task-title": {""}, "task-due_date": {"demain"}}},
		}
		shown := 0
		for _, who := range apptest.Cast {
			for _, lang := range []string{"fr", "en"} {
				for _, v := range views {
					view := func() *apptest.Response {
						sess, err := e.App.Auth.NewSession(ctx, e.Workers[who].ID, true)
						if err != nil {
							t.Fatal(err)
						}
						var body io.Reader
						if v.form != nil {
							form := url.Values{"csrf": {sess.CSRF}}
							maps.Copy(form, v.form)
							body = strings.NewReader(form.Encode())
						}
						req := httptest.NewRequest(v.method, v.path, body)
						if body != nil {
							req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
						}
						req.Header.Set("Sec-Fetch-Site", "same-origin")
						req.Header.Set("Accept-Language", lang)
						req.AddCookie(&http.Cookie{Name: auth.SessionCookie, Value: sess.Secret})
						return e.Serve(req)
					}
					view() // the visit the two views below show as the last
					web.RenderGenericPages(false)
					localised := view()
					web.RenderGenericPages(true)
					generic := view()
					if localised.Status != generic.Status {
						t.Fatalf("%s %s %s as %s: status %d, %d from the generic template", lang, v.method, v.path, who, localised.Status, generic.Status)
					}
					a, b := volatile.ReplaceAll(localised.Body, nil), volatile.ReplaceAll(generic.Body, nil)
					if string(a) != string(b) {
						t.Fatalf("%s %s %s as %s: the localised page differs from the generic template's:\n%s\n----\n%s", lang, v.method, v.path, who, a, b)
					}
					if localised.Status == http.StatusOK || localised.Status == http.StatusUnprocessableEntity {
						shown++
					}
				}
			}
		}
		if shown < 30 {
			t.Errorf("only %d views showed the page", shown)
		}
	})
}
