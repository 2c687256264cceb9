package web

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// The shared values of securityHeaders go into the header map as they
// are: their keys must be canonical (Header.Get and Set would miss them
// otherwise), and a handler that adds to or replaces one of them must not
// change what the next response gets.
func TestSecurityHeaderKeysCanonical(t *testing.T) {
	for _, kv := range securityHeaderValues {
		if c := http.CanonicalHeaderKey(kv.key); c != kv.key {
			t.Errorf("%q is not canonical (%q)", kv.key, c)
		}
		if len(kv.value) != 1 || cap(kv.value) != 1 {
			t.Errorf("%s: value slice len %d cap %d, want 1 and 1 (an Add must copy it)", kv.key, len(kv.value), cap(kv.value))
		}
	}
	h := securityHeaders(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("X-Frame-Options", "SAMEORIGIN")
		w.Header().Add("Cache-Control", "private")
		w.Header().Set("Referrer-Policy", "no-referrer")
	}))
	for i := 0; i < 2; i++ {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/persons/x", nil))
		if got := rec.Header().Values("X-Frame-Options"); len(got) != 2 || got[0] != "DENY" {
			t.Errorf("response %d: X-Frame-Options = %q", i, got)
		}
		if got := rec.Header().Values("Cache-Control"); len(got) != 2 || got[0] != "no-store" {
			t.Errorf("response %d: Cache-Control = %q", i, got)
		}
	}
	if noStore[0] != "no-store" || len(noStore) != 1 {
		t.Errorf("noStore changed: %q", noStore)
	}
	for _, kv := range securityHeaderValues {
		if kv.key == "Referrer-Policy" && kv.value[0] != "same-origin" {
			t.Errorf("Referrer-Policy's shared value changed: %q", kv.value)
		}
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/static/app.css", nil))
	if got := rec.Header().Values("Cache-Control"); len(got) != 1 || got[0] != "private" {
		t.Errorf("static: Cache-Control = %q, want only the handler's", got)
	}
}
