package web

import (
	"crypto/subtle"
	"net/http"
	"parcours/internal/parcours"
	"strings"
)

// CSRF: every state-changing form of a Page route carries the session's
// token in a hidden field "csrf" (PageData.CSRF), checked in constant time by
// checkCSRF on top of http.CrossOriginProtection. htmx requests may send it
// as the X-CSRF-Token header instead, and multipart upload forms in their
// action URL (?csrf=…) when their handler streams the body. The login form
// itself has no session yet to hold a token; it relies on the cross-origin
// check (Sec-Fetch-Site / Origin), which refuses a form posted from another
// site, so login CSRF is blocked without a pre-session cookie.

// csrfField is the name of the hidden form field holding the token.
const csrfField = "csrf"

// checkCSRF refuses a state-changing request of a Page route whose form
// (or X-CSRF-Token header, for htmx) does not carry the session's token.
func (s *Server) checkCSRF(acc Access, next http.Handler) http.Handler {
	if acc != Page && acc != Portal {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			next.ServeHTTP(w, r)
			return
		}
		if !s.ValidCSRF(w, r) {
			s.Fail(w, r, parcours.Errorf(parcours.EForbidden, "auth.error.csrf"))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// ValidCSRF reports whether the request carries its session's token.
func (s *Server) ValidCSRF(w http.ResponseWriter, r *http.Request) bool {
	token := ""
	if sess := Session(r); sess != nil {
		token = sess.CSRF
	} else if ps := PortalSession(r); ps != nil {
		token = ps.CSRF
	}
	if token == "" {
		return false
	}
	got := r.Header.Get("X-CSRF-Token")
	if got == "" && strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		// An upload form may carry the token in its action URL
		// (action="…?csrf={{.CSRF}}"), so that a handler streaming the
		// body with r.MultipartReader still finds it unread.
		got = r.URL.Query().Get(csrfField)
	}
	if got == "" {
		// Bound what parsing the form may read; uploads are the largest
		// forms.
		r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxUpload+(1<<20))
		got = r.PostFormValue(csrfField)
	}
	return subtle.ConstantTimeCompare([]byte(got), []byte(token)) == 1
}
