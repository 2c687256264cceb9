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
// sessions and for disabled workers. What a session resolves to is cached
// for SessionCacheTTL (tokencache.go), so a request with a known session
// asks the database nothing to authenticate; every change to the session
// or its worker drops it at once (store.OnActorChange).
func (s *Service) ActorFromSession(ctx context.Context, secret string) (parcours.Actor, *Session, error) {
	unauth := parcours.Errorf(parcours.EUnauthenticated, "error.unauthenticated")
	if len(secret) < 40 || len(secret) > 64 {
		return parcours.Actor{}, nil, unauth
	}
	idHash := hashSecret(secret)
	now := s.db.Now()
	cacheable := s.db.ActorCacheUsable()
	if cacheable {
		// A cached session is served only while its cached activity is
		// recent enough: another instance may have recorded later activity,
		// so an idle-looking session is read afresh, never ended from the
		// cache.
		if e, ok := s.sessions.get(idHash, now); ok && !e.worker.Disabled &&
			now.Sub(e.data.lastSeen) <= IdleTimeout && now.Sub(e.data.created) <= AbsoluteTimeout {
			if err := s.touchSession(ctx, idHash, e.data.lastSeen, now); err != nil {
				return parcours.Actor{}, nil, err
			}
			w := e.worker
			return w.Actor(), &Session{Worker: &w, MFADone: e.data.mfaDone, CSRF: e.data.csrf, idHash: idHash, totpPending: e.data.totpPending}, nil
		}
	}
	gen := s.sessions.generation()
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
	created, seen := time.UnixMicro(row.CreatedAt), time.UnixMicro(row.LastSeenAt)
	if w.Disabled || now.Sub(seen) > IdleTimeout || now.Sub(created) > AbsoluteTimeout {
		_ = s.db.Transact(ctx, func(tx *store.Tx) error { return tx.DeleteSession(ctx, idHash) })
		return parcours.Actor{}, nil, unauth
	}
	if cacheable {
		s.sessions.put(idHash, *w, sessionData{created: created, lastSeen: seen, mfaDone: row.MFADone, csrf: row.CSRF, totpPending: row.TOTPPending}, now, gen)
	}
	if err := s.touchSession(ctx, idHash, seen, now); err != nil {
		return parcours.Actor{}, nil, err
	}
	return w.Actor(), &Session{Worker: w, MFADone: row.MFADone, CSRF: row.CSRF, idHash: idHash, totpPending: row.TOTPPending}, nil
}

// sessionData is what a cached session carries besides its worker.
type sessionData struct {
	created, lastSeen time.Time
	mfaDone           bool
	csrf, totpPending string
}

// touchSession records the session's activity when the last one recorded
// (seen) is older than touchEvery.
func (s *Service) touchSession(ctx context.Context, idHash string, seen, now time.Time) error {
	if now.Sub(seen) <= touchEvery {
		return nil
	}
	if err := s.db.Transact(ctx, func(tx *store.Tx) error { return tx.TouchSession(ctx, idHash) }); err != nil {
		return err
	}
	s.sessions.update(idHash, func(d *sessionData) { d.lastSeen = now })
	return nil
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
