package prescreen

import (
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

func TestLoad_ShippedRulesCompile(t *testing.T) {
	t.Parallel()
	e, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, r := range e.Rules {
		codes = append(codes, r.Code)
	}
	if got := strings.Join(codes, ","); got != "rsa,prime_activite,css_gratuite,css_participation,aah,apl,aspa" {
		t.Fatalf("rules = %s", got)
	}
}

// Every parameter value names its legal source; every parameter is read
// by some rule.
func TestParams_EachValueHasALegalSource(t *testing.T) {
	t.Parallel()
	e, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(e.Params) < 30 {
		t.Fatalf("only %d parameters", len(e.Params))
	}
	for _, p := range e.Params {
		if p.Label == "" || p.Unit == "" {
			t.Errorf("%s:%d: %s has no label or unit", p.File, p.Line, p.Name)
		}
		for _, v := range p.Values {
			if len(strings.TrimSpace(v.Source)) < 8 || !strings.ContainsAny(v.Source, "0123456789") {
				t.Errorf("%s:%d: %s from %s: source %q does not cite an article or a text", p.File, v.Line, p.Name, v.From, v.Source)
			}
		}
		used := false
		for _, r := range e.Rules {
			for _, st := range append(r.Steps, r.probable, r.possible, r.amount) {
				if st != nil && slices.Contains(st.uses, p.Name) {
					used = true
				}
			}
		}
		if !used {
			t.Errorf("%s:%d: parameter %s is read by no rule", p.File, p.Line, p.Name)
		}
	}
	for _, r := range e.Rules {
		if len(r.Sources) == 0 || len(r.History) == 0 {
			t.Errorf("rule %s has no source or history", r.Code)
		}
	}
}

// A rule file that does not parse, or names an unknown parameter, and a
// parameter without a source, are refused naming the file and the line.
func TestLoad_RefusesBadFilesWithFileAndLine(t *testing.T) {
	t.Parallel()
	params := "param x.a | A | €\n  2025-01-01 | 1 | CASF art. L1\n"
	head := "rule: r\nright: rsa\nname: R\nversion: 1\npurpose: P\ncontact: C\nsource: S\n"
	for _, c := range []struct{ name, params, rule, want string }{
		{"unknown parameter", params, head + "let a = x.a + 1.0\nlet b = x.inconnu * 2.0\nprobable: b > 0.0\npossible: false\n", "rules/r.rules:9:"},
		{"syntax", params, head + "let a = (x.a + \nprobable: true\npossible: false\n", "rules/r.rules:8:"},
		{"continued line", params, head + "let a = x.a +\n    1.0 +\n    y\nprobable: true\npossible: false\n", "rules/r.rules:10:"},
		{"unknown fact in needs", params, head + "needs: age, revenu\nprobable: true\npossible: false\n", "rules/r.rules:8:"},
		{"unknown key", params, head + "montant: 3\nprobable: true\npossible: false\n", "rules/r.rules:8:"},
		{"wrong type", params, head + "probable: 1.0\npossible: false\n", "rules/r.rules:8:"},
		{"no source", "param x.a | A | €\n  2025-01-01 | 1 |\n", head + "probable: true\npossible: false\n", "params/p.params:2:"},
		{"bad value", "param x.a | A | €\n\n  2025-01-01 | 1,5 | CASF L1\n", head + "probable: true\npossible: false\n", "params/p.params:3:"},
		{"no probable", params, head + "possible: false\n", "rules/r.rules:1:"},
	} {
		fsys := fstest.MapFS{"params/p.params": {Data: []byte(c.params)}, "rules/r.rules": {Data: []byte(c.rule)}}
		_, err := LoadFS(fsys)
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want prefix %q", c.name, err, c.want)
		}
	}
}

// The computation for a past date uses the parameters in force then.
func TestParam_ValueInForceAtDate(t *testing.T) {
	t.Parallel()
	e, _ := Load()
	p := e.Params["rsa.montant_forfaitaire"]
	for date, want := range map[string]float64{"2025-03-31": 635.71, "2025-04-01": 646.52, "2026-03-31": 646.52, "2026-04-01": 651.69} {
		if v, ok := p.At(date); !ok || v.Value != want {
			t.Errorf("%s: %v, want %v", date, v.Value, want)
		}
	}
	if _, ok := p.At("2020-01-01"); ok {
		t.Error("a value before the first one")
	}
}
