package review

import (
	"go/parser"
	gotoken "go/token"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"parcours/internal/i18n"
)

type found struct {
	cat  Category
	text string
}

func analyse(text string) []found {
	var out []found
	for _, s := range Analyse(text, Options{}) {
		out = append(out, found{s.Category, text[s.Start:s.End]})
	}
	return out
}

// The note an independent try saved without warning (issue 18) is flagged
// on every point, each with a suggestion.
func TestAnalyse_IssueNoteFlaggedOnEveryPoint(t *testing.T) {
	note := "Madame est une menteuse… toxicomane, séropositive. NIR 2 85 03 75 123 456 88."
	spans := Analyse(note, Options{Confidentiality: "organization"})
	want := []found{
		{Judgement, "menteuse"}, {Health, "toxicomane"}, {Judgement, "toxicomane"},
		{Health, "séropositive"}, {Identifier, "2 85 03 75 123 456 88"},
	}
	var got []found
	for _, s := range spans {
		got = append(got, found{s.Category, note[s.Start:s.End]})
		if s.Suggestion.FR == "" && s.SuggestionKey == "" {
			t.Errorf("%s %q has no suggestion", s.Category, note[s.Start:s.End])
		}
		if s.Category.Special() && s.SuggestionKey != "review.suggest.confidentiality_referent" {
			t.Errorf("%q: suggestion %q, want the « référent » level", note[s.Start:s.End], s.SuggestionKey)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("got %v\nwant %v", got, want)
	}
	// At the « référent » level the hint is to keep only what is needed.
	for _, s := range Analyse(note, Options{Confidentiality: "referent"}) {
		if s.Category.Special() && s.SuggestionKey != "review.suggest.minimise" {
			t.Errorf("referent level: %q suggests %q", note[s.Start:s.End], s.SuggestionKey)
		}
	}
}

func TestAnalyse_NeutralUsesOfFlaggedWords(t *testing.T) {
	for _, text := range []string{
		"Il a menti sur son âge pour s'inscrire.",
		"Le médecin traitant a rédigé un certificat.",
		"Sa mère l'héberge depuis mai.",
		"Il boit un café pendant l'entretien.",
		"Selon sa sœur, il boit beaucoup.",
		"Il travaille au noir, dit-il.",
		"Retour dans son pays d'origine.",
		"Elle parle arabe.",
		"Situation instable depuis la perte d'emploi.",
		"Les documents détenus par la CAF.",
		"Elle a oublié son mot de passe CAF.",
		"Le code postal est 69100.",
		"Rendez-vous dans l'enceinte du tribunal.",
		"Colis du Secours catholique.",
		"Les violences conjugales ont été évoquées.",
	} {
		if got := analyse(text); len(got) > 0 {
			t.Errorf("%q: flagged %v", text, got)
		}
	}
}

func TestAnalyse_InflectionInclusiveElisionCaseAccents(t *testing.T) {
	cases := map[string]string{
		"MENTEUSE":            "MENTEUSE",
		"des menteuses":       "menteuses",
		"menteur·se":          "menteur·se",
		"menteur.euse.s":      "menteur.euse.s",
		"menteur(se)":         "menteur(se)",
		"manipulatrice":       "manipulatrice",
		"Manipulateurs":       "Manipulateurs",
		"seropositive":        "seropositive",
		"l'alcoolique":        "alcoolique",
		"d'origine marocaine": "d'origine",
		"qu'hystérique":       "hystérique",
		"toxicommane":         "toxicommane",
		"schyzophrène":        "schyzophrène",
		"séropositif·ve·s":    "séropositif·ve·s",
		"une hystérique’":     "hystérique",
		"Il est CONDAMNÉ":     "CONDAMNÉ",
		"fainéante":           "fainéante",
		"elle est ENCEINTE":   "ENCEINTE",
	}
	for text, want := range cases {
		got := analyse(text)
		if len(got) == 0 || got[0].text != want {
			t.Errorf("%q: got %v, want a span on %q", text, got, want)
		}
	}
}

func TestAnalyse_Identifiers(t *testing.T) {
	cases := []struct {
		text, kind, span string
	}{
		{"NIR 185026912345690 noté", KindNIR, "185026912345690"},
		{"NIR 1 85 02 69 123 456 90.", KindNIR, "1 85 02 69 123 456 90"},
		{"Corse : 2 85 02 2A 123 456 32", KindNIR, "2 85 02 2A 123 456 32"},
		{"IBAN FR76 3000 6000 0112 3456 7890 189 ok", KindIBAN, "FR76 3000 6000 0112 3456 7890 189"},
		{"fr7630006000011234567890189", KindIBAN, "fr7630006000011234567890189"},
		{"n° allocataire 1234567", KindCAF, "1234567"},
		{"numéro MSA : 98765432", KindMSA, "98765432"},
		{"tél 06 12 34 56 78.", KindPhone, "06 12 34 56 78"},
		{"au +33 (0)4 78 12 34 56", KindPhone, "+33 (0)4 78 12 34 56"},
		{"écrire à jean-marc.durand+caf@mairie-exemple.fr.", KindEmail, "jean-marc.durand+caf@mairie-exemple.fr"},
		{"mdp : Soleil2024! puis", KindSecret, "mdp : Soleil2024!"},
		{"code PIN 4821", KindSecret, "code PIN 4821"},
	}
	for _, c := range cases {
		spans := Analyse(c.text, Options{})
		if len(spans) != 1 || spans[0].Kind != c.kind || c.text[spans[0].Start:spans[0].End] != c.span {
			t.Errorf("%q: got %v, want one %s on %q", c.text, analyse(c.text), c.kind, c.span)
		}
		if len(spans) == 1 && spans[0].Explanation != "review.explain.identifier."+c.kind {
			t.Errorf("%q: explanation %q", c.text, spans[0].Explanation)
		}
	}
	// Wrong keys and checksums are not identifiers of these kinds.
	for _, text := range []string{
		"NIR 185026912345691", "FR76 3000 6000 0112 3456 7890 188", "2 85 02 2A 123 456 33",
		"Facture 4510233", "le 12/03/2026 à 14 h", "1 874,50 €", "a@b", "x@localhost",
	} {
		if got := analyse(text); len(got) > 0 {
			t.Errorf("%q: flagged %v", text, got)
		}
	}
}

func TestAnalyse_HearsayNeedsSubjectAndNoSource(t *testing.T) {
	if got := analyse("Il boit."); len(got) != 1 || got[0].cat != Hearsay {
		t.Errorf("« Il boit. »: %v", got)
	}
	for _, text := range []string{"Monsieur dit qu'il boit.", "D'après Mme X, il boit.", "Il boit de l'eau.", "Boit-il ?"} {
		for _, f := range analyse(text) {
			if f.cat == Hearsay {
				t.Errorf("%q: hearsay on %q", text, f.text)
			}
		}
	}
}

func TestAnalyse_ThirdPartyOnlyWhenNamed(t *testing.T) {
	if got := analyse("Sa voisine Mme Petit a appelé."); len(got) != 1 || got[0] != (found{ThirdParty, "voisine Mme Petit"}) {
		t.Errorf("got %v", got)
	}
	if got := analyse("Mme Petit, sa voisine, a appelé."); len(got) != 1 || got[0] != (found{ThirdParty, "Mme Petit, sa voisine"}) {
		t.Errorf("got %v", got)
	}
	for _, text := range []string{"Sa voisine a appelé.", "Sa mère l'héberge.", "Sa sœur CAF"} {
		if got := analyse(text); len(got) > 0 {
			t.Errorf("%q: %v", text, got)
		}
	}
}

func TestRuneOffsets_CountCodePoints(t *testing.T) {
	text := "Été 🌞 : Élodie est hystérique."
	spans := Analyse(text, Options{})
	if len(spans) != 1 {
		t.Fatalf("spans %v", analyse(text))
	}
	s, e := RuneOffsets(text, spans[0])
	if got := string([]rune(text)[s:e]); got != "hystérique" {
		t.Errorf("rune offsets %d-%d give %q", s, e, got)
	}
}

func TestAnalyse_EmptyAndTooLong(t *testing.T) {
	if got := Analyse("", Options{}); got != nil {
		t.Errorf("empty: %v", got)
	}
	long := strings.Repeat("é", MaxText) + " menteuse"
	for _, s := range Analyse(long, Options{}) {
		if s.End > MaxText {
			t.Errorf("span beyond MaxText: %d", s.End)
		}
	}
}

// Every category, explanation and general suggestion the analyser can
// return has its catalogue key in both languages; every lexicon entry names
// a known source (New fails otherwise) and has both suggestions or none.
func TestLexicon_CatalogueKeysAndSources(t *testing.T) {
	a := Default()
	if a.Version == "" || a.Entries() < 50 {
		t.Errorf("lexicon version %q, %d entries", a.Version, a.Entries())
	}
	keys := []string{"review.suggest.confidentiality_referent", "review.suggest.minimise"}
	for _, c := range Categories {
		keys = append(keys, "review.category."+string(c), "review.explain."+string(c))
		if !c.Special() {
			keys = append(keys, "review.suggest."+string(c))
		}
	}
	for _, k := range IdentifierKinds {
		keys = append(keys, "review.explain.identifier."+k)
	}
	for _, k := range keys {
		for _, lang := range i18n.Languages {
			if got := i18n.T(lang, k); got == "" || got == k {
				t.Errorf("catalogue key %q missing in %s", k, lang)
			}
		}
	}
	for _, ps := range a.byFirst {
		for _, p := range ps {
			if (p.e.sugg.FR == "") != (p.e.sugg.EN == "") {
				t.Errorf("lexicon line %d: suggestion in one language only", p.e.line)
			}
		}
	}
}

func TestNew_ExtraLexiconExtendsAndBadLinesFail(t *testing.T) {
	a, err := New([]byte("#version org-1\njudgement\tlabel\tgrincheux~\t-\tDécrire\tDescribe\tecrits-pro\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := a.Analyse("Elle est grincheuse.", Options{}); len(got) != 1 || got[0].Category != Judgement {
		t.Errorf("extra lexicon: %v", got)
	}
	if !strings.Contains(a.Version, "org-1") {
		t.Errorf("version %q", a.Version)
	}
	for _, bad := range []string{
		"judgement\tlabel\tx\t-\t\t\n",
		"nope\tlabel\tx\t-\t\t\tecrits-pro\n",
		"judgement\tlabel\tx\t-\t\t\tunknown-source\n",
		"judgement\tlabel\tx\tweird\t\t\tecrits-pro\n",
	} {
		if _, err := New([]byte(bad)); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func FuzzAnalyse(f *testing.F) {
	for _, s := range []string{
		"Madame est une menteuse… toxicomane, séropositive, NIR 2 85 03 75 123 456 88.",
		"menteur·se·s (e) ’l’ d'", "\x00\x00il boit\x00", "مرحبا hystérique שלום", "\u202eevisserga\u202c",
		"👩‍👩‍👧 mdp: 🔑🔑", "FR76 3000 6000 0112 3456 7890 189", "+33 (0)", "a@b.c@d.fr", "\xff\xfe menteuse \xc3",
		"Mme", "sa voisine Mme", "mot de passe :", "2 85 02 2A", strings.Repeat("é.", 50),
	} {
		f.Add(s, "referent")
	}
	f.Fuzz(func(t *testing.T, text, conf string) {
		spans := Analyse(text, Options{Confidentiality: conf})
		for _, s := range spans {
			if s.Start < 0 || s.End > len(text) || s.Start >= s.End {
				t.Fatalf("span %d-%d out of bounds of %d bytes", s.Start, s.End, len(text))
			}
			if !utf8.RuneStart(text[s.Start]) || (s.End < len(text) && !utf8.RuneStart(text[s.End])) {
				t.Fatalf("span %d-%d cuts a rune", s.Start, s.End)
			}
			if !s.Category.Valid() || s.Explanation == "" {
				t.Fatalf("span %+v", s)
			}
			rs, re := RuneOffsets(text, s)
			if rs < 0 || re < rs || re > utf8.RuneCountInString(text) {
				t.Fatalf("rune offsets %d-%d", rs, re)
			}
		}
	})
}

// BenchmarkAnalyse_2000Chars analyses a realistic 2,000-character note
// (goal: ≤ 10 ms; the figure goes to BENCHMARKS.md).
func BenchmarkAnalyse_2000Chars(b *testing.B) {
	note := benchNote()
	Default()
	b.SetBytes(int64(len(note)))
	b.ReportAllocs()
	for b.Loop() {
		Analyse(note, Options{Confidentiality: "team"})
	}
}

func benchNote() string {
	base := "Entretien au bureau avec Madame D., venue avec son fils Lucas. Madame indique avoir reçu un courrier de la CAF lui réclamant un indu de 800 €. " +
		"Elle dit que son ex-conjoint ne verse plus la pension depuis mars. Sa voisine Mme Petit l'aide pour les courses. Madame est une menteuse, toxicomane, séropositive. " +
		"NIR 2 85 03 75 123 456 88, tél 06 12 34 56 78. Il boit. Le médecin traitant a rédigé un certificat. Demande de FSL déposée, rendez-vous le 12/03/2026. "
	var b strings.Builder
	for utf8.RuneCountInString(b.String()) < 2000 {
		b.WriteString(base)
	}
	return string([]rune(b.String())[:2000])
}

// The analyser stays pure: no SQL, no network, no logging, no files beyond
// its embedded lexicon.
func TestPackage_ImportsNothingImpure(t *testing.T) {
	allowed := map[string]bool{"bufio": true, "bytes": true, "embed": true, "fmt": true, "sort": true, "strings": true, "sync": true,
		"unicode": true, "unicode/utf8": true, "golang.org/x/text/unicode/norm": true, "parcours/internal/parcours": true}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := gotoken.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			if p := strings.Trim(imp.Path.Value, `"`); !allowed[p] {
				t.Errorf("%s imports %s", name, p)
			}
		}
	}
}
