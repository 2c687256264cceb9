package auth

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/base32"
	"image/png"
	"log/slog"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"parcours/internal/access"
	"parcours/internal/audit"
	"parcours/internal/parcours"
	"parcours/internal/store"
)

// TOTP (RFC 6238) with the settings every authenticator app understands:
// SHA-1, 6 digits, 30-second steps. One step of clock drift is accepted
// either way; a step already used is refused, so a code seen over a
// shoulder cannot be replayed.
const (
	totpPeriod = 30
	totpSkew   = 1
	totpIssuer = "Parcours"
)

var totpOpts = totp.ValidateOpts{Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// TOTPEnrolment is a new secret waiting for its first code.
type TOTPEnrolment struct {
	Secret string // base32, also shown as text for manual entry
	URL    string // otpauth:// URI
	PNG    []byte // QR code of URL
}

// NewTOTPEnrolment draws a new secret for w, for operator tools (the
// demo). Workers enrol through BeginTOTPEnrolment, which keeps the secret
// server-side.
func NewTOTPEnrolment(w *parcours.Worker) (*TOTPEnrolment, error) {
	return totpEnrolmentFor(w, nil)
}

// totpEnrolmentFor shows the enrolment of raw (a new secret when nil).
func totpEnrolmentFor(w *parcours.Worker, raw []byte) (*TOTPEnrolment, error) {
	return totpEnrolmentNamed(w.Email, raw)
}

// totpEnrolmentNamed shows the enrolment of raw (a new secret when nil)
// for the account called name in the authenticator app.
func totpEnrolmentNamed(name string, raw []byte) (*TOTPEnrolment, error) {
	opts := totp.GenerateOpts{Issuer: totpIssuer, AccountName: name, Period: totpPeriod,
		Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1, Secret: raw}
	key, err := totp.Generate(opts)
	if err != nil {
		return nil, err
	}
	img, err := key.Image(240, 240)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, err
	}
	return &TOTPEnrolment{Secret: key.Secret(), URL: key.URL(), PNG: buf.Bytes()}, nil
}

// BeginTOTPEnrolment returns the enrolment under way in sess: the secret
// drawn by the server the first time and kept, sealed, with the session,
// so that the page shows the same QR code after a wrong code or a reload.
// Nothing changes for the worker until ConfirmTOTP receives a valid code
// for it: a worker who abandons the enrolment keeps their previous factor.
// The secret never comes back from the client, which only proves it holds
// it (a client choosing its own secret could choose a known one).
func (s *Service) BeginTOTPEnrolment(ctx context.Context, sess *Session) (*TOTPEnrolment, error) {
	if sess == nil {
		return nil, parcours.Errorf(parcours.EUnauthenticated, "error.unauthenticated")
	}
	w := sess.Worker
	if secret, err := s.pendingTOTP(sess); err != nil {
		return nil, err
	} else if secret != "" {
		raw, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(secret)
		if err == nil {
			return totpEnrolmentFor(w, raw)
		}
	}
	e, err := totpEnrolmentFor(w, nil) // 20 random bytes (pquerna/otp, crypto/rand)
	if err != nil {
		return nil, err
	}
	sealed, err := s.seal(w.ID, e.Secret)
	if err != nil {
		return nil, err
	}
	if err := s.db.Transact(ctx, func(tx *store.Tx) error {
		return tx.SetSessionTOTPPending(ctx, sess.idHash, sealed)
	}); err != nil {
		return nil, err
	}
	sess.totpPending = sealed
	return e, nil
}

// pendingTOTP returns the secret sess is enrolling, "" if none.
func (s *Service) pendingTOTP(sess *Session) (string, error) {
	if sess.totpPending == "" {
		return "", nil
	}
	return s.open(sess.Worker.ID, sess.totpPending)
}

// totpStep returns the time step a code matches for secret at now, or
// false. Every candidate step is computed so that timing does not say
// which one matched.
func totpStep(secret, code string, now time.Time) (int64, bool) {
	code = strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return r
	}, code)
	if len(code) != 6 || secret == "" {
		return 0, false
	}
	var found int64
	ok := false
	base := now.Unix() / totpPeriod
	for d := int64(-totpSkew); d <= totpSkew; d++ {
		step := base + d
		want, err := totp.GenerateCodeCustom(secret, time.Unix(step*totpPeriod, 0), totpOpts)
		if err != nil {
			return 0, false
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 && !ok {
			found, ok = step, true
		}
	}
	return found, ok
}

// TOTPCode returns the current code of secret; for tests and the demo.
func TOTPCode(secret string, at time.Time) string {
	c, _ := totp.GenerateCodeCustom(secret, at, totpOpts)
	return c
}

func errBadCode() error {
	return parcours.FieldError(parcours.EUnauthenticated, "code", "auth.error.totp_invalid")
}

// CompleteTOTP checks the second factor of a session waiting for it. On
// success the session is replaced by a new one with the factor done (a
// new secret after each privilege change defeats session fixation); the
// caller sets the new cookie.
func (s *Service) CompleteTOTP(ctx context.Context, sess *Session, code, ip string) (*Session, error) {
	if sess == nil || sess.MFADone {
		return nil, parcours.Errorf(parcours.EBadRequest, "auth.error.no_pending_login")
	}
	w := sess.Worker
	akey, ikey := accountKey(w.Email), "ip:"+ip
	if locked, err := s.locked(ctx, akey, ikey); err != nil {
		return nil, err
	} else if locked {
		s.loginFailed(ctx, w, akey, ikey, ip, "locked", false)
		return nil, errLocked()
	}
	var sec *store.WorkerSecrets
	if err := s.db.View(ctx, func(tx *store.Tx) error {
		var err error
		sec, err = tx.WorkerSecrets(ctx, w.ID)
		return err
	}); err != nil {
		return nil, err
	}
	secret, err := s.open(w.ID, sec.TOTPSecret)
	if err != nil {
		return nil, err
	}
	step, ok := totpStep(secret, code, s.db.Now())
	if !ok || !w.TOTPEnabled {
		s.loginFailed(ctx, w, akey, ikey, ip, "totp_invalid", true)
		return nil, errBadCode()
	}
	replay := false
	next, err := s.replaceSession(ctx, sess, func(tx *store.Tx) error {
		fresh, err := tx.UseTOTPStep(ctx, w.ID, step)
		if err != nil {
			return err
		}
		if !fresh {
			replay = true
			return errBadCode()
		}
		if err := tx.ClearThrottle(ctx, akey); err != nil {
			return err
		}
		tx.Audit(audit.For(w.Actor(), "auth.login.success", "worker", w.ID, ""))
		return nil
	})
	if replay {
		s.loginFailed(ctx, w, akey, ikey, ip, "totp_replay", true)
	}
	if err != nil {
		return nil, err
	}
	s.log.LogAttrs(ctx, slog.LevelInfo, "login", slog.String("outcome", "success"), slog.String("step", "totp"),
		slog.String("worker_id", w.ID), slog.String("ip", ip))
	return next, nil
}

// ConfirmTOTP stores a new second factor once the worker typed a valid
// code for it. It serves two cases: the first login of a worker who must
// enrol (session waiting for its factor), and a signed-in worker replacing
// theirs (every other session is then ended). The returned session
// replaces sess.
func (s *Service) ConfirmTOTP(ctx context.Context, sess *Session, code string) (*Session, error) {
	if sess == nil {
		return nil, parcours.Errorf(parcours.EUnauthenticated, "error.unauthenticated")
	}
	w := sess.Worker
	if err := access.Check(w.Actor(), access.SelfManage, access.Target{OrgID: w.OrgID}); err != nil {
		return nil, err
	}
	if !sess.MFADone && w.TOTPEnabled {
		// A half-signed-in session may enrol only a worker who has no
		// factor yet; otherwise a stolen password could replace it.
		return nil, parcours.Forbidden()
	}
	secret, err := s.pendingTOTP(sess)
	if err != nil {
		return nil, err
	}
	if secret == "" {
		// No enrolment under way in this session (the page was never
		// shown, or the session was replaced meanwhile).
		return nil, parcours.FieldError(parcours.EInvalid, "code", "auth.error.totp_no_enrolment")
	}
	step, ok := totpStep(secret, code, s.db.Now())
	if !ok {
		return nil, parcours.FieldError(parcours.EInvalid, "code", "auth.error.totp_invalid")
	}
	sealed, err := s.seal(w.ID, secret)
	if err != nil {
		return nil, err
	}
	wasDone := sess.MFADone
	next, err := s.replaceSession(ctx, sess, func(tx *store.Tx) error {
		if err := tx.SetTOTP(ctx, w.ID, sealed, true); err != nil {
			return err
		}
		if _, err := tx.UseTOTPStep(ctx, w.ID, step); err != nil {
			return err
		}
		if wasDone {
			if err := tx.DeleteWorkerSessions(ctx, w.ID); err != nil {
				return err
			}
		}
		tx.Audit(audit.For(w.Actor(), "auth.totp.enrol", "worker", w.ID, ""))
		if !wasDone {
			tx.Audit(audit.For(w.Actor(), "auth.login.success", "worker", w.ID, ""))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	next.Worker.TOTPEnabled = true
	return next, nil
}

// ReplaceTOTP is ConfirmTOTP for a signed-in worker replacing their
// factor from the profile: the current password is asked again first
// (changing an authenticator needs re-authentication), and a wrong one
// counts towards the account lockout.
func (s *Service) ReplaceTOTP(ctx context.Context, sess *Session, password, code string) (*Session, error) {
	if sess == nil || !sess.MFADone {
		return nil, parcours.Errorf(parcours.EUnauthenticated, "error.unauthenticated")
	}
	w := sess.Worker
	akey := accountKey(w.Email)
	if locked, err := s.locked(ctx, akey); err != nil {
		return nil, err
	} else if locked {
		return nil, errLocked()
	}
	var sec *store.WorkerSecrets
	if err := s.db.View(ctx, func(tx *store.Tx) error {
		var err error
		sec, err = tx.WorkerSecrets(ctx, w.ID)
		return err
	}); err != nil {
		return nil, err
	}
	if !VerifyPassword(sec.PasswordHash, password) {
		_ = s.db.Transact(ctx, func(tx *store.Tx) error { return bump(ctx, tx, akey, maxAccountFailures) })
		s.log.LogAttrs(ctx, slog.LevelWarn, "totp change refused", slog.String("worker_id", w.ID), slog.String("reason", "wrong_password"))
		return nil, parcours.FieldError(parcours.EInvalid, "current_password", "auth.error.current_password_wrong")
	}
	return s.ConfirmTOTP(ctx, sess, code)
}

// replaceSession ends sess and opens a complete one for the same worker
// in the same transaction as extra.
func (s *Service) replaceSession(ctx context.Context, sess *Session, extra func(tx *store.Tx) error) (*Session, error) {
	return s.openSession(ctx, sess.Worker, true, func(tx *store.Tx) error {
		if err := tx.DeleteSession(ctx, sess.idHash); err != nil {
			return err
		}
		return extra(tx)
	})
}
