package portal

import (
	"context"
	"strings"

	"parcours/internal/access"
	"parcours/internal/file"
	"parcours/internal/parcours"
	"parcours/internal/store"
)

// Notices of new replies: a portal account gives an address to be told
// by e-mail that a referent replied in its conversations (package
// messaging queues the notice), with its explicit consent; it changes or
// withdraws it at any time. Apart from the appointment reminders, which a
// worker records on the file: this choice is the account holder's own,
// made in the portal, and no worker reads or changes it.

// NoticeInput is the account holder's choice.
type NoticeInput struct {
	Email string `json:"email"`
	// Consent is the explicit agreement (the form's checkbox): without
	// it nothing is recorded.
	Consent bool `json:"consent"`
}

// ReplyNotice returns the signed-in account's choice about notices of
// new replies (its own account's, access.PortalNotice).
func (s *Service) ReplyNotice(ctx context.Context, actor parcours.Actor) (*parcours.ReplyNotice, error) {
	var out *parcours.ReplyNotice
	err := s.db.View(ctx, func(tx *store.Tx) error {
		f, err := file.OpenOwn(ctx, tx, actor, access.PortalNotice)
		if err != nil {
			return err
		}
		out, err = f.ReplyNotice(ctx)
		return err
	})
	return out, err
}

// SetReplyNotice records the signed-in account's address for notices of
// new replies, with its consent (now). A missing or invalid address, or
// no consent, is refused (EInvalid, by field) and changes nothing.
// Audited portal.notice.set.
func (s *Service) SetReplyNotice(ctx context.Context, actor parcours.Actor, in NoticeInput) (*parcours.ReplyNotice, error) {
	in.Email = strings.TrimSpace(in.Email)
	p := &parcours.Problems{Labels: "field.portal_notice."}
	p.Email("email", in.Email, true)
	if !in.Consent {
		p.Add("consent", "portal.notice.error.consent")
	}
	return s.saveReplyNotice(ctx, actor, in.Email, p)
}

// WithdrawReplyNotice withdraws the signed-in account's consent: its
// address is deleted and no notice is sent any more (those still queued
// are dropped). Audited portal.notice.remove.
func (s *Service) WithdrawReplyNotice(ctx context.Context, actor parcours.Actor) (*parcours.ReplyNotice, error) {
	return s.saveReplyNotice(ctx, actor, "", &parcours.Problems{})
}

func (s *Service) saveReplyNotice(ctx context.Context, actor parcours.Actor, email string, p *parcours.Problems) (*parcours.ReplyNotice, error) {
	var out *parcours.ReplyNotice
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		// The door first: a refused caller learns nothing of the checks.
		f, err := file.OpenOwn(ctx, tx, actor, access.PortalNotice)
		if err != nil {
			return err
		}
		if err := p.Err(); err != nil {
			return err
		}
		if err := f.SetReplyNotice(ctx, email); err != nil {
			return err
		}
		out, err = f.ReplyNotice(ctx)
		return err
	})
	return out, err
}
