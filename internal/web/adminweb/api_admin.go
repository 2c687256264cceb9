package adminweb

import (
	"net/http"

	"parcours/internal/org"
	"parcours/internal/parcours"
	"parcours/internal/web"
)

// Administration over the API, for scripts of an organisation's admin:
// accounts, teams and settings. The same service methods as the pages; the
// policy (admins of the organisation only, except reading its teams and
// settings) is theirs.

type workerCreateInput struct {
	Email     string   `json:"email"`
	FirstName string   `json:"first_name"`
	LastName  string   `json:"last_name"`
	Role      string   `json:"role"`
	TeamIDs   []string `json:"team_ids"`
	Password  string   `json:"password"`
	Language  string   `json:"language"`
}

type workerPatchInput struct {
	FirstName *string   `json:"first_name"`
	LastName  *string   `json:"last_name"`
	Role      *string   `json:"role"`
	TeamIDs   *[]string `json:"team_ids"`
	Disabled  *bool     `json:"disabled"`
	ResetTOTP bool      `json:"reset_totp"`
	Password  string    `json:"password"`
}

type teamInput struct {
	Name string `json:"name"`
}

type settingsInput struct {
	TOTPOptional        *bool `json:"totp_optional"`
	ShowWorkerNames     *bool `json:"show_worker_names"`
	RenewalReminderDays *int  `json:"renewal_reminder_days"`
}

func (s *Server) adminAPIRoutes() {
	s.Schema("Worker", web.Object([]string{"id", "organization_id", "email", "first_name", "last_name", "role", "team_ids", "disabled", "totp_enabled", "created_at"}, web.Schema{
		"id": web.Str(), "organization_id": web.Str(), "email": web.Str(), "first_name": web.Str(), "last_name": web.Str(),
		"role": web.Enum("admin", "manager", "worker", "reception"), "team_ids": web.ArrayOf(web.Str()), "disabled": web.Boolean(),
		"language": web.Str(), "totp_enabled": web.Boolean(), "created_at": web.StrFmt("date-time"),
	}))
	s.Schema("WorkerInput", web.Object([]string{"email", "role", "password"}, web.Schema{
		"email": web.Str(), "first_name": web.Str(), "last_name": web.Str(), "role": web.Enum("admin", "manager", "worker", "reception"),
		"team_ids": web.ArrayOf(web.Str()), "password": web.Str(), "language": web.Enum("fr", "en"),
	}))
	s.Schema("WorkerPatch", web.Object(nil, web.Schema{
		"first_name": web.Str(), "last_name": web.Str(), "role": web.Enum("admin", "manager", "worker", "reception"),
		"team_ids": web.ArrayOf(web.Str()), "disabled": web.Boolean(), "reset_totp": web.Boolean(), "password": web.Str(),
	}))
	s.Schema("Team", web.Object([]string{"id", "organization_id", "name", "created_at"}, web.Schema{
		"id": web.Str(), "organization_id": web.Str(), "name": web.Str(), "created_at": web.StrFmt("date-time"),
	}))
	s.Schema("TeamInput", web.Object([]string{"name"}, web.Schema{"name": web.Str()}))
	s.Schema("Organization", web.Object([]string{"id", "name", "kind", "totp_optional", "show_worker_names", "created_at"}, web.Schema{
		"id": web.Str(), "name": web.Str(), "kind": web.Enum("ccas", "departement", "association"), "siret": web.Str(),
		"totp_optional": web.Boolean(), "show_worker_names": web.Boolean(), "renewal_reminder_days": web.Integer(), "created_at": web.StrFmt("date-time"),
	}))
	s.Schema("OrganizationPatch", web.Object(nil, web.Schema{"totp_optional": web.Boolean(), "show_worker_names": web.Boolean(),
		"renewal_reminder_days": web.Integer()}))

	s.Handle("GET", "/api/v1/workers", web.API, func(w http.ResponseWriter, r *http.Request) error {
		a := web.MustActor(r)
		ws, err := s.svc.Orgs.Workers(r.Context(), a, a.OrgID)
		if err != nil {
			return err
		}
		web.WriteJSON(w, http.StatusOK, map[string]any{"items": ws, "next_cursor": ""})
		return nil
	}, &web.Op{ID: "listWorkers", Summary: "The accounts of the organisation (admins)", Tag: "admin", Response: "Worker", List: true})

	s.Handle("POST", "/api/v1/workers", web.API, func(w http.ResponseWriter, r *http.Request) error {
		var in workerCreateInput
		if err := s.DecodeJSON(w, r, &in); err != nil {
			return err
		}
		a := web.MustActor(r)
		wk, err := s.svc.Orgs.CreateWorker(r.Context(), a, a.OrgID, org.WorkerInput{Email: in.Email, FirstName: in.FirstName,
			LastName: in.LastName, Role: parcours.Role(in.Role), Teams: in.TeamIDs, Password: in.Password, Language: in.Language})
		if err != nil {
			return err
		}
		web.WriteJSON(w, http.StatusCreated, wk)
		return nil
	}, &web.Op{ID: "createWorker", Summary: "Create an account in the organisation (admins)", Tag: "admin", Request: "WorkerInput", Response: "Worker", Status: http.StatusCreated})

	s.Handle("PATCH", "/api/v1/workers/{id}", web.API, func(w http.ResponseWriter, r *http.Request) error {
		var in workerPatchInput
		if err := s.DecodeJSON(w, r, &in); err != nil {
			return err
		}
		up := org.WorkerUpdate{FirstName: in.FirstName, LastName: in.LastName, Teams: in.TeamIDs, Disabled: in.Disabled, ResetTOTP: in.ResetTOTP, Password: in.Password}
		if in.Role != nil {
			role := parcours.Role(*in.Role)
			up.Role = &role
		}
		wk, err := s.svc.Orgs.UpdateWorker(r.Context(), web.MustActor(r), r.PathValue("id"), up)
		if err != nil {
			return err
		}
		web.WriteJSON(w, http.StatusOK, wk)
		return nil
	}, &web.Op{ID: "updateWorker", Summary: "Change an account: names, role, teams, disabled, second factor or password reset (the last three end its sessions)", Tag: "admin",
		Request: "WorkerPatch", Response: "Worker"})

	s.Handle("GET", "/api/v1/teams", web.API, func(w http.ResponseWriter, r *http.Request) error {
		a := web.MustActor(r)
		ts, err := s.svc.Orgs.Teams(r.Context(), a, a.OrgID)
		if err != nil {
			return err
		}
		web.WriteJSON(w, http.StatusOK, map[string]any{"items": ts, "next_cursor": ""})
		return nil
	}, &web.Op{ID: "listTeams", Summary: "The teams of the organisation", Tag: "admin", Response: "Team", List: true})

	s.Handle("POST", "/api/v1/teams", web.API, func(w http.ResponseWriter, r *http.Request) error {
		var in teamInput
		if err := s.DecodeJSON(w, r, &in); err != nil {
			return err
		}
		a := web.MustActor(r)
		t, err := s.svc.Orgs.CreateTeam(r.Context(), a, a.OrgID, in.Name)
		if err != nil {
			return err
		}
		web.WriteJSON(w, http.StatusCreated, t)
		return nil
	}, &web.Op{ID: "createTeam", Summary: "Create a team (admins)", Tag: "admin", Request: "TeamInput", Response: "Team", Status: http.StatusCreated})

	s.Handle("GET", "/api/v1/organization", web.API, func(w http.ResponseWriter, r *http.Request) error {
		a := web.MustActor(r)
		o, err := s.svc.Orgs.Org(r.Context(), a, a.OrgID)
		if err != nil {
			return err
		}
		web.WriteJSON(w, http.StatusOK, o)
		return nil
	}, &web.Op{ID: "getOrganization", Summary: "The acting worker's organisation and its settings", Tag: "admin", Response: "Organization"})

	s.Handle("PATCH", "/api/v1/organization", web.API, func(w http.ResponseWriter, r *http.Request) error {
		var in settingsInput
		if err := s.DecodeJSON(w, r, &in); err != nil {
			return err
		}
		a := web.MustActor(r)
		o, err := s.svc.Orgs.UpdateSettings(r.Context(), a, a.OrgID, org.Settings{TOTPOptional: in.TOTPOptional, ShowWorkerNames: in.ShowWorkerNames,
			RenewalReminderDays: in.RenewalReminderDays})
		if err != nil {
			return err
		}
		web.WriteJSON(w, http.StatusOK, o)
		return nil
	}, &web.Op{ID: "updateOrganization", Summary: "Change the organisation's settings (admins)", Tag: "admin", Request: "OrganizationPatch", Response: "Organization"})
}
