package casefile_test

import (
	"bytes"
	"html"
	"net/http"
	"strings"
	"testing"

	"parcours/internal/app/apptest"
)

type docJSON struct {
	ID          string `json:"id"`
	Kind        string `json:"kind"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"`
	ExpiresOn   string `json:"expires_on"`
	DownloadURL string `json:"download_url"`
}

func TestDocuments_StoredByHashDownloadedAndExpiring(t *testing.T) {
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		setClock(e, "2026-11-25 10:00")
		p := newPerson(t, e, "worker")
		// The client says PDF; the content is a PNG: the content wins.
		resp := upload(t, e, p.ID, "worker", map[string]string{"kind": "piece_identite", "expires_on": "2026-12-05"}, "cni.pdf", pngOf(1))
		if resp.Status != 201 {
			t.Fatalf("upload: %d %s", resp.Status, resp.Body)
		}
		var soon docJSON
		resp.Decode(t, &soon)
		if soon.ContentType != "image/png" || soon.Size != int64(len(pngOf(1))) {
			t.Errorf("document = %+v, want image/png of %d bytes", soon, len(pngOf(1)))
		}
		var later, expired, none, same docJSON
		call(t, e, "POST", "/api/v1/persons/"+p.ID+"/documents", "worker", map[string]any{"kind": "titre_sejour", "expires_on": "2027-01-10", "content_base64": b64(pngOf(2))}, 201, &later)
		call(t, e, "POST", "/api/v1/persons/"+p.ID+"/documents", "worker", map[string]any{"kind": "attestation_caf", "expires_on": "2026-11-24", "content_base64": b64(pngOf(3))}, 201, &expired)
		call(t, e, "POST", "/api/v1/persons/"+p.ID+"/documents", "worker", map[string]any{"kind": "rib", "content_base64": b64([]byte("%PDF-1.4\n%rib\n"))}, 201, &none)
		// The same content again is stored once.
		call(t, e, "POST", "/api/v1/persons/"+p.ID+"/documents", "worker", map[string]any{"kind": "courrier", "content_base64": b64(pngOf(1))}, 201, &same)
		if same.SHA256 != soon.SHA256 {
			t.Errorf("same content, hashes %s and %s", same.SHA256, soon.SHA256)
		}
		if files := dataFiles(t, e); len(files) != 4 {
			t.Errorf("data dir holds %v, want the 4 distinct contents", files)
		} else {
			for _, f := range files {
				if !strings.Contains(f, soon.SHA256) && !strings.Contains(f, later.SHA256) && !strings.Contains(f, expired.SHA256) && !strings.Contains(f, none.SHA256) {
					t.Errorf("file %s is not named by a content hash", f)
				}
			}
		}

		// Expiring within 30 days: today to 25 December.
		var exp struct{ Items []docJSON }
		call(t, e, "GET", "/api/v1/documents/expiring", "manager", nil, 200, &exp)
		if len(exp.Items) != 1 || exp.Items[0].ID != soon.ID {
			t.Errorf("expiring = %+v, want only %s", exp.Items, soon.ID)
		}

		// Need-to-know: a worker of the organisation who does not follow
		// the person sees none of their documents in the renewal list.
		var none2 struct{ Items []docJSON }
		call(t, e, "GET", "/api/v1/documents/expiring", "worker2", nil, 200, &none2)
		if len(none2.Items) != 0 {
			t.Errorf("worker2's renewal list = %+v, want nothing of a person they do not follow", none2.Items)
		}
		if pg := e.Page("GET", "/documents/expiring", "worker2", nil); strings.Contains(html.UnescapeString(string(pg.Body)), "MARTIN Léa") {
			t.Errorf("worker2's renewal page names a person they do not follow")
		}

		// The same list as a page, with the person's name.
		pg := e.Page("GET", "/documents/expiring", "manager", nil)
		if body := html.UnescapeString(string(pg.Body)); pg.Status != 200 || !strings.Contains(body, "MARTIN Léa") ||
			!strings.Contains(body, "Pièce d'identité") || strings.Contains(body, "Titre de séjour") {
			t.Errorf("expiring page: %d, want the identity document only", pg.Status)
		}

		// Download: the exact bytes, as an attachment, audited.
		before := count(t, e, "audit_events")
		dl := e.Do("GET", soon.DownloadURL, "manager", nil)
		if dl.Status != 200 || !bytes.Equal(dl.Body, pngOf(1)) {
			t.Fatalf("download: %d, %d bytes", dl.Status, len(dl.Body))
		}
		if ct, cd := dl.Header.Get("Content-Type"), dl.Header.Get("Content-Disposition"); ct != "image/png" || !strings.HasPrefix(cd, "attachment") {
			t.Errorf("download headers: %q, %q", ct, cd)
		}
		var action string
		if err := e.App.DB.SQL().QueryRow("SELECT action FROM audit_events ORDER BY seq DESC LIMIT 1").Scan(&action); err != nil || action != "document.download" {
			t.Errorf("last audit event %q (%v), want document.download", action, err)
		}
		if after := count(t, e, "audit_events"); after != before+1 {
			t.Errorf("%d audit events for one download, want 1", after-before)
		}
		for who, want := range map[string]int{"reception": 403, "admin": 403, "other": 404, "worker2": 403} {
			if r := e.Do("GET", soon.DownloadURL, who, nil); r.Status != want {
				t.Errorf("%s downloads: %d, want %d", who, r.Status, want)
			}
		}
		var page struct {
			Items      []docJSON
			NextCursor string `json:"next_cursor"`
		}
		call(t, e, "GET", "/api/v1/persons/"+p.ID+"/documents?limit=3", "worker", nil, 200, &page)
		if len(page.Items) != 3 || page.NextCursor == "" {
			t.Fatalf("first page: %d items, cursor %q", len(page.Items), page.NextCursor)
		}
		call(t, e, "GET", "/api/v1/persons/"+p.ID+"/documents?limit=3&cursor="+page.NextCursor, "worker", nil, 200, &page)
		if len(page.Items) != 2 || page.NextCursor != "" {
			t.Errorf("second page: %d items, cursor %q; want the last 2", len(page.Items), page.NextCursor)
		}
	})
}

type taskJSON struct {
	ID              string `json:"id"`
	Title           string `json:"title"`
	DueDate         string `json:"due_date"`
	AccompanimentID string `json:"accompaniment_id"`
	JournalEntryID  string `json:"journal_entry_id"`
	Status          string `json:"status"`
}

func titles(ts []taskJSON) string {
	var out []string
	for _, t := range ts {
		out = append(out, t.Title)
	}
	return strings.Join(out, ",")
}

func TestTasks_MyTasksBuckets(t *testing.T) {
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		// Wednesday 25 November 2026; the week ends on Sunday the 29th.
		setClock(e, "2026-11-25 23:30")
		p := newPerson(t, e, "worker")
		add := func(title, due, assignee string) taskJSON {
			var out taskJSON
			body := map[string]any{"title": title, "due_date": due}
			if assignee != "" {
				body["assignee_id"] = e.Workers[assignee].ID
			}
			call(t, e, "POST", "/api/v1/persons/"+p.ID+"/tasks", "worker", body, 201, &out)
			return out
		}
		add("en retard", "2026-11-20", "")
		add("aujourd'hui", "2026-11-25", "")
		add("jeudi", "2026-11-26", "")
		add("dimanche", "2026-11-29", "")
		add("semaine prochaine", "2026-11-30", "")
		add("pour le manager", "2026-11-25", "manager")
		done := add("déjà faite", "2026-11-19", "")
		call(t, e, "PATCH", "/api/v1/tasks/"+done.ID, "worker", map[string]any{"status": "done"}, 200, nil)

		var mine struct {
			Overdue  []taskJSON `json:"overdue"`
			Today    []taskJSON `json:"today"`
			ThisWeek []taskJSON `json:"this_week"`
		}
		call(t, e, "GET", "/api/v1/tasks/mine", "worker", nil, 200, &mine)
		if got := titles(mine.Overdue); got != "en retard" {
			t.Errorf("overdue = %s", got)
		}
		if got := titles(mine.Today); got != "aujourd'hui" {
			t.Errorf("today = %s", got)
		}
		if got := titles(mine.ThisWeek); got != "jeudi,dimanche" {
			t.Errorf("this week = %s", got)
		}
		call(t, e, "GET", "/api/v1/tasks/mine", "manager", nil, 200, &mine)
		if got := titles(mine.Today); got != "pour le manager" {
			t.Errorf("manager's today = %s", got)
		}

		// A task from a journal entry takes its accompaniment.
		var acc accJSON
		call(t, e, "POST", "/api/v1/persons/"+p.ID+"/accompaniments", "worker", map[string]any{"kind": "budget"}, 201, &acc)
		var entry entryJSON
		call(t, e, "POST", "/api/v1/persons/"+p.ID+"/journal", "worker", map[string]any{"kind": "interview", "summary": "Dossier de surendettement à monter.", "accompaniment_id": acc.ID}, 201, &entry)
		var fromEntry taskJSON
		call(t, e, "POST", "/api/v1/persons/"+p.ID+"/tasks", "worker", map[string]any{"title": "Monter le dossier BDF", "due_date": "2026-12-10", "journal_entry_id": entry.ID}, 201, &fromEntry)
		if fromEntry.JournalEntryID != entry.ID || fromEntry.AccompanimentID != acc.ID {
			t.Errorf("task from entry = %+v", fromEntry)
		}
		r := e.Do("POST", "/api/v1/persons/"+p.ID+"/tasks", "worker", map[string]any{"title": "x", "due_date": "2026-12-10", "journal_entry_id": "nope"})
		if r.Status != http.StatusUnprocessableEntity {
			t.Errorf("task from a missing entry: %d", r.Status)
		}
	})
}

func TestHome_ShowsOverdueTasksAndRecentFiles(t *testing.T) {
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		setClock(e, "2026-11-25 10:00")
		p := newPerson(t, e, "worker")
		call(t, e, "POST", "/api/v1/persons/"+p.ID+"/tasks", "worker", map[string]any{"title": "Relancer la CAF", "due_date": "2026-11-20"}, 201, nil)
		call(t, e, "POST", "/api/v1/persons/"+p.ID+"/tasks", "worker", map[string]any{"title": "Appeler le bailleur", "due_date": "2026-11-30"}, 201, nil)
		if r := e.Page("GET", "/persons/"+p.ID, "worker", nil); r.Status != 200 {
			t.Fatalf("open the file: %d", r.Status)
		}
		r := e.Page("GET", "/", "worker", nil)
		body := html.UnescapeString(string(r.Body))
		if r.Status != 200 || !strings.Contains(body, "MARTIN Léa — Relancer la CAF") || strings.Contains(body, "Appeler le bailleur") {
			t.Errorf("home: %d; want the overdue task only", r.Status)
		}
		if !strings.Contains(body, `href="/persons/`+p.ID+`"`) {
			t.Error("home does not list the file opened lately")
		}
		// Roles without tasks still get their page.
		for _, who := range []string{"admin", "reception"} {
			if r := e.Page("GET", "/", who, nil); r.Status != 200 {
				t.Errorf("home as %s: %d", who, r.Status)
			}
		}
	})
}
