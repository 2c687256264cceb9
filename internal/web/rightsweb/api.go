// Package rightsweb serves access to rights over HTTP (issue 12): the
// catalogue of rights and aids, the procedures of a file with the help
// given, the digital autonomy checks, the mandates and « mes démarches à
// relancer », as pages (the file's « Droits et démarches » tab) and as a
// JSON API side by side. Handlers parse, call one service method and
// render; they never decide who may do what and never touch the database.
package rightsweb

import (
	"mime"
	"net/http"

	"parcours/internal/parcours"
	"parcours/internal/rights"
	"parcours/internal/web"
)

// Register adds the routes of access to rights to the shell.
func Register(shell *web.Server) {
	s := &server{Server: shell, svc: shell.Services().Rights}
	s.schemas()
	s.apiRoutes()
	s.pageRoutes()
	s.aidAPIRoutes()
	s.aidPageRoutes()
	s.domRoutes()
}

type server struct {
	*web.Server
	svc *rights.Service
}

func (s *server) schemas() {
	str, date, i := web.Str(), web.StrFmt("date"), web.Integer()
	cents := web.Schema{"type": "integer", "minimum": 0, "maximum": parcours.MaxAmountCents, "description": "amount in euro cents"}
	s.Schema("Right", web.Object([]string{"code", "name", "kind", "body", "description", "documents"}, web.Schema{
		"code": str, "name": str, "kind": web.Enum(parcours.RightNational, parcours.RightLocalAid), "body": str, "description": str,
		"documents": web.ArrayOf(str), "url": str, "active_from": date, "active_to": date, "source": str,
		"ceiling_cents": cents, "period_months": i,
	}))
	s.Schema("RightsCatalogue", web.Object([]string{"version", "items", "next_cursor"}, web.Schema{"version": str, "items": web.ArrayOf(web.Ref("Right")),
		"next_cursor": str}))
	s.Schema("AidInput", web.Object([]string{"name", "body"}, web.Schema{
		"name": str, "body": str, "description": str, "documents": web.ArrayOf(str), "url": str,
		"active_from": date, "active_to": date, "ceiling_cents": cents, "period_months": i,
	}))
	status, help := web.Enum(parcours.ProcedureStatuses...), web.Enum(parcours.HelpLevels...)
	obstacles := web.ArrayOf(web.Enum(parcours.DigitalObstacles...))
	s.Schema("Procedure", web.Object([]string{"id", "organization_id", "person_id", "right_code", "right_name", "status", "help_level",
		"obstacles", "assignee_id", "created_by", "created_at", "updated_at"}, web.Schema{
		"id": str, "organization_id": str, "person_id": str, "right_code": str, "right_name": str, "status": status,
		"help_level": help, "obstacles": obstacles, "filed_on": date, "decided_on": date, "amount_cents": cents,
		"next_step": str, "due_date": date, "task_id": str, "mandate_id": str, "note": str, "assignee_id": str,
		"created_by": str, "created_at": web.StrFmt("date-time"), "updated_at": web.StrFmt("date-time"), "person_name": str,
	}))
	s.Schema("ProcedureInput", web.Object([]string{"right_code", "help_level"}, web.Schema{
		"right_code": str, "status": status, "help_level": help, "obstacles": obstacles, "filed_on": date, "decided_on": date,
		"amount_cents": cents, "next_step": str, "due_date": date, "note": str,
	}))
	s.Schema("ProcedureUpdate", web.Object(nil, web.Schema{
		"status": status, "help_level": help, "obstacles": obstacles, "filed_on": date, "decided_on": date,
		"amount_cents": cents, "next_step": str, "due_date": date, "note": str,
	}))
	s.Schema("AutonomyCheck", web.Object([]string{"id", "person_id", "checked_on", "equipment", "connection", "email", "franceconnect",
		"alone", "language", "score", "created_by", "created_at"}, web.Schema{
		"id": str, "person_id": str, "checked_on": date,
		"equipment": web.Enum(parcours.AutonomyEquipment...), "connection": web.Enum(parcours.AutonomyConnection...),
		"email": web.Enum(parcours.AutonomyEmail...), "franceconnect": web.Enum(parcours.AutonomyFC...),
		"alone": web.Enum(parcours.AutonomyAlone...), "language": web.Enum(parcours.AutonomyLanguage...),
		"score": web.Schema{"type": "integer", "minimum": 0, "maximum": 10}, "created_by": str, "created_at": web.StrFmt("date-time"),
	}))
	s.Schema("AutonomyInput", web.Object([]string{"equipment", "connection", "email", "franceconnect", "alone", "language"}, web.Schema{
		"checked_on": date,
		"equipment":  web.Enum(parcours.AutonomyEquipment...), "connection": web.Enum(parcours.AutonomyConnection...),
		"email": web.Enum(parcours.AutonomyEmail...), "franceconnect": web.Enum(parcours.AutonomyFC...),
		"alone": web.Enum(parcours.AutonomyAlone...), "language": web.Enum(parcours.AutonomyLanguage...),
	}))
	s.Schema("Mandate", web.Object([]string{"id", "organization_id", "person_id", "worker_id", "procedures", "start_date", "end_date",
		"created_by", "created_at", "status", "scans"}, web.Schema{
		"id": str, "organization_id": str, "person_id": str, "worker_id": str, "procedures": web.ArrayOf(str),
		"start_date": date, "end_date": date, "document_id": str, "revoked_on": date, "revoked_by": str, "revocation_note": str,
		"created_by": str, "created_at": web.StrFmt("date-time"),
		"status": web.Enum(parcours.MandateActive, parcours.MandateFuture, parcours.MandateExpired, parcours.MandateRevoked),
		"scans": web.ArrayOf(web.Object([]string{"document_id", "attached_by", "attached_at"}, web.Schema{
			"document_id": str, "attached_by": str, "attached_at": web.StrFmt("date-time")})),
	}))
	s.Schema("MandateInput", web.Object([]string{"procedures", "end_date"}, web.Schema{
		"worker_id": str, "procedures": web.ArrayOf(str), "start_date": date, "end_date": date, "document_id": str,
	}))
	s.Schema("MandateScanInput", web.Object([]string{"document_id"}, web.Schema{"document_id": str}))
	s.Schema("RevokeInput", web.Object(nil, web.Schema{"revoked_on": date, "note": str}))
	s.Schema("ProcedureFollowUp", web.Object([]string{"today", "procedures", "mandates_ending", "domiciliations_ending", "person_names"}, web.Schema{
		"today": date, "procedures": web.ArrayOf(web.Ref("Procedure")), "mandates_ending": web.ArrayOf(web.Ref("Mandate")),
		"domiciliations_ending": web.ArrayOf(web.Ref("Domiciliation")),
		"person_names":          web.Schema{"type": "object", "additionalProperties": str},
	}))
}

func (s *server) apiRoutes() {
	s.Handle("GET", "/api/v1/rights", web.API, s.apiCatalogue, &web.Op{ID: "rightsCatalogue",
		Summary: "The organisation's catalogue of rights and aids: the national list (versioned) and its own aids, paginated (next_cursor)", Tag: "rights",
		Response: "RightsCatalogue", Query: web.PageParams})
	s.Handle("PUT", "/api/v1/aids/{code}", web.API, s.apiPutAid, &web.Op{ID: "putAid",
		Summary: "Create or replace an aid of the organisation (administrators)", Tag: "rights", Request: "AidInput", Response: "Right"})
	s.Handle("GET", "/api/v1/persons/{id}/procedures", web.API, s.apiProcedures, &web.Op{ID: "listProcedures",
		Summary: "A person's procedures (démarches), newest first", Tag: "rights", Response: "Procedure", List: true, Query: web.PageParams})
	s.Handle("POST", "/api/v1/persons/{id}/procedures", web.API, s.apiCreateProcedure, &web.Op{ID: "createProcedure",
		Summary: "Record a procedure with the help given; « for_person » needs a mandate covering it (422 with the reason)", Tag: "rights",
		Request: "ProcedureInput", Response: "Procedure", Status: http.StatusCreated})
	s.Handle("PATCH", "/api/v1/procedures/{id}", web.API, s.apiUpdateProcedure, &web.Op{ID: "updateProcedure",
		Summary: "Move a procedure on (409 once it ended)", Tag: "rights", Request: "ProcedureUpdate", Response: "Procedure"})
	s.Handle("GET", "/api/v1/procedures/follow-up", web.API, s.apiFollowUp, &web.Op{ID: "procedureFollowUp",
		Summary: "« Mes démarches à relancer »: the caller's open procedures due within a week, and mandates ending within 30 days", Tag: "rights",
		Response: "ProcedureFollowUp"})
	s.Handle("GET", "/api/v1/persons/{id}/autonomy-checks", web.API, s.apiAutonomyChecks, &web.Op{ID: "listAutonomyChecks",
		Summary: "A person's digital autonomy checks, oldest first", Tag: "rights", Response: "AutonomyCheck", List: true, Query: web.PageParams})
	s.Handle("POST", "/api/v1/persons/{id}/autonomy-checks", web.API, s.apiAddAutonomyCheck, &web.Op{ID: "addAutonomyCheck",
		Summary: "Record a dated digital autonomy check", Tag: "rights", Request: "AutonomyInput", Response: "AutonomyCheck", Status: http.StatusCreated})
	s.Handle("GET", "/api/v1/persons/{id}/mandates", web.API, s.apiMandates, &web.Op{ID: "listMandates",
		Summary: "A person's mandates, newest first, with their status", Tag: "rights", Response: "Mandate", List: true, Query: web.PageParams})
	s.Handle("POST", "/api/v1/persons/{id}/mandates", web.API, s.apiCreateMandate, &web.Op{ID: "createMandate",
		Summary: "Record a mandate (at most one year, not starting in the past: 422)", Tag: "rights", Request: "MandateInput", Response: "Mandate",
		Status: http.StatusCreated})
	s.Handle("POST", "/api/v1/mandates/{id}/revoke", web.API, s.apiRevokeMandate, &web.Op{ID: "revokeMandate",
		Summary: "Record the person's revocation of a mandate (409 when already revoked)", Tag: "rights", Request: "RevokeInput", Response: "Mandate"})
	s.Handle("POST", "/api/v1/mandates/{id}/scan", web.API, s.apiMandateScan, &web.Op{ID: "attachMandateScan",
		Summary: "Attach the signed mandate's scan, after the mandate was recorded (revoked or expired too: the proof of what was signed): " +
			"multipart with the PDF, JPEG or PNG as « file », or JSON naming a document already on the file; it goes among the file's documents. " +
			"A new scan replaces the current one, the previous stays listed in « scans » and among the documents (409 when already one of its scans)",
		Tag: "rights", Upload: true, Request: "MandateScanInput", Response: "Mandate"})
	s.Handle("GET", "/api/v1/mandates/{id}/pdf", web.API, s.apiMandatePDF, &web.Op{ID: "printMandate",
		Summary: "The mandate to sign, as a PDF (application/pdf)", Tag: "rights"})
}

func (s *server) apiCatalogue(w http.ResponseWriter, r *http.Request) error {
	cursor, limit, err := web.PageArgs(r)
	if err != nil {
		return err
	}
	c, err := s.svc.CataloguePage(r.Context(), web.MustActor(r), cursor, limit)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, c)
	return nil
}

func (s *server) apiPutAid(w http.ResponseWriter, r *http.Request) error {
	var in rights.AidInput
	if err := s.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	a, err := s.svc.PutAid(r.Context(), web.MustActor(r), r.PathValue("code"), in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, a)
	return nil
}

func (s *server) apiProcedures(w http.ResponseWriter, r *http.Request) error {
	cursor, limit, err := web.PageArgs(r)
	if err != nil {
		return err
	}
	page, err := s.svc.Procedures(r.Context(), web.MustActor(r), r.PathValue("id"), cursor, limit)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, page)
	return nil
}

func (s *server) apiCreateProcedure(w http.ResponseWriter, r *http.Request) error {
	var in rights.ProcedureInput
	if err := s.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	p, err := s.svc.CreateProcedure(r.Context(), web.MustActor(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, p)
	return nil
}

func (s *server) apiUpdateProcedure(w http.ResponseWriter, r *http.Request) error {
	var in rights.ProcedureUpdate
	if err := s.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	p, err := s.svc.UpdateProcedure(r.Context(), web.MustActor(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, p)
	return nil
}

func (s *server) apiFollowUp(w http.ResponseWriter, r *http.Request) error {
	f, err := s.svc.MyFollowUp(r.Context(), web.MustActor(r))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, f)
	return nil
}

func (s *server) apiAutonomyChecks(w http.ResponseWriter, r *http.Request) error {
	cursor, limit, err := web.PageArgs(r)
	if err != nil {
		return err
	}
	page, err := s.svc.AutonomyChecks(r.Context(), web.MustActor(r), r.PathValue("id"), cursor, limit)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, page)
	return nil
}

func (s *server) apiAddAutonomyCheck(w http.ResponseWriter, r *http.Request) error {
	var in rights.AutonomyInput
	if err := s.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	c, err := s.svc.AddAutonomyCheck(r.Context(), web.MustActor(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, c)
	return nil
}

func (s *server) apiMandates(w http.ResponseWriter, r *http.Request) error {
	cursor, limit, err := web.PageArgs(r)
	if err != nil {
		return err
	}
	page, err := s.svc.Mandates(r.Context(), web.MustActor(r), r.PathValue("id"), cursor, limit)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, page)
	return nil
}

func (s *server) apiCreateMandate(w http.ResponseWriter, r *http.Request) error {
	var in rights.MandateInput
	if err := s.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	m, err := s.svc.CreateMandate(r.Context(), web.MustActor(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, m)
	return nil
}

func (s *server) apiRevokeMandate(w http.ResponseWriter, r *http.Request) error {
	var in rights.RevokeInput
	if err := s.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	m, err := s.svc.RevokeMandate(r.Context(), web.MustActor(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, m)
	return nil
}

func (s *server) apiMandateScan(w http.ResponseWriter, r *http.Request) error {
	var in rights.ScanInput
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct == "application/json" {
		if err := s.DecodeJSON(w, r, &in); err != nil {
			return err
		}
	} else {
		name, content, err := s.UploadForm(w, r, "file")
		if err != nil {
			return err
		}
		if content != nil {
			defer content.Close()
			in.Name, in.Content = name, content
		}
		in.DocumentID = r.PostForm.Get("document_id")
	}
	m, err := s.svc.AttachMandateScan(r.Context(), web.MustActor(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, m)
	return nil
}
