package auditweb

import (
	"bytes"
	"net/http"
	"strconv"
	"time"

	"parcours/internal/accesslog"
	"parcours/internal/audit"
	"parcours/internal/parcours"
	"parcours/internal/web"
)

// The person's access log and the audit search (JSON and CSV).

// accessLogLine is an access-log entry with its sentence in the reader's
// language.
type accessLogLine struct {
	*accesslog.Entry
	Text string `json:"text"`
}

// auditEvent is an audit event as the API shows it.
type auditEvent struct {
	Seq          int64     `json:"seq"`
	ID           string    `json:"id"`
	At           time.Time `json:"at"`
	ActorID      string    `json:"actor_id"`
	OrgID        string    `json:"organization_id"`
	Role         string    `json:"role"`
	Action       string    `json:"action"`
	ObjectType   string    `json:"object_type"`
	ObjectID     string    `json:"object_id"`
	PersonID     string    `json:"person_id"`
	RequestID    string    `json:"request_id"`
	BreakGlassID string    `json:"break_glass_id"`
	Reason       string    `json:"reason"`
	Hash         string    `json:"hash"`
}

func toAuditEvent(e audit.Event) auditEvent {
	return auditEvent{Seq: e.Seq, ID: e.ID, At: e.At, ActorID: e.ActorID, OrgID: e.OrgID, Role: e.Role, Action: e.Action,
		ObjectType: e.ObjectType, ObjectID: e.ObjectID, PersonID: e.PersonID, RequestID: e.RequestID,
		BreakGlassID: e.BreakGlass, Reason: e.Reason, Hash: e.Hash}
}

var auditQuery = []web.Param{
	{Name: "person_id", Type: "string", Description: "events about this person"},
	{Name: "worker_id", Type: "string", Description: "events caused by this worker"},
	{Name: "action", Type: "string", Description: `exact action ("person.read") or a prefix ending in "." ("journal.")`},
	{Name: "from", Type: "string", Description: "first day, YYYY-MM-DD"},
	{Name: "to", Type: "string", Description: "last day, YYYY-MM-DD"},
	{Name: "cursor", Type: "string", Description: "next_cursor of the previous page"},
	{Name: "limit", Type: "integer", Description: "page size, 1–10000 (100 by default)"},
}

func (s *Server) auditAPIRoutes() {
	s.Schema("AccessLogEntry", web.Object([]string{"at", "organization", "role", "action", "break_glass", "text"}, web.Schema{
		"at": web.StrFmt("date-time"), "organization": web.Str(), "role": web.Str(), "worker": web.Str(), "delegate": web.Str(), "action": web.Str(),
		"break_glass": web.Boolean(), "reason": web.Str(), "text": web.Str(), "count": web.Integer(), "since": web.StrFmt("date-time"),
	}))
	s.Schema("AuditEvent", web.Object([]string{"seq", "id", "at", "actor_id", "action"}, web.Schema{
		"seq": web.Integer(), "id": web.Str(), "at": web.StrFmt("date-time"), "actor_id": web.Str(), "organization_id": web.Str(), "role": web.Str(),
		"action": web.Str(), "object_type": web.Str(), "object_id": web.Str(), "person_id": web.Str(), "request_id": web.Str(),
		"break_glass_id": web.Str(), "reason": web.Str(), "hash": web.Str(),
	}))
	s.Handle("GET", "/api/v1/persons/{id}/access-log", web.API, s.apiAccessLog,
		&web.Op{ID: "getAccessLog", Summary: "Who opened the person's file, when, and why for a break-glass access", Tag: "audit",
			Response: "AccessLogEntry", List: true})
	s.Handle("GET", "/api/v1/audit/events", web.API, s.apiAuditSearch,
		&web.Op{ID: "searchAudit", Summary: "Search the organisation's audit trail (managers, admins, data-protection officer)", Tag: "audit",
			Response: "AuditEvent", List: true, Query: auditQuery})
	s.Handle("GET", "/api/v1/audit/events.csv", web.API, s.apiAuditCSV,
		&web.Op{ID: "exportAudit", Summary: "The same search as CSV (at most 10000 events)", Tag: "audit", Query: auditQuery})
}

// accessLogLines puts each entry into a sentence of lang.
func accessLogLines(lang string, entries []*accesslog.Entry) []accessLogLine {
	out := make([]accessLogLine, len(entries))
	for i, e := range entries {
		out[i] = accessLogLine{Entry: e, Text: accesslog.Sentence(lang, e)}
	}
	return out
}

func (s *Server) apiAccessLog(w http.ResponseWriter, r *http.Request) error {
	entries, err := s.svc.AccessLog.PersonLog(r.Context(), web.MustActor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, parcours.Page[accessLogLine]{Items: accessLogLines(web.Lang(r), entries)})
	return nil
}

func auditFilter(r *http.Request) (accesslog.Filter, error) {
	q := r.URL.Query()
	f := accesslog.Filter{PersonID: q.Get("person_id"), WorkerID: q.Get("worker_id"), Action: q.Get("action"),
		From: q.Get("from"), To: q.Get("to"), Cursor: q.Get("cursor")}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > accesslog.MaxExport {
			return f, parcours.FieldError(parcours.EBadRequest, "limit", "error.invalid_audit_limit")
		}
		f.Limit = n
	}
	return f, nil
}

func (s *Server) apiAuditSearch(w http.ResponseWriter, r *http.Request) error {
	f, err := auditFilter(r)
	if err != nil {
		return err
	}
	page, err := s.svc.AccessLog.Search(r.Context(), web.MustActor(r), f)
	if err != nil {
		return err
	}
	out := parcours.Page[auditEvent]{Items: make([]auditEvent, len(page.Items)), NextCursor: page.NextCursor}
	for i, e := range page.Items {
		out.Items[i] = toAuditEvent(e)
	}
	web.WriteJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) apiAuditCSV(w http.ResponseWriter, r *http.Request) error {
	f, err := auditFilter(r)
	if err != nil {
		return err
	}
	if f.Limit == 0 {
		f.Limit = accesslog.MaxExport
	}
	page, err := s.svc.AccessLog.Search(r.Context(), web.MustActor(r), f)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := accesslog.WriteCSV(&buf, page.Items); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="journal-audit.csv"`)
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(buf.Bytes())
	return err
}
