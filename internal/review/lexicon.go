package review

import (
	"bufio"
	"bytes"
	"embed"
	"fmt"
	"sort"
	"strings"
	"sync"
)

// The lexicon is data, not code: data/lexicon.tsv lists the entries and
// data/sources.tsv the works each entry comes from. data/README.md
// describes the format for organisations that extend it.
//
//go:embed data/lexicon.tsv data/sources.tsv
var dataFS embed.FS

// Two pseudo-categories live in the lexicon besides the real ones:
// neutral phrases shield the words inside them (« médecin traitant »,
// « Secours catholique »), and source markers (« selon », « d'après »)
// make a sentence's reported behaviour sourced.
const (
	catNeutral = "neutral"
	catSource  = "source"
)

// entry is one line of the lexicon.
type entry struct {
	cat       Category
	kind      string
	also      Category // a second category for the same words
	exact     bool     // no tolerance for misspellings
	subject   bool     // only after a subject (il, elle, Mme X, son mari…)
	unsourced bool     // only in a sentence without a source marker
	named     bool     // only when a proper name goes with it
	after     [][]string
	notBefore [][]string
	notAfter  [][]string
	sugg      Text
	source    string
	line      int
}

type phrase struct {
	words []string
	e     *entry
}

// Source is a work the lexicon's entries come from.
type Source struct {
	ID, Title, Reference string
}

// Analyser holds a parsed lexicon; it is safe for concurrent use.
type Analyser struct {
	// Version is the lexicon's version line(s), for reports.
	Version string
	Sources map[string]Source
	byFirst map[string][]phrase
	markers map[string][]phrase
	fuzzy   map[string][]string
	entries int
}

var (
	defaultOnce sync.Once
	defaultA    *Analyser
)

// Default returns the analyser of the embedded lexicon. An embedded
// lexicon that does not parse is a programming error caught by the
// tests, so it panics.
func Default() *Analyser {
	defaultOnce.Do(func() {
		a, err := New()
		if err != nil {
			panic(err)
		}
		defaultA = a
	})
	return defaultA
}

// New parses the embedded lexicon followed by any extra lexicons (same
// format), which is how an organisation adds its own words.
func New(extra ...[]byte) (*Analyser, error) {
	a := &Analyser{Sources: map[string]Source{}, byFirst: map[string][]phrase{}, markers: map[string][]phrase{}, fuzzy: map[string][]string{}}
	src, err := dataFS.ReadFile("data/sources.tsv")
	if err != nil {
		return nil, err
	}
	if err := a.parseSources(src); err != nil {
		return nil, err
	}
	lex, err := dataFS.ReadFile("data/lexicon.tsv")
	if err != nil {
		return nil, err
	}
	if err := a.parseLexicon("lexicon.tsv", lex); err != nil {
		return nil, err
	}
	for i, x := range extra {
		if err := a.parseLexicon(fmt.Sprintf("extra lexicon %d", i+1), x); err != nil {
			return nil, err
		}
	}
	for k, ps := range a.byFirst {
		sort.SliceStable(ps, func(i, j int) bool { return len(ps[i].words) > len(ps[j].words) })
		a.byFirst[k] = ps
	}
	for k, ps := range a.markers {
		sort.SliceStable(ps, func(i, j int) bool { return len(ps[i].words) > len(ps[j].words) })
		a.markers[k] = ps
	}
	return a, nil
}

// Entries is the number of lexicon lines read.
func (a *Analyser) Entries() int { return a.entries }

func (a *Analyser) parseSources(b []byte) error {
	sc := bufio.NewScanner(bytes.NewReader(b))
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 3 {
			return fmt.Errorf("review: sources.tsv line %d: want 3 tab-separated fields, got %d", n, len(f))
		}
		a.Sources[f[0]] = Source{ID: f[0], Title: f[1], Reference: f[2]}
	}
	return sc.Err()
}

// parseLexicon reads lines of seven tab-separated fields:
// category, kind, terms, options, suggestion (fr), suggestion (en), source.
func (a *Analyser) parseLexicon(name string, b []byte) error {
	sc := bufio.NewScanner(bytes.NewReader(b))
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if strings.HasPrefix(line, "#version") {
			v := strings.TrimSpace(strings.TrimPrefix(line, "#version"))
			if a.Version != "" {
				a.Version += " + "
			}
			a.Version += v
			continue
		}
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 7 {
			return fmt.Errorf("review: %s line %d: want 7 tab-separated fields, got %d", name, n, len(f))
		}
		e := &entry{cat: Category(f[0]), kind: f[1], sugg: Text{FR: f[4], EN: f[5]}, source: f[6], line: n}
		if !e.cat.Valid() && f[0] != catNeutral && f[0] != catSource {
			return fmt.Errorf("review: %s line %d: unknown category %q", name, n, f[0])
		}
		for _, id := range strings.Split(e.source, ",") {
			if _, ok := a.Sources[id]; !ok {
				return fmt.Errorf("review: %s line %d: unknown source %q (add it to sources.tsv)", name, n, id)
			}
		}
		if err := e.parseOptions(f[3]); err != nil {
			return fmt.Errorf("review: %s line %d: %w", name, n, err)
		}
		a.entries++
		for _, term := range strings.Split(f[2], "|") {
			term = strings.TrimSpace(term)
			if term == "" {
				continue
			}
			inflect := strings.HasSuffix(term, "~")
			term = strings.TrimSuffix(term, "~")
			ws := words(term)
			if len(ws) == 0 {
				return fmt.Errorf("review: %s line %d: term %q has no word", name, n, term)
			}
			forms := [][]string{ws}
			if inflect {
				last := ws[len(ws)-1]
				for _, f := range inflections(last) {
					v := append(append([]string{}, ws[:len(ws)-1]...), f)
					forms = append(forms, v)
				}
			}
			for _, w := range forms {
				a.add(phrase{words: w, e: e})
			}
		}
	}
	return sc.Err()
}

func (a *Analyser) add(p phrase) {
	if p.e.cat == catSource {
		a.markers[p.words[0]] = append(a.markers[p.words[0]], p)
		return
	}
	a.byFirst[p.words[0]] = append(a.byFirst[p.words[0]], p)
	w := p.words[0]
	if len(p.words) == 1 && !p.e.exact && len(w) >= fuzzyMin && p.e.cat != catNeutral {
		if k := skeleton(w); !containsStr(a.fuzzy[k], w) {
			a.fuzzy[k] = append(a.fuzzy[k], w)
		}
	}
}

func containsStr(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

func (e *entry) parseOptions(s string) error {
	if s == "" || s == "-" {
		return nil
	}
	for _, o := range strings.Split(s, ";") {
		o = strings.TrimSpace(o)
		k, v, _ := strings.Cut(o, "=")
		switch k {
		case "exact":
			e.exact = true
		case "subject":
			e.subject = true
		case "unsourced":
			e.unsourced = true
		case "named":
			e.named = true
		case "also":
			e.also = Category(v)
			if !e.also.Valid() {
				return fmt.Errorf("unknown category %q in also=", v)
			}
		case "after":
			e.after = phrases(v)
		case "not_before":
			e.notBefore = phrases(v)
		case "not_after":
			e.notAfter = phrases(v)
		default:
			return fmt.Errorf("unknown option %q", k)
		}
	}
	return nil
}

func phrases(v string) [][]string {
	var out [][]string
	for _, p := range strings.Split(v, ",") {
		if ws := words(p); len(ws) > 0 {
			out = append(out, ws)
		}
	}
	return out
}

// inflections returns the feminine and plural forms of a folded French
// adjective or noun given in the masculine singular. It over-generates a
// little (a wrong form is a string nobody writes); irregular words list
// their forms in the lexicon instead.
func inflections(w string) []string {
	has := func(s string) bool { return strings.HasSuffix(w, s) }
	cut := func(n int) string { return w[:len(w)-n] }
	switch {
	case has("ateur"):
		return []string{w + "s", cut(3) + "rice", cut(3) + "rices", cut(3) + "euse", cut(3) + "euses"}
	case has("eur"):
		return []string{w + "s", cut(1) + "se", cut(1) + "ses"}
	case has("if"):
		return []string{w + "s", cut(1) + "ve", cut(1) + "ves"}
	case has("eux"):
		return []string{cut(1) + "se", cut(1) + "ses"}
	case has("al"):
		return []string{w + "e", w + "es", cut(1) + "ux"}
	case has("el"), has("ien"), has("on"), has("et"):
		last := w[len(w)-1:]
		return []string{w + "s", w + last + "e", w + last + "es"}
	case has("er"):
		return []string{w + "s", cut(2) + "ere", cut(2) + "eres"}
	case has("e"):
		// Folded past participles lost their accent: « condamné » gives
		// condamnee too.
		return []string{w + "s", w + "e", w + "es"}
	case has("s"), has("x"), has("z"):
		return []string{w + "e", w + "es"}
	default:
		return []string{w + "s", w + "e", w + "es"}
	}
}

// fuzzyMin is the shortest word matched despite a spelling mistake:
// shorter words have too many neighbours that are other words.
const fuzzyMin = 6

// skeleton reduces a folded word to what common misspellings keep: doubled
// consonants single, no h, ph as f, y as i, k and qu as c, c before e or i
// as s (« toxicommane », « schyzophrène », « manipulatrisse » all meet
// their word). Doubled vowels stay: « prostituée » folded is
// "prostituee", which must not meet the verb « prostitue ». An edit distance
// would also meet other words (« voisins » and « visions »), which a
// dictionary check of the lexicon showed; the skeleton does not.
func skeleton(w string) string {
	b := make([]byte, 0, len(w))
	for i := 0; i < len(w); i++ {
		c := w[i]
		switch {
		case c == 'p' && i+1 < len(w) && w[i+1] == 'h':
			c = 'f'
			i++
		case c == 'h':
			continue
		case c == 'y':
			c = 'i'
		case c == 'k':
			c = 'c'
		case c == 'q' && i+1 < len(w) && w[i+1] == 'u':
			c = 'c'
			i++
		case c == 'c' && i+1 < len(w) && (w[i+1] == 'e' || w[i+1] == 'i' || w[i+1] == 'y'):
			c = 's'
		}
		if len(b) > 0 && b[len(b)-1] == c && !strings.ContainsRune("aeiou", rune(c)) {
			continue
		}
		b = append(b, c)
	}
	return string(b)
}

// fuzzyForms returns the lexicon words with the same skeleton as w.
func (a *Analyser) fuzzyForms(w string) []string {
	if len(w) < fuzzyMin {
		return nil
	}
	return a.fuzzy[skeleton(w)]
}
