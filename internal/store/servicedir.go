package store

import (
	"context"
	"fmt"
	"strings"

	"parcours/internal/parcours"
)

// The service directory (package servicedir): structures and services in
// the data·inclusion field names, shared by the whole instance.

const structureColumns = `id, COALESCE(org_id, ''), nom, siret, commune, code_insee, adresse, telephone, courriel, site_web, source, created_by_org, active, created_at`

// InsertStructure adds a structure of the directory.
func (tx *Tx) InsertStructure(ctx context.Context, st *parcours.Structure) (err error) {
	defer wrap(&err, "store: insert structure")
	if st.ID == "" {
		st.ID = NewID()
	}
	st.CreatedAt = tx.now.Truncate(1000)
	st.Active = true
	if st.Source == "" {
		st.Source = "parcours"
	}
	_, err = tx.exec(ctx, `INSERT INTO directory_structures (id, org_id, nom, siret, commune, code_insee, adresse, telephone, courriel, site_web, source, source_id, created_by_org, created_at)
		VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)`, st.ID, nullString(st.OrgID), st.Nom, st.SIRET, st.Commune, st.CodeInsee, st.Adresse,
		st.Telephone, st.Courriel, st.SiteWeb, st.Source, st.SourceID, st.CreatedBy, ts(st.CreatedAt))
	return err
}

// Structure returns one structure of the directory.
func (tx *Tx) Structure(ctx context.Context, id string) (*parcours.Structure, error) {
	var st parcours.Structure
	var at int64
	err := tx.queryRow(ctx, "SELECT "+structureColumns+" FROM directory_structures WHERE id = ?", id).Scan(&st.ID, &st.OrgID, &st.Nom,
		&st.SIRET, &st.Commune, &st.CodeInsee, &st.Adresse, &st.Telephone, &st.Courriel, &st.SiteWeb, &st.Source, &st.CreatedBy, &st.Active, &at)
	st.CreatedAt = fromTS(at)
	return &st, err
}

// Structures lists the directory's structures by name.
func (tx *Tx) Structures(ctx context.Context) ([]*parcours.Structure, error) {
	rows, err := tx.query(ctx, "SELECT "+structureColumns+" FROM directory_structures ORDER BY nom, id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*parcours.Structure{}
	for rows.Next() {
		var st parcours.Structure
		var at int64
		if err := rows.Scan(&st.ID, &st.OrgID, &st.Nom, &st.SIRET, &st.Commune, &st.CodeInsee, &st.Adresse, &st.Telephone,
			&st.Courriel, &st.SiteWeb, &st.Source, &st.CreatedBy, &st.Active, &at); err != nil {
			return nil, err
		}
		st.CreatedAt = fromTS(at)
		out = append(out, &st)
	}
	return out, rows.Err()
}

// UpdateStructure rewrites a structure's fields (not its organisation,
// source or author).
func (tx *Tx) UpdateStructure(ctx context.Context, st *parcours.Structure) (err error) {
	defer wrap(&err, "store: update structure")
	_, err = tx.exec(ctx, `UPDATE directory_structures SET nom = ?, siret = ?, commune = ?, code_insee = ?, adresse = ?, telephone = ?,
		courriel = ?, site_web = ?, active = ? WHERE id = ?`, st.Nom, st.SIRET, st.Commune, st.CodeInsee, st.Adresse, st.Telephone,
		st.Courriel, st.SiteWeb, st.Active, st.ID)
	return err
}

func bars(list []string) string {
	if len(list) == 0 {
		return "|"
	}
	return "|" + strings.Join(list, "|") + "|"
}

func unbars(s string) []string {
	s = strings.Trim(s, "|")
	if s == "" {
		return []string{}
	}
	return strings.Split(s, "|")
}

// InsertService adds a service to a structure of the directory.
func (tx *Tx) InsertService(ctx context.Context, sv *parcours.Service) (err error) {
	defer wrap(&err, "store: insert service")
	if sv.ID == "" {
		sv.ID = NewID()
	}
	sv.CreatedAt = tx.now.Truncate(1000)
	sv.Active = true
	_, err = tx.exec(ctx, `INSERT INTO directory_services (id, structure_id, team_id, nom, presentation_resume, thematiques, commune, code_insee,
		zone_diffusion_type, zone_diffusion_code, pre_requis, telephone, courriel, horaires_accueil, modes_accueil, orientation_parcours, source_id, created_at)
		VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`, sv.ID, sv.StructureID, sv.TeamID, sv.Nom, sv.PresentationResume, bars(sv.Thematiques),
		sv.Commune, sv.CodeInsee, sv.ZoneDiffusionType, sv.ZoneDiffusionCode, sv.PreRequis, sv.Telephone, sv.Courriel, sv.HorairesAccueil,
		bars(sv.ModesAccueil), sv.OrientationParcours, sv.SourceID, ts(sv.CreatedAt))
	return err
}

// UpdateService rewrites a service's fields (not its structure).
func (tx *Tx) UpdateService(ctx context.Context, sv *parcours.Service) (err error) {
	defer wrap(&err, "store: update service")
	_, err = tx.exec(ctx, `UPDATE directory_services SET structure_id = ?, orientation_parcours = ?, team_id = ?, nom = ?, presentation_resume = ?,
		thematiques = ?, commune = ?, code_insee = ?, zone_diffusion_type = ?, zone_diffusion_code = ?, pre_requis = ?, telephone = ?, courriel = ?,
		horaires_accueil = ?, modes_accueil = ?, active = ? WHERE id = ?`, sv.StructureID, sv.OrientationParcours, sv.TeamID, sv.Nom,
		sv.PresentationResume, bars(sv.Thematiques), sv.Commune, sv.CodeInsee, sv.ZoneDiffusionType, sv.ZoneDiffusionCode, sv.PreRequis,
		sv.Telephone, sv.Courriel, sv.HorairesAccueil, bars(sv.ModesAccueil), sv.Active, sv.ID)
	return err
}

// ServiceOwnActive reports whether the service row itself is active
// (Service's Active also counts its structure's).
func (tx *Tx) ServiceOwnActive(ctx context.Context, id string) (active bool, err error) {
	defer wrap(&err, "store: service active")
	err = tx.queryRow(ctx, "SELECT active FROM directory_services WHERE id = ?", id).Scan(&active)
	return active, err
}

const serviceColumns = `s.id, s.structure_id, st.nom, COALESCE(st.org_id, ''), s.team_id, s.nom, s.presentation_resume, s.thematiques, s.commune, s.code_insee,
	s.zone_diffusion_type, s.zone_diffusion_code, s.pre_requis, s.telephone, s.courriel, s.horaires_accueil, s.modes_accueil, s.orientation_parcours, s.active AND st.active, s.created_at`

func scanService(row interface{ Scan(...any) error }) (*parcours.Service, error) {
	var sv parcours.Service
	var them, modes string
	var at int64
	if err := row.Scan(&sv.ID, &sv.StructureID, &sv.StructureNom, &sv.OrgID, &sv.TeamID, &sv.Nom, &sv.PresentationResume, &them,
		&sv.Commune, &sv.CodeInsee, &sv.ZoneDiffusionType, &sv.ZoneDiffusionCode, &sv.PreRequis, &sv.Telephone, &sv.Courriel,
		&sv.HorairesAccueil, &modes, &sv.OrientationParcours, &sv.Active, &at); err != nil {
		return nil, err
	}
	sv.Thematiques, sv.ModesAccueil, sv.CreatedAt = unbars(them), unbars(modes), fromTS(at)
	return &sv, nil
}

// Service returns one service of the directory, with its structure's
// name and organisation.
func (tx *Tx) Service(ctx context.Context, id string) (*parcours.Service, error) {
	return scanService(tx.queryRow(ctx, "SELECT "+serviceColumns+" FROM directory_services s JOIN directory_structures st ON st.id = s.structure_id WHERE s.id = ?", id))
}

// ServiceFilter selects services: Theme is a thématique (its sub-themes
// match too), CodeInsee a commune served (by the service's commune or its
// zone: the commune itself, its département, the whole country), Q words
// of the service's or structure's name or presentation, OrgID the
// services of one organisation.
type ServiceFilter struct {
	Theme     string
	CodeInsee string
	// EPCI is the SIREN of CodeInsee's intercommunality, when known:
	// services serving that EPCI match too.
	EPCI  string
	Q     string
	OrgID string
	// CreatedBy selects the services of structures that organisation
	// entered (its administrators' list).
	CreatedBy string
	// Inactive includes deactivated services and those of deactivated
	// structures, left out otherwise.
	Inactive bool
	Limit    int
}

// likeEscape escapes LIKE's wildcards in a user's words.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// departementOf returns the département code of an INSEE commune code:
// two characters, three for the overseas départements (97x).
func departementOf(insee string) string {
	if strings.HasPrefix(insee, "97") && len(insee) >= 3 {
		return insee[:3]
	}
	if len(insee) >= 2 {
		return insee[:2]
	}
	return insee
}

// Services searches the directory, by structure then service name.
func (tx *Tx) Services(ctx context.Context, f ServiceFilter) (_ []*parcours.Service, err error) {
	defer wrap(&err, "store: services")
	q := "SELECT " + serviceColumns + " FROM directory_services s JOIN directory_structures st ON st.id = s.structure_id WHERE 1=1"
	var args []any
	if f.Theme != "" {
		// "|theme|" or "|theme--sub|": the bars stop a prefix of another
		// theme's name from matching.
		q += ` AND (s.thematiques LIKE ? ESCAPE '\' OR s.thematiques LIKE ? ESCAPE '\')`
		args = append(args, "%|"+likeEscape(f.Theme)+"|%", "%|"+likeEscape(f.Theme)+"--%")
	}
	if f.CodeInsee != "" {
		q += ` AND (s.code_insee = ? OR (s.zone_diffusion_type = 'commune' AND s.zone_diffusion_code = ?)
			OR (s.zone_diffusion_type = 'departement' AND s.zone_diffusion_code = ?) OR s.zone_diffusion_type = 'pays'
			OR (s.zone_diffusion_type = 'epci' AND s.zone_diffusion_code = ? AND ? <> ''))`
		args = append(args, f.CodeInsee, f.CodeInsee, departementOf(f.CodeInsee), f.EPCI, f.EPCI)
	}
	for _, w := range strings.Fields(strings.ToLower(f.Q)) {
		pat := "%" + likeEscape(w) + "%"
		q += ` AND (LOWER(s.nom) LIKE ? ESCAPE '\' OR LOWER(st.nom) LIKE ? ESCAPE '\' OR LOWER(s.presentation_resume) LIKE ? ESCAPE '\' OR LOWER(s.commune) LIKE ? ESCAPE '\')`
		args = append(args, pat, pat, pat, pat)
	}
	if f.OrgID != "" {
		q += " AND st.org_id = ?"
		args = append(args, f.OrgID)
	}
	if f.CreatedBy != "" {
		q += " AND st.created_by_org = ?"
		args = append(args, f.CreatedBy)
	}
	if !f.Inactive {
		q += " AND s.active AND st.active"
	}
	if f.Limit <= 0 {
		f.Limit = 200
	}
	q += " ORDER BY st.nom, s.nom, s.id LIMIT ?"
	args = append(args, f.Limit)
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*parcours.Service{}
	for rows.Next() {
		sv, err := scanService(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, sv)
	}
	return out, rows.Err()
}

// wrap adds context to a store error (pkgsite's derrors.Wrap).
func wrap(err *error, msg string) {
	if *err != nil && *err != ErrNoRows {
		*err = fmt.Errorf("%s: %w", msg, *err)
	}
}

// Imported is what an organisation imported from the national
// referential, by the referential's ids: its structures' rows, and their
// services' rows by structure row and service id.
type Imported struct {
	Structures map[string]*parcours.Structure // by source id
	Services   map[[2]string]string           // {structure row id, source id} → service row id
}

// ImportedBy reads what orgID imported from the national referential.
func (tx *Tx) ImportedBy(ctx context.Context, orgID string) (_ *Imported, err error) {
	defer wrap(&err, "store: imported directory")
	out := &Imported{Structures: map[string]*parcours.Structure{}, Services: map[[2]string]string{}}
	rows, err := tx.query(ctx, "SELECT "+structureColumns+", source_id FROM directory_structures WHERE created_by_org = ? AND source_id <> ''", orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var st parcours.Structure
		var at int64
		if err := rows.Scan(&st.ID, &st.OrgID, &st.Nom, &st.SIRET, &st.Commune, &st.CodeInsee, &st.Adresse, &st.Telephone, &st.Courriel,
			&st.SiteWeb, &st.Source, &st.CreatedBy, &st.Active, &at, &st.SourceID); err != nil {
			return nil, err
		}
		st.CreatedAt = fromTS(at)
		out.Structures[st.SourceID] = &st
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	srows, err := tx.query(ctx, `SELECT s.id, s.structure_id, s.source_id FROM directory_services s JOIN directory_structures st ON st.id = s.structure_id
		WHERE st.created_by_org = ? AND s.source_id <> ''`, orgID)
	if err != nil {
		return nil, err
	}
	defer srows.Close()
	for srows.Next() {
		var id, structure, source string
		if err := srows.Scan(&id, &structure, &source); err != nil {
			return nil, err
		}
		out.Services[[2]string{structure, source}] = id
	}
	return out, srows.Err()
}
