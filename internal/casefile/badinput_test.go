package casefile_test

import (
	"bytes"
	"net/http"
	"testing"

	"parcours/internal/app/apptest"
)

// Each bad input gets a clear French 4xx naming the problem, and nothing
// is written: no row, no audit event, no file left in the data dir.
func TestBadInput_RefusedWithFrenchMessageAndNothingWritten(t *testing.T) {
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		setClock(e, "2026-11-25 10:00")
		p := newPerson(t, e, "worker")
		var acc accJSON
		call(t, e, "POST", "/api/v1/persons/"+p.ID+"/accompaniments", "worker", map[string]any{"kind": "rsa", "start_date": "2026-01-05"}, 201, &acc)
		tables := []string{"journal_entries", "tasks", "documents", "audit_events"}
		snapshot := func() map[string]int {
			m := map[string]int{}
			for _, tb := range tables {
				m[tb] = count(t, e, tb)
			}
			return m
		}
		exe := append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"), bytes.Repeat([]byte{0}, 200)...)
		oversized := append(pngOf(1), bytes.Repeat([]byte{0}, 10<<20)...)

		cases := []struct {
			name    string
			do      func() *apptest.Response
			status  int
			field   string
			message string
		}{
			{"entry dated tomorrow", func() *apptest.Response {
				return e.Do("POST", "/api/v1/persons/"+p.ID+"/journal", "worker", map[string]any{"kind": "note", "occurred_at": "2026-11-26", "summary": "Demain."})
			}, http.StatusUnprocessableEntity, "occurred_at", "Le champ « date » ne peut pas être dans le futur."},
			{"amendment of a missing entry", func() *apptest.Response {
				return e.Do("POST", "/api/v1/journal/01900000-0000-7000-8000-000000000000/amendments", "worker", map[string]any{"summary": "Correction."})
			}, http.StatusNotFound, "", "L'entrée de journal à corriger est introuvable."},
			{"disguised executable", func() *apptest.Response {
				return upload(t, e, p.ID, "worker", map[string]string{"kind": "avis_imposition"}, "avis.pdf", exe)
			}, http.StatusUnsupportedMediaType, "file", "Type de fichier refusé : seuls les PDF, JPEG et PNG sont acceptés (le type est vérifié d'après le contenu)."},
			{"oversized file", func() *apptest.Response {
				return upload(t, e, p.ID, "worker", map[string]string{"kind": "piece_identite"}, "cni.png", oversized)
			}, http.StatusRequestEntityTooLarge, "file", "Le fichier est trop volumineux (maximum 10 Mo)."},
			{"task for a worker of another organisation", func() *apptest.Response {
				return e.Do("POST", "/api/v1/persons/"+p.ID+"/tasks", "worker", map[string]any{"title": "Relancer", "due_date": "2026-12-01", "assignee_id": e.Workers["other"].ID})
			}, http.StatusUnprocessableEntity, "assignee_id", "La tâche doit être confiée à un·e intervenant·e de votre structure."},
			{"ending without a reason", func() *apptest.Response {
				return e.Do("POST", "/api/v1/accompaniments/"+acc.ID+"/end", "worker", map[string]any{"end_date": "2026-11-20"})
			}, http.StatusUnprocessableEntity, "end_reason", "Le motif de fin est obligatoire pour clore un accompagnement."},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				before := snapshot()
				resp := c.do()
				if resp.Status != c.status {
					t.Fatalf("status %d, want %d: %s", resp.Status, c.status, resp.Body)
				}
				got := errorOf(t, resp).Error
				if got.Message != c.message || got.Field != c.field {
					t.Errorf("error = %q on %q, want %q on %q", got.Message, got.Field, c.message, c.field)
				}
				if after := snapshot(); len(after) != len(before) || after["journal_entries"] != before["journal_entries"] ||
					after["tasks"] != before["tasks"] || after["documents"] != before["documents"] || after["audit_events"] != before["audit_events"] {
					t.Errorf("rows before %v, after %v: something was written", before, after)
				}
				if files := dataFiles(t, e); len(files) != 0 {
					t.Errorf("files left in the data dir: %v", files)
				}
			})
		}
		var still accJSON
		var list struct{ Items []accJSON }
		call(t, e, "GET", "/api/v1/persons/"+p.ID+"/accompaniments", "worker", nil, 200, &list)
		if still = list.Items[0]; still.EndDate != "" {
			t.Errorf("accompaniment ended anyway: %+v", still)
		}
	})
}
