package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"parcours/internal/store"
	"parcours/internal/store/storetest"
)

func TestBackup_RoundTripOnEachBackend(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(d.String(), func(t *testing.T) {
			if d == store.Postgres {
				if _, err := exec.LookPath("pg_dump"); err != nil {
					t.Skip("pg_dump not installed")
				}
			}
			dsn := storetest.DSN(t, d)
			if _, stderr, err := runTool(t, "seed", "--persons", "150", "--seed", "3", "--database", dsn); err != nil {
				t.Fatalf("seed: %v %s", err, stderr)
			}
			before := digestOf(t, dsn)
			file := filepath.Join(t.TempDir(), "parcours.backup")
			if _, stderr, err := runTool(t, "backup", file, "--database", dsn); err != nil {
				t.Fatalf("backup: %v %s", err, stderr)
			}
			// A second backup to the same file is refused: never overwrite.
			if _, _, err := runTool(t, "backup", file, "--database", dsn); err == nil || !strings.Contains(Message(err), file) {
				t.Fatalf("backup over an existing file: %v", err)
			}
			// Changes after the backup...
			if _, _, err := runTool(t, "seed", "--persons", "50", "--seed", "4", "--database", dsn); err != nil {
				t.Fatal(err)
			}
			if n := count(t, dsn, "SELECT count(*) FROM persons"); n != 200 {
				t.Fatalf("%d persons after the second seed", n)
			}
			// ...are not undone without --force,
			_, _, err := runTool(t, "restore", file, "--database", dsn, "--data-dir", t.TempDir())
			if err == nil || !strings.Contains(Message(err), "--force") {
				t.Fatalf("restore over data without --force: %v", err)
			}
			// and are with it.
			if _, stderr, err := runTool(t, "restore", file, "--force", "--database", dsn, "--data-dir", t.TempDir()); err != nil {
				t.Fatalf("restore: %v %s", err, stderr)
			}
			if n := count(t, dsn, "SELECT count(*) FROM persons"); n != 150 {
				t.Fatalf("%d persons after restore, want 150", n)
			}
			if after := digestOf(t, dsn); after != before {
				t.Fatal("restored content differs from the backed-up content")
			}
			// The restored database is usable: it migrates and seeds.
			if _, _, err := runTool(t, "seed", "--persons", "5", "--database", dsn); err != nil {
				t.Fatalf("seed after restore: %v", err)
			}
		})
	}
}

func TestRestore_RefusesAFileThatIsNotABackup(t *testing.T) {
	dir := t.TempDir()
	bogus := filepath.Join(dir, "bogus.db")
	if err := os.WriteFile(bogus, []byte("SQLite format 3\x00 but not really"), 0o600); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(dir, "target.db")
	_, _, err := runTool(t, "restore", bogus, "--database", target)
	if err == nil || !strings.Contains(Message(err), "bogus.db") {
		t.Fatalf("restore of a bogus file: %v", err)
	}
	if _, err := os.Stat(target); err == nil {
		t.Fatal("a refused restore created the target")
	}
	if _, _, err := runTool(t, "restore", filepath.Join(dir, "absent"), "--database", target); err == nil {
		t.Fatal("restore of a missing file succeeded")
	}
}
