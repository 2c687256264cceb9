package search

import (
	"sort"
	"strings"

	"parcours/internal/parcours"
	"parcours/internal/search/namekey"
	"parcours/internal/store"
)

// personTerms are the index entries of a person: the tokens of the birth
// name, the usage name and the first names, with their phonetic keys. The
// index and the ranking both use it, so they cannot disagree.
func personTerms(p *parcours.Person) []store.PersonTerm {
	var out []store.PersonTerm
	for _, f := range []struct{ field, name string }{{"b", p.BirthName}, {"u", p.UsageName}, {"f", p.FirstNames}} {
		for _, t := range namekey.Tokens(f.name) {
			out = append(out, store.PersonTerm{Field: f.field, Term: t, Phon: namekey.Phonetic(t)})
		}
	}
	return out
}

// Scores of one typed word against one name token.
const (
	scoreExact    = 1.0
	scorePhonetic = 0.85
	scorePerEdit  = 0.15 // subtracted per typing mistake
	scorePrefix   = 0.6  // the worker is still typing
	minWordScore  = 0.55
)

// wordScore compares a typed word (folded) with a name token.
func wordScore(w, tok string) float64 {
	if w == tok {
		return scoreExact
	}
	best := 0.0
	if namekey.Phonetic(w) == namekey.Phonetic(tok) {
		best = scorePhonetic
	}
	max := namekey.MaxEdits(len([]rune(w)))
	if d := namekey.Distance(w, tok, max); d <= max {
		best = maxf(best, scoreExact-scorePerEdit*float64(d))
	}
	if len(w) >= 3 && strings.HasPrefix(tok, w) {
		best = maxf(best, scorePrefix)
	}
	return best
}

func maxf(a, b float64) float64 {
	if a > b {
		return a
	}
	return b
}

// scored is a candidate with its score.
type scored struct {
	p     *parcours.Person
	score float64
	names float64 // the name part alone, in [0, 1]
}

// score ranks a candidate: the mean over typed words of their best match
// among the person's tokens (so word order does not matter, and a birth
// or a usage name both count), a bonus when the words cover both a
// surname and a first name, then the birth date and the commune.
func score(q *parsed, p *parcours.Person) scored {
	terms := personTerms(p)
	total := 0.0
	surname, first := false, false
	for _, slot := range q.slots {
		best, field := 0.0, ""
		for _, w := range slot {
			for _, t := range terms {
				if s := wordScore(w, t.Term); s > best {
					best, field = s, t.Field
				}
			}
		}
		if best < minWordScore {
			best = 0
		}
		total += best
		switch field {
		case "b", "u":
			surname = true
		case "f":
			first = true
		}
	}
	names := total / float64(len(q.slots))
	s := names
	if surname && first {
		s += 0.05
	}
	if !q.date.empty() {
		s += dateScore(q.date, p.BirthDate)
	}
	if q.commune != "" {
		for _, c := range []string{p.BirthPlace, p.Address.City} {
			if c != "" && namekey.Distance(q.commune, strings.Join(namekey.Words(c), " "), 1) <= 1 {
				s += 0.2
				break
			}
		}
	}
	return scored{p: p, score: s, names: names}
}

// dateScore rewards a birth date that agrees with every part given, gives
// a little for the right year with a wrong day or month (a typing slip),
// and penalises a different year.
func dateScore(d datePart, birth string) float64 {
	bd, err := parcours.ParseDate(birth)
	if err != nil {
		return -0.3
	}
	if bd.Year() != d.year {
		return -0.3
	}
	if (d.month == 0 || int(bd.Month()) == d.month) && (d.day == 0 || bd.Day() == d.day) {
		return 0.5
	}
	return 0.2
}

// rank scores candidates, drops those whose names do not match well
// enough, and orders the rest: best score first, then by name and id so
// that both backends give the same order.
func rank(q *parsed, cands []*parcours.Person) []scored {
	out := make([]scored, 0, len(cands))
	for _, p := range cands {
		s := score(q, p)
		if s.names < minNames(len(q.slots)) {
			continue
		}
		out = append(out, s)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if d := a.score - b.score; d > 1e-9 || d < -1e-9 {
			return d > 0
		}
		if an, bn := a.p.DisplayName(), b.p.DisplayName(); an != bn {
			return an < bn
		}
		return a.p.ID < b.p.ID
	})
	return out
}

// minNames is the least name score a result needs: one word must match,
// two words at least one well, and so on.
func minNames(words int) float64 {
	if words <= 1 {
		return minWordScore
	}
	return 0.4
}
