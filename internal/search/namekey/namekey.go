// Package namekey turns French person names into comparable keys: folded
// tokens (no accents, no case, no hyphens or apostrophes, particles set
// apart), a French phonetic key per token, and a bounded edit distance.
//
// It is pure computation, shared by the search index (which stores the
// keys), the search ranking and the duplicate check, so that the three
// always agree. It must never import SQL, HTTP or any service.
package namekey

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Fold lower-cases s, removes diacritics and ligatures and turns every
// character that is not a letter or digit into a space: "Lefèvre-D'Œuf"
// → "lefevre d oeuf". Runs of spaces are kept as they come; use Tokens for
// words.
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue // combining accent
		case r == 'œ' || r == 'Œ':
			b.WriteString("oe")
		case r == 'æ' || r == 'Æ':
			b.WriteString("ae")
		case r == 'ß':
			b.WriteString("ss")
		case r == 'ø' || r == 'Ø':
			b.WriteByte('o')
		case r == 'ł' || r == 'Ł':
			b.WriteByte('l')
		case r == 'đ' || r == 'Đ':
			b.WriteByte('d')
		case r == 'ı':
			b.WriteByte('i')
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
		default:
			b.WriteByte(' ')
		}
	}
	return b.String()
}

// particles are the small words of French, Arabic, Portuguese, Dutch…
// names that people write attached, detached, capitalised or not: "de la
// Fontaine", "Ben Ali", "El Amrani", "Dos Santos", "Van Damme".
var particles = map[string]bool{
	"de": true, "du": true, "des": true, "la": true, "le": true, "les": true, "d": true, "l": true,
	"ben": true, "ibn": true, "bin": true, "el": true, "al": true, "ait": true, "abd": true, "ou": true,
	"da": true, "das": true, "do": true, "dos": true, "di": true, "del": true, "della": true,
	"van": true, "von": true, "der": true, "den": true, "ter": true, "mac": true, "mc": true, "y": true,
}

// IsParticle reports whether a folded word is a name particle.
func IsParticle(w string) bool { return particles[w] }

// Words splits s (any case, any accents) into folded words, particles
// included.
func Words(s string) []string { return strings.Fields(Fold(s)) }

// Tokens returns the searchable tokens of a name: its folded words without
// particles, plus the forms people also write: the particles glued to the
// next word ("ben ali" → "benali", "le fevre" → "lefevre") and a hyphenated
// or multi-word name glued whole ("jean-pierre" → "jeanpierre"). A name made
// only of particles keeps them. Tokens are unique, in order of appearance.
func Tokens(name string) []string {
	words := Words(name)
	var out []string
	seen := map[string]bool{}
	add := func(t string) {
		if t != "" && !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	var glue strings.Builder
	for _, w := range words {
		if IsParticle(w) {
			glue.WriteString(w)
			continue
		}
		if glue.Len() > 0 {
			glue.WriteString(w)
			add(glue.String())
			glue.Reset()
		}
		add(w)
	}
	if len(out) == 0 {
		for _, w := range words {
			add(w)
		}
	}
	if len(words) > 1 {
		add(strings.Join(words, ""))
	}
	return out
}
