package accountweb

import (
	"encoding/base64"
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"parcours/internal/auth"
	"parcours/internal/parcours"
	"parcours/internal/web"
)

// Sign-in, second factor and sign-out pages. The flow works without
// JavaScript: POST /login checks the password and opens a session that is
// complete, or waits for the second factor (/login/totp), or for its
// enrolment (/login/totp/setup). Until then the session opens no page.
// The CSRF check of every page form is the shell's (web/csrf.go).

func (s *Server) authRoutes() {
	s.Handle("GET", "/login", web.Public, s.loginPage, nil)
	s.Handle("POST", "/login", web.Public, s.loginSubmit, nil)
	s.Handle("GET", "/login/totp", web.Public, s.totpPage, nil)
	s.Handle("POST", "/login/totp", web.Public, s.totpSubmit, nil)
	s.Handle("GET", "/login/totp/setup", web.Public, s.totpSetupPage, nil)
	s.Handle("POST", "/login/totp/setup", web.Public, s.totpSetupSubmit, nil)
	s.Handle("POST", "/logout", web.Public, s.logout, nil)
}

// setSessionCookie gives the browser its session: __Host- prefixed, so
// Secure, host-only and Path=/; HttpOnly; SameSite=Lax so that links from
// e-mails still open Parcours signed in while cross-site posts carry no
// cookie. No expiry: the cookie dies with the browser, and the server
// enforces the idle and absolute timeouts.
func setSessionCookie(w http.ResponseWriter, secret string) {
	http.SetCookie(w, &http.Cookie{Name: auth.SessionCookie, Value: secret, Path: "/", Secure: true, HttpOnly: true, SameSite: http.SameSiteLaxMode})
}

func clearSessionCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: auth.SessionCookie, Value: "", Path: "/", Secure: true, HttpOnly: true, SameSite: http.SameSiteLaxMode, MaxAge: -1})
}

// safeNext returns next when it is a local path of Parcours, "/" otherwise,
// so that the login form cannot be used to send someone to another site
// (open redirect): "//evil.example", "/\evil.example", "https://…" and
// anything with a control character are refused.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	if strings.ContainsFunc(next, func(r rune) bool { return r < 0x20 || r == 0x7f || r == '\\' }) {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || strings.HasPrefix(u.Path, "/login") {
		return "/"
	}
	return next
}

// withNext appends the next parameter to a login step's path.
func withNext(path, next string) string {
	if next = safeNext(next); next == "/" {
		return path
	}
	return path + "?next=" + url.QueryEscape(next)
}

// loginPage shows the sign-in form; someone already signed in goes on.
func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) error {
	next := r.URL.Query().Get("next")
	if _, ok := web.Actor(r); ok {
		http.Redirect(w, r, safeNext(next), http.StatusSeeOther)
		return nil
	}
	if sess := web.Session(r); sess != nil && !sess.MFADone {
		// Password already checked: go on with the second factor.
		http.Redirect(w, r, withNext("/login/totp", next), http.StatusSeeOther)
		return nil
	}
	return s.Render(w, r, http.StatusOK, "login.html", &web.PageData{Title: "page.login.title", Form: map[string]string{"next": safeNext(next)}})
}

func (s *Server) loginSubmit(w http.ResponseWriter, r *http.Request) error {
	email, password, next := r.PostFormValue("email"), r.PostFormValue("password"), r.PostFormValue("next")
	res, err := s.svc.Auth.Login(r.Context(), email, password, s.ClientIP(r))
	if err != nil {
		if parcours.AsError(err) == nil {
			return err
		}
		p := &web.PageData{Title: "page.login.title", Form: map[string]string{"email": email, "next": safeNext(next)}}
		web.FieldErrors(r, p, err, "email")
		return s.Render(w, r, web.StatusOf(parcours.ErrorCode(err)), "login.html", p)
	}
	// A session this browser had before is replaced, not kept alongside.
	if c, cerr := r.Cookie(auth.SessionCookie); cerr == nil {
		_ = s.svc.Auth.EndSession(r.Context(), c.Value)
	}
	setSessionCookie(w, res.Session.Secret)
	switch res.Step {
	case auth.StepTOTP:
		http.Redirect(w, r, withNext("/login/totp", next), http.StatusSeeOther)
	case auth.StepTOTPSetup:
		http.Redirect(w, r, withNext("/login/totp/setup", next), http.StatusSeeOther)
	default:
		http.Redirect(w, r, safeNext(next), http.StatusSeeOther)
	}
	return nil
}

// pendingSession returns the request's session when it waits for its
// second factor; otherwise the browser is sent where it belongs.
func (s *Server) pendingSession(w http.ResponseWriter, r *http.Request) *auth.Session {
	sess := web.Session(r)
	if sess == nil {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return nil
	}
	if sess.MFADone {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return nil
	}
	return sess
}

func (s *Server) totpPage(w http.ResponseWriter, r *http.Request) error {
	sess := s.pendingSession(w, r)
	if sess == nil {
		return nil
	}
	if !sess.Worker.TOTPEnabled {
		http.Redirect(w, r, withNext("/login/totp/setup", r.URL.Query().Get("next")), http.StatusSeeOther)
		return nil
	}
	return s.Render(w, r, http.StatusOK, "login_totp.html", &web.PageData{Title: "page.login_totp.title", Form: map[string]string{"next": safeNext(r.URL.Query().Get("next"))}})
}

func (s *Server) totpSubmit(w http.ResponseWriter, r *http.Request) error {
	sess := s.pendingSession(w, r)
	if sess == nil {
		return nil
	}
	if !s.ValidCSRF(w, r) {
		return parcours.Errorf(parcours.EForbidden, "auth.error.csrf")
	}
	next := r.PostFormValue("next")
	fresh, err := s.svc.Auth.CompleteTOTP(r.Context(), sess, r.PostFormValue("code"), s.ClientIP(r))
	if err != nil {
		if parcours.AsError(err) == nil {
			return err
		}
		p := &web.PageData{Title: "page.login_totp.title", Form: map[string]string{"next": safeNext(next)}}
		web.FieldErrors(r, p, err, "code")
		return s.Render(w, r, web.StatusOf(parcours.ErrorCode(err)), "login_totp.html", p)
	}
	setSessionCookie(w, fresh.Secret)
	http.Redirect(w, r, safeNext(next), http.StatusSeeOther)
	return nil
}

// totpSetupData is what the enrolment page shows.
type totpSetupData struct {
	Secret string
	QR     template.URL // data: URL of the PNG; strict CSP allows img data:
	Action string
	// AskPassword: replacing a factor from the profile needs the current
	// password again.
	AskPassword bool
}

func enrolmentData(e *auth.TOTPEnrolment, action string) totpSetupData {
	return totpSetupData{Secret: e.Secret, Action: action, AskPassword: action == "/profile/totp",
		QR: template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(e.PNG))}
}

func (s *Server) totpSetupPage(w http.ResponseWriter, r *http.Request) error {
	sess := s.pendingSession(w, r)
	if sess == nil {
		return nil
	}
	if sess.Worker.TOTPEnabled {
		http.Redirect(w, r, withNext("/login/totp", r.URL.Query().Get("next")), http.StatusSeeOther)
		return nil
	}
	return s.renderTOTPSetup(w, r, sess, "/login/totp/setup", nil)
}

// renderTOTPSetup shows the enrolment form of the session's enrolment
// (the server draws the secret and keeps it), with the error of a failed
// attempt if any.
func (s *Server) renderTOTPSetup(w http.ResponseWriter, r *http.Request, sess *auth.Session, action string, failure error) error {
	e, err := s.svc.Auth.BeginTOTPEnrolment(r.Context(), sess)
	if err != nil {
		return err
	}
	p := &web.PageData{Title: "page.totp_setup.title", Data: enrolmentData(e, action),
		Form: map[string]string{"next": safeNext(r.FormValue("next"))}}
	status := http.StatusOK
	if failure != nil {
		web.FieldErrors(r, p, failure, "code")
		status = web.StatusOf(parcours.ErrorCode(failure))
	}
	return s.Render(w, r, status, "totp_setup.html", p)
}

func (s *Server) totpSetupSubmit(w http.ResponseWriter, r *http.Request) error {
	sess := s.pendingSession(w, r)
	if sess == nil {
		return nil
	}
	if !s.ValidCSRF(w, r) {
		return parcours.Errorf(parcours.EForbidden, "auth.error.csrf")
	}
	fresh, err := s.svc.Auth.ConfirmTOTP(r.Context(), sess, r.PostFormValue("code"))
	if err != nil {
		if parcours.AsError(err) == nil || parcours.ErrorCode(err) == parcours.EForbidden {
			return err
		}
		return s.renderTOTPSetup(w, r, sess, "/login/totp/setup", err)
	}
	setSessionCookie(w, fresh.Secret)
	http.Redirect(w, r, safeNext(r.PostFormValue("next")), http.StatusSeeOther)
	return nil
}

// logout ends the session. It is a Public route so that a session still
// waiting for its second factor can be ended too; the CSRF token is
// checked whenever there is a session, so another site cannot sign a
// worker out.
func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	c, err := r.Cookie(auth.SessionCookie)
	if err == nil && web.Session(r) != nil {
		if !s.ValidCSRF(w, r) {
			return parcours.Errorf(parcours.EForbidden, "auth.error.csrf")
		}
		if err := s.svc.Auth.EndSession(r.Context(), c.Value); err != nil {
			return err
		}
	}
	clearSessionCookie(w)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}
