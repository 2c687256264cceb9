package web

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"net/url"
	"path"
	"slices"
	"sort"
	"strings"
	"time"

	"parcours/internal/access"
	"parcours/internal/i18n"
	"parcours/internal/parcours"
)

// This file holds what every HTML page shares: the main navigation and the
// static files (served compressed, so that a page with htmx stays under
// 100 KB transferred).

// navItem is one link of the main navigation.
type navItem struct {
	Href    string
	Key     string // catalogue key of the label
	Current bool
}

// navLinks lists the main navigation in order: the page it opens, its
// label and the actions its page needs (nil: every signed-in worker). The
// policy (package access) decides who sees a link, as it decides who may
// open the page; the menu keeps no role table of its own. A link is shown
// only when its page is registered, so the menu grows as features land
// and never points at a page that does not exist.
var navLinks = []struct {
	href, key string
	acts      []access.Action
}{
	{"/", "nav.home", nil},
	{"/agenda", "nav.agenda", []access.Action{access.AgendaRead}},
	{"/desk", "nav.desk", []access.Action{access.DeskVisitWrite}},
	{"/persons", "nav.persons", nil},
	{"/search", "nav.search", nil},
	{"/import", "nav.import", []access.Action{access.PersonCreate, access.HouseholdCreate}},
	{"/access-log", "nav.access_log", []access.Action{access.AuditSearch}},
	{"/audit", "nav.audit", []access.Action{access.AuditSearch}},
	{"/break-glass/reviews", "nav.break_glass_reviews", []access.Action{access.BreakGlassReview}},
	{"/data-requests", "nav.data_requests", []access.Action{access.DataRequestHandle}},
	{"/services", "nav.services", []access.Action{access.DirectoryRead}},
	{"/referrals", "nav.referrals", []access.Action{access.ReferralInbox}},
	{"/settings/referrals", "nav.referral_settings", []access.Action{access.OrgManage}},
	{"/settings/directory", "nav.directory_admin", []access.Action{access.DirectoryManage}},
	{"/notifications", "nav.notifications", nil},
	{"/admin", "nav.admin", []access.Action{access.WorkerManage}},
	{"/admin/outbox", "nav.outbox", []access.Action{access.OutboxRead}},
	{"/documents/expiring", "nav.documents_expiring", []access.Action{access.DocumentRead}},
	{"/settings/casefile", "nav.casefile_settings", []access.Action{access.AccompanimentKinds}},
	{"/review/stats", "nav.review_stats", []access.Action{access.ReviewStats}},
	{"/procedures/follow-up", "nav.procedures_follow_up", []access.Action{access.ProcedureRead}},
	{"/rights", "nav.rights", []access.Action{access.RightsCatalogueRead}},
	{"/stats", "nav.stats", []access.Action{access.StatsRead}},
	{"/stats/non-take-up", "nav.non_take_up", []access.Action{access.PrescreenStats}},
	{"/retention", "nav.retention", []access.Action{access.RetentionManage}},
	{"/commissions", "nav.commissions", []access.Action{access.CommissionManage}},
	{"/profile", "nav.profile", nil},
}

// nav returns the navigation of the request's worker; nil when nobody is
// logged in.
func (s *Server) nav(r *http.Request) []navItem {
	a, ok := Actor(r)
	if !ok {
		return nil
	}
	var out []navItem
	for _, l := range navLinks {
		if !slices.ContainsFunc(l.acts, func(act access.Action) bool { return !access.Allowed(a, act, access.Target{}) }) && s.HasPage(l.href) {
			cur := r.URL.Path == l.href || (l.href != "/" && strings.HasPrefix(r.URL.Path, l.href+"/"))
			out = append(out, navItem{Href: l.href, Key: l.key, Current: cur})
		}
	}
	// One current link: the longest that matches (/admin/outbox, not
	// also /admin).
	best := -1
	for i, it := range out {
		if it.Current && (best < 0 || len(it.Href) > len(out[best].Href)) {
			best = i
		}
	}
	for i := range out {
		out[i].Current = i == best
	}
	return out
}

// HasPage reports whether a GET page is registered at href ("/" is the
// home page, registered as "/{$}").
func (s *Server) HasPage(href string) bool {
	want := href
	if href == "/" {
		want = "/{$}"
	}
	for _, rt := range s.routes {
		if rt.Method == "GET" && rt.Access == Page && rt.Pattern == want {
			return true
		}
	}
	return false
}

// staticFile is one embedded static file, with its gzip-compressed copy
// when compressing pays.
type staticFile struct {
	body  []byte
	gz    []byte
	ctype string
	etag  string
}

// staticHandler serves the embedded static files. Text files are
// compressed once at start-up (htmx goes from ~50 KB to ~16 KB) and sent
// compressed to every browser that accepts gzip. Files are embedded in the
// binary, so their content hash is a strong ETag.
func (s *Server) staticHandler() HandlerFunc {
	files := map[string]*staticFile{}
	sub, _ := fs.Sub(staticFS, "static")
	_ = fs.WalkDir(sub, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(sub, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		f := &staticFile{body: body, ctype: mime.TypeByExtension(path.Ext(p)), etag: `"` + hex.EncodeToString(sum[:8]) + `"`}
		if f.ctype == "" {
			f.ctype = "application/octet-stream"
		}
		if compressible(f.ctype) {
			var buf bytes.Buffer
			zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
			zw.Write(body)
			zw.Close()
			if buf.Len() < len(body) {
				f.gz = buf.Bytes()
			}
		}
		files[p] = f
		return nil
	})
	return func(w http.ResponseWriter, r *http.Request) error {
		f, ok := files[strings.TrimPrefix(r.URL.Path, "/static/")]
		if !ok {
			return parcours.NotFound()
		}
		h := w.Header()
		h.Set("Cache-Control", "public, max-age=3600")
		h.Set("Content-Type", f.ctype)
		h.Set("Vary", "Accept-Encoding")
		body, etag := f.body, f.etag
		if f.gz != nil && acceptsGzip(r) {
			h.Set("Content-Encoding", "gzip")
			// A different representation needs a different validator.
			body, etag = f.gz, strings.TrimSuffix(f.etag, `"`)+`-gz"`
		}
		h.Set("ETag", etag)
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
		return nil
	}
}

func compressible(ctype string) bool {
	return strings.HasPrefix(ctype, "text/") || strings.Contains(ctype, "javascript") ||
		strings.Contains(ctype, "json") || strings.Contains(ctype, "svg")
}

// acceptsGzip reports whether the client accepts gzip (and did not refuse
// it with q=0).
func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(name), "gzip") {
			q := strings.ReplaceAll(params, " ", "")
			return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
		}
	}
	return false
}

// secretFields are never shown back, whatever their length.
var secretFields = map[string]bool{"password": true, "current_password": true, "new_password": true, "code": true, "totp": true, "csrf": true, "csrf_token": true}

// keptText is one posted text shown back on the session-expired page.
type keptText struct {
	Name  string
	Label string // catalogue key of the field's name, or the raw name
	Value string
}

// keepPostedText answers a form posted after the session expired. Without
// JavaScript there is no local draft, and a redirect to the login page
// would throw away a note typed for half an hour; instead the page says
// that nothing was saved and shows every text field back, read-only, for
// the worker to copy before logging in again. It reports whether it
// answered. Cross-origin posts never get here (the CSRF check runs first),
// so only the worker's own browser sees its own text.
func (s *Server) keepPostedText(w http.ResponseWriter, r *http.Request) bool {
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	if err := r.ParseForm(); err != nil {
		return false
	}
	var kept []keptText
	for name, values := range r.PostForm {
		if secretFields[name] {
			continue
		}
		for _, v := range values {
			// Long free text only: ids, dates and choices are quick to redo.
			if len(strings.TrimSpace(v)) < 20 {
				continue
			}
			label := "field." + name
			if !i18n.Has(label) {
				label = name
			}
			kept = append(kept, keptText{Name: name, Label: label, Value: v})
		}
	}
	if len(kept) == 0 {
		return false
	}
	sort.Slice(kept, func(i, j int) bool { return kept[i].Name < kept[j].Name })
	next := "/"
	if ref, err := url.Parse(r.Referer()); err == nil && ref.Host == r.Host && strings.HasPrefix(ref.Path, "/") {
		next = ref.Path
	}
	p := &PageData{Title: "session.expired.title", Data: map[string]any{"Kept": kept, "Login": "/login?next=" + url.QueryEscape(next)}}
	if err := s.Render(w, r, http.StatusUnauthorized, "session_expired.html", p); err != nil {
		s.log.Error("render session expired", "err", err.Error())
		return false
	}
	return true
}

// FormToken is a fresh random token for one rendered form: a page form
// carries it as <input type="hidden" name="form_token"
// value="{{$.FormToken}}">, and firstPost runs the form once per token.
func (p *PageData) FormToken() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// firstPost runs before a page form's handler. A form carrying a
// form_token already sent by this worker is not run again: the second post
// (double click, Enter pressed twice, back and resend) is sent back to the
// page the form came from, which shows the result of the first. It
// reports whether the handler may run, and the token it claimed for this
// run ("" when the form is not checked): runForm gives it back unless the
// handler succeeds. Forms without a token, and multipart uploads (their
// body is the handler's to stream), are not checked.
func (s *Server) firstPost(w http.ResponseWriter, r *http.Request) (token string, run bool) {
	if s.svc.Forms == nil || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		return "", true
	}
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	if err := r.ParseForm(); err != nil {
		s.Fail(w, r, parcours.Errorf(parcours.EBadRequest, "error.bad_form"))
		return "", false
	}
	token = r.PostForm.Get("form_token")
	if token == "" {
		return "", true
	}
	first, err := s.svc.Forms.First(r.Context(), MustActor(r), token)
	if err != nil {
		s.Fail(w, r, err)
		return "", false
	}
	if first {
		return token, true
	}
	back := "/"
	if ref, err := url.Parse(r.Referer()); err == nil && ref.Host == r.Host && strings.HasPrefix(ref.Path, "/") {
		back = ref.Path
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
	return "", false
}

// runForm runs the handler of a page form whose token firstPost claimed,
// and gives the token back unless the handler succeeded (no error and a
// status below 400): a form refused (422 with its messages), failed (500)
// or interrupted (panic) was not done, so sending it again must run it,
// not redirect as if it had been. The token is claimed before the run, not
// after, so that two posts racing each other still run once.
func (s *Server) runForm(w http.ResponseWriter, r *http.Request, h HandlerFunc, token string) {
	sw := &statusWriter{ResponseWriter: w}
	done := false
	defer func() {
		if done {
			return
		}
		// The request may be cancelled (the browser gave up): the token is
		// given back all the same.
		ctx := context.WithoutCancel(r.Context())
		if err := s.svc.Forms.Release(ctx, MustActor(r), token); err != nil {
			s.log.Error("release form token", "request_id", infoFrom(r.Context()).id, "err", err.Error())
		}
	}()
	err := h(sw, r)
	if err != nil {
		s.Fail(sw, r, err)
		return
	}
	done = sw.status < http.StatusBadRequest // 0: nothing written, a success
}
