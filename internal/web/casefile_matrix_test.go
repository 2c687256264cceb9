package web_test

import (
	"bytes"
	"encoding/base64"
	"io"
	"net/http"
	"net/url"
	"sync"

	"parcours/internal/casefile"
	"parcours/internal/parcours"
	"parcours/internal/person"
)

// Authorisation matrix of the case file. The fixture person was recorded
// by "worker" (referent, team "Accueil social" with manager, reception and
// teammate); worker2 and bg_expired have no relation; bg_active has an
// open break-glass; "other" is of another organisation. Objects are made
// lazily, once per fixture; routes that change an object's state (end,
// handover) get a fresh accompaniment at each request.

// cfFixture are the case-file objects the rows point at.
type cfFixture struct {
	Acc   *parcours.Accompaniment // of the fixture person: referent worker, team A
	Goal  *parcours.Goal
	Entry *parcours.JournalEntry // by worker, team level, no accompaniment
	Task  *parcours.Task
	Doc   *parcours.Document
	// Handover of an accompaniment of a second person (recorded by
	// worker2) from worker2 to worker, not yet acknowledged.
	Handover *parcours.Handover
	// HandoverPage is another such handover, for the page's form.
	HandoverPage *parcours.Handover
}

var (
	cfMu       sync.Mutex
	cfFixtures = map[*fixture]*cfFixture{}
)

// pngBytes is enough of a PNG for content sniffing.
var pngBytes = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), make([]byte, 64)...)

func cf(f *fixture) *cfFixture {
	cfMu.Lock()
	defer cfMu.Unlock()
	if c, ok := cfFixtures[f]; ok {
		return c
	}
	e := f.e
	t := e.T
	t.Helper()
	ctx := t.Context()
	svc, worker := e.App.CaseFile, e.Actor("worker")
	c := &cfFixture{}
	var err error
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	c.Acc = freshAcc(f)
	c.Goal, err = svc.AddGoal(ctx, worker, c.Acc.ID, casefile.GoalInput{Title: ptr("Ouvrir les droits CSS")})
	must(err)
	c.Entry, err = svc.AddEntry(ctx, worker, f.Person.ID, casefile.EntryInput{Kind: parcours.EntryNote, Summary: "Point sur le dossier CSS."})
	must(err)
	c.Task, err = svc.CreateTask(ctx, worker, f.Person.ID, casefile.TaskInput{Title: "Relancer la CPAM", DueDate: "2030-01-15"})
	must(err)
	c.Doc, err = svc.AddDocument(ctx, worker, f.Person.ID, casefile.DocumentInput{Kind: "rib", Title: "rib.png"}, bytesReader(pngBytes))
	must(err)
	p2, err := e.App.Persons.Create(ctx, e.Actor("worker2"), person.Input{
		BirthName: ptr("PETIT"), FirstNames: ptr("Anne"), BirthDate: ptr("1982-07-03"), Sex: ptr(parcours.SexFemale)})
	must(err)
	// Both accompaniments first: once both are handed over, worker2 no
	// longer follows the person.
	var accs []*parcours.Accompaniment
	for range 2 {
		acc, err := svc.CreateAccompaniment(ctx, e.Actor("worker2"), p2.ID, casefile.AccompanimentInput{Kind: "rsa"})
		must(err)
		accs = append(accs, acc)
	}
	for i, h := range []**parcours.Handover{&c.Handover, &c.HandoverPage} {
		*h, err = svc.Handover(ctx, e.Actor("worker2"), accs[i].ID, casefile.HandoverInput{ReferentID: e.Workers["worker"].ID, TeamID: e.TeamA.ID})
		must(err)
	}
	cfFixtures[f] = c
	return c
}

// freshAcc opens a new accompaniment of the fixture person, referent
// worker in team A, for rows that change its state.
func freshAcc(f *fixture) *parcours.Accompaniment {
	e := f.e
	a, err := e.App.CaseFile.CreateAccompaniment(e.T.Context(), e.Actor("worker"), f.Person.ID,
		casefile.AccompanimentInput{Kind: "asg", ReferentID: e.Workers["worker"].ID, TeamID: e.TeamA.ID})
	if err != nil {
		e.T.Fatal(err)
	}
	return a
}

// fileWant is the expectation of an action on the fixture person's file:
// ok for those who follow the person (and bg_active, whose break-glass
// opens the file to reads and journal entries; writeWant for the rest), 403 for admin and reception (their role), 403 for the
// same organisation without relation, 404 for another organisation.
func fileWant(ok int, overrides ...any) map[string]int {
	m := all(ok, "admin", 403, "reception", 403, "worker2", 403, "bg_expired", 403, "bg_active", ok, "teammate", ok, "other", 404)
	for i := 0; i+1 < len(overrides); i += 2 {
		m[overrides[i].(string)] = overrides[i+1].(int)
	}
	return m
}

// writeWant is fileWant for a write a break-glass does not allow: it is
// read-and-note only (access.lasting), so bg_active gets 403 like any
// worker without relation.
func writeWant(ok int, overrides ...any) map[string]int {
	return fileWant(ok, append([]any{"bg_active", 403}, overrides...)...)
}

func init() {
	created := http.StatusCreated
	person := func(suffix string) func(*fixture) string {
		return func(f *fixture) string { return "/api/v1/persons/" + f.Person.ID + suffix }
	}
	body := func(v map[string]any) func(*fixture, string) any {
		return func(*fixture, string) any { return v }
	}
	addRows(
		// Accompaniments: the front desk may see who accompanies the person.
		matrixRow{Route: "POST /api/v1/persons/{id}/accompaniments", Path: person("/accompaniments"),
			Body: func(f *fixture, who string) any {
				return map[string]any{"kind": "budget", "referent_id": f.e.Workers["worker"].ID, "team_id": f.e.TeamA.ID}
			},
			Want: writeWant(created)},
		matrixRow{Route: "GET /api/v1/persons/{id}/accompaniments", Path: person("/accompaniments"),
			Want: fileWant(200, "reception", 200)},
		matrixRow{Route: "POST /api/v1/accompaniments/{id}/end",
			Path: func(f *fixture) string { return "/api/v1/accompaniments/" + freshAcc(f).ID + "/end" },
			Body: body(map[string]any{"end_reason": "objectifs_atteints"}), Want: writeWant(200)},
		matrixRow{Route: "POST /api/v1/accompaniments/{id}/goals",
			Path: func(f *fixture) string { return "/api/v1/accompaniments/" + cf(f).Acc.ID + "/goals" },
			Body: body(map[string]any{"title": "Stabiliser le budget", "target_date": "2030-06-30"}), Want: writeWant(created)},
		matrixRow{Route: "PATCH /api/v1/goals/{id}",
			Path: func(f *fixture) string { return "/api/v1/goals/" + cf(f).Goal.ID },
			Body: body(map[string]any{"status": "achieved"}), Want: writeWant(200)},
		matrixRow{Route: "POST /api/v1/accompaniments/{id}/handover",
			Path: func(f *fixture) string { return "/api/v1/accompaniments/" + freshAcc(f).ID + "/handover" },
			Body: func(f *fixture, who string) any {
				return map[string]any{"referent_id": f.e.Workers["manager"].ID, "note": "Bon contact avec la personne."}
			},
			Want: writeWant(created)},
		matrixRow{Route: "GET /api/v1/persons/{id}/handovers", Path: person("/handovers"), Want: fileWant(200)},
		// Only the new referent acknowledges a handover.
		matrixRow{Route: "POST /api/v1/handovers/{id}/acknowledge",
			Path: func(f *fixture) string { return "/api/v1/handovers/" + cf(f).Handover.ID + "/acknowledge" },
			Want: all(403, "worker", 200, "other", 404, "bg_active", 403, "bg_expired", 403, "teammate", 403)},
		matrixRow{Route: "GET /api/v1/accompaniment-kinds", Path: fixed("/api/v1/accompaniment-kinds"), Want: all(200)},
		matrixRow{Route: "PUT /api/v1/accompaniment-kinds/{code}", Path: fixed("/api/v1/accompaniment-kinds/mesure_jeunes"),
			Body: body(map[string]any{"label": "Accompagnement jeunes majeurs"}),
			Want: all(403, "admin", 200, "manager", 200, "bg_active", 403, "bg_expired", 403, "teammate", 403)},

		// Journal: never the front desk, never admins.
		matrixRow{Route: "POST /api/v1/persons/{id}/journal", Path: person("/journal"),
			Body: body(map[string]any{"kind": "call", "summary": "Appel pour fixer un rendez-vous."}), Want: fileWant(created)},
		matrixRow{Route: "GET /api/v1/persons/{id}/journal", Path: person("/journal"), Want: fileWant(200)},
		matrixRow{Route: "GET /api/v1/journal/{id}",
			Path: func(f *fixture) string { return "/api/v1/journal/" + cf(f).Entry.ID }, Want: fileWant(200)},
		// Only the author corrects an entry.
		matrixRow{Route: "POST /api/v1/journal/{id}/amendments",
			Path: func(f *fixture) string { return "/api/v1/journal/" + cf(f).Entry.ID + "/amendments" },
			Body: body(map[string]any{"summary": "Point sur le dossier CSS (correction)."}),
			Want: fileWant(403, "worker", created)},
		matrixRow{Route: "GET /api/v1/interview-templates", Path: fixed("/api/v1/interview-templates"),
			Want: all(200, "reception", 403)},
		matrixRow{Route: "POST /api/v1/interview-templates", Path: fixed("/api/v1/interview-templates"),
			Body: func(f *fixture, who string) any {
				return map[string]any{"name": "Premier accueil " + who, "body": "Situation familiale\nLogement\nRessources"}
			},
			Want: all(403, "admin", created, "manager", created, "bg_active", 403, "bg_expired", 403, "teammate", 403)},

		// Tasks.
		matrixRow{Route: "POST /api/v1/persons/{id}/tasks", Path: person("/tasks"),
			Body: body(map[string]any{"title": "Envoyer le dossier FSL", "due_date": "2030-02-01"}), Want: writeWant(created)},
		matrixRow{Route: "GET /api/v1/persons/{id}/tasks", Path: person("/tasks"), Want: fileWant(200)},
		matrixRow{Route: "PATCH /api/v1/tasks/{id}",
			Path: func(f *fixture) string { return "/api/v1/tasks/" + cf(f).Task.ID },
			Body: body(map[string]any{"status": "done"}), Want: writeWant(200)},
		matrixRow{Route: "GET /api/v1/tasks/mine", Path: fixed("/api/v1/tasks/mine"),
			Want: all(200, "admin", 403, "reception", 403)},

		// Documents.
		matrixRow{Route: "POST /api/v1/persons/{id}/documents", Path: person("/documents"),
			Body: body(map[string]any{"kind": "justificatif_domicile", "title": "quittance.png",
				"expires_on": "2030-01-01", "content_base64": base64.StdEncoding.EncodeToString(pngBytes)}),
			Want: writeWant(created)},
		matrixRow{Route: "GET /api/v1/persons/{id}/documents", Path: person("/documents"), Want: fileWant(200)},
		matrixRow{Route: "GET /api/documents/{id}/content",
			Path: func(f *fixture) string { return "/api/documents/" + cf(f).Doc.ID + "/content" }, Want: fileWant(200)},
		matrixRow{Route: "GET /api/v1/documents/expiring", Path: fixed("/api/v1/documents/expiring"),
			Want: all(200, "admin", 403, "reception", 403)},

		// The person file page and its forms.
		matrixRow{Route: "GET /persons/{id}", Path: func(f *fixture) string { return "/persons/" + f.Person.ID },
			Want: fileWant(200, "admin", 404, "reception", 200), Page: true},
		matrixRow{Route: "POST /persons/{id}/journal", Path: func(f *fixture) string { return "/persons/" + f.Person.ID + "/journal" },
			Body: func(f *fixture, who string) any {
				return url.Values{"kind": {"note"}, "summary": {"Note ajoutée depuis la page."}}
			},
			Want: fileWant(http.StatusSeeOther), Page: true},
		matrixRow{Route: "POST /persons/{id}/journal/{entry}/amendments",
			Path: func(f *fixture) string {
				return "/persons/" + f.Person.ID + "/journal/" + cf(f).Entry.ID + "/amendments"
			},
			Body: func(f *fixture, who string) any {
				return url.Values{"amend-summary": {"Point CSS (corrigé depuis la page)."}}
			},
			Want: fileWant(403, "worker", http.StatusSeeOther), Page: true},
		matrixRow{Route: "POST /persons/{id}/accompaniments", Path: func(f *fixture) string { return "/persons/" + f.Person.ID + "/accompaniments" },
			Body: func(f *fixture, who string) any {
				return url.Values{"acc-kind": {"asg"}, "acc-referent_id": {f.e.Workers["worker"].ID}, "acc-team_id": {f.e.TeamA.ID}}
			},
			Want: writeWant(http.StatusSeeOther), Page: true},
		matrixRow{Route: "POST /persons/{id}/accompaniments/{acc}/end",
			Path: func(f *fixture) string {
				return "/persons/" + f.Person.ID + "/accompaniments/" + freshAcc(f).ID + "/end"
			},
			Body: func(f *fixture, who string) any { return url.Values{"end-end_reason": {"demenagement"}} },
			Want: writeWant(http.StatusSeeOther), Page: true},
		matrixRow{Route: "POST /persons/{id}/accompaniments/{acc}/handover",
			Path: func(f *fixture) string {
				return "/persons/" + f.Person.ID + "/accompaniments/" + freshAcc(f).ID + "/handover"
			},
			Body: func(f *fixture, who string) any { return url.Values{"ho-referent_id": {f.e.Workers["manager"].ID}} },
			Want: writeWant(http.StatusSeeOther), Page: true},
		matrixRow{Route: "POST /persons/{id}/accompaniments/{acc}/goals",
			Path: func(f *fixture) string {
				return "/persons/" + f.Person.ID + "/accompaniments/" + cf(f).Acc.ID + "/goals"
			},
			Body: func(f *fixture, who string) any { return url.Values{"goal-title": {"Reprendre une formation"}} },
			Want: writeWant(http.StatusSeeOther), Page: true},
		matrixRow{Route: "POST /persons/{id}/goals/{goal}",
			Path: func(f *fixture) string { return "/persons/" + f.Person.ID + "/goals/" + cf(f).Goal.ID },
			Body: func(f *fixture, who string) any { return url.Values{"status": {"achieved"}} },
			Want: writeWant(http.StatusSeeOther), Page: true},
		matrixRow{Route: "POST /persons/{id}/tasks", Path: func(f *fixture) string { return "/persons/" + f.Person.ID + "/tasks" },
			Body: func(f *fixture, who string) any {
				return url.Values{"task-title": {"Appeler le bailleur"}, "task-due_date": {"2030-03-01"}}
			},
			Want: writeWant(http.StatusSeeOther), Page: true},
		matrixRow{Route: "POST /persons/{id}/tasks/{task}/status",
			Path: func(f *fixture) string { return "/persons/" + f.Person.ID + "/tasks/" + cf(f).Task.ID + "/status" },
			Body: func(f *fixture, who string) any { return url.Values{"status": {"done"}} },
			Want: writeWant(http.StatusSeeOther), Page: true},
		// A form without a file: refused after the access check (the
		// upload itself is tested in internal/casefile).
		matrixRow{Route: "POST /persons/{id}/documents", Path: func(f *fixture) string { return "/persons/" + f.Person.ID + "/documents" },
			Body: func(f *fixture, who string) any { return url.Values{"doc-kind": {"rib"}} },
			Want: writeWant(http.StatusUnprocessableEntity), Page: true},
		matrixRow{Route: "GET /documents/expiring", Path: fixed("/documents/expiring"),
			Want: all(200, "admin", 403, "reception", 403), Page: true},
		// The organisation's settings: kinds and interview templates.
		matrixRow{Route: "GET /settings/casefile", Path: fixed("/settings/casefile"), Want: all(200, "reception", 403), Page: true},
		matrixRow{Route: "POST /settings/casefile/kinds", Path: fixed("/settings/casefile/kinds"),
			Body: func(f *fixture, who string) any { return url.Values{"code": {"mjagd"}, "label": {"MJAGBF"}} },
			Want: all(403, "admin", http.StatusSeeOther, "manager", http.StatusSeeOther), Page: true},
		matrixRow{Route: "POST /settings/casefile/templates", Path: fixed("/settings/casefile/templates"),
			Body: func(f *fixture, who string) any {
				return url.Values{"name": {"Bilan à six mois " + who}, "body": {"Objectifs atteints\nFreins"}}
			},
			Want: all(403, "admin", http.StatusSeeOther, "manager", http.StatusSeeOther), Page: true},
		matrixRow{Route: "POST /handovers/{id}/acknowledge",
			Path: func(f *fixture) string { return "/handovers/" + cf(f).HandoverPage.ID + "/acknowledge" },
			Want: all(403, "worker", http.StatusSeeOther, "other", 404, "bg_active", 403, "bg_expired", 403, "teammate", 403), Page: true},
	)
}

func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }
