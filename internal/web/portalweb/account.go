package portalweb

import (
	"encoding/base64"
	"html/template"
	"net/http"

	"parcours/internal/parcours"
	"parcours/internal/web"
)

// The portal's account page (/moi/compte): the optional second factor
// (TOTP, as workers'), enrolled and removed with the password asked
// again; and the second step of the sign-in once it is on.

// accountData is what portal_account.html receives.
type accountData struct {
	Login       string
	TOTPEnabled bool
	QR          template.URL
	Secret      string
}

func (a *area) pageAccount(w http.ResponseWriter, r *http.Request) error {
	return a.renderAccount(w, r, http.StatusOK, nil)
}

func (a *area) renderAccount(w http.ResponseWriter, r *http.Request, status int, failure error) error {
	sess := web.PortalSession(r)
	if sess == nil {
		return parcours.Errorf(parcours.EUnauthenticated, "error.unauthenticated")
	}
	d := &accountData{Login: sess.Account.Login, TOTPEnabled: sess.Account.TOTPEnabled}
	if !d.TOTPEnabled {
		e, err := a.svc.BeginTOTP(r.Context(), sess)
		if err != nil {
			return err
		}
		d.Secret = e.Secret
		d.QR = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(e.PNG))
	}
	pd := &web.PageData{Title: "page.portal.account", Data: d, Form: map[string]string{}}
	switch r.URL.Query().Get("done") {
	case "totp":
		pd.Flash = "portal.account.totp_on"
	case "totp_off":
		pd.Flash = "portal.account.totp_off"
	}
	if failure != nil {
		if _, ok := web.FormErrors(web.Lang(r), failure, pd); !ok {
			return failure
		}
		status = web.StatusOf(parcours.ErrorCode(failure))
	}
	return a.Render(w, r, status, "portal_account.html", pd)
}

func (a *area) postTOTP(w http.ResponseWriter, r *http.Request) error {
	err := a.svc.EnableTOTP(r.Context(), web.PortalSession(r), r.PostFormValue("current_password"), r.PostFormValue("code"))
	if err != nil {
		return a.renderAccount(w, r, 0, err)
	}
	http.Redirect(w, r, "/moi/compte?done=totp", http.StatusSeeOther)
	return nil
}

func (a *area) postTOTPRemove(w http.ResponseWriter, r *http.Request) error {
	if err := a.svc.DisableTOTP(r.Context(), web.PortalSession(r), r.PostFormValue("current_password")); err != nil {
		return a.renderAccount(w, r, 0, err)
	}
	http.Redirect(w, r, "/moi/compte?done=totp_off", http.StatusSeeOther)
	return nil
}

// The second step of the sign-in: the code of the authenticator app, on
// the half-signed-in session the password opened.
func (a *area) pageLoginCode(w http.ResponseWriter, r *http.Request) error {
	if !a.pending(w, r) {
		return nil
	}
	return a.formPage(w, r, http.StatusOK, "portal_login_code.html", "page.portal.login_code", map[string]string{}, nil)
}

// pending reports whether the request carries a half-signed-in session;
// otherwise it sends the browser back to the sign-in.
func (a *area) pending(w http.ResponseWriter, r *http.Request) bool {
	if c, err := r.Cookie(portalCookie); err == nil {
		if _, err := a.svc.PendingSession(r.Context(), c.Value); err == nil {
			return true
		}
	}
	http.Redirect(w, r, "/moi/connexion", http.StatusSeeOther)
	return false
}

func (a *area) postLoginCode(w http.ResponseWriter, r *http.Request) error {
	if !a.pending(w, r) {
		return nil
	}
	c, _ := r.Cookie(portalCookie)
	sess, err := a.svc.CompleteTOTP(r.Context(), c.Value, r.PostFormValue("code"), a.ClientIP(r))
	if err != nil {
		return a.formPage(w, r, 0, "portal_login_code.html", "page.portal.login_code", map[string]string{}, err)
	}
	setCookie(w, sess.Secret)
	http.Redirect(w, r, "/moi", http.StatusSeeOther)
	return nil
}
