package cli

import (
	"os"
	"path/filepath"
	"testing"

	"parcours/internal/store"
	"parcours/internal/store/storetest"
)

// After a bulk load on PostgreSQL the tables are vacuumed (visibility
// map for index-only scans, statistics) without waiting for autovacuum,
// which a server may have off.
func TestSeedAndImport_VacuumPostgreSQL(t *testing.T) {
	t.Parallel()
	vacuumed := func(t *testing.T, dsn, table string) int {
		return count(t, dsn, "SELECT count(*) FROM pg_stat_user_tables WHERE schemaname = current_schema() AND relname = $1 AND last_vacuum IS NOT NULL AND last_analyze IS NOT NULL", table)
	}
	t.Run("seed", func(t *testing.T) {
		t.Parallel()
		dsn := storetest.DSN(t, store.Postgres)
		if _, stderr, err := runTool(t, "seed", "--persons", "50", "--database", dsn); err != nil {
			t.Fatalf("seed: %v (%s)", err, stderr)
		}
		for _, table := range []string{"persons", "person_terms", "search_terms", "journal_entries"} {
			if vacuumed(t, dsn, table) != 1 {
				t.Errorf("%s not vacuumed and analysed after seed", table)
			}
		}
	})
	t.Run("import", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		dsn := storetest.DSN(t, store.Postgres)
		common := []string{"--database", dsn, "--data-dir", dir}
		if _, _, err := runAdmin(t, "", append([]string{"admin", "create-org", "CCAS de Lyon", "--kind", "ccas"}, common...)...); err != nil {
			t.Fatal(err)
		}
		if vacuumed(t, dsn, "person_terms") != 0 {
			t.Fatal("person_terms vacuumed before any import: the test would prove nothing")
		}
		f := filepath.Join(dir, "usagers.csv")
		os.WriteFile(f, []byte("Nom;Prénom;Date de naissance\nDURAND;Paul;31/01/1975\n"), 0o600)
		if out, _, err := runAdmin(t, "", append([]string{"import", "persons", "--org", "CCAS de Lyon", f}, common...)...); err != nil {
			t.Fatalf("import: %v\n%s", err, out)
		}
		for _, table := range []string{"persons", "person_terms", "search_terms"} {
			if vacuumed(t, dsn, table) != 1 {
				t.Errorf("%s not vacuumed and analysed after import", table)
			}
		}
	})
}
