package servicedir

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"

	"parcours/internal/access"
	"parcours/internal/audit"
	"parcours/internal/i18n"
	"parcours/internal/parcours"
	"parcours/internal/store"
)

// Import of the national referential's open data (data·inclusion
// "structures" and "services" CSV files, as published on data.gouv.fr):
// external structures and their services, matched by the files' own
// structure ids. Columns are found by their data·inclusion names;
// others are ignored. All or nothing: a file with a problem writes
// nothing, and the report lists every problem with its line.

// MaxImportBytes bounds each file.
const MaxImportBytes = 20 << 20

// ImportReport says what an import found and did.
type ImportReport struct {
	Structures, Services int
	// UpdatedStructures and UpdatedServices of those were imported by the
	// organisation before (same referential id): updated, not added.
	UpdatedStructures, UpdatedServices int
	Problems                           []ImportProblem
	// Preview is what the files hold, structure by structure with its
	// services: what a dry run would import, or what was imported.
	Preview []ImportedStructure
	// Applied is true once the rows are written.
	Applied bool
}

// ImportedStructure is a structure of the files with its services.
type ImportedStructure struct {
	*parcours.Structure
	Services []*parcours.Service
}

// ImportProblem is a line of one of the files that cannot be imported:
// the file ("structures" or "services"), its line, and why as catalogue
// messages, so that the page speaks the reader's language and the CLI
// English.
type ImportProblem struct {
	File string
	Line int
	Err  *parcours.Error
}

// Message says what is wrong with the line in lang.
func (p ImportProblem) Message(lang string) string {
	fields := p.Err.Fields
	if len(fields) == 0 {
		fields = []*parcours.Error{p.Err}
	}
	msgs := make([]string, len(fields))
	for i, f := range fields {
		msgs[i] = i18n.T(lang, f.Key, f.Args...)
	}
	return strings.Join(msgs, " ")
}

func (r *ImportReport) problem(file string, line int, err error) {
	e := parcours.AsError(err)
	if e == nil {
		e = parcours.FieldError(parcours.EInvalid, file, "error.directory.import_line", line)
	}
	r.Problems = append(r.Problems, ImportProblem{File: file, Line: line, Err: e})
}

// Import reads a structures file and a services file (which may be nil)
// and enters them as external structures of the directory, entered by
// orgID's administrators. dryRun checks without writing.
func (s *Service) Import(ctx context.Context, actor parcours.Actor, orgID string, structures, services io.Reader, dryRun bool) (*ImportReport, error) {
	if err := access.Check(actor, access.DirectoryManage, access.Target{}); err != nil {
		return nil, err
	}
	rep := &ImportReport{}
	stRows, err := readCSV(structures, "structures")
	if err != nil {
		return nil, err
	}
	byID := map[string]*parcours.Structure{}
	var sts []*parcours.Structure
	for _, r := range stRows {
		in := StructureInput{Nom: r.get("nom"), SIRET: r.get("siret"), Commune: r.get("commune"), CodeInsee: r.get("code_insee"),
			Adresse: r.get("adresse"), Telephone: r.get("telephone"), Courriel: r.get("courriel"), SiteWeb: r.get("site_web")}
		if err := in.check(); err != nil {
			rep.problem("structures", r.line, err)
			continue
		}
		st := &parcours.Structure{Nom: strings.TrimSpace(in.Nom), SIRET: in.SIRET, Commune: in.Commune, CodeInsee: in.CodeInsee,
			Adresse: in.Adresse, Telephone: in.Telephone, Courriel: in.Courriel, SiteWeb: in.SiteWeb, Source: "csv", CreatedBy: orgID}
		if id := r.get("id"); id != "" {
			if byID[id] != nil {
				rep.problem("structures", r.line, parcours.FieldError(parcours.EInvalid, "id", "error.directory.import_duplicate_id", id))
				continue
			}
			byID[id] = st
			st.SourceID = id
		}
		sts = append(sts, st)
	}
	var svs []*parcours.Service
	var owners []*parcours.Structure
	seen := map[[2]string]bool{} // {structure_id, id} of the services file
	if services != nil {
		svRows, err := readCSV(services, "services")
		if err != nil {
			return nil, err
		}
		for _, r := range svRows {
			owner := byID[r.get("structure_id")]
			if owner == nil {
				rep.problem("services", r.line, parcours.FieldError(parcours.EInvalid, "structure_id", "error.directory.import_unknown_structure", r.get("structure_id")))
				continue
			}
			in := ServiceInput{StructureID: "-", Nom: r.get("nom"), PresentationResume: r.get("presentation_resume"),
				Thematiques: list(r.get("thematiques")), Commune: r.get("commune"), CodeInsee: r.get("code_insee"),
				ZoneDiffusionType: r.get("zone_diffusion_type"), ZoneDiffusionCode: r.get("zone_diffusion_code"), PreRequis: r.get("pre_requis"),
				Telephone: r.get("telephone"), Courriel: r.get("courriel"), HorairesAccueil: r.get("horaires_accueil"), ModesAccueil: list(r.get("modes_accueil"))}
			if err := in.check(); err != nil {
				rep.problem("services", r.line, err)
				continue
			}
			key := [2]string{r.get("structure_id"), r.get("id")}
			if key[1] != "" && seen[key] {
				rep.problem("services", r.line, parcours.FieldError(parcours.EInvalid, "id", "error.directory.import_duplicate_id", key[1]))
				continue
			}
			seen[key] = true
			svs = append(svs, &parcours.Service{SourceID: key[1], Nom: strings.TrimSpace(in.Nom), PresentationResume: in.PresentationResume, Thematiques: in.Thematiques,
				Commune: in.Commune, CodeInsee: in.CodeInsee, ZoneDiffusionType: in.ZoneDiffusionType, ZoneDiffusionCode: in.ZoneDiffusionCode,
				PreRequis: in.PreRequis, Telephone: in.Telephone, Courriel: in.Courriel, HorairesAccueil: in.HorairesAccueil,
				ModesAccueil: orEmpty(in.ModesAccueil)})
			owners = append(owners, owner)
		}
	}
	rep.Structures, rep.Services = len(sts), len(svs)
	at := map[*parcours.Structure]int{}
	for _, st := range sts {
		at[st] = len(rep.Preview)
		rep.Preview = append(rep.Preview, ImportedStructure{Structure: st})
	}
	for i, sv := range svs {
		sv.StructureNom = owners[i].Nom
		p := &rep.Preview[at[owners[i]]]
		p.Services = append(p.Services, sv)
	}
	if len(rep.Problems) > 0 {
		return rep, nil
	}
	// What the organisation imported before, by the referential's ids, is
	// updated (its active state and receiving team kept: an administrator
	// may have changed them); the rest is added.
	apply := func(tx *store.Tx, write bool) error {
		before, err := tx.ImportedBy(ctx, orgID)
		if err != nil {
			return err
		}
		rep.UpdatedStructures, rep.UpdatedServices = 0, 0
		for _, st := range sts {
			old := before.Structures[st.SourceID]
			if st.SourceID == "" || old == nil {
				if write {
					st.ID = ""
					if err := tx.InsertStructure(ctx, st); err != nil {
						return err
					}
				}
				continue
			}
			rep.UpdatedStructures++
			st.ID, st.Active = old.ID, old.Active
			if write {
				if err := tx.UpdateStructure(ctx, st); err != nil {
					return err
				}
			}
		}
		for i, sv := range svs {
			sv.StructureID = owners[i].ID
			id := ""
			if sv.SourceID != "" && owners[i].ID != "" {
				id = before.Services[[2]string{owners[i].ID, sv.SourceID}]
			}
			if id == "" {
				if write {
					sv.ID = ""
					if err := tx.InsertService(ctx, sv); err != nil {
						return err
					}
				}
				continue
			}
			rep.UpdatedServices++
			if !write {
				continue
			}
			old, err := tx.Service(ctx, id)
			if err != nil {
				return err
			}
			active, err := tx.ServiceOwnActive(ctx, id)
			if err != nil {
				return err
			}
			sv.ID, sv.TeamID, sv.OrientationParcours, sv.Active = id, old.TeamID, old.OrientationParcours, active
			if err := tx.UpdateService(ctx, sv); err != nil {
				return err
			}
		}
		if write {
			tx.Audit(audit.For(actor, "directory.import", "organization", orgID, ""))
		}
		return nil
	}
	if dryRun {
		err = s.db.View(ctx, func(tx *store.Tx) error { return apply(tx, false) })
		for _, st := range sts {
			st.ID = "" // rows looked up, not written
		}
		return rep, err
	}
	err = s.db.Transact(ctx, func(tx *store.Tx) error { return apply(tx, true) })
	rep.Applied = err == nil
	return rep, err
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// list reads a list cell: a JSON array (the referential's exports), or
// values separated by commas or bars.
func list(cell string) []string {
	cell = strings.TrimSpace(cell)
	if cell == "" {
		return nil
	}
	var out []string
	if strings.HasPrefix(cell, "[") && json.Unmarshal([]byte(cell), &out) == nil {
		return out
	}
	for _, v := range strings.FieldsFunc(cell, func(r rune) bool { return r == ',' || r == '|' }) {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

type row struct {
	line  int
	index map[string]int
	cells []string
}

func (r row) get(col string) string {
	i, ok := r.index[col]
	if !ok || i >= len(r.cells) {
		return ""
	}
	return strings.TrimSpace(r.cells[i])
}

// readCSV reads a data·inclusion CSV file (UTF-8, with or without BOM,
// or Windows-1252; comma or semicolon).
// Its errors name field, the form's input of the file.
func readCSV(rd io.Reader, field string) ([]row, error) {
	b, err := io.ReadAll(io.LimitReader(rd, MaxImportBytes+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxImportBytes {
		return nil, parcours.FieldError(parcours.ETooLarge, field, "error.import_too_large", MaxImportBytes>>20)
	}
	if bytes.IndexByte(b, 0) >= 0 {
		return nil, parcours.FieldError(parcours.EInvalid, field, "error.import_encoding")
	}
	b = bytes.TrimPrefix(b, []byte{0xEF, 0xBB, 0xBF})
	if !utf8.Valid(b) {
		if b, err = charmap.Windows1252.NewDecoder().Bytes(b); err != nil {
			return nil, parcours.FieldError(parcours.EInvalid, field, "error.import_encoding")
		}
	}
	text := string(b)
	first, _, _ := strings.Cut(text, "\n")
	r := csv.NewReader(strings.NewReader(text))
	if strings.Count(first, ";") > strings.Count(first, ",") {
		r.Comma = ';'
	}
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		return nil, parcours.FieldError(parcours.EInvalid, field, "error.import_encoding")
	}
	index := map[string]int{}
	for i, h := range header {
		index[strings.ToLower(strings.TrimSpace(h))] = i
	}
	if _, ok := index["nom"]; !ok {
		return nil, parcours.FieldError(parcours.EInvalid, field, "error.directory.import_no_nom")
	}
	var out []row
	for {
		cells, err := r.Read()
		if err == io.EOF {
			break
		}
		line, _ := r.FieldPos(0)
		if err != nil {
			return nil, parcours.FieldError(parcours.EInvalid, field, "error.directory.import_line", line)
		}
		out = append(out, row{line: line, index: index, cells: cells})
	}
	return out, nil
}

// CheckImport tells whether actor may import into the directory, before
// any file is sent (the import page's form).
func (s *Service) CheckImport(actor parcours.Actor) error {
	return access.Check(actor, access.DirectoryManage, access.Target{})
}
