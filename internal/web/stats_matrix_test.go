package web_test

import "net/http"

// Statistics (issue 15): managers and the data-protection officer only
// (the DPO is tested in internal/stats through retention's rule); the
// report holds counts, never a name, and is not audited; every export is
// (stats.export, with its format and row count).
func init() {
	managers := all(403, "manager", http.StatusOK)
	addRows(
		matrixRow{Route: "GET /api/v1/stats", Path: fixed("/api/v1/stats"), Want: managers,
			NoAudit: "counts with small cells suppressed: no personal data"},
		matrixRow{Route: "GET /api/v1/stats/export", Path: fixed("/api/v1/stats/export?format=csv&table=summary"), Want: managers,
			Audit: []string{"stats.export"}},
		matrixRow{Route: "GET /api/v1/stats/rows", Path: fixed("/api/v1/stats/rows?kind=accompaniments"), Want: managers,
			Audit: []string{"stats.export"}},
		matrixRow{Route: "GET /stats/rows", Path: fixed("/stats/rows?kind=procedures"), Page: true, Want: managers,
			Audit: []string{"stats.export"}},
		matrixRow{Route: "GET /api/v1/stats/report.pdf", Path: fixed("/api/v1/stats/report.pdf?year=2026"), Want: managers,
			Audit: []string{"stats.export"}},
		matrixRow{Route: "GET /stats/report.pdf", Path: fixed("/stats/report.pdf"), Page: true, Want: managers,
			Audit: []string{"stats.export"}},
		matrixRow{Route: "GET /stats", Path: fixed("/stats"), Page: true, Want: managers,
			NoAudit: "counts with small cells suppressed: no personal data"},
		matrixRow{Route: "GET /stats/export", Path: fixed("/stats/export?format=xlsx"), Page: true, Want: managers,
			Audit: []string{"stats.export"}},
	)
}
