// Package i18n holds the translation catalogue of every text the user sees:
// French by default, English complete. Messages live in
// locales/<lang>/<area>.json, one file per area so that features do not
// edit the same file; a key defined twice is an error at start-up, and a test
// fails when a key lacks a language.
//
// Messages are fmt formats: T("error.field_required", "nom de naissance").
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
)

// Default is the language used when nothing else is known.
const Default = "fr"

// Languages lists the supported languages, default first.
var Languages = []string{"fr", "en"}

//go:embed locales
var localesFS embed.FS

var catalog = mustLoad()

// tags are the parsed tags of Languages, for N: parsing one on every
// plural a page shows was a visible share of rendering it (issue 17).
var tags = func() map[string]language.Tag {
	m := map[string]language.Tag{}
	for _, l := range Languages {
		m[l] = language.Make(l)
	}
	return m
}()

func mustLoad() map[string]map[string]string {
	c, err := load(localesFS)
	if err != nil {
		panic(err)
	}
	return c
}

func load(fsys fs.FS) (map[string]map[string]string, error) {
	c := map[string]map[string]string{}
	for _, lang := range Languages {
		c[lang] = map[string]string{}
		dir := path.Join("locales", lang)
		entries, err := fs.ReadDir(fsys, dir)
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			b, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
			if err != nil {
				return nil, err
			}
			var m map[string]string
			if err := json.Unmarshal(b, &m); err != nil {
				return nil, fmt.Errorf("i18n: %s/%s: %w", dir, e.Name(), err)
			}
			for k, v := range m {
				if _, dup := c[lang][k]; dup {
					return nil, fmt.Errorf("i18n: key %q defined twice in %s", k, lang)
				}
				c[lang][k] = v
			}
		}
	}
	return c, nil
}

// Supported reports whether lang has a catalogue.
func Supported(lang string) bool {
	_, ok := catalog[lang]
	return ok
}

// Has reports whether key exists in the default language, as a message
// or as the plural forms N reads (key.one, key.other…).
func Has(key string) bool {
	_, ok := catalog[Default][key]
	if !ok {
		_, ok = catalog[Default][key+".other"]
	}
	return ok
}

// T translates key into lang, formatting args into it. An unknown key is
// returned as is, so a missing translation shows up rather than hiding.
func T(lang, key string, args ...any) string {
	m, ok := catalog[lang]
	if !ok {
		m = catalog[Default]
	}
	msg, ok := m[key]
	if !ok {
		msg, ok = catalog[Default][key]
		if !ok {
			return key
		}
	}
	if len(args) == 0 {
		return msg
	}
	// Arguments that are keys themselves (field names, catalogue values)
	// are translated too.
	for i, a := range args {
		if s, ok := a.(string); ok {
			if t, ok := m[s]; ok {
				args[i] = t
			}
		}
	}
	return fmt.Sprintf(msg, args...)
}

// Keys returns the sorted keys of lang.
func Keys(lang string) []string {
	keys := make([]string, 0, len(catalog[lang]))
	for k := range catalog[lang] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Negotiate picks a supported language: the worker's preference first,
// then the Accept-Language header, then French.
func Negotiate(preference, acceptLanguage string) string {
	if Supported(preference) {
		return preference
	}
	if l, ok := Accepted(acceptLanguage); ok {
		return l
	}
	return Default
}

// Accepted returns the supported language an Accept-Language header
// prefers (highest q), and false when it names none we have.
func Accepted(acceptLanguage string) (string, bool) {
	best, bestQ := "", -1.0
	for _, part := range strings.Split(acceptLanguage, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			fmt.Sscanf(v, "%g", &q)
		}
		base, _, _ := strings.Cut(strings.ToLower(tag), "-")
		if Supported(base) && q > bestQ {
			best, bestQ = base, q
		}
	}
	return best, best != ""
}

// N translates the plural form of key for count n in lang, by the CLDR
// rules of golang.org/x/text (French: « 0 tâche », « 1 tâche », « 2
// tâches »; English: « 0 tasks », « 1 task »): the catalogue holds
// key+".one" and key+".other" (and ".many" where a language needs it); n
// is the first argument of the message.
func N(lang, key string, n int, args ...any) string {
	tag, ok := tags[lang]
	if !ok {
		tag = tags[Default]
	}
	form := "other"
	switch plural.Cardinal.MatchPlural(tag, n, 0, 0, 0, 0) {
	case plural.One:
		form = "one"
	case plural.Many:
		form = "many"
	}
	k := key + "." + form
	if _, ok := catalog[Default][k]; !ok {
		k = key + ".other"
	}
	return T(lang, k, append([]any{n}, args...)...)
}

// Euros writes a whole number of euros in lang: « 1 874 € » in French
// (narrow no-break spaces), "€1,874" in English.
func Euros(lang string, n int) string {
	neg := n < 0
	if neg {
		n = -n
	}
	digits := fmt.Sprint(n)
	sep := "\u202f"
	if lang == "en" {
		sep = ","
	}
	var b strings.Builder
	for i, r := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	out := b.String()
	if neg {
		out = "-" + out
	}
	if lang == "en" {
		return "€" + out
	}
	return out + "\u202f€"
}
