package web_test

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
)

func init() {
	created := http.StatusCreated
	addRows(
		matrixRow{Route: "POST /api/v1/persons", Path: fixed("/api/v1/persons"),
			Body: func(f *fixture, who string) any {
				// A birth year per caller: the same name and date would be a
				// likely duplicate, refused without force.
				return map[string]any{"birth_name": "DURAND", "first_names": "Paul " + who, "birth_date": strconv.Itoa(1960+slices.Index(everyone, who)) + "-01-31", "sex": "M"}
			},
			Want: all(created, "admin", 403)},
		matrixRow{Route: "GET /api/v1/persons", Path: fixed("/api/v1/persons"), Want: all(200)},
		matrixRow{Route: "GET /api/v1/persons/{id}", Path: func(f *fixture) string { return "/api/v1/persons/" + f.Person.ID },
			Want: all(200, "admin", 404, "other", 404, "worker2", 403, "bg_active", 200, "teammate", 200), Audit: []string{"person.read"}},
		matrixRow{Route: "PATCH /api/v1/persons/{id}", Path: func(f *fixture) string { return "/api/v1/persons/" + f.Person.ID },
			Body: func(f *fixture, who string) any { return map[string]any{"phone": "0612345678"} },
			Want: all(200, "admin", 404, "reception", 403, "other", 404, "worker2", 403, "bg_active", 403, "teammate", 200)},
		matrixRow{Route: "POST /api/v1/households", Path: fixed("/api/v1/households"),
			Body: func(f *fixture, who string) any { return map[string]any{"name": "Foyer " + who} },
			Want: all(created, "admin", 403, "reception", 403)},
		matrixRow{Route: "GET /api/v1/households", Path: fixed("/api/v1/households"),
			Want: all(200, "admin", 403)},
		matrixRow{Route: "GET /api/v1/households/{id}", Path: householdPath(""),
			Want: all(200, "admin", 404, "other", 404, "worker2", 403, "bg_active", 200, "teammate", 200)},
		matrixRow{Route: "PATCH /api/v1/households/{id}", Path: householdPath(""),
			Body: func(f *fixture, who string) any { return map[string]any{"name": "Foyer Martin-" + who} },
			Want: all(200, "admin", 404, "reception", 403, "other", 404, "worker2", 403, "bg_active", 403, "teammate", 200)},
		matrixRow{Route: "POST /api/v1/households/{id}/members", Path: householdPath("/members"),
			Body: func(f *fixture, who string) any {
				return map[string]any{"person_id": f.Person.ID, "relationship": "reference"}
			},
			Want: all(200, "admin", 404, "reception", 403, "other", 404, "worker2", 403, "bg_active", 403, "teammate", 200)},
		matrixRow{Route: "POST /api/v1/households/{id}/situations", Path: householdPath("/situations"),
			Body: func(f *fixture, who string) any { return map[string]any{"housing": "locataire_social"} },
			Want: all(created, "admin", 404, "reception", 403, "other", 404, "worker2", 403, "bg_active", 403, "teammate", created)},
		matrixRow{Route: "GET /api/v1/households/{id}/situations", Path: householdPath("/situations"),
			Want: all(200, "admin", 404, "other", 404, "worker2", 403, "bg_active", 200, "teammate", 200)},
	)
}

func householdPath(suffix string) func(*fixture) string {
	return func(f *fixture) string { return "/api/v1/households/" + f.Household.ID + suffix }
}

// The persons and household pages. A successful form post redirects (303)
// to the page showing what was saved.
func init() {
	see := http.StatusSeeOther
	personForm := func(f *fixture, who string) any {
		return url.Values{"birth_name": {"MOREAU"}, "first_names": {"Jade " + who}, "sex": {"F"},
			"birth_date": {strconv.Itoa(1960+slices.Index(everyone, who)) + "-05-17"}}
	}
	personPage := func(suffix string) func(*fixture) string {
		return func(f *fixture) string { return "/persons/" + f.Person.ID + suffix }
	}
	householdPage := func(suffix string) func(*fixture) string {
		return func(f *fixture) string { return "/households/" + f.Household.ID + suffix }
	}
	addRows(
		matrixRow{Route: "GET /persons", Path: fixed("/persons"), Want: all(200), Page: true},
		matrixRow{Route: "GET /persons/new", Path: fixed("/persons/new"), Want: all(200, "admin", 403), Page: true},
		matrixRow{Route: "POST /persons", Path: fixed("/persons"), Body: personForm, Want: all(see, "admin", 403), Page: true},
		matrixRow{Route: "GET /persons/{id}/edit", Path: personPage("/edit"),
			Want: all(200, "admin", 404, "reception", 403, "other", 404, "worker2", 403, "bg_active", 403, "teammate", 200), Page: true},
		matrixRow{Route: "POST /persons/{id}", Path: personPage(""),
			Body: func(f *fixture, who string) any {
				return url.Values{"birth_name": {"MARTIN"}, "first_names": {"Léa"}, "birth_date": {"1990-04-12"}, "sex": {"F"}}
			},
			Want: all(see, "admin", 404, "reception", 403, "other", 404, "worker2", 403, "bg_active", 403, "teammate", see), Page: true},
		matrixRow{Route: "GET /households/new", Path: fixed("/households/new"),
			Want: all(200, "admin", 403, "reception", 403), Page: true},
		matrixRow{Route: "POST /households", Path: fixed("/households"),
			Body: func(f *fixture, who string) any { return url.Values{"name": {"Foyer " + who}} },
			Want: all(see, "admin", 403, "reception", 403), Page: true},
		matrixRow{Route: "GET /households/{id}", Path: householdPage(""),
			Want: all(200, "admin", 404, "other", 404, "worker2", 403, "bg_active", 200, "teammate", 200), Page: true},
		matrixRow{Route: "POST /households/{id}", Path: householdPage(""),
			Body: func(f *fixture, who string) any { return url.Values{"name": {"Foyer Martin-" + who}} },
			Want: all(see, "admin", 404, "reception", 403, "other", 404, "worker2", 403, "bg_active", 403, "teammate", see), Page: true},
		matrixRow{Route: "POST /households/{id}/members", Path: householdPage("/members"),
			Body: func(f *fixture, who string) any {
				return url.Values{"person_id": {f.Person.ID}, "relationship": {"reference"}}
			},
			Want: all(see, "admin", 404, "reception", 403, "other", 404, "worker2", 403, "bg_active", 403, "teammate", see), Page: true},
		matrixRow{Route: "POST /households/{id}/situations", Path: householdPage("/situations"),
			Body: func(f *fixture, who string) any { return url.Values{"housing": {"locataire_prive"}} },
			Want: all(see, "admin", 404, "reception", 403, "other", 404, "worker2", 403, "bg_active", 403, "teammate", see), Page: true},
	)
}
