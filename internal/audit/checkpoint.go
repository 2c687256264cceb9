package audit

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Checkpoint is left by the retention purge: the sequence and hash of the
// last purged event, from which the kept chain continues. It is signed
// with HMAC-SHA256 under a key kept in the data directory, not in the
// database, so that someone who can write to the database alone cannot
// forge a purge to hide the events they deleted.
type Checkpoint struct {
	LastSeq   int64
	LastHash  string
	Purged    int64 // how many events this purge removed
	CreatedAt time.Time
	Signature string // hex HMAC-SHA256 of Message
}

// Message is what the signature covers.
func (c Checkpoint) Message() []byte {
	return []byte(strings.Join([]string{"parcours-audit-checkpoint-v1",
		strconv.FormatInt(c.LastSeq, 10), c.LastHash,
		strconv.FormatInt(c.Purged, 10), strconv.FormatInt(c.CreatedAt.UnixMicro(), 10)}, "\n"))
}

// Sign sets c.Signature with key.
func (c *Checkpoint) Sign(key []byte) {
	c.Signature = hex.EncodeToString(mac(key, c.Message()))
}

// Valid reports whether c's signature was made with key.
func (c Checkpoint) Valid(key []byte) bool {
	sig, err := hex.DecodeString(c.Signature)
	return err == nil && len(key) > 0 && hmac.Equal(sig, mac(key, c.Message()))
}

func mac(key, msg []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write(msg)
	return m.Sum(nil)
}

// KeyFile is where the checkpoint key lives, under the data directory.
func KeyFile(dataDir string) string {
	return filepath.Join(dataDir, "keys", "audit-checkpoint.key")
}

// ErrNoKey means the data directory holds no checkpoint key.
var ErrNoKey = errors.New("audit checkpoint key not found")

// LoadKey reads the checkpoint key from dataDir. With create, a missing key
// is generated (32 random bytes, file mode 0600); without, ErrNoKey is
// returned.
func LoadKey(dataDir string, create bool) ([]byte, error) {
	path := KeyFile(dataDir)
	b, err := os.ReadFile(path)
	if err == nil {
		key, err := hex.DecodeString(strings.TrimSpace(string(b)))
		if err != nil || len(key) < 32 {
			return nil, fmt.Errorf("audit checkpoint key %s is malformed", path)
		}
		return key, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	if !create {
		return nil, fmt.Errorf("%w at %s", ErrNoKey, path)
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	// O_EXCL: two instances starting together must not overwrite each
	// other's key; the loser reads the winner's.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return LoadKey(dataDir, false)
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

// Retention bounds: the CNIL référentiel asks for traces kept long enough
// to investigate (six months at least) and not forever.
const (
	MinRetention     = 6 * 30 * 24 * time.Hour  // ~6 months
	MaxRetention     = 3 * 365 * 24 * time.Hour // 3 years
	DefaultRetention = 365 * 24 * time.Hour     // 1 year
)

// ParseRetention reads a retention period written as "1y", "18m" (months),
// "540d" or a Go duration, and checks it lies between 6 months and 3
// years.
func ParseRetention(s string) (time.Duration, error) {
	s = strings.TrimSpace(strings.ToLower(s))
	if s == "" {
		return DefaultRetention, nil
	}
	var d time.Duration
	unit := s[len(s)-1]
	n, err := strconv.Atoi(s[:len(s)-1])
	switch {
	case err == nil && unit == 'y':
		d = time.Duration(n) * 365 * 24 * time.Hour
	case err == nil && unit == 'm':
		d = time.Duration(n) * 30 * 24 * time.Hour
	case err == nil && unit == 'd':
		d = time.Duration(n) * 24 * time.Hour
	default:
		if d, err = time.ParseDuration(s); err != nil {
			return 0, fmt.Errorf("audit retention %q: write it as 1y, 18m or 540d", s)
		}
	}
	if d < MinRetention || d > MaxRetention {
		return 0, fmt.Errorf("audit retention %q: must be between 6 months (6m) and 3 years (3y)", s)
	}
	return d, nil
}

// Anchor is the last event a verification (or the server's daily job)
// saw, kept in the data directory, outside the database: someone who can
// only write to the database may delete the newest events without
// breaking the chain, but not below the anchor without "audit verify"
// noticing.
type Anchor struct {
	Seq  int64  `json:"seq"`
	Hash string `json:"hash"`
}

// AnchorFile is where the anchor lives, under the data directory.
func AnchorFile(dataDir string) string {
	return filepath.Join(dataDir, "keys", "audit-anchor.json")
}

// ReadAnchor returns the anchor of dataDir, or nil when there is none.
func ReadAnchor(dataDir string) (*Anchor, error) {
	b, err := os.ReadFile(AnchorFile(dataDir))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var a Anchor
	if err := json.Unmarshal(b, &a); err != nil {
		return nil, fmt.Errorf("audit anchor %s is malformed: %w", AnchorFile(dataDir), err)
	}
	return &a, nil
}

// WriteAnchor records a in dataDir, atomically (write then rename). An
// anchor never moves backwards.
func WriteAnchor(dataDir string, a Anchor) error {
	if old, err := ReadAnchor(dataDir); err == nil && old != nil && old.Seq >= a.Seq {
		return nil
	}
	return writeAnchor(dataDir, a)
}

// ResetAnchor replaces the anchor of dataDir with a, even backwards, or
// removes it when a is nil: only after a restore, whose database is not
// the one the old anchor saw.
func ResetAnchor(dataDir string, a *Anchor) error {
	if a == nil {
		err := os.Remove(AnchorFile(dataDir))
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return err
	}
	return writeAnchor(dataDir, *a)
}

func writeAnchor(dataDir string, a Anchor) error {
	path := AnchorFile(dataDir)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	b, err := json.Marshal(a)
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
