package web_test

import (
	"net/http"
	"net/url"
)

// Authorisation matrix of the pre-screening of likely rights (issue 13).
// The screening, its explanation and the worker's answer are part of the
// fixture household's file: those who follow a member read them (a
// break-glass too) and record an answer (never under a break-glass alone:
// lasting); the front desk and administrators never; another
// organisation gets 404. The algorithm register is public. The
// non-take-up dashboard is the managers'.
func init() {
	created, seeOther := http.StatusCreated, http.StatusSeeOther
	hh := func(suffix string) func(*fixture) string {
		return func(f *fixture) string { af(f); return "/api/v1/households/" + f.Household.ID + suffix }
	}
	hhPage := func(suffix string) func(*fixture) string {
		return func(f *fixture) string { af(f); return "/households/" + f.Household.ID + suffix }
	}
	body := func(v any) func(*fixture, string) any { return func(*fixture, string) any { return v } }
	onFile := routeAudit{OnFile: true}
	managers := all(403, "manager", http.StatusOK)
	addRows(
		matrixRow{Route: "GET /api/v1/households/{id}/prescreening", Path: hh("/prescreening"),
			Want: householdRead(200), Audit: []string{"prescreen.read"}, routeAudit: onFile},
		matrixRow{Route: "GET /api/v1/households/{id}/prescreening/{rule}", Path: hh("/prescreening/rsa"),
			Want: householdRead(200), Audit: []string{"prescreen.explain"}, routeAudit: onFile},
		matrixRow{Route: "POST /api/v1/households/{id}/prescreening/outcomes", Path: hh("/prescreening/outcomes"),
			Body: body(map[string]any{"rule": "apl", "outcome": "not_relevant", "reason": "Logement non conventionné : ALS déjà demandée."}),
			Want: householdWrite(created), Audit: []string{"prescreen.record"}, routeAudit: onFile},
		matrixRow{Route: "GET /households/{id}/prescreening", Path: hhPage("/prescreening"), Page: true,
			Want: householdRead(200), Audit: []string{"prescreen.read"}, routeAudit: onFile},
		matrixRow{Route: "GET /households/{id}/prescreening/{rule}", Path: hhPage("/prescreening/css_gratuite"), Page: true,
			Want: householdRead(200), Audit: []string{"prescreen.explain"}, routeAudit: onFile},
		matrixRow{Route: "POST /households/{id}/prescreening/{rule}/outcome", Path: hhPage("/prescreening/aspa/outcome"), Page: true,
			Body: body(url.Values{"outcome": {"not_relevant"}, "reason": {"Aucun membre n'a 65 ans."}}),
			Want: householdWrite(seeOther), Audit: []string{"prescreen.record"}, routeAudit: onFile},
		matrixRow{Route: "GET /algorithms", Path: fixed("/algorithms"), Want: publicRoute(200), Page: true,
			NoAudit: "the public register of the rules: no personal data"},
		matrixRow{Route: "GET /api/v1/stats/non-take-up", Path: fixed("/api/v1/stats/non-take-up"), Want: managers,
			Audit: []string{"prescreen.stats"}},
		matrixRow{Route: "GET /api/v1/stats/non-take-up/files", Path: fixed("/api/v1/stats/non-take-up/files?rule=rsa&by=team&key=none"),
			Want: managers, Audit: []string{"prescreen.stats"}},
		matrixRow{Route: "GET /stats/non-take-up", Path: fixed("/stats/non-take-up"), Page: true, Want: managers,
			Audit: []string{"prescreen.stats"}},
		matrixRow{Route: "GET /stats/non-take-up/files", Path: fixed("/stats/non-take-up/files?rule=css_gratuite&by=commune&key=none"), Page: true,
			Want: managers, Audit: []string{"prescreen.stats"}},
		matrixRow{Route: "GET /stats/non-take-up/export", Path: fixed("/stats/non-take-up/export"), Page: true, Want: managers,
			Audit: []string{"prescreen.stats", "prescreen.export"}},
	)
}
