package casefile_test

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io/fs"
	"mime/multipart"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"parcours/internal/app/apptest"
	"parcours/internal/parcours"
	"parcours/internal/person"
	"parcours/internal/store/storetest"
)

// The case file is tested through the real HTTP handlers and the real
// database, on SQLite and PostgreSQL (apptest.ForEach).

func TestMain(m *testing.M) { storetest.Main(m) }

func ptr[T any](v T) *T { return &v }

// newPerson records a person as cast member who (who then follows them).
func newPerson(t *testing.T, e *apptest.Env, who string) *parcours.Person {
	t.Helper()
	p, err := e.App.Persons.Create(t.Context(), e.Actor(who), person.Input{
		BirthName: ptr("MARTIN"), FirstNames: ptr("Léa"), BirthDate: ptr("1990-04-12"), Sex: ptr(parcours.SexFemale)})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// call sends a JSON request and checks the status; out, when not nil,
// receives the decoded body.
func call(t *testing.T, e *apptest.Env, method, path, who string, body any, want int, out any) *apptest.Response {
	t.Helper()
	resp := e.Do(method, path, who, body)
	if resp.Status != want {
		t.Fatalf("%s %s as %s: status %d, want %d: %s", method, path, who, resp.Status, want, resp.Body)
	}
	if out != nil {
		resp.Decode(t, out)
	}
	return resp
}

// apiError is the error body of the API.
type apiError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Field   string `json:"field"`
	} `json:"error"`
}

func errorOf(t *testing.T, r *apptest.Response) apiError {
	t.Helper()
	var e apiError
	r.Decode(t, &e)
	return e
}

// count returns the number of rows of a table (test-only raw SQL).
func count(t *testing.T, e *apptest.Env, table string) int {
	t.Helper()
	var n int
	if err := e.App.DB.SQL().QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// dataFiles lists the regular files under the data dir, but for keys/
// (the master key is made at start, not by the case file).
func dataFiles(t *testing.T, e *apptest.Env) []string {
	t.Helper()
	var out []string
	root := e.App.Config.DataDir
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && p == filepath.Join(root, "keys") {
			return filepath.SkipDir
		}
		if d.Type().IsRegular() {
			rel, _ := filepath.Rel(root, p)
			out = append(out, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// upload sends a multipart upload of content with the given fields.
func upload(t *testing.T, e *apptest.Env, personID, who string, fields map[string]string, filename string, content []byte) *apptest.Response {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	fw, err := mw.CreateFormFile("file", filename)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(content)
	mw.Close()
	req := httptest.NewRequest("POST", "/api/v1/persons/"+personID+"/documents", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+e.Tokens[who])
	return e.Serve(req)
}

// pngOf returns a small PNG-looking content (enough for sniffing), made
// distinct by n.
func pngOf(n int) []byte {
	return append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), []byte(fmt.Sprintf("%064d", n))...)
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// setClock fixes the server's clock at a Paris wall-clock instant.
func setClock(e *apptest.Env, paris string) {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		loc = time.UTC
	}
	at, err := time.ParseInLocation("2006-01-02 15:04", paris, loc)
	if err != nil {
		panic(err)
	}
	e.App.DB.Now = func() time.Time { return at.UTC() }
}

// entryJSON is a journal entry as the API returns it.
type entryJSON struct {
	ID               string   `json:"id"`
	Kind             string   `json:"kind"`
	OccurredAt       string   `json:"occurred_at"`
	Summary          string   `json:"summary"`
	Confidentiality  string   `json:"confidentiality"`
	AccompanimentID  string   `json:"accompaniment_id"`
	Amends           string   `json:"amends"`
	AuthorID         string   `json:"author_id"`
	PrivateSynthesis string   `json:"private_synthesis"`
	AmendedBy        []string `json:"amended_by"`
}

type entryPage struct {
	Items      []entryJSON `json:"items"`
	NextCursor string      `json:"next_cursor"`
}

func summaries(p entryPage) map[string]bool {
	m := map[string]bool{}
	for _, e := range p.Items {
		m[e.Summary] = true
	}
	return m
}
