package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
	"time"

	"parcours/internal/access"
	"parcours/internal/audit"
	"parcours/internal/parcours"
	"parcours/internal/store"
)

// tokenPrefix marks Parcours API tokens so that secret scanners can spot a
// leaked one.
const tokenPrefix = "pcs_"

// Token is an API token as its owner sees it: never the secret again.
type Token struct {
	ID         string    `json:"id"`
	Name       string    `json:"name"`
	Prefix     string    `json:"prefix"`
	CreatedAt  time.Time `json:"created_at"`
	LastUsedAt time.Time `json:"last_used_at,omitzero"`
	Revoked    bool      `json:"revoked"`
}

// randomSecret returns n random bytes, base64url-encoded.
func randomSecret(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// hashSecret is how sessions and tokens are looked up: by the SHA-256 of
// a 256-bit random secret (no salt or slow hash is needed for such input).
func hashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// CreateToken issues a bearer token for a worker; the secret is returned
// once and stored only hashed. A worker creates their own tokens; an
// organisation admin may create one for a worker of their organisation.
func (s *Service) CreateToken(ctx context.Context, actor parcours.Actor, email, name string) (string, *Token, error) {
	name = strings.TrimSpace(name)
	if len([]rune(name)) > 100 {
		return "", nil, parcours.FieldError(parcours.EInvalid, "name", "error.field_too_long", "field.token_name", 100)
	}
	secret := tokenPrefix + randomSecret(32)
	var tok *Token
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		w, err := tx.WorkerByEmail(ctx, email)
		if errors.Is(err, store.ErrNoRows) {
			return parcours.FieldError(parcours.ENotFound, "email", "error.worker_unknown")
		}
		if err != nil {
			return err
		}
		act := access.WorkerManage
		if w.ID == actor.WorkerID {
			act = access.SelfManage
		}
		if err := access.Check(actor, act, access.Target{OrgID: w.OrgID}); err != nil {
			return err
		}
		if w.Disabled {
			return parcours.Errorf(parcours.EInvalid, "error.worker_disabled")
		}
		t := &store.APIToken{WorkerID: w.ID, Name: name, Prefix: secret[:len(tokenPrefix)+6]}
		if err := tx.InsertAPIToken(ctx, t, hashSecret(secret)); err != nil {
			return err
		}
		tx.Audit(audit.For(actor, "token.create", "api_token", t.ID, ""))
		tok = toToken(t)
		return nil
	})
	if err != nil {
		return "", nil, err
	}
	return secret, tok, nil
}

func toToken(t *store.APIToken) *Token {
	return &Token{ID: t.ID, Name: t.Name, Prefix: t.Prefix, CreatedAt: time.UnixMicro(t.CreatedAt).UTC(),
		LastUsedAt: microTime(t.LastUsedAt), Revoked: t.RevokedAt != 0}
}

func microTime(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMicro(v).UTC()
}

// Tokens lists the actor's own tokens with their prefix and last use.
func (s *Service) Tokens(ctx context.Context, actor parcours.Actor) ([]*Token, error) {
	if err := access.Check(actor, access.SelfManage, access.Target{OrgID: actor.OrgID}); err != nil {
		return nil, err
	}
	out := []*Token{}
	err := s.db.View(ctx, func(tx *store.Tx) error {
		ts, err := tx.APITokens(ctx, actor.WorkerID)
		for _, t := range ts {
			out = append(out, toToken(t))
		}
		return err
	})
	return out, err
}

// RevokeToken revokes one of the actor's tokens.
func (s *Service) RevokeToken(ctx context.Context, actor parcours.Actor, id string) error {
	if err := access.Check(actor, access.SelfManage, access.Target{OrgID: actor.OrgID}); err != nil {
		return err
	}
	return s.db.Transact(ctx, func(tx *store.Tx) error {
		ok, err := tx.RevokeAPIToken(ctx, actor.WorkerID, id)
		if err != nil {
			return err
		}
		if !ok {
			return parcours.NotFound()
		}
		tx.Audit(audit.For(actor, "token.revoke", "api_token", id, ""))
		return nil
	})
}

// ActorFromToken authenticates a bearer token. Unknown, revoked and
// disabled-owner tokens all give the same unauthenticated error. What a
// token resolves to is cached for TokenCacheTTL (tokencache.go), so a
// request with a known token asks the database nothing to authenticate.
func (s *Service) ActorFromToken(ctx context.Context, secret string) (parcours.Actor, *parcours.Worker, error) {
	unauth := parcours.Errorf(parcours.EUnauthenticated, "error.unauthenticated")
	if !strings.HasPrefix(secret, tokenPrefix) || len(secret) > 100 {
		return parcours.Actor{}, nil, unauth
	}
	hash := hashSecret(secret)
	now := s.db.Now()
	cacheable := s.db.ActorCacheUsable()
	if cacheable {
		if e, ok := s.tokens.get(hash, now); ok {
			if err := s.touchToken(ctx, hash, e.data.tokenID, e.data.lastUsed, now); err != nil {
				return parcours.Actor{}, nil, err
			}
			return e.worker.Actor(), &e.worker, nil
		}
	}
	gen := s.tokens.generation()
	var w *parcours.Worker
	var tok *store.APIToken
	err := s.db.View(ctx, func(tx *store.Tx) error {
		var err error
		if tok, err = tx.TokenByHash(ctx, hash); err != nil {
			return err
		}
		w, err = tx.Worker(ctx, tok.WorkerID)
		return err
	})
	if errors.Is(err, store.ErrNoRows) {
		return parcours.Actor{}, nil, unauth
	}
	if err != nil {
		return parcours.Actor{}, nil, err
	}
	if w.Disabled {
		return parcours.Actor{}, nil, unauth
	}
	if cacheable {
		s.tokens.put(hash, *w, tokenData{tokenID: tok.ID, lastUsed: microTime(tok.LastUsedAt)}, now, gen)
	}
	if err := s.touchToken(ctx, hash, tok.ID, microTime(tok.LastUsedAt), now); err != nil {
		return parcours.Actor{}, nil, err
	}
	return w.Actor(), w, nil
}

// touchToken records the token's last use, kept to the minute: recording
// every request would turn every API read into a write.
func (s *Service) touchToken(ctx context.Context, hash, id string, last, now time.Time) error {
	if now.Sub(last) <= time.Minute {
		return nil
	}
	if err := s.db.Transact(ctx, func(tx *store.Tx) error { return tx.TouchAPIToken(ctx, id) }); err != nil {
		return err
	}
	s.tokens.update(hash, func(d *tokenData) { d.lastUsed = now })
	return nil
}
