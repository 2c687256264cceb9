package auth

import (
	"context"
	"errors"
	"time"

	"parcours/internal/audit"
	"parcours/internal/parcours"
	"parcours/internal/store"
)

// Session timeouts (OWASP ASVS level 2): 30 minutes idle, 12 hours in
// all, whatever the activity.
const (
	IdleTimeout     = 30 * time.Minute
	AbsoluteTimeout = 12 * time.Hour
	// touchEvery limits how often activity is written back: a session
	// seen within the last minute is not rewritten on every request.
	touchEvery = time.Minute
)

// Session is an authenticated browser session.
type Session struct {
	Worker *parcours.Worker
	// MFADone is false between the password and the TOTP steps.
	MFADone bool
	// CSRF is a per-session token for forms, on top of the browser's
	// cross-origin checks.
	CSRF string
	// Secret is the cookie value; set only when the session is created.
	Secret string
	idHash string
	// totpPending is the sealed TOTP secret this session is enrolling.
	totpPending string
}

// NewSession opens a session for a worker whose password (and, when
// mfaDone, second factor) was checked. The secret is 256 random bits;
// only its hash is stored.
func (s *Service) NewSession(ctx context.Context, workerID string, mfaDone bool) (*Session, error) {
	secret := randomSecret(32)
	row := &store.SessionRow{IDHash: hashSecret(secret), WorkerID: workerID, MFADone: mfaDone, CSRF: randomSecret(24)}
	var w *parcours.Worker
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		var err error
		if w, err = tx.Worker(ctx, workerID); err != nil {
			return err
		}
		return tx.InsertSession(ctx, row)
	})
	if err != nil {
		return nil, err
	}
	return &Session{Worker: w, MFADone: mfaDone, CSRF: row.CSRF, Secret: secret, idHash: row.IDHash}, nil
}

// ActorFromSession resolves a session cookie value. It fails with an
// unauthenticated error for unknown, idle (30 min) or expired (12 h)
// sessions and for disabled workers.
func (s *Service) ActorFromSession(ctx context.Context, secret string) (parcours.Actor, *Session, error) {
	unauth := parcours.Errorf(parcours.EUnauthenticated, "error.unauthenticated")
	if len(secret) < 40 || len(secret) > 64 {
		return parcours.Actor{}, nil, unauth
	}
	idHash := hashSecret(secret)
	var row *store.SessionRow
	var w *parcours.Worker
	err := s.db.View(ctx, func(tx *store.Tx) error {
		var err error
		if row, err = tx.Session(ctx, idHash); err != nil {
			return err
		}
		w, err = tx.Worker(ctx, row.WorkerID)
		return err
	})
	if errors.Is(err, store.ErrNoRows) {
		return parcours.Actor{}, nil, unauth
	}
	if err != nil {
		return parcours.Actor{}, nil, err
	}
	now := s.db.Now()
	created, seen := time.UnixMicro(row.CreatedAt), time.UnixMicro(row.LastSeenAt)
	if w.Disabled || now.Sub(seen) > IdleTimeout || now.Sub(created) > AbsoluteTimeout {
		_ = s.db.Transact(ctx, func(tx *store.Tx) error { return tx.DeleteSession(ctx, idHash) })
		return parcours.Actor{}, nil, unauth
	}
	if now.Sub(seen) > touchEvery {
		if err := s.db.Transact(ctx, func(tx *store.Tx) error { return tx.TouchSession(ctx, idHash) }); err != nil {
			return parcours.Actor{}, nil, err
		}
	}
	return w.Actor(), &Session{Worker: w, MFADone: row.MFADone, CSRF: row.CSRF, idHash: idHash, totpPending: row.TOTPPending}, nil
}

// EndSession logs a session out (audited as auth.logout). An unknown or
// already ended session is not an error: the browser is signed out either
// way.
func (s *Service) EndSession(ctx context.Context, secret string) error {
	idHash := hashSecret(secret)
	return s.db.Transact(ctx, func(tx *store.Tx) error {
		row, err := tx.Session(ctx, idHash)
		if errors.Is(err, store.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		w, err := tx.Worker(ctx, row.WorkerID)
		if err != nil {
			return err
		}
		if err := tx.DeleteSession(ctx, idHash); err != nil {
			return err
		}
		tx.Audit(audit.For(w.Actor(), "auth.logout", "worker", w.ID, ""))
		return nil
	})
}
