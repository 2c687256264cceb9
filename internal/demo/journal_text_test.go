package demo

import (
	"strings"
	"testing"
	"time"

	"parcours/internal/parcours"
)

// The demo's journal reads as French a worker would write: no « à le »,
// no inclusive suffix on a person whose sex is recorded, no template left
// half filled.
func TestJournalText_IsGrammaticalFrench(t *testing.T) {
	g := NewPopulation(7, time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC))
	bad := []string{" à le ", " à les ", " de le ", " de les ", "·e", "{e}", "%!", "Dossier la ", "Dossier le ", "Saisine de la demande"}
	for i := range 3000 {
		p := parcours.Person{Sex: parcours.SexFemale}
		if i%2 == 1 {
			p.Sex = parcours.SexMale
		}
		e := g.entry(p, g.today)
		for _, b := range bad {
			if strings.Contains(e.Summary, b) {
				t.Fatalf("entry %d (%s): %q contains %q", i, p.Sex, e.Summary, b)
			}
		}
		if p.Sex == parcours.SexMale && (strings.Contains(e.Summary, "M. reçue") || strings.Contains(e.Summary, "présentée")) {
			t.Fatalf("entry %d: %q agrees in the feminine for a man", i, e.Summary)
		}
		if p.Sex == parcours.SexFemale && strings.Contains(e.Summary, "Mme reçu ") {
			t.Fatalf("entry %d: %q does not agree with Mme", i, e.Summary)
		}
	}
}
