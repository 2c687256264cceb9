package web_test

import (
	"net/http"
	"strings"
	"testing"

	"parcours/internal/app/apptest"
)

// The directory's CSV import page: a check that lists every line to
// correct in French and writes nothing, a clean check that previews the
// files and writes nothing, then the import; the files are data·inclusion
// exports with a BOM and semicolons.
func TestDirectoryImportPage_CheckThenImport(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		count := e.Count
		structures := "\uFEFFid;siret;nom;commune;code_insee;adresse\n" +
			"s1;;Secours solidaire;Lyon;69123;3 rue Terme\n" +
			"s2;;Mission locale;Villeurbanne;6926;\n"
		services := "id;structure_id;nom;thematiques;commune;code_insee;modes_accueil\n" +
			"v1;s1;Épicerie solidaire;equipement-et-alimentation--alimentation;Lyon;69123;en-presentiel\n" +
			"v2;s9;Orpheline;sante;;;\n"
		files := func(st, sv string) []formFile {
			return []formFile{{"structures", "structures.csv", []byte(st)}, {"services", "services.csv", []byte(sv)}}
		}
		st0, sv0 := count("directory_structures"), count("directory_services")

		if r := e.Page("GET", "/settings/directory/import", "worker", nil); r.Status != http.StatusForbidden {
			t.Errorf("worker: %d", r.Status)
		}
		if r := workerPostFiles(t, e, "worker", "/settings/directory/import", map[string]string{}, files(structures, services)...); r.Status != http.StatusForbidden {
			t.Errorf("worker import: %d", r.Status)
		}
		r := e.Page("GET", "/settings/directory/import", "admin", nil)
		if r.Status != http.StatusOK || !strings.Contains(string(r.Body), `name="dry_run" type="checkbox" value="1" checked`) {
			t.Fatalf("form: %d", r.Status)
		}

		// Two bad lines, one per file: both told, in French, with their
		// file and line; nothing written, even without the check box.
		r = workerPostFiles(t, e, "admin", "/settings/directory/import", map[string]string{}, files(structures, services)...)
		body := string(r.Body)
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(body, "Rien n&#39;a été importé") ||
			!strings.Contains(body, "<td>structures</td><td>3</td><td>Le champ « code INSEE") ||
			!strings.Contains(body, "<td>services</td><td>3</td><td>structure_id « s9 » ne correspond à aucune ligne") {
			t.Fatalf("bad files: %d\n%s", r.Status, body)
		}
		if count("directory_structures") != st0 || count("directory_services") != sv0 {
			t.Fatal("a refused import wrote rows")
		}

		// Corrected: the check previews and writes nothing.
		structures = strings.Replace(structures, ";6926;", ";69266;", 1)
		services = strings.Replace(services, "v2;s9;Orpheline", "v2;s2;Accompagnement jeunes", 1)
		r = workerPostFiles(t, e, "admin", "/settings/directory/import", map[string]string{"dry_run": "1"}, files(structures, services)...)
		body = string(r.Body)
		if r.Status != http.StatusOK || !strings.Contains(body, "Vérification faite, rien n&#39;a été enregistré") ||
			!strings.Contains(body, "2 structures et 2 services.") || !strings.Contains(body, "<td>Secours solidaire</td><td>Lyon (69123)</td><td><ul><li>Épicerie solidaire</li></ul>") ||
			!strings.Contains(body, `name="dry_run" type="checkbox" value="1" checked`) {
			t.Fatalf("check: %d\n%s", r.Status, body)
		}
		if count("directory_structures") != st0 || count("directory_services") != sv0 {
			t.Fatal("a check wrote rows")
		}

		// Without the box: imported, audited, found by the directory's search.
		r = workerPostFiles(t, e, "admin", "/settings/directory/import", map[string]string{}, files(structures, services)...)
		if r.Status != http.StatusOK || !strings.Contains(string(r.Body), "Import fait") {
			t.Fatalf("import: %d\n%s", r.Status, r.Body)
		}
		if count("directory_structures") != st0+2 || count("directory_services") != sv0+2 {
			t.Fatalf("import wrote %d structures and %d services", count("directory_structures")-st0, count("directory_services")-sv0)
		}
		var n int
		if err := e.App.DB.SQL().QueryRow("SELECT COUNT(*) FROM audit_events WHERE action = 'directory.import'").Scan(&n); err != nil || n != 1 {
			t.Errorf("audit: %d %v", n, err)
		}
		var l struct{ Items []struct{ Nom string } }
		e.Do("GET", "/api/v1/services?commune=69123&theme=equipement-et-alimentation", "worker", nil).Decode(t, &l)
		if len(l.Items) != 1 || l.Items[0].Nom != "Épicerie solidaire" {
			t.Errorf("search after import: %+v", l.Items)
		}

		// The same files again: told as already imported, updated in
		// place, nothing added.
		r = workerPostFiles(t, e, "admin", "/settings/directory/import", map[string]string{"dry_run": "1"}, files(structures, services)...)
		if r.Status != http.StatusOK || !strings.Contains(string(r.Body), "Dont 2 structures et 2 services déjà importés par votre organisation") {
			t.Errorf("check again: %d\n%s", r.Status, r.Body)
		}
		if r = workerPostFiles(t, e, "admin", "/settings/directory/import", map[string]string{}, files(structures, services)...); r.Status != http.StatusOK {
			t.Fatalf("import again: %d", r.Status)
		}
		if count("directory_structures") != st0+2 || count("directory_services") != sv0+2 {
			t.Errorf("importing again added rows: %d structures and %d services", count("directory_structures")-st0, count("directory_services")-sv0)
		}

		// No structures file: the field is named, nothing written.
		r = workerPostFiles(t, e, "admin", "/settings/directory/import", map[string]string{"dry_run": "1"})
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), `href="#f-structures"`) ||
			!strings.Contains(string(r.Body), `id="f-structures" name="structures" type="file" accept=".csv,text/csv" aria-invalid="true"`) {
			t.Errorf("no file: %d\n%s", r.Status, r.Body)
		}
	})
}
