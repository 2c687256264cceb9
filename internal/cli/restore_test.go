package cli

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"parcours/internal/audit"
	"parcours/internal/store"
	"parcours/internal/store/storetest"
)

// A SQLite restore under a running server would swap the file beneath it:
// the server writes on to the old, unlinked file and every write it
// acknowledges afterwards is lost. Restore refuses while another process
// has the database open, with one readable line and nothing changed.
func TestRestore_RefusedWhileTheDatabaseIsOpenElsewhere(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dsn := storetest.DSN(t, store.SQLite)
	if _, stderr, err := runTool(t, "seed", "--persons", "20", "--seed", "5", "--database", dsn); err != nil {
		t.Fatalf("seed: %v %s", err, stderr)
	}
	inBackup := count(t, dsn, "SELECT count(*) FROM persons")
	file := filepath.Join(t.TempDir(), "parcours.backup")
	if _, stderr, err := runTool(t, "backup", file, "--database", dsn); err != nil {
		t.Fatalf("backup: %v %s", err, stderr)
	}
	if _, _, err := runTool(t, "seed", "--persons", "10", "--seed", "6", "--database", dsn); err != nil {
		t.Fatal(err)
	}
	live := count(t, dsn, "SELECT count(*) FROM persons")
	if live <= inBackup {
		t.Fatalf("the second seed added nothing (%d persons, %d in the backup): the test would prove nothing", live, inBackup)
	}
	// What "parcours serve" does first: open (and migrate) the database.
	server, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	dataDir := t.TempDir()
	_, _, err = runTool(t, "restore", file, "--force", "--database", dsn, "--data-dir", dataDir)
	if err == nil || ExitCode(err) == 0 {
		server.Close()
		t.Fatal("restore --force under a running server succeeded")
	}
	if msg := Message(err); strings.Contains(msg, "\n") || !strings.Contains(msg, dsn) {
		t.Errorf("message %q: want one line naming the database", msg)
	}
	// The server's writes go on to the live database.
	var n int
	if err := server.SQL().QueryRowContext(ctx, "SELECT count(*) FROM persons").Scan(&n); err != nil || n != live {
		t.Fatalf("after the refused restore the server sees %d persons (%v), want %d", n, err, live)
	}
	server.Close()
	// Once the server has stopped, the restore runs.
	if _, stderr, err := runTool(t, "restore", file, "--force", "--database", dsn, "--data-dir", dataDir); err != nil {
		t.Fatalf("restore after the server stopped: %v %s", err, stderr)
	}
	if n := count(t, dsn, "SELECT count(*) FROM persons"); n != inBackup {
		t.Fatalf("%d persons after restore, want the backup's %d", n, inBackup)
	}
}

// After a restore the data directory's anchor (the end of the chain an
// earlier verification saw) belonged to the replaced database, further
// along than the backup: "audit verify" then reported the newest events as
// deleted. Restore records itself in the audit trail and re-anchors there.
func TestRestore_ReanchorsTheAuditTrailAndRecordsTheRestore(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects {
		t.Run(d.String(), func(t *testing.T) { testReanchor(t, d) })
	}
}

func testReanchor(t *testing.T, d store.Dialect) {
	ctx := context.Background()
	dsn := storetest.DSN(t, d)
	dataDir := t.TempDir()
	audited := func(n int) {
		t.Helper()
		db, err := store.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if _, err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		for range n {
			if err := db.Transact(ctx, func(tx *store.Tx) error {
				tx.Audit(audit.Event{ActorID: "w", Action: "person.read", PersonID: "p"})
				return nil
			}); err != nil {
				t.Fatal(err)
			}
		}
	}
	verify := func() (string, error) {
		out, _, err := runTool(t, "audit", "verify", "--database", dsn, "--data-dir", dataDir)
		return out, err
	}
	audited(3)
	file := filepath.Join(t.TempDir(), "parcours.backup")
	if _, stderr, err := runTool(t, "backup", file, "--database", dsn); err != nil {
		t.Fatalf("backup: %v %s", err, stderr)
	}
	audited(4)
	if _, err := verify(); err != nil { // anchors at event 7
		t.Fatal(err)
	}
	if _, stderr, err := runTool(t, "restore", file, "--force", "--database", dsn, "--data-dir", dataDir); err != nil {
		t.Fatalf("restore: %v %s", err, stderr)
	}
	out, err := verify()
	if err != nil {
		t.Fatalf("audit verify after a restore: %v (%s)", Message(err), out)
	}
	if !strings.Contains(out, "4 events checked") {
		t.Errorf("verify: %q, want the 3 restored events and the restore's", out)
	}
	if n := count(t, dsn, "SELECT count(*) FROM audit_events WHERE action = 'backup.restore' AND object_id = 'parcours.backup'"); n != 1 {
		t.Errorf("%d backup.restore events, want 1", n)
	}
	if a, err := audit.ReadAnchor(dataDir); err != nil || a == nil || a.Seq != 4 {
		t.Errorf("anchor after restore: %+v, %v; want event 4", a, err)
	}
}
