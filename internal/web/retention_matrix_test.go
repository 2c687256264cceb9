package web_test

import (
	"context"
	"net/http"
	"net/url"

	"parcours/internal/parcours"
	"parcours/internal/retention"
)

// Retention (issue 15): the organisation's rules, plans and their review
// are for managers and the data-protection officer only (the DPO, a
// designation, is tested in internal/retention); everyone else gets 403
// before anything is read. Reading a batch (the names of its files) and
// every change are audited; the rules and the plans' counts hold no
// personal data.
func init() {
	// batch prepares a plan of org A and returns its anonymisation batch.
	batch := func(f *fixture) string {
		p, err := f.e.App.Retention.PlanOrg(context.Background(), parcours.SystemActor(), f.e.OrgA.ID)
		if err != nil {
			panic(err)
		}
		for _, b := range p.Batches {
			if b.Action == retention.ActionAnonymise {
				return b.ID
			}
		}
		panic("no anonymisation batch")
	}
	managers := all(403, "manager", http.StatusOK)
	redirect := all(403, "manager", http.StatusSeeOther)
	addRows(
		matrixRow{Route: "GET /api/v1/retention/settings", Path: fixed("/api/v1/retention/settings"), Want: managers,
			NoAudit: "the organisation's retention rules: no personal data"},
		matrixRow{Route: "PUT /api/v1/retention/settings", Path: fixed("/api/v1/retention/settings"),
			Body: func(*fixture, string) any {
				return map[string]any{"active_months": 24, "archive_months": map[string]int{"documents": 0}}
			},
			Want: managers, Audit: []string{"retention.settings.update"}},
		matrixRow{Route: "GET /api/v1/retention/plans", Path: fixed("/api/v1/retention/plans"), Want: managers,
			NoAudit: "plans and batches: counts and decisions, no person named"},
		matrixRow{Route: "POST /api/v1/retention/plans", Path: fixed("/api/v1/retention/plans"),
			Want: all(403, "manager", http.StatusCreated), Audit: []string{"retention.plan"}},
		matrixRow{Route: "GET /api/v1/retention/batches/{id}", Path: func(f *fixture) string { return "/api/v1/retention/batches/" + batch(f) },
			Want: managers, Audit: []string{"retention.batch.read"}},
		matrixRow{Route: "POST /api/v1/retention/batches/{id}/decision", Path: func(f *fixture) string { return "/api/v1/retention/batches/" + batch(f) + "/decision" },
			Body: func(*fixture, string) any {
				return map[string]any{"decision": "postpone", "reason": "À revoir le mois prochain"}
			},
			Want: managers, Audit: []string{"retention.batch.postpone"}},
		matrixRow{Route: "GET /retention", Path: fixed("/retention"), Page: true, Want: managers,
			NoAudit: "the organisation's rules and its plans' counts: no person named"},
		matrixRow{Route: "POST /retention/settings", Path: fixed("/retention/settings"), Page: true,
			Body: func(*fixture, string) any { return url.Values{"active_months": {"24"}, "archive_documents": {"0"}} },
			Want: redirect, Audit: []string{"retention.settings.update"}},
		matrixRow{Route: "POST /retention/plans", Path: fixed("/retention/plans"), Page: true,
			Body: func(*fixture, string) any { return url.Values{} },
			Want: redirect, Audit: []string{"retention.plan"}},
		matrixRow{Route: "GET /retention/batches/{id}", Path: func(f *fixture) string { return "/retention/batches/" + batch(f) }, Page: true,
			Want: managers, Audit: []string{"retention.batch.read"}},
		matrixRow{Route: "POST /retention/batches/{id}/decision", Path: func(f *fixture) string { return "/retention/batches/" + batch(f) + "/decision" }, Page: true,
			Body: func(*fixture, string) any { return url.Values{"decision": {"approve"}, "reason": {"Revu en réunion"}} },
			Want: redirect, Audit: []string{"retention.batch.approve"}},
	)
}
