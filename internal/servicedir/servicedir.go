// Package servicedir is the service directory (répertoire des services):
// the structures of this instance and external ones, and the services
// they offer, in the field names and thématiques of the national
// data·inclusion schema, searchable by theme, commune (INSEE code) and
// words. Referrals (package referral) go to its services.
//
// The directory is shared by the whole instance and holds no personal
// data. Everyone reads it; an organisation's administrators enter their
// own structure and services and external structures, and change only
// what their organisation entered. It never reads a person's file.
package servicedir

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"parcours/internal/access"
	"parcours/internal/audit"
	"parcours/internal/parcours"
	"parcours/internal/store"
)

// Service is the directory service.
type Service struct{ db *store.DB }

// New returns a Service on db.
func New(db *store.DB) *Service { return &Service{db: db} }

// Query is a search of the directory: Theme a thématique, Commune an
// INSEE code, Q words.
type Query struct {
	Theme   string `json:"theme"`
	Commune string `json:"commune"`
	Q       string `json:"q"`
}

// validInsee reports whether c looks like an INSEE commune code (COG):
// five characters, digits, or 2A/2B for Corsica.
func validInsee(c string) bool {
	if len(c) != 5 {
		return false
	}
	for i, r := range c {
		if r >= '0' && r <= '9' {
			continue
		}
		if i == 1 && (r == 'A' || r == 'B') && c[0] == '2' {
			continue
		}
		return false
	}
	return true
}

// Search returns the services matching q, by structure then service name.
func (s *Service) Search(ctx context.Context, actor parcours.Actor, q Query) ([]*parcours.Service, error) {
	if err := access.Check(actor, access.DirectoryRead, access.Target{}); err != nil {
		return nil, err
	}
	var p parcours.Problems
	if q.Theme != "" && !parcours.ValidThematique(q.Theme) {
		p.Add("theme", "error.directory.unknown_theme", q.Theme)
	}
	if q.Commune != "" && !validInsee(strings.ToUpper(q.Commune)) {
		p.Add("commune", "error.directory.insee", "field.commune")
	}
	p.MaxLen("q", q.Q, 200)
	if err := p.Err(); err != nil {
		return nil, err
	}
	var out []*parcours.Service
	err := s.db.View(ctx, func(tx *store.Tx) error {
		var err error
		c := strings.ToUpper(q.Commune)
		out, err = tx.Services(ctx, store.ServiceFilter{Theme: q.Theme, CodeInsee: c, EPCI: EPCIOf(c), Q: q.Q})
		return err
	})
	return out, err
}

// Get returns one service.
func (s *Service) Get(ctx context.Context, actor parcours.Actor, id string) (*parcours.Service, error) {
	if err := access.Check(actor, access.DirectoryRead, access.Target{}); err != nil {
		return nil, err
	}
	var sv *parcours.Service
	err := s.db.View(ctx, func(tx *store.Tx) error {
		var err error
		sv, err = tx.Service(ctx, id)
		if err == store.ErrNoRows {
			return parcours.NotFound()
		}
		return err
	})
	return sv, err
}

// Structures lists the directory's structures, by name.
func (s *Service) Structures(ctx context.Context, actor parcours.Actor) ([]*parcours.Structure, error) {
	if err := access.Check(actor, access.DirectoryRead, access.Target{}); err != nil {
		return nil, err
	}
	var out []*parcours.Structure
	err := s.db.View(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.Structures(ctx)
		return err
	})
	return out, err
}

// StructureInput enters a structure: Own makes it the actor's own
// organisation (its services then take referrals through Parcours),
// otherwise it is an external structure.
type StructureInput struct {
	Own       bool   `json:"own"`
	Nom       string `json:"nom"`
	SIRET     string `json:"siret"`
	Commune   string `json:"commune"`
	CodeInsee string `json:"code_insee"`
	Adresse   string `json:"adresse"`
	Telephone string `json:"telephone"`
	Courriel  string `json:"courriel"`
	SiteWeb   string `json:"site_web"`
	// Active, on an update, deactivates (false) or reactivates (true)
	// the structure; absent leaves it as it is.
	Active *bool `json:"active,omitempty"`
}

func (in StructureInput) check() error {
	var p parcours.Problems
	p.Required("nom", in.Nom, 200)
	if in.SIRET != "" && !parcours.ValidSIRET(in.SIRET) {
		p.Add("siret", "error.directory.siret", "field.siret")
	}
	if in.CodeInsee != "" && !validInsee(in.CodeInsee) {
		p.Add("code_insee", "error.directory.insee", "field.code_insee")
	}
	p.Email("courriel", in.Courriel, false)
	for f, v := range map[string]string{"commune": in.Commune, "adresse": in.Adresse, "telephone": in.Telephone, "site_web": in.SiteWeb} {
		p.MaxLen(f, v, 300)
	}
	return p.Err()
}

// CreateStructure enters a structure in the directory (administrators).
func (s *Service) CreateStructure(ctx context.Context, actor parcours.Actor, in StructureInput) (*parcours.Structure, error) {
	if err := access.Check(actor, access.DirectoryManage, access.Target{}); err != nil {
		return nil, err
	}
	if err := in.check(); err != nil {
		return nil, err
	}
	st := &parcours.Structure{Nom: strings.TrimSpace(in.Nom), SIRET: in.SIRET, Commune: strings.TrimSpace(in.Commune),
		CodeInsee: in.CodeInsee, Adresse: strings.TrimSpace(in.Adresse), Telephone: strings.TrimSpace(in.Telephone),
		Courriel: strings.TrimSpace(in.Courriel), SiteWeb: strings.TrimSpace(in.SiteWeb), CreatedBy: actor.OrgID}
	if in.Own {
		st.OrgID = actor.OrgID
	}
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		if err := tx.InsertStructure(ctx, st); err != nil {
			return err
		}
		tx.Audit(audit.For(actor, "directory.structure.create", "structure", st.ID, ""))
		return nil
	})
	return st, err
}

// ServiceInput enters a service of a structure.
type ServiceInput struct {
	StructureID        string   `json:"structure_id"`
	TeamID             string   `json:"team_id"`
	Nom                string   `json:"nom"`
	PresentationResume string   `json:"presentation_resume"`
	Thematiques        []string `json:"thematiques"`
	Commune            string   `json:"commune"`
	CodeInsee          string   `json:"code_insee"`
	ZoneDiffusionType  string   `json:"zone_diffusion_type"`
	ZoneDiffusionCode  string   `json:"zone_diffusion_code"`
	PreRequis          string   `json:"pre_requis"`
	Telephone          string   `json:"telephone"`
	Courriel           string   `json:"courriel"`
	HorairesAccueil    string   `json:"horaires_accueil"`
	ModesAccueil       []string `json:"modes_accueil"`
	// Active, on an update, deactivates (false) or reactivates (true)
	// the service; absent leaves it as it is.
	Active *bool `json:"active,omitempty"`
}

func (in ServiceInput) check() error {
	var p parcours.Problems
	p.Required("structure_id", in.StructureID, 100)
	p.Required("nom", in.Nom, 200)
	if len(in.Thematiques) == 0 {
		p.Add("thematiques", "error.field_required", "field.thematiques")
	}
	for _, t := range in.Thematiques {
		if !parcours.ValidThematique(t) {
			p.Add("thematiques", "error.directory.unknown_theme", t)
		}
	}
	if in.CodeInsee != "" && !validInsee(in.CodeInsee) {
		p.Add("code_insee", "error.directory.insee", "field.code_insee")
	}
	if in.ZoneDiffusionType != "" && !slices.Contains(parcours.ZoneTypes, in.ZoneDiffusionType) {
		p.Add("zone_diffusion_type", "error.directory.zone_type", "field.zone_diffusion_type")
	}
	if in.ZoneDiffusionType != "" && in.ZoneDiffusionType != "pays" && strings.TrimSpace(in.ZoneDiffusionCode) == "" {
		p.Add("zone_diffusion_code", "error.field_required", "field.zone_diffusion_code")
	}
	for _, m := range in.ModesAccueil {
		if !slices.Contains(parcours.ModesAccueil, m) {
			p.Add("modes_accueil", "error.directory.mode_accueil", "field.modes_accueil")
		}
	}
	p.Email("courriel", in.Courriel, false)
	p.MaxLen("presentation_resume", in.PresentationResume, 2000)
	p.MaxLen("pre_requis", in.PreRequis, 2000)
	p.MaxLen("horaires_accueil", in.HorairesAccueil, 500)
	for f, v := range map[string]string{"commune": in.Commune, "telephone": in.Telephone, "zone_diffusion_code": in.ZoneDiffusionCode} {
		p.MaxLen(f, v, 300)
	}
	return p.Err()
}

// CreateService adds a service to a structure the actor's organisation
// entered. A service of a structure of this instance takes referrals
// through Parcours; TeamID, when given, names the team of that
// organisation that receives them.
func (s *Service) CreateService(ctx context.Context, actor parcours.Actor, in ServiceInput) (*parcours.Service, error) {
	if err := access.Check(actor, access.DirectoryManage, access.Target{}); err != nil {
		return nil, err
	}
	if err := in.check(); err != nil {
		return nil, err
	}
	var sv *parcours.Service
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		st, err := tx.Structure(ctx, in.StructureID)
		if err == store.ErrNoRows || (err == nil && st.CreatedBy != actor.OrgID) {
			return parcours.FieldError(parcours.EInvalid, "structure_id", "error.directory.structure_unknown", "field.structure_id")
		}
		if err != nil {
			return err
		}
		if in.TeamID != "" {
			t, err := tx.Team(ctx, actor.OrgID, in.TeamID)
			if err == store.ErrNoRows || (err == nil && (st.OrgID != actor.OrgID || t.ID != in.TeamID)) {
				return parcours.FieldError(parcours.EInvalid, "team_id", "error.directory.team_unknown", "field.team_id")
			}
			if err != nil {
				return err
			}
		}
		sv = &parcours.Service{StructureID: st.ID, StructureNom: st.Nom, OrgID: st.OrgID, TeamID: in.TeamID, Nom: strings.TrimSpace(in.Nom),
			PresentationResume: strings.TrimSpace(in.PresentationResume), Thematiques: in.Thematiques, Commune: strings.TrimSpace(in.Commune),
			CodeInsee: in.CodeInsee, ZoneDiffusionType: in.ZoneDiffusionType, ZoneDiffusionCode: strings.TrimSpace(in.ZoneDiffusionCode),
			PreRequis: strings.TrimSpace(in.PreRequis), Telephone: strings.TrimSpace(in.Telephone), Courriel: strings.TrimSpace(in.Courriel),
			HorairesAccueil: strings.TrimSpace(in.HorairesAccueil), ModesAccueil: in.ModesAccueil, OrientationParcours: st.OrgID != ""}
		if sv.ModesAccueil == nil {
			sv.ModesAccueil = []string{}
		}
		if err := tx.InsertService(ctx, sv); err != nil {
			return err
		}
		tx.Audit(audit.For(actor, "directory.service.create", "service", sv.ID, ""))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return sv, nil
}

// ownStructure reads a structure the actor's organisation entered: any
// other is not found (404), since only its author may change it.
func ownStructure(ctx context.Context, tx *store.Tx, actor parcours.Actor, id string) (*parcours.Structure, error) {
	st, err := tx.Structure(ctx, id)
	if err == store.ErrNoRows || (err == nil && st.CreatedBy != actor.OrgID) {
		return nil, parcours.NotFound()
	}
	return st, err
}

// UpdateStructure changes a structure the actor's organisation entered
// (administrators); in.Own is ignored: a structure does not change
// organisation. Deactivating it (in.Active false) takes all its services
// out of searches; past referrals keep naming them.
func (s *Service) UpdateStructure(ctx context.Context, actor parcours.Actor, id string, in StructureInput) (*parcours.Structure, error) {
	if err := access.Check(actor, access.DirectoryManage, access.Target{}); err != nil {
		return nil, err
	}
	if err := in.check(); err != nil {
		return nil, err
	}
	var st *parcours.Structure
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		var err error
		if st, err = ownStructure(ctx, tx, actor, id); err != nil {
			return err
		}
		was := st.Active
		st.Nom, st.SIRET, st.Commune, st.CodeInsee = strings.TrimSpace(in.Nom), in.SIRET, strings.TrimSpace(in.Commune), in.CodeInsee
		st.Adresse, st.Telephone = strings.TrimSpace(in.Adresse), strings.TrimSpace(in.Telephone)
		st.Courriel, st.SiteWeb = strings.TrimSpace(in.Courriel), strings.TrimSpace(in.SiteWeb)
		if in.Active != nil {
			st.Active = *in.Active
		}
		if err := tx.UpdateStructure(ctx, st); err != nil {
			return err
		}
		tx.Audit(audit.For(actor, "directory.structure.update", "structure", st.ID, ""))
		if was != st.Active {
			tx.Audit(audit.For(actor, activeEvent("structure", st.Active), "structure", st.ID, ""))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return st, nil
}

func activeEvent(kind string, active bool) string {
	if active {
		return "directory." + kind + ".reactivate"
	}
	return "directory." + kind + ".deactivate"
}

// UpdateService changes a service of a structure the actor's
// organisation entered (administrators). A different in.StructureID
// moves the service to that structure, which must be an active one the
// same organisation entered (else 422); the service then takes referrals
// through Parcours only if the new structure is an organisation of this
// instance, and its receiving team must be of that structure's
// organisation. Referrals already sent keep their receiving
// organisation. The move is audited (directory.service.move).
// Deactivating it (in.Active false) takes it out of
// searches and of the new-referral picker; past referrals keep naming it.
func (s *Service) UpdateService(ctx context.Context, actor parcours.Actor, id string, in ServiceInput) (*parcours.Service, error) {
	if err := access.Check(actor, access.DirectoryManage, access.Target{}); err != nil {
		return nil, err
	}
	var sv *parcours.Service
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		var err error
		sv, err = tx.Service(ctx, id)
		if err == store.ErrNoRows {
			return parcours.NotFound()
		}
		if err != nil {
			return err
		}
		st, err := ownStructure(ctx, tx, actor, sv.StructureID)
		if err != nil {
			return err
		}
		if in.StructureID == "" {
			in.StructureID = st.ID
		}
		if err := in.check(); err != nil {
			return err
		}
		moved := in.StructureID != st.ID
		if moved {
			to, err := ownStructure(ctx, tx, actor, in.StructureID)
			if parcours.ErrorCode(err) == parcours.ENotFound {
				return parcours.FieldError(parcours.EInvalid, "structure_id", "error.directory.structure_unknown", "field.structure_id")
			}
			if err != nil {
				return err
			}
			if !to.Active {
				return parcours.FieldError(parcours.EInvalid, "structure_id", "error.directory.structure_inactive", "field.structure_id")
			}
			st = to
		}
		if in.TeamID != "" {
			t, err := tx.Team(ctx, actor.OrgID, in.TeamID)
			if err == store.ErrNoRows || (err == nil && (st.OrgID != actor.OrgID || t.ID != in.TeamID)) {
				return parcours.FieldError(parcours.EInvalid, "team_id", "error.directory.team_unknown", "field.team_id")
			}
			if err != nil {
				return err
			}
		}
		was, err := tx.ServiceOwnActive(ctx, id)
		if err != nil {
			return err
		}
		active := was
		if in.Active != nil {
			active = *in.Active
		}
		sv.TeamID, sv.Nom, sv.PresentationResume, sv.Thematiques = in.TeamID, strings.TrimSpace(in.Nom), strings.TrimSpace(in.PresentationResume), in.Thematiques
		sv.Commune, sv.CodeInsee, sv.ZoneDiffusionType = strings.TrimSpace(in.Commune), in.CodeInsee, in.ZoneDiffusionType
		sv.ZoneDiffusionCode, sv.PreRequis, sv.Telephone = strings.TrimSpace(in.ZoneDiffusionCode), strings.TrimSpace(in.PreRequis), strings.TrimSpace(in.Telephone)
		sv.Courriel, sv.HorairesAccueil, sv.ModesAccueil = strings.TrimSpace(in.Courriel), strings.TrimSpace(in.HorairesAccueil), in.ModesAccueil
		if sv.ModesAccueil == nil {
			sv.ModesAccueil = []string{}
		}
		sv.Active = active
		if moved {
			sv.StructureID, sv.StructureNom, sv.OrgID, sv.OrientationParcours = st.ID, st.Nom, st.OrgID, st.OrgID != ""
		}
		if err := tx.UpdateService(ctx, sv); err != nil {
			return err
		}
		sv.Active = active && st.Active
		tx.Audit(audit.For(actor, "directory.service.update", "service", sv.ID, ""))
		if moved {
			tx.Audit(audit.For(actor, "directory.service.move", "service", sv.ID, ""))
		}
		if was != active {
			tx.Audit(audit.For(actor, activeEvent("service", active), "service", sv.ID, ""))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return sv, nil
}

// ThemeLabelKey is the catalogue key of a thématique's label: its top
// level's.
func ThemeLabelKey(code string) string {
	top, _, _ := strings.Cut(code, "--")
	return fmt.Sprintf("thematique.%s", top)
}

// Managed is what an organisation's administrators keep in the
// directory: the structures it entered and their services, deactivated
// ones included, and its teams (to name the one receiving a service's
// referrals).
type Managed struct {
	Structures []*parcours.Structure
	Services   []*parcours.Service
	Teams      []*parcours.Team
}

// ServicesOf returns m's services of structure id.
func (m *Managed) ServicesOf(id string) []*parcours.Service {
	var out []*parcours.Service
	for _, sv := range m.Services {
		if sv.StructureID == id {
			out = append(out, sv)
		}
	}
	return out
}

// Manage reads what the actor's organisation entered in the directory
// (administrators): the list their pages edit.
func (s *Service) Manage(ctx context.Context, actor parcours.Actor) (*Managed, error) {
	if err := access.Check(actor, access.DirectoryManage, access.Target{}); err != nil {
		return nil, err
	}
	m := &Managed{}
	err := s.db.View(ctx, func(tx *store.Tx) error {
		all, err := tx.Structures(ctx)
		if err != nil {
			return err
		}
		for _, st := range all {
			if st.CreatedBy == actor.OrgID {
				m.Structures = append(m.Structures, st)
			}
		}
		if m.Services, err = tx.Services(ctx, store.ServiceFilter{CreatedBy: actor.OrgID, Inactive: true, Limit: 1000}); err != nil {
			return err
		}
		for _, sv := range m.Services {
			// The service's own state, for its form: Active also counts
			// its structure's.
			if sv.Active, err = tx.ServiceOwnActive(ctx, sv.ID); err != nil {
				return err
			}
		}
		m.Teams, err = tx.Teams(ctx, actor.OrgID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}
