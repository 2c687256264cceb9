package search

import (
	"context"
	"slices"
	"strings"

	"parcours/internal/file"

	"parcours/internal/parcours"
	"parcours/internal/search/namekey"
	"parcours/internal/store"
)

// Candidate is a likely duplicate of a person about to be created.
type Candidate struct {
	ID         string       `json:"id"`
	BirthName  string       `json:"birth_name"`
	UsageName  string       `json:"usage_name"`
	FirstNames string       `json:"first_names"`
	BirthDate  string       `json:"birth_date"`
	Sex        parcours.Sex `json:"sex"`
	// City is the commune of the address (where the person lives).
	City  string  `json:"city"`
	Score float64 `json:"score"`
	// Matched says what made the candidate likely the same person:
	// "same_names" or "alike_names", and "same_birth_date" or
	// "same_birth_year", and "same_city".
	Matched []string `json:"matched"`
	// Referents are the names of the referents of the candidate's open
	// accompaniments: whom to ask before creating a second file.
	Referents []string `json:"referents"`
}

// duplicateNames is the least name score for a likely duplicate with the
// same birth date; a different date of the same year needs identical names.
const duplicateNames = 0.75

// Duplicates returns the persons the actor may find who are likely the
// same as p: names alike (typos, phonetic variants, order, birth or usage
// name) and the same birth date, or the very same names born the same
// year. It runs inside the caller's transaction so that the check and the
// creation see the same data; p itself (when already stored) is left out.
func Duplicates(ctx context.Context, tx *store.Tx, actor parcours.Actor, p *parcours.Person) ([]Candidate, error) {
	surnames := []string{p.BirthName}
	if p.UsageName != "" && p.UsageName != p.BirthName {
		surnames = append(surnames, p.UsageName)
	}
	var ranked []scored
	seen := map[string]bool{}
	for _, surname := range surnames {
		pq, err := parse(Query{Q: surname + " " + p.FirstNames, BirthDate: p.BirthDate})
		if err != nil {
			continue // a name the search cannot read cannot be compared either
		}
		found, err := find(ctx, tx, tx, actor, pq, 0)
		if err != nil {
			return nil, err
		}
		for _, r := range found {
			if !seen[r.p.ID] {
				seen[r.p.ID] = true
				ranked = append(ranked, r)
			}
		}
	}
	out := []Candidate{}
	for _, r := range ranked {
		if r.p.ID == p.ID || !likelySame(r, p) {
			continue
		}
		out = append(out, Candidate{ID: r.p.ID, BirthName: r.p.BirthName, UsageName: r.p.UsageName,
			FirstNames: r.p.FirstNames, BirthDate: r.p.BirthDate, Sex: r.p.Sex, City: r.p.Address.City, Score: round(r.score),
			Matched: matched(r, p), Referents: []string{}})
		if len(out) == 10 {
			break
		}
	}
	return out, referents(ctx, tx, actor, out)
}

// matched names what made r likely the same person as p.
func matched(r scored, p *parcours.Person) []string {
	var m []string
	if r.names >= 0.999 {
		m = append(m, "same_names")
	} else {
		m = append(m, "alike_names")
	}
	if r.p.BirthDate == p.BirthDate {
		m = append(m, "same_birth_date")
	} else {
		m = append(m, "same_birth_year")
	}
	if c := strings.TrimSpace(p.Address.City); c != "" && strings.EqualFold(c, strings.TrimSpace(r.p.Address.City)) {
		m = append(m, "same_city")
	}
	return m
}

// referents fills the referents of the candidates' open accompaniments:
// the worker about to create a second file should ask them first. Who
// follows a person is what the duplicate check exists for, so it is shown
// to whoever may find the person (access.PersonFind, checked by find),
// without the accompaniment itself.
func referents(ctx context.Context, tx *store.Tx, actor parcours.Actor, cs []Candidate) error {
	if len(cs) == 0 {
		return nil
	}
	ids := make([]string, len(cs))
	for i, c := range cs {
		ids[i] = c.ID
	}
	files, err := file.OpenMany(ctx, tx, actor, ids, false)
	if err != nil {
		return err
	}
	var names map[string]string
	for i := range cs {
		f := files[cs[i].ID]
		if f == nil {
			continue
		}
		for _, a := range f.Active {
			if a.ReferentID == "" {
				continue
			}
			if names == nil {
				if names, err = tx.WorkerNames(ctx, actor.OrgID); err != nil {
					return err
				}
			}
			if n := names[a.ReferentID]; n != "" && !slices.Contains(cs[i].Referents, n) {
				cs[i].Referents = append(cs[i].Referents, n)
			}
		}
	}
	return nil
}

// Alike reports whether a and b are likely the same person by the rules
// of the duplicate detection above (Duplicates would list one for the
// other), in either direction: a merge of two files that are not alike
// needs a manager's confirmation.
func Alike(a, b *parcours.Person) bool {
	return alikeFrom(a, b) || alikeFrom(b, a)
}

// alikeFrom scores other against a query made of p's identity, as
// Duplicates does for a person about to be created.
func alikeFrom(p, other *parcours.Person) bool {
	surnames := []string{p.BirthName}
	if p.UsageName != "" && p.UsageName != p.BirthName {
		surnames = append(surnames, p.UsageName)
	}
	for _, surname := range surnames {
		pq, err := parse(Query{Q: surname + " " + p.FirstNames, BirthDate: p.BirthDate})
		if err != nil {
			continue
		}
		// The same scoring as a search, on other's own terms: the typed
		// forms need no dictionary look-up to be compared with them.
		slots := make([]querySlot, 0, len(pq.slots))
		for _, alts := range pq.slots {
			var qs querySlot
			for _, w := range alts {
				qs.forms = append(qs.forms, form{word: w, phon: namekey.Phonetic(w), maxEdits: namekey.MaxEdits(len([]rune(w)))})
			}
			slots = append(slots, qs)
		}
		r := score(pq, slots, &store.IndexedPerson{ID: other.ID, OrgID: other.OrgID, BirthDate: other.BirthDate, Terms: personTerms(other)})
		r.p = other
		if r.names >= minNames(len(pq.slots)) && likelySame(r, p) {
			return true
		}
	}
	return false
}

func likelySame(r scored, p *parcours.Person) bool {
	// Real names hold no digits; when names do, the digits number look-
	// alikes on purpose ("Enfant 1", "Enfant 2") and tell them apart.
	if digits(r.p) != digits(p) {
		return false
	}
	switch {
	case r.p.BirthDate == p.BirthDate:
		return r.names >= duplicateNames
	case len(r.p.BirthDate) >= 4 && len(p.BirthDate) >= 4 && r.p.BirthDate[:4] == p.BirthDate[:4]:
		return r.names >= 0.999
	}
	return false
}

func digits(p *parcours.Person) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, p.BirthName+" "+p.UsageName+" "+p.FirstNames)
}
