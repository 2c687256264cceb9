// Package org manages structures, their teams and their workers' accounts:
// creation by the operator (CLI) and day-to-day administration by each
// organisation's admin. Every method asks package access first and audits
// what it changed in the same transaction. It never sees a password in
// clear longer than it takes to check and hash it, and never returns one.
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

// Service is the organisation and account administration service.
type Service struct {
	db *store.DB
}

// New returns a Service on db.
func New(db *store.DB) *Service { return &Service{db: db} }

// OrgInput describes a new organisation.
type OrgInput struct {
	Name  string
	Kind  parcours.OrgKind
	SIRET string
}

// CreateOrg creates a structure. Only the operator may (access.OrgCreate
// belongs to no role): structures are data controllers, set up once.
func (s *Service) CreateOrg(ctx context.Context, actor parcours.Actor, in OrgInput) (*parcours.Organization, error) {
	if err := access.Check(actor, access.OrgCreate, access.Target{}); err != nil {
		return nil, err
	}
	o := &parcours.Organization{Name: strings.TrimSpace(in.Name), Kind: in.Kind, SIRET: strings.ReplaceAll(strings.TrimSpace(in.SIRET), " ", "")}
	if o.Kind == "" {
		o.Kind = parcours.OrgCCAS
	}
	var p parcours.Problems
	p.Required("org_name", o.Name, 200)
	if !o.Kind.Valid() {
		p.Add("kind", "error.invalid_choice", "field.kind", string(o.Kind))
	}
	if o.SIRET != "" && !parcours.ValidSIRET(o.SIRET) {
		p.Add("siret", "error.invalid_siret")
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		if err := tx.InsertOrganization(ctx, o); err != nil {
			if store.IsUniqueViolation(err) {
				return parcours.FieldError(parcours.EConflict, "org_name", "admin.error.org_exists")
			}
			return err
		}
		tx.Audit(audit.For(actor, "org.create", "organization", o.ID, ""))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}

// Org returns an organisation by id or exact name. Every worker may read
// their own organisation (its name and settings show in the layout), so
// this asks for SelfManage, which every role has.
func (s *Service) Org(ctx context.Context, actor parcours.Actor, idOrName string) (*parcours.Organization, error) {
	var o *parcours.Organization
	err := s.db.View(ctx, func(tx *store.Tx) error {
		var err error
		o, err = tx.Organization(ctx, idOrName)
		if errors.Is(err, store.ErrNoRows) {
			return parcours.NotFound()
		}
		if err != nil {
			return err
		}
		return access.Check(actor, access.SelfManage, access.Target{OrgID: o.ID})
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}

// ManagedOrg returns the actor's organisation for its settings page: only
// its admins may open it.
func (s *Service) ManagedOrg(ctx context.Context, actor parcours.Actor, orgID string) (*parcours.Organization, error) {
	var o *parcours.Organization
	err := s.db.View(ctx, func(tx *store.Tx) error {
		var err error
		o, err = s.orgFor(ctx, tx, actor, orgID, access.OrgManage)
		return err
	})
	return o, err
}

// Settings are the organisation options an admin may change; nil leaves a
// setting as it is.
type Settings struct {
	TOTPOptional    *bool
	ShowWorkerNames *bool
	// RenewalReminderDays: 1 to parcours.MaxRenewalDays.
	RenewalReminderDays *int
}

// UpdateSettings changes the options of the actor's organisation.
func (s *Service) UpdateSettings(ctx context.Context, actor parcours.Actor, orgID string, in Settings) (*parcours.Organization, error) {
	var o *parcours.Organization
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		var err error
		if o, err = tx.Organization(ctx, orgID); errors.Is(err, store.ErrNoRows) || (err == nil && o.ID != orgID) {
			return parcours.NotFound()
		} else if err != nil {
			return err
		}
		if err := access.Check(actor, access.OrgManage, access.Target{OrgID: o.ID}); err != nil {
			return err
		}
		if in.TOTPOptional != nil {
			o.TOTPOptional = *in.TOTPOptional
		}
		if in.ShowWorkerNames != nil {
			o.ShowWorkerNames = *in.ShowWorkerNames
		}
		if d := in.RenewalReminderDays; d != nil {
			if *d < 1 || *d > parcours.MaxRenewalDays {
				return parcours.FieldError(parcours.EInvalid, "renewal_reminder_days", "admin.error.renewal_days", parcours.MaxRenewalDays)
			}
			o.RenewalReminderDays = *d
		}
		if err := tx.UpdateOrganization(ctx, o); err != nil {
			return err
		}
		tx.Audit(audit.For(actor, "org.settings", "organization", o.ID, ""))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}

// CreateTeam adds a team to an organisation (id or name).
func (s *Service) CreateTeam(ctx context.Context, actor parcours.Actor, org, name string) (*parcours.Team, error) {
	t := &parcours.Team{Name: strings.TrimSpace(name)}
	var p parcours.Problems
	p.Required("team_name", t.Name, 200)
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		o, err := s.orgFor(ctx, tx, actor, org, access.OrgManage)
		if err != nil {
			return err
		}
		if err := p.Err(); err != nil {
			return err
		}
		t.OrgID = o.ID
		if err := tx.InsertTeam(ctx, t); err != nil {
			if store.IsUniqueViolation(err) {
				return parcours.FieldError(parcours.EConflict, "team_name", "admin.error.team_exists")
			}
			return err
		}
		tx.Audit(audit.For(actor, "team.create", "team", t.ID, ""))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// Teams lists the teams of an organisation. Every worker of the
// organisation may list them (forms show team names).
func (s *Service) Teams(ctx context.Context, actor parcours.Actor, orgID string) ([]*parcours.Team, error) {
	if err := access.Check(actor, access.SelfManage, access.Target{OrgID: orgID}); err != nil {
		return nil, err
	}
	var out []*parcours.Team
	err := s.db.View(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.Teams(ctx, orgID)
		return err
	})
	if out == nil {
		out = []*parcours.Team{}
	}
	return out, err
}

// orgFor resolves an organisation by id or name and checks act on it.
// An organisation the actor may not see is not found.
func (s *Service) orgFor(ctx context.Context, tx *store.Tx, actor parcours.Actor, idOrName string, act access.Action) (*parcours.Organization, error) {
	o, err := tx.Organization(ctx, strings.TrimSpace(idOrName))
	if errors.Is(err, store.ErrNoRows) {
		return nil, parcours.FieldError(parcours.ENotFound, "org", "admin.error.org_unknown", idOrName)
	}
	if err != nil {
		return nil, err
	}
	if err := access.Check(actor, act, access.Target{OrgID: o.ID}); err != nil {
		if parcours.ErrorCode(err) == parcours.ENotFound {
			return nil, parcours.FieldError(parcours.ENotFound, "org", "admin.error.org_unknown", idOrName)
		}
		return nil, err
	}
	return o, nil
}
