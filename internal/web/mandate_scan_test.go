package web_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"parcours/internal/app/apptest"
	"parcours/internal/parcours"
)

// The signed mandate's scan, attached after the mandate was recorded
// (issue 12), through the real handlers on both backends.

// apiUpload posts a multipart form with a bearer token.
func apiUpload(t *testing.T, e *apptest.Env, who, path string, fields map[string]string, filename string, content []byte) *apptest.Response {
	t.Helper()
	ct, body := multipartBody(t, fields, filename, content)
	req := httptest.NewRequest("POST", path, body)
	req.Header.Set("Content-Type", ct)
	req.Header.Set("Authorization", "Bearer "+e.Tokens[who])
	return e.Serve(req)
}

func newMandate(t *testing.T, e *apptest.Env, personID string, endIn int) *parcours.Mandate {
	t.Helper()
	r := e.Do("POST", "/api/v1/persons/"+personID+"/mandates", "worker", map[string]any{"procedures": []string{"rsa"}, "end_date": inDays(endIn)})
	wantStatus(t, r, 201, "mandate")
	var m parcours.Mandate
	r.Decode(t, &m)
	return &m
}

func personDocuments(t *testing.T, e *apptest.Env, personID string) []parcours.Document {
	t.Helper()
	r := e.Do("GET", "/api/v1/persons/"+personID+"/documents", "worker", nil)
	wantStatus(t, r, 200, "documents")
	var page parcours.Page[parcours.Document]
	r.Decode(t, &page)
	return page.Items
}

func TestMandateScan_AttachedLaterReplacedScanKeptAmongDocuments(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		p := rightsPerson(t, e, "worker", "SCANNE")
		m := newMandate(t, e, p.ID, 200)
		if len(m.Scans) != 0 || m.DocumentID != "" {
			t.Fatalf("new mandate has scans %+v", m.Scans)
		}
		scanURL := "/api/v1/mandates/" + m.ID + "/scan"

		// Refused callers store nothing.
		r := apiUpload(t, e, "reception", scanURL, map[string]string{}, "mandat.pdf", pdfBytes)
		wantStatus(t, r, 403, "front desk")
		r = apiUpload(t, e, "other", scanURL, map[string]string{}, "mandat.pdf", pdfBytes)
		wantStatus(t, r, 404, "other organisation")
		r = apiUpload(t, e, "worker", scanURL, map[string]string{}, "mandat.txt", []byte("pas un scan"))
		wantStatus(t, r, 415, "not a PDF or an image")
		r = apiUpload(t, e, "worker", scanURL, map[string]string{}, "", nil)
		wantStatus(t, r, 422, "no file")
		if docs := personDocuments(t, e, p.ID); len(docs) != 0 {
			t.Fatalf("refused uploads left documents: %+v", docs)
		}

		// The first scan, by the API.
		r = apiUpload(t, e, "worker", scanURL, map[string]string{}, "mandat-signe.pdf", pdfBytes)
		wantStatus(t, r, 200, "scan")
		var got parcours.Mandate
		r.Decode(t, &got)
		if len(got.Scans) != 1 || got.DocumentID != got.Scans[0].DocumentID || got.Scans[0].AttachedBy != e.Workers["worker"].ID {
			t.Fatalf("after the first scan: document %q, scans %+v", got.DocumentID, got.Scans)
		}
		first := got.DocumentID
		docs := personDocuments(t, e, p.ID)
		if len(docs) != 1 || docs[0].ID != first || docs[0].Kind != parcours.DocumentMandate || docs[0].ContentType != "application/pdf" {
			t.Fatalf("file's documents = %+v, want the scan", docs)
		}

		// Replaced from the tab's form: the old scan stays.
		r = workerUpload(t, e, "worker", "/persons/"+p.ID+"/mandates/"+m.ID+"/scan", map[string]string{}, "scan.png", pngBytes)
		wantStatus(t, r, http.StatusSeeOther, "scan from the page")
		r = e.Do("GET", "/api/v1/persons/"+p.ID+"/mandates", "worker", nil)
		wantStatus(t, r, 200, "mandates")
		var list parcours.Page[parcours.Mandate]
		r.Decode(t, &list)
		if len(list.Items) != 1 || len(list.Items[0].Scans) != 2 {
			t.Fatalf("mandates = %+v, want one with two scans", list.Items)
		}
		cur := list.Items[0]
		if cur.DocumentID == first || cur.Scans[0].DocumentID != cur.DocumentID || cur.Scans[1].DocumentID != first {
			t.Errorf("scans = %+v (current %s), want the new one first and %s kept", cur.Scans, cur.DocumentID, first)
		}
		if docs := personDocuments(t, e, p.ID); len(docs) != 2 {
			t.Errorf("file's documents = %d, want both scans", len(docs))
		}
		page := e.Page("GET", "/persons/"+p.ID+"/rights", "worker", nil)
		wantStatus(t, page, 200, "tab")
		body := string(page.Body)
		for _, want := range []string{"Mandat signé (scan)", "/api/documents/" + cur.DocumentID + "/content", "1 scan remplacé", "/api/documents/" + first + "/content"} {
			if !strings.Contains(body, want) {
				t.Errorf("tab lacks %q", want)
			}
		}

		// Naming a document already on the file; twice is a conflict; a
		// document of another file is unknown here.
		r = e.Do("POST", scanURL, "worker", map[string]any{"document_id": first})
		wantStatus(t, r, 409, "already a scan")
		other := rightsPerson(t, e, "worker", "AUTRE")
		om := newMandate(t, e, other.ID, 100)
		r = e.Do("POST", "/api/v1/mandates/"+om.ID+"/scan", "worker", map[string]any{"document_id": first})
		wantStatus(t, r, 422, "document of another file")
		r = e.Do("POST", "/api/v1/mandates/"+om.ID+"/scan", "worker", map[string]any{})
		wantStatus(t, r, 422, "nothing named")

		// Audited: one mandate.scan per attachment, on the person.
		var n int
		if err := e.App.DB.SQL().QueryRow(rebind(e, "SELECT COUNT(*) FROM audit_events WHERE action = 'mandate.scan' AND object_id = ? AND person_id = '"+p.ID+"'"), m.ID).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 2 {
			t.Errorf("mandate.scan events = %d, want 2", n)
		}
	})
}

// A revoked or expired mandate still takes its scan: it is the proof of
// what the person authorised while it ran.
func TestMandateScan_RevokedAndExpiredMandatesStillTakeTheirScan(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		p := rightsPerson(t, e, "worker", "REVOQUE")
		revoked := newMandate(t, e, p.ID, 200)
		wantStatus(t, e.Do("POST", "/api/v1/mandates/"+revoked.ID+"/revoke", "worker", map[string]any{}), 200, "revoke")
		r := apiUpload(t, e, "worker", "/api/v1/mandates/"+revoked.ID+"/scan", map[string]string{}, "mandat.pdf", pdfBytes)
		wantStatus(t, r, 200, "scan of a revoked mandate")
		var m parcours.Mandate
		r.Decode(t, &m)
		if m.Status != parcours.MandateRevoked || len(m.Scans) != 1 {
			t.Errorf("revoked mandate after scan: status %s, scans %+v", m.Status, m.Scans)
		}

		expiring := newMandate(t, e, p.ID, 10)
		now := e.App.DB.Now
		e.App.DB.Now = func() time.Time { return now().AddDate(0, 0, 30) }
		defer func() { e.App.DB.Now = now }()
		r = apiUpload(t, e, "worker", "/api/v1/mandates/"+expiring.ID+"/scan", map[string]string{}, "mandat.png", pngBytes)
		wantStatus(t, r, 200, "scan of an expired mandate")
		r.Decode(t, &m)
		if m.Status != parcours.MandateExpired || len(m.Scans) != 1 {
			t.Errorf("expired mandate after scan: status %s, scans %+v", m.Status, m.Scans)
		}
	})
}
