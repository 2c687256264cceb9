package portal

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"parcours/internal/audit"
	"parcours/internal/auth"
	"parcours/internal/parcours"
	"parcours/internal/store"
)

// The portal's optional second factor: the workers' TOTP (package auth:
// same settings, same check, same encryption at rest with the shared
// key), enrolled by the person (or a delegate) from their account page
// and asked at sign-in, after the password, once enabled.

// UseTOTPKeys sets the service that seals TOTP secrets at rest (the
// workers' authentication service, which holds the shared key). Without
// it secrets are stored in clear (tools and tests without a key).
func (s *Service) UseTOTPKeys(a *auth.Service) { s.keys = a }

// sealOwner is the associated data of a portal account's sealed secret,
// apart from any worker id.
func sealOwner(accountID string) string { return "portal:" + accountID }

func (s *Service) seal(accountID, secret string) (string, error) {
	if s.keys == nil {
		return secret, nil
	}
	return s.keys.SealTOTP(sealOwner(accountID), secret)
}

func (s *Service) open(accountID, stored string) (string, error) {
	if s.keys == nil {
		return stored, nil
	}
	return s.keys.OpenTOTP(sealOwner(accountID), stored)
}

func errBadTOTP() error {
	return parcours.FieldError(parcours.EUnauthenticated, "code", "auth.error.totp_invalid")
}

// PendingSession returns the half-signed-in session of secret (password
// right, TOTP code to come); unauthenticated otherwise.
func (s *Service) PendingSession(ctx context.Context, secret string) (*Session, error) {
	if len(secret) < 40 || len(secret) > 80 {
		return nil, unauthenticated()
	}
	idHash := hashSecret(secret)
	var row *store.PortalSessionRow
	var a *parcours.PortalAccount
	err := s.db.View(ctx, func(tx *store.Tx) error {
		var err error
		if row, err = tx.PortalSession(ctx, idHash); err != nil {
			return err
		}
		a, err = tx.PortalAccount(ctx, row.AccountID)
		return err
	})
	if errors.Is(err, store.ErrNoRows) {
		return nil, unauthenticated()
	}
	if err != nil {
		return nil, err
	}
	now := s.db.Now()
	// Ten minutes to type the code.
	if row.MFADone || !a.Active(today(now)) || !a.TOTPEnabled || now.Sub(time.UnixMicro(row.CreatedAt)) > 10*time.Minute {
		return nil, unauthenticated()
	}
	return &Session{Account: a, CSRF: row.CSRF, idHash: idHash}, nil
}

// CompleteTOTP checks the code of a half-signed-in session. On success
// the session is replaced by a complete one (new secret: no fixation);
// the caller sets the new cookie. Wrong codes count towards the same
// lockout as wrong passwords; a code already used is refused.
func (s *Service) CompleteTOTP(ctx context.Context, secret, code, ip string) (*Session, error) {
	pending, err := s.PendingSession(ctx, secret)
	if err != nil {
		return nil, err
	}
	a := pending.Account
	lkey, ikey := "portal-login:"+hashSecret(a.Login)[:32], "portal-ip:"+ip
	var sess *Session
	bad := false
	err = s.db.Transact(ctx, func(tx *store.Tx) error {
		if l, err := locked(ctx, tx, lkey, ikey); err != nil {
			return err
		} else if l {
			return errLocked()
		}
		stored, _, err := tx.PortalTOTP(ctx, a.ID)
		if err != nil {
			return err
		}
		plain, err := s.open(a.ID, stored)
		if err != nil {
			return err
		}
		step, ok := auth.TOTPStep(plain, code, tx.Now())
		if ok {
			if ok, err = tx.UsePortalTOTPStep(ctx, a.ID, step); err != nil {
				return err
			}
		}
		if !ok {
			bad = true
			return errBadTOTP()
		}
		if err := tx.ClearThrottle(ctx, lkey); err != nil {
			return err
		}
		if err := tx.DeletePortalSession(ctx, pending.idHash); err != nil {
			return err
		}
		tx.Audit(audit.For(a.Actor(), "portal.login", "portal_account", a.ID, a.PersonID))
		sess, err = newSession(ctx, tx, a)
		return err
	})
	if bad {
		s.fail(ctx, map[string]int{lkey: maxFailures, ikey: maxIPFailures})
		_ = s.db.Transact(ctx, func(tx *store.Tx) error {
			tx.Audit(audit.For(a.Actor(), "portal.login.failure", "portal_account", a.ID, ""))
			return nil
		})
		s.log.LogAttrs(ctx, slog.LevelWarn, "portal login", slog.String("outcome", "failure"), slog.String("step", "totp"),
			slog.String("account", lkey[len("portal-login:"):]), slog.String("ip", ip))
	}
	if err != nil {
		return nil, err
	}
	return sess, nil
}

// BeginTOTP returns the enrolment under way in sess: a secret drawn by
// the server the first time and kept, sealed, with the session, so that
// the page shows the same QR code after a wrong code or a reload. Nothing
// changes for the account until EnableTOTP receives a valid code.
func (s *Service) BeginTOTP(ctx context.Context, sess *Session) (*auth.TOTPEnrolment, error) {
	if sess == nil || !sess.MFADone {
		return nil, unauthenticated()
	}
	a := sess.Account
	if sess.totpPending != "" {
		if plain, err := s.open(a.ID, sess.totpPending); err == nil && plain != "" {
			if e, err := auth.TOTPEnrolmentFor(a.Login, plain); err == nil {
				return e, nil
			}
		}
	}
	e, err := auth.TOTPEnrolmentFor(a.Login, "")
	if err != nil {
		return nil, err
	}
	sealed, err := s.seal(a.ID, e.Secret)
	if err != nil {
		return nil, err
	}
	if err := s.db.Transact(ctx, func(tx *store.Tx) error {
		return tx.SetPortalSessionTOTPPending(ctx, sess.idHash, sealed)
	}); err != nil {
		return nil, err
	}
	sess.totpPending = sealed
	return e, nil
}

// checkPassword asks the account's password again before its second
// factor changes; a wrong one counts towards the lockout.
func (s *Service) checkPassword(ctx context.Context, a *parcours.PortalAccount, password string) error {
	lkey := "portal-login:" + hashSecret(a.Login)[:32]
	var hash string
	var isLocked bool
	if err := s.db.View(ctx, func(tx *store.Tx) error {
		var err error
		if isLocked, err = locked(ctx, tx, lkey); err != nil {
			return err
		}
		hash, err = tx.PortalPasswordHash(ctx, a.ID)
		return err
	}); err != nil {
		return err
	}
	if isLocked {
		return errLocked()
	}
	if password == "" {
		return parcours.FieldError(parcours.EInvalid, "current_password", "error.field_required", "field.current_password")
	}
	if !auth.VerifyPassword(hash, password) {
		s.fail(ctx, map[string]int{lkey: maxFailures})
		return parcours.FieldError(parcours.EInvalid, "current_password", "auth.error.current_password_wrong")
	}
	return nil
}

// EnableTOTP turns the second factor on (or replaces it) once the
// account's password is given again and a valid code of the enrolment
// under way in sess is typed. The account's other sessions end.
func (s *Service) EnableTOTP(ctx context.Context, sess *Session, password, code string) error {
	if sess == nil || !sess.MFADone {
		return unauthenticated()
	}
	a := sess.Account
	if err := s.checkPassword(ctx, a, password); err != nil {
		return err
	}
	if sess.totpPending == "" {
		return parcours.FieldError(parcours.EInvalid, "code", "auth.error.totp_no_enrolment")
	}
	plain, err := s.open(a.ID, sess.totpPending)
	if err != nil {
		return err
	}
	step, ok := auth.TOTPStep(plain, code, s.db.Now())
	if !ok {
		return parcours.FieldError(parcours.EInvalid, "code", "auth.error.totp_invalid")
	}
	sealed, err := s.seal(a.ID, plain)
	if err != nil {
		return err
	}
	return s.db.Transact(ctx, func(tx *store.Tx) error {
		if err := tx.SetPortalTOTP(ctx, a.ID, sealed, step); err != nil {
			return err
		}
		if err := tx.SetPortalSessionTOTPPending(ctx, sess.idHash, ""); err != nil {
			return err
		}
		if err := tx.DeletePortalAccountSessions(ctx, a.ID, sess.idHash); err != nil {
			return err
		}
		tx.Audit(audit.For(a.Actor(), "portal.totp.enrol", "portal_account", a.ID, ""))
		return nil
	})
}

// DisableTOTP turns the second factor off, the password given again.
func (s *Service) DisableTOTP(ctx context.Context, sess *Session, password string) error {
	if sess == nil || !sess.MFADone {
		return unauthenticated()
	}
	a := sess.Account
	if err := s.checkPassword(ctx, a, password); err != nil {
		return err
	}
	return s.db.Transact(ctx, func(tx *store.Tx) error {
		if err := tx.SetPortalTOTP(ctx, a.ID, "", 0); err != nil {
			return err
		}
		tx.Audit(audit.For(a.Actor(), "portal.totp.remove", "portal_account", a.ID, ""))
		return nil
	})
}
