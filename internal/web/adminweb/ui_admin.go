package adminweb

import (
	"net/http"
	"strconv"
	"strings"

	"parcours/internal/auth"
	"parcours/internal/org"
	"parcours/internal/parcours"
	"parcours/internal/web"
)

// Minimal administration pages for an organisation's admin: accounts,
// teams and settings. Deliberately plain; the service decides who may do
// what (only admins of the organisation), the pages only show and post.

func (s *Server) adminRoutes() {
	s.Handle("GET", "/admin", web.Page, s.adminWorkers, nil)
	s.Handle("POST", "/admin/workers", web.Page, s.adminWorkerCreate, nil)
	s.Handle("GET", "/admin/workers/{id}", web.Page, s.adminWorkerPage, nil)
	s.Handle("POST", "/admin/workers/{id}", web.Page, s.adminWorkerUpdate, nil)
	s.Handle("GET", "/admin/teams", web.Page, s.adminTeams, nil)
	s.Handle("POST", "/admin/teams", web.Page, s.adminTeamCreate, nil)
	s.Handle("GET", "/admin/settings", web.Page, s.adminSettings, nil)
	s.Handle("POST", "/admin/settings", web.Page, s.adminSettingsSave, nil)
}

var adminFlashes = map[string]string{
	"created":  "page.admin.worker_created",
	"saved":    "page.admin.saved",
	"team":     "page.admin.team_created",
	"settings": "page.admin.settings_saved",
}

type adminWorkersData struct {
	Workers   []*parcours.Worker
	Teams     []*parcours.Team
	TeamNames map[string]string
	Roles     []parcours.Role
	Password  string // generated for the account just created, shown once
}

func (s *Server) adminWorkers(w http.ResponseWriter, r *http.Request) error {
	return s.renderAdminWorkers(w, r, http.StatusOK, &web.PageData{Flash: adminFlashes[r.URL.Query().Get("done")]}, "")
}

func (s *Server) renderAdminWorkers(w http.ResponseWriter, r *http.Request, status int, p *web.PageData, password string) error {
	a := web.MustActor(r)
	ws, err := s.svc.Orgs.Workers(r.Context(), a, a.OrgID)
	if err != nil {
		return err
	}
	teams, err := s.svc.Orgs.Teams(r.Context(), a, a.OrgID)
	if err != nil {
		return err
	}
	names := map[string]string{}
	for _, t := range teams {
		names[t.ID] = t.Name
	}
	p.Title = "page.admin.workers"
	p.Data = adminWorkersData{Workers: ws, Teams: teams, TeamNames: names, Roles: parcours.Roles, Password: password}
	return s.Render(w, r, status, "admin_workers.html", p)
}

// adminFormFailed shows a form's errors with the given renderer, or
// returns an error that is not about the form.
func adminFormFailed(r *http.Request, err error, form map[string]string, again func(*web.PageData) error) error {
	switch parcours.ErrorCode(err) {
	case parcours.EInvalid, parcours.EConflict:
	default:
		return err
	}
	p := &web.PageData{Form: form}
	web.FieldErrors(r, p, err, "email")
	return again(p)
}

func (s *Server) adminWorkerCreate(w http.ResponseWriter, r *http.Request) error {
	a := web.MustActor(r)
	if err := r.ParseForm(); err != nil {
		return parcours.Errorf(parcours.EBadRequest, "error.bad_json", "form")
	}
	in := org.WorkerInput{Email: r.PostForm.Get("email"), FirstName: r.PostForm.Get("first_name"), LastName: r.PostForm.Get("last_name"),
		Role: parcours.Role(r.PostForm.Get("role")), Teams: r.PostForm["teams"], Password: r.PostForm.Get("password")}
	generated := ""
	if in.Password == "" {
		in.Password = auth.GeneratePassword()
		generated = in.Password
	}
	if _, err := s.svc.Orgs.CreateWorker(r.Context(), a, a.OrgID, in); err != nil {
		form := map[string]string{"email": in.Email, "first_name": in.FirstName, "last_name": in.LastName, "role": string(in.Role)}
		return adminFormFailed(r, err, form, func(p *web.PageData) error {
			return s.renderAdminWorkers(w, r, web.StatusOf(parcours.ErrorCode(err)), p, "")
		})
	}
	if generated != "" {
		// Shown once, in this response: a redirect would lose it.
		return s.renderAdminWorkers(w, r, http.StatusCreated, &web.PageData{Flash: "page.admin.worker_created"}, generated)
	}
	http.Redirect(w, r, "/admin?done=created", http.StatusSeeOther)
	return nil
}

type adminWorkerData struct {
	Worker *parcours.Worker
	Teams  []*parcours.Team
	Roles  []parcours.Role
}

func (s *Server) adminWorkerPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderAdminWorker(w, r, http.StatusOK, &web.PageData{Flash: adminFlashes[r.URL.Query().Get("done")]})
}

func (s *Server) renderAdminWorker(w http.ResponseWriter, r *http.Request, status int, p *web.PageData) error {
	a := web.MustActor(r)
	wk, err := s.svc.Orgs.Worker(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return err
	}
	teams, err := s.svc.Orgs.Teams(r.Context(), a, wk.OrgID)
	if err != nil {
		return err
	}
	p.Title = "page.admin.workers"
	p.Data = adminWorkerData{Worker: wk, Teams: teams, Roles: parcours.Roles}
	return s.Render(w, r, status, "admin_worker.html", p)
}

func (s *Server) adminWorkerUpdate(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return parcours.Errorf(parcours.EBadRequest, "error.bad_json", "form")
	}
	f := r.PostForm
	role := parcours.Role(f.Get("role"))
	teams := f["teams"]
	if teams == nil {
		teams = []string{}
	}
	first, last := f.Get("first_name"), f.Get("last_name")
	disabled := f.Get("disabled") == "on"
	up := org.WorkerUpdate{FirstName: &first, LastName: &last, Role: &role, Teams: &teams, Disabled: &disabled,
		ResetTOTP: f.Get("reset_totp") == "on", Password: f.Get("password")}
	generated := ""
	if up.Password == "" && f.Get("generate_password") == "on" {
		up.Password = auth.GeneratePassword()
		generated = up.Password
	}
	if _, err := s.svc.Orgs.UpdateWorker(r.Context(), web.MustActor(r), r.PathValue("id"), up); err != nil {
		return adminFormFailed(r, err, nil, func(p *web.PageData) error {
			return s.renderAdminWorker(w, r, web.StatusOf(parcours.ErrorCode(err)), p)
		})
	}
	if generated != "" {
		// Shown once, in this response: a redirect would lose it.
		p := &web.PageData{Flash: "page.admin.saved"}
		p.Form = map[string]string{"generated": generated}
		return s.renderAdminWorker(w, r, http.StatusOK, p)
	}
	http.Redirect(w, r, "/admin/workers/"+r.PathValue("id")+"?done=saved", http.StatusSeeOther)
	return nil
}

func (s *Server) adminTeams(w http.ResponseWriter, r *http.Request) error {
	return s.renderAdminTeams(w, r, http.StatusOK, &web.PageData{Flash: adminFlashes[r.URL.Query().Get("done")]})
}

func (s *Server) renderAdminTeams(w http.ResponseWriter, r *http.Request, status int, p *web.PageData) error {
	a := web.MustActor(r)
	// Listing teams is open to every worker; this page is the admin's.
	if _, err := s.svc.Orgs.ManagedOrg(r.Context(), a, a.OrgID); err != nil {
		return err
	}
	teams, err := s.svc.Orgs.Teams(r.Context(), a, a.OrgID)
	if err != nil {
		return err
	}
	p.Title = "page.admin.teams"
	p.Data = teams
	return s.Render(w, r, status, "admin_teams.html", p)
}

func (s *Server) adminTeamCreate(w http.ResponseWriter, r *http.Request) error {
	a := web.MustActor(r)
	name := r.PostFormValue("team_name")
	if _, err := s.svc.Orgs.CreateTeam(r.Context(), a, a.OrgID, name); err != nil {
		return adminFormFailed(r, err, map[string]string{"team_name": name}, func(p *web.PageData) error {
			return s.renderAdminTeams(w, r, web.StatusOf(parcours.ErrorCode(err)), p)
		})
	}
	http.Redirect(w, r, "/admin/teams?done=team", http.StatusSeeOther)
	return nil
}

func (s *Server) adminSettings(w http.ResponseWriter, r *http.Request) error {
	return s.renderSettings(w, r, http.StatusOK, &web.PageData{Flash: adminFlashes[r.URL.Query().Get("done")]})
}

func (s *Server) renderSettings(w http.ResponseWriter, r *http.Request, status int, pd *web.PageData) error {
	a := web.MustActor(r)
	o, err := s.svc.Orgs.ManagedOrg(r.Context(), a, a.OrgID)
	if err != nil {
		return err
	}
	if pd.Form == nil {
		pd.Form = map[string]string{"renewal_reminder_days": strconv.Itoa(o.RenewalReminderDays)}
	}
	pd.Title, pd.Data = "page.admin.settings", o
	return s.Render(w, r, status, "admin_settings.html", pd)
}

func (s *Server) adminSettingsSave(w http.ResponseWriter, r *http.Request) error {
	a := web.MustActor(r)
	totp, names := r.PostFormValue("totp_optional") == "on", r.PostFormValue("show_worker_names") == "on"
	in := org.Settings{TOTPOptional: &totp, ShowWorkerNames: &names}
	raw := strings.TrimSpace(r.PostFormValue("renewal_reminder_days"))
	var err error
	if days, perr := strconv.Atoi(raw); perr == nil || raw == "" {
		if raw != "" { // an empty field leaves the threshold as it is
			in.RenewalReminderDays = &days
		}
		_, err = s.svc.Orgs.UpdateSettings(r.Context(), a, a.OrgID, in)
	} else if _, err = s.svc.Orgs.ManagedOrg(r.Context(), a, a.OrgID); err == nil {
		// Not a number: the same answer as a number out of bounds,
		// nothing saved.
		err = parcours.FieldError(parcours.EInvalid, "renewal_reminder_days", "admin.error.renewal_days", parcours.MaxRenewalDays)
	}
	if err == nil {
		http.Redirect(w, r, "/admin/settings?done=settings", http.StatusSeeOther)
		return nil
	}
	pd := &web.PageData{Form: map[string]string{"renewal_reminder_days": raw}}
	if _, ok := web.FormErrors(web.Lang(r), err, pd); !ok {
		return err
	}
	return s.renderSettings(w, r, web.StatusOf(parcours.ErrorCode(err)), pd)
}
