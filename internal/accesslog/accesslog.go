// Package accesslog shows the audit trail to people: the person's access
// log (which organisation and role opened their file, when, and why for a
// break-glass access) and the audit search of an organisation for its
// managers and its data-protection officer, with a CSV export.
package accesslog

import (
	"context"
	"io"
	"strconv"
	"strings"
	"time"

	"parcours/internal/access"
	"parcours/internal/audit"
	"parcours/internal/csvsafe"
	"parcours/internal/file"
	"parcours/internal/i18n"
	"parcours/internal/parcours"
	"parcours/internal/store"
)

// Service is the access-log and audit-search service.
type Service struct{ db *store.DB }

// New returns a Service on db.
func New(db *store.DB) *Service { return &Service{db: db} }

// Entry is one line of a person's access log. Text is a catalogue key
// ("access_log.action.<action>", or access_log.action.other) the page
// fills with Organization and Role.
type Entry struct {
	At           time.Time `json:"at"`
	Organization string    `json:"organization"`
	Role         string    `json:"role"`
	// Worker is the worker's name when their organisation chose to show
	// it (show_worker_names), else empty.
	Worker string `json:"worker,omitempty"`
	// Delegate names the person's trusted third party when they read
	// or acted on the portal (role portal_delegate): the person and
	// their workers see which delegate it was.
	Delegate string `json:"delegate,omitempty"`
	Action   string `json:"action"`
	// BreakGlass and Reason tell an exceptional access and why.
	BreakGlass bool   `json:"break_glass"`
	Reason     string `json:"reason,omitempty"`
	// Count is how many times the same worker did the same reading
	// within ReadGroup of each other (1 for a single event); At is then
	// the latest, Since the first.
	Count int       `json:"count"`
	Since time.Time `json:"since,omitzero"`

	actorID string
}

// ReadGroup is the span within which a worker's repeated reads of a file
// (reloading the page, paging the journal) make one line of the log.
const ReadGroup = 30 * time.Minute

// readActions are the reads grouped when repeated; changes are never
// grouped.
var readActions = map[string]bool{"casefile.open": true, "person.read": true, "journal.read": true, "journal.list": true,
	"accompaniment.list": true, "handover.list": true, "task.list": true, "document.list": true, "consent.read": true,
	"access_log.read": true, "document.read": true, "document.download": true}

// PersonLog returns the person's access log, newest first. Reading it is
// itself audited (and appears in it).
func (s *Service) PersonLog(ctx context.Context, actor parcours.Actor, personID string) ([]*Entry, error) {
	var out []*Entry
	err := s.db.View(ctx, func(tx *store.Tx) error {
		f, err := file.Open(ctx, tx, actor, access.AccessLogRead, personID)
		if err != nil {
			return err
		}
		// A merged duplicate's events are part of the kept person's log:
		// merges rewrite nothing, the trail is read through them.
		rows, err := f.AccessLog(ctx, 500)
		if err != nil {
			return err
		}
		// Managers and the data-protection officer answer « who read this
		// file? »: they see names whatever the organisation's setting,
		// which decides for everyone else.
		names := actor.Role == parcours.RoleManager
		if !names && !actor.System {
			if names, err = tx.IsDPO(ctx, actor.WorkerID); err != nil {
				return err
			}
		}
		namesOf := ""
		if names {
			namesOf = actor.OrgID
		}
		out = Lines(rows, namesOf)
		f.Audit("access_log.read", "person", personID)
		return nil
	})
	return out, err
}

// Lines makes the log's lines from its events, newest first: workers are
// named where their organisation chose so, and for the organisation
// namesOf ("" for none) whatever its choice; repeated reads are grouped.
func Lines(rows []*store.AccessLogEntry, namesOf string) []*Entry {
	out := make([]*Entry, 0, len(rows))
	for _, r := range rows {
		e := &Entry{At: r.At, Organization: r.OrgName, Role: r.Role, Action: r.Action, BreakGlass: r.BreakGlass != "", Reason: r.Reason,
			Count: 1, actorID: r.ActorID}
		if r.ShowWorkerNames || (namesOf != "" && r.OrgID == namesOf) {
			e.Worker = strings.TrimSpace(r.WorkerFirstName + " " + r.WorkerLastName)
		}
		if r.ActorID == "system" {
			e.Organization, e.Role = "", "system"
		}
		if r.Role == parcours.PortalDelegate {
			e.Delegate = r.DelegateName
		}
		out = group(out, e)
	}
	return out
}

// group appends e (older than every entry of out) to the log, or counts it
// in the previous line when it repeats the same read by the same worker
// within ReadGroup of that line's first read.
func group(out []*Entry, e *Entry) []*Entry {
	if n := len(out); n > 0 && readActions[e.Action] {
		last := out[n-1]
		first := last.At
		if !last.Since.IsZero() {
			first = last.Since
		}
		if last.Action == e.Action && last.actorID == e.actorID && last.actorID != "" && last.BreakGlass == e.BreakGlass &&
			first.Sub(e.At) <= ReadGroup {
			last.Count++
			last.Since = e.At
			return out
		}
	}
	return append(out, e)
}

// Filter is an audit search, as typed by the user: dates YYYY-MM-DD
// (From inclusive, To inclusive), Action exact or a prefix ending in ".".
type Filter struct {
	PersonID string
	WorkerID string
	Action   string
	From, To string
	Cursor   string // next_cursor of the previous page
	Limit    int
}

// MaxExport bounds a CSV export.
const MaxExport = 10000

// Search returns the organisation's audit events matching f, newest
// first, for a manager or the data-protection officer.
func (s *Service) Search(ctx context.Context, actor parcours.Actor, f Filter) (*parcours.Page[audit.Event], error) {
	sf, err := parse(f)
	if err != nil {
		return nil, err
	}
	sf.OrgID = actor.OrgID
	out := &parcours.Page[audit.Event]{}
	err = s.db.View(ctx, func(tx *store.Tx) error {
		dpo, err := tx.IsDPO(ctx, actor.WorkerID)
		if err != nil {
			return err
		}
		if err := access.Check(actor, access.AuditSearch, access.Target{DPO: dpo}); err != nil {
			return err
		}
		evs, err := tx.SearchAudit(ctx, sf)
		if err != nil {
			return err
		}
		out.Items = evs
		if len(evs) == sf.Limit && sf.Limit < MaxExport {
			out.NextCursor = strconv.FormatInt(evs[len(evs)-1].Seq, 10)
		}
		// The search names persons and workers: audited, with the person
		// searched for when there is one — only a person of the actor's
		// own organisation: another organisation's person's access log
		// must never tell of this organisation's searches, nor may the
		// answer tell whether such a person exists.
		personID := ""
		if sf.PersonID != "" {
			// The door opens only the actor's organisation's persons.
			files, err := file.OpenMany(ctx, tx, actor, []string{sf.PersonID}, false)
			if err != nil {
				return err
			}
			if f := files[sf.PersonID]; f != nil && f.Person.OrgID == actor.OrgID {
				personID = f.Person.ID
			}
		}
		tx.Audit(audit.For(actor, "audit.search", "audit", "", personID))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Names are the names an audit page shows instead of ids: the workers of
// the actor's organisation (every one, for the filter) and the persons the
// events are about.
type Names struct {
	Workers map[string]string
	Persons map[string]string
}

// SearchNamed is Search with the names of the workers and persons of the
// page, read in the same transaction, for the audit page.
func (s *Service) SearchNamed(ctx context.Context, actor parcours.Actor, f Filter) (*parcours.Page[audit.Event], *Names, error) {
	page, err := s.Search(ctx, actor, f)
	if err != nil {
		return nil, nil, err
	}
	n := &Names{Persons: map[string]string{}}
	err = s.db.View(ctx, func(tx *store.Tx) error {
		var err error
		if n.Workers, err = tx.WorkerNames(ctx, actor.OrgID); err != nil {
			return err
		}
		var ids []string
		for _, e := range page.Items {
			if e.PersonID != "" {
				ids = append(ids, e.PersonID)
			}
		}
		if len(ids) == 0 {
			return nil
		}
		// Who the events are about, by name: the door opens the actor's
		// organisation's persons only; the search itself is audited.
		files, err := file.OpenMany(ctx, tx, actor, ids, false)
		if err != nil {
			return err
		}
		for id, f := range files {
			n.Persons[id] = f.Person.DisplayName()
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return page, n, nil
}

// Workers lists the names of the actor's organisation's workers, for the
// audit page's filter, to a manager or the data-protection officer.
func (s *Service) Workers(ctx context.Context, actor parcours.Actor) (map[string]string, error) {
	var out map[string]string
	err := s.db.View(ctx, func(tx *store.Tx) error {
		dpo, err := tx.IsDPO(ctx, actor.WorkerID)
		if err != nil {
			return err
		}
		if err := access.Check(actor, access.AuditSearch, access.Target{DPO: dpo}); err != nil {
			return err
		}
		out, err = tx.WorkerNames(ctx, actor.OrgID)
		return err
	})
	return out, err
}

func parse(f Filter) (store.AuditFilter, error) {
	sf := store.AuditFilter{PersonID: strings.TrimSpace(f.PersonID), WorkerID: strings.TrimSpace(f.WorkerID),
		Action: strings.TrimSpace(f.Action), Limit: f.Limit}
	var v parcours.Problems
	v.MaxLen("person_id", sf.PersonID, 64)
	v.MaxLen("worker_id", sf.WorkerID, 64)
	v.MaxLen("action", sf.Action, 64)
	v.Date("from", f.From, false, time.Time{})
	v.Date("to", f.To, false, time.Time{})
	if d, err := parcours.ParseDate(f.From); err == nil {
		sf.From = d
	}
	if d, err := parcours.ParseDate(f.To); err == nil {
		sf.To = d.AddDate(0, 0, 1) // inclusive
	}
	if !sf.From.IsZero() && !sf.To.IsZero() && !sf.From.Before(sf.To) {
		v.Add("to", "error.period_reversed")
	}
	if f.Cursor != "" {
		n, err := strconv.ParseInt(f.Cursor, 10, 64)
		if err != nil || n <= 0 {
			return sf, parcours.FieldError(parcours.EBadRequest, "cursor", "error.invalid_cursor")
		}
		sf.BeforeSeq = n
	}
	switch {
	case sf.Limit <= 0:
		sf.Limit = 100
	case sf.Limit > MaxExport:
		sf.Limit = MaxExport
	}
	return sf, v.Err()
}

// WriteCSV writes events as CSV (semicolon-separated, as French
// spreadsheets expect), every cell escaped by csvsafe (CSV injection: the
// break-glass reason is free text).
func WriteCSV(w io.Writer, evs []audit.Event) error {
	cw := csvsafe.NewWriter(w, ';')
	header := []string{"seq", "horodatage", "acteur", "organisation", "role", "action", "type_objet", "objet", "personne", "requete", "bris_de_glace", "motif"}
	if err := cw.Write(header); err != nil {
		return err
	}
	for _, e := range evs {
		if err := cw.Write([]string{strconv.FormatInt(e.Seq, 10), e.At.UTC().Format(time.RFC3339Nano), e.ActorID, e.OrgID, e.Role, e.Action,
			e.ObjectType, e.ObjectID, e.PersonID, e.RequestID, e.BreakGlass, e.Reason}); err != nil {
			return err
		}
	}
	return cw.Flush()
}

// Sentence says a line of the log in plain words of lang: « Un·e
// intervenant·e social·e de la structure « CCAS » a consulté la fiche. »,
// the worker named where their organisation chose so, the person's own
// and their delegates' reads on the portal told apart.
func Sentence(lang string, e *Entry) string {
	what := "access_log.action." + e.Action
	if !i18n.Has(what) {
		what = "access_log.action.other"
	}
	var text string
	switch {
	case e.Role == parcours.PortalDelegate && e.Delegate != "":
		text = i18n.T(lang, "access_log.sentence_delegate_named", e.Delegate, i18n.T(lang, what))
	case e.Role == parcours.PortalPerson || e.Role == parcours.PortalDelegate:
		text = i18n.T(lang, "access_log.sentence_"+e.Role, i18n.T(lang, what))
	case e.Organization == "":
		text = i18n.T(lang, "access_log.sentence_system", i18n.T(lang, what))
	default:
		who := i18n.T(lang, "access_log.role."+e.Role)
		if e.Worker != "" {
			who = i18n.T(lang, "access_log.named", e.Worker, i18n.T(lang, "access_log.function."+e.Role))
		}
		text = i18n.T(lang, "access_log.sentence", who, e.Organization, i18n.T(lang, what))
	}
	if e.Count > 1 {
		loc, err := time.LoadLocation("Europe/Paris")
		if err != nil {
			loc = time.UTC
		}
		text = strings.TrimSuffix(text, ".") + " " + i18n.N(lang, "access_log.repeated", e.Count, e.Since.In(loc).Format("15:04"), e.At.In(loc).Format("15:04")) + "."
	}
	if e.BreakGlass {
		text += " " + i18n.T(lang, "access_log.break_glass", e.Reason)
	}
	return text
}
