package auth

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSecretBox_SealsOpensAndBindsToTheWorker(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keys", "totp.key")
	s := &Service{}
	s.UseKeyFile(path)
	sealed, err := s.seal("worker-1", "JBSWY3DPEHPK3PXP")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(sealed, sealedPrefix) || strings.Contains(sealed, "JBSWY3DPEHPK3PXP") {
		t.Fatalf("sealed = %q, want encrypted", sealed)
	}
	if got, err := s.open("worker-1", sealed); err != nil || got != "JBSWY3DPEHPK3PXP" {
		t.Fatalf("open = %q, %v", got, err)
	}
	if _, err := s.open("worker-2", sealed); err == nil {
		t.Fatal("a sealed secret opened for another worker")
	}
	if got, err := s.open("worker-1", "JBSWY3DPEHPK3PXP"); err != nil || got != "JBSWY3DPEHPK3PXP" {
		t.Fatalf("a secret stored in clear (demo) = %q, %v", got, err)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v, mode %v; want 0600", err, fi.Mode().Perm())
	}
	// Another instance with the same key file opens it; one with another
	// key does not.
	same := &Service{}
	same.UseKeyFile(path)
	if got, err := same.open("worker-1", sealed); err != nil || got != "JBSWY3DPEHPK3PXP" {
		t.Fatalf("same key file: %q, %v", got, err)
	}
	other := &Service{}
	other.UseKeyFile(filepath.Join(t.TempDir(), "totp.key"))
	if _, err := other.open("worker-1", sealed); err == nil {
		t.Fatal("opened with another key")
	}
	none := &Service{}
	if _, err := none.open("worker-1", sealed); err == nil {
		t.Fatal("opened without a key")
	}
}
