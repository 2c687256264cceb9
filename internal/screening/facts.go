package screening

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"parcours/internal/file"
	"parcours/internal/parcours"
	"parcours/internal/prescreen"
)

// Situation turns what the file holds into the facts the rules read, on
// date, each with its source (which field, entered by whom, when), or
// unknown with the field to fill in. Nothing is guessed: a datum the file
// does not hold is « données manquantes » for the rules that need it.
func Situation(d *file.PrescreenData, date string) prescreen.Situation {
	s := prescreen.Situation{Date: date, Data: map[string]prescreen.Datum{}}
	set := func(name string, num float64, b bool, source string) {
		s.Data[name] = prescreen.Datum{Num: num, Bool: b, Known: true, Source: source}
	}
	missing := func(name, field string) {
		s.Data[name] = prescreen.Datum{Missing: field}
	}
	who := func(id string) string {
		if n := d.Workers[id]; n != "" {
			return n
		}
		return "un·e professionnel·le"
	}

	// Composition and ages.
	var ref, spouse *parcours.Person
	children := 0
	for _, m := range d.Household.Members {
		p := d.Persons[m.PersonID]
		switch {
		case m.Relationship == parcours.RelReference && ref == nil:
			ref = p
		case m.Relationship == parcours.RelSpouse && spouse == nil:
			spouse = p
		case m.Relationship == parcours.RelChild:
			children++
		}
	}
	if ref == nil && len(d.Household.Members) > 0 {
		ref = d.Persons[d.Household.Members[0].PersonID]
	}
	comp := fmt.Sprintf("Composition du foyer « %s » (liens avec la personne de référence)", d.Household.Name)
	set("couple", 0, spouse != nil, comp)
	set("children", float64(children), false, comp+" : membres « enfant à charge »")
	n := 1 + children
	if spouse != nil {
		n++
	}
	set("persons", float64(n), false, comp)
	age := func(name string, p *parcours.Person) {
		if p == nil {
			set(name, 0, false, comp)
			return
		}
		a, ok := ageOn(p.BirthDate, date)
		if !ok {
			missing(name, fmt.Sprintf("Date de naissance de %s (fiche de la personne)", p.DisplayName()))
			return
		}
		set(name, float64(a), false, fmt.Sprintf("Fiche de %s : date de naissance %s, fiche modifiée le %s", p.DisplayName(),
			frDate(p.BirthDate), p.UpdatedAt.In(paris()).Format("02/01/2006")))
	}
	age("age", ref)
	age("age_spouse", spouse)

	// Housing and activity: the situation in force on date.
	var sit *parcours.Situation
	for _, x := range d.Situations { // newest first
		if x.ValidFrom <= date {
			sit = x
			break
		}
	}
	if sit == nil {
		for _, f := range []string{"tenant", "free_housing", "disability", "student"} {
			missing(f, "Situation du foyer : logement et activité (page du foyer)")
		}
	} else {
		src := fmt.Sprintf("Situation du foyer du %s, saisie par %s le %s", frDate(sit.ValidFrom), who(sit.RecordedBy),
			sit.CreatedAt.In(paris()).Format("02/01/2006"))
		switch sit.Housing {
		case "":
			missing("tenant", "Situation du foyer : logement")
			missing("free_housing", "Situation du foyer : logement")
		default:
			set("tenant", 0, sit.Housing == "locataire_social" || sit.Housing == "locataire_prive", src+" : logement « "+sit.Housing+" »")
			set("free_housing", 0, sit.Housing == "proprietaire" || sit.Housing == "heberge_tiers", src+" : logement « "+sit.Housing+" »")
		}
		if sit.Employment == "" && len(sit.IncomeSources) == 0 {
			missing("disability", "Situation du foyer : activité")
			missing("student", "Situation du foyer : activité")
		} else {
			set("disability", 0, sit.Employment == "invalidite" || slices.Contains(sit.IncomeSources, "aah"),
				src+" : activité « "+sit.Employment+" », ressources « "+strings.Join(sit.IncomeSources, ", ")+" »")
			set("student", 0, sit.Employment == "etudiant", src+" : activité « "+sit.Employment+" »")
		}
	}

	// Resources: the average of the three calendar months before date,
	// each month read from the budget version in force at its end.
	resources := []string{"res_activity", "res_activity_ref", "res_activity_spouse", "res_are", "res_pension", "res_aah", "res_family",
		"res_alimony", "res_other", "res_housing_aid", "res_rsa", "res_pa", "res_own_ref"}
	var current *parcours.Budget
	for _, b := range d.Budgets { // current first
		if b.ValidFrom <= date {
			current = b
			break
		}
	}
	if current == nil {
		for _, f := range resources {
			missing(f, "Budget du foyer : ressources (page « Budget »)")
		}
		missing("rent", "Budget du foyer : loyer (page « Budget »)")
		return s
	}
	// Contradictory composition: the budget in force and the household
	// disagree. Neither is guessed right: the composition is missing.
	if couple := spouse != nil; current.Couple != couple || current.Dependents != children {
		field := fmt.Sprintf("Composition contradictoire : le budget du %s indique %s et %d personne(s) à charge, le foyer %s et %d enfant(s) à charge ; corriger l'un ou l'autre",
			frDate(current.ValidFrom), map[bool]string{true: "un couple", false: "une personne seule"}[current.Couple], current.Dependents,
			map[bool]string{true: "un couple", false: "une personne seule"}[couple], children)
		if current.Couple != couple {
			missing("couple", field)
		}
		if current.Dependents != children {
			missing("children", field)
		}
		missing("persons", field)
	}
	d0, _ := parcours.ParseDate(date)
	first := time.Date(d0.Year(), d0.Month(), 1, 0, 0, 0, 0, time.UTC)
	sums := map[string]int64{}
	var used []*parcours.Budget
	for i := 3; i >= 1; i-- {
		end := first.AddDate(0, -i+1, -1).Format(time.DateOnly) // last day of the month
		var b *parcours.Budget
		for _, x := range d.Budgets {
			if x.ValidFrom <= end {
				b = x
				break
			}
		}
		if b != nil {
			s.MonthsKnown++
		} else {
			b = oldest(d.Budgets, date)
		}
		if !slices.Contains(used, b) {
			used = append(used, b)
		}
		spouseID := ""
		if spouse != nil {
			spouseID = spouse.ID
		}
		for _, l := range b.Lines {
			if l.Kind != parcours.LineResource {
				continue
			}
			f := map[string]string{"salaire": "res_activity", "rsa": "res_rsa", "prime_activite": "res_pa", "are": "res_are",
				"aah": "res_aah", "pension_retraite": "res_pension", "allocations_familiales": "res_family", "apl": "res_housing_aid",
				"pension_alimentaire": "res_alimony", "autre": "res_other"}[l.Category]
			if f == "" {
				continue
			}
			sums[f] += l.MonthlyCents
			mine := l.PersonID == "" || (ref != nil && l.PersonID == ref.ID)
			if f == "res_activity" {
				if spouseID != "" && l.PersonID == spouseID {
					sums["res_activity_spouse"] += l.MonthlyCents
				} else {
					sums["res_activity_ref"] += l.MonthlyCents
				}
			}
			if mine && (f == "res_are" || f == "res_pension" || f == "res_alimony" || f == "res_other") {
				sums["res_own_ref"] += l.MonthlyCents
			}
		}
	}
	var versions []string
	for _, b := range used {
		versions = append(versions, fmt.Sprintf("version du %s saisie par %s le %s", frDate(b.ValidFrom), who(b.CreatedBy),
			b.CreatedAt.In(paris()).Format("02/01/2006")))
	}
	src := "Budget du foyer (" + strings.Join(versions, " ; ") + "), moyenne de " + months(first) + ", lignes « %s »"
	cats := map[string]string{"res_activity": "salaire", "res_activity_ref": "salaire de la personne de référence",
		"res_activity_spouse": "salaire du conjoint", "res_are": "are", "res_pension": "pension_retraite", "res_aah": "aah",
		"res_family": "allocations_familiales", "res_alimony": "pension_alimentaire", "res_other": "autre", "res_housing_aid": "apl",
		"res_rsa": "rsa", "res_pa": "prime_activite", "res_own_ref": "are, pension_retraite, pension_alimentaire, autre de la personne de référence"}
	for _, f := range resources {
		set(f, float64(sums[f])/300, false, fmt.Sprintf(src, cats[f]))
	}
	// Rent: the version in force on date.
	var rent int64
	hasRent := false
	for _, l := range current.Lines {
		if l.Kind == parcours.LineCharge && l.Category == "loyer" {
			rent += l.MonthlyCents
			hasRent = true
		}
	}
	tenant := s.Data["tenant"]
	switch {
	case hasRent:
		set("rent", float64(rent)/100, false, fmt.Sprintf("Budget du foyer, version du %s saisie par %s le %s, ligne « loyer »",
			frDate(current.ValidFrom), who(current.CreatedBy), current.CreatedAt.In(paris()).Format("02/01/2006")))
	case tenant.Known && !tenant.Bool:
		set("rent", 0, false, "Sans objet : le foyer n'est pas locataire")
	default:
		missing("rent", "Budget du foyer : ligne de charge « loyer »")
	}
	return s
}

// oldest is the first budget version valid on or before date.
func oldest(list []*parcours.Budget, date string) *parcours.Budget {
	var out *parcours.Budget
	for _, b := range list {
		if b.ValidFrom <= date {
			out = b
		}
	}
	return out
}

var moisFR = []string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"}

func months(first time.Time) string {
	a, b, c := first.AddDate(0, -3, 0), first.AddDate(0, -2, 0), first.AddDate(0, -1, 0)
	name := func(t time.Time) string {
		if t.Year() != c.Year() {
			return fmt.Sprintf("%s %d", moisFR[t.Month()-1], t.Year())
		}
		return moisFR[t.Month()-1]
	}
	return fmt.Sprintf("%s, %s et %s %d", name(a), name(b), moisFR[c.Month()-1], c.Year())
}

// ageOn is the age in full years on date.
func ageOn(birth, date string) (int, bool) {
	b, err := parcours.ParseDate(birth)
	if err != nil {
		return 0, false
	}
	d, err := parcours.ParseDate(date)
	if err != nil || d.Before(b) {
		return 0, false
	}
	a := d.Year() - b.Year()
	if d.Month() < b.Month() || (d.Month() == b.Month() && d.Day() < b.Day()) {
		a--
	}
	return a, true
}

func frDate(d string) string {
	if len(d) != 10 {
		return d
	}
	return d[8:10] + "/" + d[5:7] + "/" + d[0:4]
}

func paris() *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		return time.UTC
	}
	return loc
}
