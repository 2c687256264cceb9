package review

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"parcours/internal/parcours"
)

// Identifier kinds (Span.Kind of the Identifier category).
const (
	KindNIR    = "nir"
	KindIBAN   = "iban"
	KindCAF    = "caf"
	KindMSA    = "msa"
	KindPhone  = "phone"
	KindEmail  = "email"
	KindSecret = "secret"
)

// IdentifierKinds lists the kinds of identifiers found in free text.
var IdentifierKinds = []string{KindNIR, KindIBAN, KindCAF, KindMSA, KindPhone, KindEmail, KindSecret}

// matchIdentifiers finds identifiers by their shape and checksum (NIR,
// IBAN, phone, e-mail) or by the words that introduce them (CAF and MSA
// numbers, passwords and codes).
func (a *Analyser) matchIdentifiers(text string, toks []token, spans []Span) []Span {
	ident := func(s, e int, kind string) {
		spans = append(spans, Span{Start: s, End: e, Category: Identifier, Kind: kind, Explanation: "review.explain.identifier." + kind})
	}
	taken := func(s, e int) bool {
		for _, sp := range spans {
			if sp.Category == Identifier && s < sp.End && sp.Start < e {
				return true
			}
		}
		return false
	}
	// Shapes, scanned on the raw text.
	for i := 0; i < len(text); i++ {
		c := text[i]
		if i > 0 && isAlnumByte(text[i-1]) {
			continue
		}
		// Not the middle of a longer number (« 2 85 03 75 … »).
		if i >= 2 && separatorAt(text, i-1) == 1 && isDigitByte(text[i-2]) {
			continue
		}
		switch {
		case c == '+' || c == '0':
			if e, ok := phoneAt(text, i); ok {
				ident(i, e, KindPhone)
				i = e - 1
				continue
			}
		}
		if c >= '1' && c <= '8' {
			if e, ok := nirAt(text, i); ok {
				ident(i, e, KindNIR)
				i = e - 1
				continue
			}
		}
		if isLetterByte(c) && i+3 < len(text) && isLetterByte(text[i+1]) && isDigitByte(text[i+2]) && isDigitByte(text[i+3]) {
			if e, ok := ibanAt(text, i); ok {
				ident(i, e, KindIBAN)
				i = e - 1
				continue
			}
		}
	}
	for i := 0; i < len(text); i++ {
		if text[i] == '@' {
			if s, e, ok := emailAround(text, i); ok && !taken(s, e) {
				ident(s, e, KindEmail)
				i = e - 1
			}
		}
	}
	// Numbers introduced by words: « n° allocataire 1234567 », « MSA : … ».
	for i, t := range toks {
		kind := ""
		switch t.fold {
		case "caf", "allocataire":
			kind = KindCAF
		case "msa":
			kind = KindMSA
		}
		if kind == "" {
			continue
		}
		for k := i + 1; k < len(toks) && k <= i+5 && toks[k].sent == t.sent; k++ {
			n := toks[k]
			if n.digits && len(n.fold) >= 5 && len(n.fold) <= 13 {
				e := n.end
				// A letter glued after the number (1234567 A) belongs to it.
				if k+1 < len(toks) && toks[k+1].start == e+1 && text[e] == ' ' && len(toks[k+1].fold) == 1 && toks[k+1].allCaps {
					e = toks[k+1].end
				}
				if !taken(n.start, e) {
					ident(n.start, e, kind)
				}
				break
			}
		}
	}
	matchSecrets(text, toks, ident, taken)
	return spans
}

// secretWords introduce passwords and codes; a value must follow after
// ":" or "=" or « est », or be a number for the code words.
var secretWords = [][]string{
	{"mot", "de", "passe"}, {"mots", "de", "passe"}, {"mdp"}, {"password"}, {"identifiant"}, {"identifiants"}, {"login"},
	{"code", "pin"}, {"code", "secret"}, {"code", "confidentiel"}, {"code", "d", "acces"}, {"digicode"},
	{"code", "de", "la", "carte"}, {"code", "carte"}, {"code", "cb"}, {"code", "de", "l", "immeuble"}, {"code", "porte"},
}

var codeWords = map[string]bool{"pin": true, "secret": true, "confidentiel": true, "acces": true, "digicode": true, "carte": true, "cb": true, "immeuble": true, "porte": true}

// valueStop are words after « mot de passe est » that begin a phrase, not
// a value (« est oublié », « est le même »).
var valueStop = map[string]bool{"le": true, "la": true, "les": true, "un": true, "une": true, "son": true, "sa": true, "ses": true, "leur": true,
	"oublie": true, "oubliee": true, "perdu": true, "bloque": true, "bloquee": true, "expire": true, "a": true, "en": true, "de": true, "du": true,
	"incorrect": true, "faux": true, "change": true, "trop": true, "toujours": true, "pas": true, "valide": true, "necessaire": true, "inconnu": true}

func matchSecrets(text string, toks []token, ident func(s, e int, kind string), taken func(s, e int) bool) {
	for i := range toks {
		for _, w := range secretWords {
			if !phraseAt(toks, i, w, toks[i].sent) {
				continue
			}
			end := i + len(w) - 1
			value := -1
			// The value may come after the service's name (« mot de passe
			// CAF : … », « mdp ameli est … »), never further than 3 words.
			for k := end + 1; k < len(toks) && k <= end+4 && toks[k].sent == toks[i].sent && value < 0; k++ {
				between := text[toks[k-1].end:toks[k].start]
				switch {
				case strings.ContainsAny(between, ":="):
					value = k
				case toks[k].fold == "est" && k+1 < len(toks) && toks[k+1].sent == toks[i].sent:
					value = k + 1
				case k == end+1 && codeWords[w[len(w)-1]] && hasDigit(toks[k].fold) && len(toks[k].fold) >= 4 && len(toks[k].fold) <= 8:
					value = k
				}
			}
			if value >= 0 && !valueStop[toks[value].fold] {
				e := valueEnd(text, toks[value].end)
				if !taken(toks[i].start, e) {
					ident(toks[i].start, e, KindSecret)
				}
			}
			break
		}
	}
}

// valueEnd extends a password value over the symbols glued to it
// (« Soleil2024! ») up to the next space, leaving a final period out.
func valueEnd(text string, e int) int {
	for e < len(text) {
		r, size := utf8.DecodeRuneInString(text[e:])
		if unicode.IsSpace(r) || r == ',' || r == ';' || r == ')' {
			break
		}
		e += size
	}
	for e > 0 && (text[e-1] == '.' || text[e-1] == ',') {
		e--
	}
	return e
}

func hasDigit(s string) bool {
	return strings.IndexAny(s, "0123456789") >= 0
}

func isDigitByte(c byte) bool  { return c >= '0' && c <= '9' }
func isLetterByte(c byte) bool { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') }
func isAlnumByte(c byte) bool  { return isDigitByte(c) || isLetterByte(c) || c >= 0x80 }

// separatorAt returns the width of a group separator in a number (space,
// no-break spaces, period, hyphen) at text[i], or 0.
func separatorAt(text string, i int) int {
	if i >= len(text) {
		return 0
	}
	switch text[i] {
	case ' ', '.', '-':
		return 1
	}
	if strings.HasPrefix(text[i:], "\u00a0") || strings.HasPrefix(text[i:], "\u202f") {
		return len("\u00a0") // both are 2 bytes in UTF-8
	}
	return 0
}

// nirAt reads a NIR at text[i]: 13 characters then a 2-digit key, in
// groups separated by single spaces, periods or hyphens; Corsica's 2A/2B
// allowed; the key is checked (parcours.ValidNIR).
func nirAt(text string, i int) (int, bool) {
	var b strings.Builder
	j, lastEnd := i, i
	for j < len(text) && b.Len() < 15 {
		c := text[j]
		n := b.Len()
		if isDigitByte(c) || (n == 6 && b.String()[5] == '2' && (c == 'A' || c == 'B' || c == 'a' || c == 'b')) {
			b.WriteByte(c)
			j++
			lastEnd = j
			continue
		}
		if w := separatorAt(text, j); w > 0 && j+w < len(text) && (isDigitByte(text[j+w]) || (b.Len() == 6 && strings.ContainsRune("ABab", rune(text[j+w])))) {
			j += w
			continue
		}
		break
	}
	if b.Len() != 15 || (lastEnd < len(text) && isAlnumByte(text[lastEnd])) {
		return 0, false
	}
	if !parcours.ValidNIR(b.String()) {
		return 0, false
	}
	return lastEnd, true
}

// phoneAt reads a French phone number at text[i]: 0X XX XX XX XX (with
// spaces, periods, hyphens or nothing between pairs) or +33 / 0033 then
// 9 digits, optionally with (0).
func phoneAt(text string, i int) (int, bool) {
	j := i
	digits := 10
	switch {
	case strings.HasPrefix(text[j:], "+33"):
		j += 3
		digits = 9
	case strings.HasPrefix(text[j:], "0033"):
		j += 4
		digits = 9
	}
	if digits == 9 {
		if w := separatorAt(text, j); w > 0 {
			j += w
		}
		if strings.HasPrefix(text[j:], "(0)") {
			j += 3
			if w := separatorAt(text, j); w > 0 {
				j += w
			}
		}
		if j >= len(text) || text[j] < '1' || text[j] > '9' {
			return 0, false
		}
	} else if j+1 >= len(text) || text[j] != '0' || text[j+1] < '1' || text[j+1] > '9' {
		return 0, false
	}
	n, end := 0, j
	for j < len(text) && n < digits {
		if isDigitByte(text[j]) {
			n++
			j++
			end = j
			continue
		}
		if w := separatorAt(text, j); w > 0 && j+w < len(text) && isDigitByte(text[j+w]) {
			j += w
			continue
		}
		break
	}
	if n != digits || (end < len(text) && isAlnumByte(text[end])) {
		return 0, false
	}
	return end, true
}

// ibanAt reads an IBAN at text[i]: country, check digits, then letters and
// digits in groups of four; the longest prefix ending at a group boundary
// that passes the ISO 7064 mod-97 check wins.
func ibanAt(text string, i int) (int, bool) {
	var chars []byte
	var ends []int // text offset after each char
	j := i
	for j < len(text) && len(chars) < 34 {
		c := text[j]
		if isDigitByte(c) || isLetterByte(c) {
			chars = append(chars, byte(unicode.ToUpper(rune(c))))
			j++
			ends = append(ends, j)
			continue
		}
		if c == ' ' && j+1 < len(text) && (isDigitByte(text[j+1]) || isLetterByte(text[j+1])) {
			j++
			continue
		}
		break
	}
	for n := len(chars); n >= 15; n-- {
		end := ends[n-1]
		if end < len(text) && isAlnumByte(text[end]) {
			continue // not a group boundary
		}
		if validIBAN(chars[:n]) {
			return end, true
		}
	}
	return 0, false
}

// validIBAN checks the mod-97 of an upper-case IBAN without spaces.
func validIBAN(s []byte) bool {
	if len(s) < 15 || len(s) > 34 || !isLetterByte(s[0]) || !isLetterByte(s[1]) || !isDigitByte(s[2]) || !isDigitByte(s[3]) {
		return false
	}
	rem := 0
	for k := 0; k < len(s); k++ {
		c := s[(k+4)%len(s)]
		switch {
		case isDigitByte(c):
			rem = (rem*10 + int(c-'0')) % 97
		case c >= 'A' && c <= 'Z':
			rem = (rem*100 + int(c-'A'+10)) % 97
		default:
			return false
		}
	}
	return rem == 1
}

// emailAround finds an e-mail address around the @ at text[at].
func emailAround(text string, at int) (int, int, bool) {
	local := func(c byte) bool {
		return isDigitByte(c) || isLetterByte(c) || strings.IndexByte(".!#$%&*+/=?^_{|}~-", c) >= 0
	}
	s := at
	for s > 0 && local(text[s-1]) {
		s--
	}
	for s < at && text[s] == '.' {
		s++
	}
	e := at + 1
	dot := false
	for e < len(text) && (isDigitByte(text[e]) || isLetterByte(text[e]) || text[e] == '-' || text[e] == '.') {
		if text[e] == '.' {
			dot = true
		}
		e++
	}
	for e > at+1 && (text[e-1] == '.' || text[e-1] == '-') {
		e--
	}
	if s == at || e <= at+1 || !dot || !strings.Contains(text[at+1:e], ".") {
		return 0, 0, false
	}
	tld := text[strings.LastIndexByte(text[:e], '.')+1 : e]
	if len(tld) < 2 {
		return 0, 0, false
	}
	for k := 0; k < len(tld); k++ {
		if !isLetterByte(tld[k]) {
			return 0, 0, false
		}
	}
	return s, e, true
}
