package keyring_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"parcours/internal/app"
	"parcours/internal/keyring"
	"parcours/internal/store"
	"parcours/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// instance starts a Parcours on db as "parcours serve" would.
func instance(db *store.DB, dataDir string, master []byte) (*app.App, error) {
	return app.New(app.Config{Database: "test", DataDir: dataDir, MasterKey: master,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))}, db)
}

func open(t *testing.T, dsn string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}

func key(b byte) []byte { return bytes.Repeat([]byte{b}, 32) }

// Two instances on one PostgreSQL with their own data directories: with
// the same master key they use the same keys (a TOTP secret sealed by one
// opens on the other, a checkpoint signed by one verifies on the other);
// with another master key, or none, the second refuses to start.
func TestTwoInstancesOnOnePostgres_ShareKeysOrRefuseToStart(t *testing.T) {
	t.Parallel()
	dsn := storetest.DSN(t, store.Postgres)
	ctx := context.Background()
	a1, err := instance(open(t, dsn), t.TempDir(), key(1))
	if err != nil {
		t.Fatal(err)
	}
	a2, err := instance(open(t, dsn), t.TempDir(), key(1))
	if err != nil {
		t.Fatalf("second instance with the same master key: %v", err)
	}
	if len(a1.AuditKey) != 32 || !bytes.Equal(a1.AuditKey, a2.AuditKey) {
		t.Error("the two instances sign audit checkpoints with different keys")
	}
	r1, _ := keyring.New(a1.DB, key(1), t.TempDir(), false)
	r2, _ := keyring.New(a2.DB, key(1), t.TempDir(), false)
	k1, err1 := r1.Key(ctx, keyring.TOTP, false)
	k2, err2 := r2.Key(ctx, keyring.TOTP, false)
	if err1 != nil || err2 != nil || len(k1) != 32 || !bytes.Equal(k1, k2) {
		t.Errorf("TOTP keys differ between instances (%v, %v)", err1, err2)
	}
	// Another master key: refused, saying what to do.
	_, err = instance(open(t, dsn), t.TempDir(), key(2))
	if err == nil || !strings.Contains(err.Error(), keyring.MasterKeyEnv) {
		t.Errorf("instance with another master key: %v, want a refusal naming %s", err, keyring.MasterKeyEnv)
	}
	// No master key and another data directory: its own keys/master.key
	// cannot unwrap them either.
	_, err = instance(open(t, dsn), t.TempDir(), nil)
	if err == nil || !strings.Contains(err.Error(), "master key") {
		t.Errorf("instance with its own data directory's master key: %v, want a refusal", err)
	}
	// The database holds the keys wrapped, never in clear.
	rows, err := a1.DB.SQL().Query("SELECT wrapped FROM instance_keys")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var w string
		rows.Scan(&w)
		n++
		if strings.Contains(w, hex.EncodeToString(a1.AuditKey)) || strings.Contains(w, hex.EncodeToString(k1)) {
			t.Error("a key is stored in clear")
		}
	}
	// TOTP, audit checkpoints and the background exports' files.
	if n != 3 {
		t.Errorf("%d keys stored, want 3", n)
	}
	if k1, k2 := a1.Stats.ExportSettings().Key, a2.Stats.ExportSettings().Key; len(k1) != 32 || !bytes.Equal(k1, k2) {
		t.Error("the two instances encrypt background exports with different keys")
	}
}

// On SQLite (and PostgreSQL) without PARCOURS_MASTER_KEY the data
// directory's keys/master.key wraps the keys: a restart with the same
// directory finds them again. An existing installation keeps the keys of
// its old key files (sealed secrets and signatures stay valid); a data
// directory holding another old key than the stored one is refused.
func TestKeys_DataDirMasterKeyAndUpgradeFromKeyFiles(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects {
		t.Run(d.String(), func(t *testing.T) {
			dsn := storetest.DSN(t, d)
			dataDir := t.TempDir()
			oldTOTP, oldAudit := strings.Repeat("ab", 32), strings.Repeat("cd", 32)
			os.MkdirAll(filepath.Join(dataDir, "keys"), 0o700)
			os.WriteFile(filepath.Join(dataDir, "keys", "totp.key"), []byte(oldTOTP+"\n"), 0o600)
			os.WriteFile(filepath.Join(dataDir, "keys", "audit-checkpoint.key"), []byte(oldAudit+"\n"), 0o600)

			a1, err := instance(open(t, dsn), dataDir, nil)
			if err != nil {
				t.Fatal(err)
			}
			if hex.EncodeToString(a1.AuditKey) != oldAudit {
				t.Error("the upgrade did not keep the audit checkpoint key of the data directory")
			}
			ring, err := keyring.New(a1.DB, nil, dataDir, false)
			if err != nil {
				t.Fatal(err)
			}
			if k, err := ring.Key(context.Background(), keyring.TOTP, false); err != nil || hex.EncodeToString(k) != oldTOTP {
				t.Errorf("the upgrade did not keep the TOTP key of the data directory (%v)", err)
			}
			if _, err := os.Stat(filepath.Join(dataDir, "keys", "master.key")); err != nil {
				t.Errorf("no master key made in the data directory: %v", err)
			}
			// A restart finds the same keys.
			a2, err := instance(open(t, dsn), dataDir, nil)
			if err != nil || !bytes.Equal(a2.AuditKey, a1.AuditKey) {
				t.Fatalf("restart: %v, same key %v", err, err == nil && bytes.Equal(a2.AuditKey, a1.AuditKey))
			}
			// Another data directory sharing the master key but holding
			// another old TOTP key: refused, naming the file.
			other := t.TempDir()
			os.MkdirAll(filepath.Join(other, "keys"), 0o700)
			master, _ := os.ReadFile(filepath.Join(dataDir, "keys", "master.key"))
			os.WriteFile(filepath.Join(other, "keys", "master.key"), master, 0o600)
			os.WriteFile(filepath.Join(other, "keys", "totp.key"), []byte(strings.Repeat("ef", 32)), 0o600)
			_, err = instance(open(t, dsn), other, nil)
			if err == nil || !strings.Contains(err.Error(), filepath.Join(other, "keys", "totp.key")) {
				t.Errorf("a data directory with another old key: %v, want a refusal naming its file", err)
			}
		})
	}
}

func TestParseMasterKey(t *testing.T) {
	t.Parallel()
	if k, err := keyring.ParseMasterKey("AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE="); err != nil || !bytes.Equal(k, key(1)) {
		t.Errorf("valid key: %v", err)
	}
	for _, bad := range []string{"", "not base64!", "AQEBAQ=="} {
		if _, err := keyring.ParseMasterKey(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
