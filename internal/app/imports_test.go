package app_test

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// The import rules of the architecture (docs/DEVELOPING.md, "Layout and
// import direction"), checked over every non-test Go file of the module,
// so that a forbidden import fails the build's tests rather than waiting
// for a review to notice it.

const module = "parcours"

// harnesses are test-support packages: they may reach the database
// directly, and only tests may import them.
var harnesses = []string{
	"parcours/internal/app/apptest",
	"parcours/internal/store/storetest",
	"parcours/internal/web/browsertest",
}

// pure are the packages that hold rules and types only: no SQL in them,
// below them, or in anything they import.
var pure = []string{
	"parcours/internal/parcours",
	"parcours/internal/access",
	"parcours/internal/audit",
	"parcours/internal/i18n",
}

// movingOut are database services still nested under a pure package; issue
// 9 moves them out. The test fails once one of them is gone or pure, so
// the entry is removed with the move and the list only shrinks.
var movingOut = []string{}

// sqlImports are the imports that mean "talks to a database".
func isSQL(imp string) bool {
	return imp == "database/sql" || strings.HasPrefix(imp, "database/sql/") ||
		strings.HasPrefix(imp, "github.com/jackc/pgx") || strings.HasPrefix(imp, "modernc.org/sqlite") ||
		under(imp, "parcours/internal/store")
}

// under reports whether pkg is root or a package below it.
func under(pkg, root string) bool { return pkg == root || strings.HasPrefix(pkg, root+"/") }

// moduleImports parses the import clauses of every non-test file of the
// module and returns, for each package, what it imports.
func moduleImports(t *testing.T) map[string][]string {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("module root not found from the test's directory: %v", err)
	}
	fset := token.NewFileSet()
	imports := map[string]map[string]bool{}
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); p != root && (strings.HasPrefix(name, ".") || name == "node_modules" || name == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, p, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, filepath.Dir(p))
		pkg := module + "/" + filepath.ToSlash(rel)
		if imports[pkg] == nil {
			imports[pkg] = map[string]bool{}
		}
		for _, spec := range f.Imports {
			imp, _ := strconv.Unquote(spec.Path.Value)
			imports[pkg][imp] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for pkg, set := range imports {
		for imp := range set {
			out[pkg] = append(out[pkg], imp)
		}
		sort.Strings(out[pkg])
	}
	return out
}

// reachesSQL reports whether pkg imports SQL, directly or through the
// module's packages it imports, and through which chain.
func reachesSQL(graph map[string][]string, pkg string) (string, bool) {
	seen := map[string]bool{}
	var walk func(p, chain string) (string, bool)
	walk = func(p, chain string) (string, bool) {
		if seen[p] {
			return "", false
		}
		seen[p] = true
		for _, imp := range graph[p] {
			if isSQL(imp) {
				return chain + " → " + imp, true
			}
			if under(imp, module) {
				if c, ok := walk(imp, chain+" → "+imp); ok {
					return c, true
				}
			}
		}
		return "", false
	}
	return walk(pkg, pkg)
}

func TestImportRules(t *testing.T) {
	t.Parallel()
	graph := moduleImports(t)
	if len(graph["parcours/internal/web"]) == 0 || len(graph["parcours/internal/store"]) == 0 {
		t.Fatal("the module's packages were not found: the test would check nothing")
	}
	pkgs := make([]string, 0, len(graph))
	for p := range graph {
		pkgs = append(pkgs, p)
	}
	sort.Strings(pkgs)
	isHarness := func(p string) bool { return slices.Contains(harnesses, p) }

	for _, pkg := range pkgs {
		for _, imp := range graph[pkg] {
			// Test harnesses are for tests only.
			if isHarness(imp) && !isHarness(pkg) {
				t.Errorf("%s imports the test harness %s (only tests may)", pkg, imp)
			}
			// The web (shell and areas) and the jobs never reach SQL but
			// through the services.
			if (under(pkg, "parcours/internal/web") || under(pkg, "parcours/internal/jobs")) && !isHarness(pkg) && isSQL(imp) {
				t.Errorf("%s imports %s: the web and the jobs never touch the database", pkg, imp)
			}
			// Nothing below the web but the wiring imports it: areas
			// (services) never import the web.
			if under(imp, "parcours/internal/web") && !under(pkg, "parcours/internal/web") &&
				!under(pkg, "parcours/internal/app") && !isHarness(pkg) {
				t.Errorf("%s imports %s: only the wiring (internal/app) imports the web", pkg, imp)
			}
			// The shell imports none of its areas: they import it.
			if pkg == "parcours/internal/web" && under(imp, "parcours/internal/web/") {
				t.Errorf("the web shell imports its area %s: areas register through web.New (web/routes)", imp)
			}
			// The store imports no area: only the domain types and the
			// audit event.
			if under(pkg, "parcours/internal/store") && !isHarness(pkg) && under(imp, module) &&
				!under(imp, "parcours/internal/store") && imp != "parcours/internal/parcours" && imp != "parcours/internal/audit" {
				t.Errorf("the store imports %s: it imports only parcours and audit", imp)
			}
		}
	}

	// Pure packages import no SQL, even indirectly, and have no database
	// service nested under them.
	for _, root := range pure {
		for _, pkg := range pkgs {
			if !under(pkg, root) {
				continue
			}
			chain, ok := reachesSQL(graph, pkg)
			moving := slices.Contains(movingOut, pkg)
			switch {
			case ok && !moving && pkg == root:
				t.Errorf("the pure package %s reaches SQL: %s", pkg, chain)
			case ok && !moving:
				t.Errorf("%s touches the database but is nested under the pure package %s (%s): move it out", pkg, root, chain)
			case !ok && moving:
				t.Errorf("%s no longer touches the database: remove it from movingOut", pkg)
			}
		}
	}
	for _, pkg := range movingOut {
		if graph[pkg] == nil {
			t.Errorf("%s has moved: remove it from movingOut", pkg)
		}
	}
}
