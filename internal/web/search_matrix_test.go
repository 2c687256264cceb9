package web_test

import (
	"net/http"
	"testing"

	"parcours/internal/parcours"
	"parcours/internal/person"
	"parcours/internal/search"
)

// duplicate creates, as the worker of org A, a fresh look-alike of the
// fixture person for a merge to absorb.
func duplicate(t testing.TB, f *fixture) *parcours.Person {
	p, err := f.e.App.Persons.Create(t.Context(), f.e.Actor("worker"), person.Input{
		BirthName: ptr("MARTIN"), FirstNames: ptr("Lea"), BirthDate: ptr("1990-04-12"), Sex: ptr(parcours.SexFemale), Force: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func init() {
	addRows(
		matrixRow{Route: "POST /api/v1/persons/{id}/merge", Path: func(f *fixture) string { return "/api/v1/persons/" + f.Person.ID + "/merge" },
			Body: func(f *fixture, who string) any {
				return map[string]any{"other_id": duplicate(f.e.T, f).ID, "reason": "doublon : même pièce d'identité"}
			},
			// Merging changes both files: only those who follow both
			// persons (need-to-know); a break-glass on one is not enough.
			Want: all(http.StatusCreated, "admin", 403, "reception", 403, "other", 404, "worker2", 403, "bg_active", 403, "teammate", http.StatusCreated)},
		matrixRow{Route: "POST /api/v1/merges/{id}/undo",
			// Each request undoes a merge of its own.
			Path: func(f *fixture) string {
				m, err := f.e.App.Search.MergePersons(f.e.T.Context(), f.e.Actor("worker"), f.Person.ID,
					search.MergeInput{OtherID: duplicate(f.e.T, f).ID, Reason: "doublon"})
				if err != nil {
					f.e.T.Fatal(err)
				}
				return "/api/v1/merges/" + m.ID + "/undo"
			},
			Body: func(f *fixture, who string) any { return map[string]any{"reason": "homonymes"} },
			// Like the merge: those who follow both persons, never
			// through a break-glass.
			Want: all(200, "admin", 403, "reception", 403, "other", 404, "worker2", 403, "bg_active", 403, "bg_expired", 403, "teammate", 200)},
		matrixRow{Route: "GET /search", Path: fixed("/search?q=martin"), Page: true, Want: all(200)},
	)
}

func init() {
	addRows(
		matrixRow{Route: "GET /import", Path: fixed("/import"), Page: true, Want: all(200, "admin", 403, "reception", 403)},
		// A form without a file: those allowed to import are told to
		// choose one (422); nothing is imported.
		matrixRow{Route: "POST /import", Path: fixed("/import"), Page: true, Want: all(422, "admin", 403, "reception", 403)},
	)
}

func init() {
	addRows(
		matrixRow{Route: "GET /api/v1/search/journal", Path: fixed("/api/v1/search/journal?q=dossier"), Want: all(200)},
		matrixRow{Route: "GET /search/journal", Path: fixed("/search/journal?q=dossier"), Page: true, Want: all(200)},
	)
}

func init() {
	addRows(
		matrixRow{Route: "GET /api/v1/persons/{id}/merges", Path: func(f *fixture) string { return "/api/v1/persons/" + f.Person.ID + "/merges" },
			// Part of the file: need-to-know like the rest of it.
			Want: all(200, "admin", 404, "other", 404, "worker2", 403, "bg_active", 200, "bg_expired", 403, "teammate", 200), Audit: []string{"person.merge.list"}},
	)
}
