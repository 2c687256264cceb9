// Package prescreen is the explainable pre-screening of likely rights
// (pré-diagnostic des droits, issue 13): rules written as data (CEL
// expressions in rules/*.rules) over dated parameters, each with its
// legal source (params/*.params), both embedded in the binary and
// versioned in the repository.
//
// A screening is an aid to orientation: it is computed on demand, never
// stored as a decision, and only the paying body decides. Every result
// carries what the law (CRPA L311-3-1, R311-3-1-2) asks to explain: the
// data used with their source, the parameters with their legal source,
// each operation with its intermediate value and the rule's version.
//
// This file is the engine: it parses and compiles the rules once (a rule
// that does not parse or names an unknown parameter or fact is refused
// with its file and line, so the server does not start), and evaluates
// them for a date. It is pure: no SQL, no HTTP, no personal data logged.
package prescreen

import (
	"bufio"
	"embed"
	"fmt"
	"io/fs"
	"math"
	"path"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
)

//go:embed rules/*.rules params/*.params
var embedded embed.FS

// Status is the answer of one rule for one household.
type Status string

const (
	Probable    Status = "probable"
	Possible    Status = "possible"
	Unlikely    Status = "peu_probable"
	MissingData Status = "donnees_manquantes"
)

// Statuses in the order of the UI.
var Statuses = []Status{Probable, Possible, Unlikely, MissingData}

// Param is one dated parameter with its history.
type Param struct {
	Name   string
	Label  string
	Unit   string
	File   string
	Line   int
	Values []ParamValue // by From, oldest first
}

// ParamValue is a parameter's value from a date, with its legal source.
type ParamValue struct {
	From   string  `json:"from"`
	Value  float64 `json:"value"`
	Source string  `json:"source"`
	Line   int     `json:"-"`
}

// At returns the value in force on date (YYYY-MM-DD); ok false when the
// parameter had no value yet.
func (p *Param) At(date string) (ParamValue, bool) {
	var out ParamValue
	ok := false
	for _, v := range p.Values {
		if v.From <= date {
			out, ok = v, true
		}
	}
	return out, ok
}

// Step is one named operation of a rule.
type Step struct {
	Name  string
	Label string
	Expr  string
	Line  int
	prg   cel.Program
	typ   *cel.Type
	uses  []string // parameters and facts it reads
}

// Rule is one rule set (one right).
type Rule struct {
	Code        string // rule code (rsa, css_gratuite…)
	RightCode   string // the catalogue right a procedure is opened for
	Name        string
	Version     string
	Purpose     string
	Body        string
	Contact     string
	Sources     []string
	History     []string // "version date text"
	Needs       []string // facts without which the rule answers « données manquantes »
	Checks      []string // data not in the file that may change the answer
	Warnings    []string // shown with every result (APL: estimation grossière)
	AmountLabel string
	File        string
	Steps       []*Step
	probable    *Step
	possible    *Step
	amount      *Step
	received    *Step
	params      []string
	minDate     string // the first date every parameter it reads has a value
}

// ParamNames lists the parameters the rule reads, sorted.
func (r *Rule) ParamNames() []string { return r.params }

// MinDate is the first date the rule can be computed for.
func (r *Rule) MinDate() string { return r.minDate }

// MinDate is the first date some rule can be computed for.
func (e *Engine) MinDate() string {
	m := ""
	for _, r := range e.Rules {
		if m == "" || r.minDate < m {
			m = r.minDate
		}
	}
	return m
}

// Engine holds the compiled rules and the parameters.
type Engine struct {
	Rules  []*Rule
	Params map[string]*Param
}

// Load reads the rules and parameters shipped with Parcours.
func Load() (*Engine, error) { return LoadFS(embedded) }

var (
	nameRE  = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$`)
	stepRE  = regexp.MustCompile(`(?s)^let\s+([a-z][a-z0-9_]*)\s*=\s*(.+)$`)
	dateRE  = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	factSet = func() map[string]Fact {
		m := map[string]Fact{}
		for _, f := range Facts {
			m[f.Name] = f
		}
		return m
	}()
)

// LoadFS reads params/*.params and rules/*.rules from fsys. Any error
// names the file and the line.
func LoadFS(fsys fs.FS) (*Engine, error) {
	e := &Engine{Params: map[string]*Param{}}
	files, err := fs.Glob(fsys, "params/*.params")
	if err != nil {
		return nil, err
	}
	for _, name := range files {
		if err := e.loadParams(fsys, name); err != nil {
			return nil, err
		}
	}
	files, err = fs.Glob(fsys, "rules/*.rules")
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("prescreen: no rule file")
	}
	for _, name := range files {
		r, err := e.loadRule(fsys, name)
		if err != nil {
			return nil, err
		}
		if slices.ContainsFunc(e.Rules, func(o *Rule) bool { return o.Code == r.Code }) {
			return nil, fmt.Errorf("%s:1: rule %q defined twice", name, r.Code)
		}
		e.Rules = append(e.Rules, r)
	}
	sort.SliceStable(e.Rules, func(i, j int) bool { return ruleOrder(e.Rules[i].Code) < ruleOrder(e.Rules[j].Code) })
	return e, nil
}

var order = []string{"rsa", "prime_activite", "css_gratuite", "css_participation", "aah", "apl", "aspa"}

func ruleOrder(code string) int {
	if i := slices.Index(order, code); i >= 0 {
		return i
	}
	return len(order)
}

// Rule returns the rule with code, nil if none.
func (e *Engine) Rule(code string) *Rule {
	for _, r := range e.Rules {
		if r.Code == code {
			return r
		}
	}
	return nil
}

// lines reads a file into lines, joining continuation lines (starting
// with a space or a tab) to the line before; each keeps its first line
// number.
type srcLine struct {
	n    int
	text string
	cont bool // a continuation, for params value lines
}

func readLines(fsys fs.FS, name string) ([]srcLine, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []srcLine
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		n++
		raw := sc.Text()
		t := strings.TrimSpace(raw)
		if t == "" || (strings.HasPrefix(t, "#") && !strings.HasPrefix(t, "##")) {
			continue
		}
		out = append(out, srcLine{n: n, text: t, cont: raw[0] == ' ' || raw[0] == '\t'})
	}
	return out, sc.Err()
}

func (e *Engine) loadParams(fsys fs.FS, name string) error {
	lines, err := readLines(fsys, name)
	if err != nil {
		return err
	}
	var cur *Param
	for _, l := range lines {
		fail := func(format string, args ...any) error {
			return fmt.Errorf("%s:%d: %s", name, l.n, fmt.Sprintf(format, args...))
		}
		if !l.cont {
			rest, ok := strings.CutPrefix(l.text, "param ")
			if !ok {
				return fail("expected « param NAME | label | unit »")
			}
			parts := splitBar(rest)
			if len(parts) != 3 || !nameRE.MatchString(parts[0]) || parts[1] == "" {
				return fail("expected « param NAME | label | unit »")
			}
			if _, dup := e.Params[parts[0]]; dup {
				return fail("parameter %s defined twice", parts[0])
			}
			if _, clash := factSet[parts[0]]; clash {
				return fail("parameter %s has the name of a fact", parts[0])
			}
			cur = &Param{Name: parts[0], Label: parts[1], Unit: parts[2], File: name, Line: l.n}
			e.Params[cur.Name] = cur
			continue
		}
		if cur == nil {
			return fail("value before any « param »")
		}
		parts := splitBar(l.text)
		if len(parts) != 3 {
			return fail("expected « YYYY-MM-DD | value | legal source »")
		}
		if !dateRE.MatchString(parts[0]) {
			return fail("bad date %q", parts[0])
		}
		v, err := strconv.ParseFloat(parts[1], 64)
		if err != nil {
			return fail("bad value %q", parts[1])
		}
		if parts[2] == "" {
			return fail("parameter %s from %s has no legal source", cur.Name, parts[0])
		}
		if n := len(cur.Values); n > 0 && cur.Values[n-1].From >= parts[0] {
			return fail("values of %s must be in date order", cur.Name)
		}
		cur.Values = append(cur.Values, ParamValue{From: parts[0], Value: v, Source: parts[2], Line: l.n})
	}
	for _, p := range e.Params {
		if p.File == name && len(p.Values) == 0 {
			return fmt.Errorf("%s:%d: parameter %s has no value", name, p.Line, p.Name)
		}
	}
	return nil
}

func splitBar(s string) []string {
	parts := strings.Split(s, "|")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return parts
}

func (e *Engine) baseEnv() []cel.EnvOption {
	opts := []cel.EnvOption{cel.CrossTypeNumericComparisons(true), functions}
	for _, f := range Facts {
		t := cel.DoubleType
		if f.Bool {
			t = cel.BoolType
		}
		opts = append(opts, cel.Variable(f.Name, t))
	}
	for name := range e.Params {
		opts = append(opts, cel.Variable(name, cel.DoubleType))
	}
	return opts
}

// functions are the helpers rules may call: min, max, round2 (to the
// cent), floor2 (down to the cent).
var functions = cel.Lib(helpers{})

type helpers struct{}

func (helpers) LibraryName() string { return "parcours.prescreen" }

func (helpers) CompileOptions() []cel.EnvOption {
	dd := []*cel.Type{cel.DoubleType, cel.DoubleType}
	num := func(f func(float64) float64) cel.OverloadOpt {
		return cel.UnaryBinding(func(v ref.Val) ref.Val { return types.Double(f(float64(v.(types.Double)))) })
	}
	bin := func(f func(a, b float64) float64) cel.OverloadOpt {
		return cel.BinaryBinding(func(a, b ref.Val) ref.Val {
			return types.Double(f(float64(a.(types.Double)), float64(b.(types.Double))))
		})
	}
	return []cel.EnvOption{
		cel.Function("min", cel.Overload("min_double_double", dd, cel.DoubleType, bin(math.Min))),
		cel.Function("max", cel.Overload("max_double_double", dd, cel.DoubleType, bin(math.Max))),
		cel.Function("round2", cel.Overload("round2_double", []*cel.Type{cel.DoubleType}, cel.DoubleType,
			num(func(x float64) float64 { return math.Round(x*100) / 100 }))),
		cel.Function("floor2", cel.Overload("floor2_double", []*cel.Type{cel.DoubleType}, cel.DoubleType,
			num(func(x float64) float64 { return math.Floor(x*100+1e-7) / 100 }))),
	}
}

func (helpers) ProgramOptions() []cel.ProgramOption { return nil }

var identRE = regexp.MustCompile(`[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*`)

func (e *Engine) loadRule(fsys fs.FS, name string) (*Rule, error) {
	lines, err := readLines(fsys, name)
	if err != nil {
		return nil, err
	}
	// Join continuation lines to the line before.
	var joined []srcLine
	for _, l := range lines {
		if l.cont && len(joined) > 0 && !strings.HasPrefix(l.text, "##") {
			joined[len(joined)-1].text += "\n" + l.text
			continue
		}
		joined = append(joined, l)
	}
	r := &Rule{File: path.Base(name)}
	env, err := cel.NewEnv(e.baseEnv()...)
	if err != nil {
		return nil, err
	}
	declared := map[string]bool{}
	label := ""
	compile := func(l srcLine, stepName, expr string) (*Step, error) {
		ast, iss := env.Compile(expr)
		if iss != nil && iss.Err() != nil {
			line := l.n
			if errs := iss.Errors(); len(errs) > 0 && errs[0].Location.Line() > 0 {
				line += errs[0].Location.Line() - 1
			}
			msg := iss.Err().Error()
			if i := strings.Index(msg, "\n"); i > 0 {
				msg = msg[:i]
			}
			return nil, fmt.Errorf("%s:%d: %s: %s", name, line, stepName, strings.TrimPrefix(msg, "ERROR: "))
		}
		prg, err := env.Program(ast)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %s: %v", name, l.n, stepName, err)
		}
		s := &Step{Name: stepName, Label: label, Expr: expr, Line: l.n, prg: prg, typ: ast.OutputType()}
		for _, id := range identRE.FindAllString(stripStrings(expr), -1) {
			if _, ok := e.Params[id]; ok || factSet[id].Name != "" || declared[id] {
				if !slices.Contains(s.uses, id) {
					s.uses = append(s.uses, id)
				}
			}
		}
		label = ""
		return s, nil
	}
	for _, l := range joined {
		fail := func(format string, args ...any) (*Rule, error) {
			return nil, fmt.Errorf("%s:%d: %s", name, l.n, fmt.Sprintf(format, args...))
		}
		if t, ok := strings.CutPrefix(l.text, "##"); ok {
			label = strings.TrimSpace(t)
			continue
		}
		if m := stepRE.FindStringSubmatch(l.text); m != nil {
			if declared[m[1]] || factSet[m[1]].Name != "" {
				return fail("step %s already defined", m[1])
			}
			s, err := compile(l, m[1], m[2])
			if err != nil {
				return nil, err
			}
			if s.typ != cel.DoubleType && s.typ != cel.BoolType {
				return fail("step %s must give a number or a boolean", m[1])
			}
			declared[m[1]] = true
			r.Steps = append(r.Steps, s)
			if env, err = env.Extend(cel.Variable(m[1], s.typ)); err != nil {
				return nil, err
			}
			continue
		}
		key, val, ok := strings.Cut(l.text, ":")
		if !ok {
			return fail("expected « key: value » or « let name = expression »")
		}
		key, val = strings.TrimSpace(key), strings.TrimSpace(val)
		switch key {
		case "rule":
			r.Code = val
		case "right":
			r.RightCode = val
		case "name":
			r.Name = val
		case "version":
			r.Version = val
		case "purpose":
			r.Purpose = val
		case "body":
			r.Body = val
		case "contact":
			r.Contact = val
		case "source":
			r.Sources = append(r.Sources, val)
		case "history":
			r.History = append(r.History, val)
		case "check":
			r.Checks = append(r.Checks, val)
		case "warning":
			r.Warnings = append(r.Warnings, val)
		case "amount_label":
			r.AmountLabel = val
		case "needs":
			for _, n := range strings.Split(val, ",") {
				n = strings.TrimSpace(n)
				if factSet[n].Name == "" {
					return fail("needs: unknown fact %q", n)
				}
				r.Needs = append(r.Needs, n)
			}
		case "probable", "possible", "amount", "received":
			s, err := compile(l, key, val)
			if err != nil {
				return nil, err
			}
			want := cel.BoolType
			if key == "amount" {
				want = cel.DoubleType
			}
			if s.typ != want {
				return fail("%s must give a %s", key, map[bool]string{true: "number", false: "boolean"}[key == "amount"])
			}
			switch key {
			case "probable":
				r.probable = s
			case "possible":
				r.possible = s
			case "amount":
				r.amount = s
			case "received":
				r.received = s
			}
		default:
			return fail("unknown key %q", key)
		}
	}
	switch {
	case r.Code == "" || !nameRE.MatchString(r.Code):
		return nil, fmt.Errorf("%s:1: missing or bad « rule: code »", name)
	case r.Name == "" || r.Version == "" || r.Purpose == "" || r.RightCode == "" || r.Contact == "":
		return nil, fmt.Errorf("%s:1: rule %s needs name, version, purpose, right and contact", name, r.Code)
	case len(r.Sources) == 0:
		return nil, fmt.Errorf("%s:1: rule %s cites no legal source", name, r.Code)
	case r.probable == nil || r.possible == nil:
		return nil, fmt.Errorf("%s:1: rule %s needs « probable: » and « possible: »", name, r.Code)
	}
	for _, st := range append(slices.Clone(r.Steps), r.probable, r.possible, r.amount, r.received) {
		if st == nil {
			continue
		}
		for _, u := range st.uses {
			if p, ok := e.Params[u]; ok && !slices.Contains(r.params, u) {
				r.params = append(r.params, u)
				if first := p.Values[0].From; first > r.minDate {
					r.minDate = first
				}
			}
		}
	}
	slices.Sort(r.params)
	return r, nil
}

// stripStrings removes quoted strings so that words inside them are not
// taken for identifiers.
func stripStrings(s string) string {
	return regexp.MustCompile(`"[^"]*"|'[^']*'`).ReplaceAllString(s, "")
}
