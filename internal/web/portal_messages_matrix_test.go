package web_test

import (
	"bytes"
	"net/http"
	"net/url"

	"parcours/internal/messaging"
	"parcours/internal/parcours"
)

// The person's conversations with their referents (issue 14 item 2) in
// the authorisation matrix. Portal routes: the person reads and writes,
// the "view" delegate reads only (403 on a write), no worker reaches
// them (401). Threads: the fixture person's thread with their referent
// ("worker"), opened by the person with a file attached.

var portalThreads = map[*fixture]*parcours.Thread{}

// portalThread is the fixture person's thread with their referent,
// written from the portal with a PNG attached.
func portalThread(f *fixture) (*parcours.Thread, string) {
	msgMu.Lock()
	t, ok := portalThreads[f]
	msgMu.Unlock()
	if !ok {
		freshAcc(f) // a referent to write to, whatever earlier rows closed
		var err error
		t, err = f.e.App.Messaging.Create(f.e.T.Context(), pfx(f).Person.Actor(), "", messaging.CreateInput{
			Subject: "Mon dossier CAF", Body: "Bonjour, voici mon attestation.",
			File: &messaging.Attachment{Name: "attestation.png", Content: bytes.NewReader(pngBytes)}})
		if err != nil {
			f.e.T.Fatal(err)
		}
		msgMu.Lock()
		portalThreads[f] = t
		msgMu.Unlock()
	}
	v, err := f.e.App.Messaging.Get(f.e.T.Context(), f.e.Actor("worker"), t.ID)
	if err != nil {
		f.e.T.Fatal(err)
	}
	return t, v.Messages[0].DocumentID
}

// attachedThread is a thread between professionals ("worker" and
// "manager") whose first message carries a file.
var attachedThreads = map[*fixture]*parcours.Thread{}

func attachedThread(f *fixture) (*parcours.Thread, string) {
	msgMu.Lock()
	t, ok := attachedThreads[f]
	msgMu.Unlock()
	if !ok {
		var err error
		t, err = f.e.App.Messaging.Create(f.e.T.Context(), f.e.Actor("worker"), f.Person.ID, messaging.CreateInput{
			Subject: "RIB", ParticipantIDs: []string{f.e.Workers["manager"].ID}, Body: "Le RIB pour le FSL.",
			File: &messaging.Attachment{Name: "rib.png", Content: bytes.NewReader(pngBytes)}})
		if err != nil {
			f.e.T.Fatal(err)
		}
		msgMu.Lock()
		attachedThreads[f] = t
		msgMu.Unlock()
	}
	v, err := f.e.App.Messaging.Get(f.e.T.Context(), f.e.Actor("worker"), t.ID)
	if err != nil {
		f.e.T.Fatal(err)
	}
	return t, v.Messages[0].DocumentID
}

func init() {
	see, created := http.StatusSeeOther, http.StatusCreated
	workers := func() map[string]int { return all(http.StatusUnauthorized) }
	both := func(status int) map[string]int {
		m := workers()
		m["person"], m["delegate"] = status, status
		return m
	}
	selfOnly := func(status int) map[string]int {
		m := workers()
		m["person"], m["delegate"] = status, http.StatusForbidden
		return m
	}
	const none = "no worker reaches a portal route; the portal's reads are audited (TestPortalMessages_*)"
	thread := func(suffix string) func(*fixture) string {
		return func(f *fixture) string { t, _ := portalThread(f); return "/moi/messages/" + t.ID + suffix }
	}
	apiThread := func(suffix string) func(*fixture) string {
		return func(f *fixture) string { t, _ := portalThread(f); return "/api/v1/moi/threads/" + t.ID + suffix }
	}
	withReferent := func(p string) func(*fixture) string {
		return func(f *fixture) string { freshAcc(f); return p }
	}
	addRows(
		matrixRow{Route: "GET /moi/messages", Path: fixed("/moi/messages"), Want: both(200), NoAudit: none},
		matrixRow{Route: "POST /moi/messages", Path: withReferent("/moi/messages"),
			Body: func(*fixture, string) any {
				return url.Values{"subject": {"Rendez-vous"}, "body": {"Je peux venir mardi."}}
			},
			Want: selfOnly(see), NoAudit: none},
		matrixRow{Route: "GET /moi/messages/{id}", Path: thread(""), Want: both(200), NoAudit: none},
		matrixRow{Route: "POST /moi/messages/{id}", Path: thread(""),
			Body: func(*fixture, string) any { return url.Values{"body": {"Merci."}} }, Want: selfOnly(see), NoAudit: none},
		matrixRow{Route: "GET /moi/messages/{id}/pieces/{doc}", Path: func(f *fixture) string {
			t, doc := portalThread(f)
			return "/moi/messages/" + t.ID + "/pieces/" + doc
		}, Want: both(200), NoAudit: none},
		matrixRow{Route: "GET /api/v1/moi/threads", Path: fixed("/api/v1/moi/threads"), Want: both(200), NoAudit: none},
		matrixRow{Route: "POST /api/v1/moi/threads", Path: withReferent("/api/v1/moi/threads"),
			Body: func(*fixture, string) any { return map[string]any{"subject": "Question", "body": "Bonjour."} },
			Want: selfOnly(created), NoAudit: none},
		matrixRow{Route: "GET /api/v1/moi/threads/{id}", Path: apiThread(""), Want: both(200), NoAudit: none},
		matrixRow{Route: "POST /api/v1/moi/threads/{id}/messages", Path: apiThread("/messages"),
			Body: func(*fixture, string) any { return map[string]any{"body": "Merci."} }, Want: selfOnly(created), NoAudit: none},

		// Adding the person to a thread (adding a worker would change
		// the other callers' answers): by its participants only.
		matrixRow{Route: "POST /api/v1/threads/{id}/participants", Path: func(f *fixture) string { t, _ := attachedThread(f); return "/api/v1/threads/" + t.ID + "/participants" },
			Body: func(*fixture, string) any { return map[string]any{"with_person": true} },
			Want: all(404, "worker", 200, "manager", 200, "anonymous", 401), Audit: []string{"thread.participants"}, routeAudit: routeAudit{OnFile: true}},
		matrixRow{Route: "POST /threads/{id}/participants", Path: func(f *fixture) string { t, _ := attachedThread(f); return "/threads/" + t.ID + "/participants" },
			Body: func(*fixture, string) any { return url.Values{"with_person": {"1"}} }, Page: true,
			Want: all(404, "worker", see, "manager", see, "anonymous", 401), Audit: []string{"thread.participants"}, routeAudit: routeAudit{OnFile: true}},
		// A file sent in a thread downloads for the thread's participants
		// only (as the thread itself: messaging_matrix_test.go).
		matrixRow{Route: "GET /threads/{id}/documents/{doc}", Path: func(f *fixture) string {
			t, doc := attachedThread(f)
			return "/threads/" + t.ID + "/documents/" + doc
		}, Page: true, Want: all(404, "worker", 200, "manager", 200, "anonymous", 401),
			Audit: []string{"document.download"}, routeAudit: routeAudit{OnFile: true}},
	)
}
