package search

import (
	"slices"
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
	scoreCommune  = 0.2
)

// wordScore compares a typed word (folded, with its phonetic key) with an
// indexed name token and the phonetic key stored with it.
func wordScore(f form, t store.PersonTerm) float64 {
	if f.word == t.Term {
		return scoreExact
	}
	best := 0.0
	if f.phon == t.Phon {
		// A different spelling is at least one edit away, which scores
		// no more than this: no distance to compute.
		best = scorePhonetic
	} else if d := namekey.Distance(f.word, t.Term, f.maxEdits); d <= f.maxEdits {
		best = scoreExact - scorePerEdit*float64(d)
	}
	if len(f.word) >= 3 && strings.HasPrefix(t.Term, f.word) {
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

// scored is a candidate with its score; p is read only for the page
// shown.
type scored struct {
	c     *store.IndexedPerson // its id and index entries
	p     *parcours.Person
	score float64
	names float64 // the name part alone, in [0, 1]
	all   bool    // every typed word matched one of the names
	year  bool    // born in the typed year
	key   string  // nameKey, once asked
}

// score ranks a candidate from its index entries: the mean over typed
// words of their best match among the person's tokens (so word order does
// not matter, and a birth or a usage name both count), a bonus when the
// words cover both a surname and a first name, then the birth date. The
// commune is added once the person is read (fetchPage).
func score(q *parsed, slots []querySlot, c *store.IndexedPerson) scored {
	total := 0.0
	surname, first, all := false, false, true
	for _, slot := range slots {
		best, field := 0.0, ""
		for _, f := range slot.forms {
			for _, t := range c.Terms {
				if s := wordScore(f, t); s > best {
					best, field = s, t.Field
				}
			}
		}
		if best < minWordScore {
			best, all = 0, false
		}
		total += best
		switch field {
		case "b", "u":
			surname = true
		case "f":
			first = true
		}
	}
	names := total / float64(len(slots))
	s := names
	if surname && first {
		s += 0.05
	}
	year := false
	if !q.date.empty() {
		ds := dateScore(q.date, c.BirthDate)
		s += ds
		year = ds > 0
	}
	return scored{c: c, score: s, names: names, all: all, year: year}
}

// communeMatches tells whether the person was born or lives in the typed
// commune, give or take a typing mistake.
func communeMatches(commune string, p *parcours.Person) bool {
	for _, c := range []string{p.BirthPlace, p.Address.City} {
		if c != "" && namekey.Distance(commune, strings.Join(namekey.Words(c), " "), 1) <= 1 {
			return true
		}
	}
	return false
}

// dateScore rewards a birth date that agrees with every part given, gives
// a little for the right year with a wrong day or month (a typing slip),
// and penalises a different year.
func dateScore(d datePart, birth string) float64 {
	y, m, day, ok := isoDate(birth)
	if !ok {
		return -0.3
	}
	if y != d.year {
		return -0.3
	}
	if (d.month == 0 || m == d.month) && (d.day == 0 || day == d.day) {
		return 0.5
	}
	return 0.2
}

// isoDate reads a YYYY-MM-DD date as parcours.ParseDate accepts it,
// without time.Parse for the usual form: ranking reads one per candidate.
func isoDate(s string) (y, m, d int, ok bool) {
	num := func(s string) (int, bool) {
		n := 0
		for _, c := range []byte(s) {
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		return n, true
	}
	if len(s) == 10 && s[4] == '-' && s[7] == '-' {
		y, ok1 := num(s[:4])
		m, ok2 := num(s[5:7])
		d, ok3 := num(s[8:])
		if ok1 && ok2 && ok3 && m >= 1 && m <= 12 && d >= 1 && d <= daysIn(y, m) {
			return y, m, d, true
		}
	}
	t, err := parcours.ParseDate(s)
	if err != nil {
		return 0, 0, 0, false
	}
	return t.Year(), int(t.Month()), t.Day(), true
}

// order sorts results best score first, then by name and id, from the
// index entries alone, so that the page is chosen among equal scores
// without reading the persons tied with its last one (often a hundred
// homonyms), and both backends give the same order.
func order(out []scored) {
	slices.SortStableFunc(out, func(a, b scored) int {
		switch d := a.score - b.score; {
		case d > 1e-9:
			return -1
		case d < -1e-9:
			return 1
		}
		return 0
	})
	// Runs of equal scores by name, then id (unique).
	for i := 0; i < len(out); {
		j := i + 1
		for j < len(out) && out[i].score-out[j].score <= 1e-9 {
			j++
		}
		if run := out[i:j]; len(run) > 1 {
			for k := range run {
				run[k].nameKey()
			}
			slices.SortFunc(run, func(a, b scored) int {
				if c := strings.Compare(a.key, b.key); c != 0 {
					return c
				}
				return strings.Compare(a.c.ID, b.c.ID)
			})
		}
		i = j
	}
}

// nameKey is the name the results are sorted by, folded: the usage name
// (or else the birth name), then the first names, each as its tokens in
// the order both index sources give them (by field, then token).
func (r *scored) nameKey() string {
	if r.key != "" || len(r.c.Terms) == 0 {
		return r.key
	}
	surname := "b"
	for _, t := range r.c.Terms {
		if t.Field == "u" {
			surname = "u"
			break
		}
	}
	var b strings.Builder
	for _, field := range []string{surname, "f"} {
		for _, t := range r.c.Terms {
			if t.Field == field {
				b.WriteString(t.Term)
				b.WriteByte(' ')
			}
		}
		b.WriteByte('\x01') // "dupont" before "dupontel", whatever the first names
	}
	r.key = b.String()
	return r.key
}

// minNames is the least name score a result needs: one word must match,
// two words at least one well, and so on.
func minNames(words int) float64 {
	if words <= 1 {
		return minWordScore
	}
	return 0.4
}

// daysIn is the number of days of month m (1–12) of year y, in the
// proleptic Gregorian calendar of package time.
func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}
