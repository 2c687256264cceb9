package i18n

import (
	"strings"
	"testing"
)

func TestCatalog_EveryKeyInEveryLanguage(t *testing.T) {
	for _, lang := range Languages {
		for _, other := range Languages {
			for _, k := range Keys(other) {
				if _, ok := catalog[lang][k]; !ok {
					t.Errorf("key %q is in %s but missing in %s", k, other, lang)
				}
			}
		}
	}
}

func TestCatalog_SamePlaceholders(t *testing.T) {
	for _, k := range Keys(Default) {
		fr, en := catalog["fr"][k], catalog["en"][k]
		if strings.Count(fr, "%") != strings.Count(en, "%") {
			t.Errorf("key %q: placeholders differ between fr %q and en %q", k, fr, en)
		}
	}
}

func TestNegotiate(t *testing.T) {
	cases := []struct{ pref, header, want string }{
		{"", "", "fr"},
		{"", "en-GB,en;q=0.9", "en"},
		{"fr", "en-GB,en;q=0.9", "fr"},
		{"", "de-DE,de;q=0.9,en;q=0.5", "en"},
		{"", "de", "fr"},
		{"xx", "fr-FR;q=0.3,en;q=0.8", "en"},
	}
	for _, c := range cases {
		if got := Negotiate(c.pref, c.header); got != c.want {
			t.Errorf("Negotiate(%q, %q) = %q, want %q", c.pref, c.header, got, c.want)
		}
	}
}

func TestT_FormatsAndTranslatesFieldArgs(t *testing.T) {
	got := T("en", "error.field_required", "birth_name")
	if !strings.Contains(got, "birth_name") {
		t.Fatalf("got %q", got)
	}
	if T("fr", "no.such.key") != "no.such.key" {
		t.Fatal("unknown key should be returned as is")
	}
}

// Plurals follow the language's rules: French counts 0 and 1 as one.
func TestN_PluralRules(t *testing.T) {
	for _, c := range []struct {
		lang string
		n    int
		want string
	}{
		{"fr", 0, "0 tâche en retard"}, {"fr", 1, "1 tâche en retard"}, {"fr", 2, "2 tâches en retard"},
		{"en", 0, "0 overdue tasks"}, {"en", 1, "1 overdue task"}, {"en", 2, "2 overdue tasks"},
	} {
		if got := N(c.lang, "cf.alert.overdue_tasks", c.n); got != c.want {
			t.Errorf("N(%s, %d) = %q, want %q", c.lang, c.n, got, c.want)
		}
	}
}
