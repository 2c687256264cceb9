package casefile_test

import (
	"net/http"
	"strings"
	"testing"

	"parcours/internal/app/apptest"
)

// mergedPair is a kept person A and a duplicate B: A recorded by worker;
// B recorded by worker and accompanied by worker2 (team of worker, so
// that worker follows both and may merge them), with B's own journal,
// task and document written by worker2.
type mergedPair struct {
	a, b                    string
	accB                    string
	entryA, entryB, secretB entryJSON
	taskB, docB             string
}

func newMergedPair(t *testing.T, e *apptest.Env) *mergedPair {
	t.Helper()
	m := &mergedPair{a: newPerson(t, e, "worker").ID}
	var b struct{ ID string }
	call(t, e, "POST", "/api/v1/persons?force=true", "worker",
		map[string]any{"birth_name": "MARTINS", "first_names": "Léa", "birth_date": "1990-04-12", "sex": "F"}, 201, &b)
	m.b = b.ID
	var acc struct{ ID string }
	call(t, e, "POST", "/api/v1/persons/"+m.b+"/accompaniments", "worker",
		map[string]any{"kind": "asg", "referent_id": e.Workers["worker2"].ID, "team_id": e.TeamA.ID}, 201, &acc)
	m.accB = acc.ID
	call(t, e, "POST", "/api/v1/persons/"+m.a+"/journal", "worker", map[string]any{"kind": "note", "summary": "Entrée du dossier A."}, 201, &m.entryA)
	call(t, e, "POST", "/api/v1/persons/"+m.b+"/journal", "worker2", map[string]any{"kind": "note", "summary": "Entrée du doublon B."}, 201, &m.entryB)
	call(t, e, "POST", "/api/v1/persons/"+m.b+"/journal", "worker2", map[string]any{"kind": "note", "summary": "Réservé au référent de B.",
		"confidentiality": "referent", "accompaniment_id": m.accB}, 201, &m.secretB)
	var task struct{ ID string }
	call(t, e, "POST", "/api/v1/persons/"+m.b+"/tasks", "worker2", map[string]any{"title": "Relancer la CAF", "due_date": "2026-12-10"}, 201, &task)
	m.taskB = task.ID
	var doc struct{ ID string }
	resp := upload(t, e, m.b, "worker2", map[string]string{"kind": "rib"}, "rib.pdf", pngOf(7))
	if resp.Status != http.StatusCreated {
		t.Fatalf("upload on B: %d %s", resp.Status, resp.Body)
	}
	resp.Decode(t, &doc)
	m.docB = doc.ID
	return m
}

// merge merges B into A as worker and returns the merge's id.
func (m *mergedPair) merge(t *testing.T, e *apptest.Env) string {
	t.Helper()
	var out struct{ ID string }
	call(t, e, "POST", "/api/v1/persons/"+m.a+"/merge", "worker", map[string]any{"other_id": m.b, "reason": "même personne"}, 201, &out)
	return out.ID
}

// itemIDs lists the "id" of the items of a page of a person's file.
func itemIDs(t *testing.T, e *apptest.Env, path, who string) map[string]bool {
	t.Helper()
	var page struct{ Items []struct{ ID string } }
	call(t, e, "GET", path, who, nil, 200, &page)
	out := map[string]bool{}
	for _, it := range page.Items {
		out[it.ID] = true
	}
	return out
}

func TestMerge_KeptFileShowsTheDuplicatesRows(t *testing.T) {
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		m := newMergedPair(t, e)
		if got := itemIDs(t, e, "/api/v1/persons/"+m.a+"/journal", "worker"); got[m.entryB.ID] {
			t.Fatal("A's journal shows B's entry before any merge")
		}
		m.merge(t, e)

		journal := itemIDs(t, e, "/api/v1/persons/"+m.a+"/journal", "worker")
		if !journal[m.entryA.ID] || !journal[m.entryB.ID] {
			t.Errorf("A's journal after the merge = %v, want A's and B's entries", journal)
		}
		if got := itemIDs(t, e, "/api/v1/persons/"+m.a+"/tasks", "worker"); !got[m.taskB] {
			t.Errorf("A's tasks after the merge = %v, want B's task %s", got, m.taskB)
		}
		if got := itemIDs(t, e, "/api/v1/persons/"+m.a+"/documents", "worker"); !got[m.docB] {
			t.Errorf("A's documents after the merge = %v, want B's document %s", got, m.docB)
		}
		if got := itemIDs(t, e, "/api/v1/persons/"+m.a+"/accompaniments", "worker"); !got[m.accB] {
			t.Errorf("A's accompaniments after the merge = %v, want B's %s", got, m.accB)
		}
		// Nothing was rewritten: B's rows still belong to B.
		var entry entryJSON
		call(t, e, "GET", "/api/v1/journal/"+m.entryB.ID, "worker", nil, 200, &entry)
		if entry.Summary != "Entrée du doublon B." {
			t.Errorf("B's entry reads %q after the merge", entry.Summary)
		}
	})
}

func TestMerge_ConfidentialityStillApplies(t *testing.T) {
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		m := newMergedPair(t, e)
		m.merge(t, e)
		// worker is of the team but not B's referent: the referent-only
		// entry of B stays hidden in the merged file, and by id.
		if got := itemIDs(t, e, "/api/v1/persons/"+m.a+"/journal", "worker"); got[m.secretB.ID] || !got[m.entryB.ID] {
			t.Errorf("worker reads %v in A's journal, want B's team entry and not its referent-only one", got)
		}
		if r := e.Do("GET", "/api/v1/journal/"+m.secretB.ID, "worker", nil); r.Status != http.StatusNotFound {
			t.Errorf("worker GET B's referent-only entry: %d, want 404", r.Status)
		}
		// Whoever had no relation to either still reads nothing.
		for who, want := range map[string]int{"reception": 403, "other": 404} {
			if r := e.Do("GET", "/api/v1/persons/"+m.a+"/journal", who, nil); r.Status != want {
				t.Errorf("%s GET A's journal: %d, want %d", who, r.Status, want)
			}
		}
	})
}

func TestMerge_DuplicatesReferentKeepsAccessToTheKeptFile(t *testing.T) {
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		m := newMergedPair(t, e)
		// worker2 follows B only: A's file is closed to them.
		if r := e.Do("GET", "/api/v1/persons/"+m.a+"/journal", "worker2", nil); r.Status != http.StatusForbidden {
			t.Fatalf("worker2 GET A's journal before the merge: %d, want 403", r.Status)
		}
		m.merge(t, e)
		got := itemIDs(t, e, "/api/v1/persons/"+m.a+"/journal", "worker2")
		if !got[m.secretB.ID] || !got[m.entryB.ID] {
			t.Errorf("B's referent reads %v in A's journal, want B's entries including their referent-only one", got)
		}
		if r := e.Do("GET", "/api/v1/persons/"+m.a, "worker2", nil); r.Status != http.StatusOK {
			t.Errorf("B's referent GET person A: %d, want 200", r.Status)
		}
	})
}

func TestMerge_UndoSeparatesTheFilesAgain(t *testing.T) {
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		m := newMergedPair(t, e)
		id := m.merge(t, e)
		call(t, e, "POST", "/api/v1/merges/"+id+"/undo", "worker", map[string]any{"reason": "homonymes"}, 200, nil)

		journal := itemIDs(t, e, "/api/v1/persons/"+m.a+"/journal", "worker")
		if !journal[m.entryA.ID] || journal[m.entryB.ID] {
			t.Errorf("A's journal after the undo = %v, want A's entry only", journal)
		}
		for _, list := range []struct{ path, id string }{{"tasks", m.taskB}, {"documents", m.docB}, {"accompaniments", m.accB}} {
			if got := itemIDs(t, e, "/api/v1/persons/"+m.a+"/"+list.path, "worker"); got[list.id] {
				t.Errorf("A's %s after the undo still show B's %s", list.path, list.id)
			}
			if got := itemIDs(t, e, "/api/v1/persons/"+m.b+"/"+list.path, "worker2"); !got[list.id] {
				t.Errorf("B's %s after the undo = %v, want %s", list.path, got, list.id)
			}
		}
		if got := itemIDs(t, e, "/api/v1/persons/"+m.b+"/journal", "worker2"); !got[m.entryB.ID] || !got[m.secretB.ID] || got[m.entryA.ID] {
			t.Errorf("B's journal after the undo = %v, want B's two entries only", got)
		}
		if r := e.Do("GET", "/api/v1/persons/"+m.a+"/journal", "worker2", nil); r.Status != http.StatusForbidden {
			t.Errorf("worker2 GET A's journal after the undo: %d, want 403", r.Status)
		}
	})
}

// actions counts the actions of a person's access log as who reads it.
func actions(t *testing.T, e *apptest.Env, personID, who string) map[string]int {
	t.Helper()
	var log struct {
		Items []struct {
			Action string `json:"action"`
		} `json:"items"`
	}
	call(t, e, "GET", "/api/v1/persons/"+personID+"/access-log", who, nil, 200, &log)
	out := map[string]int{}
	for _, it := range log.Items {
		out[it.Action]++
	}
	return out
}

func TestMerge_AccessLogIncludesTheDuplicatesEvents(t *testing.T) {
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		m := newMergedPair(t, e)
		if got := actions(t, e, m.a, "worker"); got["document.create"] != 0 || got["journal.create"] != 1 {
			t.Fatalf("A's access log before the merge: %v, want one journal.create and no document", got)
		}
		id := m.merge(t, e)
		if got := actions(t, e, m.a, "worker"); got["document.create"] != 1 || got["journal.create"] != 3 {
			t.Errorf("A's access log after the merge: %v, want B's document and two entries too", got)
		}
		call(t, e, "POST", "/api/v1/merges/"+id+"/undo", "worker", map[string]any{"reason": "homonymes"}, 200, nil)
		if got := actions(t, e, m.a, "worker"); got["document.create"] != 0 || got["journal.create"] != 1 {
			t.Errorf("A's access log after the undo: %v, want A's events only", got)
		}
		if got := actions(t, e, m.b, "worker2"); got["document.create"] != 1 || got["journal.create"] != 2 {
			t.Errorf("B's access log after the undo: %v, want B's events", got)
		}
	})
}

func TestMerge_PagesPointFromTheDuplicateToTheKeptFile(t *testing.T) {
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		m := newMergedPair(t, e)
		m.merge(t, e)
		kept := e.Page("GET", "/persons/"+m.a, "worker", nil)
		if kept.Status != http.StatusOK || !strings.Contains(string(kept.Body), "Dossier fusionné avec") ||
			!strings.Contains(string(kept.Body), `href="/persons/`+m.b+`"`) || !strings.Contains(string(kept.Body), "Entrée du doublon B.") {
			t.Errorf("A's page after the merge: %d, want the merge named with a link to B and B's entry", kept.Status)
		}
		dup := e.Page("GET", "/persons/"+m.b, "worker2", nil)
		if dup.Status != http.StatusOK || !strings.Contains(string(dup.Body), "fusionné dans celui de") ||
			!strings.Contains(string(dup.Body), `href="/persons/`+m.a+`"`) {
			t.Errorf("B's page after the merge: %d, want a notice with a link to A", dup.Status)
		}
		if strings.Contains(string(dup.Body), "Entrée du dossier A.") {
			t.Error("B's page shows A's entry: the duplicate's page keeps to its own rows and points to A")
		}
	})
}

func TestMerge_KeptFileLinksToTheDuplicatesRows(t *testing.T) {
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		m := newMergedPair(t, e)
		onAcc := map[string]any{"kind": "note", "summary": "Suite de l'accompagnement de B.", "accompaniment_id": m.accB}
		// Separate files: B's accompaniment is no input for A's journal.
		r := call(t, e, "POST", "/api/v1/persons/"+m.a+"/journal", "worker", onAcc, http.StatusUnprocessableEntity, nil)
		if f := errorOf(t, r).Error.Field; f != "accompaniment_id" {
			t.Errorf("entry on A with B's accompaniment names field %q, want accompaniment_id", f)
		}
		before := count(t, e, "journal_entries")
		m.merge(t, e)
		if count(t, e, "journal_entries") != before {
			t.Fatal("the merge wrote journal rows")
		}
		// Merged: one person, so A's new rows may point at B's.
		var entry entryJSON
		call(t, e, "POST", "/api/v1/persons/"+m.a+"/journal", "worker2", onAcc, 201, &entry)
		call(t, e, "POST", "/api/v1/persons/"+m.a+"/tasks", "worker2",
			map[string]any{"title": "Suite de l'entrée de B", "due_date": "2026-12-11", "journal_entry_id": m.entryB.ID}, 201, nil)
		var proof struct{ ID string }
		resp := upload(t, e, m.a, "worker2", map[string]string{"kind": "fin_accompagnement", "accompaniment_id": m.accB}, "fin.pdf", pngOf(8))
		if resp.Status != http.StatusCreated {
			t.Fatalf("upload on A tied to B's accompaniment: %d %s", resp.Status, resp.Body)
		}
		resp.Decode(t, &proof)
		call(t, e, "POST", "/api/v1/accompaniments/"+m.accB+"/end", "worker2",
			map[string]any{"end_reason": "objectifs_atteints", "proof_document_id": proof.ID}, 200, nil)
	})
}

func TestMerge_ChainedMergesReadThroughEveryLevel(t *testing.T) {
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		m := newMergedPair(t, e)
		var c struct{ ID string }
		call(t, e, "POST", "/api/v1/persons?force=true", "worker",
			map[string]any{"birth_name": "MARTIN", "first_names": "Lea", "birth_date": "1990-04-12", "sex": "F"}, 201, &c)
		var entryC entryJSON
		call(t, e, "POST", "/api/v1/persons/"+c.ID+"/journal", "worker", map[string]any{"kind": "note", "summary": "Entrée du doublon C."}, 201, &entryC)
		// C into B, then B into A: A's file reads B's and C's rows.
		call(t, e, "POST", "/api/v1/persons/"+m.b+"/merge", "worker", map[string]any{"other_id": c.ID, "reason": "même personne"}, 201, nil)
		m.merge(t, e)
		got := itemIDs(t, e, "/api/v1/persons/"+m.a+"/journal", "worker2")
		if !got[m.entryA.ID] || !got[m.entryB.ID] || !got[entryC.ID] {
			t.Errorf("A's journal after two merges = %v, want A's, B's and C's entries", got)
		}
		// B's referent follows the whole group, C included.
		if r := e.Do("GET", "/api/v1/journal/"+entryC.ID, "worker2", nil); r.Status != http.StatusOK {
			t.Errorf("B's referent GET C's entry: %d, want 200", r.Status)
		}
	})
}
