package cli

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"parcours/internal/app"
	"parcours/internal/parcours"
	"parcours/internal/store"
)

// The demo's documents are real uploads: rows for at least 50 persons,
// each with its content under the data dir at its SHA-256, some expiring
// within 30 days, and a download through the HTTP API as the referent
// returns the stored bytes with the sniffed content type.
func TestDemo_DocumentsAreStoredLikeUploads(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path, dataDir := filepath.Join(dir, "demo.db"), filepath.Join(dir, "data")
	var out, errb bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb}
	now := time.Now()
	if err := createDemo(ctx, e, path, dataDir, false, 200, now); err != nil {
		t.Fatalf("demo: %v", err)
	}
	if n := count(t, path, "SELECT count(DISTINCT person_id) FROM documents"); n < 50 {
		t.Errorf("documents for %d persons, want at least 50", n)
	}
	if n := count(t, path, "SELECT count(*) FROM audit_events WHERE action = 'document.create'"); n != count(t, path, "SELECT count(*) FROM documents") {
		t.Errorf("%d document.create audit events, want one per document", n)
	}
	// Not audited by the system: by the referent, as an upload would be.
	if n := count(t, path, `SELECT count(*) FROM documents d WHERE NOT EXISTS (
		SELECT 1 FROM accompaniments a WHERE a.id = d.accompaniment_id AND a.referent_id = d.uploaded_by AND a.person_id = d.person_id)`); n != 0 {
		t.Errorf("%d documents not uploaded by the referent of their accompaniment", n)
	}
	today := now.Format(time.DateOnly)
	soon := now.AddDate(0, 0, 29).Format(time.DateOnly)
	if n := count(t, path, "SELECT count(*) FROM documents WHERE expires_on > ? AND expires_on <= ?", today, soon); n < 1 {
		t.Error("no document expires within 30 days: the renewal page would be empty")
	}
	if n := count(t, path, "SELECT count(*) FROM documents WHERE expires_on <> '' AND expires_on < ?", today); n < 1 {
		t.Error("no document has already expired")
	}

	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	type doc struct{ id, sha, ct, email, expires string }
	var docs []doc
	rows, err := db.SQL().QueryContext(ctx, `SELECT d.id, d.sha256, d.content_type, w.email, d.expires_on
		FROM documents d JOIN workers w ON w.id = d.uploaded_by ORDER BY d.id`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var d doc
		if err := rows.Scan(&d.id, &d.sha, &d.ct, &d.email, &d.expires); err != nil {
			t.Fatal(err)
		}
		docs = append(docs, d)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	rows.Close()
	db.Close()
	types := map[string]bool{}
	for _, d := range docs {
		b, err := os.ReadFile(filepath.Join(dataDir, "documents", d.sha[:2], d.sha))
		if err != nil {
			t.Fatalf("document %s: %v", d.id, err)
		}
		if sum := sha256.Sum256(b); hex.EncodeToString(sum[:]) != d.sha {
			t.Fatalf("document %s: content does not hash to its sha256", d.id)
		}
		if got := http.DetectContentType(b); !strings.HasPrefix(got, d.ct) {
			t.Errorf("document %s recorded as %s, content sniffs as %s", d.id, d.ct, got)
		}
		types[d.ct] = true
	}
	if !types["application/pdf"] || !types["image/png"] {
		t.Errorf("content types %v, want PDFs and PNGs", types)
	}

	// serve on the same database and data dir: the referent downloads.
	a, err := app.Open(ctx, app.Config{Database: path, DataDir: dataDir, Log: logger(&env{stderr: io.Discard})})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	get := func(email, target string) *httptest.ResponseRecorder {
		t.Helper()
		var worker *parcours.Worker
		err := a.DB.View(ctx, func(tx *store.Tx) (err error) {
			worker, err = tx.WorkerByEmail(ctx, email)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		secret, _, err := a.Auth.CreateToken(ctx, worker.Actor(), email, "test")
		if err != nil {
			t.Fatal(err)
		}
		req := httptest.NewRequest("GET", target, nil)
		req.Header.Set("Authorization", "Bearer "+secret)
		rec := httptest.NewRecorder()
		a.Web.ServeHTTP(rec, req)
		return rec
	}
	for _, d := range []doc{docs[0], docs[len(docs)-1]} {
		rec := get(d.email, "/api/documents/"+d.id+"/content")
		if rec.Code != http.StatusOK {
			t.Fatalf("download %s: %d %s", d.id, rec.Code, rec.Body)
		}
		if ct := rec.Header().Get("Content-Type"); ct != d.ct {
			t.Errorf("download %s: Content-Type %q, want %q", d.id, ct, d.ct)
		}
		if sum := sha256.Sum256(rec.Body.Bytes()); hex.EncodeToString(sum[:]) != d.sha {
			t.Errorf("download %s: body does not hash to the document's sha256", d.id)
		}
	}
	// The renewal list of a referent's organisation shows a demo
	// document expiring within 30 days.
	var due *doc
	for i, d := range docs {
		if d.expires > today && d.expires <= soon {
			due = &docs[i]
			break
		}
	}
	rec := get(due.email, "/api/v1/documents/expiring")
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"id":"`+due.id+`"`) {
		t.Errorf("expiring documents: %d, the list lacks %s (expires %s):\n%s", rec.Code, due.id, due.expires, rec.Body)
	}
}
