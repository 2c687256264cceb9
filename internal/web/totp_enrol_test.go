package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"parcours/internal/app/apptest"
	"parcours/internal/auth"
	"parcours/internal/store"
)

// The server draws the TOTP secret and keeps it with the session; the
// client only proves it holds it. A client posting a secret of its own
// choosing (here all zeros, with a valid code for it) enrols nothing.
func TestTOTPEnrolment_ServerDrawsTheSecretAndIgnoresTheClients(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		setPassword(t, e, "manager", testPassword)
		at := time.Date(2026, 3, 2, 9, 0, 10, 0, time.UTC)
		clock(e, at)
		const zeros = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" // 20 zero bytes
		enabled := func() bool {
			t.Helper()
			w, err := e.App.Orgs.Worker(t.Context(), e.Actor("admin"), e.Workers["manager"].ID)
			if err != nil {
				t.Fatal(err)
			}
			return w.TOTPEnabled
		}

		// A session that never showed the enrolment page has nothing to
		// confirm, whatever it posts.
		b := newBrowser(e)
		b.login("manager@ccas.test", testPassword, "")
		tok := b.csrf("/login/totp/setup")
		b2 := newBrowser(e)
		b2.login("manager@ccas.test", testPassword, "")
		var tok2 string // b2's token, read where it is kept: b2 shows no page
		q := "SELECT csrf_token FROM sessions WHERE worker_id = ? AND totp_pending = ''"
		if e.Dialect == store.Postgres {
			q = "SELECT csrf_token FROM sessions WHERE worker_id = $1 AND totp_pending = ''"
		}
		if err := e.App.DB.SQL().QueryRow(q, e.Workers["manager"].ID).Scan(&tok2); err != nil {
			t.Fatal(err)
		}
		if r := b2.do("POST", "/login/totp/setup", url.Values{"csrf": {tok2}, "secret": {zeros}, "code": {auth.TOTPCode(zeros, at)}}); r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("client-chosen secret without an enrolment under way: %d, want 422", r.Status)
		}

		page := b.do("GET", "/login/totp/setup", nil)
		m := secretRe.FindStringSubmatch(string(page.Body))
		if m == nil {
			t.Fatal("the enrolment page shows no key")
		}
		if strings.Contains(string(page.Body), `name="secret"`) {
			t.Error("the enrolment form sends a secret back")
		}
		if r := b.do("POST", "/login/totp/setup", url.Values{"csrf": {tok}, "secret": {zeros}, "code": {auth.TOTPCode(zeros, at)}}); r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("client-chosen secret: %d, want 422", r.Status)
		}
		if enabled() {
			t.Fatal("a client-chosen secret was enrolled")
		}
		// The same key after the failure and after a reload; it is kept
		// sealed, not in clear.
		if again := secretRe.FindStringSubmatch(string(b.do("GET", "/login/totp/setup", nil).Body)); again == nil || again[1] != m[1] {
			t.Fatalf("the key changed on reload: %v, want %s", again, m[1])
		}
		var pending string
		q = "SELECT totp_pending FROM sessions WHERE worker_id = ? AND totp_pending <> ''"
		if e.Dialect == store.Postgres {
			q = "SELECT totp_pending FROM sessions WHERE worker_id = $1 AND totp_pending <> ''"
		}
		if err := e.App.DB.SQL().QueryRow(q, e.Workers["manager"].ID).Scan(&pending); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(pending, "enc1:") || strings.Contains(pending, m[1]) {
			t.Errorf("pending secret stored as %q, want it sealed", pending)
		}
		// The server's secret, proved with its code, is enrolled.
		r := b.do("POST", "/login/totp/setup", url.Values{"csrf": {tok}, "code": {auth.TOTPCode(m[1], at)}})
		if r.Status != http.StatusSeeOther || !enabled() {
			t.Fatalf("enrolment with the server's key: %d (enabled %v), want 303", r.Status, enabled())
		}
		// And the zeros secret does not sign in.
		clock(e, at.Add(time.Minute))
		b3 := newBrowser(e)
		b3.login("manager@ccas.test", testPassword, "")
		if r := b3.do("POST", "/login/totp", url.Values{"csrf": {b3.csrf("/login/totp")}, "code": {auth.TOTPCode(zeros, at.Add(time.Minute))}}); r.Status != http.StatusUnauthorized {
			t.Fatalf("sign-in with the zeros secret: %d, want 401", r.Status)
		}
	})
}
