package web_test

import (
	"net/url"
	"strings"
	"testing"

	"parcours/internal/app/apptest"
	"parcours/internal/parcours"
)

// TestLogs_NoPersonalData creates, reads, searches and edits a person with
// a distinctive identity through the API and the pages, including
// refused requests, and checks that nothing of it reaches the logs: only
// routes, statuses, ids and timings may.
func TestLogs_NoPersonalData(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		const (
			birthName = "QUERCYVANDELOUP"
			usageName = "ORMESSONTRIBALD"
			firstName = "Philibertine"
			birthDate = "1931-08-27"
			email     = "philibertine.quercy@exemple.fr"
			search    = "Quercyvand"
			health    = "insuffisance-respiratoire-chronique"
		)
		nir := "2310875123456" + nirKey("2310875123456")
		secrets := []string{birthName, usageName, firstName, birthDate, "27/08/1931", email, search, health, nir}

		resp := e.Do("POST", "/api/v1/persons", "worker", map[string]any{
			"birth_name": birthName, "usage_name": usageName, "first_names": firstName, "birth_date": birthDate,
			"email": email, "nir": nir, "sex": "F"})
		if resp.Status != 201 {
			t.Fatalf("create: %d %s", resp.Status, resp.Body)
		}
		var p parcours.Person
		resp.Decode(t, &p)
		mustStatus(t, e.Do("GET", "/api/v1/persons/"+p.ID, "worker", nil), 200)
		mustStatus(t, e.Do("GET", "/api/v1/persons", "reception", nil), 200)
		mustStatus(t, e.Do("GET", "/api/v1/persons?q="+url.QueryEscape(search), "worker", nil), 200, 400)
		mustStatus(t, e.Do("PATCH", "/api/v1/persons/"+p.ID, "worker", map[string]any{"phone": "0611223344"}), 200)
		// Refused requests echo nothing of their body into the logs either.
		mustStatus(t, e.Do("POST", "/api/v1/persons", "worker", map[string]any{
			"birth_name": birthName, "first_names": firstName, "birth_date": birthDate, "email": search + "@"}), 422)
		mustStatus(t, e.Do("POST", "/api/v1/persons", "worker", `{"birth_name": "`+birthName+`", "nope": "`+firstName+`"}`), 400)
		mustStatus(t, e.Do("POST", "/api/v1/persons", "worker", `{"birth_name": "`+birthName+`" "`), 400)

		resp = e.Do("POST", "/api/v1/households", "worker", map[string]any{
			"name":      "Foyer " + birthName,
			"members":   []any{map[string]any{"person_id": p.ID, "relationship": "reference"}},
			"situation": map[string]any{"housing": "locataire_prive", "health": health},
		})
		mustStatus(t, resp, 201)
		var h parcours.Household
		resp.Decode(t, &h)
		mustStatus(t, e.Do("GET", "/api/v1/households/"+h.ID+"/situations", "worker", nil), 200)

		// The pages.
		mustStatus(t, e.Page("GET", "/persons", "worker", nil), 200)
		mustStatus(t, e.Page("GET", "/persons?q="+url.QueryEscape(search), "worker", nil), 200)
		mustStatus(t, e.Page("GET", "/persons/"+p.ID+"/edit", "worker", nil), 200)
		mustStatus(t, e.Page("GET", "/households/"+h.ID, "worker", nil), 200)
		mustStatus(t, e.Page("POST", "/persons", "worker", url.Values{
			"birth_name": {birthName}, "first_names": {firstName}, "birth_date": {"2999-01-01"}, "email": {search}}), 422)
		mustStatus(t, e.Page("POST", "/persons/"+p.ID, "worker", url.Values{
			"birth_name": {birthName}, "usage_name": {usageName}, "first_names": {firstName}, "birth_date": {birthDate},
			"email": {email}, "nir": {nir}, "sex": {"F"}}), 303)

		logs := e.Logs()
		if !strings.Contains(logs, "/api/v1/persons/{id}") {
			t.Fatal("the requests were not logged at all; the test would prove nothing")
		}
		for _, line := range strings.Split(logs, "\n") {
			for _, s := range secrets {
				if strings.Contains(strings.ToLower(line), strings.ToLower(s)) {
					t.Errorf("log line contains %q: %s", s, line)
				}
			}
		}
	})
}

func mustStatus(t *testing.T, resp *apptest.Response, want ...int) {
	t.Helper()
	for _, w := range want {
		if resp.Status == w {
			return
		}
	}
	t.Errorf("status %d, want %v: %s", resp.Status, want, truncate(resp.Body))
}
