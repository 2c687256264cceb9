package names

import (
	"strings"
	"testing"
	"time"
	"unicode"

	"parcours/internal/parcours"
)

func draw(seed uint64, n int) []string {
	m := New(seed)
	var out []string
	for i := range n {
		o := m.Origin()
		sex := []string{"F", "M"}[i%2]
		year := 1940 + i%80
		place := m.BirthPlace(o, year)
		out = append(out, strings.Join([]string{m.Surname(o), m.FirstNames(o, sex, year), place.Label,
			m.NIR(sex, m.BirthDate(year), place), m.Address().Line1, m.Phone()}, "|"))
	}
	return out
}

func TestModel_SameSeedSameNames(t *testing.T) {
	a, b := draw(42, 2000), draw(42, 2000)
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("draw %d differs with the same seed: %q vs %q", i, a[i], b[i])
		}
	}
	c := draw(43, 2000)
	same := 0
	for i := range a {
		if a[i] == c[i] {
			same++
		}
	}
	if same > 20 {
		t.Fatalf("seeds 42 and 43 gave %d identical draws out of 2000", same)
	}
}

// The model must confront search with the names it will meet: particles,
// diacritics, compound names and every origin.
func TestModel_CoversTheHardCases(t *testing.T) {
	m := New(7)
	seen := map[Origin]int{}
	var particle, diacritic, compoundGiven, doubleSurname, twoGiven bool
	for i := range 20000 {
		o := m.Origin()
		seen[o]++
		s := m.Surname(o)
		f := m.FirstNames(o, []string{"F", "M"}[i%2], 1950+i%60)
		low := strings.ToLower(s)
		for _, p := range []string{"le ", "de ", "ben ", "el ", "da ", "dos "} {
			if strings.HasPrefix(low, p) {
				particle = true
			}
		}
		if strings.ContainsFunc(s+f, func(r rune) bool { return r > unicode.MaxASCII }) {
			diacritic = true
		}
		if strings.Contains(f, "-") {
			compoundGiven = true
		}
		if strings.Contains(f, ", ") {
			twoGiven = true
		}
		if strings.Contains(s, "-") {
			doubleSurname = true
		}
	}
	for _, o := range Origins {
		if seen[o] == 0 {
			t.Errorf("origin %s never drawn", o)
		}
	}
	if seen[France] < seen[Maghreb] || seen[Maghreb] < seen[Vietnam] {
		t.Errorf("origin shares implausible: %v", seen)
	}
	for name, ok := range map[string]bool{"particle": particle, "diacritic": diacritic, "compound given name": compoundGiven,
		"two given names": twoGiven, "double surname": doubleSurname} {
		if !ok {
			t.Errorf("no %s in 20000 draws", name)
		}
	}
}

func TestModel_GivenNamesFollowFashion(t *testing.T) {
	m := New(3)
	count := func(year int, name string) int {
		n := 0
		for range 5000 {
			if m.GivenName(France, "M", year) == name {
				n++
			}
		}
		return n
	}
	if k1993, k1950 := count(1993, "Kévin"), count(1950, "Kévin"); k1993 <= 5*k1950 {
		t.Errorf("Kévin: %d draws for 1993, %d for 1950; want far more in 1993", k1993, k1950)
	}
}

func TestModel_NIRKeysAreValid(t *testing.T) {
	m := New(11)
	for i := range 1000 {
		o := m.Origin()
		year := 1930 + i%90
		place := m.BirthPlace(o, year)
		sex := []string{"F", "M"}[i%2]
		nir := m.NIR(sex, m.BirthDate(year), place)
		if !parcours.ValidNIR(nir) {
			t.Fatalf("invalid NIR %q for %s born %d in %+v", nir, sex, year, place)
		}
		if (sex == "F") != (nir[0] == '2') {
			t.Fatalf("NIR %q does not start with the sex digit of %s", nir, sex)
		}
	}
}

func TestModel_AddressesAreInKnownCommunes(t *testing.T) {
	m := New(5)
	known := map[string]string{}
	for _, c := range Communes() {
		known[c.Name] = c.PostalCode
	}
	for range 500 {
		a := m.Address()
		if known[a.City] != a.PostalCode {
			t.Fatalf("address %+v: postal code does not match the commune", a)
		}
		if a.Line1 == "" || !unicode.IsDigit(rune(a.Line1[0])) {
			t.Fatalf("address %+v: line 1 should start with a street number", a)
		}
	}
	if e := m.Email("Ayşe, Marie", "Öztürk"); !parcours.ValidEmail(e) || !strings.HasPrefix(e, "ayse.ozturk") || !strings.HasSuffix(e, "@example.fr") {
		t.Fatalf("email %q: want a valid ASCII address on example.fr", e)
	}
}

func TestBirthDate_InTheYear(t *testing.T) {
	m := New(1)
	for range 400 {
		if d := m.BirthDate(1984); d.Year() != 1984 || d.Location() != time.UTC {
			t.Fatalf("BirthDate(1984) = %v", d)
		}
	}
}

// Typo makes exactly one mistake, after the first letter, and the same seed
// types the same mistakes (the bench's searches depend on it).
func TestTypo(t *testing.T) {
	a, b := New(7), New(7)
	if got := a.Typo("anne"); got != "anne" {
		t.Errorf("Typo(anne) = %q, want it untouched (under 5 letters)", got)
	}
	b.Typo("anne")
	for _, w := range []string{"martin", "lefebvre", "nguyen", "dupont-aignan", "öztürk"} {
		for range 50 {
			got := a.Typo(w)
			if again := b.Typo(w); again != got {
				t.Fatalf("same seed, Typo(%q) = %q then %q", w, got, again)
			}
			r, g := []rune(w), []rune(got)
			if got == w || g[0] != r[0] {
				t.Fatalf("Typo(%q) = %q: want one mistake after the first letter", w, got)
			}
			switch len(g) {
			case len(r): // a swap: the same letters, two neighbours exchanged
				diff := 0
				for i := range r {
					if r[i] != g[i] {
						diff++
					}
				}
				if diff != 2 {
					t.Fatalf("Typo(%q) = %q: a swap changes two places, not %d", w, got, diff)
				}
			case len(r) - 1: // a dropped letter
			default:
				t.Fatalf("Typo(%q) = %q: length %d from %d", w, got, len(g), len(r))
			}
		}
	}
}
