// Package demo builds the data of `parcours demo` and `parcours seed`: the
// structures, teams and workers of a credible French setting and a
// synthetic population of households drawn from the name model (package
// names). Generation is deterministic: the same seed gives the same
// people, households, situations and journals, whatever the backend.
//
// It writes through package store in bulk, as an operator tool, and audits
// what it creates as the system actor. It must never be reachable from an
// HTTP request.
package demo

import (
	"fmt"
	"math"
	"time"

	"parcours/internal/demo/names"
	"parcours/internal/parcours"
	"parcours/internal/store"
)

// Population draws households one after the other from one seeded stream.
type Population struct {
	m     *names.Model
	today time.Time
}

// NewPopulation returns a population of seed. today bounds birth dates and
// situation dates; pass a fixed date where output must be reproducible.
func NewPopulation(seed uint64, today time.Time) *Population {
	return &Population{m: names.New(seed), today: today.UTC().Truncate(24 * time.Hour)}
}

// Reference is the fixed "today" of `parcours seed`, so that a seed gives
// the same population whatever the day it runs.
var Reference = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func (g *Population) intn(n int) int { return g.m.Rand().IntN(n) }

// pick returns the index drawn from weights.
func (g *Population) pick(weights ...int) int {
	t := 0
	for _, w := range weights {
		t += w
	}
	x := g.intn(t)
	for i, w := range weights {
		if x < w {
			return i
		}
		x -= w
	}
	return len(weights) - 1
}

// adultAge draws the age of an adult met by social services: mostly
// 25–60, a tail of older people.
func (g *Population) adultAge() int {
	a := int(math.Round(g.m.Rand().NormFloat64()*15 + 43))
	return min(92, max(18, a))
}

type member struct {
	p   parcours.Person
	rel parcours.Relationship
	// origin of the person's names
	o names.Origin
}

func (g *Population) person(o names.Origin, sex string, age int, surname string) member {
	year := g.today.Year() - age
	birth := g.m.BirthDate(year)
	if !birth.Before(g.today) {
		birth = g.today.AddDate(0, 0, -1-g.intn(200))
	}
	place := g.m.BirthPlace(o, birth.Year())
	p := parcours.Person{
		BirthName:  surname,
		FirstNames: g.m.FirstNames(o, sex, birth.Year()),
		BirthDate:  birth.Format(time.DateOnly),
		BirthPlace: place.Label,
		Sex:        parcours.Sex(sex),
	}
	if g.m.Chance(0.65) {
		p.NIR = g.m.NIR(sex, birth, place)
	}
	return member{p: p, o: o}
}

func otherSex(s string) string {
	if s == "F" {
		return "M"
	}
	return "F"
}

// Household draws one household: its members (the reference person
// first), shared address, and one to three situations, oldest first.
func (g *Population) Household() store.SeedHousehold {
	o := g.m.Origin()
	kind := g.pick(38, 24, 10, 22, 6) // single, single parent, couple, couple with children, with a lodger or a parent
	refSex := "F"
	switch kind {
	case 0, 4:
		if g.m.Chance(0.5) {
			refSex = "M"
		}
	case 1:
		if g.m.Chance(0.15) {
			refSex = "M"
		}
	default:
		if g.m.Chance(0.6) {
			refSex = "M"
		}
	}
	age := g.adultAge()
	if kind == 1 || kind == 3 {
		age = min(age, 55)
	}
	ref := g.person(o, refSex, age, g.m.Surname(o))
	ref.rel = parcours.RelReference
	ms := []member{ref}
	children := 0
	var spouse *member
	if kind == 2 || kind == 3 {
		so := o
		if g.m.Chance(0.15) {
			so = g.m.Origin()
		}
		sex := otherSex(refSex)
		if g.m.Chance(0.04) {
			sex = refSex
		}
		sa := min(95, max(18, age+int(g.m.Rand().NormFloat64()*4)))
		s := g.person(so, sex, sa, g.m.Surname(so))
		s.rel = parcours.RelSpouse
		ms = append(ms, s)
		spouse = &ms[len(ms)-1]
	}
	if kind == 1 || kind == 3 {
		children = 1 + g.pick(45, 33, 15, 7)
		var father, mother *member
		for i := range ms {
			if ms[i].p.Sex == "M" && father == nil {
				father = &ms[i]
			} else if ms[i].p.Sex == "F" && mother == nil {
				mother = &ms[i]
			}
		}
		surname := ""
		switch {
		case father != nil && mother != nil:
			surname = father.p.BirthName
			if g.m.Chance(0.08) {
				surname = father.p.BirthName + "-" + mother.p.BirthName
			}
		case kind == 1 && ref.p.Sex == "F" && g.m.Chance(0.45):
			surname = g.m.Surname(o) // the absent father's name
		default:
			surname = ref.p.BirthName
		}
		youngest := max(0, age-45)
		oldest := max(youngest, min(age-18, 24))
		for range children {
			ca := youngest + g.intn(oldest-youngest+1)
			c := g.person(o, []string{"F", "M"}[g.intn(2)], ca, surname)
			c.rel = parcours.RelChild
			if ca >= 21 {
				c.rel = parcours.RelOtherChild
			}
			ms = append(ms, c)
		}
	}
	if kind == 4 {
		if age >= 40 && g.m.Chance(0.5) {
			p := g.person(o, []string{"F", "M"}[g.intn(2)], min(98, age+22+g.intn(10)), ref.p.BirthName)
			p.rel = parcours.RelParent
			ms = append(ms, p)
		} else {
			lo := g.m.Origin()
			p := g.person(lo, []string{"F", "M"}[g.intn(2)], g.adultAge(), g.m.Surname(lo))
			p.rel = parcours.RelOther
			ms = append(ms, p)
		}
	}
	// A married woman often uses her husband's name.
	if spouse != nil && spouse.p.Sex != ms[0].p.Sex {
		wife, husband := &ms[0], spouse
		if wife.p.Sex != "F" {
			wife, husband = spouse, &ms[0]
		}
		if g.m.Chance(0.55) {
			wife.p.UsageName = husband.p.BirthName
		}
	}

	sits := g.situations(age, kind, children)
	addr := g.m.Address()
	if sits[len(sits)-1].Housing == "sans_domicile" {
		addr = names.Address{Line1: "Domiciliation administrative", Line2: "CCAS", PostalCode: addr.PostalCode, City: addr.City}
	}
	h := store.SeedHousehold{Situations: sits}
	lead := ms[0].p
	h.Household.Name = "Foyer " + displaySurname(lead)
	for i := range ms {
		p := &ms[i].p
		p.Address = parcours.Address{Line1: addr.Line1, Line2: addr.Line2, PostalCode: addr.PostalCode, City: addr.City}
		adult := ms[i].rel != parcours.RelChild
		if adult && g.m.Chance(0.8) {
			p.Phone = g.m.Phone()
		}
		if adult && g.m.Chance(0.3) {
			p.Email = g.m.Email(p.FirstNames, displaySurname(*p))
		}
		h.Members = append(h.Members, store.SeedMember{Person: *p, Relationship: ms[i].rel})
	}
	if g.m.Chance(0.55) {
		h.Members[0].Person.CAFNumber = fmt.Sprintf("%07d", 1+g.intn(9_999_999))
	}
	return h
}

func displaySurname(p parcours.Person) string {
	if p.UsageName != "" {
		return p.UsageName
	}
	return p.BirthName
}

// situations draws the current situation and, for about a third of
// households, one or two earlier ones: the history a worker reads.
func (g *Population) situations(age, kind, children int) []parcours.Situation {
	n := 1
	if g.m.Chance(0.35) {
		n = 2 + g.pick(3, 1)
	}
	out := make([]parcours.Situation, n)
	// Dates go forward: the oldest situation first, a few months to a
	// year between changes, the latest within the last two years.
	step := 60 + g.intn(300)
	days := (n-1)*step + 1 + g.intn(700)
	for i := range out {
		out[i] = g.situation(age, kind, children)
		out[i].ValidFrom = g.today.AddDate(0, 0, -days).Format(time.DateOnly)
		days -= step
	}
	return out
}

var (
	housingWeights = []int{45, 22, 6, 10, 4, 3, 3, 4, 3} // parcours.HousingKinds order
	// employment order: cdi, cdd, interim, independant, demandeur_emploi,
	// formation, retraite, sans_activite, etudiant, invalidite
	employmentWeights = []int{15, 12, 8, 4, 30, 5, 0, 15, 3, 6}
)

var healthNotes = []string{
	"Suivi médical régulier (diabète).", "Reconnaissance MDPH en cours.", "Suivi psychologique au CMP.",
	"Grossesse en cours, suivi PMI.", "Difficultés de mobilité.", "Traitement au long cours.",
}

func (g *Population) situation(age, kind, children int) parcours.Situation {
	s := parcours.Situation{Housing: parcours.HousingKinds[g.pick(housingWeights...)]}
	if age >= 63 && g.m.Chance(0.85) {
		s.Employment = "retraite"
	} else {
		s.Employment = parcours.EmploymentKinds[g.pick(employmentWeights...)]
		if s.Employment == "etudiant" && age > 28 {
			s.Employment = "demandeur_emploi"
		}
	}
	add := func(src string, amount int) {
		s.IncomeSources = append(s.IncomeSources, src)
		s.MonthlyIncome += amount
	}
	switch s.Employment {
	case "cdi", "cdd", "interim", "independant":
		add("salaire", 900+g.intn(1100))
		if g.m.Chance(0.5) {
			add("prime_activite", 80+g.intn(250))
		}
	case "demandeur_emploi":
		if g.m.Chance(0.5) {
			add("are", 600+g.intn(700))
		} else {
			add("rsa", 600+180*children)
		}
	case "formation":
		add("autre", 500+g.intn(300))
	case "retraite":
		add("pension_retraite", 700+g.intn(1000))
	case "invalidite":
		add("aah", 1000)
	case "etudiant":
		add("aucun", 0)
	default:
		add("rsa", 600+180*children)
	}
	if children >= 2 {
		add("allocations_familiales", 140+g.intn(5)*170*(children-1)/4)
	}
	if kind == 1 && g.m.Chance(0.3) {
		add("pension_alimentaire", 100+g.intn(300))
	}
	if (s.Housing == "locataire_social" || s.Housing == "locataire_prive") && g.m.Chance(0.7) {
		add("apl", 150+g.intn(250))
	}
	if g.m.Chance(0.1) {
		s.Health = healthNotes[g.intn(len(healthNotes))]
	}
	return s
}
