package auth

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"time"

	"parcours/internal/audit"
	"parcours/internal/parcours"
	"parcours/internal/store"
)

// Throttling of login attempts (OWASP ASVS 2.2.1). Failures are counted
// per account and per client address over a sliding window; past the
// limit the key is locked for lockDuration. The account key is derived
// from the e-mail typed, whether or not an account has it, so that a lock
// (and its message) looks the same for unknown e-mails: nothing tells an
// attacker which addresses have accounts.
//
// The address limit is higher than the account one because a whole CCAS
// office usually reaches Parcours through one address: five typos there
// must not lock every colleague out.
const (
	throttleWindow     = 15 * time.Minute
	lockDuration       = 15 * time.Minute
	maxAccountFailures = 5
	maxIPFailures      = 20
)

// Login steps after the password: what the browser must do next.
const (
	StepDone      = ""           // signed in
	StepTOTP      = "totp"       // enter the code of the authenticator app
	StepTOTPSetup = "totp_setup" // enrol an authenticator app first
)

// LoginResult is a successful password check.
type LoginResult struct {
	Session *Session
	Step    string
}

// accountKey is the throttle key of an e-mail: a hash, so that the table
// holds no address, and the same for existing and unknown accounts.
func accountKey(email string) string {
	return "account:" + hashSecret(normalizeEmail(email))[:32]
}

func normalizeEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

func errInvalidCredentials() error {
	return parcours.Errorf(parcours.EUnauthenticated, "auth.error.invalid_credentials")
}

func errLocked() error {
	return parcours.Errorf(parcours.ERateLimited, "auth.error.locked", int(lockDuration/time.Minute))
}

// TOTPRequired tells whether a worker must use a second factor: always,
// unless their organisation relaxed it and they are not an admin. A
// worker who enrolled one anyway keeps using it.
func TOTPRequired(o *parcours.Organization, w *parcours.Worker) bool {
	return w.TOTPEnabled || !o.TOTPOptional || w.Role == parcours.RoleAdmin
}

// Login checks an e-mail and password from the client at address ip. On
// success it opens a session, complete or waiting for the second factor
// (Step says which). Wrong e-mail, wrong password and disabled account all
// give the same error after the same work; a locked account or address
// gives a rate-limited error. Every attempt is logged and audited.
func (s *Service) Login(ctx context.Context, email, password, ip string) (*LoginResult, error) {
	email = normalizeEmail(email)
	// An empty field is a mistake, not an attempt: it says nothing about
	// any account and is not counted.
	var p parcours.Problems
	p.Required("email", email, 254)
	if password == "" {
		p.Add("password", "error.field_required", "field.password")
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	akey, ikey := accountKey(email), "ip:"+ip
	if locked, err := s.locked(ctx, akey, ikey); err != nil {
		return nil, err
	} else if locked {
		s.loginFailed(ctx, nil, akey, ikey, ip, "locked", false)
		return nil, errLocked()
	}
	var (
		w   *parcours.Worker
		sec *store.WorkerSecrets
		o   *parcours.Organization
	)
	err := s.db.View(ctx, func(tx *store.Tx) error {
		var err error
		if w, err = tx.WorkerByEmail(ctx, email); err != nil {
			return err
		}
		if sec, err = tx.WorkerSecrets(ctx, w.ID); err != nil {
			return err
		}
		o, err = tx.Organization(ctx, w.OrgID)
		return err
	})
	if err != nil && !errors.Is(err, store.ErrNoRows) {
		return nil, err
	}
	if w == nil || sec == nil || o == nil {
		VerifyPassword(dummyHash(), password) // same work as for a real account
		s.loginFailed(ctx, nil, akey, ikey, ip, "unknown_account", true)
		return nil, errInvalidCredentials()
	}
	ok := VerifyPassword(sec.PasswordHash, password)
	if !ok || w.Disabled {
		reason := "wrong_password"
		if ok {
			reason = "disabled"
		}
		s.loginFailed(ctx, w, akey, ikey, ip, reason, true)
		return nil, errInvalidCredentials()
	}
	step := StepDone
	if TOTPRequired(o, w) {
		step = StepTOTP
		if !w.TOTPEnabled || sec.TOTPSecret == "" {
			step = StepTOTPSetup
		}
	}
	sess, err := s.openSession(ctx, w, step == StepDone, func(tx *store.Tx) error {
		// The failures are forgotten only once the whole sign-in is
		// done: someone who knows the password must not be able to
		// reset the counter between guesses of the second factor.
		if step == StepDone {
			if err := tx.ClearThrottle(ctx, akey); err != nil {
				return err
			}
		}
		// Housekeeping: expired sessions and stale counters are useless
		// rows; a successful login is a good moment to drop them.
		now := tx.Now()
		if _, err := tx.DeleteExpiredSessions(ctx, now.Add(-IdleTimeout).UnixMicro(), now.Add(-AbsoluteTimeout).UnixMicro()); err != nil {
			return err
		}
		if _, err := tx.DeleteStaleThrottles(ctx, now.Add(-throttleWindow).UnixMicro(), now.UnixMicro()); err != nil {
			return err
		}
		if step == StepDone {
			tx.Audit(audit.For(w.Actor(), "auth.login.success", "worker", w.ID, ""))
		} else {
			tx.Audit(audit.For(w.Actor(), "auth.login.password", "worker", w.ID, ""))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.log.LogAttrs(ctx, slog.LevelInfo, "login", slog.String("outcome", "success"), slog.String("step", orDone(step)),
		slog.String("worker_id", w.ID), slog.String("ip", ip))
	return &LoginResult{Session: sess, Step: step}, nil
}

func orDone(step string) string {
	if step == StepDone {
		return "done"
	}
	return step
}

// locked reports whether any of keys is locked now.
func (s *Service) locked(ctx context.Context, keys ...string) (bool, error) {
	locked := false
	err := s.db.View(ctx, func(tx *store.Tx) error {
		now := tx.Now().UnixMicro()
		for _, k := range keys {
			t, err := tx.Throttle(ctx, k)
			if err != nil {
				return err
			}
			if t.LockedUntil > now {
				locked = true
			}
		}
		return nil
	})
	return locked, err
}

// loginFailed records a failed attempt: counters (when count is set),
// audit event and log line. w is nil for an unknown account, which is
// then identified in the log only by the hash in its throttle key.
func (s *Service) loginFailed(ctx context.Context, w *parcours.Worker, akey, ikey, ip, reason string, count bool) {
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		if count {
			if err := bump(ctx, tx, akey, maxAccountFailures); err != nil {
				return err
			}
			if err := bump(ctx, tx, ikey, maxIPFailures); err != nil {
				return err
			}
		}
		a, id := parcours.Actor{WorkerID: "anonymous"}, ""
		if w != nil {
			a, id = w.Actor(), w.ID
		}
		tx.Audit(audit.For(a, "auth.login.failure", "worker", id, ""))
		return nil
	})
	attrs := []slog.Attr{slog.String("outcome", "failure"), slog.String("reason", reason),
		slog.String("account", strings.TrimPrefix(akey, "account:")), slog.String("ip", ip)}
	if w != nil {
		attrs = append(attrs, slog.String("worker_id", w.ID))
	}
	if err != nil {
		attrs = append(attrs, slog.String("err", err.Error()))
	}
	s.log.LogAttrs(ctx, slog.LevelWarn, "login", attrs...)
}

// bump counts one failure on key and locks it when it reaches max within
// the window.
func bump(ctx context.Context, tx *store.Tx, key string, max int) error {
	t, err := tx.Throttle(ctx, key)
	if err != nil {
		return err
	}
	now := tx.Now()
	if t.WindowStart == 0 || now.Sub(time.UnixMicro(t.WindowStart)) > throttleWindow || t.LockedUntil != 0 && t.LockedUntil <= now.UnixMicro() {
		t.Failures, t.WindowStart, t.LockedUntil = 0, now.UnixMicro(), 0
	}
	t.Failures++
	if t.Failures >= max {
		t.LockedUntil = now.Add(lockDuration).UnixMicro()
	}
	return tx.SaveThrottle(ctx, t)
}

// openSession creates a session for w inside a transaction that first runs
// extra (throttle reset, audit, ending other sessions).
func (s *Service) openSession(ctx context.Context, w *parcours.Worker, mfaDone bool, extra func(tx *store.Tx) error) (*Session, error) {
	secret := randomSecret(32)
	row := &store.SessionRow{IDHash: hashSecret(secret), WorkerID: w.ID, MFADone: mfaDone, CSRF: randomSecret(24)}
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		if err := extra(tx); err != nil {
			return err
		}
		return tx.InsertSession(ctx, row)
	})
	if err != nil {
		return nil, err
	}
	return &Session{Worker: w, MFADone: mfaDone, CSRF: row.CSRF, Secret: secret, idHash: row.IDHash}, nil
}

// GeneratePassword returns a random password of 24 characters (144 bits),
// for accounts created by the operator without one.
func GeneratePassword() string { return randomSecret(18) }
