package web

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	texttemplate "text/template"
	"text/template/parse"
	"unicode"

	"parcours/internal/i18n"
)

// All text a worker reads comes from the translation catalogue. These
// tests read the templates and the Go sources and fail on text written
// into a template, and on catalogue keys used but not defined.

// allowedWords may appear as literal text in templates: names that are
// not translated.
var allowedWords = []string{"Parcours"}

// visibleAttrs are the attributes whose values users see or hear.
var visibleAttr = regexp.MustCompile(`(?is)\s(title|alt|aria-label|aria-description|aria-roledescription|placeholder|label)\s*=\s*("[^"]*"|'[^']*')`)

var (
	action     = regexp.MustCompile(`(?s)\{\{.*?\}\}`)
	comment    = regexp.MustCompile(`(?s)<!--.*?-->`)
	tag        = regexp.MustCompile(`(?s)<[!/]?[a-zA-Z][^>]*>`)
	entity     = regexp.MustCompile(`&(#[0-9]+|#x[0-9a-fA-F]+|[a-zA-Z]+);`)
	submitTag  = regexp.MustCompile(`(?is)<input[^>]*type\s*=\s*"(submit|button|reset)"[^>]*>`)
	valueAttr  = regexp.MustCompile(`(?is)\svalue\s*=\s*("[^"]*"|'[^']*')`)
	keyLiteral = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$`)
)

// hardcodedText returns the words of s that would reach the user without
// going through the catalogue; "\x00" marks where a template action was.
func hardcodedText(s string) string {
	s = strings.ReplaceAll(s, "\x00", " ")
	s = entity.ReplaceAllString(s, " ")
	for _, w := range allowedWords {
		s = strings.ReplaceAll(s, w, " ")
	}
	if strings.IndexFunc(s, unicode.IsLetter) < 0 {
		return ""
	}
	return strings.Join(strings.Fields(s), " ")
}

// literalText finds the hard-coded text of one template file: text between
// tags and the values of visible attributes, once template actions are
// blanked out.
func literalText(src string) []string {
	src = action.ReplaceAllString(src, "\x00")
	src = comment.ReplaceAllString(src, "")
	var found []string
	for _, t := range tag.FindAllString(src, -1) {
		for _, m := range visibleAttr.FindAllStringSubmatch(t, -1) {
			if txt := hardcodedText(strings.Trim(m[2], `"'`)); txt != "" {
				found = append(found, m[1]+"="+txt)
			}
		}
		if submitTag.MatchString(t) {
			if m := valueAttr.FindStringSubmatch(t); m != nil {
				if txt := hardcodedText(strings.Trim(m[1], `"'`)); txt != "" {
					found = append(found, "value="+txt)
				}
			}
		}
	}
	for _, txt := range tag.Split(src, -1) {
		if h := hardcodedText(txt); h != "" {
			found = append(found, h)
		}
	}
	return found
}

func templateFiles(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := fs.WalkDir(templateFS, "templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") {
			return err
		}
		b, err := fs.ReadFile(templateFS, p)
		out[p] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) == 0 {
		t.Fatal("no template found")
	}
	return out
}

func TestTemplates_NoTextOutsideTheCatalogue(t *testing.T) {
	t.Parallel()
	for name, src := range templateFiles(t) {
		for _, txt := range literalText(src) {
			t.Errorf("%s: text %q is not from the catalogue: use {{t .Lang \"key\"}}", name, txt)
		}
	}
}

// The checker itself must catch what it claims to.
func TestTemplates_CheckerFindsHardcodedText(t *testing.T) {
	t.Parallel()
	cases := map[string]bool{
		`<p>Bonjour</p>`:                               true,
		`<p>{{t .Lang "hello"}}</p>`:                   false,
		`<img alt="Photo" src="/x.png">`:               true,
		`<img alt="{{t .Lang "photo"}}" src="/x.png">`: false,
		`<input placeholder="Nom">`:                    true,
		`<button aria-label="Fermer">×</button>`:       true,
		`<input type="submit" value="Envoyer">`:        true,
		`<option value="fr">{{.Name}}</option>`:        false,
		`<a href="/">Parcours</a> — 2026 ·`:            false,
		`<!-- a comment, not shown -->`:                false,
		`<td>{{.Count}} dossiers</td>`:                 true,
	}
	for src, want := range cases {
		if got := len(literalText(src)) > 0; got != want {
			t.Errorf("literalText(%q) found text: %v, want %v", src, got, want)
		}
	}
}

// templateKeys returns every string literal of the templates that looks
// like a catalogue key: the arguments of t and the keys handed to partial
// templates through dict.
func templateKeys(t *testing.T) map[string][]string {
	t.Helper()
	keys := map[string][]string{}
	for name, src := range templateFiles(t) {
		set, err := texttemplate.New(name).Funcs(texttemplate.FuncMap(funcs())).Parse(src)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, tmpl := range set.Templates() {
			walkNodes(tmpl.Tree.Root, func(s string) {
				if keyLiteral.MatchString(s) {
					keys[s] = append(keys[s], name)
				}
			})
		}
	}
	return keys
}

func walkNodes(n parse.Node, lit func(string)) {
	switch n := n.(type) {
	case nil:
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, c := range n.Nodes {
			walkNodes(c, lit)
		}
	case *parse.ActionNode:
		walkNodes(n.Pipe, lit)
	case *parse.PipeNode:
		if n == nil {
			return
		}
		for _, c := range n.Cmds {
			walkNodes(c, lit)
		}
	case *parse.CommandNode:
		for _, a := range n.Args {
			walkNodes(a, lit)
		}
	case *parse.StringNode:
		lit(n.Text)
	case *parse.IfNode:
		walkNodes(n.Pipe, lit)
		walkNodes(n.List, lit)
		walkNodes(n.ElseList, lit)
	case *parse.RangeNode:
		walkNodes(n.Pipe, lit)
		walkNodes(n.List, lit)
		walkNodes(n.ElseList, lit)
	case *parse.WithNode:
		walkNodes(n.Pipe, lit)
		walkNodes(n.List, lit)
		walkNodes(n.ElseList, lit)
	case *parse.TemplateNode:
		walkNodes(n.Pipe, lit)
	}
}

func TestTemplates_EveryKeyInTheCatalogue(t *testing.T) {
	t.Parallel()
	keys := templateKeys(t)
	if len(keys) == 0 {
		t.Fatal("no key found in the templates: the scanner is broken")
	}
	for k, files := range keys {
		if !i18n.Has(k) {
			t.Errorf("key %q used in %v is missing from the catalogue", k, files)
		}
	}
}

// goKeys returns the catalogue keys written as literals in the Go sources
// of Parcours: error keys of parcours.Errorf / FieldError / Problems.Add,
// messages of i18n.T, page titles and flashes, and field-name arguments.
func goKeys(t *testing.T) map[string][]string {
	t.Helper()
	root := filepath.Join("..", "..")
	keys := map[string][]string{}
	add := func(e ast.Expr, where string) {
		if bl, ok := e.(*ast.BasicLit); ok && bl.Kind == token.STRING {
			if s, err := strconv.Unquote(bl.Value); err == nil && keyLiteral.MatchString(s) {
				keys[s] = append(keys[s], where)
			}
		}
	}
	fset := token.NewFileSet()
	err := filepath.WalkDir(filepath.Join(root, "internal"), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == "testdata" || d.Name() == "locales" {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") || strings.Contains(p, "apptest") || strings.Contains(p, "storetest") {
			return nil
		}
		f, err := parser.ParseFile(fset, p, nil, parser.SkipObjectResolution)
		if err != nil {
			// Another engineer's file being written: its own build fails.
			t.Logf("skipping %s: %v", p, err)
			return nil
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				name := callName(n.Fun)
				where := fset.Position(n.Pos()).String()
				keyArg := map[string]int{
					"parcours.Errorf": 1, "Errorf": 1, "parcours.FieldError": 2, "FieldError": 2,
					"i18n.T": 1, ".Add": 1,
				}
				if f.Name.Name != "parcours" && (name == "Errorf" || name == "FieldError") {
					return true // fmt-like helpers of other packages
				}
				if i, ok := keyArg[name]; ok && len(n.Args) > i {
					add(n.Args[i], where)
					// Field names given as arguments are translated too.
					for _, a := range n.Args[i+1:] {
						if bl, ok := a.(*ast.BasicLit); ok && strings.HasPrefix(strings.Trim(bl.Value, `"`), "field.") {
							add(a, where)
						}
					}
				}
			case *ast.AssignStmt:
				// title := "page.…": a page title chosen before rendering.
				for i, l := range n.Lhs {
					if id, ok := l.(*ast.Ident); ok && (id.Name == "title" || id.Name == "flash") && i < len(n.Rhs) {
						add(n.Rhs[i], fset.Position(n.Pos()).String())
					}
				}
			case *ast.KeyValueExpr:
				if id, ok := n.Key.(*ast.Ident); ok && (id.Name == "Title" || id.Name == "Flash") {
					add(n.Value, fset.Position(n.Pos()).String())
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return keys
}

// callName names the called function: "pkg.Func", "Func", or ".Method".
func callName(fun ast.Expr) string {
	switch f := fun.(type) {
	case *ast.Ident:
		return f.Name
	case *ast.SelectorExpr:
		if x, ok := f.X.(*ast.Ident); ok && (x.Name == "parcours" || x.Name == "i18n") {
			return x.Name + "." + f.Sel.Name
		}
		return "." + f.Sel.Name
	}
	return ""
}

func TestGoCode_EveryKeyInTheCatalogue(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat(filepath.Join("..", "..", "go.mod")); err != nil {
		t.Skip("sources not available")
	}
	keys := goKeys(t)
	for _, must := range []string{"error.not_found", "error.internal", "page.error.title", "page.notifications.title"} {
		if _, ok := keys[must]; !ok {
			t.Errorf("scanner did not find %q in the sources: it is broken", must)
		}
	}
	for k, where := range keys {
		if !i18n.Has(k) {
			t.Errorf("key %q used at %s is missing from the catalogue", k, where[0])
		}
	}
}
