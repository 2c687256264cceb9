package casefileweb

import (
	"context"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"parcours/internal/access"
	"parcours/internal/casefile"
	"parcours/internal/i18n"
	"parcours/internal/parcours"
	"parcours/internal/web"
)

// The person file page (GET /persons/{id}): identity and household,
// situation, active accompaniments with their referents, the journal
// newest first with filters, open tasks, documents, and what is new since
// the viewer's last visit. Every change made from it is a plain form (no
// JavaScript needed) posted under /persons/{id}/…: on success it redirects
// back to the page (post/redirect/get); on a mistake the page is shown
// again with the errors next to the fields and everything typed kept.
//
// The forms of the page share one error map, so each form's fields are
// prefixed ("task-title", "doc-kind", …) except the journal entry's.

func (s *Server) casefileRoutes() {
	s.casefileAPIRoutes()
	s.journalAPIRoutes()
	s.taskAPIRoutes()
	s.documentAPIRoutes()
	s.Handle("GET", "/persons/{id}", web.Page, s.pagePersonFile, nil)
	s.Handle("POST", "/persons/{id}/journal", web.Page, s.pageAddEntry, nil)
	s.Handle("POST", "/persons/{id}/journal/{entry}/amendments", web.Page, s.pageAmend, nil)
	s.Handle("POST", "/persons/{id}/accompaniments", web.Page, s.pageAddAccompaniment, nil)
	s.Handle("POST", "/persons/{id}/accompaniments/{acc}/end", web.Page, s.pageEndAccompaniment, nil)
	s.Handle("POST", "/persons/{id}/accompaniments/{acc}/handover", web.Page, s.pageHandover, nil)
	s.Handle("POST", "/persons/{id}/accompaniments/{acc}/goals", web.Page, s.pageAddGoal, nil)
	s.Handle("POST", "/persons/{id}/goals/{goal}", web.Page, s.pageUpdateGoal, nil)
	s.Handle("POST", "/persons/{id}/tasks", web.Page, s.pageAddTask, nil)
	s.Handle("POST", "/persons/{id}/tasks/{task}/status", web.Page, s.pageTaskStatus, nil)
	s.Handle("POST", "/persons/{id}/documents", web.Page, s.pageUploadDocument, nil)
	s.Handle("POST", "/handovers/{id}/acknowledge", web.Page, s.pageAcknowledge, nil)
	s.Handle("GET", "/documents/expiring", web.Page, s.pageExpiringDocuments, nil)
	s.Handle("GET", "/settings/casefile", web.Page, s.pageCaseFileSettings, nil)
	s.Handle("POST", "/settings/casefile/kinds", web.Page, s.pagePutKind, nil)
	s.Handle("POST", "/settings/casefile/templates", web.Page, s.pageAddTemplate, nil)
}

// fileData is what person.html shows.
type fileData struct {
	// File is named, not embedded: a field promoted from an embedded
	// struct costs the template a slow reflect lookup (FieldByNameFunc,
	// with its allocations) each time; person.html reads it as $f.
	File          *casefile.File
	Query         casefile.JournalQuery
	Older         string // URL of the next journal page, "" at the end
	Active, Ended []*parcours.Accompaniment
	KindLabels    map[string]string
	NewCount      int
	// SavedIn is the section whose form was just saved: its « Enregistré. »
	// shows there, where the page scrolls to; SavedEntry the new entry.
	SavedIn, SavedEntry string
	// Rare forms are folded; each opens when it holds errors (or, for
	// the journal filters, when a filter is on).
	OpenAccompanimentForm, OpenFilters, OpenTaskForm, OpenDocumentForm bool
	// DraftFor is the accompaniment whose handover form shows the
	// synthesis prepared for review (Form["ho-synthesis"]).
	DraftFor     string
	EntryKinds   []string
	Themes       []string
	Modes        []string
	Confs        []string
	EndReasons   []string
	GoalStatuses []string
	DocKinds     []string
	Template     string // id of the interview template in use
	// AmendEntry is the actor's entry being corrected (?amend=id);
	// TaskFrom the entry a new task is made from (?task_from=id).
	AmendEntry, TaskFrom *parcours.JournalEntry
	// JournalItems are the journal page's entries, written in Go
	// (journal_html.go): the journal is most of the page, and
	// html/template's reflection per value of each entry was most of its
	// cost.
	JournalItems template.HTML
	// The <option> elements of the page's lists, translated and written
	// once per page in Go (optionsHTML), the typed or filtered value
	// selected: a range over the options cost three calls by reflection
	// an option (two escapers and eq), for some sixty options.
	KindOptions, KindFilterOptions, ModeOptions, ThemeOptions, ConfOptions template.HTML
	EndReasonOptions, GoalStatusOptions, DocKindOptions                    template.HTML
}

// option is a choice of a list: its value and its words.
type option struct{ Value, Label string }

// options translates the values of a list, each under prefix+value.
func options(lang, prefix string, values []string) []option {
	out := make([]option, len(values))
	for i, v := range values {
		out[i] = option{Value: v, Label: i18n.T(lang, prefix+v)}
	}
	return out
}

// journalRow is a journal entry as the page shows it.
type journalRow struct {
	// The entry's fields the page shows, copied: a field promoted from an
	// embedded struct costs the template a slow reflect lookup each time.
	ID, OccurredAt, Mode, Theme, Amends, Summary, PrivateSynthesis string
	Participants, AmendedBy                                        []string
	Date, KindLabel, ModeLabel, ThemeLabel, By, ConfLabel          string
	// New: written since the viewer's last visit by someone else; Own:
	// written by the viewer; Shared/Disclosed: shown to the person /
	// shared or withheld; DisclosureLabel names a shared or withheld state.
	New, Own, Shared, Disclosed bool
	DisclosureLabel             string
}

// journalLabels are the words of the journal that are the same for every
// entry.
type journalLabels struct {
	NewMarker, Amends, Amended, Amend, TaskFromEntry                     string
	DiscTitle, DiscNone, DiscShare, DiscCurrent, DiscUnshare, DiscReason string
	DiscWithhold, Private, Participants                                  string
}

func newJournalLabels(lang string) journalLabels {
	t := func(key string) string { return i18n.T(lang, key) }
	return journalLabels{NewMarker: t("cf.new_marker"), Amends: t("cf.amends"), Amended: t("cf.amended"), Amend: t("cf.amend"),
		TaskFromEntry: t("cf.task_from_entry"), DiscTitle: t("journal.disclosure.title"), DiscNone: t("journal.disclosure.state_none"),
		DiscShare: t("journal.disclosure.share"), DiscCurrent: t("journal.disclosure.current"), DiscUnshare: t("journal.disclosure.unshare"),
		DiscReason: t("journal.disclosure.reason"), DiscWithhold: t("journal.disclosure.withhold"), Private: t("cf.private"),
		Participants: t("cf.participants")}
}

// journalRows prepares the entries of the journal page for person.html.
func journalRows(lang, viewer string, f *casefile.File) []journalRow {
	rows := make([]journalRow, len(f.Journal.Items))
	for i, e := range f.Journal.Items {
		r := journalRow{ID: e.ID, OccurredAt: e.OccurredAt, Mode: e.Mode, Theme: e.Theme, Amends: e.Amends, Summary: e.Summary,
			PrivateSynthesis: e.PrivateSynthesis, Participants: e.Participants, AmendedBy: e.AmendedBy, Date: web.DateText(lang, e.OccurredAt), KindLabel: i18n.T(lang, "entry_kind."+e.Kind),
			By: i18n.T(lang, "cf.by", f.Workers[e.AuthorID]), ConfLabel: i18n.T(lang, "confidentiality."+e.Confidentiality),
			New: f.NewEntry(e), Own: e.AuthorID == viewer, Shared: e.Disclosure == "shared"}
		if e.Mode != "" {
			r.ModeLabel = i18n.T(lang, "interview_mode."+e.Mode)
		}
		if e.Theme != "" {
			r.ThemeLabel = i18n.T(lang, "thematique."+e.Theme)
		}
		if r.Disclosed = e.Disclosure == "shared" || e.Disclosure == "withheld"; r.Disclosed {
			r.DisclosureLabel = i18n.T(lang, "journal.disclosure.state_"+e.Disclosure)
		}
		rows[i] = r
	}
	return rows
}

func (s *Server) pagePersonFile(w http.ResponseWriter, r *http.Request) error {
	return s.showPersonFile(w, r, http.StatusOK, &web.PageData{})
}

func (s *Server) showPersonFile(w http.ResponseWriter, r *http.Request, status int, p *web.PageData) error {
	a := web.MustActor(r)
	id := r.PathValue("id")
	q := journalQuery(r)
	query := r.URL.Query()
	// ?entry= opens the journal page holding that entry (a search hit,
	// an amendment's link, the entry just saved).
	f, err := s.svc.CaseFile.OpenAt(r.Context(), a, id, q, query.Get("cursor"), query.Get("entry"))
	if err != nil {
		return err
	}
	draftFor, _ := p.Data.(handoverDraft)
	if draftFor == "" && p.Form["ho-synthesis"] != "" {
		draftFor = handoverDraft(r.PathValue("acc")) // sent back with errors or for the review
	}
	d := &fileData{File: f, Query: q, DraftFor: string(draftFor), KindLabels: map[string]string{}, EntryKinds: parcours.EntryKinds, Themes: parcours.Thematiques,
		Modes: parcours.InterviewModes, Confs: parcours.Confidentialities, EndReasons: parcours.EndReasons, GoalStatuses: parcours.GoalStatuses,
		DocKinds: parcours.DocumentKinds}
	if status == http.StatusOK && savedSections[query.Get("saved")] {
		d.SavedIn, d.SavedEntry = query.Get("saved"), query.Get("entry")
	}
	for k := range p.Errors {
		switch {
		case strings.HasPrefix(k, "acc-"):
			d.OpenAccompanimentForm = true
		case strings.HasPrefix(k, "task-"):
			d.OpenTaskForm = true
		case strings.HasPrefix(k, "doc-"):
			d.OpenDocumentForm = true
		}
	}
	d.OpenFilters = q != (casefile.JournalQuery{})
	for _, k := range f.Kinds {
		d.KindLabels[k.Code] = k.Label
	}
	for _, acc := range f.Accompaniments {
		if acc.Active() {
			d.Active = append(d.Active, acc)
		} else {
			d.Ended = append(d.Ended, acc)
		}
	}
	if p.Form == nil {
		p.Form = map[string]string{}
	}
	if _, typed := p.Form["occurred_at"]; !typed {
		// Shown, so the worker sees (and may change) the date the entry
		// will bear: an empty date is refused, never silently today.
		p.Form["occurred_at"] = f.Today
	}
	// "Utiliser une trame": the interview template fills the summary of
	// the new entry, to be completed.
	if tid := query.Get("template"); tid != "" && p.Form["summary"] == "" {
		for _, t := range f.Templates {
			if t.ID == tid {
				d.Template = t.ID
				p.Form["summary"] = t.Body
				p.Form["kind"] = parcours.EntryInterview
			}
		}
	}
	lang := web.Lang(r)
	kinds := options(lang, "entry_kind.", d.EntryKinds)
	d.KindOptions, d.KindFilterOptions = optionsHTML(kinds, p.Form["kind"], true), optionsHTML(kinds, q.Kind, true)
	d.ModeOptions = optionsHTML(options(lang, "interview_mode.", d.Modes), p.Form["mode"], true)
	d.ThemeOptions = optionsHTML(options(lang, "thematique.", d.Themes), p.Form["theme"], true)
	d.ConfOptions = optionsHTML(options(lang, "confidentiality.", d.Confs), p.Form["confidentiality"], true)
	d.EndReasonOptions = optionsHTML(options(lang, "end_reason.", d.EndReasons), "", false)
	d.GoalStatusOptions = optionsHTML(options(lang, "goal_status.", d.GoalStatuses), "", false)
	d.DocKindOptions = optionsHTML(options(lang, "document_kind.", d.DocKinds), p.Form["doc-kind"], true)
	if f.Journal != nil {
		l := newJournalLabels(lang)
		d.JournalItems = journalItems(journalRows(lang, a.WorkerID, f), &l, f.Person.ID, web.CSRFToken(r), f.CanWriteTasks)
		for _, e := range f.Journal.Items {
			if f.NewEntry(e) {
				d.NewCount++
			}
			if e.ID == query.Get("amend") && e.AuthorID == a.WorkerID {
				d.AmendEntry = e
			}
			if e.ID == query.Get("task_from") && f.CanWriteTasks {
				d.TaskFrom = e
			}
		}
		if f.Journal.NextCursor != "" {
			v := url.Values{}
			for k, val := range map[string]string{"kind": q.Kind, "author": q.AuthorID, "accompaniment": q.AccompanimentID, "from": q.From, "to": q.To} {
				if val != "" {
					v.Set(k, val)
				}
			}
			v.Set("cursor", f.Journal.NextCursor)
			d.Older = "/persons/" + id + "?" + v.Encode() + "#journal"
		}
	}
	p.Title = "cf.title"
	p.Data = d
	return s.Render(w, r, status, "person.html", p)
}

// parseForm reads a posted form (url-encoded or multipart), bounded.
func (s *Server) parseForm(w http.ResponseWriter, r *http.Request) error {
	// The CSRF check may have read it already.
	if r.MultipartForm == nil && r.PostForm == nil {
		r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxUpload+1<<20)
		var err error
		if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
			err = r.ParseMultipartForm(1 << 20)
		} else {
			err = r.ParseForm()
		}
		if err != nil {
			return parcours.Errorf(parcours.EBadRequest, "error.casefile.bad_form")
		}
	}
	if r.MultipartForm != nil {
		// Url-encoded forms were checked on the way in (checkRequestText).
		if err := web.CheckValues(r.MultipartForm.Value); err != nil {
			return err
		}
		for _, fhs := range r.MultipartForm.File {
			for _, fh := range fhs {
				if web.BadText(fh.Filename) {
					return web.BadTextError("file")
				}
			}
		}
	}
	return nil
}

// typedForm is what the worker typed in a posted form (first value of
// each field, never the CSRF token), to show it back with the errors.
func typedForm(r *http.Request) map[string]string {
	form := map[string]string{}
	for k, v := range r.PostForm {
		if k != "csrf" && len(v) > 0 {
			form[k] = v[0]
		}
	}
	return form
}

// afterPost ends a form post: back to the file on success (anchor names
// the section), the file again with the errors and the typed values when
// the input was wrong (prefix is the form's field prefix). Other errors
// (not found, forbidden) are shown as such.
func (s *Server) afterPost(w http.ResponseWriter, r *http.Request, err error, prefix, anchor string) error {
	if err == nil {
		http.Redirect(w, r, "/persons/"+r.PathValue("id")+"?saved="+anchor+"#"+anchor, http.StatusSeeOther)
		return nil
	}
	e := parcours.AsError(err)
	if e == nil || (e.Code != parcours.EInvalid && e.Code != parcours.EConflict && e.Code != parcours.ETooLarge && e.Code != parcours.EUnsupported) {
		return err
	}
	p := &web.PageData{Form: typedForm(r)}
	p.AddErrors(web.Lang(r), e, prefix, "form")
	// The page is recomputed from the file; the form's values stay.
	return s.showPersonFile(w, r, web.StatusOf(e.Code), p)
}

// savedSections are the sections a saved form sends the worker back to.
var savedSections = map[string]bool{"add-entry": true, "journal": true, "accompaniments": true, "handovers": true, "tasks": true, "documents": true}

// pageAddEntry adds a journal entry from the form of the file page.
func (s *Server) pageAddEntry(w http.ResponseWriter, r *http.Request) error {
	if err := s.parseForm(w, r); err != nil {
		return err
	}
	in := casefile.EntryInput{Kind: r.PostFormValue("kind"), OccurredAt: r.PostFormValue("occurred_at"),
		Summary: r.PostFormValue("summary"), Theme: r.PostFormValue("theme"), Mode: r.PostFormValue("mode"), Confidentiality: r.PostFormValue("confidentiality"),
		AccompanimentID: r.PostFormValue("accompaniment_id"), PrivateSynthesis: r.PostFormValue("private_synthesis")}
	if in.Kind != parcours.EntryInterview {
		in.Mode = ""
	}
	// One text field, names separated by commas.
	for _, name := range strings.Split(r.PostFormValue("participants"), ",") {
		if name = strings.TrimSpace(name); name != "" {
			in.Participants = append(in.Participants, name)
		}
	}
	if done, err := s.reviewFirst(w, r, "summary", in.Summary, in.Confidentiality); done {
		return err
	}
	if _, sent := r.PostForm["occurred_at"]; sent && strings.TrimSpace(in.OccurredAt) == "" {
		// The form shows today's date; a worker who cleared it has not
		// said when it happened.
		return s.afterPost(w, r, parcours.FieldError(parcours.EInvalid, "occurred_at", "error.field_required", "field.cf.occurred_at"), "", "add-entry")
	}
	e, err := s.svc.CaseFile.AddEntry(r.Context(), web.MustActor(r), r.PathValue("id"), in)
	if err == nil {
		s.ReviewSaved(r, e.TeamID, in.Summary, in.Confidentiality)
		// Back at the top of the file, the message and a link to the
		// entry in view.
		http.Redirect(w, r, "/persons/"+r.PathValue("id")+"?saved=add-entry&entry="+url.QueryEscape(e.ID)+"#add-entry", http.StatusSeeOther)
		return nil
	}
	return s.afterPost(w, r, err, "", "add-entry")
}

// reviewFirst shows the file again with the « relecture éthique » of a
// note instead of saving it, when the worker asked for it (« Relire ») or
// has not seen its flags yet (no JavaScript); it never refuses the save
// that follows (web/review.go).
func (s *Server) reviewFirst(w http.ResponseWriter, r *http.Request, field, text, confidentiality string) (bool, error) {
	box := s.ReviewBeforeSave(r, field, text, confidentiality)
	if box == nil {
		return false, nil
	}
	return true, s.showPersonFile(w, r, http.StatusOK, &web.PageData{Form: typedForm(r), Review: box})
}

func (s *Server) pageAmend(w http.ResponseWriter, r *http.Request) error {
	if err := s.parseForm(w, r); err != nil {
		return err
	}
	r.URL.RawQuery = url.Values{"amend": {r.PathValue("entry")}}.Encode() // shown again on a mistake or a review
	if done, err := s.reviewFirst(w, r, "amend-summary", r.PostFormValue("amend-summary"), ""); done {
		return err
	}
	e, err := s.svc.CaseFile.Amend(r.Context(), web.MustActor(r), r.PathValue("entry"), casefile.AmendmentInput{
		Summary: r.PostFormValue("amend-summary")})
	if err == nil {
		s.ReviewSaved(r, e.TeamID, r.PostFormValue("amend-summary"), "")
	}
	return s.afterPost(w, r, err, "amend-", "journal")
}

func (s *Server) pageAddAccompaniment(w http.ResponseWriter, r *http.Request) error {
	if err := s.parseForm(w, r); err != nil {
		return err
	}
	_, err := s.svc.CaseFile.CreateAccompaniment(r.Context(), web.MustActor(r), r.PathValue("id"), casefile.AccompanimentInput{
		Kind: r.PostFormValue("acc-kind"), ReferentID: r.PostFormValue("acc-referent_id"), TeamID: r.PostFormValue("acc-team_id"),
		StartDate: r.PostFormValue("acc-start_date"), Household: r.PostFormValue("acc-household") == "1"})
	return s.afterPost(w, r, err, "acc-", "accompaniments")
}

func (s *Server) pageEndAccompaniment(w http.ResponseWriter, r *http.Request) error {
	if err := s.parseForm(w, r); err != nil {
		return err
	}
	_, err := s.svc.CaseFile.EndAccompaniment(r.Context(), web.MustActor(r), r.PathValue("acc"), casefile.EndInput{
		EndDate: r.PostFormValue("end-end_date"), EndReason: r.PostFormValue("end-end_reason"),
		ProofDocumentID: r.PostFormValue("end-proof_document_id")})
	return s.afterPost(w, r, err, "end-", "accompaniments")
}

func (s *Server) pageAddGoal(w http.ResponseWriter, r *http.Request) error {
	if err := s.parseForm(w, r); err != nil {
		return err
	}
	title, target := r.PostFormValue("goal-title"), r.PostFormValue("goal-target_date")
	_, err := s.svc.CaseFile.AddGoal(r.Context(), web.MustActor(r), r.PathValue("acc"), casefile.GoalInput{Title: &title, TargetDate: &target})
	return s.afterPost(w, r, err, "goal-", "accompaniments")
}

func (s *Server) pageUpdateGoal(w http.ResponseWriter, r *http.Request) error {
	if err := s.parseForm(w, r); err != nil {
		return err
	}
	status := r.PostFormValue("status")
	_, err := s.svc.CaseFile.UpdateGoal(r.Context(), web.MustActor(r), r.PathValue("goal"), casefile.GoalInput{Status: &status})
	return s.afterPost(w, r, err, "goal-", "accompaniments")
}

func (s *Server) pageHandover(w http.ResponseWriter, r *http.Request) error {
	if err := s.parseForm(w, r); err != nil {
		return err
	}
	if r.PostFormValue("ho-prepare") != "" {
		// First step: the synthesis the system prepares, shown in the form
		// for the outgoing referent to review and edit before sending.
		draft, err := s.svc.CaseFile.HandoverDraft(r.Context(), web.MustActor(r), r.PathValue("acc"))
		if err != nil {
			return s.afterPost(w, r, err, "ho-", "handovers")
		}
		form := typedForm(r)
		form["ho-synthesis"] = draft
		return s.showPersonFile(w, r, http.StatusOK, &web.PageData{Form: form, Data: handoverDraft(r.PathValue("acc"))})
	}
	if done, err := s.reviewFirst(w, r, "ho-note", r.PostFormValue("ho-note"), ""); done {
		return err
	}
	h, err := s.svc.CaseFile.Handover(r.Context(), web.MustActor(r), r.PathValue("acc"), casefile.HandoverInput{
		ReferentID: r.PostFormValue("ho-referent_id"), TeamID: r.PostFormValue("ho-team_id"), Note: r.PostFormValue("ho-note"),
		Synthesis: r.PostFormValue("ho-synthesis")})
	if err == nil {
		s.ReviewSaved(r, h.FromTeamID, r.PostFormValue("ho-note"), "")
		// Whoever handed over their last link to the person no longer
		// follows the file: send them to their day, not to a refusal.
		follows, ferr := s.svc.CaseFile.Follows(r.Context(), web.MustActor(r), r.PathValue("id"))
		if ferr != nil {
			return ferr
		}
		if !follows {
			http.Redirect(w, r, "/?done=handover", http.StatusSeeOther)
			return nil
		}
	}
	return s.afterPost(w, r, err, "ho-", "handovers")
}

// handoverDraft marks, for showPersonFile, the accompaniment whose
// handover form shows its prepared synthesis.
type handoverDraft string

func (s *Server) pageAddTask(w http.ResponseWriter, r *http.Request) error {
	if err := s.parseForm(w, r); err != nil {
		return err
	}
	_, err := s.svc.CaseFile.CreateTask(r.Context(), web.MustActor(r), r.PathValue("id"), casefile.TaskInput{
		Title: r.PostFormValue("task-title"), DueDate: r.PostFormValue("task-due_date"), AssigneeID: r.PostFormValue("task-assignee_id"),
		JournalEntryID: r.PostFormValue("task-journal_entry_id")})
	if from := r.PostFormValue("task-journal_entry_id"); from != "" {
		r.URL.RawQuery = url.Values{"task_from": {from}}.Encode() // shown again on a mistake
	}
	return s.afterPost(w, r, err, "task-", "tasks")
}

func (s *Server) pageTaskStatus(w http.ResponseWriter, r *http.Request) error {
	if err := s.parseForm(w, r); err != nil {
		return err
	}
	_, err := s.svc.CaseFile.UpdateTask(r.Context(), web.MustActor(r), r.PathValue("task"), casefile.TaskUpdate{Status: r.PostFormValue("status")})
	return s.afterPost(w, r, err, "status-", "tasks")
}

// pageUploadDocument takes the document form (multipart). The form was
// read whole before (the CSRF check needs its token), within MaxUpload.
func (s *Server) pageUploadDocument(w http.ResponseWriter, r *http.Request) error {
	if err := s.parseForm(w, r); err != nil {
		return err
	}
	in := casefile.DocumentInput{Kind: r.PostFormValue("doc-kind"), Title: r.PostFormValue("doc-title"), ExpiresOn: r.PostFormValue("doc-expires_on")}
	var content io.Reader
	if r.MultipartForm != nil && len(r.MultipartForm.File["doc-file"]) == 1 {
		fh := r.MultipartForm.File["doc-file"][0]
		f, err := fh.Open()
		if err != nil {
			return err
		}
		defer f.Close()
		content = f
		if in.Title == "" {
			in.Title = fh.Filename
		}
	}
	if content == nil {
		// No file: the service still checks the actor first, then
		// refuses the empty content.
		content = strings.NewReader("")
	}
	if r.MultipartForm != nil {
		defer r.MultipartForm.RemoveAll()
	}
	_, err := s.svc.CaseFile.AddDocument(r.Context(), web.MustActor(r), r.PathValue("id"), in, content)
	return s.afterPost(w, r, err, "doc-", "documents")
}

func (s *Server) pageAcknowledge(w http.ResponseWriter, r *http.Request) error {
	h, err := s.svc.CaseFile.Acknowledge(r.Context(), web.MustActor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/persons/"+h.PersonID+"#handovers", http.StatusSeeOther)
	return nil
}

// CaseFileDay gives "Ma journée" the case file's part: the worker's tasks
// due today or overdue, and the files they opened last. Appointments and
// reviews belong to other features and stay nil (not available) here.
func CaseFileDay(cf *casefile.Service) web.DaySource { return caseFileDay{cf} }

type caseFileDay struct{ cf *casefile.Service }

func (d caseFileDay) Day(ctx context.Context, actor parcours.Actor, now time.Time) (*web.Day, error) {
	wd, err := d.cf.Day(ctx, actor)
	if err != nil {
		return nil, err
	}
	day := &web.Day{RecentFiles: []web.DayItem{}, HiddenTasks: wd.HiddenTasks}
	if wd.Tasks != nil {
		// Due today and late: the late ones first, marked.
		day.Tasks = []web.DayItem{}
		for _, late := range []bool{true, false} {
			for _, t := range wd.Tasks {
				if t.Overdue != late {
					continue
				}
				item := web.DayItem{Href: "/persons/" + t.PersonID + "#tasks", Label: t.PersonName + " — " + t.Title, Note: "home.task.today"}
				if late {
					item.Note = "home.task.overdue"
				}
				if due, err := parcours.ParseDate(t.DueDate); err == nil {
					item.When = due
				}
				day.Tasks = append(day.Tasks, item)
			}
		}
	}
	if wd.Handovers != nil {
		day.Handovers = []web.DayItem{}
		for _, h := range wd.Handovers {
			day.Handovers = append(day.Handovers, web.DayItem{Href: "/persons/" + h.PersonID + "#handovers", Label: h.PersonName, When: h.CreatedAt, Note: "home.handover.to_acknowledge"})
		}
	}
	for _, f := range wd.Recent {
		day.RecentFiles = append(day.RecentFiles, web.DayItem{Href: "/persons/" + f.PersonID, Label: f.PersonName, When: f.VisitedAt})
	}
	return day, nil
}

// The case file's settings of an organisation: the catalogue of
// accompaniment kinds and the interview templates (managers and admins).

type caseFileSettings struct {
	Kinds                  []parcours.AccompanimentKind
	Templates              []*parcours.InterviewTemplate
	CanKinds, CanTemplates bool
	Saved                  bool
}

func (s *Server) pageCaseFileSettings(w http.ResponseWriter, r *http.Request) error {
	return s.showCaseFileSettings(w, r, http.StatusOK, &web.PageData{})
}

func (s *Server) showCaseFileSettings(w http.ResponseWriter, r *http.Request, status int, p *web.PageData) error {
	a := web.MustActor(r)
	d := &caseFileSettings{Saved: r.URL.Query().Get("saved") != "" && status == http.StatusOK,
		CanKinds:     access.Allowed(a, access.AccompanimentKinds, access.Target{}),
		CanTemplates: access.Allowed(a, access.InterviewTemplateManage, access.Target{})}
	var err error
	if d.Kinds, err = s.svc.CaseFile.Kinds(r.Context(), a); err != nil {
		return err
	}
	if d.Templates, err = s.svc.CaseFile.Templates(r.Context(), a); err != nil {
		return err
	}
	p.Title, p.Data = "cf.settings.title", d
	return s.Render(w, r, status, "accompaniment_settings.html", p)
}

// settingsPosted ends a settings form like afterPost does for the file.
func (s *Server) settingsPosted(w http.ResponseWriter, r *http.Request, err error) error {
	if err == nil {
		http.Redirect(w, r, "/settings/casefile?saved=1", http.StatusSeeOther)
		return nil
	}
	e := parcours.AsError(err)
	if e == nil || (e.Code != parcours.EInvalid && e.Code != parcours.EConflict) {
		return err
	}
	p := &web.PageData{Form: typedForm(r)}
	p.AddErrors(web.Lang(r), e, "", "")
	return s.showCaseFileSettings(w, r, web.StatusOf(e.Code), p)
}

func (s *Server) pagePutKind(w http.ResponseWriter, r *http.Request) error {
	if err := s.parseForm(w, r); err != nil {
		return err
	}
	_, err := s.svc.CaseFile.PutKind(r.Context(), web.MustActor(r), parcours.AccompanimentKind{
		Code: r.PostFormValue("code"), Label: r.PostFormValue("label"), Active: r.PostFormValue("active") != "false"})
	return s.settingsPosted(w, r, err)
}

func (s *Server) pageAddTemplate(w http.ResponseWriter, r *http.Request) error {
	if err := s.parseForm(w, r); err != nil {
		return err
	}
	_, err := s.svc.CaseFile.CreateTemplate(r.Context(), web.MustActor(r), casefile.TemplateInput{
		Name: r.PostFormValue("name"), Body: r.PostFormValue("body")})
	return s.settingsPosted(w, r, err)
}

// pageExpiringDocuments lists the organisation's documents expiring within
// 30 days, to renew them in time.
func (s *Server) pageExpiringDocuments(w http.ResponseWriter, r *http.Request) error {
	list, err := s.svc.CaseFile.Expiring(r.Context(), web.MustActor(r))
	if err != nil {
		return err
	}
	return s.Render(w, r, http.StatusOK, "document_expiring.html", &web.PageData{Title: "cf.expiring.title", Data: list})
}
