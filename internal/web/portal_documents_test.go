package web_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"parcours/internal/app/apptest"
)

// Documents shared with the person, through the handlers: the worker
// marks one « partagé avec la personne » from the file page; the portal
// lists that one only and downloads it through its own route (audited,
// in the person's access log), the other is not found there; the JSON
// copy links the shared one to the portal route and no document to a
// workers' route; taking the share back closes the download.
func TestPortal_SharedDocuments(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		f := newFixture(t, e)
		upload := func(title string) string {
			t.Helper()
			r := e.Do("POST", "/api/v1/persons/"+f.Person.ID+"/documents", "worker", map[string]any{"kind": "rib", "title": title,
				"content_base64": base64.StdEncoding.EncodeToString(pngBytes)})
			if r.Status != http.StatusCreated {
				t.Fatalf("upload: %d %s", r.Status, r.Body)
			}
			var d struct{ ID string }
			r.Decode(t, &d)
			return d.ID
		}
		shared, kept := upload("attestation-caf.png"), upload("rapport-interne.png")
		page := e.Page("GET", "/persons/"+f.Person.ID, "worker", nil)
		if !strings.Contains(string(page.Body), `action="/persons/`+f.Person.ID+`/documents/`+shared+`/share"`) {
			t.Fatalf("the file page has no share button for the document")
		}
		if r := e.Page("POST", "/persons/"+f.Person.ID+"/documents/"+shared+"/share", "worker", url.Values{"shared": {"1"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("share: %d %s", r.Status, r.Body)
		}
		page = e.Page("GET", "/persons/"+f.Person.ID, "worker", nil)
		if !strings.Contains(string(page.Body), "Ne plus partager") {
			t.Errorf("the file page does not show the document as shared")
		}
		// Bad input changes nothing.
		if r := e.Do("POST", "/api/v1/persons/"+f.Person.ID+"/documents/"+kept+"/share", "worker", map[string]any{}); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("share without `shared`: %d", r.Status)
		}
		// Someone outside the team may not share.
		if r := e.Do("POST", "/api/v1/persons/"+f.Person.ID+"/documents/"+kept+"/share", "worker2", map[string]any{"shared": true}); r.Status != http.StatusForbidden {
			t.Errorf("share by worker2: %d", r.Status)
		}

		b := &portalBrowser{t: t, e: e}
		if r := activate(b, invite(t, e, f.Person.ID), "lea.martin"); r.Status != http.StatusSeeOther {
			t.Fatalf("activation: %d", r.Status)
		}
		r := b.do("GET", "/moi/documents", nil)
		if r.Status != http.StatusOK || !strings.Contains(string(r.Body), "attestation-caf.png") || strings.Contains(string(r.Body), "rapport-interne") ||
			!strings.Contains(string(r.Body), `href="/moi/documents/`+shared+`"`) {
			t.Fatalf("portal documents: %d\n%s", r.Status, r.Body)
		}
		r = b.do("GET", "/moi/documents/"+shared, nil)
		if r.Status != http.StatusOK || !bytes.Equal(r.Body, pngBytes) || r.Header.Get("Content-Type") != "image/png" {
			t.Fatalf("download: %d %s", r.Status, r.Header.Get("Content-Type"))
		}
		if r := b.do("GET", "/moi/documents/"+kept, nil); r.Status != http.StatusNotFound {
			t.Errorf("a document not shared: %d, want 404", r.Status)
		}
		if r := b.do("GET", "/api/documents/"+shared+"/content", nil); r.Status != http.StatusForbidden {
			t.Errorf("the workers' download route with a portal session: %d, want 403", r.Status)
		}
		if r := b.do("GET", "/moi/acces", nil); !strings.Contains(string(r.Body), "a téléchargé un document partagé") {
			t.Errorf("the download is not in the person's access log")
		}
		// The JSON copy: every document listed, the shared one linked to
		// the portal, none to a workers' route.
		var x struct {
			Documents []struct {
				ID          string `json:"id"`
				DownloadURL string `json:"download_url"`
			} `json:"documents"`
			LeftOut []struct {
				Part  string `json:"part"`
				Count int    `json:"count"`
			} `json:"left_out"`
		}
		r = b.do("GET", "/moi/copie.json", nil)
		if err := json.Unmarshal(r.Body, &x); err != nil || r.Status != http.StatusOK {
			t.Fatalf("copy: %d %v", r.Status, err)
		}
		links := map[string]string{}
		for _, d := range x.Documents {
			links[d.ID] = d.DownloadURL
		}
		if len(links) != 2 || links[shared] != "/moi/documents/"+shared || links[kept] != "" {
			t.Errorf("copy's document links: %v", links)
		}
		left := 0
		for _, l := range x.LeftOut {
			if l.Part == "documents.content" {
				left = l.Count
			}
		}
		if left != 1 {
			t.Errorf("copy's documents without a link: %d, want 1 (%+v)", left, x.LeftOut)
		}
		// Taken back: the download closes.
		if r := e.Do("POST", "/api/v1/persons/"+f.Person.ID+"/documents/"+shared+"/share", "worker", map[string]any{"shared": false}); r.Status != http.StatusOK {
			t.Fatalf("unshare: %d %s", r.Status, r.Body)
		}
		if r := b.do("GET", "/moi/documents/"+shared, nil); r.Status != http.StatusNotFound {
			t.Errorf("after unsharing: %d, want 404", r.Status)
		}
		var n int
		if err := e.App.DB.SQL().QueryRow(rebind(e, "SELECT COUNT(*) FROM audit_events WHERE person_id = ? AND action = 'document.share'"), f.Person.ID).Scan(&n); err != nil || n != 2 {
			t.Errorf("shares audited: %d (%v)", n, err)
		}
	})
}
