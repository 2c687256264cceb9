// Package review is the « relecture éthique » of a note: given a French
// text written by a worker, it returns the spans a careful reader would
// question before the note is saved — judgmental or stigmatising wording,
// special-category data (GDPR art. 9) and judicial data (art. 10),
// identifiers typed into free text, hearsay written as fact and named third
// parties — each with a category, an explanation key of the translation
// catalogue and, where one exists, a neutral suggestion.
//
// It is pure computation over an embedded, versioned lexicon
// (data/lexicon.tsv, each entry naming its source in data/sources.tsv): no
// SQL, no network, no model, no logging. It must never store or log the
// text it reads. It only advises: nothing here blocks a save.
//
// Offsets: Span.Start and Span.End are BYTE offsets into the UTF-8 text
// (End exclusive), so text[s.Start:s.End] is the flagged excerpt. Callers
// that need Unicode code point offsets (the JSON API, for JavaScript)
// convert with RuneOffsets.
package review

import (
	"sort"
	"unicode/utf8"
)

// Category is what kind of problem a span is. The list is closed: the
// statistics, the catalogue keys (review.category.<c>) and the labelled
// test set rely on it.
type Category string

const (
	// Judgement is judgmental or stigmatising wording about a person
	// (« menteuse », « cas social », « mauvaise mère »).
	Judgement Category = "judgement"
	// Health is health data, diagnoses, pregnancy, treatments (art. 9).
	Health Category = "health"
	// Religion is religious belief or practice (art. 9).
	Religion Category = "religion"
	// Origin is racial or ethnic origin (art. 9).
	Origin Category = "origin"
	// Sexuality is sex life or sexual orientation (art. 9).
	Sexuality Category = "sexuality"
	// Union is trade-union membership (art. 9).
	Union Category = "union"
	// Politics is political opinion (art. 9).
	Politics Category = "politics"
	// Judicial is criminal convictions, offences and detention (art. 10).
	Judicial Category = "judicial"
	// Identifier is an identifier typed into free text: NIR, IBAN, CAF or
	// MSA number, phone number, e-mail address, password or code.
	Identifier Category = "identifier"
	// Hearsay is a reported behaviour written as a fact, without its
	// source (« il boit », « elle se prostitue »).
	Hearsay Category = "hearsay"
	// ThirdParty is a third party named in the note (« sa voisine
	// Mme Petit »): the person may one day read it.
	ThirdParty Category = "third_party"
)

// Categories lists every category, in the order screens show them.
var Categories = []Category{Judgement, Health, Religion, Origin, Sexuality, Union, Politics, Judicial, Identifier, Hearsay, ThirdParty}

// Valid reports whether c is one of Categories.
func (c Category) Valid() bool {
	for _, k := range Categories {
		if k == c {
			return true
		}
	}
	return false
}

// Special reports whether c is special-category data (GDPR art. 9) or
// judicial data (art. 10), whose presence should raise the note's
// confidentiality level.
func (c Category) Special() bool {
	switch c {
	case Health, Religion, Origin, Sexuality, Union, Politics, Judicial:
		return true
	}
	return false
}

// Text is a short text in the two catalogue languages, carried by the
// lexicon itself so that an organisation can add entries without touching
// the translation catalogue.
type Text struct {
	FR string `json:"fr"`
	EN string `json:"en"`
}

// In returns the text in lang, French when there is no English.
func (t Text) In(lang string) string {
	if lang == "en" && t.EN != "" {
		return t.EN
	}
	return t.FR
}

// Span is one flagged excerpt of the text.
type Span struct {
	// Start and End are byte offsets into the text, End exclusive.
	Start, End int
	Category   Category
	// Kind refines the category: the identifier kind (nir, iban, caf, msa,
	// phone, email, secret), or the lexicon entry's kind.
	Kind string
	// Explanation is a catalogue key (review.explain.<category>, or
	// review.explain.identifier.<kind>).
	Explanation string
	// Suggestion is the entry's own neutral wording, if any.
	Suggestion Text
	// SuggestionKey is a catalogue key for a general suggestion, used when
	// Suggestion is empty (and for the confidentiality hint).
	SuggestionKey string
}

// Options tune one analysis.
type Options struct {
	// Confidentiality is the level the worker chose for the note (team,
	// referent, organization); special-category spans suggest the
	// « référent » level unless it is already chosen.
	Confidentiality string
}

// MaxText is the longest text Analyse reads, in bytes (50,000 characters
// of four bytes); the rest is not analysed. Callers refuse longer texts
// before calling it (internal/noteflags: 50,000 characters).
const MaxText = 200_000

// Analyse returns the spans of text, sorted by start then end, using the
// embedded lexicon. It never panics and every span lies within the text
// on rune boundaries.
func Analyse(text string, opts Options) []Span {
	return Default().Analyse(text, opts)
}

// Analyse is Analyse with this analyser's lexicon.
func (a *Analyser) Analyse(text string, opts Options) []Span {
	if len(text) > MaxText {
		text = text[:MaxText]
		for len(text) > 0 && !utf8.RuneStart(text[len(text)-1]) {
			text = text[:len(text)-1]
		}
		// Drop a rune cut in half at the end.
		if r, size := utf8.DecodeLastRuneInString(text); r == utf8.RuneError && size == 1 {
			text = text[:len(text)-1]
		}
	}
	if text == "" {
		return nil
	}
	toks := tokenize(text)
	var spans []Span
	spans = a.matchLexicon(text, toks, spans)
	spans = a.matchIdentifiers(text, toks, spans)
	spans = dedupe(spans)
	for i := range spans {
		s := &spans[i]
		if s.Explanation == "" {
			s.Explanation = "review.explain." + string(s.Category)
		}
		if s.Category.Special() {
			if opts.Confidentiality == "referent" {
				s.SuggestionKey = "review.suggest.minimise"
			} else {
				s.SuggestionKey = "review.suggest.confidentiality_referent"
			}
		} else if s.SuggestionKey == "" && s.Suggestion.FR == "" {
			s.SuggestionKey = "review.suggest." + string(s.Category)
		}
	}
	return spans
}

// dedupe sorts the spans and drops exact repeats (same range, same
// category), keeping the first found.
func dedupe(spans []Span) []Span {
	sort.SliceStable(spans, func(i, j int) bool {
		if spans[i].Start != spans[j].Start {
			return spans[i].Start < spans[j].Start
		}
		if spans[i].End != spans[j].End {
			return spans[i].End < spans[j].End
		}
		return spans[i].Category < spans[j].Category
	})
	out := spans[:0]
	for i, s := range spans {
		if i > 0 && s.Start == out[len(out)-1].Start && s.End == out[len(out)-1].End && s.Category == out[len(out)-1].Category {
			continue
		}
		out = append(out, s)
	}
	return out
}

// RuneOffsets converts a span's byte offsets into Unicode code point
// offsets of text.
func RuneOffsets(text string, s Span) (start, end int) {
	start = utf8.RuneCountInString(text[:s.Start])
	end = start + utf8.RuneCountInString(text[s.Start:s.End])
	return start, end
}

// CategoriesOf returns the distinct categories of spans, in Categories
// order.
func CategoriesOf(spans []Span) []Category {
	seen := map[Category]bool{}
	for _, s := range spans {
		seen[s.Category] = true
	}
	var out []Category
	for _, c := range Categories {
		if seen[c] {
			out = append(out, c)
		}
	}
	return out
}
