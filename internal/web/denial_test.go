package web_test

import (
	"net/http"
	"testing"

	"parcours/internal/app/apptest"
	"parcours/internal/audit"
)

// deniedSince returns the access.denied events recorded after seq, with
// every field a reader of the trail sees.
func deniedSince(t *testing.T, e *apptest.Env, seq int64) []audit.Event {
	t.Helper()
	rows, err := e.App.DB.SQL().Query(rebind(e, `SELECT actor_id, org_id, action, object_type, object_id, person_id, break_glass_id, reason
		FROM audit_events WHERE seq > ? ORDER BY seq`), seq)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []audit.Event
	for rows.Next() {
		var ev audit.Event
		if err := rows.Scan(&ev.ActorID, &ev.OrgID, &ev.Action, &ev.ObjectType, &ev.ObjectID, &ev.PersonID, &ev.BreakGlass, &ev.Reason); err != nil {
			t.Fatal(err)
		}
		if ev.Action == audit.ActionDenied {
			out = append(out, ev)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// A refused attempt on a person's file is audited as a denial: who tried
// and on which file, nothing of the file. A worker of the person's
// organisation finds it in the person's access log; another
// organisation's attempt stays in that organisation's trail and never
// reaches the person's access log.
func TestDenial_RefusedAttemptIsAuditedWithoutPersonalData(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		f := newFixture(t, e)
		path := "/api/v1/persons/" + f.Person.ID

		before := lastSeq(t, e)
		if r := e.Do("GET", path, "worker2", nil); r.Status != http.StatusForbidden {
			t.Fatalf("worker2 on the file: %d, want 403", r.Status)
		}
		evs := deniedSince(t, e, before)
		if len(evs) != 1 {
			t.Fatalf("worker2's refusal recorded %d denials, want 1: %+v", len(evs), evs)
		}
		want := audit.Event{ActorID: e.Workers["worker2"].ID, OrgID: e.OrgA.ID, Action: audit.ActionDenied,
			ObjectType: "person", ObjectID: f.Person.ID, PersonID: f.Person.ID}
		if evs[0] != want {
			t.Errorf("worker2's denial: %+v, want %+v", evs[0], want)
		}

		before = lastSeq(t, e)
		if r := e.Do("GET", path, "other", nil); r.Status != http.StatusNotFound {
			t.Fatalf("another organisation on the file: %d, want 404", r.Status)
		}
		evs = deniedSince(t, e, before)
		want = audit.Event{ActorID: e.Workers["other"].ID, OrgID: e.OrgB.ID, Action: audit.ActionDenied,
			ObjectType: "person", ObjectID: f.Person.ID}
		if len(evs) != 1 || evs[0] != want {
			t.Fatalf("the other organisation's refusal: %+v, want one %+v (not linked to the person)", evs, want)
		}

		// A request that does not exist for anyone is no attempt on a file.
		before = lastSeq(t, e)
		e.Do("GET", "/api/v1/persons/01900000-0000-7000-8000-000000000000", "worker2", nil)
		if evs := deniedSince(t, e, before); len(evs) != 0 {
			t.Errorf("an unknown person recorded denials: %+v", evs)
		}

		var log struct {
			Items []struct {
				Organization string `json:"organization"`
				Action       string `json:"action"`
			} `json:"items"`
		}
		e.Do("GET", path+"/access-log", "worker", nil).Decode(t, &log)
		var sawDenial bool
		for _, l := range log.Items {
			if l.Organization == e.OrgB.Name {
				t.Errorf("the person's access log shows the other organisation: %+v", l)
			}
			sawDenial = sawDenial || l.Action == audit.ActionDenied
		}
		if !sawDenial {
			t.Errorf("the person's access log does not show worker2's refused attempt: %+v", log)
		}
	})
}

// A household is part of its members' files: a refused attempt on it is
// audited like one on a file, naming the household and linked to its
// reference person only inside the household's organisation.
func TestDenial_RefusedHouseholdAttemptIsAudited(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		f := newFixture(t, e)
		path := "/api/v1/households/" + f.Household.ID

		before := lastSeq(t, e)
		if r := e.Do("GET", path, "worker2", nil); r.Status != http.StatusForbidden {
			t.Fatalf("worker2 on the household: %d, want 403", r.Status)
		}
		want := audit.Event{ActorID: e.Workers["worker2"].ID, OrgID: e.OrgA.ID, Action: audit.ActionDenied,
			ObjectType: "household", ObjectID: f.Household.ID, PersonID: f.Person.ID}
		if evs := deniedSince(t, e, before); len(evs) != 1 || evs[0] != want {
			t.Errorf("worker2's refusal on the household: %+v, want one %+v", evs, want)
		}

		before = lastSeq(t, e)
		if r := e.Do("GET", path, "other", nil); r.Status != http.StatusNotFound {
			t.Fatalf("another organisation on the household: %d, want 404", r.Status)
		}
		want = audit.Event{ActorID: e.Workers["other"].ID, OrgID: e.OrgB.ID, Action: audit.ActionDenied,
			ObjectType: "household", ObjectID: f.Household.ID}
		if evs := deniedSince(t, e, before); len(evs) != 1 || evs[0] != want {
			t.Errorf("the other organisation's refusal on the household: %+v, want one %+v (not linked to the person)", evs, want)
		}

		// The worker who follows the household reads it and leaves no denial.
		before = lastSeq(t, e)
		if r := e.Do("GET", path, "worker", nil); r.Status != http.StatusOK {
			t.Fatalf("the referent on the household: %d", r.Status)
		}
		if evs := deniedSince(t, e, before); len(evs) != 0 {
			t.Errorf("an allowed read recorded denials: %+v", evs)
		}
	})
}
