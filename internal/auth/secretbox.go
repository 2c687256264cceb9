package auth

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// TOTP secrets are stored encrypted (AES-256-GCM, the worker id as
// associated data so a sealed secret cannot be moved to another account)
// with a key that is not readable from the database alone: a leaked
// database dump or backup does not give anyone the second factors.
// Secrets written in clear by operator tools (the demo) are still read.
//
// The server uses the key every instance shares (UseKey, package keyring:
// stored in the database, wrapped by the master key). UseKeyFile, a key
// file created on first use, remains for tools and tests.

const sealedPrefix = "enc1:"

// secretBox seals and opens secrets with a key loaded from path on first
// use.
type secretBox struct {
	path string
	once sync.Once
	aead cipher.AEAD
	err  error
}

// UseKeyFile sets the file of the key that encrypts TOTP secrets at rest
// (created if missing). Without it, secrets are stored in clear: tests and
// tools that have no data directory.
func (s *Service) UseKeyFile(path string) { s.box = &secretBox{path: path} }

// UseKey sets the key that encrypts TOTP secrets at rest: the key every
// instance shares (package keyring), 32 bytes.
func (s *Service) UseKey(key []byte) error {
	b := &secretBox{}
	b.once.Do(func() {
		block, err := aes.NewCipher(key)
		if err != nil {
			b.err = err
			return
		}
		b.aead, b.err = cipher.NewGCM(block)
	})
	if b.err != nil {
		return fmt.Errorf("TOTP key: %w", b.err)
	}
	s.box = b
	return nil
}

func (b *secretBox) load() (cipher.AEAD, error) {
	b.once.Do(func() {
		key, err := readOrCreateKey(b.path)
		if err != nil {
			b.err = err
			return
		}
		block, err := aes.NewCipher(key)
		if err != nil {
			b.err = err
			return
		}
		b.aead, b.err = cipher.NewGCM(block)
	})
	return b.aead, b.err
}

func readOrCreateKey(path string) ([]byte, error) {
	if b, err := os.ReadFile(path); err == nil {
		key, err := hex.DecodeString(strings.TrimSpace(string(b)))
		if err != nil || len(key) != 32 {
			return nil, fmt.Errorf("TOTP key file %s: want 64 hexadecimal characters", path)
		}
		return key, nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	// O_EXCL: two instances starting together keep the first key written.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return readOrCreateKey(path)
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

// seal encrypts a secret of a worker for storage; in clear without a key
// file.
func (s *Service) seal(workerID, secret string) (string, error) {
	if s.box == nil || secret == "" {
		return secret, nil
	}
	aead, err := s.box.load()
	if err != nil {
		return "", err
	}
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	ct := aead.Seal(nonce, nonce, []byte(secret), []byte(workerID))
	return sealedPrefix + base64.RawStdEncoding.EncodeToString(ct), nil
}

// open returns the secret stored for a worker, decrypting it when sealed.
func (s *Service) open(workerID, stored string) (string, error) {
	rest, sealed := strings.CutPrefix(stored, sealedPrefix)
	if !sealed {
		return stored, nil
	}
	if s.box == nil {
		return "", errors.New("TOTP secret is encrypted but no key file is configured")
	}
	aead, err := s.box.load()
	if err != nil {
		return "", err
	}
	raw, err := base64.RawStdEncoding.DecodeString(rest)
	if err != nil || len(raw) < aead.NonceSize() {
		return "", errors.New("TOTP secret: malformed")
	}
	plain, err := aead.Open(nil, raw[:aead.NonceSize()], raw[aead.NonceSize():], []byte(workerID))
	if err != nil {
		return "", errors.New("TOTP secret: cannot be decrypted with this key")
	}
	return string(plain), nil
}
