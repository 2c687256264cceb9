package web_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"parcours/internal/app/apptest"
	"parcours/internal/parcours"
	"parcours/internal/store"

	"parcours/internal/datarights"
)

func init() {
	see := http.StatusSeeOther
	person := func(suffix string) func(*fixture) string {
		return func(f *fixture) string { return "/persons/" + f.Person.ID + suffix }
	}
	// Those who may open the fixture person's file; reception records a
	// request received at the desk but does not list them; a break-glass
	// reads them but starts no legal clock.
	file := func(status int, overrides ...any) map[string]int {
		return all(status, append([]any{"admin", 404, "worker2", 403, "other", 404, "bg_expired", 403, "teammate", status, "bg_active", status}, overrides...)...)
	}
	request := func(f *fixture) string {
		r, err := f.e.App.DataRights.Record(context.Background(), f.e.Actor("worker"), f.Person.ID, datarights.Input{
			Kind: "access", Channel: "letter", ReceivedOn: time.Now().Format(time.DateOnly)})
		if err != nil {
			f.e.T.Fatal(err)
		}
		return r.ID
	}
	apiPerson := func(f *fixture) string { return "/api/v1/persons/" + f.Person.ID + "/data-requests" }
	handle := func(status int) map[string]int { return all(403, "manager", status, "other", 404) }
	addRows(
		matrixRow{Route: "POST /api/v1/persons/{id}/data-requests", Path: apiPerson,
			Body: func(f *fixture, who string) any {
				return map[string]any{"kind": "rectification", "channel": "desk", "received_on": time.Now().Format(time.DateOnly)}
			},
			Want: file(201, "bg_active", 403), Audit: []string{"data_request.record"}, routeAudit: routeAudit{OnFile: true}},
		matrixRow{Route: "GET /api/v1/persons/{id}/data-requests", Path: apiPerson,
			Want: file(200, "reception", 403), Audit: []string{"data_request.read"}, routeAudit: routeAudit{OnFile: true}},
		matrixRow{Route: "GET /api/v1/data-requests", Path: fixed("/api/v1/data-requests"), Want: all(403, "manager", 200),
			Audit: []string{"data_request.list"}},
		matrixRow{Route: "POST /api/v1/data-requests/{id}/extend", Path: func(f *fixture) string { return "/api/v1/data-requests/" + request(f) + "/extend" },
			Body: func(f *fixture, who string) any { return map[string]any{"reason": "Dossier volumineux à rassembler"} },
			Want: handle(200), Audit: []string{"data_request.extend"}},
		matrixRow{Route: "POST /api/v1/data-requests/{id}/answer", Path: func(f *fixture) string { return "/api/v1/data-requests/" + request(f) + "/answer" },
			Body: func(f *fixture, who string) any {
				return map[string]any{"outcome": "granted", "answer": "Copie remise en main propre."}
			},
			Want: handle(200), Audit: []string{"data_request.answer"}},
		matrixRow{Route: "GET /persons/{id}/data-requests", Path: person("/data-requests"), Page: true,
			Want: file(200, "reception", 403), Audit: []string{"data_request.read"}, routeAudit: routeAudit{OnFile: true}},
		matrixRow{Route: "POST /persons/{id}/data-requests", Path: person("/data-requests"), Page: true,
			Body: func(f *fixture, who string) any {
				return url.Values{"kind": {"objection"}, "channel": {"letter"}, "received_on": {time.Now().Format(time.DateOnly)}}
			},
			Want: file(see, "bg_active", 403), Audit: []string{"data_request.record"}, routeAudit: routeAudit{OnFile: true}},
		matrixRow{Route: "GET /data-requests", Path: fixed("/data-requests"), Page: true, Want: all(403, "manager", 200),
			Audit: []string{"data_request.list"}},
		matrixRow{Route: "POST /data-requests/{id}/extend", Path: func(f *fixture) string { return "/data-requests/" + request(f) + "/extend" },
			Page: true, Body: func(f *fixture, who string) any { return url.Values{"reason": {"Dossier volumineux"}} },
			Want: handle(see), Audit: []string{"data_request.extend"}},
		matrixRow{Route: "POST /data-requests/{id}/answer", Path: func(f *fixture) string { return "/data-requests/" + request(f) + "/answer" },
			Page: true, Body: func(f *fixture, who string) any {
				return url.Values{"outcome": {"refused"}, "answer": {"Demande sans objet."}}
			},
			Want: handle(see), Audit: []string{"data_request.answer"}},
	)
}

// A request recorded from a letter is due a month after receipt; the
// referent and the DPO hear of it; the DPO (a worker designated, not a
// manager) finds it by due date, extends the delay once and answers once;
// the overdue job warns once; bad input changes nothing.
func TestDataRequests_ClockFromLetterToAnswer(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		f := newFixture(t, e)
		ctx := t.Context()
		dpo := e.Workers["worker2"] // another team: no relation to the person
		if err := e.App.DB.Transact(ctx, func(tx *store.Tx) error {
			return tx.DesignateDPO(ctx, dpo.ID, e.OrgA.ID, true)
		}); err != nil {
			t.Fatal(err)
		}
		path := "/api/v1/persons/" + f.Person.ID + "/data-requests"

		// Bad input: 422 naming the field, in French, nothing recorded.
		future := time.Now().AddDate(0, 0, 3).Format(time.DateOnly)
		for _, c := range []struct {
			body  map[string]any
			field string
		}{
			{map[string]any{"kind": "oubli", "channel": "letter", "received_on": "2026-01-31"}, "kind"},
			{map[string]any{"kind": "access", "channel": "pigeon", "received_on": "2026-01-31"}, "channel"},
			{map[string]any{"kind": "access", "channel": "letter", "received_on": future}, "received_on"},
			{map[string]any{"kind": "access", "channel": "letter"}, "received_on"},
		} {
			r := e.Do("POST", path, "worker", c.body)
			if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), `"field":"`+c.field+`"`) {
				t.Errorf("%v: %d %s, want 422 on %s", c.body, r.Status, r.Body, c.field)
			}
		}
		var list struct {
			Items []parcours.DataRequest `json:"items"`
		}
		e.Do("GET", path, "worker", nil).Decode(t, &list)
		if len(list.Items) != 0 {
			t.Fatalf("refused requests were recorded: %+v", list.Items)
		}

		r := e.Do("POST", path, "worker", map[string]any{"kind": "access", "channel": "letter", "received_on": "2026-01-31",
			"details": "Courrier demandant la copie de son dossier."})
		var req parcours.DataRequest
		r.Decode(t, &req)
		if r.Status != http.StatusCreated || req.DueOn != "2026-02-28" {
			t.Fatalf("recording a letter of 31 January: %d, due %q, want 201 due 2026-02-28", r.Status, req.DueOn)
		}
		// The DPO is told (the recording worker, the referent, is not told
		// of her own action).
		var notes struct {
			Items []parcours.Notification `json:"items"`
		}
		e.Do("GET", "/api/v1/notifications", "worker2", nil).Decode(t, &notes)
		if !slices.ContainsFunc(notes.Items, func(n parcours.Notification) bool { return n.Kind == "data_request" && n.ObjectID == req.ID }) {
			t.Errorf("the DPO was not told of the request: %+v", notes.Items)
		}
		// The DPO reads no file by being DPO, but handles the request.
		if r := e.Do("GET", "/api/v1/persons/"+f.Person.ID, "worker2", nil); r.Status != http.StatusForbidden {
			t.Errorf("the DPO reads the file: %d", r.Status)
		}
		var open struct {
			Items []parcours.DataRequest `json:"items"`
		}
		e.Do("GET", "/api/v1/data-requests", "worker2", nil).Decode(t, &open)
		if len(open.Items) != 1 || open.Items[0].ID != req.ID || open.Items[0].PersonName == "" {
			t.Fatalf("the DPO's list: %+v, want the request with the person's name", open.Items)
		}
		page := string(e.Page("GET", "/data-requests", "worker2", nil).Body)
		if !strings.Contains(page, "En retard") || !strings.Contains(page, "28/02/2026") {
			t.Error("the DPO page does not show the request late since 28/02/2026")
		}

		// The overdue job warns once.
		for i, want := range []int{1, 0} {
			n, err := e.App.DataRights.NotifyOverdue(ctx, parcours.SystemActor())
			if err != nil || n != want {
				t.Errorf("overdue run %d: %d, %v; want %d", i+1, n, err, want)
			}
		}
		if _, err := e.App.DataRights.NotifyOverdue(ctx, e.Actor("manager")); parcours.ErrorCode(err) != parcours.EForbidden {
			t.Errorf("a manager runs the server's job: %v", err)
		}

		ext := "/api/v1/data-requests/" + req.ID + "/extend"
		if r := e.Do("POST", ext, "worker2", map[string]any{"reason": " "}); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("extending without a reason: %d, want 422", r.Status)
		}
		r = e.Do("POST", ext, "worker2", map[string]any{"reason": "Dossier de plusieurs années à rassembler"})
		r.Decode(t, &req)
		if r.Status != http.StatusOK || req.DueOn != "2026-04-30" {
			t.Errorf("extending: %d, due %q, want 200 due 2026-04-30 (three months after receipt)", r.Status, req.DueOn)
		}
		if r := e.Do("POST", ext, "worker2", map[string]any{"reason": "Encore"}); r.Status != http.StatusConflict {
			t.Errorf("extending twice: %d, want 409", r.Status)
		}

		ans := "/api/v1/data-requests/" + req.ID + "/answer"
		if r := e.Do("POST", ans, "worker", map[string]any{"outcome": "granted", "answer": "Copie remise."}); r.Status != http.StatusForbidden {
			t.Errorf("a worker answers for the organisation: %d, want 403", r.Status)
		}
		if r := e.Do("POST", ans, "worker2", map[string]any{"outcome": "granted", "answer": "Copie remise le 2 avril."}); r.Status != http.StatusOK {
			t.Fatalf("the DPO answers: %d %s", r.Status, r.Body)
		}
		if r := e.Do("POST", ans, "manager", map[string]any{"outcome": "refused", "answer": "Non."}); r.Status != http.StatusConflict {
			t.Errorf("answering twice: %d, want 409", r.Status)
		}
		e.Do("GET", "/api/v1/data-requests", "worker2", nil).Decode(t, &open)
		if len(open.Items) != 0 {
			t.Errorf("an answered request is still open: %+v", open.Items)
		}
		e.Do("GET", path, "worker", nil).Decode(t, &list)
		if len(list.Items) != 1 || list.Items[0].Outcome != "granted" || list.Items[0].Answer != "Copie remise le 2 avril." {
			t.Errorf("the file's list after the answer: %+v", list.Items)
		}
	})
}

func init() {
	file := func(status int, overrides ...any) map[string]int {
		return all(status, append([]any{"admin", 404, "worker2", 403, "other", 404, "bg_expired", 403, "teammate", status, "bg_active", 403, "reception", 403}, overrides...)...)
	}
	addRows(
		matrixRow{Route: "GET /api/v1/persons/{id}/export", Path: func(f *fixture) string { return "/api/v1/persons/" + f.Person.ID + "/export" },
			Want: file(200), Audit: []string{"file.export"}, routeAudit: routeAudit{OnFile: true}},
		matrixRow{Route: "GET /persons/{id}/export.json", Path: func(f *fixture) string { return "/persons/" + f.Person.ID + "/export.json" },
			Page: true, Want: file(200), Audit: []string{"file.export"}, routeAudit: routeAudit{OnFile: true}},
	)
}

// The person's copy of their file holds their identity, their journal and
// who read the file, names what it leaves out, and carries nothing of
// another adult of the household but their place in it.
func TestExport_TheWholeFileButNotTheOtherAdult(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		f := newFixture(t, e)
		var other struct{ ID string }
		r := e.Do("POST", "/api/v1/persons", "worker", map[string]any{"birth_name": "CONJOINTUNIQUE", "first_names": "Karim",
			"birth_date": "1985-06-01", "sex": "M", "phone": "0611223344", "nir": "185066912345657", "force": true})
		if r.Status != http.StatusCreated {
			t.Fatalf("the other adult: %d %s", r.Status, r.Body)
		}
		r.Decode(t, &other)
		if r := e.Do("POST", "/api/v1/households/"+f.Household.ID+"/members", "worker", map[string]any{"person_id": other.ID, "relationship": "conjoint"}); r.Status >= 300 {
			t.Fatalf("adding him to the household: %d %s", r.Status, r.Body)
		}
		if r := e.Do("POST", "/api/v1/persons/"+other.ID+"/journal", "worker", map[string]any{"kind": "note", "summary": "Note sur Karim seulement"}); r.Status != http.StatusCreated {
			t.Fatalf("his note: %d", r.Status)
		}
		if r := e.Do("POST", "/api/v1/persons/"+f.Person.ID+"/journal", "worker", map[string]any{"kind": "interview", "summary": "Entretien avec Léa sur le logement"}); r.Status != http.StatusCreated {
			t.Fatalf("her note: %d", r.Status)
		}

		r = e.Do("GET", "/api/v1/persons/"+f.Person.ID+"/export", "worker", nil)
		body := string(r.Body)
		if r.Status != http.StatusOK || !strings.Contains(r.Header.Get("Content-Disposition"), "attachment") {
			t.Fatalf("export: %d %q", r.Status, r.Header.Get("Content-Disposition"))
		}
		var x struct {
			Format string `json:"format"`
			Person struct {
				BirthName string `json:"birth_name"`
			} `json:"person"`
			Household struct {
				Members []struct {
					FirstNames   string `json:"first_names"`
					Relationship string `json:"relationship"`
					Self         bool   `json:"self"`
				} `json:"members"`
			} `json:"household"`
			Journal []struct {
				Summary string `json:"summary"`
			} `json:"journal"`
			AccessLog []any `json:"access_log"`
			Left      []struct {
				Part  string `json:"part"`
				Count int    `json:"count"`
			} `json:"left_out"`
		}
		r.Decode(t, &x)
		if x.Format != "parcours-file-export" || x.Person.BirthName != "MARTIN" {
			t.Errorf("export head: %q %q", x.Format, x.Person.BirthName)
		}
		if !slices.ContainsFunc(x.Journal, func(j struct {
			Summary string `json:"summary"`
		}) bool {
			return j.Summary == "Entretien avec Léa sur le logement"
		}) {
			t.Errorf("her journal is not in the export: %+v", x.Journal)
		}
		if len(x.AccessLog) == 0 {
			t.Error("the export has no access log")
		}
		for _, leak := range []string{"CONJOINTUNIQUE", "Karim", "0611223344", "185066912345657", "Note sur Karim", other.ID} {
			if strings.Contains(body, leak) {
				t.Errorf("the export carries the other adult's %q", leak)
			}
		}
		var sawHim bool
		for _, m := range x.Household.Members {
			sawHim = sawHim || (m.FirstNames == "" && m.Relationship == "conjoint" && !m.Self)
		}
		if !sawHim || !slices.ContainsFunc(x.Left, func(l struct {
			Part  string `json:"part"`
			Count int    `json:"count"`
		}) bool {
			return l.Part == "household.members" && l.Count == 1
		}) {
			t.Errorf("the household part: %+v, left out %+v", x.Household, x.Left)
		}

		// The export is audited on the person's file.
		var log struct {
			Items []struct {
				Action string `json:"action"`
			} `json:"items"`
		}
		e.Do("GET", "/api/v1/persons/"+f.Person.ID+"/access-log", "worker", nil).Decode(t, &log)
		if !slices.ContainsFunc(log.Items, func(i struct {
			Action string `json:"action"`
		}) bool {
			return i.Action == "file.export"
		}) {
			t.Error("the export is not in the person's access log")
		}
	})
}

// Between 23:00 UTC and midnight, France is already on the next day: a
// request received that French day is not « in the future », the day
// after is, and the message names the field in French.
func TestDataRequests_ReceivedTodayInFranceLateInTheUTCEvening(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		f := newFixture(t, e)
		late := time.Date(2026, 11, 28, 23, 30, 0, 0, time.UTC) // 00:30 on 29 November in Paris
		e.App.DB.Now = func() time.Time { return late }
		path := "/api/v1/persons/" + f.Person.ID + "/data-requests"
		r := e.Do("POST", path, "worker", map[string]any{"kind": "access", "channel": "desk", "received_on": "2026-11-29"})
		wantStatus(t, r, 201, "received today in France")
		var got parcours.DataRequest
		r.Decode(t, &got)
		if got.ReceivedOn != "2026-11-29" || got.DueOn != "2026-12-29" {
			t.Errorf("recorded %+v", got)
		}
		before := e.Count("data_requests")
		r = e.Do("POST", path, "worker", map[string]any{"kind": "access", "channel": "desk", "received_on": "2026-11-30"})
		wantStatus(t, r, 422, "received tomorrow")
		if !strings.Contains(string(r.Body), "date de réception") || strings.Contains(string(r.Body), "field.data_request") {
			t.Errorf("the message does not name the field in French: %s", r.Body)
		}
		if n := e.Count("data_requests"); n != before {
			t.Errorf("a refused request was recorded: %d → %d", before, n)
		}
	})
}
