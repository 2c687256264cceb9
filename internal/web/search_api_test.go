package web_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"parcours/internal/app/apptest"
	"parcours/internal/auth"
	"parcours/internal/search"
)

func TestSearchAPI_FindsRanksAndNeverLogsTheQuery(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		for _, p := range []map[string]any{
			{"birth_name": "LEFEBVRE", "first_names": "Mohammed", "birth_date": "1985-03-12", "sex": "M"},
			{"birth_name": "LEFEBVRE", "first_names": "Mohammed", "birth_date": "1962-07-01", "sex": "M"},
			{"birth_name": "LEROY", "first_names": "Anne", "birth_date": "1985-03-12", "sex": "F"},
		} {
			if r := e.Do("POST", "/api/v1/persons", "worker", p); r.Status != http.StatusCreated {
				t.Fatalf("create: %d %s", r.Status, r.Body)
			}
		}
		r := e.Do("GET", "/api/v1/persons?q="+url.QueryEscape("lefevre mohamed 1985"), "reception", nil)
		if r.Status != http.StatusOK {
			t.Fatalf("search: %d %s", r.Status, r.Body)
		}
		var page struct {
			Items []search.Result `json:"items"`
		}
		r.Decode(t, &page)
		if len(page.Items) != 2 || page.Items[0].BirthDate != "1985-03-12" || page.Items[0].Score <= page.Items[1].Score {
			t.Fatalf("results %+v", page.Items)
		}
		// Another organisation finds nothing of org A.
		e.Do("GET", "/api/v1/persons?q=lefebvre", "other", nil).Decode(t, &page)
		if len(page.Items) != 0 {
			t.Fatalf("org B sees %d persons of org A", len(page.Items))
		}
		// Without q the route is still the paginated list.
		var list struct {
			Items []map[string]any `json:"items"`
		}
		e.Do("GET", "/api/v1/persons", "worker", nil).Decode(t, &list)
		if len(list.Items) != 3 {
			t.Fatalf("list: %d items", len(list.Items))
		}
		// A 10,000-character query is refused with a French message
		// naming the field, and nothing of it reaches the logs.
		long := strings.Repeat("lefebvreX", 1112)[:10000]
		r = e.Do("GET", "/api/v1/persons?q="+long, "worker", nil)
		if r.Status != http.StatusBadRequest || !strings.Contains(string(r.Body), `"field":"q"`) || !strings.Contains(string(r.Body), "trop longue") {
			t.Fatalf("long query: %d %s", r.Status, r.Body)
		}
		if strings.Contains(strings.ToLower(e.Logs()), "lefevre") || strings.Contains(e.Logs(), "lefebvreX") {
			t.Error("a search term reached the logs")
		}
	})
}

func TestCreatePersonAPI_LikelyDuplicateIs409UnlessForced(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		first := map[string]any{"birth_name": "NGUYÊN", "first_names": "Thi Lan", "birth_date": "1978-11-30", "sex": "F"}
		if r := e.Do("POST", "/api/v1/persons", "worker", first); r.Status != http.StatusCreated {
			t.Fatal(r.Status)
		}
		again := map[string]any{"birth_name": "Nguyen", "first_names": "Thi-Lan", "birth_date": "1978-11-30", "sex": "F"}
		r := e.Do("POST", "/api/v1/persons", "reception", again)
		var body struct {
			Error struct {
				Code    string
				Details struct {
					Candidates []search.Candidate `json:"candidates"`
				} `json:"details"`
			} `json:"error"`
		}
		r.Decode(t, &body)
		if r.Status != http.StatusConflict || len(body.Error.Details.Candidates) != 1 || body.Error.Details.Candidates[0].BirthName != "NGUYÊN" {
			t.Fatalf("duplicate: %d %s", r.Status, r.Body)
		}
		if r := e.Do("POST", "/api/v1/persons?force=true", "reception", again); r.Status != http.StatusCreated {
			t.Fatalf("forced by query: %d %s", r.Status, r.Body)
		}
		again["force"] = true
		if r := e.Do("POST", "/api/v1/persons", "reception", again); r.Status != http.StatusCreated {
			t.Fatalf("forced by body: %d %s", r.Status, r.Body)
		}
	})
}

func TestMergeAPI_MergeThenUndo(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		var a, b struct{ ID string }
		e.Do("POST", "/api/v1/persons", "worker", map[string]any{"birth_name": "DUPONT", "first_names": "Marie", "birth_date": "1980-01-01", "sex": "F"}).Decode(t, &a)
		e.Do("POST", "/api/v1/persons?force=true", "worker", map[string]any{"birth_name": "DUPOND", "first_names": "Marie", "birth_date": "1980-01-01", "sex": "F"}).Decode(t, &b)
		r := e.Do("POST", "/api/v1/persons/"+a.ID+"/merge", "worker", map[string]any{"other_id": b.ID})
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), `"field":"reason"`) {
			t.Fatalf("merge without reason: %d %s", r.Status, r.Body)
		}
		var m search.Merge
		r = e.Do("POST", "/api/v1/persons/"+a.ID+"/merge", "worker", map[string]any{"other_id": b.ID, "reason": "même personne"})
		if r.Status != http.StatusCreated {
			t.Fatalf("merge: %d %s", r.Status, r.Body)
		}
		r.Decode(t, &m)
		var page struct{ Items []search.Result }
		e.Do("GET", "/api/v1/persons?q=dupont+marie", "worker", nil).Decode(t, &page)
		if len(page.Items) != 1 || page.Items[0].ID != a.ID {
			t.Fatalf("after merge: %+v", page.Items)
		}
		// The merge is found from either person, to be undone.
		var merges struct{ Items []search.Merge }
		e.Do("GET", "/api/v1/persons/"+b.ID+"/merges", "worker", nil).Decode(t, &merges)
		if len(merges.Items) != 1 || merges.Items[0].ID != m.ID || merges.Items[0].Reason != "même personne" {
			t.Fatalf("merges of the absorbed person: %+v", merges.Items)
		}
		if r := e.Do("POST", "/api/v1/merges/"+m.ID+"/undo", "worker", map[string]any{"reason": "homonymes"}); r.Status != http.StatusOK {
			t.Fatalf("undo: %d %s", r.Status, r.Body)
		}
		e.Do("GET", "/api/v1/persons?q=dupont+marie", "worker", nil).Decode(t, &page)
		if len(page.Items) != 2 {
			t.Fatalf("after undo: %d results", len(page.Items))
		}
	})
}

// upload posts a CSV to the import page as a browser would.
func upload(t *testing.T, e *apptest.Env, who, csv string, dryRun bool) *apptest.Response {
	t.Helper()
	sess, err := e.App.Auth.NewSession(context.Background(), e.Workers[who].ID, true)
	if err != nil {
		t.Fatal(err)
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if dryRun {
		mw.WriteField("dry_run", "1")
	}
	fw, _ := mw.CreateFormFile("file", "usagers.csv")
	fw.Write([]byte(csv))
	mw.Close()
	req := httptest.NewRequest("POST", "/import?csrf="+url.QueryEscape(sess.CSRF), &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.AddCookie(&http.Cookie{Name: auth.SessionCookie, Value: sess.Secret})
	return e.Serve(req)
}

func TestImportPage_DryRunReportThenImport(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		csv := "Nom;Prénom;Date de naissance;Foyer\nGARCIA;Lucia;04/04/2004;G\nGARCIA;Pablo;05/05/2006;G\nGARCIA;;05/05/2006;G\n"
		r := upload(t, e, "worker", csv, true)
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), "<td>4</td>") {
			t.Fatalf("bad file: %d", r.Status)
		}
		csv = strings.TrimSuffix(csv, "GARCIA;;05/05/2006;G\n")
		r = upload(t, e, "worker", csv, true)
		if r.Status != http.StatusOK || !strings.Contains(string(r.Body), "Personnes qui seraient créées : 2") {
			t.Fatalf("dry run: %d %s", r.Status, r.Body)
		}
		var page struct{ Items []search.Result }
		e.Do("GET", "/api/v1/persons?q=garcia", "worker", nil).Decode(t, &page)
		if len(page.Items) != 0 {
			t.Fatal("dry run imported persons")
		}
		r = upload(t, e, "worker", csv, false)
		if r.Status != http.StatusOK || !strings.Contains(string(r.Body), "Personnes créées : 2") {
			t.Fatalf("import: %d", r.Status)
		}
		e.Do("GET", "/api/v1/persons?q=garcia", "worker", nil).Decode(t, &page)
		if len(page.Items) != 2 {
			t.Fatalf("after import: %d persons", len(page.Items))
		}
		if r := upload(t, e, "reception", csv, true); r.Status != http.StatusForbidden {
			t.Fatalf("reception: %d", r.Status)
		}
	})
}

func TestJournalSearch_FindsReadableEntriesWithHighlightedSnippets(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		var p struct{ ID string }
		e.Do("POST", "/api/v1/persons", "worker", map[string]any{"birth_name": "MARTIN", "first_names": "Paul", "birth_date": "1970-01-01", "sex": "M"}).Decode(t, &p)
		for _, s := range []string{
			"Demande d'hébergement d'urgence déposée au SIAO, <b>relance</b> prévue.",
			"Point sur le RSA : dossier complet.",
		} {
			if r := e.Do("POST", "/api/v1/persons/"+p.ID+"/journal", "worker", map[string]any{"kind": "note", "summary": s}); r.Status != http.StatusCreated {
				t.Fatalf("entry: %d %s", r.Status, r.Body)
			}
		}
		var page struct {
			Items []search.JournalResult `json:"items"`
		}
		// Accents, case and word forms do not matter.
		e.Do("GET", "/api/v1/search/journal?q=HEBERGEMENTS+urgence", "worker", nil).Decode(t, &page)
		if len(page.Items) != 1 || !strings.Contains(page.Items[0].Entry.Summary, "hébergement") {
			t.Fatalf("worker: %+v", page.Items)
		}
		hits := ""
		for _, s := range page.Items[0].Snippet {
			if s.Hit {
				hits += s.Text + "|"
			}
		}
		if hits != "hébergement|urgence|" {
			t.Errorf("highlighted %q", hits)
		}
		// Whoever may not read the journal finds nothing in it.
		for _, who := range []string{"other", "reception", "admin"} {
			e.Do("GET", "/api/v1/search/journal?q=hebergement", who, nil).Decode(t, &page)
			if len(page.Items) != 0 {
				t.Errorf("%s finds %d entries", who, len(page.Items))
			}
		}
		// The page escapes the entry's text and marks the words up.
		sess, _ := e.App.Auth.NewSession(context.Background(), e.Workers["worker"].ID, true)
		req := httptest.NewRequest("GET", "/search/journal?q=relance", nil)
		req.AddCookie(&http.Cookie{Name: auth.SessionCookie, Value: sess.Secret})
		r := e.Serve(req)
		if r.Status != http.StatusOK || !strings.Contains(string(r.Body), "<mark>relance</mark>") || strings.Contains(string(r.Body), "<b>") {
			t.Fatalf("page: %d", r.Status)
		}
		if strings.Contains(e.Logs(), "hebergement") || strings.Contains(e.Logs(), "relance") {
			t.Error("search terms reached the logs")
		}
	})
}

// Journal search results name the person, come newest first, and lead to
// the entry itself.
func TestJournalSearchPage_NamesSortsByDateAndLinksToTheEntry(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		p := recordPerson(t, e, "worker", "VIDAL")
		var old, recent struct{ ID string }
		today := e.App.DB.Now().UTC()
		e.Do("POST", "/api/v1/persons/"+p.ID+"/journal", "worker", map[string]any{"kind": "note", "summary": "Expulsion locative : audience fixée, expulsion possible, expulsion à éviter.", "occurred_at": today.AddDate(0, 0, -20).Format("2006-01-02")}).Decode(t, &old)
		e.Do("POST", "/api/v1/persons/"+p.ID+"/journal", "worker", map[string]any{"kind": "note", "summary": "Expulsion locative évoquée de nouveau.", "occurred_at": today.AddDate(0, 0, -2).Format("2006-01-02")}).Decode(t, &recent)
		body := string(e.Page("GET", "/search/journal?q=expulsion", "worker", nil).Body)
		a, b := strings.Index(body, `href="/persons/`+p.ID+`?entry=`+recent.ID+`#entry-`+recent.ID+`"`), strings.Index(body, `href="/persons/`+p.ID+`?entry=`+old.ID+`#entry-`+old.ID+`"`)
		if a < 0 || b < 0 || a > b {
			t.Errorf("results: recent entry link at %d, older at %d (want both, newest first, to the entry)", a, b)
		}
		if !strings.Contains(body, "VIDAL Camille") {
			t.Error("the results do not name the person")
		}
	})
}
