// Package forms makes a form sent twice run once. Every form of a page
// carries a random token; the first post of a token runs, a second post
// of the same token (double click, Enter pressed twice, back and resend)
// is recognised and not run again. It holds no personal data: a token is
// random and says nothing about the form's content.
package forms

import (
	"context"
	"time"

	"parcours/internal/access"
	"parcours/internal/parcours"
	"parcours/internal/store"
)

// keep is how long a sent form is remembered.
const keep = 24 * time.Hour

// Service remembers the forms sent.
type Service struct{ db *store.DB }

// New returns a Service on db.
func New(db *store.DB) *Service { return &Service{db: db} }

// First reports whether this is the first time the actor sends the form
// carrying token. Tokens of other workers never collide with the actor's.
func (s *Service) First(ctx context.Context, actor parcours.Actor, token string) (bool, error) {
	if err := access.Check(actor, access.SelfManage, access.Target{OrgID: actor.OrgID}); err != nil {
		return false, err
	}
	if len(token) < 16 || len(token) > 64 {
		return false, parcours.FieldError(parcours.EBadRequest, "form_token", "error.form_token")
	}
	var first bool
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		var err error
		if first, err = tx.UseFormToken(ctx, actor.WorkerID, token); err != nil {
			return err
		}
		// Forget old forms now and then, on the way.
		if first && token[len(token)-1] == '0' {
			return tx.DeleteFormTokensBefore(ctx, tx.Now().Add(-keep))
		}
		return nil
	})
	return first, err
}

// Release forgets that the actor sent the form carrying token: the form
// was not done (refused, failed), and sending it again must run it.
func (s *Service) Release(ctx context.Context, actor parcours.Actor, token string) error {
	if err := access.Check(actor, access.SelfManage, access.Target{OrgID: actor.OrgID}); err != nil {
		return err
	}
	return s.db.Transact(ctx, func(tx *store.Tx) error {
		return tx.ReleaseFormToken(ctx, actor.WorkerID, token)
	})
}
