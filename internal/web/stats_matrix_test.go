package web_test

import (
	"context"
	"net/http"
	"sync"

	"parcours/internal/parcours"
	"parcours/internal/stats"
)

// readyExports holds, per fixture, a background export of "manager"
// already written, for the rows of its routes.
var readyExports sync.Map

func readyExport(f *fixture) string {
	if id, ok := readyExports.Load(f); ok {
		return id.(string)
	}
	ctx := context.Background()
	job, err := f.e.App.Stats.QueueRows(ctx, f.e.Actor("manager"), "accompaniments", "csv", stats.Query{}, true)
	if err != nil {
		f.e.T.Fatal(err)
	}
	if _, err := f.e.App.Stats.RunExports(ctx, parcours.SystemActor()); err != nil {
		f.e.T.Fatal(err)
	}
	readyExports.Store(f, job.ID)
	return job.ID
}

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
		// Background exports: only their requester ("manager") sees
		// them; the others are refused by role before any lookup.
		matrixRow{Route: "GET /api/v1/stats/exports/{id}", Path: func(f *fixture) string { return "/api/v1/stats/exports/" + readyExport(f) }, Want: managers,
			NoAudit: "the state of the caller's own export: no personal data"},
		matrixRow{Route: "GET /api/v1/stats/exports/{id}/file", Path: func(f *fixture) string { return "/api/v1/stats/exports/" + readyExport(f) + "/file" }, Want: managers,
			Audit: []string{"stats.export_job.download"}},
		matrixRow{Route: "GET /stats/exports/{id}", Path: func(f *fixture) string { return "/stats/exports/" + readyExport(f) }, Page: true, Want: managers,
			NoAudit: "the state of the caller's own export: no personal data"},
		matrixRow{Route: "GET /stats/exports/{id}/file", Path: func(f *fixture) string { return "/stats/exports/" + readyExport(f) + "/file" }, Page: true, Want: managers,
			Audit: []string{"stats.export_job.download"}},
	)
}
