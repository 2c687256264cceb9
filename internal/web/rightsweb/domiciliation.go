package rightsweb

import (
	"net/http"
	"net/url"

	"parcours/internal/letters"
	"parcours/internal/parcours"
	"parcours/internal/rights"
	"parcours/internal/web"
)

// Domiciliation over JSON and as the page the front desk and the workers
// share (/persons/{id}/domiciliation).

func (s *server) domSchemas() {
	str, date := web.Str(), web.StrFmt("date")
	s.Schema("Domiciliation", web.Object([]string{"id", "organization_id", "person_id", "applied_on", "status", "created_by", "created_at"}, web.Schema{
		"id": str, "organization_id": str, "person_id": str, "applied_on": date,
		"status":     web.Enum(parcours.DomApplied, parcours.DomGranted, parcours.DomRefused, parcours.DomEnded),
		"decided_on": date, "motive": str, "valid_from": date, "valid_to": date, "ended_on": date, "end_reason": str,
		"created_by": str, "created_at": web.StrFmt("date-time"),
	}))
	s.Schema("Mail", web.Object([]string{"id", "person_id", "domiciliation_id", "received_on", "sender", "kind", "status", "created_by", "created_at"}, web.Schema{
		"id": str, "person_id": str, "domiciliation_id": str, "received_on": date, "sender": str,
		"kind": web.Enum(parcours.MailKinds...), "status": web.Enum(parcours.MailStatuses...), "changed_on": date,
		"created_by": str, "created_at": web.StrFmt("date-time"),
	}))
	s.Schema("DomiciliationView", web.Object([]string{"person_id", "person_name", "today", "current", "history", "mail", "domiciled"}, web.Schema{
		"person_id": str, "person_name": str, "today": date,
		"current": web.Schema{"anyOf": []any{web.Ref("Domiciliation"), web.Schema{"type": "null"}}},
		"history": web.ArrayOf(web.Ref("Domiciliation")), "mail": web.ArrayOf(web.Ref("Mail")), "mail_next_cursor": str,
		"domiciled": web.Boolean(),
	}))
	s.Schema("DomApplication", web.Object(nil, web.Schema{"applied_on": date}))
	s.Schema("DomDecision", web.Object([]string{"decision"}, web.Schema{
		"decision": web.Enum(parcours.DomGranted, parcours.DomRefused), "motive": str, "valid_from": date}))
	s.Schema("DomEnd", web.Object([]string{"reason"}, web.Schema{"reason": str}))
	s.Schema("MailInput", web.Object([]string{"sender", "kind"}, web.Schema{"received_on": date, "sender": str, "kind": web.Enum(parcours.MailKinds...)}))
	s.Schema("MailUpdate", web.Object([]string{"status"}, web.Schema{"status": web.Enum("handed_over", "returned")}))
}

func (s *server) domRoutes() {
	s.domSchemas()
	s.Handle("GET", "/api/v1/persons/{id}/domiciliation", web.API, s.apiDom, &web.Op{ID: "getDomiciliation",
		Summary: "A person's domiciliation (current, history) and a page of the mail log, newest first (mail_next_cursor): for the front desk as for the workers", Tag: "domiciliation",
		Response: "DomiciliationView", Query: []web.Param{
			{Name: "mail_cursor", Type: "string", Description: "mail_next_cursor of the previous page of the mail log"},
			{Name: "mail_limit", Type: "integer", Description: "letters per page, 1–200 (50 by default)"},
		}})
	s.Handle("POST", "/api/v1/persons/{id}/domiciliation", web.API, s.apiDomApply, &web.Op{ID: "applyDomiciliation",
		Summary: "Record an application for domiciliation (409 while one is pending or in force)", Tag: "domiciliation",
		Request: "DomApplication", Response: "Domiciliation", Status: http.StatusCreated})
	s.Handle("POST", "/api/v1/domiciliations/{id}/decision", web.API, s.apiDomDecide, &web.Op{ID: "decideDomiciliation",
		Summary: "Grant a domiciliation for one year, or refuse it with a motive (409 once decided)", Tag: "domiciliation",
		Request: "DomDecision", Response: "Domiciliation"})
	s.Handle("POST", "/api/v1/domiciliations/{id}/end", web.API, s.apiDomEnd, &web.Op{ID: "endDomiciliation",
		Summary: "End a domiciliation before its term, with the reason", Tag: "domiciliation", Request: "DomEnd", Response: "Domiciliation"})
	s.Handle("GET", "/api/v1/domiciliations/{id}/attestation", web.API, s.apiDomAttestation, &web.Op{ID: "domiciliationAttestation",
		Summary: "The attestation of domiciliation, as a PDF (application/pdf)", Tag: "domiciliation"})
	s.Handle("POST", "/api/v1/persons/{id}/domiciliation/mail", web.API, s.apiMail, &web.Op{ID: "recordMail",
		Summary: "Log a letter received for a domiciled person (the front desk; 422 when not domiciled)", Tag: "domiciliation",
		Request: "MailInput", Response: "Mail", Status: http.StatusCreated})
	s.Handle("POST", "/api/v1/domiciliation-mail/{id}", web.API, s.apiMailUpdate, &web.Op{ID: "updateMail",
		Summary: "Record that a letter was handed over or returned (409 once it left)", Tag: "domiciliation", Request: "MailUpdate", Response: "Mail"})
	s.Handle("GET", "/persons/{id}/domiciliation", web.Page, s.pageDom, nil)
	s.Handle("POST", "/persons/{id}/domiciliation", web.Page, s.pageDomApply, nil)
	s.Handle("POST", "/persons/{id}/domiciliation/{dom}/decision", web.Page, s.pageDomDecide, nil)
	s.Handle("POST", "/persons/{id}/mail", web.Page, s.pageMail, nil)
	s.Handle("POST", "/persons/{id}/mail/{mail}", web.Page, s.pageMailUpdate, nil)
}

// mailPage is the page of the mail log a request asks for.
func mailPage(r *http.Request) (rights.MailPage, error) {
	cursor, limit, err := web.PageArgsOf(r, "mail_")
	return rights.MailPage{Cursor: cursor, Limit: limit}, err
}

func (s *server) apiDom(w http.ResponseWriter, r *http.Request) error {
	mail, err := mailPage(r)
	if err != nil {
		return err
	}
	v, err := s.svc.Domiciliation(r.Context(), web.MustActor(r), r.PathValue("id"), mail)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, v)
	return nil
}

func (s *server) apiDomApply(w http.ResponseWriter, r *http.Request) error {
	var in rights.DomApplication
	if err := s.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	d, err := s.svc.ApplyDomiciliation(r.Context(), web.MustActor(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, d)
	return nil
}

func (s *server) apiDomDecide(w http.ResponseWriter, r *http.Request) error {
	var in rights.DomDecision
	if err := s.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	d, err := s.svc.DecideDomiciliation(r.Context(), web.MustActor(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, d)
	return nil
}

func (s *server) apiDomEnd(w http.ResponseWriter, r *http.Request) error {
	var in rights.DomEnd
	if err := s.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	d, err := s.svc.EndDomiciliation(r.Context(), web.MustActor(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, d)
	return nil
}

func (s *server) apiDomAttestation(w http.ResponseWriter, r *http.Request) error {
	a, err := s.svc.DomiciliationAttestation(r.Context(), web.MustActor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	b, err := letters.DomiciliationAttestation(letters.Domiciliation{OrgName: a.Org.Name, OrgSIRET: a.Org.SIRET, PersonName: a.Person.DisplayName(),
		BirthDate: a.Person.BirthDate, ValidFrom: a.Domiciliation.ValidFrom, ValidTo: a.Domiciliation.ValidTo, Reference: a.Domiciliation.ID})
	if err != nil {
		return err
	}
	return sendPDF(w, "attestation-domiciliation-"+a.Domiciliation.ValidFrom+".pdf", b)
}

func (s *server) apiMail(w http.ResponseWriter, r *http.Request) error {
	var in rights.MailInput
	if err := s.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	m, err := s.svc.RecordMail(r.Context(), web.MustActor(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, m)
	return nil
}

func (s *server) apiMailUpdate(w http.ResponseWriter, r *http.Request) error {
	var in rights.MailUpdate
	if err := s.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	m, err := s.svc.UpdateMail(r.Context(), web.MustActor(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, m)
	return nil
}

type domPage struct {
	*rights.DomView
	Saved bool
	Kinds []string
	// MailNext links to the older letters; MailOlder: this page shows
	// older letters, not the newest.
	MailNext  string
	MailOlder bool
}

func (s *server) showDom(w http.ResponseWriter, r *http.Request, status int, p *web.PageData) error {
	mail, err := mailPage(r)
	if err != nil {
		return err
	}
	v, err := s.svc.Domiciliation(r.Context(), web.MustActor(r), r.PathValue("id"), mail)
	if err != nil {
		return err
	}
	p.Title = "dom.title"
	d := &domPage{DomView: v, Saved: r.URL.Query().Get("saved") == "1", Kinds: parcours.MailKinds, MailOlder: mail.Cursor != ""}
	if v.MailNextCursor != "" {
		d.MailNext = "/persons/" + v.PersonID + "/domiciliation?mail_cursor=" + url.QueryEscape(v.MailNextCursor) + "#mail"
	}
	p.Data = d
	return s.Render(w, r, status, "domiciliation.html", p)
}

func (s *server) pageDom(w http.ResponseWriter, r *http.Request) error {
	return s.showDom(w, r, http.StatusOK, &web.PageData{})
}

func (s *server) afterDomPost(w http.ResponseWriter, r *http.Request, err error, prefix string) error {
	if err == nil {
		http.Redirect(w, r, "/persons/"+r.PathValue("id")+"/domiciliation?saved=1", http.StatusSeeOther)
		return nil
	}
	e := parcours.AsError(err)
	if e == nil || (e.Code != parcours.EInvalid && e.Code != parcours.EConflict) {
		return err
	}
	p := &web.PageData{Form: web.TypedForm(r)}
	p.AddErrors(web.Lang(r), e, prefix, "form")
	return s.showDom(w, r, web.StatusOf(e.Code), p)
}

func (s *server) pageDomApply(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(r); err != nil {
		return err
	}
	_, err := s.svc.ApplyDomiciliation(r.Context(), web.MustActor(r), r.PathValue("id"), rights.DomApplication{AppliedOn: r.PostForm.Get("applied_on")})
	return s.afterDomPost(w, r, err, "app-")
}

func (s *server) pageDomDecide(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(r); err != nil {
		return err
	}
	f := r.PostForm
	_, err := s.svc.DecideDomiciliation(r.Context(), web.MustActor(r), r.PathValue("dom"), rights.DomDecision{Decision: f.Get("decision"),
		Motive: f.Get("motive"), ValidFrom: f.Get("valid_from")})
	return s.afterDomPost(w, r, err, "dec-")
}

func (s *server) pageMail(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(r); err != nil {
		return err
	}
	f := r.PostForm
	_, err := s.svc.RecordMail(r.Context(), web.MustActor(r), r.PathValue("id"), rights.MailInput{ReceivedOn: f.Get("mail-received_on"),
		Sender: f.Get("mail-sender"), Kind: f.Get("mail-kind")})
	return s.afterDomPost(w, r, err, "mail-")
}

func (s *server) pageMailUpdate(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(r); err != nil {
		return err
	}
	_, err := s.svc.UpdateMail(r.Context(), web.MustActor(r), r.PathValue("mail"), rights.MailUpdate{Status: r.PostForm.Get("status")})
	return s.afterDomPost(w, r, err, "mailupd-")
}
