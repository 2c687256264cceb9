package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"text/template/parse"
	"time"
	"unicode"
	"unicode/utf8"

	"parcours/internal/breakglass"
	"parcours/internal/i18n"
	"parcours/internal/parcours"
)

//go:embed templates
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// PageData is what every template receives.
type PageData struct {
	Lang   string
	Title  string // catalogue key of the page title
	Actor  parcours.Actor
	Worker *parcours.Worker
	// Org is the actor's organisation, for the header and warnings.
	Org  *parcours.Organization
	Path string
	// Flash is a catalogue key of a one-off message ("enregistré").
	Flash string
	// Errors are the field errors of a submitted form, by field name; Form
	// keeps what was typed so nothing is lost.
	Errors    map[string]string
	ErrorList []FieldMsg
	Form      map[string]string
	Data      any
	// Review is the « relecture éthique » of the form just posted
	// (review.go), shown under its field; nil otherwise.
	Review *ReviewBox
	// Nav is the main navigation of the logged-in worker (ui_common.go).
	Nav []navItem
	// PortalNav is the person portal's navigation (portal.go).
	PortalNav []navItem
	// Unread is the worker's unread notification count, shown in the
	// header's navigation (live.go).
	Unread int
	// CSRF is the session's anti-forgery token: every state-changing form
	// carries it as <input type="hidden" name="csrf" value="{{.CSRF}}">
	// (checked by checkCSRF, ui_auth.go).
	CSRF string
}

type FieldMsg struct{ Field, Message string }

// AddErrors puts the field problems of e on the page, translated: the
// first message of each field beside it, every message in the summary.
// Field names get prefix (forms repeated on one page); a problem without a
// field is shown on field def.
func (p *PageData) AddErrors(lang string, e *parcours.Error, prefix, def string) {
	fields := e.Fields
	if len(fields) == 0 {
		fields = []*parcours.Error{e}
	}
	if p.Errors == nil {
		p.Errors = map[string]string{}
	}
	for _, f := range fields {
		name := f.Field
		if name == "" {
			name = def
		}
		name = prefix + name
		msg := i18n.T(lang, f.Key, f.Args...)
		if _, dup := p.Errors[name]; !dup {
			p.Errors[name] = msg
		}
		p.ErrorList = append(p.ErrorList, FieldMsg{Field: name, Message: msg})
	}
}

// funcs are the template functions. Text reaches the page only through
// "t" (the translation catalogue) or from data, escaped by html/template.
func funcs() template.FuncMap {
	return template.FuncMap{
		"t": func(lang, key string, args ...any) string { return i18n.T(lang, key, args...) },
		// notificationCount is the header's live unread count (live.go).
		"notificationCount": NotificationCount,
		// label is "t" for a form label: the catalogue's field names are
		// lowercase so that error messages can quote them (« Le champ
		// « motif de fin » … »); a label starts with a capital, as on
		// every page.
		"label": func(lang, key string, args ...any) string { return Capitalise(i18n.T(lang, key, args...)) },
		// eur writes whole euros as French does: « 1 874 € » (a narrow
		// no-break space between thousands and before the sign).
		"eur": func(lang string, n int) string { return i18n.Euros(lang, n) },
		// tn is "t" for a count: the plural form of key for n (i18n.N).
		"tn": func(lang, key string, n int, args ...any) string { return i18n.N(lang, key, n, args...) },
		// reviewFor is the page's review box when it is about field id,
		// else an empty one for it (review.go).
		"reviewFor": func(b *ReviewBox, field, id, lang string) *ReviewBox {
			if b != nil && b.ID == id {
				return b
			}
			return &ReviewBox{Lang: lang, Field: field, ID: id}
		},
		"date": DateText,
		"datetime": func(lang string, t time.Time) string {
			if t.IsZero() {
				return ""
			}
			if lang == "fr" {
				return t.In(Paris()).Format("02/01/2006 à 15:04")
			}
			return t.In(Paris()).Format("2006-01-02 15:04")
		},
		// hm is the time of day in Paris: « 14:30 ».
		"hm": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.In(Paris()).Format("15:04")
		},
		"upper": strings.ToUpper,
		"list":  func(v ...string) []string { return v },
		"dict": func(kv ...any) map[string]any {
			m := map[string]any{}
			for i := 0; i+1 < len(kv); i += 2 {
				m[fmt.Sprint(kv[i])] = kv[i+1]
			}
			return m
		},
		"has": func(list []string, v string) bool {
			for _, x := range list {
				if x == v {
					return true
				}
			}
			return false
		},
	}
}

func Paris() *time.Location { return parcours.France }

// DateText is the template function "date": a day as the language writes
// it (« 02/01/2006 » in French), from a time (in Paris) or a YYYY-MM-DD.
func DateText(lang string, v any) string {
	switch d := v.(type) {
	case time.Time:
		if d.IsZero() {
			return ""
		}
		if lang == "fr" {
			return d.In(Paris()).Format("02/01/2006")
		}
		return d.In(Paris()).Format("2006-01-02")
	case string:
		if t, err := parcours.ParseDate(d); err == nil && lang == "fr" {
			return t.Format("02/01/2006")
		}
		return d
	}
	return fmt.Sprint(v)
}

// pageTemplates are the pages, each a clone of the shared layout and
// partials with its own file parsed in. A clone copies the layout's parse
// trees (html/template escapes them per page), about 140 KB per page: the
// 89 pages held 12.5 MB of pointer-rich heap in every serve — 20 % of its
// live heap at 500,000 persons, marked at every collection — though an
// instance serving the API renders none. So a page is parsed on its first
// render and kept; all are parsed once at start-up and dropped, so that a
// broken template still stops the server from starting.
type pageTemplates struct {
	base  *template.Template // layout and partials, never executed
	pages map[string]*pageTemplate
}

type pageTemplate struct {
	path string
	once sync.Once
	t    *template.Template
	err  error
	// byLang are the page's translated copies (localisedPages), by
	// language.
	byLang map[string]*langTemplate
}

type langTemplate struct {
	once sync.Once
	t    *template.Template
	err  error
}

// localisedPages are parsed once per language as well, each copy with the
// catalogue's words already in its text where a page says
// {{t .Lang "key"}} or {{label .Lang "key"}} (localise): on a page of
// many such words, a function call and an escaper call by reflection
// each was a large part of its rendering. The person file page, the one
// a worker opens all day.
var localisedPages = map[string]bool{"person.html": true}

// genericPages, set only by tests, renders the localised pages from their
// generic template, to compare the two.
var genericPages atomic.Bool

func parseTemplates() (*pageTemplates, error) {
	base, err := template.New("").Funcs(funcs()).ParseFS(templateFS, "templates/layout/*.html")
	if err != nil {
		return nil, err
	}
	pages, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	out := &pageTemplates{base: base, pages: map[string]*pageTemplate{}}
	for _, p := range pages {
		if _, err := parsePage(base, p); err != nil {
			return nil, err
		}
		pt := &pageTemplate{path: p}
		if localisedPages[path.Base(p)] {
			pt.byLang = map[string]*langTemplate{}
			for _, lang := range i18n.Languages {
				if _, err := parseLocalised(base, p, lang); err != nil {
					return nil, err
				}
				pt.byLang[lang] = &langTemplate{}
			}
		}
		out.pages[path.Base(p)] = pt
	}
	return out, nil
}

// parseLocalised parses the page file as parsePage does, then writes the
// constant words of lang into its own templates (never into the shared
// layout's, whose trees its clone shares).
func parseLocalised(base *template.Template, file, lang string) (*template.Template, error) {
	t, err := parsePage(base, file)
	if err != nil {
		return nil, err
	}
	// Only "content" is executed with the PageData as its data
	// (layout.html: {{template "content" .}}), so only there do .Lang and
	// $.Lang certainly name the page's language. Its tree is the page's
	// own, parsed above.
	if c := t.Lookup("content"); c != nil && c.Tree != nil {
		localise(c.Tree.Root, lang, true)
	}
	return t, nil
}

// localise replaces, in the tree under n, each action that writes a
// constant word of the catalogue — {{t $.Lang "key"}}, {{label $.Lang
// "key"}}, and .Lang for $.Lang where dot is still the page — by a text
// node holding the word of lang, escaped as html/template escapes a
// string in text or in a quoted attribute value. dotIsPage says whether
// dot is the PageData at n ({{with}} and {{range}} change it).
//
// The escaped word is the same bytes html/template would write there
// (person_page_localise_test.go compares whole pages in every language).
// A word inside a URL, a script or a style would be escaped otherwise:
// such an action is left to html/template.
func localise(n parse.Node, lang string, dotIsPage bool) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for i, c := range n.Nodes {
			if word, ok := constantWord(c, lang, dotIsPage); ok {
				n.Nodes[i] = &parse.TextNode{NodeType: parse.NodeText, Pos: c.Position(), Text: []byte(word)}
				continue
			}
			localise(c, lang, dotIsPage)
		}
	case *parse.IfNode:
		localise(n.List, lang, dotIsPage)
		localise(n.ElseList, lang, dotIsPage)
	case *parse.WithNode:
		localise(n.List, lang, false)
		localise(n.ElseList, lang, dotIsPage)
	case *parse.RangeNode:
		localise(n.List, lang, false)
		localise(n.ElseList, lang, dotIsPage)
	}
}

// constantWord is the escaped word an action writes when it is
// {{t L "key"}} or {{label L "key"}} with L the page's language.
func constantWord(n parse.Node, lang string, dotIsPage bool) (string, bool) {
	a, ok := n.(*parse.ActionNode)
	if !ok || len(a.Pipe.Decl) > 0 || a.Pipe.IsAssign || len(a.Pipe.Cmds) != 1 {
		return "", false
	}
	args := a.Pipe.Cmds[0].Args
	if len(args) != 3 {
		return "", false
	}
	fn, ok := args[0].(*parse.IdentifierNode)
	if !ok || fn.Ident != "t" && fn.Ident != "label" {
		return "", false
	}
	switch l := args[1].(type) {
	case *parse.VariableNode:
		if len(l.Ident) != 2 || l.Ident[0] != "$" || l.Ident[1] != "Lang" {
			return "", false
		}
	case *parse.FieldNode:
		if !dotIsPage || len(l.Ident) != 1 || l.Ident[0] != "Lang" {
			return "", false
		}
	default:
		return "", false
	}
	key, ok := args[2].(*parse.StringNode)
	if !ok {
		return "", false
	}
	word := i18n.T(lang, key.Text)
	if fn.Ident == "label" {
		word = Capitalise(word)
	}
	return strings.ReplaceAll(template.HTMLEscapeString(word), "+", "&#43;"), true
}

func parsePage(base *template.Template, file string) (*template.Template, error) {
	t, err := base.Clone()
	if err != nil {
		return nil, err
	}
	return t.ParseFS(templateFS, file)
}

// page returns the template of the page name, parsed on its first use.
func (pt *pageTemplates) page(name string) (*template.Template, error) {
	p, ok := pt.pages[name]
	if !ok {
		return nil, fmt.Errorf("template %s not found", name)
	}
	p.once.Do(func() { p.t, p.err = parsePage(pt.base, p.path) })
	return p.t, p.err
}

// pageIn returns the page name in lang: its translated copy for a
// localised page, else the page.
func (pt *pageTemplates) pageIn(name, lang string) (*template.Template, error) {
	if p, ok := pt.pages[name]; ok {
		if l := p.byLang[lang]; l != nil && !genericPages.Load() {
			l.once.Do(func() { l.t, l.err = parseLocalised(pt.base, p.path, lang) })
			return l.t, l.err
		}
	}
	return pt.page(name)
}

// Render executes a page template into a buffer, then writes it, so a
// template error never sends half a page. A request from htmx gets only
// the "content" block when the page defines one.
func (s *Server) Render(w http.ResponseWriter, r *http.Request, status int, name string, p *PageData) error {
	s.fillPage(r, p)
	t, err := s.tmpl.pageIn(name, p.Lang)
	if err != nil {
		return err
	}
	entry := "layout"
	if r.Header.Get("HX-Request") == "true" && r.Header.Get("HX-Target") != "" && t.Lookup("partial") != nil {
		entry = "partial"
	}
	buf := bytes.NewBuffer(getAnswerBuf())
	if err := t.ExecuteTemplate(buf, entry, p); err != nil {
		return err
	}
	defer putAnswerBuf(buf.Bytes())
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, err = w.Write(buf.Bytes())
	return err
}

func (s *Server) fillPage(r *http.Request, p *PageData) {
	p.Lang = Lang(r)
	p.Path = r.URL.Path
	if a, ok := Actor(r); ok && a.Portal != nil {
		p.Actor = a // the person portal: its own header (layout.html)
		p.PortalNav = portalNav(r.URL.Path)
	} else if ok {
		p.Actor = a
		p.Worker = Worker(r)
		p.Nav = s.nav(r)
		if slices.ContainsFunc(p.Nav, func(n navItem) bool { return n.Href == "/notifications" }) {
			p.Unread = s.unread(r)
		}
		if p.Org == nil {
			p.Org = s.pageOrg(r)
		}
	}
	p.CSRF = CSRFToken(r)
}

// CSRFToken is the anti-forgery token of the request's session (a
// worker's or the portal's), "" without one: the CSRF of PageData, for a
// handler that writes a form itself.
func CSRFToken(r *http.Request) string {
	if sess := Session(r); sess != nil {
		return sess.CSRF
	} else if ps := PortalSession(r); ps != nil {
		return ps.CSRF
	}
	return ""
}

// renderError shows an error page in the user's language.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, status int, e *parcours.Error) {
	data := map[string]any{"Status": status, "Key": e.Key, "Args": e.Args, "RequestID": infoFrom(r.Context()).id}
	// A file one does not follow may be opened in an emergency (ui_access.go).
	p := &PageData{Title: "page.error.title", Data: data}
	if link := breakGlassLink(r, status, e); link != "" {
		// Not a dead end: the break-glass form itself, and the way to ask
		// for the person to be referred to one's team.
		data["BreakGlass"] = link
		data["MinReason"] = breakglass.MinReason
		if s.HasPage("/referrals") {
			data["Referral"] = "/referrals"
		}
		p.Title = "page.error.not_followed"
	} else if link := archiveLink(r, status, e); link != "" {
		// An archived file: the manager or the DPO says why they consult it.
		data["Archive"] = link
		data["MinReason"] = breakglass.MinReason
		p.Title = "page.error.archived"
	}
	if err := s.Render(w, r, status, "error.html", p); err != nil {
		s.log.Error("render error page", "err", err.Error())
		http.Error(w, http.StatusText(status), status)
	}
}

// PageOrg is pageOrg, for the areas (a letter's heading).
func (s *Server) PageOrg(r *http.Request) *parcours.Organization { return s.pageOrg(r) }

// pageOrg returns the organisation of the signed-in worker, for the
// layout's warnings; nil when nobody is signed in or it cannot be read.
func (s *Server) pageOrg(r *http.Request) *parcours.Organization {
	a, ok := Actor(r)
	if !ok || s.svc.Orgs == nil || a.OrgID == "" {
		return nil
	}
	o, err := s.svc.Orgs.Org(r.Context(), a, a.OrgID)
	if err != nil {
		return nil
	}
	return o
}

// FieldErrors fills p's field errors and error summary from err, in the
// request's language; an error without a field is shown on field def (the
// summary links to it).
func FieldErrors(r *http.Request, p *PageData, err error, def string) {
	e := parcours.AsError(err)
	if e == nil {
		return
	}
	p.Errors = nil
	p.AddErrors(Lang(r), e, "", def)
}

// FormErrors puts the field problems of err on the page, translated. It
// returns the message of a problem that belongs to no field (a conflict,
// a malformed request) and whether err is one a form can show at all:
// not-found, forbidden and internal errors are not.
func FormErrors(lang string, err error, p *PageData) (string, bool) {
	e := parcours.AsError(err)
	if e == nil {
		return "", false
	}
	switch e.Code {
	case parcours.EInvalid, parcours.EBadRequest, parcours.EConflict:
	case parcours.EUnsupported, parcours.ETooLarge:
		// A file refused by type or size is a field of the form (an
		// upload); without a field it is no form's error.
		if e.Field == "" {
			return "", false
		}
	default:
		return "", false
	}
	if len(e.Fields) == 0 && e.Field == "" {
		return i18n.T(lang, e.Key, e.Args...), true
	}
	p.Errors = nil
	p.AddErrors(lang, e, "", "")
	return "", true
}

// Today is today's date in France (YYYY-MM-DD), to prefill a date field
// visibly and to tell what is late.
func Today() string { return parcours.Today(time.Now()) }

// Capitalise upper-cases the first letter of s (a form label).
func Capitalise(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError || !unicode.IsLower(r) {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}
