// Package noticeweb serves the organisation's information notice (RGPD
// art. 13, CASF L121-6-2): a public, printable page in plain language for
// the persons it accompanies, and its texts for the organisation's admin.
// It calls the shell's exported API directly.
package noticeweb

import (
	"net/http"

	"parcours/internal/i18n"
	"parcours/internal/org"
	"parcours/internal/parcours"
	"parcours/internal/web"
)

// Register adds the routes of this area to the shell (see web/routes).
func Register(s *web.Server) {
	a := &area{Server: s, orgs: s.Services().Orgs}
	s.Schema("Notice", web.Object([]string{"organization_id", "organization_name", "controller_address", "purpose",
		"legal_basis", "recipients", "retention", "dpo_contact"}, web.Schema{
		"organization_id": web.Str(), "organization_name": web.Str(), "controller_address": web.Str(), "purpose": web.Str(),
		"legal_basis": web.Str(), "recipients": web.Str(), "retention": web.Str(), "dpo_contact": web.Str(),
		"updated_at": web.StrFmt("date-time"),
	}))
	s.Schema("NoticeInput", web.Object(nil, web.Schema{
		"controller_address": web.Str(), "purpose": web.Str(), "legal_basis": web.Str(), "recipients": web.Str(),
		"retention": web.Str(), "dpo_contact": web.Str(),
	}))
	s.Handle("GET", "/organizations/{id}/notice", web.Public, a.page, nil)
	s.Handle("GET", "/admin/notice", web.Page, a.form, nil)
	s.Handle("POST", "/admin/notice", web.Page, a.save, nil)
	s.Handle("GET", "/api/v1/organization/notice", web.API, a.apiGet,
		&web.Op{ID: "getNotice", Summary: "The information notice of the acting worker's organisation (texts as written; empty = default)", Tag: "admin", Response: "Notice"})
	s.Handle("PUT", "/api/v1/organization/notice", web.API, a.apiPut,
		&web.Op{ID: "updateNotice", Summary: "Change the information notice's texts (admins); an empty text returns to the default", Tag: "admin",
			Request: "NoticeInput", Response: "Notice"})
}

type area struct {
	*web.Server
	orgs *org.Service
}

// noticePage is the notice as shown: each text the organisation's, or the
// default of the page's language.
type noticePage struct {
	*parcours.Notice
	Lang  string
	Other string // the other language, offered as a link
}

// Text returns the organisation's text for field, or the catalogue's
// default in the page's language.
func (p noticePage) Text(field string) string {
	v := map[string]string{
		"controller_address": p.ControllerAddress, "purpose": p.Purpose, "legal_basis": p.LegalBasis,
		"recipients": p.Recipients, "retention": p.Retention, "dpo_contact": p.DPOContact,
	}[field]
	if v != "" {
		return v
	}
	return i18n.T(p.Lang, "notice.default."+field, p.OrgName)
}

func (a *area) page(w http.ResponseWriter, r *http.Request) error {
	n, err := a.orgs.Notice(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	lang := web.Lang(r)
	if q := r.URL.Query().Get("lang"); i18n.Supported(q) {
		lang = q
	}
	other := "en"
	if lang == "en" {
		other = "fr"
	}
	pd := &web.PageData{Title: "page.notice.title", Data: noticePage{Notice: n, Lang: lang, Other: other}}
	return a.Render(w, r.WithContext(web.WithLang(r.Context(), lang)), http.StatusOK, "notice.html", pd)
}

func (a *area) form(w http.ResponseWriter, r *http.Request) error {
	actor := web.MustActor(r)
	if _, err := a.orgs.ManagedOrg(r.Context(), actor, actor.OrgID); err != nil {
		return err
	}
	n, err := a.orgs.Notice(r.Context(), actor.OrgID)
	if err != nil {
		return err
	}
	return a.Render(w, r, http.StatusOK, "admin_notice.html", &web.PageData{Title: "page.admin.notice", Data: n,
		Form: noticeForm(n), Flash: map[bool]string{true: "page.admin.notice_saved"}[r.URL.Query().Get("done") != ""]})
}

func noticeForm(n *parcours.Notice) map[string]string {
	return map[string]string{"controller_address": n.ControllerAddress, "purpose": n.Purpose, "legal_basis": n.LegalBasis,
		"recipients": n.Recipients, "retention": n.Retention, "dpo_contact": n.DPOContact}
}

var fields = []string{"controller_address", "purpose", "legal_basis", "recipients", "retention", "dpo_contact"}

func (a *area) save(w http.ResponseWriter, r *http.Request) error {
	actor := web.MustActor(r)
	vals := map[string]*string{}
	for _, f := range fields {
		v := r.PostFormValue(f)
		vals[f] = &v
	}
	_, err := a.orgs.UpdateNotice(r.Context(), actor, actor.OrgID, org.NoticeInput{ControllerAddress: vals["controller_address"],
		Purpose: vals["purpose"], LegalBasis: vals["legal_basis"], Recipients: vals["recipients"], Retention: vals["retention"],
		DPOContact: vals["dpo_contact"]})
	if err == nil {
		http.Redirect(w, r, "/admin/notice?done=1", http.StatusSeeOther)
		return nil
	}
	pd := &web.PageData{Title: "page.admin.notice", Form: map[string]string{}}
	if _, ok := web.FormErrors(web.Lang(r), err, pd); !ok {
		return err
	}
	for f, v := range vals {
		pd.Form[f] = *v
	}
	n, nerr := a.orgs.Notice(r.Context(), actor.OrgID)
	if nerr != nil {
		return nerr
	}
	pd.Data = n
	return a.Render(w, r, web.StatusOf(parcours.ErrorCode(err)), "admin_notice.html", pd)
}

func (a *area) apiGet(w http.ResponseWriter, r *http.Request) error {
	actor := web.MustActor(r)
	n, err := a.orgs.Notice(r.Context(), actor.OrgID)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, n)
	return nil
}

type noticeInput struct {
	ControllerAddress *string `json:"controller_address"`
	Purpose           *string `json:"purpose"`
	LegalBasis        *string `json:"legal_basis"`
	Recipients        *string `json:"recipients"`
	Retention         *string `json:"retention"`
	DPOContact        *string `json:"dpo_contact"`
}

func (a *area) apiPut(w http.ResponseWriter, r *http.Request) error {
	var in noticeInput
	if err := a.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	actor := web.MustActor(r)
	n, err := a.orgs.UpdateNotice(r.Context(), actor, actor.OrgID, org.NoticeInput(in))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, n)
	return nil
}
