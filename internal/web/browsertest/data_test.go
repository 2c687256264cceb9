package browsertest

import (
	"testing"

	"parcours/internal/app/apptest"
	"parcours/internal/parcours"
	"parcours/internal/person"
)

// createPerson records a person through the service, as cast member who.
func createPerson(t *testing.T, e *apptest.Env, who, birthName, firstNames, birthDate string) string {
	t.Helper()
	sex := parcours.SexFemale
	p, err := e.App.Persons.Create(t.Context(), e.Actor(who), person.Input{
		BirthName: &birthName, FirstNames: &firstNames, BirthDate: &birthDate, Sex: &sex,
	})
	if err != nil {
		t.Fatal(err)
	}
	return p.ID
}
