package prescreen

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Fact is a datum of the household the rules read. Amounts are monthly,
// in euros (the average of the last three months for resources).
type Fact struct {
	Name  string `json:"name"`
	Label string `json:"label"`
	Bool  bool   `json:"-"`
	Money bool   `json:"-"`
}

// Facts are every datum a rule may read; a rule naming another word is
// refused at start.
var Facts = []Fact{
	{Name: "age", Label: "Âge de la personne de référence"},
	{Name: "couple", Label: "Vit en couple", Bool: true},
	{Name: "age_spouse", Label: "Âge du conjoint ou de la conjointe (0 sans conjoint)"},
	{Name: "children", Label: "Enfants à charge de moins de 25 ans"},
	{Name: "persons", Label: "Personnes du foyer (demandeur, conjoint, enfants à charge)"},
	{Name: "res_activity", Label: "Revenus d'activité du foyer", Money: true},
	{Name: "res_activity_ref", Label: "Revenus d'activité de la personne de référence", Money: true},
	{Name: "res_activity_spouse", Label: "Revenus d'activité du conjoint", Money: true},
	{Name: "res_are", Label: "Allocation chômage (ARE)", Money: true},
	{Name: "res_pension", Label: "Pensions de retraite", Money: true},
	{Name: "res_aah", Label: "AAH perçue", Money: true},
	{Name: "res_family", Label: "Prestations familiales", Money: true},
	{Name: "res_alimony", Label: "Pension alimentaire reçue", Money: true},
	{Name: "res_other", Label: "Autres ressources", Money: true},
	{Name: "res_housing_aid", Label: "Aide au logement perçue (APL, ALS, ALF)", Money: true},
	{Name: "res_rsa", Label: "RSA perçu", Money: true},
	{Name: "res_pa", Label: "Prime d'activité perçue", Money: true},
	{Name: "res_own_ref", Label: "Ressources propres de la personne de référence (hors revenus d'activité)", Money: true},
	{Name: "tenant", Label: "Locataire", Bool: true},
	{Name: "free_housing", Label: "Logé·e gratuitement ou propriétaire", Bool: true},
	{Name: "rent", Label: "Loyer mensuel", Money: true},
	{Name: "disability", Label: "Invalidité ou handicap déclaré dans la situation", Bool: true},
	{Name: "student", Label: "Étudiant·e", Bool: true},
}

// FactLabel returns the label of a fact.
func FactLabel(name string) string { return factSet[name].Label }

// Datum is the value of one fact for a household, with where it comes
// from (which field, entered by whom, when).
type Datum struct {
	Num    float64 `json:"value"`
	Bool   bool    `json:"bool,omitempty"`
	Known  bool    `json:"known"`
	Source string  `json:"source"`
	// Missing says which field to fill in when the datum is not known.
	Missing string `json:"missing,omitempty"`
}

// Situation is what the rules read of a household on a date.
type Situation struct {
	Date string
	Data map[string]Datum
	// MonthsKnown is how many of the three reference months a budget
	// covers; fewer than 3 turns « probable » into « possible ».
	MonthsKnown int
}

// UsedDatum is a fact a result read.
type UsedDatum struct {
	Name   string `json:"name"`
	Label  string `json:"label"`
	Value  string `json:"value"`
	Source string `json:"source"`
}

// UsedParam is a parameter a result read, with the value in force on the
// date and its legal source.
type UsedParam struct {
	Name   string  `json:"name"`
	Label  string  `json:"label"`
	Unit   string  `json:"unit"`
	Value  float64 `json:"value"`
	Shown  string  `json:"shown"`
	From   string  `json:"from"`
	Source string  `json:"source"`
}

// Operation is one evaluated step with its intermediate value.
type Operation struct {
	Name  string `json:"name"`
	Label string `json:"label"`
	Expr  string `json:"expression"`
	Value string `json:"value"`
}

// Missing is a datum whose absence (or whose value unknown to the file)
// would change the answer.
type Missing struct {
	Fact  string `json:"fact,omitempty"`
	Label string `json:"label"`
	Field string `json:"field,omitempty"`
}

// Result is the answer of one rule for one household on one date. It is
// never a decision.
type Result struct {
	Rule        string      `json:"rule"`
	RightCode   string      `json:"right_code"`
	Name        string      `json:"name"`
	Version     string      `json:"rule_version"`
	Date        string      `json:"date"`
	Status      Status      `json:"status"`
	HasAmount   bool        `json:"has_amount"`
	AmountCents int64       `json:"amount_cents"`
	AmountLabel string      `json:"amount_label,omitempty"`
	Received    bool        `json:"already_received"`
	Missing     []Missing   `json:"missing"`
	Checks      []string    `json:"checks"`
	Warnings    []string    `json:"warnings"`
	Data        []UsedDatum `json:"data"`
	Params      []UsedParam `json:"parameters"`
	Operations  []Operation `json:"operations"`
	Sources     []string    `json:"sources"`
	Body        string      `json:"paying_body"`
}

// Evaluate runs every rule on s.
func (e *Engine) Evaluate(s Situation) ([]*Result, error) {
	out := make([]*Result, 0, len(e.Rules))
	for _, r := range e.Rules {
		res, err := e.EvaluateRule(r, s)
		if err != nil {
			return nil, err
		}
		out = append(out, res)
	}
	return out, nil
}

// EvaluateRule runs one rule on s, with the parameters in force on s.Date.
func (e *Engine) EvaluateRule(r *Rule, s Situation) (*Result, error) {
	res := &Result{Rule: r.Code, RightCode: r.RightCode, Name: r.Name, Version: r.Version, Date: s.Date, AmountLabel: r.AmountLabel,
		Missing: []Missing{}, Checks: slices.Clone(r.Checks), Warnings: slices.Clone(r.Warnings), Data: []UsedDatum{},
		Params: []UsedParam{}, Operations: []Operation{}, Sources: r.Sources, Body: r.Body}
	if res.Checks == nil {
		res.Checks = []string{}
	}
	if res.Warnings == nil {
		res.Warnings = []string{}
	}
	for _, n := range r.Needs {
		d := s.Data[n]
		if !d.Known {
			res.Missing = append(res.Missing, Missing{Fact: n, Label: FactLabel(n), Field: d.Missing})
		}
	}
	if s.Date < r.minDate {
		res.Missing = append(res.Missing, Missing{Label: "Paramètres de la règle saisis à partir du " + frenchDate(r.minDate) + " seulement"})
	}
	if len(res.Missing) > 0 {
		res.Status = MissingData
		return res, nil
	}
	act := map[string]any{}
	for _, f := range Facts {
		d := s.Data[f.Name]
		if f.Bool {
			act[f.Name] = d.Bool
		} else {
			act[f.Name] = d.Num
		}
	}
	used := map[string]bool{}
	for name, p := range e.Params {
		if v, ok := p.At(s.Date); ok {
			act[name] = v.Value
		}
	}
	run := func(st *Step) (any, error) {
		for _, u := range st.uses {
			if p, ok := e.Params[u]; ok {
				if _, in := act[u]; !in {
					return nil, fmt.Errorf("prescreen: %s: parameter %s has no value on %s", r.Code, p.Name, s.Date)
				}
			}
			used[u] = true
		}
		v, _, err := st.prg.Eval(act)
		if err != nil {
			return nil, fmt.Errorf("prescreen: %s:%d: %s: %w", r.File, st.Line, st.Name, err)
		}
		val := v.Value()
		if f, ok := val.(float64); ok && (math.IsNaN(f) || math.IsInf(f, 0)) {
			return nil, fmt.Errorf("prescreen: %s:%d: %s: not a number", r.File, st.Line, st.Name)
		}
		act[st.Name] = val
		res.Operations = append(res.Operations, Operation{Name: st.Name, Label: st.Label, Expr: st.Expr, Value: show(val, "")})
		return val, nil
	}
	for _, st := range r.Steps {
		if _, err := run(st); err != nil {
			return nil, err
		}
	}
	prob, err := run(r.probable)
	if err != nil {
		return nil, err
	}
	poss, err := run(r.possible)
	if err != nil {
		return nil, err
	}
	switch {
	case prob.(bool):
		res.Status = Probable
	case poss.(bool):
		res.Status = Possible
	default:
		res.Status = Unlikely
	}
	if r.amount != nil {
		a, err := run(r.amount)
		if err != nil {
			return nil, err
		}
		// A negative amount means « not estimable » (AAH with activity
		// income): no amount is shown.
		if res.Status != Unlikely && a.(float64) >= 0 {
			res.HasAmount = true
			res.AmountCents = int64(math.Round(a.(float64) * 100))
		}
	}
	if r.received != nil {
		v, err := run(r.received)
		if err != nil {
			return nil, err
		}
		res.Received = v.(bool)
	}
	if res.Status == Probable && s.MonthsKnown < 3 && slices.ContainsFunc(r.Needs, func(n string) bool { return strings.HasPrefix(n, "res_") }) {
		res.Status = Possible
		res.Missing = append(res.Missing, Missing{Label: fmt.Sprintf("Ressources des trois derniers mois : un budget n'en couvre que %d", s.MonthsKnown), Field: "budget"})
	}
	for _, f := range Facts {
		if !used[f.Name] {
			continue
		}
		d := s.Data[f.Name]
		v := show(d.Num, "")
		if f.Bool {
			v = map[bool]string{true: "oui", false: "non"}[d.Bool]
		} else if f.Money {
			v = show(d.Num, "€")
		}
		res.Data = append(res.Data, UsedDatum{Name: f.Name, Label: f.Label, Value: v, Source: d.Source})
	}
	names := make([]string, 0, len(used))
	for n := range used {
		if _, ok := e.Params[n]; ok {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	for _, n := range names {
		p := e.Params[n]
		v, _ := p.At(s.Date)
		res.Params = append(res.Params, UsedParam{Name: n, Label: p.Label, Unit: p.Unit, Value: v.Value, Shown: show(v.Value, p.Unit),
			From: v.From, Source: v.Source})
	}
	return res, nil
}

// show writes a value in the French form: 646,52 ; oui / non.
func show(v any, unit string) string {
	switch x := v.(type) {
	case bool:
		return map[bool]string{true: "oui", false: "non"}[x]
	case float64:
		s := strconv.FormatFloat(x, 'f', -1, 64)
		if strings.Contains(unit, "€") || (x != math.Trunc(x) && len(s)-strings.Index(s, ".") > 3) {
			s = strconv.FormatFloat(math.Round(x*100)/100, 'f', 2, 64)
		}
		s = strings.Replace(s, ".", ",", 1)
		if unit != "" {
			s += " " + unit
		}
		return s
	}
	return fmt.Sprint(v)
}

func frenchDate(d string) string {
	if len(d) != 10 {
		return d
	}
	return d[8:10] + "/" + d[5:7] + "/" + d[0:4]
}
