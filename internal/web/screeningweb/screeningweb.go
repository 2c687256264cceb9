// Package screeningweb is the pre-screening of likely rights over HTTP
// (issue 13): the household's screening page and its printable
// explanation (CRPA L311-3-1), the worker's answer to a result, the
// public algorithm register (no login) and the managers' non-take-up
// dashboard with its drill-down and CSV export. It calls the shell's
// exported API directly.
package screeningweb

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"parcours/internal/csvsafe"
	"parcours/internal/i18n"
	"parcours/internal/parcours"
	"parcours/internal/screening"
	"parcours/internal/web"
)

// Register adds the routes of the pre-screening to the shell.
func Register(shell *web.Server) {
	s := &server{Server: shell, svc: shell.Services().Screening}
	s.schemas()
	s.Handle("GET", "/households/{id}/prescreening", web.Page, s.page, nil)
	s.Handle("GET", "/households/{id}/prescreening/{rule}", web.Page, s.explainPage, nil)
	s.Handle("POST", "/households/{id}/prescreening/{rule}/outcome", web.Page, s.record, nil)
	s.Handle("GET", "/algorithms", web.Public, s.register, nil)
	s.Handle("GET", "/stats/non-take-up", web.Page, s.dashboard, nil)
	s.Handle("GET", "/stats/non-take-up/files", web.Page, s.files, nil)
	s.Handle("GET", "/stats/non-take-up/export", web.Page, s.export, nil)

	date := []web.Param{{Name: "date", Description: "screening date, YYYY-MM-DD (default today; past dates use the parameters in force then)"}}
	s.Handle("GET", "/api/v1/households/{id}/prescreening", web.API, s.apiScreen, &web.Op{ID: "householdPrescreening",
		Summary: "Pre-screening of likely rights of a household, computed on demand, never stored, never a decision", Tag: "prescreening",
		Response: "Prescreening", Query: date})
	s.Handle("GET", "/api/v1/households/{id}/prescreening/{rule}", web.API, s.apiExplain, &web.Op{ID: "prescreeningExplanation",
		Summary: "The explanation of one result (CRPA L311-3-1): data with sources, parameters with legal sources, operations, rule version",
		Tag:     "prescreening", Response: "PrescreeningExplanation", Query: date})
	s.Handle("POST", "/api/v1/households/{id}/prescreening/outcomes", web.API, s.apiRecord, &web.Op{ID: "recordPrescreeningOutcome",
		Summary: "Record what the worker did with a result: procedure opened, or not relevant and why", Tag: "prescreening",
		Request: "PrescreeningOutcomeInput", Response: "PrescreeningOutcome"})
	s.Handle("GET", "/api/v1/stats/non-take-up", web.API, s.apiDashboard, &web.Op{ID: "nonTakeUp",
		Summary: "Households of the active files screening « probable » without a procedure open or granted, by team and commune (managers; cells below 5 suppressed)",
		Tag:     "prescreening", Response: "NonTakeUp"})
	s.Handle("GET", "/api/v1/stats/non-take-up/files", web.API, s.apiFiles, &web.Op{ID: "nonTakeUpFiles",
		Summary: "The files behind one cell of the dashboard that the manager may open (each opened through the door, audited)",
		Tag:     "prescreening", Response: "NonTakeUpFiles", Query: []web.Param{
			{Name: "rule", Description: "a rule code"}, {Name: "by", Description: "team or commune"}, {Name: "key", Description: "the row's key"}}})
}

type server struct {
	*web.Server
	svc *screening.Service
}

func (s *server) schemas() {
	str, date := web.Str(), web.StrFmt("date")
	strs := web.ArrayOf(str)
	status := web.Enum("probable", "possible", "peu_probable", "donnees_manquantes")
	missing := web.Object([]string{"label"}, web.Schema{"fact": str, "label": str, "field": str})
	datum := web.Object([]string{"name", "label", "value", "source"}, web.Schema{"name": str, "label": str, "value": str, "source": str})
	param := web.Object([]string{"name", "label", "unit", "value", "shown", "from", "source"}, web.Schema{
		"name": str, "label": str, "unit": str, "value": web.Schema{"type": "number"}, "shown": str, "from": date, "source": str})
	op := web.Object([]string{"name", "label", "expression", "value"}, web.Schema{"name": str, "label": str, "expression": str, "value": str})
	s.Schema("PrescreeningOutcome", web.Object([]string{"id", "household_id", "person_id", "rule", "rule_version", "screened_on",
		"status_shown", "outcome", "created_by", "created_at"}, web.Schema{
		"id": str, "organization_id": str, "household_id": str, "person_id": str, "rule": str, "rule_version": str, "screened_on": date,
		"status_shown": status, "outcome": web.Enum(parcours.PrescreenOutcomes...), "procedure_id": str, "reason": str,
		"created_by": str, "created_at": web.StrFmt("date-time")}))
	s.Schema("PrescreeningOutcomeInput", web.Object([]string{"rule", "outcome"}, web.Schema{
		"rule": str, "date": date, "outcome": web.Enum(parcours.PrescreenOutcomes...), "procedure_id": str, "person_id": str, "reason": str}))
	result := web.Schema{
		"rule": str, "right_code": str, "name": str, "rule_version": str, "date": date, "status": status, "has_amount": web.Boolean(),
		"amount_cents": web.Integer(), "amount_label": str, "already_received": web.Boolean(), "missing": web.ArrayOf(missing),
		"checks": strs, "warnings": strs, "data": web.ArrayOf(datum), "parameters": web.ArrayOf(param), "operations": web.ArrayOf(op),
		"sources": strs, "paying_body": str, "covered": web.Boolean(),
		"procedures": web.ArrayOf(web.Schema{"type": "object"}), "outcomes": web.ArrayOf(web.Ref("PrescreeningOutcome")),
	}
	req := []string{"rule", "name", "rule_version", "date", "status", "has_amount", "amount_cents", "missing", "data", "parameters", "operations"}
	s.Schema("PrescreeningResult", web.Object(req, result))
	s.Schema("Prescreening", web.Object([]string{"household_id", "date", "notice", "results"}, web.Schema{
		"household_id": str, "household_name": str, "date": date, "notice": str, "results": web.ArrayOf(web.Ref("PrescreeningResult")),
		"members": web.ArrayOf(web.Schema{"type": "object"}), "reference_person_id": str}))
	rs := web.Object([]string{"code", "name", "version", "purpose", "sources", "history", "contact"}, web.Schema{
		"code": str, "right_code": str, "name": str, "version": str, "purpose": str, "paying_body": str, "contact": str,
		"sources": strs, "history": strs, "warnings": strs, "file": str, "parameters": web.ArrayOf(web.Schema{"type": "object"})})
	expl := web.Schema{}
	for k, v := range result {
		expl[k] = v
	}
	expl["household_id"], expl["household_name"], expl["notice"], expl["rule_set"], expl["generated_at"] = str, str, str, rs, web.StrFmt("date-time")
	s.Schema("PrescreeningExplanation", web.Object(append(req, "notice", "rule_set"), expl))
	cell := web.Schema{"type": "object", "properties": web.Schema{"n": web.Integer(), "suppressed": web.Boolean()}}
	group := web.Object([]string{"rows", "total"}, web.Schema{
		"rows":  web.ArrayOf(web.Object([]string{"key", "label", "count"}, web.Schema{"key": str, "label": str, "count": cell})),
		"total": cell})
	s.Schema("NonTakeUp", web.Object([]string{"date", "min_cell", "households_screened", "rights"}, web.Schema{
		"date": date, "min_cell": web.Integer(), "households_screened": cell, "notice": str,
		"rights": web.ArrayOf(web.Object([]string{"rule", "name", "by_team", "by_commune"}, web.Schema{
			"rule": str, "name": str, "by_team": group, "by_commune": group}))}))
	s.Schema("NonTakeUpFiles", web.Object([]string{"rule", "by", "key", "items", "some_hidden"}, web.Schema{
		"rule": str, "name": str, "by": str, "key": str, "some_hidden": web.Boolean(),
		"items": web.ArrayOf(web.Object([]string{"household_id", "person_id", "person_name"}, web.Schema{
			"household_id": str, "person_id": str, "person_name": str}))}))
}

// pagePage is what prescreening.html shows.
type pagePage struct {
	*screening.View
	Outcomes []string
	Saved    bool
	Euros    func(int64) string
}

func (s *server) page(w http.ResponseWriter, r *http.Request) error {
	return s.show(w, r, http.StatusOK, &web.PageData{})
}

func (s *server) show(w http.ResponseWriter, r *http.Request, status int, p *web.PageData) error {
	date := r.URL.Query().Get("date")
	if p.Form != nil && p.Form["date"] != "" {
		date = p.Form["date"]
	}
	v, err := s.svc.Screen(r.Context(), web.MustActor(r), r.PathValue("id"), date)
	if err != nil {
		if parcours.ErrorCode(err) != parcours.EInvalid {
			return err
		}
		// A bad date: today's screening, with the message beside the field.
		web.FieldErrors(r, p, err, "date")
		p.Form = map[string]string{"date": date}
		if v, err = s.svc.Screen(r.Context(), web.MustActor(r), r.PathValue("id"), ""); err != nil {
			return err
		}
		status = http.StatusUnprocessableEntity
	}
	if p.Form == nil {
		p.Form = map[string]string{"date": v.Date}
	}
	p.Title = "prescreen.title"
	p.Data = &pagePage{View: v, Outcomes: parcours.PrescreenOutcomes, Saved: r.URL.Query().Get("saved") == "1", Euros: parcours.FormatEuros}
	return s.Render(w, r, status, "prescreening.html", p)
}

func (s *server) explainPage(w http.ResponseWriter, r *http.Request) error {
	x, err := s.svc.Explain(r.Context(), web.MustActor(r), r.PathValue("id"), r.PathValue("rule"), r.URL.Query().Get("date"))
	if err != nil {
		return err
	}
	return s.Render(w, r, http.StatusOK, "prescreening_explain.html", &web.PageData{Title: "prescreen.explain_title",
		Data: struct {
			*screening.Explanation
			Euros func(int64) string
		}{x, parcours.FormatEuros}})
}

func (s *server) record(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return parcours.Errorf(parcours.EBadRequest, "error.bad_form")
	}
	f := r.PostForm
	in := screening.OutcomeInput{Rule: r.PathValue("rule"), Date: f.Get("date"), Outcome: f.Get("outcome"),
		ProcedureID: f.Get("procedure_id"), PersonID: f.Get("person_id"), Reason: f.Get("reason")}
	_, err := s.svc.Record(r.Context(), web.MustActor(r), r.PathValue("id"), in)
	if err == nil {
		http.Redirect(w, r, "/households/"+r.PathValue("id")+"/prescreening?saved=1&date="+url.QueryEscape(in.Date)+"#r-"+in.Rule, http.StatusSeeOther)
		return nil
	}
	e := parcours.AsError(err)
	if e == nil || (e.Code != parcours.EInvalid && e.Code != parcours.EBadRequest) {
		return err
	}
	p := &web.PageData{Form: map[string]string{"date": in.Date}}
	p.AddErrors(web.Lang(r), e, in.Rule+"-", "outcome")
	return s.show(w, r, web.StatusOf(e.Code), p)
}

func (s *server) register(w http.ResponseWriter, r *http.Request) error {
	return s.Render(w, r, http.StatusOK, "algorithms.html", &web.PageData{Title: "prescreen.register_title", Data: s.svc.Register()})
}

func (s *server) dashboard(w http.ResponseWriter, r *http.Request) error {
	d, err := s.svc.NonTakeUp(r.Context(), web.MustActor(r))
	if err != nil {
		return err
	}
	return s.Render(w, r, http.StatusOK, "non_take_up.html", &web.PageData{Title: "prescreen.dashboard_title", Data: d})
}

func (s *server) files(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	d, err := s.svc.NonTakeUpFiles(r.Context(), web.MustActor(r), q.Get("rule"), q.Get("by"), q.Get("key"))
	if err != nil {
		return err
	}
	return s.Render(w, r, http.StatusOK, "non_take_up_files.html", &web.PageData{Title: "prescreen.files_title", Data: d})
}

// export writes the dashboard as CSV (UTF-8 with BOM, ';', formula cells
// escaped); suppressed cells as « < 5 ».
func (s *server) export(w http.ResponseWriter, r *http.Request) error {
	d, err := s.svc.NonTakeUp(r.Context(), web.MustActor(r))
	if err != nil {
		return err
	}
	if f := r.URL.Query().Get("format"); f != "" && f != "csv" {
		return parcours.FieldError(parcours.EInvalid, "format", "error.stats.format")
	}
	lang := web.Lang(r)
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	cw := csvsafe.NewWriter(&buf, ';')
	_ = cw.Write([]string{i18n.T(lang, "prescreen.col.right"), i18n.T(lang, "prescreen.col.by"), i18n.T(lang, "stats.col.label"),
		i18n.T(lang, "stats.col.count")})
	rows := 0
	for _, rc := range d.Rights {
		for _, g := range []struct {
			by string
			g  screening.Group
		}{{"team", rc.ByTeam}, {"commune", rc.ByCommune}} {
			by := i18n.T(lang, "prescreen.by."+g.by)
			for _, row := range g.g.Rows {
				_ = cw.Write([]string{rc.Name, by, row.Label, row.Cell.String()})
				rows++
			}
			_ = cw.Write([]string{rc.Name, by, i18n.T(lang, "stats.total"), g.g.Total.String()})
		}
	}
	if err := cw.Flush(); err != nil {
		return err
	}
	if err := s.svc.AuditExport(r.Context(), web.MustActor(r), rows); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="non-recours-%s.csv"`, d.Date))
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(buf.Bytes())
	return err
}

func (s *server) apiScreen(w http.ResponseWriter, r *http.Request) error {
	v, err := s.svc.Screen(r.Context(), web.MustActor(r), r.PathValue("id"), r.URL.Query().Get("date"))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, v)
	return nil
}

func (s *server) apiExplain(w http.ResponseWriter, r *http.Request) error {
	x, err := s.svc.Explain(r.Context(), web.MustActor(r), r.PathValue("id"), r.PathValue("rule"), r.URL.Query().Get("date"))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, x)
	return nil
}

func (s *server) apiRecord(w http.ResponseWriter, r *http.Request) error {
	var in screening.OutcomeInput
	if err := s.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	o, err := s.svc.Record(r.Context(), web.MustActor(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, o)
	return nil
}

func (s *server) apiDashboard(w http.ResponseWriter, r *http.Request) error {
	d, err := s.svc.NonTakeUp(r.Context(), web.MustActor(r))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, d)
	return nil
}

func (s *server) apiFiles(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	d, err := s.svc.NonTakeUpFiles(r.Context(), web.MustActor(r), q.Get("rule"), q.Get("by"), q.Get("key"))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, d)
	return nil
}
