package review

import (
	"bufio"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
)

type labelled struct {
	line int
	want []Category
	text string
}

func readLabelled(t *testing.T, name string) []labelled {
	t.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []labelled
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cats, text, ok := strings.Cut(line, "\t")
		if !ok || strings.Contains(text, "\t") {
			t.Fatalf("%s line %d: want two tab-separated fields", name, n)
		}
		l := labelled{line: n, text: text}
		if cats != "-" {
			for _, c := range strings.Split(cats, ",") {
				if !Category(c).Valid() {
					t.Fatalf("%s line %d: unknown category %q", name, n, c)
				}
				l.want = append(l.want, Category(c))
			}
		}
		out = append(out, l)
	}
	return out
}

// TestLabelledSet runs the analyser over the hand-written labelled set and
// reports precision and recall per category (a sentence counts once per
// category). It fails below precision 0.90 or recall 0.85 overall, and
// when the set stops being at least 300 sentences, half of them neutral.
func TestLabelledSet(t *testing.T) {
	set := readLabelled(t, "labelled.tsv")
	neutral := 0
	for _, l := range set {
		if len(l.want) == 0 {
			neutral++
		}
	}
	if len(set) < 300 || neutral*2 < len(set)-10 || neutral*2 > len(set)+10 {
		t.Fatalf("labelled set: %d sentences, %d neutral; want at least 300, about half neutral", len(set), neutral)
	}
	precision, recall := score(t, "labelled set", set)
	if precision < 0.90 || recall < 0.85 {
		t.Errorf("overall precision %.3f (want ≥ 0.90), recall %.3f (want ≥ 0.85)", precision, recall)
	}
	// Held-out sentences were never used to tune the lexicon: reported,
	// not enforced, so the figure above is read with this one beside it.
	score(t, "held-out set", readLabelled(t, "heldout.tsv"))
}

// score logs precision and recall per category over set and returns the
// overall figures.
func score(t *testing.T, name string, set []labelled) (precision, recall float64) {
	t.Helper()
	neutral := 0
	for _, l := range set {
		if len(l.want) == 0 {
			neutral++
		}
	}
	tp, fp, fn := map[Category]int{}, map[Category]int{}, map[Category]int{}
	var misses []string
	for _, l := range set {
		spans := Analyse(l.text, Options{})
		got := CategoriesOf(spans)
		for _, c := range Categories {
			g, w := slices.Contains(got, c), slices.Contains(l.want, c)
			switch {
			case g && w:
				tp[c]++
			case g && !w:
				fp[c]++
				misses = append(misses, fmt.Sprintf("line %d: unexpected %s in %q (%s)", l.line, c, l.text, excerpts(l.text, spans, c)))
			case !g && w:
				fn[c]++
				misses = append(misses, fmt.Sprintf("line %d: missed %s in %q", l.line, c, l.text))
			}
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d sentences (%d neutral), lexicon %s\n", name, len(set), neutral, Default().Version)
	fmt.Fprintf(&b, "%-12s %5s %5s %5s %9s %7s\n", "category", "tp", "fp", "fn", "precision", "recall")
	var TP, FP, FN int
	for _, c := range Categories {
		TP, FP, FN = TP+tp[c], FP+fp[c], FN+fn[c]
		fmt.Fprintf(&b, "%-12s %5d %5d %5d %9s %7s\n", c, tp[c], fp[c], fn[c], ratio(tp[c], tp[c]+fp[c]), ratio(tp[c], tp[c]+fn[c]))
	}
	fmt.Fprintf(&b, "%-12s %5d %5d %5d %9s %7s\n", "overall", TP, FP, FN, ratio(TP, TP+FP), ratio(TP, TP+FN))
	t.Log("\n" + b.String())
	for _, m := range misses {
		t.Log(m)
	}
	return float64(TP) / float64(TP+FP), float64(TP) / float64(TP+FN)
}

func ratio(a, b int) string {
	if b == 0 {
		return "—"
	}
	return fmt.Sprintf("%.3f", float64(a)/float64(b))
}

func excerpts(text string, spans []Span, c Category) string {
	var out []string
	for _, s := range spans {
		if s.Category == c {
			out = append(out, text[s.Start:s.End])
		}
	}
	return strings.Join(out, ", ")
}
