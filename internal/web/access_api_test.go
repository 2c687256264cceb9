package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"parcours/internal/app/apptest"
	"parcours/internal/casefile"
	"parcours/internal/parcours"
	"parcours/internal/person"
	"parcours/internal/store"
)

// recordPerson creates a person as the cast member who (who then follows
// them, with their team) and returns them.
func recordPerson(t *testing.T, e *apptest.Env, who, name string) *parcours.Person {
	t.Helper()
	p, err := e.App.Persons.Create(context.Background(), e.Actor(who), person.Input{
		BirthName: ptr(name), FirstNames: ptr("Camille"), BirthDate: ptr("1984-03-09"), Sex: ptr(parcours.SexFemale),
		NIR: ptr("2840375056078 03"),
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// tableCounts counts the rows the access feature writes, to prove that a
// refused request changed nothing. The audit of the refusal itself
// (access.denied, denial_test.go) is no change.
func tableCounts(t *testing.T, e *apptest.Env) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, table := range []string{"break_glass", "notifications", "consents", "consent_objections", "audit_events"} {
		q := "SELECT COUNT(*) FROM " + table
		if table == "audit_events" {
			q += " WHERE action <> 'access.denied'"
		}
		var n int
		if err := e.App.DB.SQL().QueryRow(q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		out[table] = n
	}
	return out
}

func sameCounts(t *testing.T, what string, before, after map[string]int) {
	t.Helper()
	for k, v := range before {
		if after[k] != v {
			t.Errorf("%s: %s went from %d to %d rows, want unchanged", what, k, v, after[k])
		}
	}
}

const urgentReason = "Appel du 115 : mise à l'abri urgente ce soir, référente absente"

func TestBreakGlass_BadReasonRefusedAndNothingWritten(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		p := recordPerson(t, e, "worker", "BERNARD")
		path := "/api/v1/persons/" + p.ID + "/break-glass"
		for _, tc := range []struct {
			name string
			body any
			want int
		}{
			{"no reason", map[string]any{}, 422},
			{"empty reason", map[string]any{"reason": ""}, 422},
			{"blank reason", map[string]any{"reason": strings.Repeat(" ", 30)}, 422},
			{"too short", map[string]any{"reason": "urgence"}, 422},
			{"19 characters", map[string]any{"reason": strings.Repeat("é", 19)}, 422},
			{"too long", map[string]any{"reason": strings.Repeat("a", 1001)}, 422},
			{"unknown field", map[string]any{"reason": urgentReason, "hours": 48}, 400},
		} {
			before := tableCounts(t, e)
			resp := e.Do("POST", path, "worker2", tc.body)
			if resp.Status != tc.want {
				t.Errorf("%s: status %d, want %d: %s", tc.name, resp.Status, tc.want, resp.Body)
				continue
			}
			var b apiErr
			resp.Decode(t, &b)
			if tc.want == 422 && (b.Error.Field != "reason" || !strings.Contains(b.Error.Message, "motif")) {
				t.Errorf("%s: error %+v, want one naming the field « motif »", tc.name, b.Error)
			}
			sameCounts(t, tc.name, before, tableCounts(t, e))
		}
		// The file stays closed.
		if resp := e.Do("GET", "/api/v1/persons/"+p.ID, "worker2", nil); resp.Status != 403 {
			t.Fatalf("after refused break-glass: %d, want 403", resp.Status)
		}
	})
}

func TestBreakGlass_OpensTheFileForFourHoursVisiblyAndIsReviewed(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		p := recordPerson(t, e, "worker", "PETIT")
		if resp := e.Do("GET", "/api/v1/persons/"+p.ID, "worker2", nil); resp.Status != 403 {
			t.Fatalf("before: %d, want 403 (same organisation, no relation)", resp.Status)
		}
		resp := e.Do("POST", "/api/v1/persons/"+p.ID+"/break-glass", "worker2", map[string]any{"reason": "  " + urgentReason + "  "})
		if resp.Status != 201 {
			t.Fatalf("open: %d %s", resp.Status, resp.Body)
		}
		var bg parcours.BreakGlass
		resp.Decode(t, &bg)
		if bg.Reason != urgentReason || bg.ExpiresAt.Sub(bg.CreatedAt) != 4*time.Hour {
			t.Fatalf("break-glass %+v: want the trimmed reason and 4 hours", bg)
		}
		if again := e.Do("POST", "/api/v1/persons/"+p.ID+"/break-glass", "worker2", map[string]any{"reason": urgentReason}); again.Status != 409 {
			t.Errorf("second open while active: %d, want 409", again.Status)
		}

		// The file opens, without the social-security number.
		resp = e.Do("GET", "/api/v1/persons/"+p.ID, "worker2", nil)
		var got parcours.Person
		resp.Decode(t, &got)
		if resp.Status != 200 || got.NIR != "" {
			t.Fatalf("through break-glass: %d, NIR %q; want 200 and no NIR", resp.Status, got.NIR)
		}
		e.Do("GET", "/api/v1/persons/"+p.ID, "worker", nil).Decode(t, &got)
		if got.NIR == "" {
			t.Fatal("the referent lost the NIR")
		}

		// Every event worker2 caused on the file carries the break-glass
		// (the refusal before it is audited as a denial, without it:
		// denial_test.go).
		rows, err := e.App.DB.SQL().Query(rebind(e, "SELECT action, break_glass_id, reason FROM audit_events WHERE person_id = ? AND action <> 'access.denied' AND actor_id = '"+e.Workers["worker2"].ID+"'"), p.ID)
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for rows.Next() {
			var action, id, reason string
			if err := rows.Scan(&action, &id, &reason); err != nil {
				t.Fatal(err)
			}
			actions = append(actions, action)
			if id != bg.ID || reason != urgentReason {
				t.Errorf("event %s: break-glass %q reason %q, want %s and the reason", action, id, reason, bg.ID)
			}
		}
		rows.Close()
		if strings.Join(actions, ",") != "break_glass.open,person.read" {
			t.Errorf("worker2's events on the file: %v", actions)
		}

		// The referent and the team's manager are told; nobody else.
		for who, want := range map[string]int{"worker": 1, "manager": 1, "reception": 0, "worker2": 0, "admin": 0} {
			var list parcours.Page[parcours.Notification]
			e.Do("GET", "/api/v1/notifications", who, nil).Decode(t, &list)
			if len(list.Items) != want {
				t.Errorf("%s has %d notifications, want %d", who, len(list.Items), want)
			} else if want == 1 && (list.Items[0].Kind != "break_glass" || list.Items[0].PersonID != p.ID || list.Items[0].ObjectID != bg.ID) {
				t.Errorf("%s's notification %+v", who, list.Items[0])
			}
		}

		// The person's access log says it, with the reason, in French.
		var log struct {
			Items []struct {
				Action     string `json:"action"`
				Role       string `json:"role"`
				Org        string `json:"organization"`
				Worker     string `json:"worker"`
				BreakGlass bool   `json:"break_glass"`
				Reason     string `json:"reason"`
				Text       string `json:"text"`
			} `json:"items"`
		}
		e.Do("GET", "/api/v1/persons/"+p.ID+"/access-log", "worker", nil).Decode(t, &log)
		found := false
		for _, it := range log.Items {
			if it.Action == "person.read" && it.BreakGlass {
				found = true
				if it.Reason != urgentReason || it.Org != e.OrgA.Name || it.Worker != "" ||
					!strings.Contains(it.Text, "bris de glace") || !strings.Contains(it.Text, urgentReason) || !strings.Contains(it.Text, "intervenant·e social·e") {
					t.Errorf("access-log line %+v", it)
				}
			}
		}
		if !found {
			t.Fatalf("access log has no break-glass read: %+v", log.Items)
		}
		// The page shows it too.
		if page := e.Page("GET", "/persons/"+p.ID+"/access-log", "worker", nil); page.Status != 200 || !strings.Contains(string(page.Body), "bris de glace") {
			t.Errorf("access-log page: %d", page.Status)
		}

		// Review: refused to non-managers, nothing changed; the manager's
		// verdict is final.
		before := tableCounts(t, e)
		for _, who := range []string{"worker", "worker2", "reception", "admin"} {
			if r := e.Do("POST", "/api/v1/break-glass/"+bg.ID+"/review", who, map[string]any{"verdict": "justified"}); r.Status != 403 {
				t.Errorf("review by %s: %d, want 403", who, r.Status)
			}
		}
		if r := e.Do("POST", "/api/v1/break-glass/"+bg.ID+"/review", "other", map[string]any{"verdict": "justified"}); r.Status != 404 {
			t.Errorf("review by another organisation: %d, want 404", r.Status)
		}
		if r := e.Do("POST", "/api/v1/break-glass/"+bg.ID+"/review", "manager", map[string]any{"verdict": "peut-être"}); r.Status != 422 {
			t.Errorf("unknown verdict: %d, want 422", r.Status)
		}
		sameCounts(t, "refused reviews", before, tableCounts(t, e))
		var queue parcours.Page[parcours.BreakGlass]
		e.Do("GET", "/api/v1/break-glass/reviews?pending=true", "manager", nil).Decode(t, &queue)
		if len(queue.Items) != 1 || queue.Items[0].ID != bg.ID || queue.Items[0].WorkerName != "Prénom WORKER2" || queue.Items[0].PersonName != "PETIT Camille" {
			t.Fatalf("review queue %+v", queue.Items)
		}
		if r := e.Do("POST", "/api/v1/break-glass/"+bg.ID+"/review", "manager", map[string]any{"verdict": "justified", "note": "Urgence réelle"}); r.Status != 200 {
			t.Fatalf("review: %d %s", r.Status, r.Body)
		}
		if r := e.Do("POST", "/api/v1/break-glass/"+bg.ID+"/review", "manager", map[string]any{"verdict": "unjustified"}); r.Status != 409 {
			t.Errorf("second review: %d, want 409", r.Status)
		}
		e.Do("GET", "/api/v1/break-glass/reviews?pending=true", "manager", nil).Decode(t, &queue)
		if len(queue.Items) != 0 {
			t.Errorf("reviewed access still pending: %+v", queue.Items)
		}

		// Four hours later the file is closed again.
		now := e.App.DB.Now
		e.App.DB.Now = func() time.Time { return now().Add(4*time.Hour + time.Minute) }
		defer func() { e.App.DB.Now = now }()
		if resp := e.Do("GET", "/api/v1/persons/"+p.ID, "worker2", nil); resp.Status != 403 {
			t.Fatalf("after expiry: %d, want 403", resp.Status)
		}
	})
}

func TestConsent_RecordsInformationAndObjections(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		p := recordPerson(t, e, "worker", "LEROY")
		path := "/api/v1/persons/" + p.ID + "/consent"
		var c parcours.Consent
		e.Do("GET", path, "worker", nil).Decode(t, &c)
		if c.Informed || len(c.Objections) != 0 {
			t.Fatalf("fresh consent %+v", c)
		}
		// Bad input: refused, field named, nothing changed.
		for _, tc := range []struct {
			name  string
			body  map[string]any
			field string
		}{
			{"unknown objection", map[string]any{"informed_on": "2025-01-06", "method": "oral", "objections": []string{"no_health_sharing", "no_selling"}}, "objections"},
			{"no date", map[string]any{"method": "oral"}, "informed_on"},
			{"future date", map[string]any{"informed_on": "2999-01-01", "method": "oral"}, "informed_on"},
			{"unknown method", map[string]any{"informed_on": "2025-01-06", "method": "pigeon"}, "method"},
			{"unknown document", map[string]any{"informed_on": "2025-01-06", "method": "signed_document", "document_id": "doc-1"}, "document_id"},
		} {
			before := tableCounts(t, e)
			resp := e.Do("POST", path, "worker", tc.body)
			var b apiErr
			resp.Decode(t, &b)
			if resp.Status != 422 || b.Error.Field != tc.field {
				t.Errorf("%s: %d %+v, want 422 on %s", tc.name, resp.Status, b.Error, tc.field)
			}
			sameCounts(t, tc.name, before, tableCounts(t, e))
		}
		doc, err := e.App.CaseFile.AddDocument(context.Background(), e.Actor("worker"), p.ID,
			casefile.DocumentInput{Kind: "autre", Title: "information-signee.pdf"}, strings.NewReader("%PDF-1.4\n%\xe2\xe3\n1 0 obj\n<<>>\nendobj\n"))
		if err != nil {
			t.Fatal(err)
		}
		resp := e.Do("POST", path, "worker", map[string]any{"informed_on": "2025-01-06", "method": "signed_document",
			"document_id": doc.ID, "objections": []string{"no_health_sharing", "no_break_glass", "no_health_sharing"}})
		if resp.Status != 200 {
			t.Fatalf("record: %d %s", resp.Status, resp.Body)
		}
		e.Do("GET", path, "manager", nil).Decode(t, &c)
		if !c.Informed || c.InformedBy != e.Workers["worker"].ID || c.Method != "signed_document" || c.DocumentID != doc.ID ||
			strings.Join(c.Objections, ",") != "no_break_glass,no_health_sharing" {
			t.Fatalf("recorded consent %+v", c)
		}
		// The policy enforces the objection: no break-glass on this file.
		before := tableCounts(t, e)
		br := e.Do("POST", "/api/v1/persons/"+p.ID+"/break-glass", "worker2", map[string]any{"reason": urgentReason})
		if br.Status != 403 || !strings.Contains(string(br.Body), "opposée") {
			t.Fatalf("break-glass despite the objection: %d %s", br.Status, br.Body)
		}
		sameCounts(t, "refused break-glass", before, tableCounts(t, e))
		// Withdrawing the objection opens it again.
		e.Do("POST", path, "worker", map[string]any{"informed_on": "2025-01-06", "method": "oral", "objections": []string{}})
		if br := e.Do("POST", "/api/v1/persons/"+p.ID+"/break-glass", "worker2", map[string]any{"reason": urgentReason}); br.Status != 201 {
			t.Fatalf("break-glass after withdrawal: %d %s", br.Status, br.Body)
		}
	})
}

func TestAccessLog_NamesWorkersOnlyWhenTheOrganisationChooses(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		p := recordPerson(t, e, "worker", "ROUX")
		e.Do("GET", "/api/v1/persons/"+p.ID, "manager", nil)
		names := func() []string {
			var log struct {
				Items []struct{ Worker, Action string } `json:"items"`
			}
			e.Do("GET", "/api/v1/persons/"+p.ID+"/access-log", "worker", nil).Decode(t, &log)
			var out []string
			for _, it := range log.Items {
				if it.Action == "person.read" {
					out = append(out, it.Worker)
				}
			}
			return out
		}
		if got := names(); len(got) != 1 || got[0] != "" {
			t.Fatalf("names shown without the organisation's choice: %q", got)
		}
		e.OrgA.ShowWorkerNames = true
		if err := e.App.DB.Transact(context.Background(), func(tx *store.Tx) error { return tx.UpdateOrganization(context.Background(), e.OrgA) }); err != nil {
			t.Fatal(err)
		}
		if got := names(); len(got) != 1 || got[0] != "Prénom MANAGER" {
			t.Fatalf("names with show_worker_names: %q, want the manager's", got)
		}
	})
}

func TestAuditSearch_FiltersExportsSafelyAndOpensToTheDPO(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		p := recordPerson(t, e, "worker", "GIRARD")
		q := recordPerson(t, e, "worker", "FAURE")
		formula := "=HYPERLINK(\"http://x\") urgence vitale ce soir"
		if r := e.Do("POST", "/api/v1/persons/"+p.ID+"/break-glass", "worker2", map[string]any{"reason": formula}); r.Status != 201 {
			t.Fatalf("break-glass: %d %s", r.Status, r.Body)
		}
		e.Do("GET", "/api/v1/persons/"+q.ID, "manager", nil)

		search := func(who, query string) (int, []map[string]any) {
			var page struct {
				Items []map[string]any `json:"items"`
			}
			r := e.Do("GET", "/api/v1/audit/events?"+query, who, nil)
			if r.Status == 200 {
				r.Decode(t, &page)
			}
			return r.Status, page.Items
		}
		status, items := search("manager", "person_id="+p.ID)
		if status != 200 || len(items) == 0 {
			t.Fatalf("search by person: %d, %d items", status, len(items))
		}
		for _, it := range items {
			if it["person_id"] != p.ID {
				t.Errorf("search by person returned %v", it)
			}
		}
		_, items = search("manager", "worker_id="+e.Workers["worker2"].ID+"&action=break_glass.")
		if len(items) != 1 || items[0]["action"] != "break_glass.open" || items[0]["reason"] != formula {
			t.Fatalf("search by worker and action: %v", items)
		}
		today := time.Now().UTC().Format("2006-01-02")
		if _, items = search("admin", "from=2000-01-01&to=2000-12-31"); len(items) != 0 {
			t.Errorf("search of a past period found %d events", len(items))
		}
		if _, items = search("admin", "from="+today+"&to="+today+"&action=person.read"); len(items) == 0 {
			t.Error("search of today found no person.read")
		}
		if r := e.Do("GET", "/api/v1/audit/events?from=2025-02-01&to=2025-01-01", "manager", nil); r.Status != 422 {
			t.Errorf("reversed period: %d, want 422", r.Status)
		}
		if status, _ := search("worker", ""); status != 403 {
			t.Errorf("search by a worker: %d, want 403", status)
		}

		// CSV: a formula in a cell is neutralised.
		r := e.Do("GET", "/api/v1/audit/events.csv?action=break_glass.open", "manager", nil)
		if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") {
			t.Fatalf("csv: %d %s", r.Status, r.Header.Get("Content-Type"))
		}
		if body := string(r.Body); !strings.Contains(body, `'=HYPERLINK`) || strings.Contains(body, `;"=HYPERLINK`) || strings.Contains(body, ";=HYPERLINK") {
			t.Errorf("csv does not neutralise the formula:\n%s", body)
		}

		// A worker designated data-protection officer may search.
		if err := e.App.DB.Transact(context.Background(), func(tx *store.Tx) error {
			return tx.DesignateDPO(context.Background(), e.Workers["worker"].ID, e.OrgA.ID, true)
		}); err != nil {
			t.Fatal(err)
		}
		if status, items := search("worker", "person_id="+q.ID); status != 200 || len(items) == 0 {
			t.Errorf("search by the DPO: %d, %d items", status, len(items))
		}
		// Another organisation's events stay out of reach.
		if _, items := search("manager", "worker_id="+e.Workers["other"].ID); len(items) != 0 {
			t.Errorf("another organisation's events: %v", items)
		}
	})
}

var _ = http.StatusOK

func TestBreakGlassPage_FromTheRefusalToTheOpenFile(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		p := recordPerson(t, e, "worker", "MOREL")
		refused := e.Page("GET", "/persons/"+p.ID, "worker2", nil)
		link := "/persons/" + p.ID + "/break-glass"
		// The refusal is no dead end: the break-glass form is on it, and
		// the way to ask for a referral.
		body := string(refused.Body)
		if refused.Status != 403 || !strings.Contains(body, `<form method="post" action="`+link+`"`) || !strings.Contains(body, `name="reason"`) {
			t.Fatalf("refusal page: %d, want 403 with the break-glass form posting to %s", refused.Status, link)
		}
		if !strings.Contains(body, "Demander une orientation") || strings.Contains(body, "Vous n&#39;avez pas le droit") {
			t.Error("the refusal page does not offer to ask for a referral, or is still a bare refusal")
		}
		if form := e.Page("GET", link, "worker2", nil); form.Status != 200 {
			t.Fatalf("form: %d", form.Status)
		}
		short := e.Page("POST", link, "worker2", map[string][]string{"reason": {"urgent"}})
		if short.Status != 422 || !strings.Contains(string(short.Body), "20 caractères") {
			t.Fatalf("short reason: %d", short.Status)
		}
		ok := e.Page("POST", link, "worker2", map[string][]string{"reason": {urgentReason}})
		if ok.Status != http.StatusSeeOther || ok.Header.Get("Location") != "/persons/"+p.ID {
			t.Fatalf("open: %d → %q", ok.Status, ok.Header.Get("Location"))
		}
		if file := e.Page("GET", "/persons/"+p.ID, "worker2", nil); file.Status != 200 {
			t.Fatalf("file after break-glass: %d", file.Status)
		}
	})
}

func TestHealth_OnlyForTheReferentAndTheTeam(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		p := recordPerson(t, e, "worker", "LAMBERT")
		h, err := e.App.Persons.CreateHousehold(ctx, e.Actor("worker"), person.HouseholdInput{Name: "Foyer Lambert",
			Members:   []person.MemberInput{{PersonID: p.ID, Relationship: parcours.RelReference}},
			Situation: &person.SituationInput{Housing: "locataire_social", Health: "Suivi diabète"}})
		if err != nil {
			t.Fatal(err)
		}
		health := func(who string) (int, string) {
			var got parcours.Household
			r := e.Do("GET", "/api/v1/households/"+h.ID, who, nil)
			if r.Status != 200 {
				return r.Status, ""
			}
			r.Decode(t, &got)
			var hist parcours.Page[parcours.Situation]
			e.Do("GET", "/api/v1/households/"+h.ID+"/situations", who, nil).Decode(t, &hist)
			for _, s := range hist.Items {
				if s.Health != got.Situation.Health {
					t.Errorf("%s: history shows health %q, household %q", who, s.Health, got.Situation.Health)
				}
			}
			return r.Status, got.Situation.Health
		}
		if r := e.Do("POST", "/api/v1/persons/"+p.ID+"/break-glass", "worker2", map[string]any{"reason": urgentReason}); r.Status != 201 {
			t.Fatal(r.Status)
		}
		for who, want := range map[string]string{"worker": "Suivi diabète", "manager": "Suivi diabète", "worker2": "", "reception": ""} {
			if status, got := health(who); status != 200 || got != want {
				t.Errorf("%s: %d, health %q, want %q", who, status, got, want)
			}
		}
		// The person objects to sharing health: the referent only.
		if r := e.Do("POST", "/api/v1/persons/"+p.ID+"/consent", "worker", map[string]any{"informed_on": "2025-01-06", "method": "oral",
			"objections": []string{"no_health_sharing"}}); r.Status != 200 {
			t.Fatal(r.Status)
		}
		for who, want := range map[string]string{"worker": "Suivi diabète", "manager": "", "worker2": ""} {
			if _, got := health(who); got != want {
				t.Errorf("with the objection, %s sees health %q, want %q", who, got, want)
			}
		}
	})
}

// A worker marks notifications read one by one or all at once; the list
// says which are unread; nobody marks another worker's.
func TestNotifications_MarkReadOneAndAll(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		f := newFixture(t, e)
		first, second, third := notificationFor(f, "worker"), notificationFor(f, "worker"), notificationFor(f, "worker")
		theirs := notificationFor(f, "worker2")

		unread := func(who string) map[string]bool {
			var list struct {
				Items []struct {
					ID     string `json:"id"`
					ReadAt string `json:"read_at"`
				} `json:"items"`
			}
			e.Do("GET", "/api/v1/notifications", who, nil).Decode(t, &list)
			out := map[string]bool{}
			for _, n := range list.Items {
				out[n.ID] = n.ReadAt == ""
			}
			return out
		}
		if u := unread("worker"); !u[first] || !u[second] || !u[third] {
			t.Fatalf("new notifications are not unread: %v", u)
		}
		if r := e.Do("POST", "/api/v1/notifications/"+theirs+"/read", "worker", nil); r.Status != http.StatusNotFound {
			t.Errorf("marking a colleague's notification: %d, want 404", r.Status)
		}
		if !unread("worker2")[theirs] {
			t.Error("a colleague's attempt marked worker2's notification read")
		}

		r := e.Do("POST", "/api/v1/notifications/"+first+"/read", "worker", nil)
		var n struct {
			ID     string `json:"id"`
			ReadAt string `json:"read_at"`
		}
		r.Decode(t, &n)
		if r.Status != http.StatusOK || n.ID != first || n.ReadAt == "" {
			t.Fatalf("marking one read: %d %+v", r.Status, n)
		}
		if u := unread("worker"); u[first] || !u[second] || !u[third] {
			t.Errorf("after marking one: %v, want only the first read", u)
		}

		// The page offers both actions without JavaScript, one button per
		// unread notification (the fixture's break-glass notified her too).
		still := 0
		for _, u := range unread("worker") {
			if u {
				still++
			}
		}
		body := string(e.Page("GET", "/notifications", "worker", nil).Body)
		if still < 2 || strings.Count(body, "Marquer comme lue") != still || !strings.Contains(body, `action="/notifications/read"`) {
			t.Errorf("the page does not offer to mark each of the %d unread notifications and all of them:\n%s", still, body)
		}
		if p := e.Page("POST", "/notifications/read", "worker", map[string][]string{}); p.Status != http.StatusSeeOther {
			t.Fatalf("marking all from the page: %d", p.Status)
		}
		for id, u := range unread("worker") {
			if u {
				t.Errorf("after marking all, %s is still unread", id)
			}
		}
		if !unread("worker2")[theirs] {
			t.Error("marking all read touched a colleague's notification")
		}
		var marked struct {
			Marked int `json:"marked"`
		}
		e.Do("POST", "/api/v1/notifications/read", "worker", nil).Decode(t, &marked)
		if marked.Marked != 0 {
			t.Errorf("marking all again marked %d, want 0", marked.Marked)
		}
		body = string(e.Page("GET", "/notifications", "worker", nil).Body)
		if strings.Contains(body, "Marquer comme lue") || strings.Contains(body, "Tout marquer comme lu") {
			t.Error("the page still offers to mark read when nothing is unread")
		}
	})
}

// « Who read this file? »: managers see the names and functions of the
// workers who opened it, repeated reads within 30 minutes make one line;
// the audit page speaks in names and French words and filters by name.
func TestAccessLog_ManagersSeeWhoReadAndRepeatsAreGrouped(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		p := recordPerson(t, e, "worker", "ROUX")
		for range 3 {
			if r := e.Page("GET", "/persons/"+p.ID, "worker", nil); r.Status != 200 {
				t.Fatalf("open the file: %d", r.Status)
			}
		}
		log := string(e.Page("GET", "/persons/"+p.ID+"/access-log", "manager", nil).Body)
		for _, want := range []string{"Prénom WORKER (intervenant·e social·e)", "a ouvert le dossier (3 fois, de ", "."} {
			if !strings.Contains(log, want) {
				t.Errorf("the manager's access log lacks %q", want)
			}
		}
		if n := strings.Count(log, "a ouvert le dossier"); n != 1 {
			t.Errorf("3 reloads make %d lines, want 1", n)
		}
		if own := string(e.Page("GET", "/persons/"+p.ID+"/access-log", "worker", nil).Body); strings.Contains(own, "Prénom WORKER (") {
			t.Error("a worker sees names although the organisation did not choose to show them")
		}
		audit := string(e.Page("GET", "/audit?person=roux+camille", "manager", nil).Body)
		for _, want := range []string{"ROUX Camille", "Prénom WORKER", "a ouvert le dossier", `<select id="f-worker_id"`, `<select id="f-action"`} {
			if !strings.Contains(audit, want) {
				t.Errorf("the audit page lacks %q", want)
			}
		}
		for _, bad := range []string{">casefile.open<", ">" + e.Workers["worker"].ID + " "} {
			if strings.Contains(audit, bad) {
				t.Errorf("the audit page shows the code %q", bad)
			}
		}
	})
}
