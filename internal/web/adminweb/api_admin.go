package adminweb

import (
	"net/http"

	"parcours/internal/org"
	"parcours/internal/parcours"
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
	TOTPOptional    *bool `json:"totp_optional"`
	ShowWorkerNames *bool `json:"show_worker_names"`
}

func (s *Server) adminAPIRoutes() {
	s.schema("Worker", object([]string{"id", "organization_id", "email", "first_name", "last_name", "role", "team_ids", "disabled", "totp_enabled", "created_at"}, Schema{
		"id": str(), "organization_id": str(), "email": str(), "first_name": str(), "last_name": str(),
		"role": enum("admin", "manager", "worker", "reception"), "team_ids": arrayOf(str()), "disabled": boolean(),
		"language": str(), "totp_enabled": boolean(), "created_at": strFmt("date-time"),
	}))
	s.schema("WorkerInput", object([]string{"email", "role", "password"}, Schema{
		"email": str(), "first_name": str(), "last_name": str(), "role": enum("admin", "manager", "worker", "reception"),
		"team_ids": arrayOf(str()), "password": str(), "language": enum("fr", "en"),
	}))
	s.schema("WorkerPatch", object(nil, Schema{
		"first_name": str(), "last_name": str(), "role": enum("admin", "manager", "worker", "reception"),
		"team_ids": arrayOf(str()), "disabled": boolean(), "reset_totp": boolean(), "password": str(),
	}))
	s.schema("Team", object([]string{"id", "organization_id", "name", "created_at"}, Schema{
		"id": str(), "organization_id": str(), "name": str(), "created_at": strFmt("date-time"),
	}))
	s.schema("TeamInput", object([]string{"name"}, Schema{"name": str()}))
	s.schema("Organization", object([]string{"id", "name", "kind", "totp_optional", "show_worker_names", "created_at"}, Schema{
		"id": str(), "name": str(), "kind": enum("ccas", "departement", "association"), "siret": str(),
		"totp_optional": boolean(), "show_worker_names": boolean(), "created_at": strFmt("date-time"),
	}))
	s.schema("OrganizationPatch", object(nil, Schema{"totp_optional": boolean(), "show_worker_names": boolean()}))

	s.handle("GET", "/api/v1/workers", API, func(w http.ResponseWriter, r *http.Request) error {
		a := mustActor(r)
		ws, err := s.svc.Orgs.Workers(r.Context(), a, a.OrgID)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, map[string]any{"items": ws, "next_cursor": ""})
		return nil
	}, &Op{ID: "listWorkers", Summary: "The accounts of the organisation (admins)", Tag: "admin", Response: "Worker", List: true})

	s.handle("POST", "/api/v1/workers", API, func(w http.ResponseWriter, r *http.Request) error {
		var in workerCreateInput
		if err := s.decodeJSON(w, r, &in); err != nil {
			return err
		}
		a := mustActor(r)
		wk, err := s.svc.Orgs.CreateWorker(r.Context(), a, a.OrgID, org.WorkerInput{Email: in.Email, FirstName: in.FirstName,
			LastName: in.LastName, Role: parcours.Role(in.Role), Teams: in.TeamIDs, Password: in.Password, Language: in.Language})
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusCreated, wk)
		return nil
	}, &Op{ID: "createWorker", Summary: "Create an account in the organisation (admins)", Tag: "admin", Request: "WorkerInput", Response: "Worker", Status: http.StatusCreated})

	s.handle("PATCH", "/api/v1/workers/{id}", API, func(w http.ResponseWriter, r *http.Request) error {
		var in workerPatchInput
		if err := s.decodeJSON(w, r, &in); err != nil {
			return err
		}
		up := org.WorkerUpdate{FirstName: in.FirstName, LastName: in.LastName, Teams: in.TeamIDs, Disabled: in.Disabled, ResetTOTP: in.ResetTOTP, Password: in.Password}
		if in.Role != nil {
			role := parcours.Role(*in.Role)
			up.Role = &role
		}
		wk, err := s.svc.Orgs.UpdateWorker(r.Context(), mustActor(r), r.PathValue("id"), up)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, wk)
		return nil
	}, &Op{ID: "updateWorker", Summary: "Change an account: names, role, teams, disabled, second factor or password reset (the last three end its sessions)", Tag: "admin",
		Request: "WorkerPatch", Response: "Worker"})

	s.handle("GET", "/api/v1/teams", API, func(w http.ResponseWriter, r *http.Request) error {
		a := mustActor(r)
		ts, err := s.svc.Orgs.Teams(r.Context(), a, a.OrgID)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, map[string]any{"items": ts, "next_cursor": ""})
		return nil
	}, &Op{ID: "listTeams", Summary: "The teams of the organisation", Tag: "admin", Response: "Team", List: true})

	s.handle("POST", "/api/v1/teams", API, func(w http.ResponseWriter, r *http.Request) error {
		var in teamInput
		if err := s.decodeJSON(w, r, &in); err != nil {
			return err
		}
		a := mustActor(r)
		t, err := s.svc.Orgs.CreateTeam(r.Context(), a, a.OrgID, in.Name)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusCreated, t)
		return nil
	}, &Op{ID: "createTeam", Summary: "Create a team (admins)", Tag: "admin", Request: "TeamInput", Response: "Team", Status: http.StatusCreated})

	s.handle("GET", "/api/v1/organization", API, func(w http.ResponseWriter, r *http.Request) error {
		a := mustActor(r)
		o, err := s.svc.Orgs.Org(r.Context(), a, a.OrgID)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, o)
		return nil
	}, &Op{ID: "getOrganization", Summary: "The acting worker's organisation and its settings", Tag: "admin", Response: "Organization"})

	s.handle("PATCH", "/api/v1/organization", API, func(w http.ResponseWriter, r *http.Request) error {
		var in settingsInput
		if err := s.decodeJSON(w, r, &in); err != nil {
			return err
		}
		a := mustActor(r)
		o, err := s.svc.Orgs.UpdateSettings(r.Context(), a, a.OrgID, org.Settings{TOTPOptional: in.TOTPOptional, ShowWorkerNames: in.ShowWorkerNames})
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, o)
		return nil
	}, &Op{ID: "updateOrganization", Summary: "Change the organisation's settings (admins)", Tag: "admin", Request: "OrganizationPatch", Response: "Organization"})
}
