// Package names is a model of the names, birth places and addresses of
// people living in France, for demo data, synthetic populations at scale
// and the search recall set. It is pure data and a seeded PCG
// (math/rand/v2): the same seed always gives the same sequence, on every
// machine and Go version that keeps PCG stable.
//
// It knows frequent French surnames and given names, compound given names
// (Jean-Pierre, Anne-Sophie), particles (Le Gall, de La Fontaine, Ben Ali,
// El Amrani), diacritics and their frequent omission (Traoré/Traore), and
// names of Maghrebi, West-African, Portuguese, Turkish and Vietnamese
// origin; given names follow the fashion of the birth year.
//
// It must never read the clock or any global random source: determinism is
// its contract.
package names

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strings"
	"time"
)

// Weighted is a value with its relative frequency.
type Weighted struct {
	Value  string
	Weight int
}

// Surnames returns the surname table of an origin (a copy).
func Surnames(o Origin) []Weighted { return export(surnames[o]) }

// GivenNames returns the given names of an origin for sex "F" or "M",
// with their weight at their peak year (a copy).
func GivenNames(o Origin, sex string) []Weighted {
	var out []Weighted
	for _, g := range givenTable(o, sex) {
		out = append(out, Weighted{g.v, g.n})
	}
	return out
}

func export(ws []w) []Weighted {
	out := make([]Weighted, len(ws))
	for i, x := range ws {
		out[i] = Weighted{x.v, x.n}
	}
	return out
}

func givenTable(o Origin, sex string) []given {
	if sex == "F" {
		return givenF[o]
	}
	return givenM[o]
}

// Model draws names. It is not safe for concurrent use; give each
// goroutine its own Model with its own seed.
type Model struct {
	rng *rand.Rand
	// cumulative weight tables, built once
	origins  cumul
	surnames [originCount]cumul
	streets  cumul
	communes cumul
	given    map[givenKey]cumul
}

type givenKey struct {
	o    Origin
	sex  string
	year int
}

// cumul is a weighted table ready for sampling by binary search.
type cumul struct {
	values []string
	sums   []int
}

func newCumul(ws []w) cumul {
	c := cumul{values: make([]string, len(ws)), sums: make([]int, len(ws))}
	t := 0
	for i, x := range ws {
		t += x.n
		c.values[i], c.sums[i] = x.v, t
	}
	return c
}

func (c cumul) pick(r *rand.Rand) string {
	x := r.IntN(c.sums[len(c.sums)-1])
	return c.values[sort.SearchInts(c.sums, x+1)]
}

// New returns a model whose draws are determined by seed.
func New(seed uint64) *Model {
	m := &Model{
		rng:     rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		origins: newCumul(originWeights),
		streets: newCumul(streets),
		given:   map[givenKey]cumul{},
	}
	for i, o := range Origins {
		m.surnames[i] = newCumul(surnames[o])
	}
	cs := make([]w, len(communes))
	for i, c := range communes {
		cs[i] = w{fmt.Sprint(i), c.n}
	}
	m.communes = newCumul(cs)
	return m
}

// Rand is the model's random source, for callers that draw other facts
// (household sizes, situations) from the same deterministic stream.
func (m *Model) Rand() *rand.Rand { return m.rng }

// Chance returns true with probability p.
func (m *Model) Chance(p float64) bool { return m.rng.Float64() < p }

// Origin draws a naming origin by its share of the population.
func (m *Model) Origin() Origin { return Origin(m.origins.pick(m.rng)) }

func originIndex(o Origin) int {
	for i, x := range Origins {
		if x == o {
			return i
		}
	}
	return 0
}

// Surname draws a surname of origin o. A few French ones are double
// names ("Martin-Durand"), as the 2005 law allows.
func (m *Model) Surname(o Origin) string {
	s := m.surnames[originIndex(o)].pick(m.rng)
	if o == France && m.Chance(0.03) {
		s2 := m.surnames[0].pick(m.rng)
		if s2 != s {
			s += "-" + s2
		}
	}
	return s
}

// GivenName draws one given name for sex "F" or "M" (anything else draws
// either) born in birthYear: names are likelier near their fashion peak.
func (m *Model) GivenName(o Origin, sex string, birthYear int) string {
	if sex != "F" && sex != "M" {
		sex = "F"
		if m.Chance(0.5) {
			sex = "M"
		}
	}
	// Children of immigrant families born in France often get names
	// common in France.
	if o != France && birthYear >= 1990 && m.Chance(0.3) {
		o = France
	}
	k := givenKey{o, sex, birthYear}
	c, ok := m.given[k]
	if !ok {
		tab := givenTable(o, sex)
		ws := make([]w, len(tab))
		for i, g := range tab {
			d := float64(birthYear-g.peak) / 12
			f := math.Exp(-d*d) + 0.03
			ws[i] = w{g.v, max(1, int(float64(g.n)*f*100))}
		}
		c = newCumul(ws)
		m.given[k] = c
	}
	return c.pick(m.rng)
}

// FirstNames draws the given names as written on civil status: usually
// one, sometimes two ("Léa, Marie"); compound names keep their hyphen.
func (m *Model) FirstNames(o Origin, sex string, birthYear int) string {
	first := m.GivenName(o, sex, birthYear)
	if m.Chance(0.18) {
		second := m.GivenName(o, sex, birthYear-25)
		if second != first {
			return first + ", " + second
		}
	}
	return first
}

// BirthDate draws a date in birthYear.
func (m *Model) BirthDate(birthYear int) time.Time {
	return time.Date(birthYear, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, m.rng.IntN(365))
}

// BirthPlace is where someone was born, with the codes the NIR uses.
type BirthPlace struct {
	Label string // "Villeurbanne", "Bamako (Mali)"
	Dept  string // two characters; "99" abroad
	Code  string // commune within the département, or INSEE country code
}

// BirthPlace draws a birth place: abroad more often for older people of
// an immigrant origin, otherwise the Rhône or another French city.
func (m *Model) BirthPlace(o Origin, birthYear int) BirthPlace {
	abroad := 0.0
	if o != France {
		abroad = 0.85
		if birthYear >= 1985 {
			abroad = 0.3
		}
		if birthYear >= 2000 {
			abroad = 0.1
		}
	}
	if m.Chance(abroad) {
		ps := foreignBirthPlaces[o]
		p := ps[m.rng.IntN(len(ps))]
		return BirthPlace{p.label, p.dept, p.code}
	}
	if m.Chance(0.55) {
		c := m.Commune()
		return BirthPlace{strings.TrimSuffix(c.Name, " Arrondissement"), c.INSEE[:2], c.INSEE[2:]}
	}
	p := frenchBirthPlaces[m.rng.IntN(len(frenchBirthPlaces))]
	return BirthPlace{p.label, p.dept, p.code}
}

// NIR returns a social-security number with a valid key for someone of
// sex "F" or "M" born at birth in place.
func (m *Model) NIR(sex string, birth time.Time, place BirthPlace) string {
	s := "1"
	if sex == "F" {
		s = "2"
	}
	body := fmt.Sprintf("%s%02d%02d%s%s%03d", s, birth.Year()%100, int(birth.Month()), place.Dept, place.Code, 1+m.rng.IntN(999))
	var n uint64
	fmt.Sscan(body, &n)
	return fmt.Sprintf("%s%02d", body, 97-n%97)
}

// Commune draws a commune of the Rhône, weighted by population.
func (m *Model) Commune() Commune {
	var i int
	fmt.Sscan(m.communes.pick(m.rng), &i)
	return communes[i].c
}

// Communes lists the communes the model draws addresses from.
func Communes() []Commune {
	out := make([]Commune, len(communes))
	for i, c := range communes {
		out[i] = c.c
	}
	return out
}

// Address is a postal address.
type Address struct {
	Line1, Line2, PostalCode, City string
}

// Address draws a street address in a commune of the Rhône; a third are
// flats of a social-housing residence (second line).
func (m *Model) Address() Address {
	c := m.Commune()
	num := 1 + m.rng.IntN(120)
	line1 := fmt.Sprintf("%d %s", num, m.streets.pick(m.rng))
	if m.Chance(0.06) {
		line1 = fmt.Sprintf("%d bis %s", num, m.streets.pick(m.rng))
	}
	var line2 string
	if m.Chance(0.33) {
		line2 = fmt.Sprintf("%s, bât. %c, apt %d", residences[m.rng.IntN(len(residences))], 'A'+rune(m.rng.IntN(6)), 1+m.rng.IntN(80))
	}
	return Address{line1, line2, c.PostalCode, c.Name}
}

// Phone draws a French mobile number, written as people give it.
func (m *Model) Phone() string {
	return fmt.Sprintf("0%d %02d %02d %02d %02d", 6+m.rng.IntN(2), m.rng.IntN(100), m.rng.IntN(100), m.rng.IntN(100), m.rng.IntN(100))
}

// Email draws a plausible personal e-mail address for a name, on a
// reserved example domain so that no real mailbox is ever written to.
func (m *Model) Email(first, last string) string {
	local := ASCII(strings.ToLower(strings.SplitN(first, ",", 2)[0] + "." + last))
	local = strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '-' {
			return r
		}
		return -1
	}, local)
	return fmt.Sprintf("%s%d@example.fr", local, m.rng.IntN(100))
}

// Typo makes one typing mistake in a word of 5 letters or more, as at a
// front desk: a swap of two neighbours or a dropped letter, never the
// first. The benchmarks' searches are written with it, so that the load
// run and the index's micro-benchmark type the same ones.
func (m *Model) Typo(w string) string {
	r := []rune(w)
	if len(r) < 5 {
		return w
	}
	i := 1 + m.rng.IntN(len(r)-2)
	if m.Chance(0.5) {
		r[i], r[i+1] = r[i+1], r[i]
		return string(r)
	}
	return string(append(r[:i:i], r[i+1:]...))
}

// ASCII folds the diacritics of Latin letters ("Öztürk" → "Ozturk",
// "Lefèvre" → "Lefevre"); other characters are kept.
func ASCII(s string) string {
	var b strings.Builder
	for _, r := range s {
		if f, ok := fold[r]; ok {
			b.WriteString(f)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

var fold = func() map[rune]string {
	m := map[rune]string{'œ': "oe", 'Œ': "OE", 'æ': "ae", 'Æ': "AE", 'ß': "ss", 'ı': "i", 'İ': "I"}
	for _, p := range []struct{ from, to string }{
		{"àâäáãåā", "a"}, {"ÀÂÄÁÃÅĀ", "A"}, {"çćč", "c"}, {"ÇĆČ", "C"}, {"éèêëē", "e"}, {"ÉÈÊËĒ", "E"},
		{"îïíìī", "i"}, {"ÎÏÍÌĪ", "I"}, {"ñ", "n"}, {"Ñ", "N"}, {"ôöóòõø", "o"}, {"ÔÖÓÒÕØ", "O"},
		{"ùûüúū", "u"}, {"ÙÛÜÚŪ", "U"}, {"ÿý", "y"}, {"ŸÝ", "Y"}, {"şš", "s"}, {"ŞŠ", "S"}, {"ğ", "g"}, {"Ğ", "G"},
		{"ếềệễể", "e"}, {"ạảấầẩẫậắằẳẵặ", "a"}, {"ơờớởỡợồốổỗộ", "o"}, {"ưừứửữự", "u"}, {"đ", "d"}, {"Đ", "D"},
	} {
		for _, r := range p.from {
			m[r] = p.to
		}
	}
	return m
}()
