package file

import (
	"context"
	"errors"

	"parcours/internal/access"
	"parcours/internal/audit"
	"parcours/internal/parcours"
	"parcours/internal/store"
)

// The pre-screening of likely rights (issue 13): what it reads of a
// household, the workers' answers to it, and the organisation-wide
// population of the non-take-up dashboard.

// PrescreenData is what the pre-screening reads of a household.
type PrescreenData struct {
	Household  *parcours.Household
	Persons    map[string]*parcours.Person
	Budgets    []*parcours.Budget // current first
	Situations []*parcours.Situation
	Procedures []*parcours.Procedure
	Outcomes   []*parcours.PrescreenOutcome
	Workers    map[string]string // id → name, for « entered by »
}

// PrescreenData reads the household's members, budgets, situations,
// procedures and recorded answers (access.PrescreenRead).
func (h *Household) PrescreenData(ctx context.Context) (*PrescreenData, error) {
	if err := h.Check(access.PrescreenRead); err != nil {
		return nil, err
	}
	workers, err := h.tx.WorkerNames(ctx, h.Household.OrgID)
	if err != nil {
		return nil, err
	}
	return prescreenData(ctx, h.tx, h.Household, workers)
}

func prescreenData(ctx context.Context, tx *store.Tx, hh *parcours.Household, workers map[string]string) (*PrescreenData, error) {
	d := &PrescreenData{Household: hh, Persons: map[string]*parcours.Person{}, Workers: workers}
	ids := make([]string, 0, len(hh.Members))
	for _, m := range hh.Members {
		p, err := tx.Person(ctx, m.PersonID)
		if err != nil {
			return nil, err
		}
		d.Persons[p.ID] = p
		ids = append(ids, p.ID)
	}
	var err error
	if d.Budgets, err = tx.HouseholdBudgets(ctx, hh.ID); err != nil {
		return nil, err
	}
	if d.Situations, err = tx.SituationHistory(ctx, hh.ID); err != nil {
		return nil, err
	}
	if len(ids) > 0 {
		if d.Procedures, err = tx.PersonProcedures(ctx, ids, store.Keyset{}); err != nil {
			return nil, err
		}
	}
	if d.Outcomes, err = tx.HouseholdPrescreenOutcomes(ctx, hh.ID); err != nil {
		return nil, err
	}
	return d, nil
}

// RecordPrescreenOutcome stores a worker's answer (access.PrescreenRecord
// checked by the caller's OpenHousehold).
func (h *Household) RecordPrescreenOutcome(ctx context.Context, o *parcours.PrescreenOutcome) error {
	if err := h.Check(access.PrescreenRecord); err != nil {
		return err
	}
	if o.ProcedureID != "" {
		p, err := h.tx.Procedure(ctx, o.ProcedureID)
		if err != nil || !h.member(p.PersonID) {
			return parcours.FieldError(parcours.EInvalid, "procedure_id", "error.prescreen.unknown_procedure")
		}
	}
	return h.tx.InsertPrescreenOutcome(ctx, o)
}

func (h *Household) member(personID string) bool {
	for _, m := range h.Household.Members {
		if m.PersonID == personID {
			return true
		}
	}
	return false
}

// ScreenedHousehold is one household of the dashboard's population with
// what the pre-screening reads of it.
type ScreenedHousehold struct {
	*parcours.ScreenedHousehold
	Data *PrescreenData
}

// PrescreenPopulation reads, for the non-take-up dashboard
// (access.PrescreenStats, the managers), every household of the actor's
// organisation with an accompaniment open on date. Only counts may leave
// the caller; one audit event records the reading. The drill-down opens
// files with OpenMany.
func PrescreenPopulation(ctx context.Context, tx *store.Tx, actor parcours.Actor, date string) ([]*ScreenedHousehold, error) {
	if err := access.Check(actor, access.PrescreenStats, access.Target{OrgID: actor.OrgID}); err != nil {
		return nil, err
	}
	list, err := tx.ScreenedHouseholds(ctx, actor.OrgID, date)
	if err != nil {
		return nil, err
	}
	workers, err := tx.WorkerNames(ctx, actor.OrgID)
	if err != nil {
		return nil, err
	}
	out := make([]*ScreenedHousehold, 0, len(list))
	for _, sh := range list {
		hh, err := tx.Household(ctx, sh.HouseholdID)
		if err != nil {
			return nil, err
		}
		d, err := prescreenData(ctx, tx, hh, workers)
		if err != nil {
			return nil, err
		}
		out = append(out, &ScreenedHousehold{ScreenedHousehold: sh, Data: d})
	}
	tx.Audit(audit.For(actor, "prescreen.stats", "organization", actor.OrgID, ""))
	return out, nil
}

// Prescreenings is what the person's portal shows of the pre-screening
// (access.PortalRead): the answers their workers recorded for them (their
// merge group), and what the screening reads of their current household
// so that each answer can be explained again — nil when there is no
// answer or no household. Workers are not named there (« un·e
// professionnel·le »): the explanation says which record a datum comes
// from and when; who read the file is the access log's business, which
// names workers only where their organisation chose so.
func (f *File) Prescreenings(ctx context.Context) ([]*parcours.PrescreenOutcome, *PrescreenData, error) {
	if err := f.Check(access.PortalRead); err != nil {
		return nil, nil, err
	}
	outcomes, err := f.tx.PersonPrescreenOutcomes(ctx, f.IDs)
	if err != nil || len(outcomes) == 0 || f.Person.HouseholdID == "" {
		return outcomes, nil, err
	}
	hh, err := f.tx.Household(ctx, f.Person.HouseholdID)
	if errors.Is(err, store.ErrNoRows) {
		return outcomes, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	d, err := prescreenData(ctx, f.tx, hh, map[string]string{})
	return outcomes, d, err
}
