package referralweb

import (
	"net/http"
	"strings"

	"parcours/internal/parcours"
	"parcours/internal/servicedir"
	"parcours/internal/web"
)

// The directory's administration pages: the structures and services an
// organisation entered (its own, and external ones), each with its form
// (theme, commune and area served, conditions, contact, opening hours,
// receiving team, active). The service (servicedir) decides and
// validates; these pages parse the form, call it and redirect.

func (s *server) directoryPages() {
	s.Handle("GET", "/settings/directory", web.Page, s.pageDirectory, nil)
	s.Handle("GET", "/settings/directory/structures/new", web.Page, s.pageStructureForm, nil)
	s.Handle("POST", "/settings/directory/structures", web.Page, s.pageStructureSave, nil)
	s.Handle("GET", "/settings/directory/structures/{id}", web.Page, s.pageStructureForm, nil)
	s.Handle("POST", "/settings/directory/structures/{id}", web.Page, s.pageStructureSave, nil)
	s.Handle("GET", "/settings/directory/services/new", web.Page, s.pageServiceForm, nil)
	s.Handle("POST", "/settings/directory/services", web.Page, s.pageServiceSave, nil)
	s.Handle("GET", "/settings/directory/services/{id}", web.Page, s.pageServiceForm, nil)
	s.Handle("POST", "/settings/directory/services/{id}", web.Page, s.pageServiceSave, nil)
}

// directoryForm is what the structure and service forms show.
type directoryForm struct {
	*servicedir.Managed
	ID         string // "" for a new one
	Themes     []string
	ZoneTypes  []string
	Modes      []string
	Checked    map[string]bool // thématiques and modes d'accueil ticked
	Structures []*parcours.Structure
}

// ThemeKey is the catalogue key of a thématique's label.
func (directoryForm) ThemeKey(code string) string { return servicedir.ThemeLabelKey(code) }

func (s *server) pageDirectory(w http.ResponseWriter, r *http.Request) error {
	m, err := s.svc.Directory.Manage(r.Context(), web.MustActor(r))
	if err != nil {
		return err
	}
	p := &web.PageData{Title: "page.directory_admin.title", Data: m}
	if r.URL.Query().Get("saved") == "1" {
		p.Flash = "directory.admin.saved"
	}
	return s.Render(w, r, http.StatusOK, "directory_admin.html", p)
}

func (s *server) pageStructureForm(w http.ResponseWriter, r *http.Request) error {
	m, err := s.svc.Directory.Manage(r.Context(), web.MustActor(r))
	if err != nil {
		return err
	}
	d := &directoryForm{Managed: m, ID: r.PathValue("id")}
	form := map[string]string{"active": "1"}
	if d.ID != "" {
		var st *parcours.Structure
		for _, x := range m.Structures {
			if x.ID == d.ID {
				st = x
			}
		}
		if st == nil {
			return parcours.NotFound()
		}
		form = map[string]string{"nom": st.Nom, "siret": st.SIRET, "commune": st.Commune, "code_insee": st.CodeInsee, "adresse": st.Adresse,
			"telephone": st.Telephone, "courriel": st.Courriel, "site_web": st.SiteWeb, "active": boolForm(st.Active), "own": boolForm(st.OrgID != "")}
	}
	return s.Render(w, r, http.StatusOK, "directory_structure.html", &web.PageData{Title: structureTitle(d.ID), Form: form, Data: d})
}

func structureTitle(id string) string {
	if id == "" {
		return "page.directory_structure_new.title"
	}
	return "page.directory_structure.title"
}

func boolForm(b bool) string {
	if b {
		return "1"
	}
	return ""
}

func (s *server) pageStructureSave(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(r); err != nil {
		return err
	}
	f, actor, id := r.PostForm, web.MustActor(r), r.PathValue("id")
	active := f.Get("active") == "1"
	in := servicedir.StructureInput{Own: f.Get("own") == "1", Nom: f.Get("nom"), SIRET: strings.TrimSpace(f.Get("siret")), Commune: f.Get("commune"),
		CodeInsee: strings.TrimSpace(f.Get("code_insee")), Adresse: f.Get("adresse"), Telephone: f.Get("telephone"), Courriel: f.Get("courriel"),
		SiteWeb: f.Get("site_web"), Active: &active}
	var err error
	if id == "" {
		var st *parcours.Structure
		if st, err = s.svc.Directory.CreateStructure(r.Context(), actor, in); err == nil && !active {
			_, err = s.svc.Directory.UpdateStructure(r.Context(), actor, st.ID, in)
		}
	} else {
		_, err = s.svc.Directory.UpdateStructure(r.Context(), actor, id, in)
	}
	return s.answerSave(w, r, err, structureTitle(id), "directory_structure.html",
		func(m *servicedir.Managed) any { return &directoryForm{Managed: m, ID: id} })
}

// answerSave answers a directory form: back to the list once saved, else
// the form again with its errors, its data built by data.
func (s *server) answerSave(w http.ResponseWriter, r *http.Request, err error, title, page string, data func(*servicedir.Managed) any) error {
	if err == nil {
		http.Redirect(w, r, "/settings/directory?saved=1", http.StatusSeeOther)
		return nil
	}
	m, merr := s.svc.Directory.Manage(r.Context(), web.MustActor(r))
	if merr != nil {
		return merr
	}
	p := &web.PageData{Title: title, Form: web.TypedForm(r), Data: data(m)}
	if _, ok := web.FormErrors(web.Lang(r), err, p); !ok {
		return err
	}
	return s.Render(w, r, web.StatusOf(parcours.ErrorCode(err)), page, p)
}

func serviceTitle(id string) string {
	if id == "" {
		return "page.directory_service_new.title"
	}
	return "page.directory_service.title"
}

func (s *server) serviceForm(m *servicedir.Managed, id string, checked []string) *directoryForm {
	d := &directoryForm{Managed: m, ID: id, Themes: parcours.Thematiques, ZoneTypes: parcours.ZoneTypes, Modes: parcours.ModesAccueil,
		Checked: map[string]bool{}}
	for _, c := range checked {
		d.Checked[c] = true
	}
	for _, st := range m.Structures {
		if st.Active || d.ID != "" {
			d.Structures = append(d.Structures, st)
		}
	}
	return d
}

func (s *server) pageServiceForm(w http.ResponseWriter, r *http.Request) error {
	m, err := s.svc.Directory.Manage(r.Context(), web.MustActor(r))
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	form := map[string]string{"active": "1", "structure_id": r.URL.Query().Get("structure_id")}
	var checked []string
	if id != "" {
		var sv *parcours.Service
		for _, x := range m.Services {
			if x.ID == id {
				sv = x
			}
		}
		if sv == nil {
			return parcours.NotFound()
		}
		form = map[string]string{"structure_id": sv.StructureID, "team_id": sv.TeamID, "nom": sv.Nom, "presentation_resume": sv.PresentationResume,
			"commune": sv.Commune, "code_insee": sv.CodeInsee, "zone_diffusion_type": sv.ZoneDiffusionType, "zone_diffusion_code": sv.ZoneDiffusionCode,
			"pre_requis": sv.PreRequis, "telephone": sv.Telephone, "courriel": sv.Courriel, "horaires_accueil": sv.HorairesAccueil, "active": boolForm(sv.Active)}
		checked = append(append(checked, sv.Thematiques...), sv.ModesAccueil...)
	}
	return s.Render(w, r, http.StatusOK, "directory_service.html", &web.PageData{Title: serviceTitle(id), Form: form, Data: s.serviceForm(m, id, checked)})
}

func (s *server) pageServiceSave(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(r); err != nil {
		return err
	}
	f, actor, id := r.PostForm, web.MustActor(r), r.PathValue("id")
	active := f.Get("active") == "1"
	in := servicedir.ServiceInput{StructureID: f.Get("structure_id"), TeamID: f.Get("team_id"), Nom: f.Get("nom"),
		PresentationResume: f.Get("presentation_resume"), Thematiques: f["thematiques"], Commune: f.Get("commune"),
		CodeInsee: strings.TrimSpace(f.Get("code_insee")), ZoneDiffusionType: f.Get("zone_diffusion_type"), ZoneDiffusionCode: f.Get("zone_diffusion_code"),
		PreRequis: f.Get("pre_requis"), Telephone: f.Get("telephone"), Courriel: f.Get("courriel"), HorairesAccueil: f.Get("horaires_accueil"),
		ModesAccueil: f["modes_accueil"], Active: &active}
	var err error
	if id == "" {
		var sv *parcours.Service
		if sv, err = s.svc.Directory.CreateService(r.Context(), actor, in); err == nil && !active {
			_, err = s.svc.Directory.UpdateService(r.Context(), actor, sv.ID, in)
		}
	} else {
		_, err = s.svc.Directory.UpdateService(r.Context(), actor, id, in)
	}
	return s.answerSave(w, r, err, serviceTitle(id), "directory_service.html",
		func(m *servicedir.Managed) any {
			return s.serviceForm(m, id, append(f["thematiques"], f["modes_accueil"]...))
		})
}
