package rightsweb

import (
	"net/http"
	"strings"

	"parcours/internal/access"
	"parcours/internal/letters"
	"parcours/internal/parcours"
	"parcours/internal/rights"
	"parcours/internal/web"
)

// The pages: the file's « Droits et démarches » tab and its forms (each
// works without JavaScript and redirects after a successful post), the
// printable mandate, « mes démarches à relancer » and the catalogue.

func (s *server) pageRoutes() {
	s.Handle("GET", "/persons/{id}/rights", web.Page, s.pageTab, nil)
	s.Handle("POST", "/persons/{id}/procedures", web.Page, s.pageCreateProcedure, nil)
	s.Handle("POST", "/persons/{id}/procedures/{proc}", web.Page, s.pageUpdateProcedure, nil)
	s.Handle("POST", "/persons/{id}/autonomy-checks", web.Page, s.pageAddAutonomyCheck, nil)
	s.Handle("POST", "/persons/{id}/mandates", web.Page, s.pageCreateMandate, nil)
	s.Handle("POST", "/persons/{id}/mandates/{mandate}/revoke", web.Page, s.pageRevokeMandate, nil)
	s.Handle("POST", "/persons/{id}/mandates/{mandate}/scan", web.Page, s.pageMandateScan, nil)
	s.Handle("GET", "/procedures/follow-up", web.Page, s.pageFollowUp, nil)
	s.Handle("GET", "/rights", web.Page, s.pageCatalogue, nil)
	s.Handle("POST", "/rights/aids", web.Page, s.pagePutAid, nil)
}

// tabPage is what rights.html shows.
type tabPage struct {
	*rights.Tab
	Saved                                         bool
	Statuses, HelpLevels, Obstacles               []string
	Equipment, Connection, Email, FC, Alone, Lang []string
	// Euros formats cents for the page.
	Euros func(int64) string
}

func (s *server) showTab(w http.ResponseWriter, r *http.Request, status int, p *web.PageData) error {
	tab, err := s.svc.RightsTab(r.Context(), web.MustActor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	p.Title = "rights.tab_title"
	p.Data = &tabPage{Tab: tab, Saved: r.URL.Query().Get("saved") == "1",
		Statuses: parcours.ProcedureStatuses, HelpLevels: parcours.HelpLevels, Obstacles: parcours.DigitalObstacles,
		Equipment: parcours.AutonomyEquipment, Connection: parcours.AutonomyConnection, Email: parcours.AutonomyEmail,
		FC: parcours.AutonomyFC, Alone: parcours.AutonomyAlone, Lang: parcours.AutonomyLanguage, Euros: parcours.FormatEuros}
	return s.Render(w, r, status, "rights.html", p)
}

func (s *server) pageTab(w http.ResponseWriter, r *http.Request) error {
	p := &web.PageData{}
	// ?right= preselects the right of a new procedure (the pre-screening
	// links here).
	if rc := r.URL.Query().Get("right"); rc != "" {
		p.Form = map[string]string{"proc-right_code": rc}
	}
	return s.showTab(w, r, http.StatusOK, p)
}

// afterPost redirects to the tab after a success; a mistake shows the tab
// again with the messages beside the fields (prefix) and what was typed.
func (s *server) afterPost(w http.ResponseWriter, r *http.Request, err error, prefix, anchor string) error {
	if err == nil {
		http.Redirect(w, r, "/persons/"+r.PathValue("id")+"/rights?saved=1#"+anchor, http.StatusSeeOther)
		return nil
	}
	e := parcours.AsError(err)
	if e == nil || (e.Code != parcours.EInvalid && e.Code != parcours.EConflict && e.Code != parcours.EBadRequest &&
		e.Code != parcours.ETooLarge && e.Code != parcours.EUnsupported) {
		return err
	}
	p := &web.PageData{Form: web.TypedForm(r)}
	p.AddErrors(web.Lang(r), e, prefix, "form")
	return s.showTab(w, r, web.StatusOf(e.Code), p)
}

// euros reads an amount typed in euros (« 1 874,50 ») as cents; "" is 0.
func euros(v, field string) (int64, error) {
	if strings.TrimSpace(v) == "" {
		return 0, nil
	}
	c, ok := parcours.ParseEuros(v)
	if !ok {
		return 0, parcours.FieldError(parcours.EInvalid, field, "error.amount_invalid", "field.rights."+field)
	}
	return c, nil
}

func (s *server) pageCreateProcedure(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(r); err != nil {
		return err
	}
	f := r.PostForm
	cents, err := euros(f.Get("proc-amount_cents"), "amount_cents")
	if err == nil {
		_, err = s.svc.CreateProcedure(r.Context(), web.MustActor(r), r.PathValue("id"), rights.ProcedureInput{
			RightCode: f.Get("proc-right_code"), Status: f.Get("proc-status"), HelpLevel: f.Get("proc-help_level"),
			Obstacles: f["proc-obstacles"], FiledOn: f.Get("proc-filed_on"), AmountCents: cents,
			NextStep: f.Get("proc-next_step"), DueDate: f.Get("proc-due_date"), Note: f.Get("proc-note")})
	}
	return s.afterPost(w, r, err, "proc-", "procedures")
}

func (s *server) pageUpdateProcedure(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(r); err != nil {
		return err
	}
	f := r.PostForm
	opt := func(k string) *string {
		if _, ok := f[k]; !ok {
			return nil
		}
		v := f.Get(k)
		return &v
	}
	in := rights.ProcedureUpdate{Status: opt("status"), NextStep: opt("next_step"), DueDate: opt("due_date"), DecidedOn: opt("decided_on")}
	var err error
	if v, ok := f["amount_cents"]; ok && strings.TrimSpace(v[0]) != "" {
		var c int64
		if c, err = euros(v[0], "amount_cents"); err == nil {
			in.AmountCents = &c
		}
	}
	if err == nil {
		_, err = s.svc.UpdateProcedure(r.Context(), web.MustActor(r), r.PathValue("proc"), in)
	}
	return s.afterPost(w, r, err, "upd-", "procedures")
}

func (s *server) pageAddAutonomyCheck(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(r); err != nil {
		return err
	}
	f := r.PostForm
	_, err := s.svc.AddAutonomyCheck(r.Context(), web.MustActor(r), r.PathValue("id"), rights.AutonomyInput{
		CheckedOn: f.Get("auto-checked_on"), Equipment: f.Get("auto-equipment"), Connection: f.Get("auto-connection"),
		Email: f.Get("auto-email"), FranceConnect: f.Get("auto-franceconnect"), Alone: f.Get("auto-alone"), Language: f.Get("auto-language")})
	return s.afterPost(w, r, err, "auto-", "autonomy")
}

func (s *server) pageCreateMandate(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(r); err != nil {
		return err
	}
	f := r.PostForm
	_, err := s.svc.CreateMandate(r.Context(), web.MustActor(r), r.PathValue("id"), rights.MandateInput{
		WorkerID: f.Get("mand-worker_id"), Procedures: f["mand-procedures"], StartDate: f.Get("mand-start_date"), EndDate: f.Get("mand-end_date")})
	return s.afterPost(w, r, err, "mand-", "mandates")
}

func (s *server) pageRevokeMandate(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(r); err != nil {
		return err
	}
	_, err := s.svc.RevokeMandate(r.Context(), web.MustActor(r), r.PathValue("mandate"), rights.RevokeInput{
		RevokedOn: r.PostForm.Get("revoked_on"), Note: r.PostForm.Get("note")})
	return s.afterPost(w, r, err, "rev-", "mandates")
}

// pageMandateScan attaches the signed mandate's scan sent from the tab
// (a multipart form with the file).
func (s *server) pageMandateScan(w http.ResponseWriter, r *http.Request) error {
	name, content, err := s.UploadForm(w, r, "file")
	if err != nil {
		return err
	}
	in := rights.ScanInput{}
	if content != nil {
		defer content.Close()
		in.Name, in.Content = name, content
	}
	_, err = s.svc.AttachMandateScan(r.Context(), web.MustActor(r), r.PathValue("mandate"), in)
	return s.afterPost(w, r, err, "scan-", "mandates")
}

// apiMandatePDF is the printable mandate, to sign (a PDF download; a
// browser session works as well as a token).
func (s *server) apiMandatePDF(w http.ResponseWriter, r *http.Request) error {
	p, err := s.svc.PrintMandate(r.Context(), web.MustActor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	var names []string
	for _, c := range p.Mandate.Procedures {
		if n := p.Names[c]; n != "" {
			names = append(names, n)
		} else {
			names = append(names, c)
		}
	}
	b, err := letters.MandateForm(letters.Mandate{OrgName: p.OrgName, PersonName: p.Person.DisplayName(), BirthDate: p.Person.BirthDate,
		WorkerName: p.WorkerName, Procedures: names, StartDate: p.Mandate.StartDate, EndDate: p.Mandate.EndDate, Reference: p.Mandate.ID})
	if err != nil {
		return err
	}
	return sendPDF(w, "mandat-"+p.Mandate.StartDate+".pdf", b)
}

// sendPDF writes a generated PDF as a download that is never cached.
func sendPDF(w http.ResponseWriter, name string, b []byte) error {
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	_, err := w.Write(b)
	return err
}

type followUpPage struct {
	*rights.FollowUp
}

func (s *server) pageFollowUp(w http.ResponseWriter, r *http.Request) error {
	f, err := s.svc.MyFollowUp(r.Context(), web.MustActor(r))
	if err != nil {
		return err
	}
	return s.Render(w, r, http.StatusOK, "procedures_follow_up.html", &web.PageData{Title: "rights.follow_up_title", Data: &followUpPage{f}})
}

type cataloguePage struct {
	*rights.Catalogue
	CanManage bool
	Euros     func(int64) string
}

func (s *server) showCatalogue(w http.ResponseWriter, r *http.Request, status int, p *web.PageData) error {
	c, err := s.svc.Catalogue(r.Context(), web.MustActor(r))
	if err != nil {
		return err
	}
	p.Title = "rights.catalogue_title"
	p.Data = &cataloguePage{Catalogue: c, CanManage: access.Allowed(web.MustActor(r), access.AidCatalogueManage, access.Target{}),
		Euros: parcours.FormatEuros}
	return s.Render(w, r, status, "rights_catalogue.html", p)
}

func (s *server) pageCatalogue(w http.ResponseWriter, r *http.Request) error {
	return s.showCatalogue(w, r, http.StatusOK, &web.PageData{})
}

func (s *server) pagePutAid(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(r); err != nil {
		return err
	}
	f := r.PostForm
	cents, err := euros(f.Get("ceiling_cents"), "ceiling_cents")
	if err == nil {
		var docs []string
		for _, d := range strings.Split(f.Get("documents"), "\n") {
			docs = append(docs, strings.TrimSpace(d))
		}
		months := 0
		if v := strings.TrimSpace(f.Get("period_months")); v != "" {
			for _, c := range v {
				if c < '0' || c > '9' || months > 1000 {
					months = -1
					break
				}
				months = months*10 + int(c-'0')
			}
		}
		_, err = s.svc.PutAid(r.Context(), web.MustActor(r), strings.TrimSpace(f.Get("code")), rights.AidInput{
			Name: f.Get("name"), Body: f.Get("body"), Description: f.Get("description"), Documents: docs, URL: f.Get("url"),
			ActiveFrom: f.Get("active_from"), ActiveTo: f.Get("active_to"), CeilingCents: cents, PeriodMonths: months})
	}
	if err == nil {
		http.Redirect(w, r, "/rights?saved=1", http.StatusSeeOther)
		return nil
	}
	e := parcours.AsError(err)
	if e == nil || e.Code != parcours.EInvalid {
		return err
	}
	p := &web.PageData{Form: web.TypedForm(r)}
	p.AddErrors(web.Lang(r), e, "", "form")
	return s.showCatalogue(w, r, web.StatusOf(e.Code), p)
}
