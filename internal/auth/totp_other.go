package auth

import (
	"encoding/base32"
	"time"
)

// The same second factor for accounts that are not workers' (the person
// portal, package portal): the same settings, the same check of a code
// and the same encryption at rest, with the caller's own account id as
// the associated data and its own tables.

// TOTPEnrolmentFor shows the enrolment of secret (base32) for the
// account called name in the authenticator app; a new secret when
// secret is "".
func TOTPEnrolmentFor(name, secret string) (*TOTPEnrolment, error) {
	var raw []byte
	if secret != "" {
		var err error
		if raw, err = base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(secret); err != nil {
			return nil, err
		}
	}
	return totpEnrolmentNamed(name, raw)
}

// TOTPStep returns the time step a code matches for secret at now, or
// false (one step of drift either way). The caller refuses a step
// already used.
func TOTPStep(secret, code string, now time.Time) (int64, bool) { return totpStep(secret, code, now) }

// SealTOTP encrypts a secret of the account owner for storage, as the
// workers' are (in clear when no key is set).
func (s *Service) SealTOTP(owner, secret string) (string, error) { return s.seal(owner, secret) }

// OpenTOTP returns the secret stored for owner, decrypting it when
// sealed.
func (s *Service) OpenTOTP(owner, stored string) (string, error) { return s.open(owner, stored) }
