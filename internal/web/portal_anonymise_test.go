package web_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"parcours/internal/app/apptest"
	"parcours/internal/portal"
	"parcours/internal/store"
)

// Anonymising (erasing) a file whose person has a portal account, and a
// delegate: both accounts go with the file (no login, password hash,
// TOTP secret or pending code is left), their open sessions stop working
// at once (401 on the API, back to the sign-in page), their passwords no
// longer sign in, an unused invitation code no longer activates — and the
// audit events of their portal reads stay, as the retention rules keep
// the audit trail.
func TestPortal_AnonymisingTheFileEndsItsPortalAccounts(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		f := newFixture(t, e)
		p := &portalBrowser{t: t, e: e}
		if r := activate(p, invite(t, e, f.Person.ID), "lea.martin"); r.Status != http.StatusSeeOther {
			t.Fatalf("activation: %d", r.Status)
		}
		p.do("GET", "/moi/delegues", nil)
		r := p.do("POST", "/moi/delegues", url.Values{"name": {"Paul Martin"}, "relationship": {"family"}, "scope": {"view"},
			"ends_on": {time.Now().AddDate(0, 1, 0).Format(time.DateOnly)}})
		m := regexp.MustCompile(`<strong>([A-Z2-9]{5}-[A-Z2-9]{5})</strong>`).FindSubmatch(r.Body)
		if m == nil {
			t.Fatalf("naming a delegate: %d", r.Status)
		}
		d := &portalBrowser{t: t, e: e}
		if r := activate(d, string(m[1]), "paul.martin"); r.Status != http.StatusSeeOther {
			t.Fatalf("delegate activation: %d", r.Status)
		}
		for _, b := range []*portalBrowser{p, d} {
			if r := b.do("GET", "/moi/suivi", nil); r.Status != http.StatusOK {
				t.Fatalf("portal read: %d", r.Status)
			}
		}
		// A fresh code the person has not used yet.
		pending := invite(t, e, f.Person.ID)

		db := e.App.DB.SQL()
		count := func(q string, args ...any) int {
			t.Helper()
			var n int
			if e.Dialect == store.Postgres {
				for i := 1; strings.Contains(q, "?"); i++ {
					q = strings.Replace(q, "?", "$"+strconv.Itoa(i), 1)
				}
			}
			if err := db.QueryRow(q, args...).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		portalEvents := `SELECT (SELECT COUNT(*) FROM audit_events WHERE person_id = ? AND role IN ('person','delegate')) +
			(SELECT COUNT(*) FROM audit_pending WHERE person_id = ? AND role IN ('person','delegate'))`
		before := count(portalEvents, f.Person.ID, f.Person.ID)
		if before == 0 {
			t.Fatal("no audit event of the portal reads")
		}
		if n := count("SELECT COUNT(*) FROM portal_sessions s JOIN portal_accounts a ON a.id = s.account_id WHERE a.person_id = ?", f.Person.ID); n < 2 {
			t.Fatalf("%d portal sessions before, want 2", n)
		}

		if err := e.App.DB.Transact(t.Context(), func(tx *store.Tx) error {
			_, err := tx.AnonymisePersons(t.Context(), []string{f.Person.ID})
			return err
		}); err != nil {
			t.Fatal(err)
		}

		for q, what := range map[string]string{
			"SELECT COUNT(*) FROM portal_accounts WHERE person_id = ?":                                                "accounts (login, password hash, TOTP secret)",
			"SELECT COUNT(*) FROM portal_invitations WHERE person_id = ?":                                             "invitations",
			"SELECT COUNT(*) FROM portal_sessions WHERE account_id NOT IN (SELECT id FROM portal_accounts) OR ? = ''": "sessions of deleted accounts",
		} {
			if n := count(q, f.Person.ID); n != 0 {
				t.Errorf("%d %s left", n, what)
			}
		}
		if n := count("SELECT COUNT(*) FROM portal_accounts WHERE login IN ('lea.martin', 'paul.martin')"); n != 0 {
			t.Errorf("%d logins left", n)
		}
		for _, b := range []*portalBrowser{p, d} {
			req := httptest.NewRequest("GET", "/api/v1/moi", nil)
			req.AddCookie(&http.Cookie{Name: portal.SessionCookie, Value: b.cookie})
			if r := e.Serve(req); r.Status != http.StatusUnauthorized {
				t.Errorf("an open session after anonymisation: API %d, want 401", r.Status)
			}
			if r := b.do("GET", "/moi", nil); r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/moi/connexion" {
				t.Errorf("an open session after anonymisation: page %d %s", r.Status, r.Header.Get("Location"))
			}
		}
		for _, login := range []string{"lea.martin", "paul.martin"} {
			b := &portalBrowser{t: t, e: e}
			b.do("GET", "/moi/connexion", nil)
			if r := b.do("POST", "/moi/connexion", url.Values{"login": {login}, "password": {"un jardin sous la pluie"}}); r.Status == http.StatusSeeOther || r.Status == http.StatusOK {
				t.Errorf("%s signs in after anonymisation: %d", login, r.Status)
			}
		}
		if r := activate(&portalBrowser{t: t, e: e}, pending, "lea.bis"); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("an unused code activates after anonymisation: %d", r.Status)
		}
		if after := count(portalEvents, f.Person.ID, f.Person.ID); after < before {
			t.Errorf("portal audit events: %d before, %d after anonymisation", before, after)
		}
	})
}
