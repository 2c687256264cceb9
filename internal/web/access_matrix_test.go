package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sync/atomic"

	"parcours/internal/parcours"
	"parcours/internal/person"
	"parcours/internal/store"
)

// Rows of the access feature: the person's information and objections,
// break-glass and its review, notifications, the access log and the audit
// search. Relations to the fixture person: worker is the referent;
// manager, reception, admin and teammate are of the referent's team;
// worker2 and bg_expired have no relation; bg_active has an open
// break-glass; other is of another organisation.

var freshSeq atomic.Int64

// freshPerson records a new person (by "worker", so with the same
// relations as the fixture person but no break-glass on it) and returns
// its id: for requests that change what they touch.
func freshPerson(f *fixture) string {
	n := freshSeq.Add(1)
	p, err := f.e.App.Persons.Create(context.Background(), f.e.Actor("worker"), person.Input{
		BirthName: ptr("URGENCE"), FirstNames: ptr(fmt.Sprintf("Cas %d", n)),
		BirthDate: ptr(fmt.Sprintf("19%02d-%02d-%02d", 40+n%50, 1+n%12, 1+n%28)), Sex: ptr(parcours.SexMale),
	})
	if err != nil {
		f.e.T.Fatal(err)
	}
	return p.ID
}

func init() {
	personPath := func(suffix string) func(*fixture) string {
		return func(f *fixture) string { return "/api/v1/persons/" + f.Person.ID + suffix }
	}
	// The file of the fixture person, as far as each role goes.
	file := func(status int, overrides ...any) map[string]int {
		m := all(status, append([]any{"admin", 404, "worker2", 403, "other", 404, "bg_expired", 403, "teammate", status}, overrides...)...)
		return m
	}
	addRows(
		matrixRow{Route: "GET /api/v1/persons/{id}/consent", Path: personPath("/consent"),
			Want: file(200, "bg_active", 200), Audit: []string{"consent.read"}},
		matrixRow{Route: "POST /api/v1/persons/{id}/consent", Path: personPath("/consent"),
			Body: func(f *fixture, who string) any {
				return map[string]any{"informed_on": "2025-01-06", "method": "oral", "objections": []string{}}
			},
			// A break-glass changes no consent (read-and-note only).
			Want: file(200, "reception", 403, "bg_active", 403), Audit: []string{"consent.update"}},
		matrixRow{Route: "POST /api/v1/persons/{id}/break-glass",
			Path: func(f *fixture) string { return "/api/v1/persons/" + freshPerson(f) + "/break-glass" },
			Body: func(f *fixture, who string) any {
				return map[string]any{"reason": "Appel du 115, mise à l'abri ce soir"}
			},
			// Those who follow the person need no break-glass (409);
			// reception and admin may not break glass.
			Want:  all(http.StatusConflict, "reception", 403, "admin", 404, "worker2", 201, "bg_active", 201, "bg_expired", 201, "teammate", 409, "other", 404),
			Audit: []string{"break_glass.open"}},
		matrixRow{Route: "GET /api/v1/break-glass/reviews", Path: fixed("/api/v1/break-glass/reviews?pending=true"),
			Want: all(403, "manager", 200), Audit: []string{"break_glass.list"}},
		matrixRow{Route: "POST /api/v1/break-glass/{id}/review",
			Path: func(f *fixture) string {
				b, err := f.e.App.BreakGlass.Open(context.Background(), f.e.Actor("worker2"), freshPerson(f), "Appel du 115, mise à l'abri ce soir")
				if err != nil {
					f.e.T.Fatal(err)
				}
				return "/api/v1/break-glass/" + b.ID + "/review"
			},
			Body:  func(f *fixture, who string) any { return map[string]any{"verdict": "justified"} },
			Want:  all(403, "manager", 200, "other", 404),
			Audit: []string{"break_glass.review"}},
		matrixRow{Route: "GET /api/v1/notifications", Path: fixed("/api/v1/notifications"), Want: all(200), Audit: []string{}},
		// Only the worker it was sent to may mark a notification read.
		matrixRow{Route: "POST /api/v1/notifications/{id}/read",
			Path: func(f *fixture) string { return "/api/v1/notifications/" + notificationFor(f, "worker") + "/read" },
			Want: all(404, "worker", 200), NoAudit: "the caller's own notifications: no person's file"},
		matrixRow{Route: "POST /api/v1/notifications/read", Path: fixed("/api/v1/notifications/read"),
			Want: all(200), NoAudit: "the caller's own notifications: no person's file"},
		// The live count (live_test.go for the wait): without seen, at once.
		matrixRow{Route: "GET /api/v1/notifications/count", Path: fixed("/api/v1/notifications/count"),
			Want: all(200), NoAudit: "the caller's own notification count: no person's file"},
		matrixRow{Route: "GET /api/v1/persons/{id}/access-log", Path: personPath("/access-log"),
			Want: file(200, "reception", 403, "bg_active", 200), Audit: []string{"access_log.read"}},
		matrixRow{Route: "GET /api/v1/audit/events", Path: fixed("/api/v1/audit/events?action=person."),
			Want: all(403, "manager", 200, "admin", 200), Audit: []string{"audit.search"}},
		matrixRow{Route: "GET /api/v1/audit/events.csv", Path: fixed("/api/v1/audit/events.csv"),
			Want: all(403, "manager", 200, "admin", 200), Audit: []string{"audit.search"}},
	)
}

// The pages of the same feature.
func init() {
	see := http.StatusSeeOther
	page := func(suffix string) func(*fixture) string {
		return func(f *fixture) string { return "/persons/" + f.Person.ID + suffix }
	}
	file := func(status int, overrides ...any) map[string]int {
		return all(status, append([]any{"admin", 404, "worker2", 403, "other", 404, "bg_expired", 403, "teammate", status, "bg_active", status}, overrides...)...)
	}
	reason := func(f *fixture, who string) any {
		return url.Values{"reason": {"Appel du 115, mise à l'abri ce soir"}}
	}
	addRows(
		matrixRow{Route: "GET /persons/{id}/consent", Path: page("/consent"), Page: true, Want: file(200), Audit: []string{"consent.read"}},
		matrixRow{Route: "POST /persons/{id}/consent", Path: page("/consent"), Page: true,
			Body: func(f *fixture, who string) any {
				return url.Values{"informed_on": {"2025-01-06"}, "method": {"written"}, "objections": {"no_external_sharing"}}
			},
			Want: file(see, "reception", 403, "bg_active", 403), Audit: []string{"consent.update"}},
		matrixRow{Route: "GET /persons/{id}/break-glass", Path: page("/break-glass"), Page: true,
			Want: all(http.StatusConflict, "reception", 403, "admin", 404, "worker2", 200, "bg_active", 200, "bg_expired", 200, "teammate", 409, "other", 404), Audit: []string{}},
		matrixRow{Route: "POST /persons/{id}/break-glass", Page: true,
			Path: func(f *fixture) string { return "/persons/" + freshPerson(f) + "/break-glass" }, Body: reason,
			Want:  all(http.StatusConflict, "reception", 403, "admin", 404, "worker2", see, "bg_active", see, "bg_expired", see, "teammate", 409, "other", 404),
			Audit: []string{"break_glass.open"}},
		matrixRow{Route: "GET /break-glass/reviews", Path: fixed("/break-glass/reviews"), Page: true, Want: all(403, "manager", 200)},
		matrixRow{Route: "POST /break-glass/{id}/review", Page: true,
			Path: func(f *fixture) string {
				b, err := f.e.App.BreakGlass.Open(context.Background(), f.e.Actor("worker2"), freshPerson(f), "Appel du 115, mise à l'abri ce soir")
				if err != nil {
					f.e.T.Fatal(err)
				}
				return "/break-glass/" + b.ID + "/review"
			},
			Body: func(f *fixture, who string) any {
				return url.Values{"verdict": {"unjustified"}, "note": {"Pas d'urgence avérée"}}
			},
			Want: all(403, "manager", see, "other", 404), Audit: []string{"break_glass.review"}},
		matrixRow{Route: "GET /notifications", Path: fixed("/notifications"), Page: true, Want: all(200)},
		// The header's live count: a plain visit leads to the
		// notifications page (htmx gets the fragment, live_test.go).
		matrixRow{Route: "GET /notifications/count", Path: fixed("/notifications/count"), Page: true,
			Want: all(http.StatusSeeOther), NoAudit: "the caller's own notification count: no person's file"},
		matrixRow{Route: "POST /notifications/{id}/read", Page: true,
			Path: func(f *fixture) string { return "/notifications/" + notificationFor(f, "worker") + "/read" },
			Want: all(404, "worker", see), NoAudit: "the caller's own notifications: no person's file"},
		matrixRow{Route: "POST /notifications/read", Path: fixed("/notifications/read"), Page: true,
			Want: all(see), NoAudit: "the caller's own notifications: no person's file"},
		matrixRow{Route: "GET /persons/{id}/access-log", Path: page("/access-log"), Page: true,
			Want: file(200, "reception", 403), Audit: []string{"access_log.read"}},
		matrixRow{Route: "GET /audit", Path: fixed("/audit?action=break_glass."), Page: true,
			Want: all(403, "manager", 200, "admin", 200), Audit: []string{"audit.search"}},
	)
}

// notificationFor stores an unread notification for a cast member about
// the fixture person and returns its id.
func notificationFor(f *fixture, who string) string {
	n := &parcours.Notification{WorkerID: f.e.Workers[who].ID, Kind: "handover", PersonID: f.Person.ID}
	if err := f.e.App.DB.Transact(context.Background(), func(tx *store.Tx) error {
		return tx.InsertNotification(context.Background(), n)
	}); err != nil {
		f.e.T.Fatal(err)
	}
	return n.ID
}
