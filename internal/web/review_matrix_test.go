package web_test

import (
	"net/http"
	"net/url"
)

// The « relecture éthique » (issue 18). Audit: none, on purpose — the text
// is analysed in memory and neither stored nor logged, no person's file is
// read, and the counts are per team and month without worker or text: no
// personal data is processed that an audit event could account for.
func init() {
	review := func(*fixture, string) any {
		return map[string]any{"text": "Madame est une menteuse… toxicomane, séropositive.", "confidentiality": "team"}
	}
	addRows(
		// Those who write notes: workers and managers, of any organisation.
		// Admins and reception write no journal (separation of duties).
		matrixRow{Route: "POST /api/v1/review/text", Path: fixed("/api/v1/review/text"), Body: review,
			Want: all(http.StatusOK, "admin", 403, "reception", 403), Audit: []string{}},
		// Counts are for managers (training), of their own teams.
		matrixRow{Route: "GET /api/v1/review/stats", Path: fixed("/api/v1/review/stats?months=3"),
			Want: all(403, "manager", http.StatusOK), Audit: []string{}},
		matrixRow{Route: "POST /review/inline", Path: fixed("/review/inline"), Page: true,
			Body: func(*fixture, string) any {
				return url.Values{"review_field": {"summary"}, "summary": {"Il boit."}, "confidentiality": {"team"}}
			},
			Want: all(http.StatusOK, "admin", 403, "reception", 403), Audit: []string{}},
		matrixRow{Route: "GET /review/stats", Path: fixed("/review/stats"), Page: true,
			Want: all(403, "manager", http.StatusOK), Audit: []string{}},
	)
}
