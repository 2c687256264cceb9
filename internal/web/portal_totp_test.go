package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"parcours/internal/app/apptest"
	"parcours/internal/auth"
	"parcours/internal/store"
)

var totpSecretRE = regexp.MustCompile(`<code>([A-Z2-7]+)</code>`)

// The portal's optional second factor, through the handlers: enrolled
// from « Mon accès » with the password asked again and a valid code,
// stored sealed; asked at sign-in after the password (the half-signed-in
// session reaches nothing); a wrong or replayed code is refused; turned
// off again with the password.
func TestPortal_TOTPEnrolSignInAndRemove(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		f := newFixture(t, e)
		const pw = "un jardin sous la pluie"
		b := &portalBrowser{t: t, e: e}
		if r := activate(b, invite(t, e, f.Person.ID), "lea.martin"); r.Status != http.StatusSeeOther {
			t.Fatalf("activation: %d %s", r.Status, r.Body)
		}
		r := b.do("GET", "/moi/compte", nil)
		m := totpSecretRE.FindSubmatch(r.Body)
		if r.Status != http.StatusOK || m == nil || !strings.Contains(string(r.Body), "data:image/png;base64,") {
			t.Fatalf("account page: %d\n%s", r.Status, r.Body)
		}
		secret := string(m[1])
		// The same secret after a reload (kept with the session).
		if m2 := totpSecretRE.FindSubmatch(b.do("GET", "/moi/compte", nil).Body); m2 == nil || string(m2[1]) != secret {
			t.Fatalf("the enrolment changed on reload")
		}
		now := e.App.DB.Now()
		// A second browser signed in before: its session ends on enrolment.
		other := &portalBrowser{t: t, e: e}
		if r := other.do("POST", "/moi/connexion", url.Values{"login": {"lea.martin"}, "password": {pw}}); r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/moi" {
			t.Fatalf("sign-in without a factor: %d %s", r.Status, r.Header.Get("Location"))
		}
		if r := b.do("POST", "/moi/compte/totp", url.Values{"current_password": {"pas le bon"}, "code": {auth.TOTPCode(secret, now)}}); r.Status != http.StatusUnprocessableEntity ||
			!strings.Contains(string(r.Body), "aria-invalid") {
			t.Fatalf("wrong password: %d", r.Status)
		}
		if r := b.do("POST", "/moi/compte/totp", url.Values{"current_password": {pw}, "code": {"000000"}}); r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("wrong code: %d", r.Status)
		}
		if r := b.do("POST", "/moi/compte/totp", url.Values{"current_password": {pw}, "code": {auth.TOTPCode(secret, now)}}); r.Status != http.StatusSeeOther {
			t.Fatalf("enrolment: %d %s", r.Status, r.Body)
		}
		if r := b.do("GET", "/moi/compte", nil); r.Status != http.StatusOK || !strings.Contains(string(r.Body), "Le code de vérification est activé") {
			t.Fatalf("after enrolment, this session goes on: %d", r.Status)
		}
		if r := other.do("GET", "/moi", nil); r.Status != http.StatusSeeOther {
			t.Fatalf("the other session survived the enrolment: %d", r.Status)
		}
		// Stored sealed, never in clear.
		var stored string
		if err := e.App.DB.View(t.Context(), func(tx *store.Tx) error {
			var err error
			stored, _, err = tx.PortalTOTP(t.Context(), pfxAccount(t, e, "lea.martin"))
			return err
		}); err != nil || stored == "" || strings.Contains(stored, secret) {
			t.Fatalf("stored secret %q (%v)", stored, err)
		}

		// Signing in: the password opens a half session that reaches nothing.
		c := &portalBrowser{t: t, e: e}
		if r := c.do("POST", "/moi/connexion", url.Values{"login": {"lea.martin"}, "password": {pw}}); r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/moi/connexion/code" {
			t.Fatalf("sign-in with a factor: %d %s", r.Status, r.Header.Get("Location"))
		}
		peek := *c // a page visited meanwhile ends the half session: look with a copy
		if r := peek.do("GET", "/moi", nil); r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/moi/connexion" {
			t.Fatalf("the half-signed-in session reached /moi: %d", r.Status)
		}
		if r := c.do("GET", "/api/v1/moi", nil); r.Status != http.StatusUnauthorized {
			t.Fatalf("the half-signed-in session reached the API: %d", r.Status)
		}
		if r := c.do("GET", "/moi/connexion/code", nil); r.Status != http.StatusOK || !strings.Contains(string(r.Body), `autocomplete="one-time-code"`) {
			t.Fatalf("code page: %d", r.Status)
		}
		// The code used at enrolment is not accepted again.
		if r := c.do("POST", "/moi/connexion/code", url.Values{"code": {auth.TOTPCode(secret, now)}}); r.Status != http.StatusUnauthorized {
			t.Fatalf("a replayed code: %d", r.Status)
		}
		next := auth.TOTPCode(secret, now.Add(30*time.Second))
		if r := c.do("POST", "/moi/connexion/code", url.Values{"code": {next}}); r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/moi" {
			t.Fatalf("the code: %d %s", r.Status, r.Body)
		}
		if r := c.do("GET", "/moi", nil); r.Status != http.StatusOK {
			t.Fatalf("signed in with the code: %d", r.Status)
		}
		// Turned off with the password: the next sign-in needs no code.
		if r := c.do("POST", "/moi/compte/totp/retrait", url.Values{"current_password": {""}}); r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("removal without the password: %d", r.Status)
		}
		if r := c.do("POST", "/moi/compte/totp/retrait", url.Values{"current_password": {pw}}); r.Status != http.StatusSeeOther {
			t.Fatalf("removal: %d %s", r.Status, r.Body)
		}
		d := &portalBrowser{t: t, e: e}
		if r := d.do("POST", "/moi/connexion", url.Values{"login": {"lea.martin"}, "password": {pw}}); r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/moi" {
			t.Fatalf("sign-in after removal: %d %s", r.Status, r.Header.Get("Location"))
		}
		var n int
		if err := e.App.DB.SQL().QueryRow(rebind(e, "SELECT COUNT(*) FROM audit_events WHERE action IN ('portal.totp.enrol','portal.totp.remove')")).Scan(&n); err != nil || n != 2 {
			t.Errorf("enrolment and removal audited: %d (%v)", n, err)
		}
	})
}

func pfxAccount(t *testing.T, e *apptest.Env, login string) string {
	t.Helper()
	var id string
	if err := e.App.DB.View(t.Context(), func(tx *store.Tx) error {
		a, err := tx.PortalAccountByLogin(t.Context(), login)
		if err == nil {
			id = a.ID
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return id
}
