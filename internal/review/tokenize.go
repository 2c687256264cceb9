package review

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// token is one word of the text: letters and digits between separators.
// An apostrophe ends a word, so elisions (l', d', qu') are words of their
// own and « l'alcool » is "l" then "alcool". Inclusive endings glued to a
// word (« menteur·se », « menteur.euse », « menteur(se) ») belong to it
// but not to its folded form, which is the base written before them.
type token struct {
	start, end int    // byte offsets in the text
	fold       string // lower case, without accents or ligatures
	cap        bool   // starts with an upper-case letter
	allCaps    bool   // every letter upper case (and at least two)
	digits     bool   // only digits
	sent       int    // sentence number, from 0
	sentStart  bool   // first word of its sentence
}

// inclusiveSuffixes are the endings of French inclusive writing that may
// follow a word after a middle dot, a period, or in parentheses.
var inclusiveSuffixes = map[string]bool{
	"e": true, "s": true, "es": true, "se": true, "ses": true, "euse": true, "euses": true,
	"ve": true, "ves": true, "rice": true, "rices": true, "trice": true, "trices": true,
	"ne": true, "nes": true, "le": true, "les": true, "te": true, "tes": true, "ere": true,
	"eres": true, "x": true, "ice": true, "ices": true, "elle": true, "elles": true, "ienne": true,
	"iennes": true, "enne": true, "ennes": true, "oise": true, "aise": true,
}

// abbreviations end with a period that does not end the sentence.
var abbreviations = map[string]bool{"m": true, "mme": true, "mlle": true, "mr": true, "dr": true, "me": true, "st": true, "ste": true, "cf": true, "n": true, "no": true, "tel": true, "av": true, "bd": true}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

func isApostrophe(r rune) bool {
	return r == '\'' || r == '’' || r == 'ʼ' || r == '‘' || r == '`' || r == '´'
}

func isInclusiveDot(r rune) bool {
	return r == '·' || r == '•' || r == '∙' || r == '⋅' || r == '.' || r == '‧'
}

// tokenize splits text into words with their sentence numbers.
func tokenize(text string) []token {
	toks := make([]token, 0, len(text)/5+1)
	sent := 0
	newSentence := true
	i := 0
	for i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		if !isWordRune(r) {
			switch {
			case r == '.' || r == '!' || r == '?' || r == '…' || r == '\n' || r == ';':
				// A period after an abbreviation (M. Dupont) or between
				// digits (06.12…) does not end the sentence.
				if r == '.' && len(toks) > 0 && toks[len(toks)-1].end == i {
					last := toks[len(toks)-1]
					if abbreviations[last.fold] || (last.digits && i+1 < len(text) && text[i+1] >= '0' && text[i+1] <= '9') {
						break
					}
				}
				if !newSentence {
					sent++
					newSentence = true
				}
			}
			i += size
			continue
		}
		start := i
		for i < len(text) {
			r, size := utf8.DecodeRuneInString(text[i:])
			if !isWordRune(r) {
				break
			}
			i += size
		}
		word := text[start:i]
		end := i
		// Glued inclusive endings: menteur·se·s, menteur.euse, menteur(se).
		for end < len(text) {
			r, size := utf8.DecodeRuneInString(text[end:])
			var j int
			switch {
			case isInclusiveDot(r) || r == '/':
				j = end + size
			case r == '(':
				j = end + size
			default:
				j = -1
			}
			if j < 0 {
				break
			}
			k := j
			for k < len(text) {
				r2, s2 := utf8.DecodeRuneInString(text[k:])
				if !unicode.IsLetter(r2) || !unicode.IsLower(r2) {
					break
				}
				k += s2
			}
			if k == j || !inclusiveSuffixes[fold(text[j:k])] {
				break
			}
			if r == '(' {
				if k >= len(text) || text[k] != ')' {
					break
				}
				k++
			} else if k < len(text) {
				// « menteur.se » but not « fin.Suite » nor « a.b.c@… »
				r3, _ := utf8.DecodeRuneInString(text[k:])
				if isWordRune(r3) || r3 == '@' {
					break
				}
			}
			end = k
		}
		first, _ := utf8.DecodeRuneInString(word)
		t := token{start: start, end: end, fold: fold(word), cap: unicode.IsUpper(first), sent: sent, sentStart: newSentence}
		t.digits = isDigits(word)
		t.allCaps = t.cap && utf8.RuneCountInString(word) >= 2 && word == strings.ToUpper(word) && !t.digits
		toks = append(toks, t)
		newSentence = false
		i = end
	}
	return toks
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// fold lower-cases s and removes accents and ligatures: « Œdème » → "oedeme".
func fold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 || (s[i] >= 'A' && s[i] <= 'Z') {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		foldRune(&b, r)
	}
	return b.String()
}

func foldRune(b *strings.Builder, r rune) {
	if r < 0x80 {
		if r >= 'A' && r <= 'Z' {
			r += 'a' - 'A'
		}
		b.WriteRune(r)
		return
	}
	switch r {
	case 'à', 'â', 'ä', 'á', 'ã', 'å', 'À', 'Â', 'Ä', 'Á', 'Ã', 'Å':
		b.WriteByte('a')
	case 'é', 'è', 'ê', 'ë', 'É', 'È', 'Ê', 'Ë':
		b.WriteByte('e')
	case 'î', 'ï', 'í', 'ì', 'Î', 'Ï', 'Í', 'Ì', 'ı':
		b.WriteByte('i')
	case 'ô', 'ö', 'ó', 'ò', 'õ', 'Ô', 'Ö', 'Ó', 'Ò', 'Õ', 'ø', 'Ø':
		b.WriteByte('o')
	case 'ù', 'û', 'ü', 'ú', 'Ù', 'Û', 'Ü', 'Ú':
		b.WriteByte('u')
	case 'ç', 'Ç':
		b.WriteByte('c')
	case 'ÿ', 'Ÿ', 'ý', 'Ý':
		b.WriteByte('y')
	case 'ñ', 'Ñ':
		b.WriteByte('n')
	case 'œ', 'Œ':
		b.WriteString("oe")
	case 'æ', 'Æ':
		b.WriteString("ae")
	case 'ß':
		b.WriteString("ss")
	default:
		if unicode.Is(unicode.Mn, r) {
			return
		}
		// Anything else: decompose and keep the base letters.
		for _, d := range norm.NFD.String(string(r)) {
			if !unicode.Is(unicode.Mn, d) {
				b.WriteRune(unicode.ToLower(d))
			}
		}
	}
}

// words folds a lexicon phrase into the words tokenize would find.
func words(phrase string) []string {
	toks := tokenize(phrase)
	out := make([]string, len(toks))
	for i, t := range toks {
		out[i] = t.fold
	}
	return out
}
