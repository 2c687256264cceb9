package search

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"parcours/internal/parcours"
	"parcours/internal/search/namekey"
)

// Limits of a query. A search box holds a few names and a date; anything
// longer is a mistake or an attack, refused before any work.
const (
	MaxQueryRunes = 200
	MaxQueryWords = 8
)

// Query is what a worker typed, with the optional filters.
type Query struct {
	Q         string // names, in any order, possibly with a birth date
	BirthDate string // full or partial: 1985, 03/1985, 12/03/1985, 1985-03-12
	Commune   string // birth place or city of residence
	Limit     int    // 1–50, 20 by default
}

// parsed is a query ready to match.
type parsed struct {
	slots   [][]string // per typed word, the forms it may take
	date    datePart
	commune string // folded
	limit   int
}

// datePart is a full or partial birth date; zero fields are unknown.
type datePart struct{ year, month, day int }

func (d datePart) empty() bool { return d.year == 0 }

// yearRange is the birth dates (YYYY-MM-DD) of the year given, as the
// bounds [from, before) of a text range; empty without a date. The month
// and day only rank: a slip in them must not hide the person.
func (d datePart) yearRange() (from, before string) {
	if d.empty() {
		return "", ""
	}
	return strconv.Itoa(d.year), strconv.Itoa(d.year + 1)
}

var (
	reFullFR = regexp.MustCompile(`^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$`)
	reMonth  = regexp.MustCompile(`^(\d{1,2})[/.-](\d{4})$`)
	reISO    = regexp.MustCompile(`^(\d{4})-(\d{2})(?:-(\d{2}))?$`)
	reYear   = regexp.MustCompile(`^(\d{4})$`)
)

// parseDate reads a full or partial date; ok is false when s is not one.
func parseDate(s string) (datePart, bool) {
	atoi := func(v string) int { n, _ := strconv.Atoi(v); return n }
	var d datePart
	switch {
	case reFullFR.MatchString(s):
		m := reFullFR.FindStringSubmatch(s)
		d = datePart{year: atoi(m[3]), month: atoi(m[2]), day: atoi(m[1])}
	case reMonth.MatchString(s):
		m := reMonth.FindStringSubmatch(s)
		d = datePart{year: atoi(m[2]), month: atoi(m[1])}
	case reISO.MatchString(s):
		m := reISO.FindStringSubmatch(s)
		d = datePart{year: atoi(m[1]), month: atoi(m[2])}
		if m[3] != "" {
			d.day = atoi(m[3])
		}
	case reYear.MatchString(s):
		d = datePart{year: atoi(s)}
	default:
		return datePart{}, false
	}
	if d.year < 1890 || d.year > 2200 || d.month > 12 || d.day > 31 || (d.day > 0 && d.month == 0) {
		return datePart{}, false
	}
	if d.day > 0 && time.Date(d.year, time.Month(d.month), d.day, 0, 0, 0, 0, time.UTC).Day() != d.day {
		return datePart{}, false // 31/02: time.Date would roll it over
	}
	return d, true
}

// parse checks and splits a query. Errors name the field and never echo
// the input (search terms are personal data).
func parse(q Query) (*parsed, error) {
	if utf8.RuneCountInString(q.Q) > MaxQueryRunes {
		return nil, parcours.FieldError(parcours.EBadRequest, "q", "error.search_too_long", MaxQueryRunes)
	}
	if utf8.RuneCountInString(q.Commune) > 100 {
		return nil, parcours.FieldError(parcours.EBadRequest, "commune", "error.field_too_long", "field.search_commune", 100)
	}
	p := &parsed{limit: q.Limit, commune: strings.Join(namekey.Words(q.Commune), " ")}
	switch {
	case p.limit == 0:
		p.limit = 20
	case p.limit < 0 || p.limit > 50:
		return nil, parcours.FieldError(parcours.EBadRequest, "limit", "error.search_limit")
	}
	if q.BirthDate != "" {
		d, ok := parseDate(strings.TrimSpace(q.BirthDate))
		if !ok {
			return nil, parcours.FieldError(parcours.EBadRequest, "birth_date", "error.search_date")
		}
		p.date = d
	}
	var words []string
	for _, f := range strings.Fields(q.Q) {
		if d, ok := parseDate(f); ok {
			if p.date.empty() {
				p.date = d
			}
			continue
		}
		words = append(words, namekey.Words(f)...)
	}
	if len(words) > MaxQueryWords {
		return nil, parcours.FieldError(parcours.EBadRequest, "q", "error.search_too_many_words", MaxQueryWords)
	}
	p.slots = slots(words)
	if len(p.slots) == 0 {
		return nil, parcours.FieldError(parcours.EBadRequest, "q", "error.search_needs_name")
	}
	return p, nil
}

// slots turns the typed words into one slot per name word. A particle is
// not a slot of its own: it is glued to the next word as an alternative
// form ("ben ali" may be written "benali"). Bare numbers are dropped.
func slots(words []string) [][]string {
	var out [][]string
	glue := ""
	for _, w := range words {
		if strings.Trim(w, "0123456789") == "" {
			continue
		}
		if namekey.IsParticle(w) {
			glue += w
			continue
		}
		s := []string{w}
		if glue != "" {
			s = append(s, glue+w)
			glue = ""
		}
		out = append(out, s)
	}
	if len(out) == 0 && glue != "" {
		out = append(out, []string{glue})
	}
	return out
}
