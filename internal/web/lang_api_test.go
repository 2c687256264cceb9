package web_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"parcours/internal/app/apptest"
)

// An API client that asks for English gets English, whatever the
// worker's profile says; without the header the profile decides. Pages
// keep following the profile (TestHome_WorkerPreferenceBeatsAcceptLanguage).
func TestAPI_AcceptLanguageBeatsProfileLanguage(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		if err := e.App.Auth.SetLanguage(t.Context(), e.Actor("worker"), "fr"); err != nil {
			t.Fatal(err)
		}
		if err := e.App.Auth.SetLanguage(t.Context(), e.Actor("worker2"), "en"); err != nil {
			t.Fatal(err)
		}
		call := func(who, acceptLanguage string) string {
			t.Helper()
			req := httptest.NewRequest("GET", "/api/v1/persons/00000000-0000-7000-8000-000000000000", nil)
			req.Header.Set("Authorization", "Bearer "+e.Tokens[who])
			if acceptLanguage != "" {
				req.Header.Set("Accept-Language", acceptLanguage)
			}
			resp := e.Serve(req)
			if resp.Status != http.StatusNotFound {
				t.Fatalf("%s: status %d, want 404", who, resp.Status)
			}
			var body apiErr
			resp.Decode(t, &body)
			return body.Error.Message
		}
		for _, c := range []struct{ who, header, want string }{
			{"worker", "en", "Not found."},
			{"worker", "en-GB,en;q=0.9,fr;q=0.5", "Not found."},
			{"worker", "", "Introuvable."},
			{"worker", "de", "Introuvable."}, // a language we lack: the profile
			{"worker2", "fr-FR", "Introuvable."},
			{"worker2", "", "Not found."},
		} {
			if got := call(c.who, c.header); got != c.want {
				t.Errorf("%s (profile %s) with Accept-Language %q: message %q, want %q",
					c.who, map[string]string{"worker": "fr", "worker2": "en"}[c.who], c.header, got, c.want)
			}
		}
		// Pages still follow the profile over the browser's header.
		req := httptest.NewRequest("GET", "/", nil)
		req.AddCookie(e.Session("worker"))
		req.Header.Set("Accept-Language", "en")
		if body := string(e.Serve(req).Body); !strings.Contains(body, `<html lang="fr">`) {
			t.Error("a page ignored the worker's French profile")
		}
	})
}
