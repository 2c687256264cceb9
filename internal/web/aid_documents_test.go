package web_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"parcours/internal/app/apptest"
	"parcours/internal/parcours"
)

// Supporting documents of aid requests (issue 12), through the real
// handlers on both backends: uploads and documents already on a member's
// file, listed on the request and on the commission's agenda, read by
// the commission's members only through a request on their agenda.

func TestAidDocuments_AttachedListedAndShownToTheCommission(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		p := rightsPerson(t, e, "worker", "PIECES")
		child := rightsPerson(t, e, "worker", "MARCHAND")
		h := rightsHousehold(t, e, "Foyer Pièces", p, child)
		stranger := rightsPerson(t, e, "worker", "AILLEURS")
		r := e.Do("POST", "/api/v1/aid-requests", "worker", map[string]any{"household_id": h.ID, "aid_code": "secours_urgence",
			"amount_cents": 20000, "reason": "Facture d'énergie"})
		wantStatus(t, r, 201, "request")
		var req parcours.AidRequest
		r.Decode(t, &req)
		docsURL := "/api/v1/aid-requests/" + req.ID + "/documents"

		// Refused callers store nothing.
		wantStatus(t, apiUpload(t, e, "reception", docsURL, map[string]string{}, "facture.pdf", pdfBytes), 403, "front desk")
		wantStatus(t, apiUpload(t, e, "other", docsURL, map[string]string{}, "facture.pdf", pdfBytes), 404, "other organisation")
		wantStatus(t, apiUpload(t, e, "worker", docsURL, map[string]string{}, "facture.txt", []byte("texte")), 415, "not a PDF")
		wantStatus(t, apiUpload(t, e, "worker", docsURL, map[string]string{"document_kind": "nope"}, "facture.pdf", pdfBytes), 422, "kind")
		wantStatus(t, apiUpload(t, e, "worker", docsURL, map[string]string{"person_id": stranger.ID}, "facture.pdf", pdfBytes), 422, "not a member")
		if docs := personDocuments(t, e, p.ID); len(docs) != 0 {
			t.Fatalf("refused uploads left documents: %+v", docs)
		}

		// An upload to the applicant's file, by the API.
		r = apiUpload(t, e, "worker", docsURL, map[string]string{"document_kind": "courrier"}, "facture-edf.pdf", pdfBytes)
		wantStatus(t, r, 200, "upload")
		r.Decode(t, &req)
		if len(req.Documents) != 1 || req.Documents[0].PersonID != p.ID || req.Documents[0].Kind != "courrier" || req.Documents[0].Title != "facture-edf.pdf" {
			t.Fatalf("documents = %+v", req.Documents)
		}
		if docs := personDocuments(t, e, p.ID); len(docs) != 1 || docs[0].ID != req.Documents[0].ID {
			t.Fatalf("applicant's documents = %+v, want the upload", docs)
		}
		// From the page, to the child's file.
		r = workerUpload(t, e, "worker", "/households/"+h.ID+"/aid-requests/"+req.ID+"/documents",
			map[string]string{"doc-person_id": child.ID, "doc-document_kind": "rib"}, "rib.png", pngBytes)
		wantStatus(t, r, http.StatusSeeOther, "upload from the page")
		// A document already on a member's file; twice is a conflict; one
		// of another household's file is unknown here.
		r = e.Do("POST", "/api/v1/persons/"+child.ID+"/documents", "worker", map[string]any{"kind": "avis_imposition",
			"title": "avis.png", "content_base64": "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="})
		wantStatus(t, r, 201, "child's document")
		var avis parcours.Document
		r.Decode(t, &avis)
		wantStatus(t, e.Do("POST", docsURL, "worker", map[string]any{"document_id": avis.ID}), 200, "existing document")
		wantStatus(t, e.Do("POST", docsURL, "worker", map[string]any{"document_id": avis.ID}), 409, "twice")
		r = e.Do("POST", "/api/v1/persons/"+stranger.ID+"/documents", "worker", map[string]any{"kind": "rib",
			"title": "autre.png", "content_base64": "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="})
		wantStatus(t, r, 201, "stranger's document")
		var foreign parcours.Document
		r.Decode(t, &foreign)
		wantStatus(t, e.Do("POST", docsURL, "worker", map[string]any{"document_id": foreign.ID}), 422, "another household's document")

		r = e.Do("GET", "/api/v1/aid-requests/"+req.ID, "worker", nil)
		wantStatus(t, r, 200, "request")
		r.Decode(t, &req)
		if len(req.Documents) != 3 || req.Documents[2].ID != avis.ID || req.Documents[1].PersonID != child.ID {
			t.Fatalf("request's documents = %+v", req.Documents)
		}
		page := e.Page("GET", "/households/"+h.ID+"/aid", "worker", nil)
		wantStatus(t, page, 200, "household's page")
		for _, d := range req.Documents {
			if !strings.Contains(string(page.Body), "/api/v1/aid-requests/"+req.ID+"/documents/"+d.ID) {
				t.Errorf("household's page lacks the link to %s", d.Title)
			}
		}

		// Before the agenda, a manager who does not follow the household
		// reads none of it; on the agenda, the commission sees each
		// document and downloads it, and nothing else of the files.
		docURL := docsURL + "/" + avis.ID
		wantStatus(t, e.Do("GET", docURL, "worker2", nil), 403, "a worker who does not follow the household")
		r = e.Do("POST", "/api/v1/commissions", "manager", map[string]any{"meets_on": inDays(5), "members": []string{"M. le maire"}})
		wantStatus(t, r, 201, "commission")
		var c parcours.Commission
		r.Decode(t, &c)
		wantStatus(t, e.Do("POST", "/api/v1/aid-requests/"+req.ID+"/agenda", "worker", map[string]any{"commission_id": c.ID}), 200, "agenda")
		r = e.Do("GET", "/api/v1/commissions/"+c.ID, "manager", nil)
		wantStatus(t, r, 200, "commission")
		var view struct{ Agenda []parcours.AidRequest }
		r.Decode(t, &view)
		if len(view.Agenda) != 1 || len(view.Agenda[0].Documents) != 3 {
			t.Fatalf("agenda = %+v, want the request with its three documents", view.Agenda)
		}
		cp := e.Page("GET", "/commissions/"+c.ID, "manager", nil)
		wantStatus(t, cp, 200, "commission page")
		if !strings.Contains(string(cp.Body), docURL) || !strings.Contains(string(cp.Body), "avis.png") {
			t.Errorf("commission page lacks the documents")
		}
		r = e.Do("GET", docURL, "manager", nil)
		wantStatus(t, r, 200, "download by the commission")
		if ct := r.Header.Get("Content-Type"); ct != "image/png" || !strings.HasPrefix(r.Header.Get("Content-Disposition"), "attachment") {
			t.Errorf("download headers: %s, %s", ct, r.Header.Get("Content-Disposition"))
		}
		// A document of the household's files that does not support the
		// request is not the commission's.
		r = e.Do("POST", "/api/v1/persons/"+p.ID+"/documents", "worker", map[string]any{"kind": "rib",
			"title": "prive.png", "content_base64": "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="})
		var private parcours.Document
		r.Decode(t, &private)
		wantStatus(t, e.Do("GET", docsURL+"/"+private.ID, "manager", nil), 404, "a document not attached")
		wantStatus(t, e.Do("GET", docsURL+"/"+avis.ID, "reception", nil), 403, "front desk")

		// Decided, the request's documents are fixed; the letter is
		// unaffected.
		wantStatus(t, e.Do("POST", "/api/v1/aid-requests/"+req.ID+"/decision", "manager", map[string]any{"decision": "granted", "amount_cents": 20000}), 200, "decision")
		wantStatus(t, e.Do("POST", docsURL, "worker", map[string]any{"document_id": private.ID}), 409, "after the decision")
		wantStatus(t, e.Do("GET", "/api/v1/aid-requests/"+req.ID+"/letter", "worker", nil), 200, "letter")
	})
}

// The household's aid page offers, for each request still open, the
// documents already on the members' files, by member, those attached
// left out; choosing one attaches it, as the API does. Only a worker who
// may write requests is offered them, and each member's listing is
// recorded on that member's file.
func TestAidDocuments_AttachedFromThePageFromTheMembersFiles(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		p := rightsPerson(t, e, "worker", "EXISTANT")
		child := rightsPerson(t, e, "worker", "ENFANT")
		stranger := rightsPerson(t, e, "worker", "DEHORS")
		h := rightsHousehold(t, e, "Foyer Existant", p, child)
		r := e.Do("POST", "/api/v1/aid-requests", "worker", map[string]any{"household_id": h.ID, "aid_code": "secours_urgence",
			"amount_cents": 15000, "reason": "Loyer impayé"})
		wantStatus(t, r, 201, "request")
		var req parcours.AidRequest
		r.Decode(t, &req)
		upload := func(personID, kind, title string) parcours.Document {
			t.Helper()
			r := e.Do("POST", "/api/v1/persons/"+personID+"/documents", "worker", map[string]any{"kind": kind,
				"title": title, "content_base64": "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="})
			wantStatus(t, r, 201, title)
			var d parcours.Document
			r.Decode(t, &d)
			return d
		}
		rib := upload(child.ID, "rib", "rib-enfant.png")
		quittance := upload(p.ID, "justificatif_domicile", "quittance-mars.png")
		other := upload(stranger.ID, "rib", "rib-dehors.png")
		option := func(d parcours.Document) string { return `<option value="` + d.ID + `">` }

		page := e.Page("GET", "/households/"+h.ID+"/aid", "worker", nil)
		wantStatus(t, page, 200, "household's page")
		body := string(page.Body)
		for _, d := range []parcours.Document{rib, quittance} {
			if !strings.Contains(body, option(d)) || !strings.Contains(body, d.Title) {
				t.Errorf("the page does not offer %s", d.Title)
			}
		}
		if strings.Contains(body, other.ID) || strings.Contains(body, other.Title) {
			t.Error("the page offers a document of a file outside the household")
		}
		if !strings.Contains(body, `<optgroup label="`) {
			t.Error("the documents are not grouped by member")
		}
		// The listing of each member's documents is in their file's log.
		for _, id := range []string{p.ID, child.ID} {
			var log struct {
				Items []struct {
					Action string `json:"action"`
				} `json:"items"`
			}
			e.Do("GET", "/api/v1/persons/"+id+"/access-log", "worker", nil).Decode(t, &log)
			if !slices.ContainsFunc(log.Items, func(it struct {
				Action string `json:"action"`
			}) bool {
				return it.Action == "document.list"
			}) {
				t.Errorf("%s's access log does not show the listing of their documents: %+v", id, log.Items)
			}
		}

		// Attached from the page; then no longer offered for it.
		r = e.Page("POST", "/households/"+h.ID+"/aid-requests/"+req.ID+"/documents", "worker",
			map[string][]string{"doc-document_id": {rib.ID}})
		wantStatus(t, r, http.StatusSeeOther, "attach from the page")
		r = e.Do("GET", "/api/v1/aid-requests/"+req.ID, "worker", nil)
		r.Decode(t, &req)
		if len(req.Documents) != 1 || req.Documents[0].ID != rib.ID || req.Documents[0].PersonID != child.ID {
			t.Fatalf("request's documents = %+v, want the child's RIB", req.Documents)
		}
		body = string(e.Page("GET", "/households/"+h.ID+"/aid", "worker", nil).Body)
		if strings.Contains(body, option(rib)) || !strings.Contains(body, option(quittance)) {
			t.Error("after attaching, the page should offer the quittance and no longer the RIB")
		}
		// A document outside the household, posted by hand: refused,
		// nothing attached.
		r = e.Page("POST", "/households/"+h.ID+"/aid-requests/"+req.ID+"/documents", "worker",
			map[string][]string{"doc-document_id": {other.ID}})
		wantStatus(t, r, http.StatusUnprocessableEntity, "another file's document")
		if !strings.Contains(string(r.Body), "membre du foyer") {
			t.Errorf("the refusal does not say why: %s", r.Body)
		}
		r = e.Do("GET", "/api/v1/aid-requests/"+req.ID, "worker", nil)
		r.Decode(t, &req)
		if len(req.Documents) != 1 {
			t.Fatalf("a refused attachment changed the request: %+v", req.Documents)
		}
		// The front desk reads the page but may not write requests: no
		// documents offered.
		if fd := e.Page("GET", "/households/"+h.ID+"/aid", "reception", nil); fd.Status == 200 && strings.Contains(string(fd.Body), option(quittance)) {
			t.Error("the front desk is offered the members' documents")
		}
	})
}
