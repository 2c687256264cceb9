package web_test

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"parcours/internal/app"
	"parcours/internal/app/apptest"
	"parcours/internal/web"
)

// Behind a reverse proxy every request comes from the proxy's address.
// With --trusted-proxies the login throttle keys on the client address the
// proxy puts in X-Forwarded-For (the right-most one that is not a trusted
// proxy); a peer that is not trusted cannot choose its key with the header.
func TestLogin_ThrottleKeysOnForwardedAddressOnlyFromTrustedProxies(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		relaxTOTP(t, e, true)
		setPassword(t, e, "worker", testPassword)
		clock(e, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
		a := behindProxies(t, e, "10.0.0.0/8, 192.0.2.1")
		login := func(peer, xff, email, password string) int {
			t.Helper()
			form := url.Values{"email": {email}, "password": {password}}
			req := httptest.NewRequest("POST", "/login", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Sec-Fetch-Site", "same-origin")
			req.RemoteAddr = peer + ":40000"
			if xff != "" {
				req.Header.Set("X-Forwarded-For", xff)
			}
			rec := httptest.NewRecorder()
			a.Web.ServeHTTP(rec, req)
			return rec.Code
		}
		// 20 failures from one client through two proxy hops; the left-most
		// entry is the client's own forgery and changes nothing.
		for i := range 20 {
			xff := fmt.Sprintf("203.0.113.%d, 198.51.100.7, 10.1.2.3", i)
			if got := login("10.0.0.1", xff, fmt.Sprintf("compte%d@ccas.test", i), "mauvais mot de passe"); got != http.StatusUnauthorized {
				t.Fatalf("failure %d: %d, want 401", i, got)
			}
		}
		if got := login("192.0.2.1", "198.51.100.7", "worker@ccas.test", testPassword); got != http.StatusTooManyRequests {
			t.Fatalf("21st attempt of 198.51.100.7 through a trusted proxy: %d, want 429", got)
		}
		// Another client behind the same proxy is not locked out.
		if got := login("10.0.0.1", "198.51.100.8", "worker@ccas.test", testPassword); got != http.StatusSeeOther {
			t.Fatalf("another client through the same proxy: %d, want 303", got)
		}
		// An untrusted peer keys on its own address, whatever it claims.
		for i := range 20 {
			xff := fmt.Sprintf("203.0.113.%d", 100+i)
			login("198.51.100.50", xff, fmt.Sprintf("autre%d@ccas.test", i), "mauvais mot de passe")
		}
		if got := login("198.51.100.50", "203.0.113.250", "worker@ccas.test", testPassword); got != http.StatusTooManyRequests {
			t.Fatalf("untrusted peer with a fresh X-Forwarded-For after 20 failures: %d, want 429", got)
		}
		// The locked client connecting directly has the same key: still
		// locked.
		if got := login("198.51.100.7", "", "worker@ccas.test", testPassword); got != http.StatusTooManyRequests {
			t.Fatalf("the locked client directly: %d, want 429", got)
		}
	})
}

func TestParseTrustedProxies(t *testing.T) {
	t.Parallel()
	for _, bad := range []string{"garbage", "10.0.0.0/33", "10.0.0.1:80"} {
		if _, err := web.ParseTrustedProxies(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	got, err := web.ParseTrustedProxies(" 10.0.0.5 ,192.168.1.0/24,::1,")
	if err != nil || len(got) != 3 || got[0].String() != "10.0.0.5/32" || got[2].String() != "::1/128" {
		t.Errorf("parsed %v, %v", got, err)
	}
}

// behindProxies is the test environment's application on its database,
// declaring the trusted proxies spec (as --trusted-proxies).
func behindProxies(t *testing.T, e *apptest.Env, spec string) *app.App {
	t.Helper()
	proxies, err := web.ParseTrustedProxies(spec)
	if err != nil {
		t.Fatal(err)
	}
	a, err := app.New(app.Config{Database: "test", DataDir: e.App.Config.DataDir, TrustedProxies: proxies,
		Log: slog.New(slog.NewTextHandler(&strings.Builder{}, nil))}, e.App.DB)
	if err != nil {
		t.Fatal(err)
	}
	return a
}
