// Package portal is the person's portal (/moi): a worker invites the
// person (or the person names a delegate) with a one-time code; the
// person activates their account with it, choosing a login and a
// password (the workers' rules, argon2id), and signs in to a session of
// their own (a separate cookie and actor kind, parcours.PortalActor). The
// portal actor reaches its own file only, through the door, and every
// read is audited, so it appears in the access log the person reads.
//
// The package never decides who may do what (package access does) and
// never imports internal/web.
package portal

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"parcours/internal/audit"
	"parcours/internal/auth"
	"parcours/internal/parcours"
	"parcours/internal/store"
)

// Service is the portal's service.
type Service struct {
	db   *store.DB
	log  *slog.Logger
	keys *auth.Service // seals TOTP secrets (totp.go); nil: in clear
}

// New returns a Service on db.
func New(db *store.DB, log *slog.Logger) *Service {
	if log == nil {
		log = slog.Default()
	}
	return &Service{db: db, log: log}
}

// Invitation codes: single-use, 72 hours, ten characters of an alphabet
// without look-alikes (no 0/O, 1/I/L), about 49 bits: guessing is
// bounded by the throttle below.
const (
	InvitationTTL  = 72 * time.Hour
	codeAlphabet   = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
	codeLen        = 10
	maxInvitations = 10 // per account and 24 hours
)

// Sessions: as workers' (30 minutes idle, 12 hours in all).
const (
	IdleTimeout     = auth.IdleTimeout
	AbsoluteTimeout = auth.AbsoluteTimeout
	touchEvery      = time.Minute
)

// Throttling of activations and sign-ins, per client address and per
// login: as for workers.
const (
	throttleWindow = 15 * time.Minute
	lockDuration   = 15 * time.Minute
	maxFailures    = 5
	maxIPFailures  = 20
)

// SessionCookie is the portal's session cookie, apart from the workers'.
const SessionCookie = "__Host-parcours_moi"

// Session is a signed-in portal session.
type Session struct {
	Account *parcours.PortalAccount
	CSRF    string
	Secret  string // set only when the session is created
	// MFADone is false between the password and the TOTP code of an
	// account that has a second factor: such a session reaches nothing
	// but the code page.
	MFADone     bool
	idHash      string
	totpPending string
}

func newCode() string {
	b := make([]byte, codeLen)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	out := make([]byte, 0, codeLen+1)
	for i, c := range b {
		if i == 5 {
			out = append(out, '-')
		}
		out = append(out, codeAlphabet[int(c)%len(codeAlphabet)])
	}
	return string(out)
}

// normalizeCode accepts what people type: lower case, spaces, with or
// without the dash.
func normalizeCode(s string) string {
	s = strings.ToUpper(strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '\t' {
			return -1
		}
		return r
	}, s))
	if len(s) == codeLen {
		s = s[:5] + "-" + s[5:]
	}
	return s
}

func hashSecret(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

func randomSecret(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

// dummyHash is verified against for an unknown login, so that the time
// taken does not tell which logins exist.
var dummyHash = sync.OnceValue(func() string { return auth.HashPassword("parcours-portal-timing-equaliser") })

func normalizeLogin(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

func unauthenticated() error {
	return parcours.Errorf(parcours.EUnauthenticated, "error.unauthenticated")
}

func today(now time.Time) string { return parcours.Today(now) }

// locked reports whether any key is locked now.
func locked(ctx context.Context, tx *store.Tx, keys ...string) (bool, error) {
	for _, k := range keys {
		t, err := tx.Throttle(ctx, k)
		if err != nil {
			return false, err
		}
		if t.LockedUntil > tx.Now().UnixMicro() {
			return true, nil
		}
	}
	return false, nil
}

// fail counts a failure on each key, in its own transaction (the
// request's own rolls back with the error).
func (s *Service) fail(ctx context.Context, keys map[string]int) {
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		for key, max := range keys {
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
			if err := tx.SaveThrottle(ctx, t); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		s.log.Error("portal throttle", "err", err.Error())
	}
}

func errLocked() error {
	return parcours.Errorf(parcours.ERateLimited, "auth.error.locked", int(lockDuration/time.Minute))
}

// ActivateInput is what the person types to activate their account.
type ActivateInput struct {
	Code, Login, Password, Confirm string
}

// Activate checks an invitation code, sets the account's login and
// password, uses the code up and opens a session. A wrong, used or
// expired code gives the same error; failures are throttled per address.
func (s *Service) Activate(ctx context.Context, in ActivateInput, ip string) (*Session, error) {
	code := normalizeCode(in.Code)
	login := normalizeLogin(in.Login)
	var p parcours.Problems
	if code == "" {
		p.Add("code", "error.field_required", "field.portal_code")
	}
	p.Required("login", login, 254)
	if login != "" && utf8.RuneCountInString(login) < 3 {
		p.Add("login", "portal.error.login_too_short", 3)
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	if err := auth.CheckPassword(in.Password, login); err != nil {
		return nil, err
	}
	if in.Password != in.Confirm {
		return nil, parcours.FieldError(parcours.EInvalid, "confirm", "portal.error.password_mismatch")
	}
	ikey := "portal-ip:" + ip
	var sess *Session
	bad := false
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		if l, err := locked(ctx, tx, ikey); err != nil {
			return err
		} else if l {
			return errLocked()
		}
		inv, err := tx.PortalInvitationByHash(ctx, hashSecret(code))
		if errors.Is(err, store.ErrNoRows) || (err == nil && (!inv.UsedAt.IsZero() || !tx.Now().Before(inv.ExpiresAt))) {
			bad = true
			return parcours.FieldError(parcours.EInvalid, "code", "portal.error.bad_code")
		}
		if err != nil {
			return err
		}
		a, err := tx.PortalAccount(ctx, inv.AccountID)
		if err != nil {
			return err
		}
		if !a.RevokedAt.IsZero() || (a.Kind == parcours.PortalDelegate && a.EndsOn != "" && today(tx.Now()) > a.EndsOn) {
			bad = true
			return parcours.FieldError(parcours.EInvalid, "code", "portal.error.bad_code")
		}
		if a.Login != "" && a.Login != login {
			// A new code resets the password; the login stays.
			return parcours.FieldError(parcours.EInvalid, "login", "portal.error.login_is", a.Login)
		}
		if a.Login == "" {
			if other, err := tx.PortalAccountByLogin(ctx, login); err == nil && other.ID != a.ID {
				return parcours.FieldError(parcours.EConflict, "login", "portal.error.login_taken")
			} else if err != nil && !errors.Is(err, store.ErrNoRows) {
				return err
			}
		}
		if ok, err := tx.UsePortalInvitation(ctx, inv.ID); err != nil {
			return err
		} else if !ok {
			bad = true
			return parcours.FieldError(parcours.EInvalid, "code", "portal.error.bad_code")
		}
		if err := tx.ActivatePortalAccount(ctx, a.ID, login, auth.HashPassword(in.Password)); err != nil {
			return err
		}
		if err := tx.DeletePortalAccountSessions(ctx, a.ID, ""); err != nil {
			return err
		}
		if a, err = tx.PortalAccount(ctx, a.ID); err != nil {
			return err
		}
		tx.Audit(audit.For(a.Actor(), "portal.activate", "portal_account", a.ID, a.PersonID))
		sess, err = newSession(ctx, tx, a)
		return err
	})
	if bad {
		s.fail(ctx, map[string]int{ikey: maxFailures * 2})
		s.log.LogAttrs(ctx, slog.LevelWarn, "portal activation", slog.String("outcome", "failure"), slog.String("ip", ip))
	}
	if err != nil {
		return nil, err
	}
	return sess, nil
}

func newSession(ctx context.Context, tx *store.Tx, a *parcours.PortalAccount) (*Session, error) {
	return newSessionMFA(ctx, tx, a, true)
}

func newSessionMFA(ctx context.Context, tx *store.Tx, a *parcours.PortalAccount, mfaDone bool) (*Session, error) {
	secret := randomSecret(32)
	row := &store.PortalSessionRow{IDHash: hashSecret(secret), AccountID: a.ID, MFADone: mfaDone, CSRF: randomSecret(16)}
	if err := tx.InsertPortalSession(ctx, row); err != nil {
		return nil, err
	}
	return &Session{Account: a, CSRF: row.CSRF, Secret: secret, MFADone: mfaDone, idHash: row.IDHash}, nil
}

// Login checks a portal login and password. Unknown login, wrong
// password, closed account and a delegate past their end date give the
// same error after the same work; failures are throttled per login and
// per address.
func (s *Service) Login(ctx context.Context, login, password, ip string) (*Session, error) {
	login = normalizeLogin(login)
	var p parcours.Problems
	p.Required("login", login, 254)
	if password == "" {
		p.Add("password", "error.field_required", "field.password")
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	lkey, ikey := "portal-login:"+hashSecret(login)[:32], "portal-ip:"+ip
	var sess *Session
	bad := false
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		if l, err := locked(ctx, tx, lkey, ikey); err != nil {
			return err
		} else if l {
			return errLocked()
		}
		a, err := tx.PortalAccountByLogin(ctx, login)
		if err != nil && !errors.Is(err, store.ErrNoRows) {
			return err
		}
		hash := ""
		if a != nil {
			if hash, err = tx.PortalPasswordHash(ctx, a.ID); err != nil {
				return err
			}
		}
		if hash == "" {
			auth.VerifyPassword(dummyHash(), password)
		}
		if a == nil || !auth.VerifyPassword(hash, password) || !a.Active(today(tx.Now())) {
			bad = true
			if a != nil {
				tx.Audit(audit.For(a.Actor(), "portal.login.failure", "portal_account", a.ID, ""))
			}
			return parcours.Errorf(parcours.EUnauthenticated, "auth.error.invalid_credentials")
		}
		if err := tx.ClearThrottle(ctx, lkey); err != nil {
			return err
		}
		now := tx.Now()
		if _, err := tx.DeleteExpiredPortalSessions(ctx, now.Add(-IdleTimeout).UnixMicro(), now.Add(-AbsoluteTimeout).UnixMicro()); err != nil {
			return err
		}
		if a.TOTPEnabled {
			// The password is right; the code of the authenticator
			// app comes next (CompleteTOTP), on a session that reaches
			// nothing else.
			tx.Audit(audit.For(a.Actor(), "portal.login.password", "portal_account", a.ID, ""))
			sess, err = newSessionMFA(ctx, tx, a, false)
			return err
		}
		tx.Audit(audit.For(a.Actor(), "portal.login", "portal_account", a.ID, a.PersonID))
		sess, err = newSession(ctx, tx, a)
		return err
	})
	if bad {
		s.fail(ctx, map[string]int{lkey: maxFailures, ikey: maxIPFailures})
		s.log.LogAttrs(ctx, slog.LevelWarn, "portal login", slog.String("outcome", "failure"),
			slog.String("account", lkey[len("portal-login:"):]), slog.String("ip", ip))
	}
	if err != nil {
		return nil, err
	}
	return sess, nil
}

// ActorFromSession resolves a portal session cookie: unauthenticated for
// an unknown, idle or expired session, a closed account, and a delegate
// past their end date.
func (s *Service) ActorFromSession(ctx context.Context, secret string) (parcours.Actor, *Session, error) {
	if len(secret) < 40 || len(secret) > 80 {
		return parcours.Actor{}, nil, unauthenticated()
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
		return parcours.Actor{}, nil, unauthenticated()
	}
	if err != nil {
		return parcours.Actor{}, nil, err
	}
	if !row.MFADone {
		// Half signed in: the TOTP code is still to come.
		return parcours.Actor{}, nil, unauthenticated()
	}
	now := s.db.Now()
	created, seen := time.UnixMicro(row.CreatedAt), time.UnixMicro(row.LastSeenAt)
	if !a.Active(today(now)) || now.Sub(seen) > IdleTimeout || now.Sub(created) > AbsoluteTimeout {
		_ = s.db.Transact(ctx, func(tx *store.Tx) error { return tx.DeletePortalSession(ctx, idHash) })
		return parcours.Actor{}, nil, unauthenticated()
	}
	if now.Sub(seen) > touchEvery {
		if err := s.db.Transact(ctx, func(tx *store.Tx) error { return tx.TouchPortalSession(ctx, idHash) }); err != nil {
			return parcours.Actor{}, nil, err
		}
	}
	return a.Actor(), &Session{Account: a, CSRF: row.CSRF, MFADone: true, idHash: idHash, totpPending: row.TOTPPending}, nil
}

// Logout ends a portal session (audited).
func (s *Service) Logout(ctx context.Context, secret string) error {
	idHash := hashSecret(secret)
	return s.db.Transact(ctx, func(tx *store.Tx) error {
		row, err := tx.PortalSession(ctx, idHash)
		if errors.Is(err, store.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		a, err := tx.PortalAccount(ctx, row.AccountID)
		if err != nil {
			return err
		}
		tx.Audit(audit.For(a.Actor(), "portal.logout", "portal_account", a.ID, ""))
		return tx.DeletePortalSession(ctx, idHash)
	})
}
