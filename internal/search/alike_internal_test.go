package search

import (
	"testing"

	"parcours/internal/parcours"
)

// TestAlike_FollowsTheDuplicateDetection: a merge without a manager's
// confirmation needs two files the duplicate detection finds alike.
func TestAlike_FollowsTheDuplicateDetection(t *testing.T) {
	p := func(birth, usage, first, date string) *parcours.Person {
		return &parcours.Person{BirthName: birth, UsageName: usage, FirstNames: first, BirthDate: date}
	}
	for _, tc := range []struct {
		name string
		a, b *parcours.Person
		want bool
	}{
		{"a typo, same date", p("MARTIN", "", "Léa", "1990-04-12"), p("MARTINS", "", "Lea", "1990-04-12"), true},
		{"usage name on one side", p("DUPONT", "", "Marie", "1980-01-01"), p("LEBLANC", "DUPONT", "Marie", "1980-01-01"), true},
		{"same names, same year", p("BERNARD", "", "Chloé", "1987-02-03"), p("BERNARD", "", "Chloé", "1987-11-20"), true},
		{"same names, another year", p("BERNARD", "", "Chloé", "1987-02-03"), p("BERNARD", "", "Chloé", "1991-02-03"), false},
		{"unrelated persons", p("BERNARD", "", "Chloé", "1987-02-03"), p("LEROY", "", "Paul", "1975-09-30"), false},
		{"numbered look-alikes", p("ENFANT", "", "Bébé 1", "2020-01-01"), p("ENFANT", "", "Bébé 2", "2020-01-01"), false},
	} {
		if got := Alike(tc.a, tc.b); got != tc.want {
			t.Errorf("%s: Alike = %v, want %v", tc.name, got, tc.want)
		}
		if got := Alike(tc.b, tc.a); got != tc.want {
			t.Errorf("%s (reversed): Alike = %v, want %v", tc.name, got, tc.want)
		}
	}
}
