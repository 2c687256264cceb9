// Package retentionweb is retention over HTTP (issue 15): the managers'
// and DPO's page and API for the organisation's retention rules, the
// plans the daily dry run prepares, and the review of each batch
// (approve or postpone, with a reason). Applying approved batches is the
// operator's command ("parcours retention apply"), never a request.
package retentionweb

import (
	"net/http"
	"strconv"
	"time"

	"parcours/internal/parcours"
	"parcours/internal/retention"
	"parcours/internal/web"
)

// Register adds the routes of retention to the shell.
func Register(shell *web.Server) {
	s := &server{Server: shell, svc: shell.Services().Retention}
	s.routes()
}

type server struct {
	*web.Server
	svc *retention.Service
}

func (s *server) routes() {
	months := web.Schema{"type": "integer", "minimum": 0, "maximum": 600}
	s.Schema("RetentionSettings", web.Object([]string{"active_months", "archive_months"}, web.Schema{
		"active_months":  web.Schema{"type": "integer", "minimum": 1, "maximum": 600, "description": "months a file without open accompaniment stays active after its last contact (24 by default)"},
		"archive_months": web.Schema{"type": "object", "additionalProperties": months, "description": "intermediate archive per data kind, in months after the active period"},
	}))
	s.Schema("RetentionBatch", web.Object([]string{"id", "plan_id", "action", "status", "files"}, web.Schema{
		"id": web.Str(), "plan_id": web.Str(), "action": web.Enum(retention.ActionArchive, retention.ActionAnonymise),
		"status": web.Enum("pending", "approved", "postponed", "applied"), "files": web.Integer(),
		"reason": web.Str(), "decided_by": web.Str(), "decided_at": web.StrFmt("date-time"),
		"applied": web.Integer(), "applied_at": web.StrFmt("date-time"),
		"items": web.ArrayOf(web.Object([]string{"person_id", "last_contact"}, web.Schema{
			"person_id": web.Str(), "name": web.Str(), "birth_year": web.Str(), "last_contact": web.StrFmt("date"),
		})),
	}))
	s.Schema("RetentionPlan", web.Object([]string{"id", "day", "status", "created_at", "batches"}, web.Schema{
		"id": web.Str(), "day": web.StrFmt("date"), "status": web.Enum("open", "superseded", "done"),
		"created_at": web.StrFmt("date-time"), "batches": web.ArrayOf(web.Ref("RetentionBatch")),
	}))
	s.Schema("RetentionPlans", web.Object([]string{"items"}, web.Schema{"items": web.ArrayOf(web.Ref("RetentionPlan"))}))
	s.Schema("RetentionDecision", web.Object([]string{"decision", "reason"}, web.Schema{
		"decision": web.Enum(retention.Approve, retention.Postpone), "reason": web.Schema{"type": "string", "minLength": 3, "maxLength": 500},
	}))

	s.Handle("GET", "/api/v1/retention/settings", web.API, s.apiSettings, &web.Op{ID: "retentionSettings",
		Summary: "The organisation's retention rules (managers and DPO)", Tag: "retention", Response: "RetentionSettings"})
	s.Handle("PUT", "/api/v1/retention/settings", web.API, s.apiSaveSettings, &web.Op{ID: "retentionSettingsSave",
		Summary: "Replace the organisation's retention rules (managers and DPO)", Tag: "retention", Request: "RetentionSettings", Response: "RetentionSettings"})
	s.Handle("GET", "/api/v1/retention/plans", web.API, s.apiPlans, &web.Op{ID: "retentionPlans",
		Summary: "The latest retention plans with their batches (managers and DPO)", Tag: "retention", Response: "RetentionPlans"})
	s.Handle("POST", "/api/v1/retention/plans", web.API, s.apiPrepare, &web.Op{ID: "retentionPlanPrepare",
		Summary: "Prepare a retention plan now (dry run: nothing is archived or deleted)", Tag: "retention", Response: "RetentionPlan", Status: http.StatusCreated})
	s.Handle("GET", "/api/v1/retention/batches/{id}", web.API, s.apiBatch, &web.Op{ID: "retentionBatch",
		Summary: "A batch of a plan with the files it names (the read is audited)", Tag: "retention", Response: "RetentionBatch"})
	s.Handle("POST", "/api/v1/retention/batches/{id}/decision", web.API, s.apiDecide, &web.Op{ID: "retentionBatchDecide",
		Summary: "Approve or postpone a batch, with a reason", Tag: "retention", Request: "RetentionDecision", Response: "RetentionBatch"})

	s.Handle("GET", "/retention", web.Page, s.page, nil)
	s.Handle("POST", "/retention/settings", web.Page, s.pageSaveSettings, nil)
	s.Handle("POST", "/retention/plans", web.Page, s.pagePrepare, nil)
	s.Handle("GET", "/retention/batches/{id}", web.Page, s.pageBatch, nil)
	s.Handle("POST", "/retention/batches/{id}/decision", web.Page, s.pageDecide, nil)
}

type batchJSON struct {
	ID        string     `json:"id"`
	PlanID    string     `json:"plan_id"`
	Action    string     `json:"action"`
	Status    string     `json:"status"`
	Files     int        `json:"files"`
	Reason    string     `json:"reason,omitempty"`
	DecidedBy string     `json:"decided_by,omitempty"`
	DecidedAt *time.Time `json:"decided_at,omitempty"`
	Applied   int        `json:"applied"`
	AppliedAt *time.Time `json:"applied_at,omitempty"`
	Items     []itemJSON `json:"items,omitempty"`
}

type itemJSON struct {
	PersonID    string `json:"person_id"`
	Name        string `json:"name,omitempty"`
	BirthYear   string `json:"birth_year,omitempty"`
	LastContact string `json:"last_contact"`
}

type planJSON struct {
	ID        string      `json:"id"`
	Day       string      `json:"day"`
	Status    string      `json:"status"`
	CreatedAt time.Time   `json:"created_at"`
	Batches   []batchJSON `json:"batches"`
}

func instant(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func toBatch(b *retention.Batch) batchJSON {
	return batchJSON{ID: b.ID, PlanID: b.PlanID, Action: b.Action, Status: b.Status, Files: b.Files, Reason: b.Reason,
		DecidedBy: b.DecidedBy, DecidedAt: instant(b.DecidedAt), Applied: b.Applied, AppliedAt: instant(b.AppliedAt)}
}

func toPlan(p *retention.Plan) planJSON {
	out := planJSON{ID: p.ID, Day: p.Day, Status: p.Status, CreatedAt: p.CreatedAt, Batches: []batchJSON{}}
	for _, b := range p.Batches {
		out.Batches = append(out.Batches, toBatch(b))
	}
	return out
}

func (s *server) apiSettings(w http.ResponseWriter, r *http.Request) error {
	st, err := s.svc.Settings(r.Context(), web.MustActor(r))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, st)
	return nil
}

func (s *server) apiSaveSettings(w http.ResponseWriter, r *http.Request) error {
	var in retention.Settings
	if err := s.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	st, err := s.svc.SaveSettings(r.Context(), web.MustActor(r), in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, st)
	return nil
}

func (s *server) apiPlans(w http.ResponseWriter, r *http.Request) error {
	plans, err := s.svc.Plans(r.Context(), web.MustActor(r), 10)
	if err != nil {
		return err
	}
	out := struct {
		Items []planJSON `json:"items"`
	}{Items: []planJSON{}}
	for _, p := range plans {
		out.Items = append(out.Items, toPlan(p))
	}
	web.WriteJSON(w, http.StatusOK, out)
	return nil
}

func (s *server) apiPrepare(w http.ResponseWriter, r *http.Request) error {
	p, err := s.svc.PlanOrg(r.Context(), web.MustActor(r), "")
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, toPlan(p))
	return nil
}

func batchView(v *retention.BatchView) batchJSON {
	out := toBatch(v.RetentionBatch)
	out.Items = []itemJSON{}
	for _, f := range v.Files {
		out.Items = append(out.Items, itemJSON{PersonID: f.PersonID, Name: f.Name, BirthYear: f.BirthYear, LastContact: f.LastContact})
	}
	return out
}

func (s *server) apiBatch(w http.ResponseWriter, r *http.Request) error {
	v, err := s.svc.Batch(r.Context(), web.MustActor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, batchView(v))
	return nil
}

type decision struct {
	Decision string `json:"decision"`
	Reason   string `json:"reason"`
}

func (s *server) apiDecide(w http.ResponseWriter, r *http.Request) error {
	var in decision
	if err := s.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	b, err := s.svc.Decide(r.Context(), web.MustActor(r), r.PathValue("id"), in.Decision, in.Reason)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, toBatch(b))
	return nil
}

// pageData is the retention page.
type pageData struct {
	Settings retention.Settings
	Kinds    []string
	Plans    []*retention.Plan
}

var flashes = map[string]string{
	"settings": "retention.flash_settings",
	"plan":     "retention.flash_plan",
	"decision": "retention.flash_decision",
}

func (s *server) renderPage(w http.ResponseWriter, r *http.Request, status int, p *web.PageData) error {
	a := web.MustActor(r)
	st, err := s.svc.Settings(r.Context(), a)
	if err != nil {
		return err
	}
	plans, err := s.svc.Plans(r.Context(), a, 10)
	if err != nil {
		return err
	}
	if p.Form == nil {
		p.Form = map[string]string{"active_months": strconv.Itoa(st.ActiveMonths)}
		for k, m := range st.ArchiveMonths {
			p.Form["archive_"+k] = strconv.Itoa(m)
		}
	}
	p.Title = "retention.title"
	p.Data = pageData{Settings: st, Kinds: retention.Kinds(), Plans: plans}
	return s.Render(w, r, status, "retention.html", p)
}

func (s *server) page(w http.ResponseWriter, r *http.Request) error {
	return s.renderPage(w, r, http.StatusOK, &web.PageData{Flash: flashes[r.URL.Query().Get("done")]})
}

func (s *server) pageSaveSettings(w http.ResponseWriter, r *http.Request) error {
	in := retention.Settings{ArchiveMonths: map[string]int{}}
	form := map[string]string{"active_months": r.PostFormValue("active_months")}
	var v parcours.Problems
	n, err := strconv.Atoi(r.PostFormValue("active_months"))
	if err != nil {
		v.Add("active_months", "error.retention.months")
	}
	in.ActiveMonths = n
	for _, k := range retention.Kinds() {
		raw := r.PostFormValue("archive_" + k)
		form["archive_"+k] = raw
		if raw == "" {
			continue
		}
		m, err := strconv.Atoi(raw)
		if err != nil {
			v.Add("archive_"+k, "error.retention.months")
			continue
		}
		in.ArchiveMonths[k] = m
	}
	err = v.Err()
	if err == nil {
		_, err = s.svc.SaveSettings(r.Context(), web.MustActor(r), in)
	}
	if err != nil {
		if code := parcours.ErrorCode(err); code != parcours.EInvalid {
			return err
		}
		p := &web.PageData{Form: form}
		web.FieldErrors(r, p, err, "active_months")
		return s.renderPage(w, r, http.StatusUnprocessableEntity, p)
	}
	http.Redirect(w, r, "/retention?done=settings", http.StatusSeeOther)
	return nil
}

func (s *server) pagePrepare(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.svc.PlanOrg(r.Context(), web.MustActor(r), ""); err != nil {
		return err
	}
	http.Redirect(w, r, "/retention?done=plan", http.StatusSeeOther)
	return nil
}

func (s *server) renderBatch(w http.ResponseWriter, r *http.Request, status int, p *web.PageData) error {
	v, err := s.svc.Batch(r.Context(), web.MustActor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	p.Title, p.Data = "retention.batch_title", v
	return s.Render(w, r, status, "retention_batch.html", p)
}

func (s *server) pageBatch(w http.ResponseWriter, r *http.Request) error {
	return s.renderBatch(w, r, http.StatusOK, &web.PageData{Flash: flashes[r.URL.Query().Get("done")]})
}

func (s *server) pageDecide(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	_, err := s.svc.Decide(r.Context(), web.MustActor(r), id, r.PostFormValue("decision"), r.PostFormValue("reason"))
	if err != nil {
		if code := parcours.ErrorCode(err); code != parcours.EInvalid && code != parcours.EConflict {
			return err
		}
		p := &web.PageData{Form: map[string]string{"reason": r.PostFormValue("reason"), "decision": r.PostFormValue("decision")}}
		web.FieldErrors(r, p, err, "reason")
		return s.renderBatch(w, r, web.StatusOf(parcours.ErrorCode(err)), p)
	}
	http.Redirect(w, r, "/retention/batches/"+id+"?done=decision", http.StatusSeeOther)
	return nil
}
