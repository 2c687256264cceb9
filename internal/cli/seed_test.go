package cli

import (
	"bytes"
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"parcours/internal/parcours"
	"parcours/internal/store"
	"parcours/internal/store/storetest"
)

// runTool runs a command line in-process and returns stdout, stderr, error.
func runTool(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := Run(context.Background(), args, strings.NewReader(""), &out, &errb)
	return out.String(), errb.String(), err
}

func digestOf(t *testing.T, dsn string) string {
	t.Helper()
	db, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	d, err := db.ContentDigest(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func count(t *testing.T, dsn, q string, args ...any) int {
	t.Helper()
	db, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.SQL().QueryRowContext(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestSeed_SameSeedSameContentOnEachBackend(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(d.String(), func(t *testing.T) {
			a, b, c := storetest.DSN(t, d), storetest.DSN(t, d), storetest.DSN(t, d)
			for _, dsn := range []string{a, b} {
				_, stderr, err := runTool(t, "seed", "--persons", "400", "--seed", "12", "--database", dsn)
				if err != nil {
					t.Fatalf("seed: %v (%s)", err, stderr)
				}
				if !strings.Contains(stderr, "400/400 personnes") {
					t.Fatalf("no progress line on stderr: %q", stderr)
				}
			}
			if _, _, err := runTool(t, "seed", "--persons", "400", "--seed", "13", "--database", c); err != nil {
				t.Fatal(err)
			}
			if n := count(t, a, "SELECT count(*) FROM persons"); n != 400 {
				t.Fatalf("%d persons, want 400", n)
			}
			if n := count(t, a, "SELECT count(DISTINCT household_id) FROM persons"); n < 100 || n > 300 {
				t.Fatalf("%d households for 400 persons: implausible", n)
			}
			da, db, dc := digestOf(t, a), digestOf(t, b), digestOf(t, c)
			if da != db {
				t.Fatalf("same seed, different content: %s vs %s", da, db)
			}
			if da == dc {
				t.Fatal("seeds 12 and 13 gave the same content")
			}
		})
	}
}

func TestSeed_RefusesANonsenseCount(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "x.db")
	_, _, err := runTool(t, "seed", "--persons", "0", "--database", dsn)
	if err == nil || !strings.Contains(Message(err), "--persons") {
		t.Fatalf("seed --persons 0: %v, want an error naming --persons", err)
	}
	if _, statErr := os.Stat(dsn); statErr == nil {
		t.Fatal("a refused seed created the database")
	}
}

func TestDemo_RefusesToOverwriteWithoutForce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "precious.db")
	if err := os.WriteFile(path, []byte("not yours"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, _, err := runTool(t, "demo", "--database", path, "--addr", "127.0.0.1:0")
	if err == nil {
		t.Fatal("demo overwrote an existing file without --force")
	}
	msg := Message(err)
	if strings.Contains(msg, "\n") || !strings.Contains(msg, "--force") || !strings.Contains(msg, path) {
		t.Fatalf("message %q: want one line naming the file and --force", msg)
	}
	if b, _ := os.ReadFile(path); string(b) != "not yours" {
		t.Fatal("the existing file was modified")
	}
	if _, _, err := runTool(t, "demo", "--database", "postgres://postgres@127.0.0.1/x"); err == nil {
		t.Fatal("demo accepted a PostgreSQL DSN")
	}
}

// The demo database has every role in each organisation, 200 persons in
// households, situation histories, and the printed logins work.
func TestDemo_CreatesACompleteDemo(t *testing.T) {
	path := filepath.Join(t.TempDir(), "demo.db")
	if err := os.WriteFile(path, []byte("old demo"), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb}
	if err := createDemo(context.Background(), e, path, t.TempDir(), true, 200, time.Now()); err != nil {
		t.Fatalf("demo --force: %v", err)
	}
	dsn := path
	orgs := count(t, dsn, "SELECT count(*) FROM organizations")
	if orgs < 2 {
		t.Fatalf("%d organisations, want a CCAS and a département", orgs)
	}
	for _, kind := range []string{"ccas", "departement"} {
		if n := count(t, dsn, "SELECT count(*) FROM organizations WHERE kind = ?", kind); n != 1 {
			t.Errorf("%d organisations of kind %s, want 1", n, kind)
		}
	}
	for _, r := range parcours.Roles {
		if n := count(t, dsn, "SELECT count(DISTINCT org_id) FROM workers WHERE role = ?", string(r)); n != orgs {
			t.Errorf("role %s present in %d organisations of %d", r, n, orgs)
		}
	}
	if n := count(t, dsn, "SELECT count(*) FROM persons"); n != 200 {
		t.Errorf("%d persons, want 200", n)
	}
	if n := count(t, dsn, "SELECT count(*) FROM persons WHERE household_id IS NULL"); n != 0 {
		t.Errorf("%d persons outside any household", n)
	}
	if n := count(t, dsn, "SELECT count(*) FROM (SELECT household_id FROM persons GROUP BY household_id HAVING count(*) > 1) x"); n < 20 {
		t.Errorf("only %d households of several persons", n)
	}
	if n := count(t, dsn, "SELECT count(*) FROM (SELECT household_id FROM situations GROUP BY household_id HAVING count(*) >= 2) x"); n < 5 {
		t.Errorf("only %d households with a situation history", n)
	}
	if n := count(t, dsn, "SELECT count(*) FROM tasks WHERE status = 'open'"); n < 10 {
		t.Errorf("%d open tasks, want a worker's day to show some", n)
	}
	if n := count(t, dsn, "SELECT count(*) FROM journal_entries"); n < 1000 {
		t.Errorf("%d journal entries for 200 persons, want about ten each", n)
	}
	if n := count(t, dsn, "SELECT count(*) FROM message_threads WHERE referral_id IS NOT NULL"); n != 1 {
		t.Errorf("%d threads under a referral, want the CCAS ↔ Département exchange", n)
	}
	if n := count(t, dsn, "SELECT count(*) FROM message_threads WHERE referral_id IS NULL"); n < 1 {
		t.Error("no thread between CCAS workers")
	}
	if n := count(t, dsn, "SELECT count(*) FROM notifications WHERE kind = 'message' AND read_at = 0"); n < 3 {
		t.Errorf("%d unread message notifications", n)
	}
	if n := count(t, dsn, "SELECT count(*) FROM desk_visits WHERE message <> ''"); n < 1 {
		t.Error("no message taken by the front desk")
	}
	if n := count(t, dsn, "SELECT count(*) FROM audit_events WHERE action = 'person.create'"); n != 200 {
		t.Errorf("%d person.create audit events, want 200", n)
	}
	stdout := out.String()
	for _, want := range []string{"admin@ccas-villeurbanne.example", "demo-admin-parcours-2026", "otpauth://totp/", "accueil@rhone.example",
		"portail.demo", "portail de démonstration", "/moi/activer"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("logins output lacks %q:\n%s", want, stdout)
		}
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
}

// The demo checks its port before writing anything, and an existing demo
// database is resumed with serve, not only replaced with --force.
func TestDemo_BusyPortWritesNothingAndExistingDatabaseSaysHowToResume(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	path := filepath.Join(t.TempDir(), "demo.db")
	_, _, err = runTool(t, "demo", "--database", path, "--addr", ln.Addr().String())
	if err == nil || !strings.Contains(Message(err), ln.Addr().String()) {
		t.Fatalf("busy port: %v", err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatal("the demo wrote its database although the port was busy")
	}
	if err := os.WriteFile(path, []byte("an earlier demo"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, _, err = runTool(t, "demo", "--database", path, "--addr", "127.0.0.1:0")
	if err == nil || !strings.Contains(Message(err), "parcours serve --database "+path) {
		t.Fatalf("existing database: %v, want how to resume it", err)
	}
}
