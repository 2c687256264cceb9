package accesslog_test

import (
	"net/http"
	"strings"
	"testing"

	"parcours/internal/app/apptest"
	"parcours/internal/audit"
	"parcours/internal/parcours"
	"parcours/internal/store"
	"parcours/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// TestAccessLog_OtherOrganisationsLeaveNothingInIt: a manager of another
// organisation searching the audit trail for a person of ours gets
// nothing and leaves nothing in that person's access log (issue 9); an
// event of another organisation's actor recorded with our person's id
// never shows in the log either.
func TestAccessLog_OtherOrganisationsLeaveNothingInIt(t *testing.T) {
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		ctx := t.Context()
		var p struct{ ID string }
		if r := e.Do("POST", "/api/v1/persons", "worker", map[string]any{"birth_name": "ROUX", "first_names": "Inès", "birth_date": "1992-06-14", "sex": "F"}); r.Status != http.StatusCreated {
			t.Fatalf("create: %d %s", r.Status, r.Body)
		} else {
			r.Decode(t, &p)
		}
		managerB := &parcours.Worker{OrgID: e.OrgB.ID, Email: "manager@departement.test", FirstName: "Prénom", LastName: "MANAGERB",
			Role: parcours.RoleManager, TeamIDs: []string{e.TeamB.ID}}
		if err := e.App.DB.Transact(ctx, func(tx *store.Tx) error { return tx.InsertWorker(ctx, managerB, "") }); err != nil {
			t.Fatal(err)
		}
		e.Workers["managerB"], e.Tokens["managerB"] = managerB, e.TokenFor(managerB)

		for _, path := range []string{"/api/v1/audit/events?person_id=" + p.ID, "/api/v1/audit/events.csv?person_id=" + p.ID} {
			r := e.Do("GET", path, "managerB", nil)
			if r.Status != http.StatusOK {
				t.Fatalf("GET %s as another organisation's manager: %d %s", path, r.Status, r.Body)
			}
			if strings.Contains(string(r.Body), p.ID) {
				t.Errorf("GET %s as another organisation's manager names the person: %s", path, r.Body)
			}
		}
		var n int
		q := "SELECT COUNT(*) FROM audit_events WHERE person_id = ? AND org_id = ?"
		if e.Dialect == store.Postgres {
			q = "SELECT COUNT(*) FROM audit_events WHERE person_id = $1 AND org_id = $2"
		}
		if err := e.App.DB.SQL().QueryRow(q, p.ID, e.OrgB.ID).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("events of the other organisation about our person: %d, want 0", n)
		}

		// Even an event recorded by mistake with our person's id stays
		// out of the person's log.
		err := e.App.DB.Transact(ctx, func(tx *store.Tx) error {
			tx.Audit(audit.For(managerB.Actor(), "person.read", "person", p.ID, p.ID))
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		var page struct {
			Items []struct {
				Organization string `json:"organization"`
				Action       string `json:"action"`
			} `json:"items"`
		}
		r := e.Do("GET", "/api/v1/persons/"+p.ID+"/access-log", "worker", nil)
		if r.Status != http.StatusOK {
			t.Fatalf("access log: %d %s", r.Status, r.Body)
		}
		r.Decode(t, &page)
		log := page.Items
		if len(log) == 0 {
			t.Fatal("access log is empty, want at least the creation")
		}
		for _, l := range log {
			if l.Organization == e.OrgB.Name {
				t.Errorf("the person's access log tells an action of another organisation: %+v", l)
			}
		}
	})
}
