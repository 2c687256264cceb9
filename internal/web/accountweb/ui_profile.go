package accountweb

import (
	"net/http"

	"parcours/internal/auth"
	"parcours/internal/parcours"
	"parcours/internal/web"
)

// The worker's own profile: password, second factor, language and API
// tokens. Every form posts to its own route and comes back with a flash
// message (post/redirect/get), except the token creation, whose secret is
// shown once in the response itself.

func (s *Server) profileRoutes() {
	s.Handle("GET", "/profile", web.Page, s.profilePage, nil)
	s.Handle("POST", "/profile/password", web.Page, s.profilePassword, nil)
	s.Handle("POST", "/profile/language", web.Page, s.profileLanguage, nil)
	s.Handle("GET", "/profile/totp", web.Page, s.profileTOTPPage, nil)
	s.Handle("POST", "/profile/totp", web.Page, s.profileTOTPSubmit, nil)
	s.Handle("POST", "/profile/tokens", web.Page, s.profileTokenCreate, nil)
	s.Handle("POST", "/profile/tokens/{id}/revoke", web.Page, s.profileTokenRevoke, nil)
}

// profileFlashes maps the ?done= values of redirects to their messages;
// anything else shows nothing.
var profileFlashes = map[string]string{
	"password": "page.profile.password_changed",
	"language": "page.profile.language_saved",
	"totp":     "page.profile.totp_done",
	"revoked":  "page.profile.token_revoked_flash",
}

type profileData struct {
	Worker    *parcours.Worker
	Tokens    []*auth.Token
	Sessions  int
	NewSecret string
	Languages []string
}

func (s *Server) profilePage(w http.ResponseWriter, r *http.Request) error {
	return s.renderProfile(w, r, http.StatusOK, &web.PageData{Flash: profileFlashes[r.URL.Query().Get("done")]}, "")
}

// renderProfile shows the profile into p (which may carry form errors);
// secret is a token just created.
func (s *Server) renderProfile(w http.ResponseWriter, r *http.Request, status int, p *web.PageData, secret string) error {
	a := web.MustActor(r)
	toks, err := s.svc.Auth.Tokens(r.Context(), a)
	if err != nil {
		return err
	}
	n, err := s.svc.Auth.SessionCount(r.Context(), a)
	if err != nil {
		return err
	}
	p.Title = "page.profile.title"
	p.Data = profileData{Worker: web.Worker(r), Tokens: toks, Sessions: n, NewSecret: secret, Languages: []string{"fr", "en"}}
	return s.Render(w, r, status, "profile.html", p)
}

// profileFailed shows the profile again with a form's errors, or returns
// an error that is not about the form.
func (s *Server) profileFailed(w http.ResponseWriter, r *http.Request, err error, form map[string]string) error {
	code := parcours.ErrorCode(err)
	if code != parcours.EInvalid && code != parcours.ERateLimited {
		return err
	}
	p := &web.PageData{Form: form}
	web.FieldErrors(r, p, err, "current_password")
	return s.renderProfile(w, r, web.StatusOf(code), p, "")
}

func (s *Server) profilePassword(w http.ResponseWriter, r *http.Request) error {
	err := s.svc.Auth.ChangePassword(r.Context(), web.MustActor(r), web.Session(r), r.PostFormValue("current_password"), r.PostFormValue("new_password"))
	if err != nil {
		return s.profileFailed(w, r, err, nil)
	}
	http.Redirect(w, r, "/profile?done=password", http.StatusSeeOther)
	return nil
}

func (s *Server) profileLanguage(w http.ResponseWriter, r *http.Request) error {
	if err := s.svc.Auth.SetLanguage(r.Context(), web.MustActor(r), r.PostFormValue("language")); err != nil {
		return s.profileFailed(w, r, err, nil)
	}
	http.Redirect(w, r, "/profile?done=language", http.StatusSeeOther)
	return nil
}

func (s *Server) profileTOTPPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderTOTPSetup(w, r, web.Session(r), "/profile/totp", nil)
}

func (s *Server) profileTOTPSubmit(w http.ResponseWriter, r *http.Request) error {
	fresh, err := s.svc.Auth.ReplaceTOTP(r.Context(), web.Session(r), r.PostFormValue("current_password"), r.PostFormValue("code"))
	if err != nil {
		if parcours.AsError(err) == nil || parcours.ErrorCode(err) == parcours.EForbidden {
			return err
		}
		return s.renderTOTPSetup(w, r, web.Session(r), "/profile/totp", err)
	}
	setSessionCookie(w, fresh.Secret)
	http.Redirect(w, r, "/profile?done=totp", http.StatusSeeOther)
	return nil
}

func (s *Server) profileTokenCreate(w http.ResponseWriter, r *http.Request) error {
	name := r.PostFormValue("token_name")
	secret, _, err := s.svc.Auth.CreateToken(r.Context(), web.MustActor(r), web.Worker(r).Email, name)
	if err != nil {
		return s.profileFailed(w, r, err, map[string]string{"token_name": name})
	}
	return s.renderProfile(w, r, http.StatusCreated, &web.PageData{}, secret)
}

func (s *Server) profileTokenRevoke(w http.ResponseWriter, r *http.Request) error {
	if err := s.svc.Auth.RevokeToken(r.Context(), web.MustActor(r), r.PathValue("id")); err != nil {
		return err
	}
	http.Redirect(w, r, "/profile?done=revoked", http.StatusSeeOther)
	return nil
}
