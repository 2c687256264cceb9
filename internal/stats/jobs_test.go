package stats_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"parcours/internal/app/apptest"
	"parcours/internal/parcours"
	"parcours/internal/stats"
	"parcours/internal/store"
)

type jobJSON struct {
	ID          string `json:"id"`
	Status      string `json:"status"`
	RowCount    int    `json:"row_count"`
	StatusURL   string `json:"status_url"`
	DownloadURL string `json:"download_url"`
}

// addManager adds a second manager of organisation A, "manager2".
func addManager(t *testing.T, e *apptest.Env) {
	t.Helper()
	w := &parcours.Worker{OrgID: e.OrgA.ID, Email: "manager2@ccas.test", FirstName: "Prénom", LastName: "MANAGER2", Role: parcours.RoleManager, TeamIDs: []string{e.TeamA.ID}}
	if err := e.App.DB.Transact(t.Context(), func(tx *store.Tx) error { return tx.InsertWorker(t.Context(), w, "") }); err != nil {
		t.Fatal(err)
	}
	e.Workers["manager2"], e.Tokens["manager2"] = w, e.TokenFor(w)
}

func auditCount(t *testing.T, e *apptest.Env, action, objectID string) int {
	t.Helper()
	var n int
	if err := e.App.DB.SQL().QueryRow("SELECT COUNT(*) FROM audit_events WHERE action = '" + action + "' AND object_id = '" + objectID + "'").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestExportJob_QueuedReadyDownloadedByRequesterOnlyThenExpired: a row
// export asked in the background (or above the threshold) is queued
// (202), not downloadable while queued (409); the export job writes it
// encrypted and notifies the requester, who alone downloads it (CSV with
// BOM, ';', formula cells escaped; XLSX), audited; another manager gets
// 404, a worker 403; past its expiry it is 410 with a French message, and
// the next run deletes its file.
func TestExportJob_QueuedReadyDownloadedByRequesterOnlyThenExpired(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		addManager(t, e)
		year := time.Now().Format("2006")
		var accIDs []string
		for i := range 3 {
			r := e.Do("POST", "/api/v1/persons", "worker", map[string]any{"birth_name": "Export" + string(rune('A'+i)), "first_names": "Test",
				"birth_date": "1980-01-01", "sex": "F", "force": true})
			if r.Status != 201 {
				t.Fatalf("create person: %d %s", r.Status, r.Body)
			}
			var p struct{ ID string }
			r.Decode(t, &p)
			r = e.Do("POST", "/api/v1/persons/"+p.ID+"/accompaniments", "worker", map[string]any{"kind": "asg", "start_date": year + "-01-02"})
			if r.Status != 201 {
				t.Fatalf("accompaniment: %d %s", r.Status, r.Body)
			}
			var a struct{ ID string }
			r.Decode(t, &a)
			accIDs = append(accIDs, a.ID)
		}
		// A value a spreadsheet would run as a formula (as an import
		// from another tool could leave): it must come out as text.
		if _, err := e.App.DB.SQL().Exec("UPDATE accompaniments SET end_reason = '=HYPERLINK(\"http://x\")' WHERE id = '" + accIDs[0] + "'"); err != nil {
			t.Fatal(err)
		}

		r := e.Do("GET", "/api/v1/stats/rows?kind=accompaniments&mode=job", "manager", nil)
		var job jobJSON
		r.Decode(t, &job)
		if r.Status != 202 || job.Status != "queued" || job.DownloadURL != "" || r.Header.Get("Location") != "/api/v1/stats/exports/"+job.ID {
			t.Fatalf("queue: %d %s (Location %q)", r.Status, r.Body, r.Header.Get("Location"))
		}
		if n := auditCount(t, e, "stats.export_job.queue", job.ID); n != 1 {
			t.Errorf("queue audited %d times", n)
		}
		if r := e.Do("GET", job.StatusURL+"/file", "manager", nil); r.Status != 409 || r.ErrorCode() != "conflict" {
			t.Errorf("file while queued: %d %s", r.Status, r.Body)
		}
		for who, want := range map[string]int{"manager2": 404, "worker": 403, "other": 403} {
			for _, p := range []string{job.StatusURL, job.StatusURL + "/file"} {
				if r := e.Do("GET", p, who, nil); r.Status != want {
					t.Errorf("%s as %s: %d, want %d", p, who, r.Status, want)
				}
			}
		}

		n, err := e.App.Stats.RunExports(ctx, parcours.SystemActor())
		if err != nil || n != 1 {
			t.Fatalf("run exports: %d, %v", n, err)
		}
		var notified int
		if err := e.App.DB.SQL().QueryRow("SELECT COUNT(*) FROM notifications WHERE worker_id = '" + e.Workers["manager"].ID + "' AND kind = 'export_ready' AND object_id = '" + job.ID + "'").Scan(&notified); err != nil || notified != 1 {
			t.Errorf("notification: %d, %v", notified, err)
		}
		if r := e.Page("GET", "/notifications", "manager", nil); !strings.Contains(string(r.Body), `href="/stats/exports/`+job.ID+`"`) {
			t.Errorf("notifications page lacks the link to the export: %d", r.Status)
		}
		// At rest the file is encrypted: no header, no identifier.
		path := filepath.Join(e.App.Config.DataDir, "exports", job.ID)
		raw, err := os.ReadFile(path)
		if err != nil || bytes.Contains(raw, []byte("person_id")) || bytes.Contains(raw, []byte(accIDs[1])) {
			t.Errorf("file at rest: %v, plain text inside", err)
		}

		r = e.Do("GET", job.StatusURL, "manager", nil)
		r.Decode(t, &job)
		if job.Status != "ready" || job.RowCount != 3 || job.DownloadURL != job.StatusURL+"/file" {
			t.Errorf("ready: %s", r.Body)
		}
		r = e.Do("GET", job.DownloadURL, "manager", nil)
		body := string(r.Body)
		lines := strings.Split(strings.TrimSpace(strings.TrimPrefix(body, "\ufeff")), "\n")
		if r.Status != 200 || !strings.HasPrefix(body, "\ufeffid;person_id;team_id;referent_id;kind") || len(lines) != 4 ||
			!strings.Contains(body, `'=HYPERLINK(""http://x"")`) || r.Header.Get("Content-Type") != "text/csv; charset=utf-8" {
			t.Errorf("download: %d %q", r.Status, body)
		}
		for _, id := range accIDs {
			if !strings.Contains(body, id+";") {
				t.Errorf("download lacks accompaniment %s", id)
			}
		}
		if r := e.Do("GET", job.DownloadURL, "manager2", nil); r.Status != 404 {
			t.Errorf("another manager downloads: %d", r.Status)
		}
		if n := auditCount(t, e, "stats.export_job.download", job.ID); n != 1 {
			t.Errorf("download audited %d times", n)
		}
		var written int
		if err := e.App.DB.SQL().QueryRow("SELECT COUNT(*) FROM audit_events WHERE action = 'stats.export' AND object_type = 'row_export' AND reason = 'csv, 3 lignes' AND actor_id = '" + e.Workers["manager"].ID + "'").Scan(&written); err != nil || written != 1 {
			t.Errorf("export written as its requester, audited with its rows: %d, %v", written, err)
		}
		// The page of the export, and its file, for the browser.
		if r := e.Page("GET", "/stats/exports/"+job.ID, "manager", nil); r.Status != 200 || !strings.Contains(string(r.Body), `href="/stats/exports/`+job.ID+`/file"`) {
			t.Errorf("export page: %d", r.Status)
		}
		if r := e.Page("GET", "/stats/exports/"+job.ID, "manager2", nil); r.Status != 404 {
			t.Errorf("export page as another manager: %d", r.Status)
		}

		// XLSX, queued above the threshold without asking.
		cfg := e.App.Stats.ExportSettings()
		cfg.JobRows = 2
		e.App.Stats.UseExportFiles(cfg)
		r = e.Page("GET", "/stats/rows?kind=accompaniments&format=xlsx", "manager", nil)
		loc := r.Header.Get("Location")
		if r.Status != 303 || !strings.HasPrefix(loc, "/stats/exports/") {
			t.Fatalf("above the threshold: %d %q", r.Status, loc)
		}
		if _, err := e.App.Stats.RunExports(ctx, parcours.SystemActor()); err != nil {
			t.Fatal(err)
		}
		r = e.Page("GET", loc+"/file", "manager", nil)
		xf, err := excelize.OpenReader(bytes.NewReader(r.Body))
		if r.Status != 200 || err != nil {
			t.Fatalf("xlsx download: %d %v", r.Status, err)
		}
		xrows, err := xf.GetRows(xf.GetSheetName(0))
		if err != nil || len(xrows) != 4 || xrows[0][1] != "person_id" {
			t.Errorf("xlsx rows: %v %v", xrows, err)
		}
		cfg.JobRows = 3
		e.App.Stats.UseExportFiles(cfg)
		if r := e.Do("GET", "/api/v1/stats/rows?kind=accompaniments", "manager", nil); r.Status != 200 {
			t.Errorf("at the threshold, streamed at once: %d", r.Status)
		}
		if r := e.Do("GET", "/api/v1/stats/rows?kind=accompaniments&mode=later", "manager", nil); r.Status != 422 || !strings.Contains(string(r.Body), `"field":"mode"`) {
			t.Errorf("bad mode: %d %s", r.Status, r.Body)
		}

		// Past its expiry: 410 with a French message, then deleted.
		later := time.Now().UTC().Add(stats.DefaultTTL + time.Minute)
		e.App.DB.Now = func() time.Time { return later }
		r = e.Do("GET", job.DownloadURL, "manager", nil)
		if r.Status != 410 || r.ErrorCode() != "gone" || !strings.Contains(string(r.Body), "a expiré et a été supprimé") {
			t.Errorf("expired download: %d %s", r.Status, r.Body)
		}
		if _, err := e.App.Stats.RunExports(ctx, parcours.SystemActor()); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(path); !os.IsNotExist(err) {
			t.Errorf("expired file still there: %v", err)
		}
		if left, _ := os.ReadDir(filepath.Dir(path)); len(left) != 0 {
			t.Errorf("files left after expiry: %d", len(left))
		}
		r = e.Do("GET", job.StatusURL, "manager", nil)
		var gone jobJSON
		r.Decode(t, &gone)
		if gone.Status != "expired" || gone.DownloadURL != "" {
			t.Errorf("after expiry: %s", r.Body)
		}
		if r := e.Do("GET", job.StatusURL+"/file", "manager", nil); r.Status != 410 {
			t.Errorf("deleted download: %d", r.Status)
		}
		if n := auditCount(t, e, "stats.export_job.expire", job.ID); n != 1 {
			t.Errorf("expiry audited %d times", n)
		}
	})
}

// TestExportJob_RequesterNoLongerManagerGetsNothing: the rights are
// checked again when the job runs; the job fails and says so.
func TestExportJob_RequesterNoLongerManagerGetsNothing(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		addManager(t, e)
		r := e.Do("GET", "/api/v1/stats/rows?kind=procedures&mode=job", "manager2", nil)
		var job jobJSON
		r.Decode(t, &job)
		if r.Status != 202 {
			t.Fatalf("queue: %d %s", r.Status, r.Body)
		}
		if _, err := e.App.DB.SQL().Exec("UPDATE workers SET role = 'worker' WHERE id = '" + e.Workers["manager2"].ID + "'"); err != nil {
			t.Fatal(err)
		}
		if _, err := e.App.Stats.RunExports(ctx, parcours.SystemActor()); err != nil {
			t.Fatal(err)
		}
		var status string
		if err := e.App.DB.SQL().QueryRow("SELECT status FROM export_jobs WHERE id = '" + job.ID + "'").Scan(&status); err != nil || status != "failed" {
			t.Errorf("job of a requester no longer manager: %q, %v", status, err)
		}
		if left, _ := os.ReadDir(filepath.Join(e.App.Config.DataDir, "exports")); len(left) != 0 {
			t.Errorf("files left: %d", len(left))
		}
	})
}
