package web_test

import (
	"net/http"
	"net/url"
	"sync"

	"parcours/internal/messaging"
	"parcours/internal/parcours"
)

// Authorisation matrix of secure messaging (issue 11). A thread is read
// by its participants while they may read the file: the fixture thread
// is between the referent ("worker") and "manager"; a teammate who may
// read the file but does not take part, a worker without relation, a
// break-glass access (messaging is no read-and-note: access.lasting), the
// front desk, an administrator and another organisation find nothing
// (404). A file's list of threads is the file's: 403 without relation.

var (
	msgMu      sync.Mutex
	msgThreads = map[*fixture]*parcours.Thread{}
)

// fixtureThread is the fixture person's thread between worker and
// manager.
func fixtureThread(f *fixture) *parcours.Thread {
	msgMu.Lock()
	defer msgMu.Unlock()
	if t, ok := msgThreads[f]; ok {
		return t
	}
	t, err := f.e.App.Messaging.Create(f.e.T.Context(), f.e.Actor("worker"), f.Person.ID, messaging.CreateInput{
		Subject: "Dossier FSL", ParticipantIDs: []string{f.e.Workers["manager"].ID}, Body: "Peux-tu relire la demande ?"})
	if err != nil {
		f.e.T.Fatal(err)
	}
	msgThreads[f] = t
	return t
}

// threadBody names someone else than the caller who may read the file.
func threadParticipant(f *fixture, who string) string {
	if who == "manager" {
		return f.e.Workers["worker"].ID
	}
	return f.e.Workers["manager"].ID
}

func init() {
	created, seeOther := http.StatusCreated, http.StatusSeeOther
	onFile := routeAudit{OnFile: true}
	listWant := func(ok int) map[string]int {
		return writeWant(ok, "reception", 404, "admin", 404)
	}
	threadWant := func(ok int) map[string]int {
		return all(404, "worker", ok, "manager", ok, "anonymous", 401)
	}
	addRows(
		matrixRow{Route: "GET /api/v1/persons/{id}/threads",
			Path: func(f *fixture) string { fixtureThread(f); return "/api/v1/persons/" + f.Person.ID + "/threads" },
			Want: listWant(200), Audit: []string{"thread.list"}, routeAudit: onFile},
		matrixRow{Route: "POST /api/v1/persons/{id}/threads",
			Path: func(f *fixture) string { return "/api/v1/persons/" + f.Person.ID + "/threads" },
			Body: func(f *fixture, who string) any {
				return map[string]any{"subject": "RDV CAF", "participant_ids": []string{threadParticipant(f, who)}, "body": "Bonjour"}
			},
			Want: listWant(created), Audit: []string{"message.create", "thread.create"}, routeAudit: onFile},
		matrixRow{Route: "GET /api/v1/threads/{id}",
			Path: func(f *fixture) string { return "/api/v1/threads/" + fixtureThread(f).ID },
			Want: threadWant(200), Audit: []string{"thread.read"}, routeAudit: onFile},
		matrixRow{Route: "POST /api/v1/threads/{id}/messages",
			Path: func(f *fixture) string { return "/api/v1/threads/" + fixtureThread(f).ID + "/messages" },
			Body: func(*fixture, string) any { return map[string]any{"body": "Merci, c'est fait."} },
			Want: threadWant(created), Audit: []string{"message.create"}, routeAudit: onFile},

		matrixRow{Route: "GET /persons/{id}/threads",
			Path: func(f *fixture) string { fixtureThread(f); return "/persons/" + f.Person.ID + "/threads" },
			Want: listWant(200), Page: true, Audit: []string{"thread.list"}, routeAudit: onFile},
		matrixRow{Route: "POST /persons/{id}/threads",
			Path: func(f *fixture) string { return "/persons/" + f.Person.ID + "/threads" },
			Body: func(f *fixture, who string) any {
				return url.Values{"subject": {"RDV CAF"}, "participant_ids": {threadParticipant(f, who)}, "body": {"Bonjour"}}
			},
			Want: listWant(seeOther), Page: true, Audit: []string{"message.create", "thread.create"}, routeAudit: onFile},
		matrixRow{Route: "GET /threads/{id}",
			Path: func(f *fixture) string { return "/threads/" + fixtureThread(f).ID },
			Want: threadWant(200), Page: true, Audit: []string{"thread.read"}, routeAudit: onFile},
		matrixRow{Route: "POST /threads/{id}/messages",
			Path: func(f *fixture) string { return "/threads/" + fixtureThread(f).ID + "/messages" },
			Body: func(*fixture, string) any { return url.Values{"body": {"Merci."}} },
			Want: threadWant(seeOther), Page: true, Audit: []string{"message.create"}, routeAudit: onFile},
	)
}
