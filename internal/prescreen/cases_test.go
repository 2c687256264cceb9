package prescreen

import (
	"bufio"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// situation builds a Situation from « key=value » words over the defaults
// of the worked cases: 35 years old, alone, tenant paying 500 €, no
// resource.
func situation(t testing.TB, date string, words []string) Situation {
	t.Helper()
	vals := map[string]float64{"age": 35, "tenant": 1, "rent": 500}
	for _, w := range words {
		k, v, ok := strings.Cut(w, "=")
		f, err := strconv.ParseFloat(v, 64)
		if !ok || err != nil || factSet[k].Name == "" {
			t.Fatalf("bad fact %q", w)
		}
		vals[k] = f
	}
	_, hasRef := vals["res_activity_ref"]
	_, hasSpouse := vals["res_activity_spouse"]
	if hasRef || hasSpouse {
		vals["res_activity"] = vals["res_activity_ref"] + vals["res_activity_spouse"]
	} else {
		vals["res_activity_ref"] = vals["res_activity"]
	}
	if _, ok := vals["res_own_ref"]; !ok {
		vals["res_own_ref"] = vals["res_are"] + vals["res_pension"] + vals["res_alimony"] + vals["res_other"]
	}
	vals["persons"] = 1 + vals["couple"] + vals["children"]
	s := Situation{Date: date, Data: map[string]Datum{}, MonthsKnown: 3}
	for _, f := range Facts {
		s.Data[f.Name] = Datum{Num: vals[f.Name], Bool: vals[f.Name] != 0, Known: true, Source: "cas de test"}
	}
	return s
}

func TestWorkedCases(t *testing.T) {
	t.Parallel()
	e, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("testdata/cases/*.cases")
	seen := map[string]int{}
	for _, name := range files {
		rule := e.Rule(strings.TrimSuffix(filepath.Base(name), ".cases"))
		if rule == nil {
			t.Fatalf("%s: no rule", name)
		}
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		n := 0
		for sc.Scan() {
			n++
			line := strings.TrimSpace(sc.Text())
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			where := name + ":" + strconv.Itoa(n)
			parts := strings.Split(line, "|")
			if len(parts) != 3 {
				t.Fatalf("%s: want « date | facts | expectation »", where)
			}
			res, err := e.EvaluateRule(rule, situation(t, strings.TrimSpace(parts[0]), strings.Fields(parts[1])))
			if err != nil {
				t.Fatalf("%s: %v", where, err)
			}
			seen[rule.Code]++
			want := strings.Fields(parts[2])
			if string(res.Status) != want[0] {
				t.Errorf("%s: status %s, want %s", where, res.Status, want[0])
			}
			if want[1] == "-" {
				if res.HasAmount {
					t.Errorf("%s: amount %d cents, want none", where, res.AmountCents)
				}
			} else {
				a, _ := strconv.ParseFloat(want[1], 64)
				if !res.HasAmount || math.Abs(float64(res.AmountCents)/100-a) > 1 {
					t.Errorf("%s: amount %v (%d cents), want %.2f within 1 €", where, res.HasAmount, res.AmountCents, a)
				}
			}
			for _, w := range want[2:] {
				if w == "percu" {
					if !res.Received {
						t.Errorf("%s: want already received", where)
					}
					continue
				}
				k, v, _ := strings.Cut(w, "=")
				found := false
				for _, op := range res.Operations {
					if op.Name == k {
						found = true
						got, _ := strconv.ParseFloat(strings.ReplaceAll(op.Value, ",", "."), 64)
						exp, _ := strconv.ParseFloat(v, 64)
						if math.Abs(got-exp) > 1 {
							t.Errorf("%s: %s = %s, want %s", where, k, op.Value, v)
						}
					}
				}
				if !found {
					t.Errorf("%s: no operation %s", where, k)
				}
			}
		}
		f.Close()
	}
	for _, r := range e.Rules {
		if seen[r.Code] < 15 {
			t.Errorf("rule %s has %d worked cases, want at least 15", r.Code, seen[r.Code])
		}
	}
}

func rank(s Status) int {
	switch s {
	case Probable:
		return 3
	case Possible:
		return 2
	case Unlikely:
		return 1
	}
	return 0
}

// More resources never make RSA or CSS more likely (the CSS as the better
// of its two forms); RSA's amount never grows either. Random households,
// random dates across parameter changes, one resource raised at a time.
func TestProperty_MoreResourcesNeverIncreaseRSAOrCSS(t *testing.T) {
	t.Parallel()
	e, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(13, 2026))
	dates := []string{"2024-06-01", "2025-03-31", "2025-06-01", "2026-06-01"}
	resources := []string{"res_activity", "res_are", "res_pension", "res_aah", "res_family", "res_alimony", "res_other", "res_housing_aid"}
	best := func(s Situation) int {
		g, _ := e.EvaluateRule(e.Rule("css_gratuite"), s)
		p, _ := e.EvaluateRule(e.Rule("css_participation"), s)
		return max(rank(g.Status), rank(p.Status))
	}
	for i := range 1000 {
		words := []string{"age=" + strconv.Itoa(18+rng.IntN(60)), "children=" + strconv.Itoa(rng.IntN(5))}
		if rng.IntN(2) == 0 {
			words = append(words, "couple=1", "age_spouse=40")
		}
		if rng.IntN(4) == 0 {
			words = append(words, "tenant=0", "free_housing=1")
		}
		for _, r := range resources {
			if rng.IntN(3) == 0 {
				words = append(words, r+"="+strconv.Itoa(rng.IntN(1500)))
			}
		}
		date := dates[rng.IntN(len(dates))]
		s := situation(t, date, words)
		r := resources[rng.IntN(len(resources))]
		more := situation(t, date, append(words, r+"="+strconv.FormatFloat(s.Data[r].Num+float64(1+rng.IntN(800)), 'f', 2, 64)))
		css1, css2 := best(s), best(more)
		if css2 > css1 {
			t.Fatalf("case %d: more %s raised the CSS from %d to %d (%v)", i, r, css1, css2, words)
		}
		rsaA, _ := e.EvaluateRule(e.Rule("rsa"), s)
		rsaB, _ := e.EvaluateRule(e.Rule("rsa"), more)
		if rank(rsaB.Status) > rank(rsaA.Status) || rsaB.AmountCents > rsaA.AmountCents {
			t.Fatalf("case %d: more %s raised the RSA (%s %d → %s %d) (%v)", i, r, rsaA.Status, rsaA.AmountCents, rsaB.Status, rsaB.AmountCents, words)
		}
	}
}
