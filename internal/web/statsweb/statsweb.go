// Package statsweb is the activity statistics over HTTP (issue 15): the
// managers' and DPO's page, with an accessible SVG chart drawn on the
// server beside the data table of each breakdown, the JSON API, and the
// exports of every table as CSV (UTF-8 with BOM, ';', formula cells
// escaped) or XLSX. Suppressed cells are shown and exported as « < 5 »,
// never as a number.
package statsweb

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"parcours/internal/csvsafe"
	"parcours/internal/i18n"
	"parcours/internal/letters"
	"parcours/internal/parcours"
	"parcours/internal/stats"
	"parcours/internal/web"
)

// Register adds the routes of the statistics to the shell.
func Register(shell *web.Server) {
	s := &server{Server: shell, svc: shell.Services().Stats}
	s.routes()
}

type server struct {
	*web.Server
	svc *stats.Service
}

var periodParams = []web.Param{
	{Name: "from", Description: "first day, YYYY-MM-DD (default: 1 January of this year)"},
	{Name: "to", Description: "last day, YYYY-MM-DD (default: 31 December of this year)"},
	{Name: "team", Description: "a team of the organisation"},
	{Name: "worker", Description: "a worker of the organisation (referent of accompaniments, author of entries)"},
}

func (s *server) routes() {
	cell := web.Schema{"type": "object", "description": "a count, or suppressed (below min_cell, or to protect a suppressed cell): never both",
		"properties": web.Schema{"n": web.Integer(), "suppressed": web.Boolean()}}
	s.Schema("StatsReport", web.Object([]string{"from", "to", "min_cell", "tables"}, web.Schema{
		"from": web.StrFmt("date"), "to": web.StrFmt("date"), "team_id": web.Str(), "worker_id": web.Str(), "min_cell": web.Integer(),
		"tables": web.ArrayOf(web.Object([]string{"id", "title", "rows"}, web.Schema{
			"id": web.Enum(stats.TableIDs...), "title": web.Str(),
			"rows":  web.ArrayOf(web.Object([]string{"key", "label", "count"}, web.Schema{"key": web.Str(), "label": web.Str(), "count": cell})),
			"total": cell,
			"unit":  web.Schema{"type": "string", "enum": []string{stats.UnitCents, stats.UnitDays}, "description": "cents: amounts in cents; days: median delays; absent: counts"},
		})),
	}))
	s.Handle("GET", "/api/v1/stats", web.API, s.apiReport, &web.Op{ID: "stats",
		Summary: "Activity statistics of the organisation for a period, team or worker (managers and DPO; cells below 5 suppressed)",
		Tag:     "stats", Response: "StatsReport", Query: periodParams})
	exportParams := append([]web.Param{
		{Name: "table", Description: "a table id, or all (default)"},
		{Name: "format", Description: "csv (UTF-8 with BOM, ';') or xlsx"},
	}, periodParams...)
	s.Handle("GET", "/api/v1/stats/export", web.API, s.export, &web.Op{ID: "statsExport",
		Summary: "A statistics table (or all) as CSV or XLSX; suppressed cells as « < 5 »; audited with its row count",
		Tag:     "stats", Query: exportParams})
	s.Schema("ExportJob", web.Object([]string{"id", "organization_id", "requester_id", "kind", "format", "from", "to", "status", "row_count", "size", "created_at"}, web.Schema{
		"id": web.Str(), "organization_id": web.Str(), "requester_id": web.Str(), "kind": web.Enum(stats.RowKinds...),
		"format": web.Enum(stats.FormatCSV, stats.FormatXLSX), "from": web.StrFmt("date"), "to": web.StrFmt("date"),
		"team_id": web.Str(), "worker_id": web.Str(),
		"status":    web.Enum(parcours.ExportQueued, parcours.ExportRunning, parcours.ExportReady, parcours.ExportFailed, parcours.ExportExpired),
		"row_count": web.Integer(), "size": web.Integer(), "created_at": web.StrFmt("date-time"), "ready_at": web.StrFmt("date-time"),
		"expires_at":   web.StrFmt("date-time"),
		"status_url":   web.Str(),
		"download_url": web.Schema{"type": "string", "description": "present when status is ready: the file, for the requester only, until expires_at"},
	}))
	s.Handle("GET", "/api/v1/stats/rows", web.API, s.exportRows, &web.Op{ID: "statsRows",
		Summary: "Row-level export as CSV or XLSX, streamed: one line per accompaniment open in the period, procedure or aid request created in it, or person × appointment starting in it (identifiers and codes, never a name); audited with its row count. " +
			"Above the server's --export-job-rows (or with mode=job) the export is queued instead: 202 with the ExportJob, whose requester is notified when its file is ready",
		Tag: "stats", Accepted: "ExportJob", Query: append([]web.Param{{Name: "kind", Description: "accompaniments, procedures, aid_requests or appointments"},
			{Name: "format", Description: "csv (UTF-8 with BOM, ';', default) or xlsx"},
			{Name: "mode", Description: "job: run in the background whatever the size (default: only above --export-job-rows rows)"}}, periodParams...)})
	s.Handle("GET", "/api/v1/stats/exports/{id}", web.API, s.apiJob, &web.Op{ID: "statsExportJob",
		Summary: "A background export of the caller's (another's, or none, is 404): its state and, once ready, its download link until it expires",
		Tag:     "stats", Response: "ExportJob"})
	s.Handle("GET", "/api/v1/stats/exports/{id}/file", web.API, s.jobFile, &web.Op{ID: "statsExportJobFile",
		Summary: "The file of a ready background export (CSV or XLSX), for its requester only; audited. 409 while it is being written, 410 once expired (the file is deleted)",
		Tag:     "stats"})
	s.Handle("GET", "/stats/exports/{id}", web.Page, s.jobPage, nil)
	s.Handle("GET", "/stats/exports/{id}/file", web.Page, s.jobFile, nil)
	s.Handle("GET", "/api/v1/stats/report.pdf", web.API, s.activityReport, &web.Op{ID: "statsActivityReport",
		Summary: "The yearly activity report (rapport d'activité) as a PDF (application/pdf): every statistics table of the year, small cells suppressed; audited",
		Tag:     "stats", Query: []web.Param{{Name: "year", Description: "the year, YYYY (default: this year)"}, periodParams[2], periodParams[3]}})
	s.Handle("GET", "/stats/report.pdf", web.Page, s.activityReport, nil)
	s.Handle("GET", "/stats/rows", web.Page, s.exportRows, nil)
	s.Handle("GET", "/stats", web.Page, s.page, nil)
	s.Handle("GET", "/stats/export", web.Page, s.export, nil)
}

func query(r *http.Request) stats.Query {
	v := r.URL.Query()
	return stats.Query{From: v.Get("from"), To: v.Get("to"), TeamID: v.Get("team"), WorkerID: v.Get("worker")}
}

// translate fills the labels and titles in the request's language.
type tableOut struct {
	ID    string      `json:"id"`
	Title string      `json:"title"`
	Rows  []stats.Row `json:"rows"`
	Total *stats.Cell `json:"total,omitempty"`
	Unit  string      `json:"unit,omitempty"`
}

func translate(lang string, rep *stats.Report) []tableOut {
	var out []tableOut
	for _, t := range rep.Tables {
		to := tableOut{ID: t.ID, Title: i18n.T(lang, t.Title), Total: t.Total, Unit: t.Unit, Rows: []stats.Row{}}
		for _, r := range t.Rows {
			if r.LabelKey != "" {
				r.Label = i18n.T(lang, r.LabelKey)
			}
			if len(r.LabelKeys) > 0 {
				parts := make([]string, len(r.LabelKeys))
				for i, k := range r.LabelKeys {
					parts[i] = i18n.T(lang, k)
				}
				r.Label = strings.Join(parts, " — ")
			}
			to.Rows = append(to.Rows, r)
		}
		out = append(out, to)
	}
	return out
}

func (s *server) apiReport(w http.ResponseWriter, r *http.Request) error {
	rep, err := s.svc.Report(r.Context(), web.MustActor(r), query(r))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, struct {
		*stats.Report
		Tables []tableOut `json:"tables"`
	}{rep, translate(web.Lang(r), rep)})
	return nil
}

// chart is a horizontal bar chart drawn as SVG by the template: the
// geometry is computed here.
type chart struct {
	ID     string
	Height int
	Bars   []bar
	Desc   string
}

type bar struct {
	Label      string
	Value      string
	Y, TextY   int
	Width      int
	ValueX     int
	Suppressed bool
}

const (
	barLeft  = 220
	barSpan  = 300
	barH     = 20
	barPitch = 28
)

func chartOf(t tableOut, lang string) chart {
	c := chart{ID: t.ID}
	top := 0
	for _, r := range t.Rows {
		if !r.Cell.Suppressed && r.Cell.N > top {
			top = r.Cell.N
		}
	}
	var desc []string
	for i, r := range t.Rows {
		b := bar{Label: r.Label, Value: r.Cell.String(), Y: 8 + i*barPitch, Suppressed: r.Cell.Suppressed}
		b.TextY = b.Y + 15
		if !r.Cell.Suppressed && top > 0 {
			b.Width = max(1, r.Cell.N*barSpan/top)
		}
		b.ValueX = barLeft + b.Width + 6
		c.Bars = append(c.Bars, b)
		desc = append(desc, r.Label+" : "+b.Value)
	}
	c.Height = 16 + len(t.Rows)*barPitch
	c.Desc = joinDesc(desc)
	return c
}

func joinDesc(parts []string) string {
	var b bytes.Buffer
	for i, p := range parts {
		if i > 0 {
			b.WriteString(" ; ")
		}
		b.WriteString(p)
	}
	return b.String()
}

type pageData struct {
	Report  *stats.Report
	Tables  []tableOut
	Charts  map[string]chart
	Choices stats.Choices
	Query   stats.Query
	// RowKinds are the row-level exports offered; above JobRows rows
	// they run in the background.
	RowKinds []string
	JobRows  int
}

func (s *server) page(w http.ResponseWriter, r *http.Request) error {
	a := web.MustActor(r)
	choices, err := s.svc.Choices(r.Context(), a)
	if err != nil {
		return err
	}
	q := query(r)
	p := &web.PageData{Title: "stats.title", Form: map[string]string{"from": q.From, "to": q.To, "team": q.TeamID, "worker": q.WorkerID}}
	rep, err := s.svc.Report(r.Context(), a, q)
	if err != nil {
		if code := parcours.ErrorCode(err); code != parcours.EInvalid && code != parcours.ENotFound {
			return err
		}
		web.FieldErrors(r, p, err, "from")
		p.Data = pageData{Choices: choices, Query: q}
		return s.Render(w, r, web.StatusOf(parcours.ErrorCode(err)), "stats.html", p)
	}
	lang := web.Lang(r)
	d := pageData{Report: rep, Tables: translate(lang, rep), Charts: map[string]chart{}, Choices: choices, Query: q, RowKinds: stats.RowKinds, JobRows: s.svc.ExportSettings().JobRows}
	for _, t := range d.Tables {
		d.Charts[t.ID] = chartOf(t, lang)
	}
	p.Form["from"], p.Form["to"] = rep.From, rep.To
	p.Data = d
	return s.Render(w, r, http.StatusOK, "stats.html", p)
}

// export writes one table (or all) as CSV or XLSX, and audits it with its
// row count.
func (s *server) export(w http.ResponseWriter, r *http.Request) error {
	a := web.MustActor(r)
	v := r.URL.Query()
	format, table := v.Get("format"), v.Get("table")
	// The report first: it refuses those who may not see it before any
	// input is judged.
	rep, err := s.svc.Report(r.Context(), a, query(r))
	if err != nil {
		return err
	}
	if format == "" {
		format = "csv"
	}
	if format != "csv" && format != "xlsx" {
		return parcours.FieldError(parcours.EInvalid, "format", "error.stats.format")
	}
	if table == "" {
		table = "all"
	}
	if table != "all" && !slices.Contains(stats.TableIDs, table) {
		return parcours.FieldError(parcours.EInvalid, "table", "error.stats.table")
	}
	lang := web.Lang(r)
	var tables []tableOut
	for _, t := range translate(lang, rep) {
		if table == "all" || t.ID == table {
			tables = append(tables, t)
		}
	}
	label, count, total := i18n.T(lang, "stats.col.label"), i18n.T(lang, "stats.col.count"), i18n.T(lang, "stats.total")
	var buf bytes.Buffer
	rows := 0
	name := fmt.Sprintf("statistiques-%s-%s-%s.%s", table, rep.From, rep.To, format)
	switch format {
	case "csv":
		buf.WriteString("\ufeff")
		cw := csvsafe.NewWriter(&buf, ';')
		for i, t := range tables {
			if i > 0 {
				_ = cw.Write([]string{})
			}
			_ = cw.Write([]string{t.Title, ""})
			_ = cw.Write([]string{label, count})
			for _, row := range t.Rows {
				_ = cw.Write([]string{row.Label, row.Cell.String()})
				rows++
			}
			if t.Total != nil {
				_ = cw.Write([]string{total, t.Total.String()})
			}
		}
		if err := cw.Flush(); err != nil {
			return err
		}
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	case "xlsx":
		f := excelize.NewFile()
		defer f.Close()
		for i, t := range tables {
			sheet := sheetName(t.Title, i)
			if i == 0 {
				if err := f.SetSheetName("Sheet1", sheet); err != nil {
					return err
				}
			} else if _, err := f.NewSheet(sheet); err != nil {
				return err
			}
			set := func(cell string, v any) error { return f.SetCellValue(sheet, cell, v) }
			if err := set("A1", label); err != nil {
				return err
			}
			_ = set("B1", count)
			line := 2
			for _, row := range t.Rows {
				_ = set("A"+strconv.Itoa(line), row.Label)
				if row.Cell.Suppressed {
					_ = set("B"+strconv.Itoa(line), row.Cell.String())
				} else if row.Cell.Unit == stats.UnitCents {
					_ = set("B"+strconv.Itoa(line), float64(row.Cell.N)/100)
				} else {
					_ = set("B"+strconv.Itoa(line), row.Cell.N)
				}
				line++
				rows++
			}
			if t.Total != nil {
				_ = set("A"+strconv.Itoa(line), total)
				if t.Total.Suppressed {
					_ = set("B"+strconv.Itoa(line), t.Total.String())
				} else {
					_ = set("B"+strconv.Itoa(line), t.Total.N)
				}
			}
		}
		if err := f.Write(&buf); err != nil {
			return err
		}
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	}
	if err := s.svc.AuditExport(r.Context(), a, table, format, rows); err != nil {
		return err
	}
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(buf.Bytes())
	return err
}

// sheetName is a valid, unique worksheet name (31 characters, no []:*?/\).
func sheetName(title string, i int) string {
	clean := []rune{}
	for _, r := range title {
		switch r {
		case '[', ']', ':', '*', '?', '/', '\\':
			continue
		}
		clean = append(clean, r)
	}
	prefix := []rune(strconv.Itoa(i+1) + " ")
	if len(clean) > 31-len(prefix) {
		clean = clean[:31-len(prefix)]
	}
	return string(prefix) + string(clean)
}

// exportRows streams a row-level export as CSV (UTF-8 with BOM, ';',
// formula cells escaped) or XLSX (excelize's stream writer, which keeps
// a bounded buffer and spills to a temporary file): rows are written as
// they are read, so memory stays constant whatever their number. Once
// the first byte is sent an error can no longer be shown: the download is
// cut short.
func (s *server) exportRows(w http.ResponseWriter, r *http.Request) error {
	v := r.URL.Query()
	kind, format, mode := v.Get("kind"), v.Get("format"), v.Get("mode")
	if format == "" {
		format = stats.FormatCSV
	}
	if mode != "" && mode != "job" {
		if _, err := s.svc.Choices(r.Context(), web.MustActor(r)); err != nil {
			return err // a refusal first: it is not an input error
		}
		return parcours.FieldError(parcours.EInvalid, "mode", "error.stats.mode")
	}
	// A large export (or one asked so) is queued: the requester is
	// notified when its file is ready.
	job, err := s.svc.QueueRows(r.Context(), web.MustActor(r), kind, format, query(r), mode == "job")
	if err != nil {
		return err
	}
	if job != nil {
		if strings.HasPrefix(r.URL.Path, "/api/") {
			w.Header().Set("Location", "/api/v1/stats/exports/"+job.ID)
			web.WriteJSON(w, http.StatusAccepted, jobOut(job))
			return nil
		}
		http.Redirect(w, r, "/stats/exports/"+job.ID, http.StatusSeeOther)
		return nil
	}
	name := kind + "." + format
	if format == stats.FormatXLSX {
		return s.exportRowsXLSX(w, r, kind, name)
	}
	cw := csvsafe.NewWriter(w, ';')
	started := false
	_, err = s.svc.ExportRows(r.Context(), web.MustActor(r), kind, format, query(r), func() error {
		started = true
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
		w.WriteHeader(http.StatusOK)
		if _, err := w.Write([]byte("\ufeff")); err != nil {
			return err
		}
		return cw.Write(stats.RowHeader(kind))
	}, cw.Write)
	if err == nil {
		err = cw.Flush()
	}
	if err != nil && started {
		s.Log().Warn("row export cut short", "kind", kind, "error", err.Error())
		return nil
	}
	return err
}

func (s *server) exportRowsXLSX(w http.ResponseWriter, r *http.Request, kind, name string) error {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		return err
	}
	line := 0
	row := func(rec []string) error {
		line++
		cell, err := excelize.CoordinatesToCellName(1, line)
		if err != nil {
			return err
		}
		vals := make([]any, len(rec))
		for i, v := range rec {
			vals[i] = v // text cells: a value is never read as a formula
		}
		return sw.SetRow(cell, vals)
	}
	if _, err := s.svc.ExportRows(r.Context(), web.MustActor(r), kind, stats.FormatXLSX, query(r), func() error {
		return row(stats.RowHeader(kind))
	}, row); err != nil {
		return err
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.WriteHeader(http.StatusOK)
	if err := f.Write(w); err != nil {
		s.Log().Warn("row export cut short", "kind", kind, "error", err.Error())
	}
	return nil
}

// activityReport prints the yearly activity report: the report of the
// year (or of the period given), every table, as the page shows it.
func (s *server) activityReport(w http.ResponseWriter, r *http.Request) error {
	a := web.MustActor(r)
	q := query(r)
	if year := r.URL.Query().Get("year"); year != "" {
		y, err := strconv.Atoi(year)
		if err != nil || y < 1900 || y > 2999 || len(year) != 4 {
			// The actor first: a refusal is not an input error.
			if _, err := s.svc.Choices(r.Context(), a); err != nil {
				return err
			}
			return parcours.FieldError(parcours.EInvalid, "year", "error.stats.year")
		}
		q.From, q.To = year+"-01-01", year+"-12-31"
	}
	rep, err := s.svc.Report(r.Context(), a, q)
	if err != nil {
		return err
	}
	lang := web.Lang(r)
	org := ""
	if o := s.PageOrg(r); o != nil {
		org = o.Name
	}
	doc := letters.ActivityReport{Org: org, Title: i18n.T(lang, "stats.report.title", rep.From[:4]),
		Period: i18n.T(lang, "stats.period", day(lang, rep.From), day(lang, rep.To)),
		Note:   i18n.T(lang, "stats.report.note", rep.MinCell)}
	rows := 0
	for _, t := range translate(lang, rep) {
		rt := letters.ReportTable{Title: t.Title, LabelHeader: i18n.T(lang, "stats.col.label"), ValueHeader: i18n.T(lang, "stats.col.count"),
			Empty: i18n.T(lang, "stats.empty")}
		for _, row := range t.Rows {
			rt.Rows = append(rt.Rows, [2]string{row.Label, row.Cell.String()})
			rows++
		}
		if t.Total != nil && len(t.Rows) > 0 {
			rt.Total = [2]string{i18n.T(lang, "stats.total"), t.Total.String()}
		}
		doc.Tables = append(doc.Tables, rt)
	}
	b, err := letters.Activity(doc)
	if err != nil {
		return err
	}
	if err := s.svc.AuditExport(r.Context(), a, "activity_report", "pdf", rows); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="rapport-activite-`+rep.From[:4]+`.pdf"`)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(b)
	return err
}

// day is a date as the pages write it: 31/12/2026 in French.
func day(lang, d string) string {
	if t, err := parcours.ParseDate(d); err == nil && lang == "fr" {
		return t.Format("02/01/2006")
	}
	return d
}

// exportJob is a background export as the API shows it.
type exportJob struct {
	*parcours.ExportJob
	StatusURL   string `json:"status_url"`
	DownloadURL string `json:"download_url,omitempty"`
}

func jobOut(j *parcours.ExportJob) exportJob {
	out := exportJob{ExportJob: j, StatusURL: "/api/v1/stats/exports/" + j.ID}
	if j.Status == parcours.ExportReady {
		out.DownloadURL = "/api/v1/stats/exports/" + j.ID + "/file"
	}
	return out
}

func (s *server) apiJob(w http.ResponseWriter, r *http.Request) error {
	job, err := s.svc.ExportJob(r.Context(), web.MustActor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, jobOut(job))
	return nil
}

func (s *server) jobPage(w http.ResponseWriter, r *http.Request) error {
	job, err := s.svc.ExportJob(r.Context(), web.MustActor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return s.Render(w, r, http.StatusOK, "stats_export.html", &web.PageData{Title: "stats.job.title", Data: job})
}

// jobFile sends the decrypted file of a ready background export to its
// requester.
func (s *server) jobFile(w http.ResponseWriter, r *http.Request) error {
	job, content, err := s.svc.OpenExport(r.Context(), web.MustActor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	defer content.Close()
	ct := "text/csv; charset=utf-8"
	if job.Format == stats.FormatXLSX {
		ct = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Disposition", `attachment; filename="`+job.Kind+"-"+job.From+"-"+job.To+"."+job.Format+`"`)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	if _, err := io.Copy(w, content); err != nil {
		s.Log().Warn("export download cut short", "job", job.ID, "error", err.Error())
	}
	return nil
}
