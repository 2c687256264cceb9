package org

import (
	"context"
	"errors"
	"strings"

	"parcours/internal/access"
	"parcours/internal/audit"
	"parcours/internal/parcours"
	"parcours/internal/store"
)

// Notice returns the information notice of an organisation. It is public:
// the person reads it before anything about them is recorded, from a
// printed copy or a link, without an account.
func (s *Service) Notice(ctx context.Context, orgID string) (*parcours.Notice, error) {
	var n *parcours.Notice
	err := s.db.View(ctx, func(tx *store.Tx) error {
		var err error
		n, err = tx.OrganizationNotice(ctx, orgID)
		if errors.Is(err, store.ErrNoRows) {
			return parcours.NotFound()
		}
		return err
	})
	return n, err
}

// NoticeInput are the texts an organisation's admin writes; nil leaves a
// text as it is, "" returns it to the default.
type NoticeInput struct {
	ControllerAddress, Purpose, LegalBasis, Recipients, Retention, DPOContact *string
}

// UpdateNotice changes the information notice of the actor's organisation
// (admins). Every text is checked before anything is written.
func (s *Service) UpdateNotice(ctx context.Context, actor parcours.Actor, orgID string, in NoticeInput) (*parcours.Notice, error) {
	var n *parcours.Notice
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		var err error
		if n, err = tx.OrganizationNotice(ctx, orgID); errors.Is(err, store.ErrNoRows) {
			return parcours.NotFound()
		} else if err != nil {
			return err
		}
		if err := access.Check(actor, access.OrgManage, access.Target{OrgID: n.OrgID}); err != nil {
			return err
		}
		var problems parcours.Problems
		for _, f := range []struct {
			field string
			in    *string
			out   *string
		}{
			{"controller_address", in.ControllerAddress, &n.ControllerAddress},
			{"purpose", in.Purpose, &n.Purpose},
			{"legal_basis", in.LegalBasis, &n.LegalBasis},
			{"recipients", in.Recipients, &n.Recipients},
			{"retention", in.Retention, &n.Retention},
			{"dpo_contact", in.DPOContact, &n.DPOContact},
		} {
			if f.in == nil {
				continue
			}
			v := strings.TrimSpace(*f.in)
			problems.MaxLen(f.field, v, parcours.NoticeMaxLen)
			*f.out = v
		}
		if err := problems.Err(); err != nil {
			return err
		}
		if err := tx.SaveOrganizationNotice(ctx, n, actor.WorkerID); err != nil {
			return err
		}
		tx.Audit(audit.For(actor, "org.notice.update", "organization", n.OrgID, ""))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return n, nil
}
