package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"parcours/internal/store/storetest"
)

func TestImportPersons_DryRunThenImportThenIdempotent(t *testing.T) {
	t.Setenv("LANG", "fr_FR.UTF-8")
	for _, d := range storetest.Dialects {
		t.Run(d.String(), func(t *testing.T) {
			dir := t.TempDir()
			common := []string{"--database", storetest.DSN(t, d), "--data-dir", dir}
			args := func(a ...string) []string { return append(a, common...) }
			if _, _, err := runAdmin(t, "", args("admin", "create-org", "CCAS de Lyon", "--kind", "ccas")...); err != nil {
				t.Fatal(err)
			}
			good := filepath.Join(dir, "usagers.csv")
			os.WriteFile(good, []byte("Nom;Prénom;Date de naissance;Foyer\nDURAND;Paul;31/01/1975;A\nDURAND;Zoé;02/02/2010;A\n"), 0o600)

			out, errOut, err := runAdmin(t, "", args("import", "persons", "--dry-run", "--org", "CCAS de Lyon", good)...)
			if err != nil || !strings.Contains(out, "Personnes qui seraient créées : 2") || !strings.Contains(out, "Simulation") {
				t.Fatalf("dry run: %v\n%s\n%s", err, out, errOut)
			}
			if !strings.Contains(errOut, "2/2") {
				t.Errorf("no progress on stderr: %q", errOut)
			}
			out, _, err = runAdmin(t, "", args("import", "persons", "--org", "CCAS de Lyon", good)...)
			if err != nil || !strings.Contains(out, "Personnes créées : 2") || !strings.Contains(out, "Foyers créés : 1") {
				t.Fatalf("import: %v\n%s", err, out)
			}
			out, _, err = runAdmin(t, "", args("import", "persons", "--org", "CCAS de Lyon", good)...)
			if err != nil || !strings.Contains(out, "Personnes créées : 0") || !strings.Contains(out, "ignorées) : 2") {
				t.Fatalf("re-import: %v\n%s", err, out)
			}

			// A mapping file renames columns; a bad row fails the command
			// with its line number and imports nothing.
			mapping := filepath.Join(dir, "mapping.txt")
			os.WriteFile(mapping, []byte("Patronyme = birth_name\n"), 0o600)
			bad := filepath.Join(dir, "bad.csv")
			os.WriteFile(bad, []byte("Patronyme,Prénom,Date de naissance\nMARTIN,Léa,12/04/1990\nPETIT,Luc,32/01/1980\n"), 0o600)
			out, _, err = runAdmin(t, "", args("import", "persons", "--org", "CCAS de Lyon", "--mapping", mapping, bad)...)
			if err == nil || ExitCode(err) != 1 || !strings.Contains(out, "Ligne 3 :") || !strings.Contains(out, "rien n'a été importé") {
				t.Fatalf("bad file: %v\n%s", err, out)
			}
			if strings.Contains(out, "PETIT") || strings.Contains(out, "32/01") {
				t.Errorf("report quotes cell contents: %s", out)
			}
			// Without --org the command does not start.
			if _, _, err := runAdmin(t, "", args("import", "persons", good)...); ExitCode(err) != 2 {
				t.Errorf("missing --org: %v", err)
			}
		})
	}
}
