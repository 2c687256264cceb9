package portalweb

import (
	"net/http"

	"parcours/internal/messaging"
	"parcours/internal/parcours"
	"parcours/internal/portal"
	"parcours/internal/web"
)

// Notices of new replies (/moi/avis): the signed-in account gives an
// address, with an explicit checkbox, to be told by e-mail that a
// referent replied — only that, with the portal's page — and sees,
// changes or withdraws it. Each account its own (the person, or a
// delegate for theirs); workers have no route to it. Package messaging
// queues the notices.

func (a *area) noticeRoutes(s *web.Server) {
	s.Handle("GET", "/moi/avis", web.Portal, a.pageNotice, nil)
	s.Handle("POST", "/moi/avis", web.Portal, a.postNotice, nil)
	s.Handle("POST", "/moi/avis/retrait", web.Portal, a.postNoticeWithdraw, nil)

	s.Schema("PortalReplyNotice", web.Object([]string{"email"}, web.Schema{
		"email": web.Str(), "consent_at": web.StrFmt("date-time")}))
	s.Schema("PortalReplyNoticeInput", web.Object([]string{"email", "consent"}, web.Schema{
		"email": web.StrFmt("email"), "consent": web.Boolean()}))
	s.Handle("GET", "/api/v1/moi/reply-notice", web.Portal, a.apiNotice,
		&web.Op{ID: "portalGetReplyNotice", Tag: "portal", Response: "PortalReplyNotice",
			Summary: "The signed-in account's address for e-mail notices of new replies and when it consented; email is empty when none (portal session)"})
	s.Handle("PUT", "/api/v1/moi/reply-notice", web.Portal, a.apiSetNotice,
		&web.Op{ID: "portalSetReplyNotice", Tag: "portal", Request: "PortalReplyNoticeInput", Response: "PortalReplyNotice",
			Summary: "Give or change the address to be told by e-mail that a referent replied (only that: never the message); consent must be true (portal session)"})
	s.Handle("DELETE", "/api/v1/moi/reply-notice", web.Portal, a.apiWithdrawNotice,
		&web.Op{ID: "portalWithdrawReplyNotice", Tag: "portal", Status: http.StatusNoContent,
			Summary: "Withdraw the consent to notices of new replies: the address is deleted (portal session)"})
}

// noticeData is what portal_notice.html receives.
type noticeData struct {
	Notice *parcours.ReplyNotice
	// Subject is the notice's whole message, shown as it will be sent.
	Subject string
}

func (a *area) pageNotice(w http.ResponseWriter, r *http.Request) error {
	return a.renderNotice(w, r, http.StatusOK, &web.PageData{Form: map[string]string{}})
}

func (a *area) renderNotice(w http.ResponseWriter, r *http.Request, status int, pd *web.PageData) error {
	n, err := a.svc.ReplyNotice(r.Context(), web.MustActor(r))
	if err != nil {
		return err
	}
	pd.Title, pd.Data = "page.portal.notice", &noticeData{Notice: n, Subject: messaging.NoticeSubject}
	if pd.Flash == "" {
		switch r.URL.Query().Get("done") {
		case "on":
			pd.Flash = "portal.notice.saved"
		case "off":
			pd.Flash = "portal.notice.withdrawn"
		}
	}
	return a.Render(w, r, status, "portal_notice.html", pd)
}

func (a *area) postNotice(w http.ResponseWriter, r *http.Request) error {
	in := portal.NoticeInput{Email: r.PostFormValue("email"), Consent: r.PostFormValue("consent") == "1"}
	_, err := a.svc.SetReplyNotice(r.Context(), web.MustActor(r), in)
	if err == nil {
		http.Redirect(w, r, "/moi/avis?done=on", http.StatusSeeOther)
		return nil
	}
	pd := &web.PageData{Form: map[string]string{"email": in.Email}}
	if _, ok := web.FormErrors(web.Lang(r), err, pd); !ok {
		return err
	}
	return a.renderNotice(w, r, web.StatusOf(parcours.ErrorCode(err)), pd)
}

func (a *area) postNoticeWithdraw(w http.ResponseWriter, r *http.Request) error {
	if _, err := a.svc.WithdrawReplyNotice(r.Context(), web.MustActor(r)); err != nil {
		return err
	}
	http.Redirect(w, r, "/moi/avis?done=off", http.StatusSeeOther)
	return nil
}

func (a *area) apiNotice(w http.ResponseWriter, r *http.Request) error {
	n, err := a.svc.ReplyNotice(r.Context(), web.MustActor(r))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, n)
	return nil
}

func (a *area) apiSetNotice(w http.ResponseWriter, r *http.Request) error {
	var in portal.NoticeInput
	if err := a.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	n, err := a.svc.SetReplyNotice(r.Context(), web.MustActor(r), in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, n)
	return nil
}

func (a *area) apiWithdrawNotice(w http.ResponseWriter, r *http.Request) error {
	if _, err := a.svc.WithdrawReplyNotice(r.Context(), web.MustActor(r)); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
