package org

import (
	"context"
	"errors"
	"slices"
	"strings"

	"parcours/internal/access"
	"parcours/internal/audit"
	"parcours/internal/auth"
	"parcours/internal/parcours"
	"parcours/internal/store"
)

// WorkerInput describes a new account.
type WorkerInput struct {
	Email     string
	FirstName string
	LastName  string
	Role      parcours.Role
	// Teams are team ids or names of the organisation.
	Teams []string
	// Password is the initial password; it must follow the password
	// policy. Callers that want one generated use auth.GeneratePassword.
	Password string
	Language string
}

// CreateWorker creates an account in an organisation (id or name). The
// worker will have to enrol a TOTP second factor at first login unless the
// organisation relaxed it for their role.
func (s *Service) CreateWorker(ctx context.Context, actor parcours.Actor, org string, in WorkerInput) (*parcours.Worker, error) {
	// The role alone is checked first, so that a worker who may not
	// create accounts cannot make the server hash passwords for nothing;
	// the organisation is checked below.
	if err := access.Check(actor, access.WorkerManage, access.Target{}); err != nil {
		return nil, err
	}
	w := &parcours.Worker{
		Email:     strings.ToLower(strings.TrimSpace(in.Email)),
		FirstName: strings.TrimSpace(in.FirstName),
		LastName:  strings.TrimSpace(in.LastName),
		Role:      in.Role,
		Language:  in.Language,
	}
	var p parcours.Problems
	p.Email("email", w.Email, true)
	p.MaxLen("first_name", w.FirstName, 100)
	p.MaxLen("last_name", w.LastName, 100)
	if !w.Role.Valid() {
		p.Add("role", "error.invalid_choice", "field.role", string(w.Role))
	}
	if w.Language != "" && w.Language != "fr" && w.Language != "en" {
		p.Add("language", "error.invalid_choice", "field.language", w.Language)
	}
	if err := auth.CheckPassword(in.Password, w.Email); err != nil {
		e := parcours.AsError(err)
		p.Add(e.Field, e.Key, e.Args...)
	}
	// Hash outside the transaction: it is deliberately slow, and a
	// transaction may be retried.
	var hash string
	if err := p.Err(); err == nil {
		hash = auth.HashPassword(in.Password)
	}
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		o, err := s.orgFor(ctx, tx, actor, org, access.WorkerManage)
		if err != nil {
			return err
		}
		w.OrgID = o.ID
		if w.TeamIDs, err = resolveTeams(ctx, tx, o.ID, in.Teams, &p); err != nil {
			return err
		}
		if err := p.Err(); err != nil {
			return err
		}
		if err := tx.InsertWorker(ctx, w, hash); err != nil {
			if store.IsUniqueViolation(err) {
				return parcours.FieldError(parcours.EConflict, "email", "admin.error.email_taken")
			}
			return err
		}
		tx.Audit(audit.For(actor, "worker.create", "worker", w.ID, ""))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return w, nil
}

// resolveTeams turns team ids or names into ids of org's teams, recording
// unknown ones as problems of the field "teams".
func resolveTeams(ctx context.Context, tx *store.Tx, orgID string, refs []string, p *parcours.Problems) ([]string, error) {
	ids := []string{}
	for _, ref := range refs {
		ref = strings.TrimSpace(ref)
		if ref == "" {
			continue
		}
		t, err := tx.Team(ctx, orgID, ref)
		if errors.Is(err, store.ErrNoRows) {
			p.Add("teams", "admin.error.team_unknown", ref)
			continue
		}
		if err != nil {
			return nil, err
		}
		if !slices.Contains(ids, t.ID) {
			ids = append(ids, t.ID)
		}
	}
	slices.Sort(ids)
	return ids, nil
}

// Workers lists the accounts of an organisation, for its admin.
func (s *Service) Workers(ctx context.Context, actor parcours.Actor, orgID string) ([]*parcours.Worker, error) {
	if err := access.Check(actor, access.WorkerManage, access.Target{OrgID: orgID}); err != nil {
		return nil, err
	}
	var out []*parcours.Worker
	err := s.db.View(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.Workers(ctx, orgID)
		return err
	})
	if out == nil {
		out = []*parcours.Worker{}
	}
	return out, err
}

// Worker returns one account, for its organisation's admin.
func (s *Service) Worker(ctx context.Context, actor parcours.Actor, id string) (*parcours.Worker, error) {
	var w *parcours.Worker
	err := s.db.View(ctx, func(tx *store.Tx) error {
		var err error
		w, err = workerFor(ctx, tx, actor, id)
		return err
	})
	return w, err
}

func workerFor(ctx context.Context, tx *store.Tx, actor parcours.Actor, id string) (*parcours.Worker, error) {
	w, err := tx.Worker(ctx, id)
	if errors.Is(err, store.ErrNoRows) {
		return nil, parcours.NotFound()
	}
	if err != nil {
		return nil, err
	}
	if err := access.Check(actor, access.WorkerManage, access.Target{OrgID: w.OrgID}); err != nil {
		return nil, err
	}
	return w, nil
}

// WorkerUpdate changes an account; nil fields are left as they are.
type WorkerUpdate struct {
	FirstName *string
	LastName  *string
	Role      *parcours.Role
	Teams     *[]string // ids or names; replaces the memberships
	Disabled  *bool
	// ResetTOTP forgets the worker's second factor (lost phone): they
	// enrol a new one at their next login.
	ResetTOTP bool
	// Password, when not empty, replaces a forgotten password (the admin
	// hands it over; the worker changes it from their profile). It must
	// follow the password policy.
	Password string
}

// UpdateWorker changes an account. Disabling it, resetting its second
// factor or its password ends all its sessions at once. Admins cannot demote or disable
// themselves, so that an organisation is never left without one by
// mistake.
func (s *Service) UpdateWorker(ctx context.Context, actor parcours.Actor, id string, in WorkerUpdate) (*parcours.Worker, error) {
	var w *parcours.Worker
	hash := ""
	if in.Password != "" {
		// Role first, so that nobody else makes the server hash for nothing.
		if err := access.Check(actor, access.WorkerManage, access.Target{}); err != nil {
			return nil, err
		}
		hash = auth.HashPassword(in.Password)
	}
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		var err error
		if w, err = workerFor(ctx, tx, actor, id); err != nil {
			return err
		}
		var p parcours.Problems
		if in.FirstName != nil {
			w.FirstName = strings.TrimSpace(*in.FirstName)
			p.MaxLen("first_name", w.FirstName, 100)
		}
		if in.LastName != nil {
			w.LastName = strings.TrimSpace(*in.LastName)
			p.MaxLen("last_name", w.LastName, 100)
		}
		if in.Role != nil {
			if !in.Role.Valid() {
				p.Add("role", "error.invalid_choice", "field.role", string(*in.Role))
			} else if w.ID == actor.WorkerID && *in.Role != w.Role {
				p.Add("role", "admin.error.self_demote")
			}
			w.Role = *in.Role
		}
		wasDisabled := w.Disabled
		if in.Disabled != nil {
			if *in.Disabled && w.ID == actor.WorkerID {
				p.Add("disabled", "admin.error.self_disable")
			}
			w.Disabled = *in.Disabled
		}
		if in.Teams != nil {
			if w.TeamIDs, err = resolveTeams(ctx, tx, w.OrgID, *in.Teams, &p); err != nil {
				return err
			}
		}
		if in.Password != "" {
			if err := auth.CheckPassword(in.Password, w.Email); err != nil {
				e := parcours.AsError(err)
				p.Add(e.Field, e.Key, e.Args...)
			}
		}
		if err := p.Err(); err != nil {
			return err
		}
		if err := tx.UpdateWorker(ctx, w); err != nil {
			return err
		}
		if in.Teams != nil {
			if err := tx.SetWorkerTeams(ctx, w.ID, w.TeamIDs); err != nil {
				return err
			}
		}
		if in.ResetTOTP {
			if err := tx.SetTOTP(ctx, w.ID, "", false); err != nil {
				return err
			}
			w.TOTPEnabled = false
			tx.Audit(audit.For(actor, "worker.totp_reset", "worker", w.ID, ""))
		}
		if hash != "" {
			if err := tx.SetPassword(ctx, w.ID, hash); err != nil {
				return err
			}
			tx.Audit(audit.For(actor, "worker.password_reset", "worker", w.ID, ""))
		}
		if (w.Disabled && !wasDisabled) || in.ResetTOTP || hash != "" {
			if err := tx.DeleteWorkerSessions(ctx, w.ID); err != nil {
				return err
			}
		}
		action := "worker.update"
		switch {
		case w.Disabled && !wasDisabled:
			action = "worker.disable"
		case !w.Disabled && wasDisabled:
			action = "worker.enable"
		}
		tx.Audit(audit.For(actor, action, "worker", w.ID, ""))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return w, nil
}
