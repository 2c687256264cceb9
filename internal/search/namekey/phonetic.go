package namekey

import "strings"

// Phonetic is a French phonetic key of one folded word: two spellings that
// a French speaker pronounces alike get the same key. It is deliberately
// simple (a few ordered rewrites, then silent endings and doubled letters)
// because it only gathers candidates; the ranking compares the spellings
// themselves. Lefèvre, Lefebvre and Lefeuvre give "lefevr"; Mohamed and
// Mohammed give "moame"; Kévin and Kevin, Nguyen and Nguyên are already
// equal once folded.
func Phonetic(word string) string {
	if word == "" || strings.IndexFunc(word, func(r rune) bool { return r < 'a' || r > 'z' }) >= 0 {
		return word // digits or another script: keep as is
	}
	s := consonants.Replace(word)
	s = vowels.Replace(s)
	// Doubled letters sound single (Mohammed, Bonnet, Grossi).
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if i > 0 && s[i] == s[i-1] {
			continue
		}
		b = append(b, s[i])
	}
	// Silent endings: a final e, then a final s, t, d or x (Bernard /
	// Bernart, Dupont / Dupond, Renaud / Renaux).
	if len(b) > 2 && b[len(b)-1] == 'e' {
		b = b[:len(b)-1]
	}
	if len(b) > 3 && strings.IndexByte("stdx", b[len(b)-1]) >= 0 {
		b = b[:len(b)-1]
	}
	return string(b)
}

// consonants rewrites consonant spellings; longer patterns come first so
// that "sch" wins over "ch" and "gue" over "ge". Its output is not scanned
// again, which is what keeps "gue" → "ge" a hard g. "x" stands for the
// sound of "ch"; a written x becomes "ks".
var consonants = strings.NewReplacer(
	"sch", "x", "tch", "x", "ch", "x", "sh", "x",
	"ph", "f", "th", "t", "kh", "k", "rh", "r", "gh", "g",
	"gue", "ge", "gui", "gi", "guy", "gi",
	"ge", "je", "gi", "ji", "gy", "ji", "gn", "ni",
	"qu", "k", "q", "k", "ck", "k",
	"ce", "se", "ci", "si", "cy", "si", "c", "k",
	"x", "ks", "w", "v", "y", "i", "z", "s", "bv", "v", "h", "",
)

// vowels rewrites vowel groups that sound alike.
var vowels = strings.NewReplacer(
	"eau", "o", "au", "o", "ou", "u", "oo", "u",
	"eu", "e", "oe", "e", "ai", "e", "ei", "e", "ae", "e",
)

// Distance is the optimal-string-alignment edit distance between a and b
// (insertions, deletions, substitutions and swaps of neighbours each count
// one), or max+1 when it exceeds max. Bounding it keeps ranking cheap.
func Distance(a, b string, max int) int {
	if a == b {
		return 0
	}
	if max <= 0 {
		return max + 1
	}
	// Folded tokens are nearly always ASCII and short: then the distance
	// runs on bytes with its rows on the stack, since ranking calls it for
	// every typed word against every token of every candidate. Most of
	// those pairs differ in length by more than max: told at once.
	if len(a) <= shortWord && len(b) <= shortWord && isASCII(a) && isASCII(b) {
		if d := len(a) - len(b); d > max || -d > max {
			return max + 1
		}
		var rows [3][shortWord + 1]int
		return osa([]byte(a), []byte(b), max, rows[0][:len(b)+1], rows[1][:len(b)+1], rows[2][:len(b)+1])
	}
	rb := []rune(b)
	return osa([]rune(a), rb, max, make([]int, len(rb)+1), make([]int, len(rb)+1), make([]int, len(rb)+1))
}

// shortWord bounds the words whose distance is computed on the stack.
const shortWord = 32

// isASCII reads s eight bytes at a time.
func isASCII(s string) bool {
	var m uint64
	i := 0
	for ; i+8 <= len(s); i += 8 {
		m |= uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
			uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
	}
	for ; i < len(s); i++ {
		m |= uint64(s[i])
	}
	return m&0x8080808080808080 == 0
}

// osa is Distance on letters (bytes or runes), with three rows of
// len(b)+1 to work in.
func osa[T byte | rune](ra, rb []T, max int, prev2, prev, cur []int) int {
	if d := len(ra) - len(rb); d > max || -d > max {
		return max + 1
	}
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		best := cur[0]
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
			best = min(best, v)
		}
		if best > max {
			return max + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	if prev[len(rb)] > max {
		return max + 1
	}
	return prev[len(rb)]
}

// MaxEdits is how many typing mistakes a word of n letters may carry and
// still match: none below four letters (too many short names are one edit
// apart), one up to five, two beyond.
func MaxEdits(n int) int {
	switch {
	case n < 4:
		return 0
	case n <= 5:
		return 1
	}
	return 2
}
