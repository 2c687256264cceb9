// Package auth authenticates workers: passwords (argon2id), the TOTP
// second factor, sessions stored in the database, login throttling and
// API bearer tokens. It never logs a secret, and it turns every
// credential it receives into an Actor or an unauthenticated error — the
// rest of Parcours never sees a password, session id or token.
package auth

import (
	"log/slog"

	"parcours/internal/store"
)

// Service is the authentication service.
type Service struct {
	db  *store.DB
	log *slog.Logger
	box *secretBox // encrypts TOTP secrets at rest; nil: in clear
	// tokens caches what API tokens resolve to (tokencache.go).
	tokens *tokenCache
	// sessions caches what session cookies resolve to (session.go).
	sessions *credentialCache[sessionData]
}

// New returns a Service on db.
func New(db *store.DB, log *slog.Logger) *Service {
	s := &Service{db: db, log: log, tokens: newTokenCache(), sessions: newCredentialCache[sessionData](SessionCacheTTL)}
	db.OnActorChange(s.tokens.forget)
	db.OnActorChange(s.sessions.forget)
	return s
}

// SessionCookie is the name of the session cookie. The __Host- prefix
// makes browsers refuse it unless it is Secure, host-only and Path=/.
const SessionCookie = "__Host-parcours_session"
