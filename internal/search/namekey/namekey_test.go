package namekey

import (
	"slices"
	"testing"
)

func TestFold_RemovesAccentsCaseAndPunctuation(t *testing.T) {
	cases := map[string]string{
		"Lefèvre":       "lefevre",
		"NGUYÊN":        "nguyen",
		"Jean-Pierre":   "jean pierre",
		"D'Almeida":     "d almeida",
		"Œuvray":        "oeuvray",
		"Çelik":         "celik",
		"  Kévin  ":     "  kevin  ",
		"Müller-Łukasz": "muller lukasz",
	}
	for in, want := range cases {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTokens_ParticlesHyphensAndGluedForms(t *testing.T) {
	cases := map[string][]string{
		"Ben Ali":          {"benali", "ali"},
		"BENALI":           {"benali"},
		"de la Fontaine":   {"delafontaine", "fontaine"},
		"Jean-Pierre":      {"jean", "pierre", "jeanpierre"},
		"El Amrani":        {"elamrani", "amrani"},
		"Le":               {"le"},
		"Dos Santos Silva": {"dossantos", "santos", "silva", "dossantossilva"},
	}
	for in, want := range cases {
		if got := Tokens(in); !slices.Equal(got, want) {
			t.Errorf("Tokens(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPhonetic_FrenchVariantsShareAKey(t *testing.T) {
	groups := [][]string{
		{"Lefèvre", "Lefebvre", "Lefeuvre", "LEFEVRE"},
		{"Mohamed", "Mohammed"},
		{"Kévin", "Kevin"},
		{"Nguyen", "Nguyên"},
		{"Dupont", "Dupond"},
		{"Bernard", "Bernart"},
		{"Philippe", "Filipe"},
		{"Schmitt", "Chmit"},
		{"Gaël", "Gael"},
		{"Thomas", "Tomas"},
	}
	for _, g := range groups {
		want := Phonetic(Fold(g[0]))
		for _, v := range g[1:] {
			if got := Phonetic(Fold(v)); got != want {
				t.Errorf("Phonetic(%q) = %q, want %q (as %q)", v, got, want, g[0])
			}
		}
	}
	// Different names keep different keys.
	for _, pair := range [][2]string{{"durand", "dubois"}, {"leroy", "lefevre"}, {"nadia", "nadir"}} {
		if Phonetic(pair[0]) == Phonetic(pair[1]) {
			t.Errorf("Phonetic(%q) == Phonetic(%q)", pair[0], pair[1])
		}
	}
}

func TestDistance_CountsEditsUpToTheBound(t *testing.T) {
	cases := []struct {
		a, b string
		max  int
		want int
	}{
		{"lefevre", "lefevre", 2, 0},
		{"lefevre", "lefebvre", 2, 1},
		{"kevin", "kevni", 2, 1}, // swap
		{"mohamed", "mouhamad", 2, 2},
		{"martin", "dubois", 2, 3},
		{"", "abc", 2, 3},
		{"abc", "", 3, 3},
	}
	for _, c := range cases {
		if got := Distance(c.a, c.b, c.max); got != c.want {
			t.Errorf("Distance(%q, %q, %d) = %d, want %d", c.a, c.b, c.max, got, c.want)
		}
	}
}
