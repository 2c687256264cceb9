package rights

import (
	"context"

	"parcours/internal/access"
	"parcours/internal/file"
	"parcours/internal/parcours"
	"parcours/internal/store"
)

// Tab is the file's « Droits et démarches » tab.
type Tab struct {
	Person     *parcours.Person
	Today      string
	Catalogue  *Catalogue
	Procedures []*parcours.Procedure
	Checks     []*parcours.AutonomyCheck
	Mandates   []*parcours.Mandate
	// Workers names the organisation's workers; CaseWorkers may receive a
	// mandate.
	Workers     map[string]string
	CaseWorkers []parcours.Worker
	// What the actor may do here (the policy's answer, for the buttons).
	CanWriteProcedure, CanWriteAutonomy, CanWriteMandate bool
}

// RightsTab returns the « Droits et démarches » tab of a person's file.
func (s *Service) RightsTab(ctx context.Context, actor parcours.Actor, personID string) (out *Tab, err error) {
	defer wrap(&err, "rights: tab")
	err = s.db.View(ctx, func(tx *store.Tx) error {
		f, err := file.Open(ctx, tx, actor, access.ProcedureRead, personID)
		if err != nil {
			return err
		}
		out = &Tab{Person: f.Person, Today: parcours.Today(tx.Now()), CanWriteProcedure: f.Can(access.ProcedureWrite),
			CanWriteAutonomy: f.Can(access.AutonomyWrite), CanWriteMandate: f.Can(access.MandateWrite)}
		if out.Catalogue, err = catalogue(ctx, tx, f.Person.OrgID, false); err != nil {
			return err
		}
		if out.Procedures, err = f.Procedures(ctx, store.Keyset{}); err != nil {
			return err
		}
		if out.Checks, err = f.AutonomyChecks(ctx, store.Keyset{}); err != nil {
			return err
		}
		if out.Mandates, err = f.Mandates(ctx, store.Keyset{}); err != nil {
			return err
		}
		for _, m := range out.Mandates {
			m.Status = m.StatusOn(out.Today)
		}
		if out.Workers, err = tx.WorkerNames(ctx, f.Person.OrgID); err != nil {
			return err
		}
		if out.CaseWorkers, err = tx.CaseWorkers(ctx, f.Person.OrgID); err != nil {
			return err
		}
		f.Audit("rights.open", "person", f.Person.ID)
		return nil
	})
	return out, err
}
