package auth

import (
	"bufio"
	"bytes"
	_ "embed"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"parcours/internal/parcours"
)

// Password rules (CNIL délibération 2022-100, OWASP ASVS 5 level 2):
// length is what makes a password strong, so at least 12 characters, long
// passphrases welcome, no composition rules and no forced rotation — but
// a password found in lists of common or breached passwords is refused.
const (
	MinPasswordLen = 12
	// MaxPasswordLen (in characters) only guards against absurd inputs:
	// argon2id hashes any length at the same cost.
	MaxPasswordLen = 256
)

// commonPasswords is the bundled list of common and breached passwords,
// one per line, lower-cased.
//
// Source: the "passwords" dictionary of the npm package
// @zxcvbn-ts/language-common 4.1.3 (49,233 entries, itself derived from
// leaked password corpora by the zxcvbn project), MIT licence — see
// data/LICENSE-zxcvbn-ts.txt. Extracted with `npm pack`, lower-cased and
// de-duplicated (see also data/NOTICE.md).
//
//go:embed data/common-passwords.txt
var commonPasswordsTxt []byte

// commonPasswordsFr is our own short supplement of French habits (AZERTY
// keyboard rows, "motdepasse", football clubs, words of the trade) that
// the English-centric list above misses.
//
//go:embed data/common-passwords-fr.txt
var commonPasswordsFr []byte

var commonPasswords = sync.OnceValue(func() map[string]struct{} {
	m := make(map[string]struct{}, 50000)
	for _, list := range [][]byte{commonPasswordsTxt, commonPasswordsFr} {
		sc := bufio.NewScanner(bytes.NewReader(list))
		for sc.Scan() {
			if p := strings.TrimSpace(sc.Text()); p != "" {
				m[strings.ToLower(p)] = struct{}{}
			}
		}
	}
	return m
})

// IsCommonPassword reports whether password is in the bundled lists,
// compared case-insensitively — as it is, or once the digits and symbols
// people pad a common word with are taken off ("Motdepasse2024!",
// "123456Azerty"): padding a listed word to 12 characters does not make
// it strong.
func IsCommonPassword(password string) bool {
	list := commonPasswords()
	p := strings.ToLower(strings.TrimSpace(password))
	if _, ok := list[p]; ok {
		return true
	}
	core := strings.TrimFunc(p, func(r rune) bool { return !unicode.IsLetter(r) })
	if utf8.RuneCountInString(core) < 4 {
		// "1234!!!!aaaa…": nothing word-like to look up.
		return false
	}
	_, ok := list[core]
	return ok
}

// CheckPassword applies the password policy to a new password of the
// worker with that e-mail. The error names the field "password" and says
// which rule failed, in the user's language.
func CheckPassword(password, email string) error {
	n := utf8.RuneCountInString(password)
	switch {
	case password == "":
		return parcours.FieldError(parcours.EInvalid, "password", "error.field_required", "field.password")
	case n < MinPasswordLen:
		return parcours.FieldError(parcours.EInvalid, "password", "auth.error.password_too_short", MinPasswordLen)
	case n > MaxPasswordLen:
		return parcours.FieldError(parcours.EInvalid, "password", "auth.error.password_too_long", MaxPasswordLen)
	case email != "" && strings.EqualFold(strings.TrimSpace(password), strings.TrimSpace(email)):
		return parcours.FieldError(parcours.EInvalid, "password", "auth.error.password_is_email")
	case IsCommonPassword(password):
		return parcours.FieldError(parcours.EInvalid, "password", "auth.error.password_common")
	}
	return nil
}
