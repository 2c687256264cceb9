package web_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"parcours/internal/app/apptest"
)

// HTML pages and JSON answers go gzipped to a client that accepts it, and
// decompress to exactly the plain answer; small answers, clients that
// refuse gzip and non-HTML/JSON answers (audit CSV) go as they are.
func TestCompress_PagesAndJSON(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		f := newFixture(t, e)
		get := func(path, enc string, page bool) *apptest.Response {
			req := httptest.NewRequest("GET", path, nil)
			if page {
				req.AddCookie(e.Session("worker"))
			} else {
				req.Header.Set("Authorization", "Bearer "+e.TokenFor(e.Workers["manager"]))
			}
			if enc != "" {
				req.Header.Set("Accept-Encoding", enc)
			}
			return e.Serve(req)
		}
		for _, c := range []struct {
			path string
			page bool
		}{{"/persons/" + f.Person.ID, true}, {"/api/openapi.json", false}} {
			plain, gz := get(c.path, "", c.page), get(c.path, "gzip, deflate, br", c.page)
			if plain.Status != http.StatusOK || gz.Status != http.StatusOK {
				t.Fatalf("%s: %d / %d", c.path, plain.Status, gz.Status)
			}
			if plain.Header.Get("Content-Encoding") != "" {
				t.Errorf("%s: compressed for a client that did not ask", c.path)
			}
			if gz.Header.Get("Content-Encoding") != "gzip" || gz.Header.Get("Vary") == "" {
				t.Errorf("%s: not compressed (encoding %q, vary %q, %d bytes plain)", c.path, gz.Header.Get("Content-Encoding"), gz.Header.Get("Vary"), len(plain.Body))
				continue
			}
			zr, err := gzip.NewReader(bytes.NewReader(gz.Body))
			if err != nil {
				t.Fatalf("%s: %v", c.path, err)
			}
			unz, err := io.ReadAll(zr)
			if err != nil {
				t.Fatalf("%s: %v", c.path, err)
			}
			// A page carries a per-request form token: compare sizes
			// within a margin, and the page's head exactly.
			if len(unz) < len(plain.Body)*9/10 || !bytes.HasPrefix(unz, plain.Body[:200]) {
				t.Errorf("%s: the gzipped answer is not the plain one (%d bytes vs %d)", c.path, len(unz), len(plain.Body))
			}
			if len(gz.Body) >= len(plain.Body)/2 {
				t.Errorf("%s: %d bytes gzipped from %d", c.path, len(gz.Body), len(plain.Body))
			}
		}
		// A peer on the loopback (a reverse proxy on the machine, which
		// need not say whom it forwards for) gets it compressed too.
		req := httptest.NewRequest("GET", "/api/openapi.json", nil)
		req.Header.Set("Authorization", "Bearer "+e.TokenFor(e.Workers["manager"]))
		req.Header.Set("Accept-Encoding", "gzip")
		req.RemoteAddr = "127.0.0.1:40000"
		if r := e.Serve(req); r.Header.Get("Content-Encoding") != "gzip" {
			t.Errorf("loopback peer: encoding %q, want gzip", r.Header.Get("Content-Encoding"))
		}
		// Small: as it is.
		if r := get("/api/v1/me", "gzip", false); r.Header.Get("Content-Encoding") != "" || r.Status != http.StatusOK {
			t.Errorf("/api/v1/me (small): encoding %q, status %d", r.Header.Get("Content-Encoding"), r.Status)
		}
		// Refused by the client.
		if r := get("/persons/"+f.Person.ID, "gzip;q=0", true); r.Header.Get("Content-Encoding") != "" {
			t.Error("gzip sent to a client that refused it")
		}
		// A CSV export streams as it is.
		if r := get("/api/v1/audit/events.csv", "gzip", false); r.Status != http.StatusOK || r.Header.Get("Content-Encoding") != "" {
			t.Errorf("audit CSV: %d, encoding %q", r.Status, r.Header.Get("Content-Encoding"))
		}
	})
}
