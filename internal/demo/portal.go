package demo

import (
	"context"
	"fmt"

	"parcours/internal/parcours"
	"parcours/internal/portal"
	"parcours/internal/store"
)

// PortalLogin and PortalPassword are the demo person's portal account
// (public, as every demo password).
const (
	PortalLogin    = "portail.demo"
	PortalPassword = "portail de démonstration"
)

// Portal is what the demo sets up on the person portal.
type Portal struct {
	// Person has an active account (PortalLogin, PortalPassword).
	Person string
	// Invited has a fresh printed code (valid 72 hours) to activate.
	Invited, Code string
}

// AddPortal gives the first accompanied person of the CCAS a portal
// account, and the second one a printed invitation code, as their
// referent would at the desk.
func AddPortal(ctx context.Context, db *store.DB, accompanied []parcours.Accompaniment) (*Portal, error) {
	var people []parcours.Accompaniment
	for _, a := range accompanied {
		if len(people) == 2 {
			break
		}
		if len(people) == 1 && people[0].OrgID != a.OrgID {
			continue
		}
		people = append(people, a)
	}
	if len(people) < 2 {
		return &Portal{}, nil
	}
	svc := portal.New(db, nil)
	out := &Portal{Person: people[0].PersonID, Invited: people[1].PersonID}
	referent := func(a parcours.Accompaniment) (parcours.Actor, error) {
		var w *parcours.Worker
		err := db.View(ctx, func(tx *store.Tx) error {
			var err error
			w, err = tx.Worker(ctx, a.ReferentID)
			return err
		})
		if err != nil {
			return parcours.Actor{}, err
		}
		return w.Actor(), nil
	}
	actor, err := referent(people[0])
	if err != nil {
		return nil, err
	}
	inv, err := svc.Invite(ctx, actor, out.Person, "print")
	if err != nil {
		return nil, fmt.Errorf("demo portal: %w", err)
	}
	if _, err := svc.Activate(ctx, portal.ActivateInput{Code: inv.Code, Login: PortalLogin, Password: PortalPassword, Confirm: PortalPassword}, "demo"); err != nil {
		return nil, fmt.Errorf("demo portal: %w", err)
	}
	if actor, err = referent(people[1]); err != nil {
		return nil, err
	}
	if inv, err = svc.Invite(ctx, actor, out.Invited, "print"); err != nil {
		return nil, fmt.Errorf("demo portal: %w", err)
	}
	out.Code = inv.Code
	return out, nil
}
