package casefile_test

import (
	"net/http"
	"testing"

	"parcours/internal/app/apptest"
	"parcours/internal/parcours"
	"parcours/internal/person"
)

// An accompaniment of the household covers every current member: it shows
// in each member's file and links its referent and team to all of them.
func TestHouseholdAccompaniment_CoversEveryMember(t *testing.T) {
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		newMember := func(birth, first string) *parcours.Person {
			p, err := e.App.Persons.Create(t.Context(), e.Actor("worker"), person.Input{BirthName: ptr(birth), FirstNames: ptr(first),
				BirthDate: ptr("1984-02-03"), Sex: ptr(parcours.SexUnknown), Force: true})
			if err != nil {
				t.Fatal(err)
			}
			return p
		}
		parent, child := newMember("DIALLO", "Aminata"), newMember("DIALLO", "Moussa")
		alone := newMember("ROCHE", "Yvan")
		call(t, e, "POST", "/api/v1/households", "worker", map[string]any{"name": "Foyer Diallo", "members": []map[string]any{
			{"person_id": parent.ID, "relationship": "reference"}, {"person_id": child.ID, "relationship": "enfant"}}}, 201, nil)

		// worker2, of the other team, does not follow the child yet.
		if r := e.Do("GET", "/api/v1/persons/"+child.ID+"/accompaniments", "worker2", nil); r.Status != http.StatusForbidden {
			t.Fatalf("worker2 before the household accompaniment: %d, want 403", r.Status)
		}
		var acc accJSON
		call(t, e, "POST", "/api/v1/persons/"+parent.ID+"/accompaniments", "worker", map[string]any{
			"kind": "asg", "referent_id": e.Workers["worker2"].ID, "team_id": e.TeamA2.ID, "household": true}, 201, &acc)

		var childAccs struct {
			Items []struct {
				ID          string `json:"id"`
				HouseholdID string `json:"household_id"`
			}
		}
		call(t, e, "GET", "/api/v1/persons/"+child.ID+"/accompaniments", "worker2", nil, 200, &childAccs)
		if len(childAccs.Items) != 1 || childAccs.Items[0].ID != acc.ID || childAccs.Items[0].HouseholdID == "" {
			t.Fatalf("child's accompaniments = %+v, want the household one", childAccs.Items)
		}
		// The referent may write in the child's journal too.
		call(t, e, "POST", "/api/v1/persons/"+child.ID+"/journal", "worker2", map[string]any{
			"kind": "note", "summary": "Inscription à la cantine faite avec la famille.", "accompaniment_id": acc.ID}, 201, nil)
		// Someone outside the household is not covered.
		if r := e.Do("GET", "/api/v1/persons/"+alone.ID+"/accompaniments", "worker2", nil); r.Status != http.StatusForbidden {
			t.Fatalf("worker2 on a person outside the household: %d, want 403", r.Status)
		}

		// Without a household there is nothing to cover: 422, nothing written.
		before := e.Do("GET", "/api/v1/persons/"+alone.ID+"/accompaniments", "worker", nil)
		r := e.Do("POST", "/api/v1/persons/"+alone.ID+"/accompaniments", "worker", map[string]any{"kind": "asg", "household": true})
		var body apiError
		r.Decode(t, &body)
		if r.Status != http.StatusUnprocessableEntity || body.Error.Field != "household" || body.Error.Message == "" {
			t.Fatalf("household accompaniment of a person without household: %d %s", r.Status, r.Body)
		}
		after := e.Do("GET", "/api/v1/persons/"+alone.ID+"/accompaniments", "worker", nil)
		if string(before.Body) != string(after.Body) {
			t.Fatalf("a refused accompaniment changed the list: %s → %s", before.Body, after.Body)
		}
	})
}
