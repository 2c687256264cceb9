package person

import (
	"slices"
	"strings"
	"testing"
	"time"

	"parcours/internal/parcours"
)

var testToday = time.Date(2026, 3, 15, 0, 0, 0, 0, time.UTC)

func validTestPerson() parcours.Person {
	return parcours.Person{BirthName: "GARCIA", FirstNames: "Lucas", BirthDate: "1985-07-14", Sex: parcours.SexMale}
}

// problemFields returns the fields named by err's problems.
func problemFields(t *testing.T, err error) []string {
	t.Helper()
	e := parcours.AsError(err)
	if e == nil {
		t.Fatalf("error %v is not a *parcours.Error", err)
	}
	if e.Code != parcours.EInvalid {
		t.Errorf("code %q, want %q", e.Code, parcours.EInvalid)
	}
	var out []string
	for _, f := range e.Fields {
		out = append(out, f.Field)
	}
	return out
}

func TestValidate_AcceptsAFullValidPerson(t *testing.T) {
	p := validTestPerson()
	p.UsageName, p.BirthPlace, p.Phone, p.Email = "MARTIN", "Lyon 3e", "04 72 00 00 00", "lucas.garcia@exemple.fr"
	p.Address = parcours.Address{Line1: "12 rue de la République", PostalCode: "69003", City: "Lyon"}
	p.NIR, p.CAFNumber = "185057800608491", "1234567"
	if err := validate(&p, testToday); err != nil {
		t.Fatalf("valid person refused: %v", err)
	}
	p.BirthDate = testToday.Format(time.DateOnly) // born today is not the future
	if err := validate(&p, testToday); err != nil {
		t.Fatalf("person born today refused: %v", err)
	}
}

func TestValidate_RefusesEachBadField(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(p *parcours.Person)
		field string
		key   string
	}{
		{"birth date tomorrow", func(p *parcours.Person) { p.BirthDate = "2026-03-16" }, "birth_date", "error.date_in_future"},
		{"birth date not a day", func(p *parcours.Person) { p.BirthDate = "1985-02-29" }, "birth_date", "error.invalid_date"},
		{"birth date in French format", func(p *parcours.Person) { p.BirthDate = "14/07/1985" }, "birth_date", "error.invalid_date"},
		{"birth date before 1890", func(p *parcours.Person) { p.BirthDate = "1850-01-01" }, "birth_date", "error.invalid_date"},
		{"birth date missing", func(p *parcours.Person) { p.BirthDate = "" }, "birth_date", "error.field_required"},
		{"blank birth name", func(p *parcours.Person) { p.BirthName = " \t" }, "birth_name", "error.field_required"},
		{"blank first names", func(p *parcours.Person) { p.FirstNames = "" }, "first_names", "error.field_required"},
		{"birth name too long", func(p *parcours.Person) { p.BirthName = strings.Repeat("É", 101) }, "birth_name", "error.field_too_long"},
		{"unknown sex", func(p *parcours.Person) { p.Sex = "W" }, "sex", "error.invalid_choice"},
		{"e-mail without domain", func(p *parcours.Person) { p.Email = "lucas@" }, "email", "error.invalid_email"},
		{"e-mail with a display name", func(p *parcours.Person) { p.Email = "Lucas <l@exemple.fr>" }, "email", "error.invalid_email"},
		{"NIR with a wrong key", func(p *parcours.Person) { p.NIR = "185057800608436" }, "nir", "error.invalid_nir"},
		{"NIR too short", func(p *parcours.Person) { p.NIR = "18505780060" }, "nir", "error.invalid_nir"},
		{"postal code of four digits", func(p *parcours.Person) { p.Address.PostalCode = "6900" }, "address.postal_code", "error.invalid_postal_code"},
		{"postal code with a letter", func(p *parcours.Person) { p.Address.PostalCode = "2A004" }, "address.postal_code", "error.invalid_postal_code"},
		{"CAF number with letters", func(p *parcours.Person) { p.CAFNumber = "12A45" }, "caf_number", "error.invalid_caf_number"},
		{"CAF number too long", func(p *parcours.Person) { p.CAFNumber = strings.Repeat("1", 21) }, "caf_number", "error.field_too_long"},
		{"phone too long", func(p *parcours.Person) { p.Phone = strings.Repeat("0", 31) }, "phone", "error.field_too_long"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := validTestPerson()
			c.edit(&p)
			err := validate(&p, testToday)
			if err == nil {
				t.Fatal("accepted")
			}
			e := parcours.AsError(err)
			if got := problemFields(t, err); !slices.Equal(got, []string{c.field}) {
				t.Fatalf("problems on %v, want only %s", got, c.field)
			}
			if e.Field != c.field || e.Key != c.key {
				t.Errorf("got %s/%s, want %s/%s", e.Field, e.Key, c.field, c.key)
			}
		})
	}
}

func TestValidate_ReportsEveryProblemAtOnce(t *testing.T) {
	p := parcours.Person{Sex: parcours.SexUnknown, Email: "x", NIR: "1"}
	got := problemFields(t, validate(&p, testToday))
	want := []string{"birth_name", "first_names", "birth_date", "email", "nir"}
	if !slices.Equal(got, want) {
		t.Errorf("problems on %v, want %v", got, want)
	}
}

func TestSituationValidate_NamesFieldsWithThePrefixAndDefaultsTheDate(t *testing.T) {
	in := SituationInput{Housing: "chateau", IncomeSources: []string{"rsa", "loto"}, Employment: "astronaute",
		MonthlyIncome: -1, Health: strings.Repeat("x", 2001), ValidFrom: "2026-03-16"}
	var v parcours.Problems
	in.validate(&v, "situation.", testToday)
	got := problemFields(t, v.Err())
	want := []string{"situation.housing", "situation.employment", "situation.income_sources", "situation.monthly_income_eur",
		"situation.health", "situation.valid_from"}
	if !slices.Equal(got, want) {
		t.Errorf("problems on %v, want %v", got, want)
	}
	// The message names the field by its label, without the prefix.
	for _, f := range parcours.AsError(v.Err()).Fields {
		if len(f.Args) == 0 || !strings.HasPrefix(f.Args[0].(string), "field.") || strings.Contains(f.Args[0].(string), "situation.") {
			t.Errorf("%s: label argument %v", f.Field, f.Args)
		}
	}

	ok := SituationInput{Housing: "locataire_social", IncomeSources: []string{"salaire"}}
	var v2 parcours.Problems
	ok.validate(&v2, "", testToday)
	if err := v2.Err(); err != nil {
		t.Fatalf("valid situation refused: %v", err)
	}
	if ok.ValidFrom != "2026-03-15" {
		t.Errorf("valid_from defaulted to %q, want today", ok.ValidFrom)
	}

	var v3 parcours.Problems
	(&SituationInput{}).validate(&v3, "", testToday)
	if got := problemFields(t, v3.Err()); !slices.Equal(got, []string{"housing"}) {
		t.Errorf("empty situation: problems on %v, want housing only", got)
	}
}

func TestToday_IsTheDateInFrance(t *testing.T) {
	// 23:30 UTC on 31 December is already 1 January in Paris.
	got := today(time.Date(2025, 12, 31, 23, 30, 0, 0, time.UTC))
	if got.Format(time.DateOnly) != "2026-01-01" {
		t.Errorf("today = %s, want 2026-01-01", got.Format(time.DateOnly))
	}
}
