// Package browsertest drives Parcours in a real browser: Debian's chromium,
// headless, through chromedp. It starts the whole application over TLS on
// a throw-away database, opens tabs as cast members, runs axe-core on each
// page and takes screenshots.
//
// It is used only by tests. Under CI=true a missing chromium or axe-core
// fails the tests; elsewhere they are skipped, so that `go test ./...`
// works on a machine without a browser.
package browsertest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"parcours/internal/app/apptest"
	"parcours/internal/auth"
	"parcours/internal/store"
	"parcours/internal/store/storetest"
)

// Env is a running Parcours served over TLS, and a browser to visit it.
type Env struct {
	*apptest.Env
	T       *testing.T
	URL     string // https://127.0.0.1:port
	browser context.Context
}

// needOrSkip fails under CI=true, skips otherwise.
func needOrSkip(t testing.TB, format string, args ...any) {
	t.Helper()
	if storetest.CI() {
		t.Fatalf(format, args...)
	}
	t.Skipf(format, args...)
}

// ChromiumPath finds the browser: $PARCOURS_CHROMIUM, then chromium on
// the PATH, then Debian's /usr/bin/chromium.
func ChromiumPath() string {
	if p := os.Getenv("PARCOURS_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "/usr/bin/chromium"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// New starts Parcours on dialect d behind a TLS test server, with the
// process's headless chromium to visit it. The server stops when the test
// ends; the browser is shared by every test of the process (each tab has
// its own browser context: its own cookies, storage and cache), since
// starting one costs more than most tests' visits.
//
// TLS, rather than plain http on 127.0.0.1, because the session cookie is
// __Host- and Secure: browsers treat loopback as a secure context, but
// serving real TLS keeps the test independent of that leniency and closer
// to production. The certificate is the test server's own, hence
// --ignore-certificate-errors.
func New(t *testing.T, d store.Dialect) *Env {
	t.Helper()
	path := ChromiumPath()
	if path == "" {
		needOrSkip(t, "chromium not found (install Debian's chromium, or set PARCOURS_CHROMIUM)")
	}
	browser, err := sharedBrowser(path)
	if err != nil {
		needOrSkip(t, "cannot start chromium at %s: %v", path, err)
	}
	e := &Env{Env: apptest.New(t, d), T: t}
	srv := httptest.NewTLSServer(e.App.Web)
	t.Cleanup(srv.Close)
	e.URL = srv.URL
	e.browser = browser
	return e
}

// The process's browser, started by the first test that needs it and
// stopped by CloseBrowser (TestMain).
var shared struct {
	once    sync.Once
	browser context.Context
	err     error
	stop    func()
}

func sharedBrowser(path string) (context.Context, error) {
	shared.once.Do(func() {
		dir, err := os.MkdirTemp("", "parcours-chromium-")
		if err != nil {
			shared.err = err
			return
		}
		opts := append(chromedp.DefaultExecAllocatorOptions[:],
			chromedp.ExecPath(path),
			chromedp.NoSandbox,
			chromedp.DisableGPU,
			chromedp.NoFirstRun,
			chromedp.Flag("disable-quic", true),
			chromedp.Flag("disable-background-networking", true),
			chromedp.Flag("disable-component-update", true),
			chromedp.Flag("disable-sync", true),
			chromedp.Flag("ignore-certificate-errors", true),
			// A French worker's browser: pages come in French unless a
			// test asks otherwise.
			chromedp.Flag("lang", "fr-FR"),
			chromedp.Flag("accept-lang", "fr-FR,fr"),
			chromedp.UserDataDir(dir),
			chromedp.WindowSize(1280, 900),
		)
		alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
		browser, cancelBrowser := chromedp.NewContext(alloc)
		shared.stop = func() { cancelBrowser(); cancelAlloc(); os.RemoveAll(dir) }
		// Start the browser now, so that a broken install fails here,
		// clearly.
		if err := chromedp.Do(browser); err != nil {
			shared.err = err
			return
		}
		shared.browser = browser
	})
	return shared.browser, shared.err
}

// CloseBrowser stops the process's browser, if a test started it.
func CloseBrowser() {
	if shared.stop != nil {
		shared.stop()
	}
}

// Tab is one browser tab in its own browser context (its own cookies).
type Tab struct {
	e *Env
	// t is the test the tab belongs to: its failures are t's, and it
	// closes when t ends.
	t   *testing.T
	Ctx context.Context
	// Who is the cast member logged in, "" for nobody.
	Who  string
	noJS bool

	mu       sync.Mutex
	problems []string // CSP violations and uncaught script errors
	// AllowProblems stops the end-of-test check, for tests that provoke
	// problems on purpose.
	AllowProblems bool
}

// Problems returns the Content-Security-Policy violations and uncaught
// JavaScript errors seen so far in the tab.
func (tb *Tab) Problems() []string {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	return append([]string(nil), tb.problems...)
}

func (tb *Tab) problem(s string) {
	tb.mu.Lock()
	tb.problems = append(tb.problems, s)
	tb.mu.Unlock()
}

// watch records, for the whole life of the tab, what the browser reports
// about blocked inline code (the strict CSP at work) and scripts that
// fail: either means a page is broken for its users.
func (tb *Tab) watch() error {
	entries := chromedp.Events(tb.Ctx, cdplog.EntryAdded)
	exceptions := chromedp.Events(tb.Ctx, runtime.ExceptionThrown)
	if _, err := chromedp.Call(tb.Ctx, cdplog.Enable, cdp.Empty{}); err != nil {
		return err
	}
	go func() {
		for ev, err := range entries {
			if err != nil {
				return
			}
			if e := ev.Entry; e != nil && (e.Source == cdplog.EntrySourceSecurity || strings.Contains(e.Text, "Content Security Policy")) {
				tb.problem("CSP: " + e.Text)
			}
		}
	}()
	go func() {
		for ev, err := range exceptions {
			if err != nil {
				return
			}
			if d := ev.ExceptionDetails; d != nil {
				msg := d.Text
				if d.Exception != nil && d.Exception.Description != "" {
					msg += " " + d.Exception.Description
				}
				tb.problem("script error: " + msg)
			}
		}
	}()
	return nil
}

// TabOption configures a new tab.
type TabOption func(*tabConfig)

type tabConfig struct {
	noJS          bool
	width, height int64
	t             *testing.T
}

// NoJS opens the tab with JavaScript disabled.
func NoJS() TabOption { return func(c *tabConfig) { c.noJS = true } }

// Width sets the viewport width in CSS pixels (1280 by default).
func Width(w int64) TabOption { return func(c *tabConfig) { c.width = w } }

// In gives the tab to t, a subtest of the Env's test, so that parallel
// subtests can share one server and one browser, each with its own tabs:
// the tab's failures are t's and it closes when t ends.
func In(t *testing.T) TabOption { return func(c *tabConfig) { c.t = t } }

// NewTab opens a tab with a fresh cookie jar. Every action on it is bounded
// by a generous timeout, so a hung browser fails the test instead of the
// whole run.
func (e *Env) NewTab(opts ...TabOption) *Tab {
	cfg := tabConfig{width: 1280, height: 900, t: e.T}
	for _, o := range opts {
		o(&cfg)
	}
	t := cfg.t
	t.Helper()
	ctx, cancel := chromedp.NewContext(e.browser, chromedp.WithNewBrowserContext())
	// A bound on the tab's whole life, not on one step: a flow opens a
	// tab for minutes on a loaded machine, and a deadline passing while
	// the browser talks to the tab can leave the shared browser deaf to
	// every tab (the package's -timeout then ends the run).
	ctx, cancelTimeout := context.WithTimeout(ctx, 15*time.Minute)
	t.Cleanup(func() { cancelTimeout(); cancel() })
	steps := []chromedp.Action[chromedp.Void]{chromedp.EmulateViewport(cfg.width, cfg.height)}
	if cfg.noJS {
		steps = append(steps, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
			return err
		}))
	}
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("new tab: %v", err)
	}
	tab := &Tab{e: e, t: t, Ctx: ctx, noJS: cfg.noJS}
	if err := tab.watch(); err != nil {
		t.Fatalf("watch the console: %v", err)
	}
	t.Cleanup(func() {
		if tab.AllowProblems {
			return
		}
		for _, p := range tab.Problems() {
			t.Errorf("browser (%s): %s", tab.Who, p)
		}
	})
	return tab
}

// LoginAs gives the tab a session of cast member who, second factor done,
// as the login page would. Flows that test the login itself type into the
// login page instead.
func (tb *Tab) LoginAs(who string) {
	tb.t.Helper()
	// As apptest's Session, but failing the tab's test.
	s, err := tb.e.App.Auth.NewSession(context.Background(), tb.e.Workers[who].ID, true)
	if err != nil {
		tb.t.Fatal(err)
	}
	_, err = chromedp.Call(tb.Ctx, network.SetCookie, network.SetCookieParams{
		Name: auth.SessionCookie, Value: s.Secret, URL: tb.e.URL + "/", Path: "/",
		Secure: ptr(true), HTTPOnly: ptr(true), SameSite: network.CookieSameSiteLax,
	})
	if err != nil {
		tb.t.Fatalf("set session cookie: %v", err)
	}
	tb.Who = who
}

func ptr[T any](v T) *T { return &v }

// Go opens path and returns the HTTP status of the document.
func (tb *Tab) Go(path string) int64 {
	tb.t.Helper()
	resp, err := chromedp.Run(tb.Ctx, chromedp.NavigateResponse(tb.e.URL+path))
	if err != nil {
		tb.t.Fatalf("navigate to %s: %v", path, err)
	}
	return resp.Status
}

// Do runs actions, failing the test on error.
func (tb *Tab) Do(what string, actions ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	if err := chromedp.Do(tb.Ctx, actions...); err != nil {
		tb.t.Fatalf("%s: %v", what, err)
	}
}

// Navigating runs actions that load a new page (a click on a link, a form
// sent) and waits for that page; it returns the HTTP status.
func (tb *Tab) Navigating(what string, actions ...chromedp.Action[chromedp.Void]) int64 {
	tb.t.Helper()
	resp, err := chromedp.RunResponse(tb.Ctx, actions...)
	if err != nil {
		tb.t.Fatalf("%s: %v", what, err)
	}
	if resp == nil {
		tb.t.Fatalf("%s: no page was loaded", what)
	}
	return resp.Status
}

// Path returns the path (and query) of the current page.
func (tb *Tab) Path() string {
	tb.t.Helper()
	loc, err := chromedp.Run(tb.Ctx, chromedp.Location())
	if err != nil {
		tb.t.Fatal(err)
	}
	return strings.TrimPrefix(loc, tb.e.URL)
}

// Text returns the visible text of the first element matching css.
func (tb *Tab) Text(css string) string {
	tb.t.Helper()
	s, err := chromedp.Run(tb.Ctx, chromedp.Text(chromedp.CSS(css)))
	if err != nil {
		tb.t.Fatalf("text of %s: %v", css, err)
	}
	return s
}

// Eval evaluates a JavaScript expression (works with JavaScript disabled
// in the page: DevTools evaluation is not page script).
func Eval[T any](tb *Tab, expr string) T {
	tb.t.Helper()
	v, err := chromedp.Run(tb.Ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		tb.t.Fatalf("evaluate: %v", err)
	}
	return v
}

// Violation is one axe-core rule broken on a page.
type Violation struct {
	ID      string   `json:"id"`
	Impact  string   `json:"impact"`
	Help    string   `json:"help"`
	Targets []string `json:"targets"`
}

func (v Violation) String() string {
	return fmt.Sprintf("%s (%s): %s — %s", v.ID, v.Impact, v.Help, strings.Join(v.Targets, ", "))
}

var (
	axeOnce sync.Once
	axeSrc  string
	axeErr  error
)

// axeSource reads node_modules/axe-core/axe.min.js at the repository root
// (installed by `npm ci`, as .ci/run does).
func axeSource() (string, error) {
	axeOnce.Do(func() {
		dir, err := os.Getwd()
		if err != nil {
			axeErr = err
			return
		}
		for {
			if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
				break
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				axeErr = errors.New("repository root not found")
				return
			}
			dir = parent
		}
		b, err := os.ReadFile(filepath.Join(dir, "node_modules", "axe-core", "axe.min.js"))
		if err != nil {
			axeErr = fmt.Errorf("axe-core not installed (run npm ci): %w", err)
			return
		}
		axeSrc = string(b)
	})
	return axeSrc, axeErr
}

// axeRun runs the WCAG 2.0/2.1 A and AA rules on the whole document.
const axeRun = `axe.run(document, {
  runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
  resultTypes: ["violations"]
}).then(r => JSON.stringify(r.violations.map(v => ({
  id: v.id, impact: v.impact || "", help: v.help,
  targets: v.nodes.slice(0, 5).map(n => n.target.join(" "))
}))))`

// Axe injects axe-core into the current page (through DevTools, so the
// page's strict CSP stays untouched) and returns its violations.
func (tb *Tab) Axe() []Violation {
	tb.t.Helper()
	if tb.noJS {
		// axe-core schedules its work with timers, which do not run in a
		// page without JavaScript: check the same page in a normal tab.
		tb.t.Fatal("axe-core needs JavaScript in the page; use a tab without NoJS")
	}
	src, err := axeSource()
	if err != nil {
		if os.Getenv("PARCOURS_REQUIRE_AXE") != "" {
			// Under `make test` axe-core was installed or the run fails.
			tb.t.Fatalf("%v", err)
		}
		needOrSkip(tb.t, "%v", err)
	}
	loaded := Eval[bool](tb, `typeof axe !== "undefined"`)
	if !loaded {
		if err := chromedp.Do(tb.Ctx, chromedp.Evaluate[chromedp.Void](src)); err != nil {
			tb.t.Fatalf("inject axe-core: %v", err)
		}
	}
	raw := Eval[string](tb, axeRun)
	var out []Violation
	if err := json.Unmarshal([]byte(raw), &out); err != nil {
		tb.t.Fatalf("axe result: %v", err)
	}
	return out
}

// Screenshot captures the whole page as PNG.
func (tb *Tab) Screenshot() []byte {
	tb.t.Helper()
	b, err := chromedp.Run(tb.Ctx, chromedp.FullScreenshot(100))
	if err != nil {
		tb.t.Fatalf("screenshot: %v", err)
	}
	return b
}
