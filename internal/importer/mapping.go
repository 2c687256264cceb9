package importer

import (
	"bufio"
	"io"
	"slices"
	"strings"

	"parcours/internal/parcours"
	"parcours/internal/search/namekey"
)

// Fields an import can fill. birth_name, first_names and birth_date are
// required; external_id, when mapped, is the stable key of a row.
var Fields = []string{"external_id", "birth_name", "usage_name", "first_names", "birth_date", "sex", "birth_place",
	"phone", "email", "address_line1", "address_line2", "postal_code", "city", "nir", "caf_number",
	"household", "household_name", "relationship"}

var required = []string{"birth_name", "first_names", "birth_date"}

// defaultHeaders are the column names met in the spreadsheets of CCAS and
// départements, folded (see headerKey), for each field.
var defaultHeaders = map[string][]string{
	"external_id":    {"external_id", "id", "identifiant", "id_externe", "numero_dossier", "n_dossier", "no_dossier", "dossier"},
	"birth_name":     {"birth_name", "nom", "nom_de_naissance", "nom_naissance", "nom_de_famille", "last_name", "surname"},
	"usage_name":     {"usage_name", "nom_d_usage", "nom_usage", "nom_marital", "nom_d_epouse"},
	"first_names":    {"first_names", "prenom", "prenoms", "first_name", "given_name"},
	"birth_date":     {"birth_date", "date_de_naissance", "date_naissance", "ne_le", "ne_e_le", "naissance", "ddn"},
	"sex":            {"sex", "sexe", "genre", "civilite"},
	"birth_place":    {"birth_place", "lieu_de_naissance", "lieu_naissance", "commune_de_naissance"},
	"phone":          {"phone", "telephone", "tel", "portable", "mobile"},
	"email":          {"email", "e_mail", "courriel", "mail", "adresse_mail"},
	"address_line1":  {"address_line1", "adresse", "adresse_1", "adresse1", "rue"},
	"address_line2":  {"address_line2", "adresse_2", "adresse2", "complement_d_adresse", "complement"},
	"postal_code":    {"postal_code", "code_postal", "cp"},
	"city":           {"city", "ville", "commune"},
	"nir":            {"nir", "numero_de_securite_sociale", "n_securite_sociale", "securite_sociale", "nss"},
	"caf_number":     {"caf_number", "numero_caf", "n_caf", "caf", "numero_allocataire", "n_allocataire"},
	"household":      {"household", "foyer", "id_foyer", "menage", "id_menage", "numero_foyer"},
	"household_name": {"household_name", "nom_du_foyer", "nom_foyer"},
	"relationship":   {"relationship", "lien", "lien_de_parente", "lien_avec_le_demandeur", "role_dans_le_foyer"},
}

// headerKey folds a column name: "Date de naissance" → "date_de_naissance".
func headerKey(h string) string {
	return strings.Join(namekey.Words(h), "_")
}

// Mapping sends column names (as written in the file) to fields; it
// overrides the default names.
type Mapping map[string]string

// ParseMapping reads a mapping file: one "column name = field" per line,
// blank lines and lines starting with # ignored.
func ParseMapping(r io.Reader) (Mapping, error) {
	m := Mapping{}
	sc := bufio.NewScanner(r)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		col, field, ok := strings.Cut(line, "=")
		col, field = strings.TrimSpace(col), strings.TrimSpace(field)
		if !ok || col == "" || !slices.Contains(Fields, field) {
			return nil, parcours.Errorf(parcours.EInvalid, "error.import_mapping_line", n)
		}
		m[col] = field
	}
	return m, sc.Err()
}

// columns maps each field to its column index in header, or reports the
// required fields no column provides.
func columns(header []string, m Mapping) (map[string]int, error) {
	byKey := map[string]string{}
	for field, names := range defaultHeaders {
		for _, n := range names {
			byKey[n] = field
		}
	}
	for col, field := range m {
		byKey[headerKey(col)] = field
	}
	cols := map[string]int{}
	for i, h := range header {
		if field, ok := byKey[headerKey(h)]; ok {
			if _, dup := cols[field]; !dup {
				cols[field] = i
			}
		}
	}
	var missing []string
	for _, f := range required {
		if _, ok := cols[f]; !ok {
			missing = append(missing, f)
		}
	}
	if len(missing) > 0 {
		return nil, parcours.FieldError(parcours.EInvalid, "file", "error.import_missing_columns", strings.Join(missing, ", "))
	}
	return cols, nil
}
