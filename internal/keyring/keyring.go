// Package keyring keeps the keys every Parcours instance serving one
// database must share: the key sealing TOTP secrets and the key signing
// audit retention checkpoints. They live in the database (instance_keys),
// each wrapped with AES-256-GCM by a master key that is not in the
// database: PARCOURS_MASTER_KEY (base64 of 32 bytes) when set, otherwise
// the file keys/master.key of the data directory (created on first use).
//
// So a database dump alone gives no key away, every instance given the
// same master key uses the same keys, and an instance with another master
// key cannot unwrap them and refuses to start with a message saying why,
// instead of silently making keys of its own (which left TOTP secrets
// sealed by one instance unreadable by the other, and checkpoints signed
// by one unverifiable by the other).
//
// Upgrade: a database without a stored key takes the key file the data
// directory already has (keys/totp.key, keys/audit-checkpoint.key), so
// existing sealed secrets and signatures stay valid. A data directory
// whose file differs from the key already stored (a second instance that
// made its own before the upgrade) is refused, naming the file.
package keyring

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"parcours/internal/store"
)

// MasterKeyEnv is the environment variable of the master key.
const MasterKeyEnv = "PARCOURS_MASTER_KEY"

// Names of the shared keys, with the file each had in the data directory
// before they moved into the database.
const (
	TOTP            = "totp"
	AuditCheckpoint = "audit-checkpoint"
	// ExportFiles encrypts the files of background exports (never a
	// key file: it was born in the database).
	ExportFiles = "export-files"
)

var legacyFiles = map[string]string{TOTP: "totp.key", AuditCheckpoint: "audit-checkpoint.key", ExportFiles: "export-files.key"}

// ParseMasterKey decodes the value of PARCOURS_MASTER_KEY: base64
// (standard or URL alphabet, padded or not) of exactly 32 bytes.
func ParseMasterKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if k, err := enc.DecodeString(s); err == nil {
			if len(k) != 32 {
				return nil, fmt.Errorf("%s must be 32 bytes in base64 (it decodes to %d bytes); make one with: openssl rand -base64 32", MasterKeyEnv, len(k))
			}
			return k, nil
		}
	}
	return nil, fmt.Errorf("%s is not base64; make one with: openssl rand -base64 32", MasterKeyEnv)
}

// Ring hands out the shared keys of one database.
type Ring struct {
	db      *store.DB
	dataDir string
	kek     cipher.AEAD // nil: no master key available (read-only tools)
	source  string      // where the master key came from, for messages
}

// New returns the ring of db. masterKey is the decoded
// PARCOURS_MASTER_KEY, nil when unset: then the data directory's
// keys/master.key is used, created when create is set.
func New(db *store.DB, masterKey []byte, dataDir string, create bool) (*Ring, error) {
	r := &Ring{db: db, dataDir: dataDir, source: MasterKeyEnv}
	if masterKey == nil {
		path := filepath.Join(dataDir, "keys", "master.key")
		r.source = path
		var err error
		if masterKey, err = readKeyFile(path); errors.Is(err, fs.ErrNotExist) && create {
			masterKey, err = createKeyFile(path)
		}
		if errors.Is(err, fs.ErrNotExist) {
			return r, nil
		}
		if err != nil {
			return nil, err
		}
	}
	block, err := aes.NewCipher(masterKey)
	if err != nil {
		return nil, err
	}
	if r.kek, err = cipher.NewGCM(block); err != nil {
		return nil, err
	}
	return r, nil
}

// Key returns the shared key name. When the database has none yet, the
// data directory's old key file is taken in, or, with create, a new random
// key is made; without either it returns nil. It fails, saying how to fix
// it, when the stored key cannot be unwrapped with this instance's master
// key or differs from this data directory's old key file.
func (r *Ring) Key(ctx context.Context, name string, create bool) ([]byte, error) {
	key, found, err := r.stored(ctx, name)
	if err != nil || found {
		return key, err
	}
	legacy, err := readKeyFile(r.legacyPath(name))
	switch {
	case err == nil:
	case errors.Is(err, fs.ErrNotExist) && create:
		legacy = make([]byte, 32)
		if _, err := rand.Read(legacy); err != nil {
			return nil, err
		}
	case errors.Is(err, fs.ErrNotExist):
		return nil, nil
	default:
		return nil, err
	}
	if r.kek == nil {
		return legacy, nil // nothing to wrap it with: a read-only tool
	}
	nonce := make([]byte, r.kek.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	wrapped := base64.StdEncoding.EncodeToString(r.kek.Seal(nonce, nonce, legacy, []byte(name)))
	if err := r.db.Transact(ctx, func(tx *store.Tx) error { return tx.InsertWrappedKey(ctx, name, wrapped) }); err != nil {
		return nil, fmt.Errorf("store the %s key: %w", name, err)
	}
	// Another instance may have stored its key first: that one wins.
	key, _, err = r.stored(ctx, name)
	return key, err
}

// stored returns the key stored under name, unwrapped.
func (r *Ring) stored(ctx context.Context, name string) ([]byte, bool, error) {
	var wrapped string
	err := r.db.View(ctx, func(tx *store.Tx) error {
		var err error
		wrapped, err = tx.WrappedKey(ctx, name)
		return err
	})
	if errors.Is(err, store.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("read the %s key: %w", name, err)
	}
	if r.kek == nil {
		return nil, false, fmt.Errorf("the %s key is in the database, wrapped by a master key this command does not have: set %s or --data-dir as for serve", name, MasterKeyEnv)
	}
	raw, err := base64.StdEncoding.DecodeString(wrapped)
	if err != nil || len(raw) < r.kek.NonceSize() {
		return nil, false, fmt.Errorf("the %s key stored in the database is malformed", name)
	}
	key, err := r.kek.Open(nil, raw[:r.kek.NonceSize()], raw[r.kek.NonceSize():], []byte(name))
	if err != nil {
		return nil, false, fmt.Errorf("the %s key in the database was wrapped by another master key than this instance's (%s): give every instance serving this database the same %s (or the same keys/master.key in --data-dir)",
			name, r.source, MasterKeyEnv)
	}
	if legacy, err := readKeyFile(r.legacyPath(name)); err == nil && !bytes.Equal(legacy, key) {
		return nil, false, fmt.Errorf("%s holds another %s key than the one in the database (made by another instance): secrets or checkpoints made with it cannot be read; move the file away to use the database's key",
			r.legacyPath(name), name)
	}
	return key, true, nil
}

func (r *Ring) legacyPath(name string) string {
	return filepath.Join(r.dataDir, "keys", legacyFiles[name])
}

// readKeyFile reads a key kept as hexadecimal text, 32 bytes at least.
func readKeyFile(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	key, err := hex.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(key) < 32 {
		return nil, fmt.Errorf("key file %s: want 64 hexadecimal characters", path)
	}
	return key, nil
}

// createKeyFile makes a new 32-byte key file, readable by its owner only.
func createKeyFile(path string) ([]byte, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	// O_EXCL: of two processes starting together, the loser reads the
	// winner's key.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return readKeyFile(path)
	}
	if err != nil {
		return nil, err
	}
	if _, err := f.WriteString(hex.EncodeToString(key) + "\n"); err != nil {
		f.Close()
		return nil, err
	}
	return key, f.Close()
}
