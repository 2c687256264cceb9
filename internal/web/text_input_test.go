package web_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"parcours/internal/app/apptest"
)

// Text PostgreSQL cannot store — a NUL character ("\u0000" in JSON, %00 in
// a URL or form) or bytes that are not UTF-8 — is refused where the request
// is decoded, with a 400 in the caller's language, on both backends, and
// nothing is written.
func TestBadText_RefusedAtTheDecodingBoundaryAndWritesNothing(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		f := newFixture(t, e)
		pid := f.Person.ID
		journal := func() int {
			t.Helper()
			r := e.Do("GET", "/api/v1/persons/"+pid+"/journal", "worker", nil)
			if r.Status != http.StatusOK {
				t.Fatalf("journal: %d %s", r.Status, r.Body)
			}
			var page struct{ Items []any }
			r.Decode(t, &page)
			return len(page.Items)
		}
		beforeCounts, beforeJournal := countAll(t, e), journal()

		api := func(method, path, body string) *http.Request {
			var rd *strings.Reader
			if body != "" {
				rd = strings.NewReader(body)
			} else {
				rd = strings.NewReader("")
			}
			req := httptest.NewRequest(method, path, rd)
			if body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			req.Header.Set("Authorization", "Bearer "+e.Tokens["worker"])
			return req
		}
		multipartUpload := func(title string) *http.Request {
			var buf bytes.Buffer
			mw := multipart.NewWriter(&buf)
			mw.WriteField("kind", "identity")
			mw.WriteField("title", title)
			fw, _ := mw.CreateFormFile("file", "piece.pdf")
			fw.Write([]byte("%PDF-1.4\n%%EOF\n"))
			mw.Close()
			req := httptest.NewRequest("POST", "/api/v1/persons/"+pid+"/documents", &buf)
			req.Header.Set("Content-Type", mw.FormDataContentType())
			req.Header.Set("Authorization", "Bearer "+e.Tokens["worker"])
			return req
		}
		cases := []struct {
			name  string
			req   *http.Request
			field string
		}{
			{"JSON \\u0000 in a person's name", api("POST", "/api/v1/persons",
				`{"birth_name":"DUPONT\u0000","first_names":"Jean","birth_date":"1980-01-01"}`), "birth_name"},
			{"JSON invalid UTF-8", api("POST", "/api/v1/persons",
				"{\"birth_name\":\"DUP\xffONT\",\"first_names\":\"Jean\",\"birth_date\":\"1980-01-01\"}"), ""},
			{"JSON \\u0000 in a journal entry", api("POST", "/api/v1/persons/"+pid+"/journal",
				`{"kind":"note","summary":"entretien\u0000"}`), "summary"},
			{"JSON \\u0000 in a list element", api("POST", "/api/v1/persons/"+pid+"/journal",
				`{"kind":"note","summary":"entretien","participants":["a\u0000"]}`), "participants"},
			{"search ?q=%00", api("GET", "/api/v1/persons?q=%00", ""), "q"},
			{"search ?q=%FF", api("GET", "/api/v1/persons?q=mart%FFin", ""), "q"},
			{"journal filter ?kind=%FF", api("GET", "/api/v1/persons/"+pid+"/journal?kind=%FF", ""), "kind"},
			{"journal search ?q=%00", api("GET", "/api/v1/search/journal?q=a%00b", ""), "q"},
			{"path %00", api("GET", "/api/v1/persons/"+pid+"%00", ""), ""},
			{"path %FF", api("GET", "/api/v1/persons/%FF", ""), ""},
			{"multipart field", multipartUpload("titre\x00"), ""},
			{"JSON upload", api("POST", "/api/v1/persons/"+pid+"/documents",
				`{"kind":"identity","title":"t\u0000","content_base64":"JVBERi0xLjQKJSVFT0YK"}`), "title"},
		}
		for _, c := range cases {
			resp := e.Serve(c.req)
			if resp.Status != http.StatusBadRequest {
				t.Errorf("%s: status %d, want 400 (%s)", c.name, resp.Status, resp.Body)
				continue
			}
			var got apiErr
			resp.Decode(t, &got)
			if got.Error.Field != c.field || !strings.Contains(got.Error.Message, "UTF-8 valide") {
				t.Errorf("%s: field %q message %q, want field %q and the French message", c.name, got.Error.Field, got.Error.Message, c.field)
			}
		}
		// In English on request.
		req := api("GET", "/api/v1/persons?q=%00", "")
		req.Header.Set("Accept-Language", "en")
		var got apiErr
		e.Serve(req).Decode(t, &got)
		if !strings.Contains(got.Error.Message, "not valid UTF-8") {
			t.Errorf("English message: %q", got.Error.Message)
		}
		// A page form: the HTML error page, 400.
		form := url.Values{"birth_name": {"DUPONT\x00"}, "first_names": {"Jean"}, "birth_date": {"01/01/1980"}}
		if r := e.Page("POST", "/persons", "worker", form); r.Status != http.StatusBadRequest ||
			!strings.Contains(string(r.Body), "UTF-8 valide") {
			t.Errorf("page form with NUL: status %d, want 400 with the message", r.Status)
		}
		form = url.Values{"kind": {"note"}, "summary": {"entretien \xff"}, "occurred_at": {"01/01/2026"}}
		if r := e.Page("POST", "/persons/"+pid+"/journal", "worker", form); r.Status != http.StatusBadRequest {
			t.Errorf("journal page form with invalid UTF-8: status %d, want 400", r.Status)
		}
		if after := countAll(t, e); after != beforeCounts {
			t.Errorf("refused requests wrote data: before %+v, after %+v", beforeCounts, after)
		}
		if n := journal(); n != beforeJournal {
			t.Errorf("refused requests added journal entries: %d → %d", beforeJournal, n)
		}
		// Ordinary text still goes through.
		if r := e.Serve(api("GET", "/api/v1/persons?q=l%C3%A9a", "")); r.Status != http.StatusOK {
			t.Errorf("search with an accent: %d %s", r.Status, r.Body)
		}
	})
}
