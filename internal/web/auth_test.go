package web_test

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"parcours/internal/app/apptest"
	"parcours/internal/auth"
	"parcours/internal/org"
	"parcours/internal/parcours"
	"parcours/internal/store"
)

const testPassword = "une phrase de passe solide"

// browser is a minimal browser for the sign-in flow: it keeps the session
// cookie it is given and sends same-origin requests.
type browser struct {
	e      *apptest.Env
	cookie string
	ip     string
}

func newBrowser(e *apptest.Env) *browser { return &browser{e: e, ip: "198.51.100.7"} }

func (b *browser) do(method, path string, form url.Values) *apptest.Response {
	b.e.T.Helper()
	var req *http.Request
	if form != nil {
		req = httptest.NewRequest(method, path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		req = httptest.NewRequest(method, path, nil)
	}
	req.RemoteAddr = b.ip + ":51234"
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	if b.cookie != "" {
		req.AddCookie(&http.Cookie{Name: auth.SessionCookie, Value: b.cookie})
	}
	resp := b.e.Serve(req)
	for _, c := range (&http.Response{Header: resp.Header}).Cookies() {
		if c.Name == auth.SessionCookie {
			b.cookie = c.Value
		}
	}
	return resp
}

var csrfRe = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf reads the token of the page's forms.
func (b *browser) csrf(path string) string {
	b.e.T.Helper()
	r := b.do("GET", path, nil)
	m := csrfRe.FindSubmatch(r.Body)
	if m == nil {
		b.e.T.Fatalf("no csrf field on %s (status %d)", path, r.Status)
	}
	return string(m[1])
}

func (b *browser) login(email, password, next string) *apptest.Response {
	b.e.T.Helper()
	return b.do("POST", "/login", url.Values{"email": {email}, "password": {password}, "next": {next}})
}

// setPassword gives a cast member a password (the cast has none).
func setPassword(t *testing.T, e *apptest.Env, who, password string) {
	t.Helper()
	h := auth.HashPassword(password)
	if err := e.App.DB.Transact(context.Background(), func(tx *store.Tx) error {
		return tx.SetPassword(context.Background(), e.Workers[who].ID, h)
	}); err != nil {
		t.Fatal(err)
	}
}

// enrolTOTP gives a cast member a second factor and returns its secret.
func enrolTOTP(t *testing.T, e *apptest.Env, who string) string {
	t.Helper()
	en, err := auth.NewTOTPEnrolment(e.Workers[who])
	if err != nil {
		t.Fatal(err)
	}
	if err := e.App.DB.Transact(context.Background(), func(tx *store.Tx) error {
		return tx.SetTOTP(context.Background(), e.Workers[who].ID, en.Secret, true)
	}); err != nil {
		t.Fatal(err)
	}
	return en.Secret
}

func relaxTOTP(t *testing.T, e *apptest.Env, optional bool) {
	t.Helper()
	if _, err := e.App.Orgs.UpdateSettings(context.Background(), e.Actor("admin"), e.OrgA.ID, org.Settings{TOTPOptional: &optional}); err != nil {
		t.Fatal(err)
	}
}

// clock freezes the database clock at start; advance moves it on.
func clock(e *apptest.Env, start time.Time) (advance func(time.Duration)) {
	now := start
	e.App.DB.Now = func() time.Time { return now }
	return func(d time.Duration) { now = now.Add(d) }
}

func auditCount(t *testing.T, e *apptest.Env, action, objectID string) int {
	t.Helper()
	var n int
	q := "SELECT COUNT(*) FROM audit_events WHERE action = ? AND object_id = ?"
	if e.Dialect == store.Postgres {
		q = "SELECT COUNT(*) FROM audit_events WHERE action = $1 AND object_id = $2"
	}
	if err := e.App.DB.SQL().QueryRow(q, action, objectID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestLogin_WithoutTOTPWhenRelaxed_SetsHardenedCookieAndRedirectsToNext(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		relaxTOTP(t, e, true)
		setPassword(t, e, "worker", testPassword)
		b := newBrowser(e)
		r := b.login("  Worker@CCAS.test ", testPassword, "/profile")
		if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/profile" {
			t.Fatalf("login: %d → %q, want 303 → /profile", r.Status, r.Header.Get("Location"))
		}
		c := (&http.Response{Header: r.Header}).Cookies()[0]
		if c.Name != "__Host-parcours_session" || !c.Secure || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Domain != "" {
			t.Fatalf("cookie %+v, want __Host- Secure HttpOnly SameSite=Lax Path=/ host-only", c)
		}
		if len(c.Value) < 40 {
			t.Fatalf("session id of %d characters, want ≥ 128 bits", len(c.Value))
		}
		if r := b.do("GET", "/profile", nil); r.Status != http.StatusOK || !strings.Contains(string(r.Body), "worker@ccas.test") {
			t.Fatalf("profile after login: %d", r.Status)
		}
		// The relaxed organisation shows its workers a warning.
		if r := b.do("GET", "/profile", nil); !strings.Contains(string(r.Body), "facultative") {
			t.Fatal("no warning about the relaxed second factor in the layout")
		}
		if n := auditCount(t, e, "auth.login.success", e.Workers["worker"].ID); n != 1 {
			t.Fatalf("%d auth.login.success events, want 1", n)
		}
	})
}

func TestLogin_FailuresAreGenericLoggedAndAudited(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		setPassword(t, e, "worker", testPassword)
		b := newBrowser(e)
		wrong := b.login("worker@ccas.test", "mot de passe erroné 42", "")
		unknown := b.login("personne.inconnue@ccas.test", "mot de passe erroné 42", "")
		for _, r := range []*apptest.Response{wrong, unknown} {
			if r.Status != http.StatusUnauthorized || !strings.Contains(string(r.Body), "Adresse e-mail ou mot de passe incorrect") {
				t.Fatalf("failure: %d, want 401 with the generic message", r.Status)
			}
			if b.cookie != "" {
				t.Fatal("a failed login set a session cookie")
			}
		}
		logs := e.Logs()
		if strings.Contains(logs, "mot de passe erroné") || strings.Contains(logs, "personne.inconnue") {
			t.Fatal("the logs contain a password or the e-mail of an unknown account")
		}
		if !strings.Contains(logs, `"outcome":"failure"`) || !strings.Contains(logs, `"reason":"unknown_account"`) ||
			!strings.Contains(logs, `"worker_id":"`+e.Workers["worker"].ID+`"`) {
			t.Fatalf("login failures are not logged with their reason and worker id")
		}
		if n := auditCount(t, e, "auth.login.failure", e.Workers["worker"].ID); n != 1 {
			t.Fatalf("%d auth.login.failure events for the worker, want 1", n)
		}
		if n := auditCount(t, e, "auth.login.failure", ""); n != 1 {
			t.Fatalf("%d auth.login.failure events for the unknown account, want 1", n)
		}
		// Empty fields are named, in French.
		r := b.login("", "", "")
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), "obligatoire") {
			t.Fatalf("empty form: %d", r.Status)
		}
	})
}

func TestLogin_LockoutAfterFiveFailuresThenUnlockAfterFifteenMinutes(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		relaxTOTP(t, e, true)
		setPassword(t, e, "worker", testPassword)
		advance := clock(e, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
		b := newBrowser(e)
		for i := range 5 {
			if r := b.login("worker@ccas.test", "mauvais mot de passe", ""); r.Status != http.StatusUnauthorized {
				t.Fatalf("failure %d: %d, want 401", i+1, r.Status)
			}
			advance(time.Minute)
		}
		// Locked: even the right password is refused, from another address.
		other := newBrowser(e)
		other.ip = "203.0.113.9"
		if r := other.login("worker@ccas.test", testPassword, ""); r.Status != http.StatusTooManyRequests || other.cookie != "" {
			t.Fatalf("locked account: %d, want 429 and no session", r.Status)
		}
		// An unknown e-mail locks the same way: the lock does not reveal
		// which addresses have accounts.
		for range 5 {
			b.login("fantome@ccas.test", "mauvais mot de passe", "")
		}
		if r := other.login("fantome@ccas.test", "mauvais mot de passe", ""); r.Status != http.StatusTooManyRequests {
			t.Fatalf("unknown account after 5 failures: %d, want 429 like a real one", r.Status)
		}
		advance(10 * time.Minute) // 11 minutes after the 5th failure (at 9:04): still locked
		// A colleague's login meanwhile (which drops stale counters) must
		// not lift the lock.
		setPassword(t, e, "worker2", testPassword)
		if r := newBrowser(e).login("worker2@ccas.test", testPassword, ""); r.Status != http.StatusSeeOther {
			t.Fatalf("colleague's login: %d", r.Status)
		}
		if r := other.login("worker@ccas.test", testPassword, ""); r.Status != http.StatusTooManyRequests {
			t.Fatalf("11 minutes into the lock: %d, want 429", r.Status)
		}
		advance(5 * time.Minute) // 16 minutes after it: unlocked
		if r := other.login("worker@ccas.test", testPassword, "/"); r.Status != http.StatusSeeOther || other.cookie == "" {
			t.Fatalf("after the lock: %d, want 303 with a session", r.Status)
		}
	})
}

func TestLogin_AddressThrottle(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		relaxTOTP(t, e, true)
		setPassword(t, e, "worker", testPassword)
		clock(e, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
		b := newBrowser(e)
		for i := range 20 { // 20 different accounts from one address
			b.login("compte"+string(rune('a'+i))+"@ccas.test", "mauvais mot de passe", "")
		}
		if r := b.login("worker@ccas.test", testPassword, ""); r.Status != http.StatusTooManyRequests {
			t.Fatalf("21st attempt from one address: %d, want 429", r.Status)
		}
		other := newBrowser(e)
		other.ip = "203.0.113.10"
		if r := other.login("worker@ccas.test", testPassword, ""); r.Status != http.StatusSeeOther {
			t.Fatalf("same account from another address: %d, want 303", r.Status)
		}
	})
}

func TestLogin_TOTPRequiredByDefault_ReplayRefused(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		setPassword(t, e, "worker", testPassword)
		secret := enrolTOTP(t, e, "worker")
		at := time.Date(2026, 3, 2, 9, 0, 10, 0, time.UTC)
		clock(e, at)
		b := newBrowser(e)
		r := b.login("worker@ccas.test", testPassword, "/profile")
		if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/login/totp?next=%2Fprofile" {
			t.Fatalf("password step: %d → %q", r.Status, r.Header.Get("Location"))
		}
		pending := b.cookie
		// Half signed in: no page opens.
		if r := b.do("GET", "/profile", nil); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/login") {
			t.Fatalf("profile before the second factor: %d", r.Status)
		}
		tok := b.csrf("/login/totp")
		if r := b.do("POST", "/login/totp", url.Values{"csrf": {tok}, "code": {wrongCode(secret, at, 0)}, "next": {"/profile"}}); r.Status != http.StatusUnauthorized {
			t.Fatalf("wrong code: %d, want 401", r.Status)
		}
		code := auth.TOTPCode(secret, at)
		r = b.do("POST", "/login/totp", url.Values{"csrf": {tok}, "code": {code}, "next": {"/profile"}})
		if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/profile" {
			t.Fatalf("right code: %d → %q", r.Status, r.Header.Get("Location"))
		}
		if b.cookie == pending {
			t.Fatal("the session id was not renewed after the second factor")
		}
		if r := b.do("GET", "/profile", nil); r.Status != http.StatusOK {
			t.Fatalf("profile after the second factor: %d", r.Status)
		}
		// The same code, seen over a shoulder, cannot be used again.
		thief := newBrowser(e)
		thief.login("worker@ccas.test", testPassword, "")
		tok = thief.csrf("/login/totp")
		if r := thief.do("POST", "/login/totp", url.Values{"csrf": {tok}, "code": {code}}); r.Status != http.StatusUnauthorized {
			t.Fatalf("replayed code: %d, want 401", r.Status)
		}
		if r := thief.do("GET", "/profile", nil); r.Status != http.StatusSeeOther {
			t.Fatalf("profile with a replayed code: %d, want a redirect to login", r.Status)
		}
	})
}

func TestLogin_TOTPRelaxedForWorkersButNotForAdmins(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		relaxTOTP(t, e, true)
		setPassword(t, e, "worker", testPassword)
		setPassword(t, e, "admin", testPassword)
		w := newBrowser(e)
		if r := w.login("worker@ccas.test", testPassword, ""); r.Header.Get("Location") != "/" {
			t.Fatalf("worker of a relaxed organisation: → %q, want signed in", r.Header.Get("Location"))
		}
		a := newBrowser(e)
		if r := a.login("admin@ccas.test", testPassword, ""); r.Header.Get("Location") != "/login/totp/setup" {
			t.Fatalf("admin of a relaxed organisation: → %q, want the TOTP enrolment", r.Header.Get("Location"))
		}
		relaxTOTP(t, e, false)
		w2 := newBrowser(e)
		if r := w2.login("worker@ccas.test", testPassword, ""); r.Header.Get("Location") != "/login/totp/setup" {
			t.Fatalf("worker once the relaxation is lifted: → %q, want the TOTP enrolment", r.Header.Get("Location"))
		}
	})
}

// secretRe reads the key the enrolment page shows for manual entry.
var secretRe = regexp.MustCompile(`<code>([A-Z2-7]+)</code>`)

func TestLogin_FirstLoginEnrolsTOTP(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		setPassword(t, e, "manager", testPassword)
		at := time.Date(2026, 3, 2, 9, 0, 10, 0, time.UTC)
		clock(e, at)
		b := newBrowser(e)
		b.login("manager@ccas.test", testPassword, "/profile")
		page := b.do("GET", "/login/totp/setup?next=%2Fprofile", nil)
		body := string(page.Body)
		m := secretRe.FindStringSubmatch(body)
		if page.Status != http.StatusOK || m == nil || !strings.Contains(body, `src="data:image/png;base64,`) || !strings.Contains(body, "<code>"+m[1]+"</code>") {
			t.Fatalf("enrolment page: %d, want a QR code as a data: PNG and the secret in text", page.Status)
		}
		tok := csrfRe.FindStringSubmatch(body)[1]
		if r := b.do("POST", "/login/totp/setup", url.Values{"csrf": {tok}, "code": {wrongCode(m[1], at, 123456)}}); r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("wrong enrolment code: %d, want 422", r.Status)
		}
		r := b.do("POST", "/login/totp/setup", url.Values{"csrf": {tok}, "code": {auth.TOTPCode(m[1], at)}, "next": {"/profile"}})
		if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/profile" {
			t.Fatalf("enrolment: %d → %q", r.Status, r.Header.Get("Location"))
		}
		if r := b.do("GET", "/profile", nil); r.Status != http.StatusOK {
			t.Fatalf("profile after enrolment: %d", r.Status)
		}
		// The secret is stored encrypted, never in clear.
		var stored string
		q := "SELECT totp_secret FROM workers WHERE id = ?"
		if e.Dialect == store.Postgres {
			q = "SELECT totp_secret FROM workers WHERE id = $1"
		}
		if err := e.App.DB.SQL().QueryRow(q, e.Workers["manager"].ID).Scan(&stored); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(stored, "enc1:") || strings.Contains(stored, m[1]) {
			t.Fatalf("stored TOTP secret %q, want it encrypted", stored)
		}
		// From now on the code is asked at each sign-in, and the stored
		// secret checks it.
		b3 := newBrowser(e)
		b3.login("manager@ccas.test", testPassword, "")
		clock(e, at.Add(time.Minute))
		if r := b3.do("POST", "/login/totp", url.Values{"csrf": {b3.csrf("/login/totp")}, "code": {auth.TOTPCode(m[1], at.Add(time.Minute))}}); r.Status != http.StatusSeeOther {
			t.Fatalf("sign-in with the enrolled factor: %d, want 303", r.Status)
		}
		b2 := newBrowser(e)
		if r := b2.login("manager@ccas.test", testPassword, ""); r.Header.Get("Location") != "/login/totp" {
			t.Fatalf("next login: → %q, want /login/totp", r.Header.Get("Location"))
		}
		// A half-signed-in session cannot replace an existing factor.
		tok2 := csrfRe.FindStringSubmatch(string(b2.do("GET", "/login/totp", nil).Body))[1]
		if r := b2.do("POST", "/login/totp/setup", url.Values{"csrf": {tok2}, "code": {auth.TOTPCode(m[1], at)}}); r.Status != http.StatusForbidden {
			t.Fatalf("re-enrolment from a half-signed-in session: %d, want 403", r.Status)
		}
	})
}

func TestSession_IdleAndAbsoluteExpiry(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		relaxTOTP(t, e, true)
		setPassword(t, e, "worker", testPassword)
		advance := clock(e, time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC))
		b := newBrowser(e)
		b.login("worker@ccas.test", testPassword, "")
		advance(29 * time.Minute)
		if r := b.do("GET", "/profile", nil); r.Status != http.StatusOK {
			t.Fatalf("after 29 idle minutes: %d, want 200", r.Status)
		}
		advance(31 * time.Minute)
		if r := b.do("GET", "/profile", nil); r.Status != http.StatusSeeOther {
			t.Fatalf("after 31 idle minutes: %d, want a redirect to login", r.Status)
		}

		b2 := newBrowser(e)
		b2.login("worker@ccas.test", testPassword, "")
		for range 35 { // active every 20 minutes: 11 h 40
			advance(20 * time.Minute)
			if r := b2.do("GET", "/profile", nil); r.Status != http.StatusOK {
				t.Fatalf("active session expired early: %d", r.Status)
			}
		}
		advance(21 * time.Minute) // 12 h 01 after sign-in
		if r := b2.do("GET", "/profile", nil); r.Status != http.StatusSeeOther {
			t.Fatalf("after 12 hours: %d, want a redirect to login", r.Status)
		}
	})
}

func TestPasswordChange_EndsEveryOtherSession(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		relaxTOTP(t, e, true)
		setPassword(t, e, "worker", testPassword)
		here, there := newBrowser(e), newBrowser(e)
		here.login("worker@ccas.test", testPassword, "")
		there.login("worker@ccas.test", testPassword, "")
		tok := here.csrf("/profile")
		// A weak new password is refused and changes nothing.
		r := here.do("POST", "/profile/password", url.Values{"csrf": {tok}, "current_password": {testPassword}, "new_password": {"password1234"}})
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), "courants") {
			t.Fatalf("common new password: %d", r.Status)
		}
		if r := there.do("GET", "/profile", nil); r.Status != http.StatusOK {
			t.Fatal("a refused change ended the other session")
		}
		r = here.do("POST", "/profile/password", url.Values{"csrf": {tok}, "current_password": {"pas le bon mot de passe"}, "new_password": {"une autre phrase de passe"}})
		if r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("wrong current password: %d, want 422", r.Status)
		}
		r = here.do("POST", "/profile/password", url.Values{"csrf": {tok}, "current_password": {testPassword}, "new_password": {"une autre phrase de passe"}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("change: %d, want 303", r.Status)
		}
		if r := here.do("GET", "/profile", nil); r.Status != http.StatusOK {
			t.Fatalf("the session that changed the password: %d, want still signed in", r.Status)
		}
		if r := there.do("GET", "/profile", nil); r.Status != http.StatusSeeOther {
			t.Fatalf("the other session: %d, want ended", r.Status)
		}
		if r := newBrowser(e).login("worker@ccas.test", testPassword, ""); r.Status != http.StatusUnauthorized {
			t.Fatalf("old password still works: %d", r.Status)
		}
		if r := newBrowser(e).login("worker@ccas.test", "une autre phrase de passe", ""); r.Status != http.StatusSeeOther {
			t.Fatalf("new password: %d", r.Status)
		}
	})
}

func TestDisable_EndsSessionsAndTokens(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		relaxTOTP(t, e, true)
		setPassword(t, e, "worker", testPassword)
		b := newBrowser(e)
		b.login("worker@ccas.test", testPassword, "")
		if r := e.Do("GET", "/api/v1/me", "worker", nil); r.Status != http.StatusOK {
			t.Fatalf("token before: %d", r.Status)
		}
		admin := newBrowser(e)
		setPassword(t, e, "admin", testPassword)
		sec := enrolTOTP(t, e, "admin")
		at := time.Now().UTC()
		clock(e, at)
		admin.login("admin@ccas.test", testPassword, "")
		admin.do("POST", "/login/totp", url.Values{"csrf": {admin.csrf("/login/totp")}, "code": {auth.TOTPCode(sec, at)}})
		id := e.Workers["worker"].ID
		tok := admin.csrf("/admin/workers/" + id)
		r := admin.do("POST", "/admin/workers/"+id, url.Values{"csrf": {tok}, "role": {"worker"}, "teams": {e.TeamA.ID}, "disabled": {"on"}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("disable: %d", r.Status)
		}
		if r := b.do("GET", "/profile", nil); r.Status != http.StatusSeeOther {
			t.Fatalf("session of the disabled worker: %d, want ended", r.Status)
		}
		if r := e.Do("GET", "/api/v1/me", "worker", nil); r.Status != http.StatusUnauthorized {
			t.Fatalf("token of the disabled worker: %d, want 401", r.Status)
		}
		if r := newBrowser(e).login("worker@ccas.test", testPassword, ""); r.Status != http.StatusUnauthorized {
			t.Fatalf("login of the disabled worker: %d, want 401", r.Status)
		}
		if n := auditCount(t, e, "worker.disable", id); n != 1 {
			t.Fatalf("%d worker.disable events, want 1", n)
		}
		// An admin cannot disable themselves.
		self := e.Workers["admin"].ID
		r = admin.do("POST", "/admin/workers/"+self, url.Values{"csrf": {tok}, "role": {"admin"}, "disabled": {"on"}})
		if r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("admin disabling themselves: %d, want 422", r.Status)
		}
	})
}

func TestLogout_EndsTheSession(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		relaxTOTP(t, e, true)
		setPassword(t, e, "worker", testPassword)
		b := newBrowser(e)
		b.login("worker@ccas.test", testPassword, "")
		old := b.cookie
		tok := b.csrf("/profile")
		// Without the token (another site's form), nothing happens.
		if r := b.do("POST", "/logout", url.Values{}); r.Status != http.StatusForbidden {
			t.Fatalf("logout without token: %d, want 403", r.Status)
		}
		r := b.do("POST", "/logout", url.Values{"csrf": {tok}})
		if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/login" || b.cookie != "" {
			t.Fatalf("logout: %d → %q, cookie %q", r.Status, r.Header.Get("Location"), b.cookie)
		}
		if n := auditCount(t, e, "auth.logout", e.Workers["worker"].ID); n != 1 {
			t.Fatalf("%d auth.logout events, want 1", n)
		}
		b.cookie = old // a copy of the cookie kept somewhere
		if r := b.do("GET", "/profile", nil); r.Status != http.StatusSeeOther {
			t.Fatalf("ended session reused: %d, want a redirect to login", r.Status)
		}
	})
}

func TestTokens_CreateListRevoke(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		r := e.Do("POST", "/api/v1/tokens", "worker", map[string]any{"name": "export tableur"})
		if r.Status != http.StatusCreated {
			t.Fatalf("create: %d %s", r.Status, r.Body)
		}
		var created struct{ ID, Token, Prefix string }
		r.Decode(t, &created)
		if !strings.HasPrefix(created.Token, created.Prefix) || len(created.Token) < 40 {
			t.Fatalf("created token %+v", created)
		}
		req := httptest.NewRequest("GET", "/api/v1/me", nil)
		req.Header.Set("Authorization", "Bearer "+created.Token)
		if r := e.Serve(req); r.Status != http.StatusOK {
			t.Fatalf("new token: %d", r.Status)
		}
		var list struct {
			Items []map[string]any `json:"items"`
		}
		e.Do("GET", "/api/v1/tokens", "worker", nil).Decode(t, &list)
		found := false
		for _, it := range list.Items {
			if it["id"] == created.ID {
				found = true
				if it["last_used_at"] == nil || it["prefix"] != created.Prefix || it["token"] != nil {
					t.Fatalf("listed token %v: want prefix and last use, never the secret", it)
				}
			}
		}
		if !found {
			t.Fatal("new token not listed")
		}
		// Someone else cannot revoke it.
		if r := e.Do("DELETE", "/api/v1/tokens/"+created.ID, "worker2", nil); r.Status != http.StatusNotFound {
			t.Fatalf("revoke by another worker: %d, want 404", r.Status)
		}
		if r := e.Do("DELETE", "/api/v1/tokens/"+created.ID, "worker", nil); r.Status != http.StatusNoContent {
			t.Fatalf("revoke: %d", r.Status)
		}
		req = httptest.NewRequest("GET", "/api/v1/me", nil)
		req.Header.Set("Authorization", "Bearer "+created.Token)
		if r := e.Serve(req); r.Status != http.StatusUnauthorized {
			t.Fatalf("revoked token: %d, want 401", r.Status)
		}
		if r := e.Do("POST", "/api/v1/tokens", "worker", map[string]any{"name": strings.Repeat("x", 101)}); r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("name too long: %d, want 422", r.Status)
		}
	})
}

func TestLogin_OpenRedirectRefused(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		relaxTOTP(t, e, true)
		setPassword(t, e, "worker", testPassword)
		cases := map[string]string{
			"/persons?page=2":             "/persons?page=2",
			"//evil.example/x":            "/",
			"/\\evil.example":             "/",
			"https://evil.example/":       "/",
			"javascript:alert(1)":         "/",
			"/%0d%0aSet-Cookie:x":         "/%0d%0aSet-Cookie:x",
			"/\r\nLocation: http://evil/": "/",
			"evil.example":                "/",
		}
		for next, want := range cases {
			b := newBrowser(e)
			r := b.login("worker@ccas.test", testPassword, next)
			if got := r.Header.Get("Location"); got != want {
				t.Errorf("next=%q: redirected to %q, want %q", next, got, want)
			}
		}
	})
}

func TestCSRF_MissingOrWrongTokenIsRefusedAndChangesNothing(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		for _, token := range []string{"", "un-jeton-faux"} {
			r := e.Page("POST", "/profile/language", "worker", url.Values{"language": {"en"}, "csrf": {token}})
			if r.Status != http.StatusForbidden {
				t.Fatalf("language with csrf %q: %d, want 403", token, r.Status)
			}
			r = e.Page("POST", "/admin/teams", "admin", url.Values{"team_name": {"Équipe fantôme"}, "csrf": {token}})
			if r.Status != http.StatusForbidden {
				t.Fatalf("team with csrf %q: %d, want 403", token, r.Status)
			}
		}
		w, err := e.App.Orgs.Worker(context.Background(), e.Actor("admin"), e.Workers["worker"].ID)
		if err != nil || w.Language != "" {
			t.Fatalf("language changed to %q without a token", w.Language)
		}
		teams, _ := e.App.Orgs.Teams(context.Background(), e.Actor("admin"), e.OrgA.ID)
		for _, tm := range teams {
			if tm.Name == "Équipe fantôme" {
				t.Fatal("team created without a token")
			}
		}
		// With the token (added by apptest.Page) it works.
		if r := e.Page("POST", "/profile/language", "worker", url.Values{"language": {"en"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("language with token: %d", r.Status)
		}
	})
}

func TestAdminPages_CreateWorkerTeamAndSettings(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		r := e.Page("POST", "/admin/workers", "admin", url.Values{"email": {"nouvelle@ccas.test"}, "role": {"manager"},
			"teams": {e.TeamA2.ID}, "first_name": {"Nora"}, "last_name": {"Benali"}})
		body := string(r.Body)
		if r.Status != http.StatusCreated || !strings.Contains(body, "Nora Benali") {
			t.Fatalf("create with a generated password: %d", r.Status)
		}
		gen := regexp.MustCompile(`ne sera plus affiché\) :</p><p><code>([^<]+)</code>`).FindStringSubmatch(body)
		if gen == nil || auth.CheckPassword(gen[1], "") != nil {
			t.Fatal("generated password not shown once, or too weak")
		}
		relaxTOTP(t, e, true)
		if r := newBrowser(e).login("nouvelle@ccas.test", gen[1], ""); r.Status != http.StatusSeeOther {
			t.Fatalf("login with the generated password: %d", r.Status)
		}
		// Bad input names the field in French and writes nothing.
		before, _ := e.App.Orgs.Workers(context.Background(), e.Actor("admin"), e.OrgA.ID)
		r = e.Page("POST", "/admin/workers", "admin", url.Values{"email": {"pas-une-adresse"}, "role": {"chef"}, "password": {"court"}})
		body = string(r.Body)
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(body, "adresse e-mail") || !strings.Contains(body, "12 caractères") ||
			!strings.Contains(body, "chef") || !strings.Contains(body, `aria-invalid="true"`) {
			t.Fatalf("bad worker: %d", r.Status)
		}
		ws, _ := e.App.Orgs.Workers(context.Background(), e.Actor("admin"), e.OrgA.ID)
		if len(ws) != len(before) {
			t.Fatalf("%d workers after a refused creation, want %d", len(ws), len(before))
		}
		r = e.Page("POST", "/admin/workers", "admin", url.Values{"email": {"nouvelle@ccas.test"}, "role": {"worker"}})
		if r.Status != http.StatusConflict {
			t.Fatalf("duplicate e-mail: %d, want 409", r.Status)
		}
		if r := e.Page("POST", "/admin/teams", "admin", url.Values{"team_name": {"Pôle logement"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("team: %d", r.Status)
		}
		if r := e.Page("POST", "/admin/teams", "admin", url.Values{"team_name": {"Pôle logement"}}); r.Status != http.StatusConflict {
			t.Fatalf("duplicate team: %d, want 409", r.Status)
		}
		if r := e.Page("GET", "/admin/settings", "admin", nil); !strings.Contains(string(r.Body), "Déconseillé") {
			t.Fatal("the settings page does not warn about relaxing the second factor")
		}
		// The relaxation is audited.
		if n := auditCount(t, e, "org.settings", e.OrgA.ID); n < 1 {
			t.Fatal("settings change not audited")
		}
	})
}

func TestOrgService_CreateRules(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		// Only the operator creates structures.
		if _, err := e.App.Orgs.CreateOrg(ctx, e.Actor("admin"), org.OrgInput{Name: "Asso", Kind: parcours.OrgAssociation}); parcours.ErrorCode(err) != parcours.EForbidden {
			t.Fatalf("admin creating an organisation: %v, want forbidden", err)
		}
		if _, err := e.App.Orgs.CreateOrg(ctx, parcours.SystemActor(), org.OrgInput{Name: "Asso", Kind: parcours.OrgAssociation, SIRET: "732 829 320 00074"}); err != nil {
			t.Fatal(err)
		}
		// An admin manages only their own organisation.
		if _, err := e.App.Orgs.CreateTeam(ctx, e.Actor("admin"), e.OrgB.ID, "Intrus"); parcours.ErrorCode(err) != parcours.ENotFound {
			t.Fatalf("team in another organisation: %v, want not found", err)
		}
		if _, err := e.App.Orgs.UpdateWorker(ctx, e.Actor("admin"), e.Workers["other"].ID, org.WorkerUpdate{}); parcours.ErrorCode(err) != parcours.ENotFound {
			t.Fatalf("worker of another organisation: %v, want not found", err)
		}
		if _, err := e.App.Orgs.CreateWorker(ctx, e.Actor("admin"), e.OrgA.ID, org.WorkerInput{Email: "x@ccas.test", Role: "worker",
			Teams: []string{e.TeamB.ID}, Password: testPassword}); parcours.ErrorCode(err) != parcours.EInvalid {
			t.Fatalf("team of another organisation: %v, want invalid", err)
		}
		role := parcours.RoleWorker
		if _, err := e.App.Orgs.UpdateWorker(ctx, e.Actor("admin"), e.Workers["admin"].ID, org.WorkerUpdate{Role: &role}); parcours.ErrorCode(err) != parcours.EInvalid {
			t.Fatalf("admin demoting themselves: %v, want invalid", err)
		}
	})
}

func TestCSRF_HeaderAndMultipartQueryAccepted(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		relaxTOTP(t, e, true)
		setPassword(t, e, "worker", testPassword)
		b := newBrowser(e)
		b.login("worker@ccas.test", testPassword, "")
		tok := b.csrf("/profile")
		send := func(path, ctype, body, header string) int {
			req := httptest.NewRequest("POST", path, strings.NewReader(body))
			req.Header.Set("Content-Type", ctype)
			req.Header.Set("Sec-Fetch-Site", "same-origin")
			if header != "" {
				req.Header.Set("X-CSRF-Token", header)
			}
			req.AddCookie(&http.Cookie{Name: auth.SessionCookie, Value: b.cookie})
			return e.Serve(req).Status
		}
		form := "application/x-www-form-urlencoded"
		if st := send("/profile/language", form, "language=en", tok); st != http.StatusSeeOther {
			t.Fatalf("token in the header: %d, want 303", st)
		}
		if st := send("/profile/language", form, "language=en", "faux"); st != http.StatusForbidden {
			t.Fatalf("wrong token in the header: %d, want 403", st)
		}
		mp := "multipart/form-data; boundary=XyZ"
		body := "--XyZ\r\nContent-Disposition: form-data; name=\"language\"\r\n\r\nfr\r\n--XyZ--\r\n"
		if st := send("/profile/language?csrf="+url.QueryEscape(tok), mp, body, ""); st != http.StatusSeeOther {
			t.Fatalf("multipart with the token in the URL: %d, want 303", st)
		}
		if st := send("/profile/language", mp, body, ""); st != http.StatusForbidden {
			t.Fatalf("multipart without a token: %d, want 403", st)
		}
	})
}

func TestAdmin_ResetsAForgottenPassword(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		relaxTOTP(t, e, true)
		setPassword(t, e, "worker", testPassword)
		b := newBrowser(e)
		b.login("worker@ccas.test", testPassword, "")
		path := "/admin/workers/" + e.Workers["worker"].ID
		keep := url.Values{"role": {"worker"}, "teams": {e.TeamA.ID}}
		weak := maps.Clone(keep)
		weak["password"] = []string{"qwertyuiop123"}
		if r := e.Page("POST", path, "admin", weak); r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("common password: %d, want 422", r.Status)
		}
		if r := b.do("GET", "/profile", nil); r.Status != http.StatusOK {
			t.Fatal("a refused reset ended the worker's session")
		}
		gen := maps.Clone(keep)
		gen["generate_password"] = []string{"on"}
		r := e.Page("POST", path, "admin", gen)
		m := regexp.MustCompile(`<code>([^<]+)</code>`).FindStringSubmatch(string(r.Body))
		if r.Status != http.StatusOK || m == nil {
			t.Fatalf("generated reset: %d, want the new password shown once", r.Status)
		}
		if r := b.do("GET", "/profile", nil); r.Status != http.StatusSeeOther {
			t.Fatalf("worker's session after the reset: %d, want ended", r.Status)
		}
		if r := newBrowser(e).login("worker@ccas.test", testPassword, ""); r.Status != http.StatusUnauthorized {
			t.Fatalf("old password after the reset: %d, want 401", r.Status)
		}
		if r := newBrowser(e).login("worker@ccas.test", m[1], ""); r.Status != http.StatusSeeOther {
			t.Fatalf("new password: %d, want 303", r.Status)
		}
		if n := auditCount(t, e, "worker.password_reset", e.Workers["worker"].ID); n != 1 {
			t.Fatalf("%d worker.password_reset events, want 1", n)
		}
	})
}

func TestProfile_ReplacingTOTPAsksThePasswordAndEndsOtherSessions(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		setPassword(t, e, "worker", testPassword)
		old := enrolTOTP(t, e, "worker")
		at := time.Date(2026, 3, 2, 9, 0, 10, 0, time.UTC)
		advance := clock(e, at)
		signIn := func() *browser {
			b := newBrowser(e)
			b.login("worker@ccas.test", testPassword, "")
			b.do("POST", "/login/totp", url.Values{"csrf": {b.csrf("/login/totp")}, "code": {auth.TOTPCode(old, e.App.DB.Now())}})
			advance(30 * time.Second) // each code once
			return b
		}
		here, there := signIn(), signIn()
		page := here.do("GET", "/profile/totp", nil)
		m := secretRe.FindStringSubmatch(string(page.Body))
		if page.Status != http.StatusOK || m == nil || !strings.Contains(string(page.Body), `name="current_password"`) {
			t.Fatalf("replacement page: %d, want a new secret and the password field", page.Status)
		}
		tok := csrfRe.FindStringSubmatch(string(page.Body))[1]
		code := auth.TOTPCode(m[1], e.App.DB.Now())
		r := here.do("POST", "/profile/totp", url.Values{"csrf": {tok}, "code": {code}, "current_password": {"pas le bon"}})
		if r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("wrong password: %d, want 422", r.Status)
		}
		r = here.do("POST", "/profile/totp", url.Values{"csrf": {tok}, "code": {code}, "current_password": {testPassword}})
		if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/profile?done=totp" {
			t.Fatalf("replacement: %d → %q", r.Status, r.Header.Get("Location"))
		}
		if r := here.do("GET", "/profile", nil); r.Status != http.StatusOK {
			t.Fatalf("the session that replaced the factor: %d, want signed in", r.Status)
		}
		if r := there.do("GET", "/profile", nil); r.Status != http.StatusSeeOther {
			t.Fatalf("the other session: %d, want ended", r.Status)
		}
		// The old factor no longer works; the new one does.
		advance(30 * time.Second)
		b := newBrowser(e)
		b.login("worker@ccas.test", testPassword, "")
		tok = b.csrf("/login/totp")
		if r := b.do("POST", "/login/totp", url.Values{"csrf": {tok}, "code": {auth.TOTPCode(old, e.App.DB.Now())}}); r.Status != http.StatusUnauthorized {
			t.Fatalf("old factor: %d, want 401", r.Status)
		}
		if r := b.do("POST", "/login/totp", url.Values{"csrf": {tok}, "code": {auth.TOTPCode(m[1], e.App.DB.Now())}}); r.Status != http.StatusSeeOther {
			t.Fatalf("new factor: %d, want 303", r.Status)
		}
	})
}

func TestLogin_PasswordDoesNotResetTheCounterOfCodeGuesses(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		setPassword(t, e, "worker", testPassword)
		secret := enrolTOTP(t, e, "worker")
		at := time.Date(2026, 3, 2, 9, 0, 10, 0, time.UTC)
		clock(e, at)
		// Someone who has the password guesses codes, signing in again
		// between guesses.
		for i := range 5 {
			b := newBrowser(e)
			if r := b.login("worker@ccas.test", testPassword, ""); r.Status != http.StatusSeeOther {
				t.Fatalf("password step %d: %d", i, r.Status)
			}
			tok := b.csrf("/login/totp")
			if r := b.do("POST", "/login/totp", url.Values{"csrf": {tok}, "code": {wrongCode(secret, at, i)}}); r.Status != http.StatusUnauthorized {
				t.Fatalf("guess %d: %d, want 401", i, r.Status)
			}
		}
		b := newBrowser(e)
		if r := b.login("worker@ccas.test", testPassword, ""); r.Status != http.StatusTooManyRequests {
			t.Fatalf("after 5 wrong codes: %d, want the account locked (429)", r.Status)
		}
	})
}

// wrongCode returns the i-th 6-digit code that the authenticator of
// secret does not show around at (so a guess is surely wrong).
func wrongCode(secret string, at time.Time, i int) string {
	valid := map[string]bool{}
	for d := -1; d <= 1; d++ {
		valid[auth.TOTPCode(secret, at.Add(time.Duration(d)*30*time.Second))] = true
	}
	for n := i; ; n++ {
		c := fmt.Sprintf("%06d", n)
		if !valid[c] {
			return c
		}
	}
}

func TestAdminAPI_AccountsTeamsAndSettings(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		var list struct{ Items []parcours.Worker }
		e.Do("GET", "/api/v1/workers", "admin", nil).Decode(t, &list)
		before := len(list.Items)
		// Bad input: every field named, in French, nothing written.
		r := e.Do("POST", "/api/v1/workers", "admin", map[string]any{"email": "pas-une-adresse", "role": "chef", "password": "court"})
		var fail struct {
			Error struct {
				Code   string
				Fields []struct{ Field, Message string }
			}
		}
		r.Decode(t, &fail)
		fields := map[string]string{}
		for _, f := range fail.Error.Fields {
			fields[f.Field] = f.Message
		}
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(fields["email"], "adresse e-mail") ||
			!strings.Contains(fields["role"], "chef") || !strings.Contains(fields["password"], "12 caractères") {
			t.Fatalf("bad worker: %d %s", r.Status, r.Body)
		}
		if r := e.Do("POST", "/api/v1/workers", "admin", map[string]any{"email": "a@ccas.test", "role": "worker", "password": testPassword, "admin": true}); r.Status != http.StatusBadRequest {
			t.Fatalf("unknown field: %d, want 400", r.Status)
		}
		list.Items = nil
		e.Do("GET", "/api/v1/workers", "admin", nil).Decode(t, &list)
		if len(list.Items) != before {
			t.Fatalf("%d workers after refused creations, want %d", len(list.Items), before)
		}

		r = e.Do("POST", "/api/v1/workers", "admin", map[string]any{"email": "api@ccas.test", "role": "worker", "team_ids": []string{e.TeamA2.ID}, "password": testPassword})
		var w parcours.Worker
		r.Decode(t, &w)
		if r.Status != http.StatusCreated || w.OrgID != e.OrgA.ID || len(w.TeamIDs) != 1 || w.TeamIDs[0] != e.TeamA2.ID {
			t.Fatalf("create: %d %s", r.Status, r.Body)
		}
		tok := e.TokenFor(&w)
		req := httptest.NewRequest("GET", "/api/v1/me", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		if r := e.Serve(req); r.Status != http.StatusOK {
			t.Fatalf("new worker's token: %d", r.Status)
		}
		if r := e.Do("PATCH", "/api/v1/workers/"+w.ID, "admin", map[string]any{"disabled": true}); r.Status != http.StatusOK {
			t.Fatalf("disable: %d %s", r.Status, r.Body)
		}
		req = httptest.NewRequest("GET", "/api/v1/me", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		if r := e.Serve(req); r.Status != http.StatusUnauthorized {
			t.Fatalf("disabled worker's token: %d, want 401", r.Status)
		}

		if r := e.Do("POST", "/api/v1/teams", "admin", map[string]any{"name": " "}); r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("blank team name: %d, want 422", r.Status)
		}
		if r := e.Do("POST", "/api/v1/teams", "admin", map[string]any{"name": "Pôle insertion"}); r.Status != http.StatusConflict {
			t.Fatalf("duplicate team: %d, want 409", r.Status)
		}
		r = e.Do("PATCH", "/api/v1/organization", "admin", map[string]any{"totp_optional": true})
		var o parcours.Organization
		r.Decode(t, &o)
		if r.Status != http.StatusOK || !o.TOTPOptional || o.ShowWorkerNames {
			t.Fatalf("settings: %d %s", r.Status, r.Body)
		}
		// Every worker of the organisation sees the settings, none of another.
		e.Do("GET", "/api/v1/organization", "reception", nil).Decode(t, &o)
		if !o.TOTPOptional || o.ID != e.OrgA.ID {
			t.Fatalf("organisation as reception: %+v", o)
		}
		e.Do("GET", "/api/v1/organization", "other", nil).Decode(t, &o)
		if o.ID != e.OrgB.ID || o.TOTPOptional {
			t.Fatalf("organisation as a worker of org B: %+v", o)
		}
	})
}
