// Package datarightsweb serves the person's requests about their data
// (RGPD art. 15 to 21) over HTTP: recorded on the file, listed by due date
// for managers and the data-protection officer, extended once, answered.
// Pages and JSON API side by side; it calls the shell's exported API
// directly.
package datarightsweb

import (
	"net/http"

	"parcours/internal/datarights"
	"parcours/internal/export"
	"parcours/internal/parcours"
	"parcours/internal/web"
)

// Register adds the routes of this area to the shell (see web/routes).
func Register(s *web.Server) {
	a := &area{Server: s, svc: s.Services().DataRights, exp: s.Services().Export}
	s.Schema("DataRequest", web.Object([]string{"id", "organization_id", "person_id", "kind", "channel", "received_on", "due_on", "created_at"}, web.Schema{
		"id": web.Str(), "organization_id": web.Str(), "person_id": web.Str(), "person_name": web.Str(),
		"kind": web.Enum(parcours.DataRequestKinds...), "channel": web.Enum(parcours.DataRequestChannels...),
		"received_on": web.StrFmt("date"), "details": web.Str(), "due_on": web.StrFmt("date"), "extended_reason": web.Str(),
		"outcome": web.Enum(parcours.DataRequestOutcomes...), "answer": web.Str(), "answered_on": web.StrFmt("date"),
		"answered_by": web.Str(), "created_by": web.Str(), "created_at": web.StrFmt("date-time"),
	}))
	s.Schema("DataRequestInput", web.Object([]string{"kind", "channel", "received_on"}, web.Schema{
		"kind": web.Enum(parcours.DataRequestKinds...), "channel": web.Enum(parcours.DataRequestChannels...),
		"received_on": web.StrFmt("date"), "details": web.Str(),
	}))
	s.Schema("DataRequestExtension", web.Object([]string{"reason"}, web.Schema{"reason": web.Str()}))
	s.Schema("DataRequestAnswer", web.Object([]string{"outcome", "answer"}, web.Schema{
		"outcome": web.Enum(parcours.DataRequestOutcomes...), "answer": web.Str(),
	}))

	s.Schema("FileExport", web.Object([]string{"format", "version", "exported_at", "organization", "person", "accompaniments",
		"journal", "tasks", "documents", "data_requests", "access_log", "left_out"}, web.Schema{
		"format": web.Enum("parcours-file-export"), "version": web.Integer(), "exported_at": web.StrFmt("date-time"),
		"organization": web.Object([]string{"id", "name"}, web.Schema{"id": web.Str(), "name": web.Str()}),
		"person":       web.Ref("Person"),
		"household": web.Object([]string{"name", "members"}, web.Schema{"name": web.Str(),
			"members": web.ArrayOf(web.Object([]string{"relationship", "self"}, web.Schema{
				"first_names": web.Str(), "relationship": web.Str(), "self": web.Boolean()})),
			"situation": web.Ref("Situation")}),
		"consent": web.Ref("Consent"), "accompaniments": web.ArrayOf(web.Ref("Accompaniment")),
		"journal": web.ArrayOf(web.Ref("JournalEntry")), "tasks": web.ArrayOf(web.Ref("Task")),
		"documents": web.ArrayOf(web.Object([]string{"id", "title", "content_type", "size", "sha256", "download_url"}, web.Schema{
			"id": web.Str(), "title": web.Str(), "content_type": web.Str(), "size": web.Integer(), "sha256": web.Str(),
			"download_url": web.Str()})),
		"data_requests": web.ArrayOf(web.Ref("DataRequest")),
		"access_log": web.ArrayOf(web.Object([]string{"at", "organization", "role", "action", "break_glass", "count"}, web.Schema{
			"at": web.StrFmt("date-time"), "organization": web.Str(), "role": web.Str(), "worker": web.Str(), "action": web.Str(),
			"break_glass": web.Boolean(), "reason": web.Str(), "count": web.Integer(), "since": web.StrFmt("date-time")})),
		"left_out": web.ArrayOf(web.Object([]string{"part", "count", "reason"}, web.Schema{
			"part": web.Str(), "count": web.Integer(), "reason": web.Str()})),
		"portal_reply_notice": web.Object([]string{"email"}, web.Schema{"email": web.StrFmt("email"), "consent_at": web.StrFmt("date-time")}),
	}))
	s.Handle("GET", "/api/v1/persons/{id}/export", web.API, a.export,
		&web.Op{ID: "exportFile", Summary: "The person's whole file as one JSON document, to give them (GDPR art. 15 and 20); audited",
			Tag: "data-rights", Response: "FileExport"})
	s.Handle("GET", "/persons/{id}/export.json", web.Page, a.export, nil)
	s.Handle("POST", "/api/v1/persons/{id}/data-requests", web.API, a.apiRecord,
		&web.Op{ID: "recordDataRequest", Summary: "Record a request of the person about their data (due one month after receipt)", Tag: "data-rights",
			Request: "DataRequestInput", Response: "DataRequest", Status: http.StatusCreated})
	s.Handle("GET", "/api/v1/persons/{id}/data-requests", web.API, a.apiForPerson,
		&web.Op{ID: "listPersonDataRequests", Summary: "The person's requests about their data", Tag: "data-rights", Response: "DataRequest", List: true})
	s.Handle("GET", "/api/v1/data-requests", web.API, a.apiToHandle,
		&web.Op{ID: "listDataRequests", Summary: "The organisation's requests, soonest due first (managers, DPO)", Tag: "data-rights",
			Response: "DataRequest", List: true, Query: []web.Param{{Name: "status", Type: "string", Description: "open (default) or all"}}})
	s.Handle("POST", "/api/v1/data-requests/{id}/extend", web.API, a.apiExtend,
		&web.Op{ID: "extendDataRequest", Summary: "Extend the delay by two months, once, with the reason (managers, DPO)", Tag: "data-rights",
			Request: "DataRequestExtension", Response: "DataRequest"})
	s.Handle("POST", "/api/v1/data-requests/{id}/answer", web.API, a.apiAnswer,
		&web.Op{ID: "answerDataRequest", Summary: "Record the answer given to the person (managers, DPO)", Tag: "data-rights",
			Request: "DataRequestAnswer", Response: "DataRequest"})

	s.Handle("GET", "/persons/{id}/data-requests", web.Page, a.pagePerson, nil)
	s.Handle("POST", "/persons/{id}/data-requests", web.Page, a.pageRecord, nil)
	s.Handle("GET", "/data-requests", web.Page, a.pageToHandle, nil)
	s.Handle("POST", "/data-requests/{id}/extend", web.Page, a.pageExtend, nil)
	s.Handle("POST", "/data-requests/{id}/answer", web.Page, a.pageAnswer, nil)
}

type area struct {
	*web.Server
	svc *datarights.Service
	exp *export.Service
}

// export sends the person's file as a JSON download (the page route,
// with the browser's session, and the API).
func (a *area) export(w http.ResponseWriter, r *http.Request) error {
	x, err := a.exp.Export(r.Context(), web.MustActor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Disposition", `attachment; filename="dossier-`+x.Person.ID+`.json"`)
	w.Header().Set("Cache-Control", "no-store")
	web.WriteJSON(w, http.StatusOK, x)
	return nil
}

type input struct {
	Kind       string `json:"kind"`
	Channel    string `json:"channel"`
	ReceivedOn string `json:"received_on"`
	Details    string `json:"details"`
}

func (a *area) apiRecord(w http.ResponseWriter, r *http.Request) error {
	var in input
	if err := a.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	req, err := a.svc.Record(r.Context(), web.MustActor(r), r.PathValue("id"), datarights.Input(in))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, req)
	return nil
}

func (a *area) apiForPerson(w http.ResponseWriter, r *http.Request) error {
	list, err := a.svc.ForPerson(r.Context(), web.MustActor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, parcours.Page[*parcours.DataRequest]{Items: list})
	return nil
}

func (a *area) apiToHandle(w http.ResponseWriter, r *http.Request) error {
	status := r.URL.Query().Get("status")
	if status != "" && status != "open" && status != "all" {
		return parcours.FieldError(parcours.EInvalid, "status", "error.invalid_choice", "field.status", status)
	}
	list, err := a.svc.ToHandle(r.Context(), web.MustActor(r), status != "all")
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, parcours.Page[*parcours.DataRequest]{Items: list})
	return nil
}

func (a *area) apiExtend(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Reason string `json:"reason"`
	}
	if err := a.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	req, err := a.svc.Extend(r.Context(), web.MustActor(r), r.PathValue("id"), in.Reason)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, req)
	return nil
}

func (a *area) apiAnswer(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Outcome string `json:"outcome"`
		Answer  string `json:"answer"`
	}
	if err := a.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	req, err := a.svc.Answer(r.Context(), web.MustActor(r), r.PathValue("id"), datarights.AnswerInput{Outcome: in.Outcome, Answer: in.Answer})
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, req)
	return nil
}

// personPage is a file's requests and the form to record one.
type personPage struct {
	PersonID string
	Items    []*parcours.DataRequest
	Kinds    []string
	Channels []string
	Today    string
	Global   string
}

func (a *area) pagePerson(w http.ResponseWriter, r *http.Request) error {
	return a.renderPerson(w, r, http.StatusOK, &web.PageData{Form: map[string]string{}}, "")
}

func (a *area) renderPerson(w http.ResponseWriter, r *http.Request, status int, pd *web.PageData, global string) error {
	id := r.PathValue("id")
	list, err := a.svc.ForPerson(r.Context(), web.MustActor(r), id)
	if err != nil {
		return err
	}
	pd.Title = "page.data_requests.person"
	if pd.Flash == "" && r.URL.Query().Get("done") != "" {
		pd.Flash = "data_request.recorded"
	}
	pd.Data = &personPage{PersonID: id, Items: list, Kinds: parcours.DataRequestKinds, Channels: parcours.DataRequestChannels,
		Today: web.Today(), Global: global}
	return a.Render(w, r, status, "data_requests_person.html", pd)
}

func (a *area) pageRecord(w http.ResponseWriter, r *http.Request) error {
	in := datarights.Input{Kind: r.PostFormValue("kind"), Channel: r.PostFormValue("channel"),
		ReceivedOn: r.PostFormValue("received_on"), Details: r.PostFormValue("details")}
	_, err := a.svc.Record(r.Context(), web.MustActor(r), r.PathValue("id"), in)
	if err == nil {
		http.Redirect(w, r, "/persons/"+r.PathValue("id")+"/data-requests?done=1", http.StatusSeeOther)
		return nil
	}
	pd := &web.PageData{Form: map[string]string{"kind": in.Kind, "channel": in.Channel, "received_on": in.ReceivedOn, "details": in.Details}}
	global, ok := web.FormErrors(web.Lang(r), err, pd)
	if !ok {
		return err
	}
	return a.renderPerson(w, r, web.StatusOf(parcours.ErrorCode(err)), pd, global)
}

// handlePage is the organisation's requests, soonest due first.
type handlePage struct {
	Items    []*parcours.DataRequest
	Outcomes []string
	Today    string
	All      bool
	Global   string
}

func (a *area) pageToHandle(w http.ResponseWriter, r *http.Request) error {
	return a.renderToHandle(w, r, http.StatusOK, &web.PageData{}, "")
}

func (a *area) renderToHandle(w http.ResponseWriter, r *http.Request, status int, pd *web.PageData, global string) error {
	all := r.URL.Query().Get("status") == "all"
	list, err := a.svc.ToHandle(r.Context(), web.MustActor(r), !all)
	if err != nil {
		return err
	}
	pd.Title = "page.data_requests.title"
	if pd.Flash == "" && r.URL.Query().Get("done") != "" {
		pd.Flash = "data_request.saved"
	}
	pd.Data = &handlePage{Items: list, Outcomes: parcours.DataRequestOutcomes, Today: web.Today(), All: all, Global: global}
	return a.Render(w, r, status, "data_requests.html", pd)
}

func (a *area) pageExtend(w http.ResponseWriter, r *http.Request) error {
	_, err := a.svc.Extend(r.Context(), web.MustActor(r), r.PathValue("id"), r.PostFormValue("reason"))
	return a.afterChange(w, r, err)
}

func (a *area) pageAnswer(w http.ResponseWriter, r *http.Request) error {
	_, err := a.svc.Answer(r.Context(), web.MustActor(r), r.PathValue("id"),
		datarights.AnswerInput{Outcome: r.PostFormValue("outcome"), Answer: r.PostFormValue("answer")})
	return a.afterChange(w, r, err)
}

func (a *area) afterChange(w http.ResponseWriter, r *http.Request, err error) error {
	if err == nil {
		http.Redirect(w, r, "/data-requests?done=1", http.StatusSeeOther)
		return nil
	}
	pd := &web.PageData{}
	global, ok := web.FormErrors(web.Lang(r), err, pd)
	if !ok {
		return err
	}
	if global == "" && len(pd.ErrorList) > 0 {
		global = pd.ErrorList[0].Message
	}
	return a.renderToHandle(w, r, web.StatusOf(parcours.ErrorCode(err)), pd, global)
}
