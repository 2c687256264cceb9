package web

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// formServer is a server with one page route taking a form, as a journal
// entry form would.
func formServer(t *testing.T) *Server {
	t.Helper()
	s, err := New(Config{Log: slog.New(slog.DiscardHandler)}, Services{})
	if err != nil {
		t.Fatal(err)
	}
	s.Handle("POST", "/test/notes", Page, func(w http.ResponseWriter, r *http.Request) error {
		t.Error("the handler ran without a session")
		return nil
	}, nil)
	return s
}

func postForm(s *Server, form url.Values, site string) *httptest.ResponseRecorder {
	req := httptest.NewRequest("POST", "https://parcours.test/test/notes", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", site)
	req.Header.Set("Referer", "https://parcours.test/persons/42/journal/new")
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	return rec
}

func TestSessionExpired_PostedTextIsShownBackNotLost(t *testing.T) {
	t.Parallel()
	s := formServer(t)
	note := "Entretien au domicile : la personne <b>souhaite</b> reprendre une formation."
	rec := postForm(s, url.Values{"body": {note}, "password": {"un mot de passe très long et secret"}, "kind": {"interview"}}, "same-origin")
	if rec.Code != http.StatusUnauthorized {
		t.Fatalf("status %d, want 401", rec.Code)
	}
	body := rec.Body.String()
	if !strings.Contains(body, "la personne &lt;b&gt;souhaite&lt;/b&gt; reprendre") {
		t.Error("the typed note is not shown back (escaped)")
	}
	if strings.Contains(body, "secret") {
		t.Error("a password was shown back")
	}
	if !strings.Contains(body, "Session expirée") || !strings.Contains(body, "Rien n&#39;a été enregistré") {
		t.Error("the page does not say that the session expired and nothing was saved")
	}
	if !strings.Contains(body, `href="/login?next=%2Fpersons%2F42%2Fjournal%2Fnew"`) {
		t.Error("the login link does not lead back to the form")
	}
	if rec.Header().Get("Cache-Control") != "no-store" {
		t.Error("the page with the note may be cached")
	}
}

func TestSessionExpired_ShortFormsStillRedirectToLogin(t *testing.T) {
	t.Parallel()
	rec := postForm(formServer(t), url.Values{"kind": {"interview"}}, "same-origin")
	if rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/login") {
		t.Fatalf("status %d to %q, want 303 to /login", rec.Code, rec.Header().Get("Location"))
	}
}

func TestSessionExpired_CrossOriginPostIsRefusedNotEchoed(t *testing.T) {
	t.Parallel()
	rec := postForm(formServer(t), url.Values{"body": {"un texte assez long pour être gardé"}}, "cross-site")
	if rec.Code != http.StatusForbidden || strings.Contains(rec.Body.String(), "assez long") {
		t.Fatalf("cross-site post: status %d, echoed: %v", rec.Code, strings.Contains(rec.Body.String(), "assez long"))
	}
}
