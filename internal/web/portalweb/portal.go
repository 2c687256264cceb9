// Package portalweb serves the person portal (/moi) and the workers'
// side of it: invitations with a one-time code, delegates, the journal's
// « partagé avec la personne » and « non communicable — tiers » marks,
// and the PDF copy of the file. Pages and JSON API side by side; it calls
// the shell's exported API directly.
package portalweb

import (
	"net/http"
	"net/url"
	"strings"

	"parcours/internal/accesslog"
	"parcours/internal/datarights"
	"parcours/internal/export"
	"parcours/internal/i18n"
	"parcours/internal/letters"
	"parcours/internal/parcours"
	"parcours/internal/portal"
	"parcours/internal/web"
)

// Register adds the routes of this area to the shell (see web/routes).
func Register(s *web.Server) {
	svc := s.Services()
	a := &area{Server: s, svc: svc.Portal, exp: svc.Export, dr: svc.DataRights}
	if a.svc == nil {
		return
	}
	schemas(s)

	// The person's side: sign-in and activation are public; the rest
	// needs a portal session.
	s.Handle("GET", "/moi/connexion", web.Public, a.pageLogin, nil)
	s.Handle("POST", "/moi/connexion", web.Public, a.postLogin, nil)
	s.Handle("GET", "/moi/connexion/code", web.Public, a.pageLoginCode, nil)
	s.Handle("POST", "/moi/connexion/code", web.Public, a.postLoginCode, nil)
	s.Handle("GET", "/moi/activer", web.Public, a.pageActivate, nil)
	s.Handle("POST", "/moi/activer", web.Public, a.postActivate, nil)
	s.Handle("POST", "/moi/deconnexion", web.Portal, a.postLogout, nil)
	s.Handle("GET", "/moi", web.Portal, a.page(portal.PartIdentity, "portal_identity.html", "page.portal.identity"), nil)
	s.Handle("GET", "/moi/suivi", web.Portal, a.page(portal.PartFollow, "portal_follow.html", "page.portal.follow"), nil)
	s.Handle("GET", "/moi/documents", web.Portal, a.page(portal.PartDocuments, "portal_documents.html", "page.portal.documents"), nil)
	s.Handle("GET", "/moi/journal", web.Portal, a.page(portal.PartJournal, "portal_journal.html", "page.portal.journal"), nil)
	s.Handle("GET", "/moi/acces", web.Portal, a.page(portal.PartAccessLog, "portal_access.html", "page.portal.access_log"), nil)
	s.Handle("GET", "/moi/demandes", web.Portal, a.page(portal.PartRequests, "portal_requests.html", "page.portal.requests"), nil)
	s.Handle("POST", "/moi/demandes", web.Portal, a.postRequest, nil)
	s.Handle("GET", "/moi/demandes/{id}/lettre.pdf", web.Portal, a.answerLetter, nil)
	s.Handle("GET", "/moi/copie", web.Portal, a.page(portal.PartIdentity, "portal_export.html", "page.portal.export"), nil)
	s.Handle("GET", "/moi/copie.pdf", web.Portal, a.exportPDF, nil)
	s.Handle("GET", "/moi/copie.json", web.Portal, a.exportJSON, nil)
	s.Handle("GET", "/moi/delegues", web.Portal, a.page(portal.PartDelegates, "portal_delegates.html", "page.portal.delegates"), nil)
	s.Handle("POST", "/moi/delegues", web.Portal, a.postDelegate, nil)
	s.Handle("POST", "/moi/delegues/{account}/retrait", web.Portal, a.postWithdraw, nil)
	s.Handle("GET", "/moi/compte", web.Portal, a.pageAccount, nil)
	s.Handle("POST", "/moi/compte/totp", web.Portal, a.postTOTP, nil)
	s.Handle("POST", "/moi/compte/totp/retrait", web.Portal, a.postTOTPRemove, nil)

	s.Handle("GET", "/api/v1/moi", web.Portal, a.apiRead(portal.PartIdentity),
		&web.Op{ID: "portalMe", Summary: "The signed-in person's identity and household as recorded (portal session)", Tag: "portal", Response: "PortalView"})
	s.Handle("GET", "/api/v1/moi/access-log", web.Portal, a.apiRead(portal.PartAccessLog),
		&web.Op{ID: "portalAccessLog", Summary: "Who read the signed-in person's file (portal session)", Tag: "portal", Response: "PortalView"})
	s.Handle("GET", "/api/v1/moi/export", web.Portal, a.exportJSON,
		&web.Op{ID: "portalExport", Summary: "The signed-in person's copy of their file (GDPR art. 15 and 20; portal session)", Tag: "portal", Response: "FileExport"})
	s.Handle("POST", "/api/v1/moi/data-requests", web.Portal, a.apiRequest,
		&web.Op{ID: "portalDataRequest", Summary: "A request of the signed-in person about their data, due one month later (portal session)", Tag: "portal",
			Request: "PortalRequestInput", Response: "DataRequest", Status: http.StatusCreated})

	a.documentRoutes(s)
	a.messageRoutes(s)
	a.noticeRoutes(s)
	a.prescreeningRoutes(s)

	// The workers' side.
	s.Handle("GET", "/persons/{id}/portal", web.Page, a.pageWorker, nil)
	s.Handle("POST", "/persons/{id}/portal/invitations", web.Page, a.postInvite, nil)
	s.Handle("POST", "/persons/{id}/portal/delegates", web.Page, a.postWorkerDelegate, nil)
	s.Handle("POST", "/persons/{id}/portal/accounts/{account}/revoke", web.Page, a.postRevoke, nil)
	s.Handle("POST", "/persons/{id}/journal/{entry}/disclosure", web.Page, a.postDisclosure, nil)
	s.Handle("GET", "/persons/{id}/export.pdf", web.Page, a.workerExportPDF, nil)
	s.Handle("GET", "/api/v1/persons/{id}/portal-accounts", web.API, a.apiAccounts,
		&web.Op{ID: "listPortalAccounts", Summary: "The portal accounts of a person's file: theirs and their delegates'", Tag: "portal",
			Response: "PortalAccount", List: true})
	s.Handle("POST", "/api/v1/persons/{id}/portal-invitations", web.API, a.apiInvite,
		&web.Op{ID: "invitePerson", Summary: "A one-time code (72 hours) for the person to activate their portal account; printed or e-mailed", Tag: "portal",
			Request: "PortalInvitationInput", Response: "PortalInvitation", Status: http.StatusCreated})
	s.Handle("POST", "/api/v1/persons/{id}/portal-delegates", web.API, a.apiDelegate,
		&web.Op{ID: "addPortalDelegate", Summary: "Give a trusted third party access to the person's portal, with a scope and an end date", Tag: "portal",
			Request: "PortalDelegateInput", Response: "PortalInvitation", Status: http.StatusCreated})
	s.Handle("POST", "/api/v1/persons/{id}/portal-accounts/{account}/revoke", web.API, a.apiRevoke,
		&web.Op{ID: "revokePortalAccount", Summary: "Close a portal account of the file (the person's or a delegate's) and its sessions", Tag: "portal",
			Status: http.StatusNoContent})
	s.Handle("POST", "/api/v1/persons/{id}/journal/{entry}/disclosure", web.API, a.apiDisclosure,
		&web.Op{ID: "discloseJournalEntry", Summary: "Mark an entry « partagé avec la personne », or « non communicable — tiers » with a reason", Tag: "portal",
			Request: "DisclosureInput", Response: "Disclosure"})
	s.Handle("GET", "/api/v1/persons/{id}/export/pdf", web.API, a.workerExportPDF,
		&web.Op{ID: "exportFilePDF", Summary: "The person's whole file as a readable PDF, to give them (GDPR art. 15); audited", Tag: "data-rights"})
}

func schemas(s *web.Server) {
	account := web.Object([]string{"id", "organization_id", "person_id", "kind", "created_at"}, web.Schema{
		"id": web.Str(), "organization_id": web.Str(), "person_id": web.Str(), "kind": web.Enum(parcours.PortalPerson, parcours.PortalDelegate),
		"login": web.Str(), "name": web.Str(), "relationship": web.Enum(parcours.DelegateRelationships...),
		"scope": web.Enum(parcours.DelegateScopes...), "ends_on": web.StrFmt("date"), "created_by": web.Str(),
		"created_at": web.StrFmt("date-time"), "activated_at": web.StrFmt("date-time"), "revoked_at": web.StrFmt("date-time"),
		"totp_enabled": web.Boolean(),
	})
	s.Schema("PortalAccount", account)
	s.Schema("PortalInvitation", web.Object([]string{"invitation", "account", "code", "link", "sent"}, web.Schema{
		"invitation": web.Object([]string{"id", "account_id", "person_id", "channel", "created_at", "expires_at"}, web.Schema{
			"id": web.Str(), "account_id": web.Str(), "person_id": web.Str(), "channel": web.Enum(parcours.InvitationChannels...),
			"created_by": web.Str(), "created_at": web.StrFmt("date-time"), "expires_at": web.StrFmt("date-time")}),
		"account": web.Ref("PortalAccount"), "code": web.Str(), "link": web.Str(), "sent": web.Boolean(),
	}))
	s.Schema("PortalInvitationInput", web.Object(nil, web.Schema{"channel": web.Enum(parcours.InvitationChannels...)}))
	s.Schema("PortalDelegateInput", web.Object([]string{"name", "relationship", "scope", "ends_on"}, web.Schema{
		"name": web.Str(), "relationship": web.Enum(parcours.DelegateRelationships...), "scope": web.Enum(parcours.DelegateScopes...),
		"ends_on": web.StrFmt("date")}))
	s.Schema("PortalRequestInput", web.Object([]string{"kind"}, web.Schema{"kind": web.Enum(parcours.DataRequestKinds...), "details": web.Str()}))
	s.Schema("DisclosureInput", web.Object(nil, web.Schema{"shared": web.Boolean(), "withheld": web.Boolean(), "reason": web.Str()}))
	s.Schema("Disclosure", web.Object([]string{"entry_id", "person_id", "shared", "withheld", "set_by", "set_at"}, web.Schema{
		"entry_id": web.Str(), "person_id": web.Str(), "shared": web.Boolean(), "withheld": web.Boolean(), "reason": web.Str(),
		"set_by": web.Str(), "set_at": web.StrFmt("date-time")}))
	s.Schema("PortalView", web.Object([]string{"person", "organization"}, web.Schema{
		"person": web.Ref("Person"), "organization": web.Str(),
		"household":  web.ArrayOf(web.Object([]string{"self", "relationship"}, web.Schema{"self": web.Boolean(), "relationship": web.Str()})),
		"access_log": web.ArrayOf(web.Ref("AccessLogEntry")),
	}))
}

type area struct {
	*web.Server
	svc *portal.Service
	exp *export.Service
	dr  *datarights.Service
}

func setCookie(w http.ResponseWriter, secret string) {
	http.SetCookie(w, &http.Cookie{Name: portal.SessionCookie, Value: secret, Path: "/", Secure: true, HttpOnly: true, SameSite: http.SameSiteLaxMode})
}

// formPage renders a public form page (sign-in, activation) with what was
// typed and the errors.
func (a *area) formPage(w http.ResponseWriter, r *http.Request, status int, tmpl, title string, form map[string]string, err error) error {
	pd := &web.PageData{Title: title, Form: form}
	if err != nil {
		e := parcours.AsError(err)
		if e == nil {
			return err
		}
		pd.AddErrors(web.Lang(r), e, "", "form")
		status = web.StatusOf(e.Code)
	}
	return a.Render(w, r, status, tmpl, pd)
}

func (a *area) pageLogin(w http.ResponseWriter, r *http.Request) error {
	return a.formPage(w, r, http.StatusOK, "portal_login.html", "page.portal.login", map[string]string{}, nil)
}

func (a *area) postLogin(w http.ResponseWriter, r *http.Request) error {
	login := r.PostFormValue("login")
	sess, err := a.svc.Login(r.Context(), login, r.PostFormValue("password"), a.ClientIP(r))
	if err != nil {
		return a.formPage(w, r, 0, "portal_login.html", "page.portal.login", map[string]string{"login": login}, err)
	}
	setCookie(w, sess.Secret)
	if !sess.MFADone {
		http.Redirect(w, r, "/moi/connexion/code", http.StatusSeeOther)
		return nil
	}
	http.Redirect(w, r, "/moi", http.StatusSeeOther)
	return nil
}

const portalCookie = portal.SessionCookie

func (a *area) pageActivate(w http.ResponseWriter, r *http.Request) error {
	return a.formPage(w, r, http.StatusOK, "portal_activate.html", "page.portal.activate",
		map[string]string{"code": r.URL.Query().Get("code")}, nil)
}

func (a *area) postActivate(w http.ResponseWriter, r *http.Request) error {
	in := portal.ActivateInput{Code: r.PostFormValue("code"), Login: r.PostFormValue("login"),
		Password: r.PostFormValue("password"), Confirm: r.PostFormValue("confirm")}
	sess, err := a.svc.Activate(r.Context(), in, a.ClientIP(r))
	if err != nil {
		return a.formPage(w, r, 0, "portal_activate.html", "page.portal.activate", map[string]string{"code": in.Code, "login": in.Login}, err)
	}
	setCookie(w, sess.Secret)
	http.Redirect(w, r, "/moi?welcome=1", http.StatusSeeOther)
	return nil
}

func (a *area) postLogout(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(portal.SessionCookie); err == nil {
		if err := a.svc.Logout(r.Context(), c.Value); err != nil {
			return err
		}
	}
	http.SetCookie(w, &http.Cookie{Name: portal.SessionCookie, Value: "", Path: "/", Secure: true, HttpOnly: true, SameSite: http.SameSiteLaxMode, MaxAge: -1})
	http.Redirect(w, r, "/moi/connexion?out=1", http.StatusSeeOther)
	return nil
}

// viewPage is what a portal page receives.
type viewPage struct {
	*portal.View
	Lines    []line
	Kinds    []string
	Scopes   []string
	Rels     []string
	Today    string
	Global   string
	NewCode  *portal.Invitation
	Category []string
}

type line struct {
	Entry *accesslog.Entry
	Text  string
}

func (a *area) page(part, tmpl, title string) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		return a.render(w, r, part, tmpl, title, http.StatusOK, &web.PageData{Form: map[string]string{}}, nil)
	}
}

func (a *area) render(w http.ResponseWriter, r *http.Request, part, tmpl, title string, status int, pd *web.PageData, extra func(*viewPage)) error {
	v, err := a.svc.Read(r.Context(), web.MustActor(r), part)
	if err != nil {
		return err
	}
	vp := &viewPage{View: v, Kinds: parcours.DataRequestKinds, Scopes: parcours.DelegateScopes, Rels: parcours.DelegateRelationships,
		Today: web.Today(), Category: parcours.ObjectionCategories}
	lang := web.Lang(r)
	for _, e := range v.AccessLog {
		vp.Lines = append(vp.Lines, line{Entry: e, Text: accesslog.Sentence(lang, e)})
	}
	if extra != nil {
		extra(vp)
	}
	pd.Title, pd.Data = title, vp
	if pd.Form == nil {
		pd.Form = map[string]string{}
	}
	switch {
	case pd.Flash != "":
	case r.URL.Query().Get("welcome") != "":
		pd.Flash = "portal.welcome"
	case r.URL.Query().Get("done") != "":
		pd.Flash = "portal.saved"
	}
	return a.Render(w, r, status, tmpl, pd)
}

func (a *area) apiRead(part string) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		v, err := a.svc.Read(r.Context(), web.MustActor(r), part)
		if err != nil {
			return err
		}
		type apiLine struct {
			*accesslog.Entry
			Text string `json:"text"`
		}
		out := struct {
			*portal.View
			AccessLog []apiLine `json:"access_log,omitempty"`
		}{View: v}
		for _, e := range v.AccessLog {
			out.AccessLog = append(out.AccessLog, apiLine{Entry: e, Text: accesslog.Sentence(web.Lang(r), e)})
		}
		web.WriteJSON(w, http.StatusOK, out)
		return nil
	}
}

func requestDetails(r *http.Request) string {
	details := strings.TrimSpace(r.PostFormValue("details"))
	if c := r.PostFormValue("category"); c != "" && parcours.ValidObjection(c) && r.PostFormValue("kind") == "objection" {
		details = strings.TrimSpace(i18n.T("fr", "objection."+c) + "\n" + details)
	}
	return details
}

func (a *area) postRequest(w http.ResponseWriter, r *http.Request) error {
	_, err := a.dr.FromPortal(r.Context(), web.MustActor(r), r.PostFormValue("kind"), requestDetails(r))
	if err == nil {
		http.Redirect(w, r, "/moi/demandes?done=1", http.StatusSeeOther)
		return nil
	}
	pd := &web.PageData{Form: map[string]string{"kind": r.PostFormValue("kind"), "details": r.PostFormValue("details"), "category": r.PostFormValue("category")}}
	global, ok := web.FormErrors(web.Lang(r), err, pd)
	if !ok {
		return err
	}
	return a.render(w, r, portal.PartRequests, "portal_requests.html", "page.portal.requests", web.StatusOf(parcours.ErrorCode(err)), pd,
		func(v *viewPage) { v.Global = global })
}

func (a *area) apiRequest(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Kind    string `json:"kind"`
		Details string `json:"details"`
	}
	if err := a.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	req, err := a.dr.FromPortal(r.Context(), web.MustActor(r), in.Kind, in.Details)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, req)
	return nil
}

// answerLetter prints the answer to one of the person's requests.
func (a *area) answerLetter(w http.ResponseWriter, r *http.Request) error {
	v, err := a.svc.Read(r.Context(), web.MustActor(r), portal.PartRequests)
	if err != nil {
		return err
	}
	for _, q := range v.Requests {
		if q.ID != r.PathValue("id") {
			continue
		}
		if q.AnsweredOn == "" {
			return parcours.NotFound()
		}
		b, err := letters.AnswerLetter(letters.Answer{OrgName: v.Organization, PersonName: v.Person.DisplayName(), Date: q.AnsweredOn,
			Kind: i18n.T("fr", "portal.letter_kind."+q.Kind), ReceivedOn: q.ReceivedOn, Outcome: i18n.T("fr", "portal.letter_outcome."+q.Outcome),
			Text: q.Answer, Reference: q.ID})
		if err != nil {
			return err
		}
		return pdf(w, "reponse-"+q.ID+".pdf", b)
	}
	return parcours.NotFound()
}

func pdf(w http.ResponseWriter, name string, b []byte) error {
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	_, err := w.Write(b)
	return err
}

func (a *area) exportJSON(w http.ResponseWriter, r *http.Request) error {
	actor := web.MustActor(r)
	x, err := a.exp.Export(r.Context(), actor, actor.Portal.PersonID)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Disposition", `attachment; filename="mon-dossier.json"`)
	web.WriteJSON(w, http.StatusOK, x)
	return nil
}

func (a *area) exportPDF(w http.ResponseWriter, r *http.Request) error {
	actor := web.MustActor(r)
	x, err := a.exp.Export(r.Context(), actor, actor.Portal.PersonID)
	if err != nil {
		return err
	}
	b, err := export.PDF(x)
	if err != nil {
		return err
	}
	return pdf(w, "mon-dossier.pdf", b)
}

// workerExportPDF is the PDF copy a worker prints for the person.
func (a *area) workerExportPDF(w http.ResponseWriter, r *http.Request) error {
	x, err := a.exp.Export(r.Context(), web.MustActor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	b, err := export.PDF(x)
	if err != nil {
		return err
	}
	return pdf(w, "dossier-"+x.Person.ID+".pdf", b)
}

func delegateInput(r *http.Request) portal.DelegateInput {
	return portal.DelegateInput{Name: r.PostFormValue("name"), Relationship: r.PostFormValue("relationship"),
		Scope: r.PostFormValue("scope"), EndsOn: r.PostFormValue("ends_on")}
}

func (a *area) postDelegate(w http.ResponseWriter, r *http.Request) error {
	in := delegateInput(r)
	inv, err := a.svc.AddDelegate(r.Context(), web.MustActor(r), "", in)
	pd := &web.PageData{Form: map[string]string{}}
	status := http.StatusOK
	var global string
	if err != nil {
		pd.Form = map[string]string{"name": in.Name, "relationship": in.Relationship, "scope": in.Scope, "ends_on": in.EndsOn}
		var ok bool
		if global, ok = web.FormErrors(web.Lang(r), err, pd); !ok {
			return err
		}
		status = web.StatusOf(parcours.ErrorCode(err))
	}
	return a.render(w, r, portal.PartDelegates, "portal_delegates.html", "page.portal.delegates", status, pd,
		func(v *viewPage) { v.NewCode, v.Global = inv, global })
}

func (a *area) postWithdraw(w http.ResponseWriter, r *http.Request) error {
	if err := a.svc.Revoke(r.Context(), web.MustActor(r), "", r.PathValue("account")); err != nil {
		return err
	}
	http.Redirect(w, r, "/moi/delegues?done=1", http.StatusSeeOther)
	return nil
}

// The workers' side.

type workerPage struct {
	PersonID string
	Accounts []*parcours.PortalAccount
	NewCode  *portal.Invitation
	Scopes   []string
	Rels     []string
	Today    string
	Global   string
	Email    bool
}

func (a *area) pageWorker(w http.ResponseWriter, r *http.Request) error {
	return a.renderWorker(w, r, http.StatusOK, &web.PageData{Form: map[string]string{}}, nil, "")
}

func (a *area) renderWorker(w http.ResponseWriter, r *http.Request, status int, pd *web.PageData, inv *portal.Invitation, global string) error {
	id := r.PathValue("id")
	list, err := a.svc.Accounts(r.Context(), web.MustActor(r), id)
	if err != nil {
		return err
	}
	pd.Title = "page.portal.worker"
	if pd.Flash == "" && r.URL.Query().Get("done") != "" {
		pd.Flash = "portal.saved"
	}
	pd.Data = &workerPage{PersonID: id, Accounts: list, NewCode: inv, Scopes: parcours.DelegateScopes, Rels: parcours.DelegateRelationships,
		Today: web.Today(), Global: global, Email: true}
	return a.Render(w, r, status, "portal_worker.html", pd)
}

func (a *area) workerResult(w http.ResponseWriter, r *http.Request, inv *portal.Invitation, err error, form map[string]string) error {
	pd := &web.PageData{Form: form}
	if err != nil {
		global, ok := web.FormErrors(web.Lang(r), err, pd)
		if !ok {
			if e := parcours.AsError(err); e != nil && e.Code == parcours.ERateLimited {
				global = i18n.T(web.Lang(r), e.Key, e.Args...)
			} else {
				return err
			}
		}
		return a.renderWorker(w, r, web.StatusOf(parcours.ErrorCode(err)), pd, nil, global)
	}
	pd.Form = map[string]string{}
	return a.renderWorker(w, r, http.StatusOK, pd, inv, "")
}

func (a *area) postInvite(w http.ResponseWriter, r *http.Request) error {
	var inv *portal.Invitation
	var err error
	if acc := r.PostFormValue("account"); acc != "" {
		inv, err = a.svc.Reinvite(r.Context(), web.MustActor(r), r.PathValue("id"), acc)
	} else {
		inv, err = a.svc.Invite(r.Context(), web.MustActor(r), r.PathValue("id"), r.PostFormValue("channel"))
	}
	return a.workerResult(w, r, inv, err, map[string]string{})
}

func (a *area) postWorkerDelegate(w http.ResponseWriter, r *http.Request) error {
	in := delegateInput(r)
	inv, err := a.svc.AddDelegate(r.Context(), web.MustActor(r), r.PathValue("id"), in)
	return a.workerResult(w, r, inv, err, map[string]string{"name": in.Name, "relationship": in.Relationship, "scope": in.Scope, "ends_on": in.EndsOn})
}

func (a *area) postRevoke(w http.ResponseWriter, r *http.Request) error {
	if err := a.svc.Revoke(r.Context(), web.MustActor(r), r.PathValue("id"), r.PathValue("account")); err != nil {
		return err
	}
	http.Redirect(w, r, "/persons/"+url.PathEscape(r.PathValue("id"))+"/portal?done=1", http.StatusSeeOther)
	return nil
}

func (a *area) postDisclosure(w http.ResponseWriter, r *http.Request) error {
	_, err := a.svc.Disclose(r.Context(), web.MustActor(r), r.PathValue("id"), r.PathValue("entry"),
		r.PostFormValue("shared") == "1", r.PostFormValue("withheld") == "1", r.PostFormValue("reason"))
	if err != nil {
		return err
	}
	back := "/persons/" + url.PathEscape(r.PathValue("id")) + "#entry-" + url.PathEscape(r.PathValue("entry"))
	http.Redirect(w, r, back, http.StatusSeeOther)
	return nil
}

func (a *area) apiAccounts(w http.ResponseWriter, r *http.Request) error {
	list, err := a.svc.Accounts(r.Context(), web.MustActor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, parcours.Page[*parcours.PortalAccount]{Items: list})
	return nil
}

func (a *area) apiInvite(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Channel string `json:"channel"`
	}
	if r.ContentLength != 0 {
		if err := a.DecodeJSON(w, r, &in); err != nil {
			return err
		}
	}
	inv, err := a.svc.Invite(r.Context(), web.MustActor(r), r.PathValue("id"), in.Channel)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, inv)
	return nil
}

func (a *area) apiDelegate(w http.ResponseWriter, r *http.Request) error {
	var in portal.DelegateInput
	if err := a.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	inv, err := a.svc.AddDelegate(r.Context(), web.MustActor(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, inv)
	return nil
}

func (a *area) apiRevoke(w http.ResponseWriter, r *http.Request) error {
	if err := a.svc.Revoke(r.Context(), web.MustActor(r), r.PathValue("id"), r.PathValue("account")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *area) apiDisclosure(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Shared   bool   `json:"shared"`
		Withheld bool   `json:"withheld"`
		Reason   string `json:"reason"`
	}
	if err := a.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	d, err := a.svc.Disclose(r.Context(), web.MustActor(r), r.PathValue("id"), r.PathValue("entry"), in.Shared, in.Withheld, in.Reason)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, d)
	return nil
}
