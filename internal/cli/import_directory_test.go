package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"parcours/internal/store"
	"parcours/internal/store/storetest"
)

// The national referential's files: a dry run, a bad service refusing the
// whole import, then the import, found by theme and by a commune of its
// département.
func TestImportDirectory_DataInclusionFiles(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(d.String(), func(t *testing.T) {
			dir := t.TempDir()
			dsn := storetest.DSN(t, d)
			common := []string{"--database", dsn, "--data-dir", dir}
			args := func(a ...string) []string { return append(a, common...) }
			if _, _, err := runAdmin(t, "", args("admin", "create-org", "CCAS de Lyon", "--kind", "ccas")...); err != nil {
				t.Fatal(err)
			}
			structures := filepath.Join(dir, "structures.csv")
			os.WriteFile(structures, []byte("id,siret,nom,commune,code_insee,adresse,telephone,courriel,site_web\n"+
				"s1,,Secours solidaire,Lyon,69123,3 rue Terme,04 72 00 00 00,contact@secours.example,\n"+
				"s2,,Mission locale,Villeurbanne,69266,,,,https://ml.example\n"), 0o600)
			services := filepath.Join(dir, "services.csv")
			good := "id,structure_id,nom,presentation_resume,thematiques,commune,code_insee,zone_diffusion_type,zone_diffusion_code,modes_accueil\n" +
				"v1,s1,Épicerie solidaire,Produits à petit prix,\"[\"\"equipement-et-alimentation--alimentation\"\"]\",Lyon,69123,commune,69123,en-presentiel\n" +
				"v2,s2,Accompagnement jeunes,,\"trouver-un-emploi,se-former\",Villeurbanne,69266,departement,69,\n"
			os.WriteFile(services, []byte(good+"v3,s9,Orpheline,,sante,,,,,\n"), 0o600)
			out, _, err := runAdmin(t, "", args("import", "directory", "--org", "CCAS de Lyon", structures, services)...)
			if err == nil || ExitCode(err) != 1 || !strings.Contains(out, "line 4") || !strings.Contains(out, "s9") {
				t.Fatalf("bad file: %v\n%s", err, out)
			}
			os.WriteFile(services, []byte(good), 0o600)
			out, _, err = runAdmin(t, "", args("import", "directory", "--dry-run", "--org", "CCAS de Lyon", structures, services)...)
			if err != nil || !strings.Contains(out, "2 structures and 2 services would be imported") {
				t.Fatalf("dry run: %v\n%s", err, out)
			}
			out, _, err = runAdmin(t, "", args("import", "directory", "--org", "CCAS de Lyon", structures, services)...)
			if err != nil || !strings.Contains(out, "2 structures and 2 services imported") {
				t.Fatalf("import: %v\n%s", err, out)
			}
			// The referential's next file: the same ids are updated, a new
			// service added; nothing is duplicated.
			os.WriteFile(structures, []byte("id,siret,nom,commune,code_insee,adresse,telephone,courriel,site_web\n"+
				"s1,,Secours solidaire,Lyon,69123,5 rue Terme,04 72 00 00 00,contact@secours.example,\n"+
				"s2,,Mission locale,Villeurbanne,69266,,,,https://ml.example\n"), 0o600)
			os.WriteFile(services, []byte(good+"v4,s1,Vestiaire solidaire,,trouver-un-emploi,Lyon,69123,commune,69123,\n"), 0o600)
			out, _, err = runAdmin(t, "", args("import", "directory", "--org", "CCAS de Lyon", structures, services)...)
			if err != nil || !strings.Contains(out, "2 structures and 3 services imported") || !strings.Contains(out, "of which 2 structures and 2 services imported before") {
				t.Fatalf("second import: %v\n%s", err, out)
			}
			db, err := store.Open(context.Background(), dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			var nStructures, nServices int
			var address string
			if err := db.SQL().QueryRow("SELECT COUNT(*) FROM directory_structures WHERE source = 'csv'").Scan(&nStructures); err != nil {
				t.Fatal(err)
			}
			if err := db.SQL().QueryRow("SELECT COUNT(*) FROM directory_services").Scan(&nServices); err != nil {
				t.Fatal(err)
			}
			if err := db.SQL().QueryRow("SELECT adresse FROM directory_structures WHERE source_id = 's1'").Scan(&address); err != nil {
				t.Fatal(err)
			}
			if nStructures != 2 || nServices != 3 || address != "5 rue Terme" {
				t.Errorf("after the second import: %d structures, %d services, address %q", nStructures, nServices, address)
			}
			for f, want := range map[store.ServiceFilter]string{
				{Theme: "equipement-et-alimentation"}: "Épicerie solidaire",
				{CodeInsee: "69001"}:                  "Accompagnement jeunes", // same département
			} {
				err := db.View(context.Background(), func(tx *store.Tx) error {
					list, err := tx.Services(context.Background(), f)
					if err != nil {
						return err
					}
					if len(list) != 1 || list[0].Nom != want || list[0].OrientationParcours {
						t.Errorf("%+v: %+v", f, list)
					}
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
			}
			if _, _, err := runAdmin(t, "", args("import", "directory", structures)...); ExitCode(err) != 2 {
				t.Errorf("missing --org: %v", err)
			}
		})
	}
}
