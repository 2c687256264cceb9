package referralweb

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"parcours/internal/casefile"
	"parcours/internal/i18n"
	"parcours/internal/letters"
	"parcours/internal/messaging"
	"parcours/internal/parcours"
	"parcours/internal/referral"
	"parcours/internal/servicedir"
	"parcours/internal/web"
)

// The pages: the directory, the boxes, a referral with its extract and
// its answers, the new-referral form, the letter and the statistics.
// Every form works without JavaScript and redirects after a success.

func (s *server) pages() {
	s.Handle("GET", "/services", web.Page, s.pageServices, nil)
	s.Handle("GET", "/referrals", web.Page, s.pageBoxes, nil)
	s.Handle("GET", "/referrals/stats", web.Page, s.pageStats, nil)
	s.Handle("GET", "/referrals/{id}", web.Page, s.pageReferral, nil)
	s.Handle("GET", "/referrals/{id}/letter", web.Page, s.pageLetter, nil)
	for _, verb := range []string{"accept", "refuse", "cancel", "end"} {
		s.Handle("POST", "/referrals/{id}/"+verb, web.Page, s.pageAct(verb), nil)
	}
	s.Handle("POST", "/referrals/{id}/entries", web.Page, s.pageWrite, nil)
	s.Handle("POST", "/referrals/{id}/threads", web.Page, s.pageThread, nil)
	s.Handle("GET", "/persons/{id}/referrals/new", web.Page, s.pageNew, nil)
	s.Handle("POST", "/persons/{id}/referrals", web.Page, s.pageCreate, nil)
	s.Handle("GET", "/settings/referrals", web.Page, s.pageSettings, nil)
	s.Handle("POST", "/settings/referrals", web.Page, s.pageSaveSettings, nil)
}

func (s *server) pageSettings(w http.ResponseWriter, r *http.Request) error {
	st, err := s.svc.Referrals.Settings(r.Context(), web.MustActor(r))
	if err != nil {
		return err
	}
	p := &web.PageData{Title: "page.referral_settings.title", Form: map[string]string{"reminder_days": strconv.Itoa(st.ReminderDays)}}
	if r.URL.Query().Get("saved") == "1" {
		p.Flash = "referral.settings.saved"
	}
	return s.Render(w, r, http.StatusOK, "referral_settings.html", p)
}

func (s *server) pageSaveSettings(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return parcours.Errorf(parcours.EBadRequest, "error.bad_json", "form")
	}
	days, err := strconv.Atoi(strings.TrimSpace(r.PostForm.Get("reminder_days")))
	if err != nil {
		days = 0 // refused below with the field's message
	}
	_, err = s.svc.Referrals.UpdateSettings(r.Context(), web.MustActor(r), referral.Settings{ReminderDays: days})
	if err == nil {
		http.Redirect(w, r, "/settings/referrals?saved=1", http.StatusSeeOther)
		return nil
	}
	p := &web.PageData{Title: "page.referral_settings.title", Form: map[string]string{"reminder_days": r.PostForm.Get("reminder_days")}}
	if _, ok := web.FormErrors(web.Lang(r), err, p); !ok {
		return err
	}
	return s.Render(w, r, web.StatusOf(parcours.ErrorCode(err)), "referral_settings.html", p)
}

type servicesPage struct {
	Themes   []string
	Services []*parcours.Service
	Searched bool
}

func (s *server) pageServices(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	in := servicedir.Query{Theme: q.Get("theme"), Commune: q.Get("commune"), Q: q.Get("q")}
	p := &web.PageData{Title: "page.services.title", Form: map[string]string{"theme": in.Theme, "commune": in.Commune, "q": in.Q}}
	d := &servicesPage{Themes: parcours.Thematiques, Searched: in != servicedir.Query{}}
	p.Data = d
	list, err := s.svc.Directory.Search(r.Context(), web.MustActor(r), in)
	if err != nil {
		if _, ok := web.FormErrors(web.Lang(r), err, p); !ok {
			return err
		}
		return s.Render(w, r, web.StatusOf(parcours.ErrorCode(err)), "services.html", p)
	}
	d.Services = list
	return s.Render(w, r, http.StatusOK, "services.html", p)
}

// ThemeKey is the catalogue key of a thématique's label.
func (servicesPage) ThemeKey(code string) string { return servicedir.ThemeLabelKey(code) }

type boxesPage struct {
	Box      string
	Status   string
	Statuses []string
	Items    []referral.Item
}

func (s *server) pageBoxes(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	box := q.Get("box")
	if box == "" {
		box = referral.BoxSent
	}
	list, err := s.svc.Referrals.List(r.Context(), web.MustActor(r), box, q.Get("status"))
	if err != nil {
		return err
	}
	return s.Render(w, r, http.StatusOK, "referrals.html", &web.PageData{Title: "page.referrals.title",
		Data: &boxesPage{Box: box, Status: q.Get("status"), Statuses: parcours.ReferralStatuses, Items: list}})
}

type statsPage struct {
	Box   string
	Stats []*referral.Stats
}

func (s *server) pageStats(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	from, err := parseDay("from", q.Get("from"))
	if err != nil {
		return err
	}
	to, err := parseDay("to", q.Get("to"))
	if err != nil {
		return err
	}
	box := q.Get("box")
	if box == "" {
		box = referral.BoxReceived
	}
	list, err := s.svc.Referrals.Statistics(r.Context(), web.MustActor(r), box, from, to)
	if err != nil {
		return err
	}
	return s.Render(w, r, http.StatusOK, "referral_stats.html", &web.PageData{Title: "page.referral_stats.title",
		Form: map[string]string{"from": q.Get("from"), "to": q.Get("to")}, Data: &statsPage{Box: box, Stats: list}})
}

func (s *server) showReferral(w http.ResponseWriter, r *http.Request, status int, p *web.PageData, tmpl string) error {
	return s.showReferralChecked(w, r, status, p, tmpl, nil)
}

func (s *server) showReferralChecked(w http.ResponseWriter, r *http.Request, status int, p *web.PageData, tmpl string, checked map[string]bool) error {
	v, err := s.svc.Referrals.Get(r.Context(), web.MustActor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	if p == nil {
		p = &web.PageData{}
	}
	d := &referralPage{View: v, Kinds: parcours.EntryKinds, Confs: parcours.Confidentialities, EndReasons: parcours.EndReasons}
	if v.CanAnswer {
		// The receiving organisation's catalogue, to open an
		// accompaniment on accepting.
		ks, err := s.svc.CaseFile.Kinds(r.Context(), web.MustActor(r))
		if err != nil {
			return err
		}
		for _, k := range ks {
			if k.Active {
				d.AccompanimentKinds = append(d.AccompanimentKinds, k)
			}
		}
	}
	if tmpl == "referral.html" {
		// The threads under the referral, for the professionals of both
		// structures who may take part; none (no section) otherwise.
		if d.Threads, err = s.svc.Messaging.ReferralThreadsOnPage(r.Context(), web.MustActor(r), v.Referral.ID); err != nil {
			return err
		}
		d.Checked = checked
	}
	p.Title, p.Data = "page.referral.title", d
	if tmpl == "referral_letter.html" {
		p.Title = "page.referral_letter.title"
	}
	if p.Flash == "" && r.URL.Query().Get("saved") == "1" {
		p.Flash = "referral.saved"
	}
	return s.Render(w, r, status, tmpl, p)
}

// referralPage is a referral's page: the referral with its extract and
// the choices of the journal form.
type referralPage struct {
	*referral.View
	Kinds, Confs, EndReasons []string
	// AccompanimentKinds are the receiving organisation's, for the
	// accompaniment accepting may open.
	AccompanimentKinds []parcours.AccompanimentKind
	// Threads are the exchanges between the two structures under the
	// referral (nil: the actor takes no part in them); Checked the
	// participants ticked in a form sent back.
	Threads *messaging.ReferralThreadsView
	Checked map[string]bool
}

// pageThread opens a thread under the referral from its page.
func (s *server) pageThread(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return parcours.Errorf(parcours.EBadRequest, "error.bad_form")
	}
	f := r.PostForm
	in := messaging.CreateInput{Subject: f.Get("subject"), ParticipantIDs: f["participant_ids"], Body: f.Get("body")}
	t, err := s.svc.Messaging.CreateForReferral(r.Context(), web.MustActor(r), r.PathValue("id"), in)
	if err == nil {
		http.Redirect(w, r, "/threads/"+t.ID, http.StatusSeeOther)
		return nil
	}
	p := &web.PageData{Form: map[string]string{"subject": in.Subject, "body": in.Body}}
	if _, ok := web.FormErrors(web.Lang(r), err, p); !ok {
		return err
	}
	checked := map[string]bool{}
	for _, id := range in.ParticipantIDs {
		checked[id] = true
	}
	return s.showReferralChecked(w, r, web.StatusOf(parcours.ErrorCode(err)), p, "referral.html", checked)
}

func (s *server) pageReferral(w http.ResponseWriter, r *http.Request) error {
	return s.showReferral(w, r, http.StatusOK, nil, "referral.html")
}

func (s *server) pageLetter(w http.ResponseWriter, r *http.Request) error {
	return s.showReferral(w, r, http.StatusOK, nil, "referral_letter.html")
}

// pageLetterPDF is the letter as a PDF (github.com/go-pdf/fpdf), for a
// service outside Parcours: the same extract as the print page.
func (s *server) pageLetterPDF(w http.ResponseWriter, r *http.Request) error {
	v, err := s.svc.Referrals.Get(r.Context(), web.MustActor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	lang := web.Lang(r)
	ref, x := v.Referral, v.Extract
	l := letters.ReferralLetter{OrgName: s.orgName(r), ServiceName: ref.ServiceNom, Reference: ref.ID,
		SentOn: ref.CreatedAt.In(web.Paris()).Format(time.DateOnly), PersonName: x.Person.DisplayName(), BirthDate: x.Person.BirthDate,
		Phone: x.Person.Phone, Reason: ref.Reason, Note: ref.Note}
	if st := x.Situation; st != nil {
		if st.Housing != "" {
			l.Situation = append(l.Situation, i18n.T(lang, "housing."+st.Housing))
		}
		for _, in := range st.IncomeSources {
			l.Situation = append(l.Situation, i18n.T(lang, "income."+in))
		}
		if st.Employment != "" {
			l.Situation = append(l.Situation, i18n.T(lang, "employment."+st.Employment))
		}
	}
	for _, e := range x.Entries {
		l.Entries = append(l.Entries, frDate(e.OccurredAt)+" : "+e.Summary)
	}
	for _, d := range x.Documents {
		l.Documents = append(l.Documents, strings.TrimSpace(i18n.T(lang, "document_kind."+d.Kind)+" "+d.Title))
	}
	for _, t := range x.Tasks {
		l.Tasks = append(l.Tasks, t.Title+" ("+frDate(t.DueDate)+")")
	}
	l.Basis = i18n.T(lang, "referral.basis."+ref.Basis)
	if ref.ConsentOn != "" {
		l.Basis += " (" + frDate(ref.ConsentOn) + ", " + i18n.T(lang, "information_method."+ref.ConsentHow) + ")"
	}
	if ref.LegalGround != "" {
		l.Basis += " : " + ref.LegalGround
	}
	pdf, err := letters.Referral(l)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="orientation-`+ref.ID+`.pdf"`)
	_, err = w.Write(pdf)
	return err
}

// orgName is the actor's organisation's name, for the letter's header.
func (s *server) orgName(r *http.Request) string {
	if o, err := s.svc.Orgs.Org(r.Context(), web.MustActor(r), web.MustActor(r).OrgID); err == nil {
		return o.Name
	}
	return ""
}

// frDate writes YYYY-MM-DD as DD/MM/YYYY.
func frDate(s string) string {
	if len(s) != 10 {
		return s
	}
	return s[8:10] + "/" + s[5:7] + "/" + s[0:4]
}

// afterPost redirects to the referral after a success, or shows it again
// with the form's messages.
func (s *server) afterPost(w http.ResponseWriter, r *http.Request, err error) error {
	if err == nil {
		http.Redirect(w, r, "/referrals/"+r.PathValue("id")+"?saved=1", http.StatusSeeOther)
		return nil
	}
	e := parcours.AsError(err)
	if e == nil || (e.Code != parcours.EInvalid && e.Code != parcours.EConflict) {
		return err
	}
	p := &web.PageData{Form: map[string]string{}}
	for k := range r.PostForm {
		p.Form[k] = r.PostForm.Get(k)
	}
	p.AddErrors(web.Lang(r), e, "", "form")
	return s.showReferral(w, r, web.StatusOf(e.Code), p, "referral.html")
}

func (s *server) pageAct(verb string) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := r.ParseForm(); err != nil {
			return parcours.Errorf(parcours.EBadRequest, "error.bad_json", "form")
		}
		f := r.PostForm
		_, err := s.act(r, verb, actInput{RefusalReason: f.Get("refusal_reason"), OpenAccompaniment: f.Get("open_accompaniment") == "1",
			Kind: f.Get("kind"), EndReason: f.Get("end_reason")})
		return s.afterPost(w, r, err)
	}
}

// pageWrite adds an entry to the journal from a referral's page: the
// receiving organisation's note, once the referral is accepted.
func (s *server) pageWrite(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return parcours.Errorf(parcours.EBadRequest, "error.bad_json", "form")
	}
	summary, conf := r.PostForm.Get("summary"), r.PostForm.Get("confidentiality")
	// « Relecture éthique »: the note's flags before it is saved, never
	// blocking (web/review.go).
	if box := s.ReviewBeforeSave(r, "summary", summary, conf); box != nil {
		return s.showReferral(w, r, http.StatusOK, &web.PageData{Form: formOf(r), Review: box}, "referral.html")
	}
	// The person is named by the form; the door decides whether the
	// actor may write in that file (for the receiving organisation:
	// through the share, once accepted).
	e, err := s.svc.CaseFile.AddEntry(r.Context(), web.MustActor(r), r.PostForm.Get("person_id"), casefile.EntryInput{
		Kind: r.PostForm.Get("kind"), Summary: summary, Confidentiality: conf, OccurredAt: r.PostForm.Get("occurred_at")})
	if err == nil {
		s.ReviewSaved(r, e.TeamID, summary, conf)
	}
	return s.afterPost(w, r, err)
}

// formOf keeps what was typed in a posted form, to show it again.
func formOf(r *http.Request) map[string]string {
	out := map[string]string{}
	for k := range r.PostForm {
		out[k] = r.PostForm.Get(k)
	}
	return out
}

func (s *server) pageNew(w http.ResponseWriter, r *http.Request) error {
	return s.showNew(w, r, http.StatusOK, &web.PageData{Form: map[string]string{"basis": "consent", "consent_how": "oral"}}, nil)
}

type newPage struct {
	Draft   *referral.Draft
	Methods []string
	Checked map[string]bool
}

func (s *server) showNew(w http.ResponseWriter, r *http.Request, status int, p *web.PageData, checked map[string]bool) error {
	d, err := s.svc.Referrals.Prepare(r.Context(), web.MustActor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	if checked == nil {
		checked = map[string]bool{}
	}
	p.Title, p.Data = "page.referral_new.title", &newPage{Draft: d, Methods: parcours.InformationMethods, Checked: checked}
	return s.Render(w, r, status, "referral_new.html", p)
}

func (s *server) pageCreate(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return parcours.Errorf(parcours.EBadRequest, "error.bad_json", "form")
	}
	f := r.PostForm
	in := referral.Input{ServiceID: f.Get("service_id"), Reason: f.Get("reason"), Note: f.Get("note"), EntryIDs: f["entry_ids"],
		DocumentIDs: f["document_ids"], TaskIDs: f["task_ids"], SituationParts: f["situation_parts"], Basis: f.Get("basis"),
		ConsentOn: f.Get("consent_on"), ConsentHow: f.Get("consent_how"), LegalGround: f.Get("legal_ground")}
	checked := map[string]bool{}
	for k, vs := range f {
		if strings.HasSuffix(k, "_ids") || k == "situation_parts" {
			for _, v := range vs {
				checked[v] = true
			}
		}
	}
	for _, fld := range []struct{ name, text string }{{"reason", in.Reason}, {"note", in.Note}} {
		if box := s.ReviewBeforeSave(r, fld.name, fld.text, ""); box != nil {
			return s.showNew(w, r, http.StatusOK, &web.PageData{Form: formOf(r), Review: box}, checked)
		}
	}
	ref, err := s.svc.Referrals.Create(r.Context(), web.MustActor(r), r.PathValue("id"), in)
	if err == nil {
		team := ""
		if a := web.MustActor(r); len(a.TeamIDs) > 0 {
			team = a.TeamIDs[0]
		}
		s.ReviewSaved(r, team, in.Reason+"\n"+in.Note, "")
		http.Redirect(w, r, "/referrals/"+url.PathEscape(ref.ID)+"?saved=1", http.StatusSeeOther)
		return nil
	}
	e := parcours.AsError(err)
	if e == nil || e.Code != parcours.EInvalid {
		return err
	}
	p := &web.PageData{Form: formOf(r)}
	p.AddErrors(web.Lang(r), e, "", "form")
	return s.showNew(w, r, web.StatusOf(e.Code), p, checked)
}
