package auth

import (
	"strings"
	"testing"

	"parcours/internal/parcours"
)

func TestCheckPassword_Policy(t *testing.T) {
	long := strings.Repeat("une phrase de passe ", 7) // 140 characters
	cases := []struct {
		name, password, email string
		wantKey               string // "" when accepted
	}{
		{"empty", "", "a@b.fr", "error.field_required"},
		{"11 characters", "abcdefghijk", "a@b.fr", "auth.error.password_too_short"},
		{"12 characters, not common", "ma-clé-à-moi", "a@b.fr", ""},
		{"12 accented characters count as characters", "éééééééééééé", "a@b.fr", ""},
		{"passphrase of 140 characters", long, "a@b.fr", ""},
		{"257 characters", strings.Repeat("x", 257), "a@b.fr", "auth.error.password_too_long"},
		{"no composition rule: lower-case letters only", "correcthorsebatterystaple", "a@b.fr", ""},
		{"common password", "qwertyuiop123", "a@b.fr", "auth.error.password_common"},
		{"common password, other case", "QWERTYUIOP123", "a@b.fr", "auth.error.password_common"},
		{"common password with spaces around", "  qwertyuiop123 ", "a@b.fr", "auth.error.password_common"},
		{"French keyboard row", "azertyuiop123", "a@b.fr", "auth.error.password_common"},
		{"common word padded with digits and symbols", "Motdepasse2024!", "a@b.fr", "auth.error.password_common"},
		{"common word after digits", "123456Dragon!", "a@b.fr", "auth.error.password_common"},
		{"digits only, not listed", "918273645501", "a@b.fr", ""},
		{"common word inside a passphrase is fine", "mon dragon mange des crêpes", "a@b.fr", ""},
		{"equal to the e-mail", "anne.dupont@ccas.fr", "anne.dupont@ccas.fr", "auth.error.password_is_email"},
		{"equal to the e-mail, other case", "Anne.Dupont@CCAS.fr", "anne.dupont@ccas.fr", "auth.error.password_is_email"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := CheckPassword(c.password, c.email)
			if c.wantKey == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			e := parcours.AsError(err)
			if e == nil || e.Key != c.wantKey || e.Field != "password" || e.Code != parcours.EInvalid {
				t.Fatalf("got %v, want %s on field password", err, c.wantKey)
			}
		})
	}
}

func TestCommonPasswords_ListIsBundled(t *testing.T) {
	if n := len(commonPasswords()); n < 10000 {
		t.Fatalf("%d common passwords bundled, want at least 10,000", n)
	}
	for _, p := range []string{"password", "123456", "azerty", "iloveyou"} {
		if !IsCommonPassword(p) {
			t.Errorf("%q is not in the list", p)
		}
	}
}

func TestSafeHashAndVerify(t *testing.T) {
	h := HashPassword("une phrase de passe")
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash %q does not use argon2id with m=19 MiB, t=2, p=1", h)
	}
	if !VerifyPassword(h, "une phrase de passe") || VerifyPassword(h, "une phrase de passe!") || VerifyPassword("", "") {
		t.Fatal("VerifyPassword accepts a wrong password or rejects the right one")
	}
}
