package web_test

import "net/http"

func init() {
	created := http.StatusCreated
	addRows(
		matrixRow{Route: "POST /api/v1/persons", Path: fixed("/api/v1/persons"),
			Body: func(f *fixture, who string) any {
				return map[string]any{"birth_name": "DURAND", "first_names": "Paul " + who, "birth_date": "1975-01-31", "sex": "M"}
			},
			Want: all(created, "admin", 403)},
		matrixRow{Route: "GET /api/v1/persons", Path: fixed("/api/v1/persons"), Want: all(200)},
		matrixRow{Route: "GET /api/v1/persons/{id}", Path: func(f *fixture) string { return "/api/v1/persons/" + f.Person.ID },
			Want: all(200, "admin", 404, "other", 404)},
		matrixRow{Route: "PATCH /api/v1/persons/{id}", Path: func(f *fixture) string { return "/api/v1/persons/" + f.Person.ID },
			Body: func(f *fixture, who string) any { return map[string]any{"phone": "0612345678"} },
			Want: all(200, "admin", 404, "reception", 403, "other", 404)},
		matrixRow{Route: "POST /api/v1/households", Path: fixed("/api/v1/households"),
			Body: func(f *fixture, who string) any { return map[string]any{"name": "Foyer " + who} },
			Want: all(created, "admin", 403, "reception", 403)},
		matrixRow{Route: "GET /api/v1/households", Path: fixed("/api/v1/households"),
			Want: all(200, "admin", 403)},
		matrixRow{Route: "GET /api/v1/households/{id}", Path: householdPath(""),
			Want: all(200, "admin", 404, "other", 404)},
		matrixRow{Route: "POST /api/v1/households/{id}/members", Path: householdPath("/members"),
			Body: func(f *fixture, who string) any {
				return map[string]any{"person_id": f.Person.ID, "relationship": "reference"}
			},
			Want: all(200, "admin", 404, "reception", 403, "other", 404)},
		matrixRow{Route: "POST /api/v1/households/{id}/situations", Path: householdPath("/situations"),
			Body: func(f *fixture, who string) any { return map[string]any{"housing": "locataire_social"} },
			Want: all(created, "admin", 404, "reception", 403, "other", 404)},
		matrixRow{Route: "GET /api/v1/households/{id}/situations", Path: householdPath("/situations"),
			Want: all(200, "admin", 404, "other", 404)},
	)
}

func householdPath(suffix string) func(*fixture) string {
	return func(f *fixture) string { return "/api/v1/households/" + f.Household.ID + suffix }
}
