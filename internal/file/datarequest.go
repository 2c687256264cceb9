package file

import (
	"context"
	"errors"

	"parcours/internal/access"
	"parcours/internal/parcours"
	"parcours/internal/store"
)

// DataRequests returns the requests of the person about their data (the
// whole merge group), newest first.
func (f *File) DataRequests(ctx context.Context) ([]*parcours.DataRequest, error) {
	if err := f.Check(access.DataRequestRead); err != nil {
		return nil, err
	}
	return f.tx.PersonDataRequests(ctx, f.Group)
}

// DataRequestsToHandle returns the organisation's requests by due date,
// for its managers and data-protection officer: the one list of persons'
// names that is not about a file the actor follows, so the door gives it
// only for DataRequestHandle.
func DataRequestsToHandle(ctx context.Context, tx *store.Tx, actor parcours.Actor, openOnly bool, limit int) ([]*parcours.DataRequest, error) {
	if err := checkHandle(ctx, tx, actor, actor.OrgID); err != nil {
		return nil, err
	}
	return tx.OrgDataRequests(ctx, actor.OrgID, openOnly, limit)
}

// OpenDataRequest loads a request for its handling (extend, answer).
func OpenDataRequest(ctx context.Context, tx *store.Tx, actor parcours.Actor, id string) (*parcours.DataRequest, error) {
	r, err := tx.DataRequest(ctx, id)
	if errors.Is(err, store.ErrNoRows) || (err == nil && r.OrgID != actor.OrgID && !actor.System) {
		return nil, parcours.NotFound()
	}
	if err != nil {
		return nil, err
	}
	if err := checkHandle(ctx, tx, actor, r.OrgID); err != nil {
		return nil, err
	}
	return r, nil
}

func checkHandle(ctx context.Context, tx *store.Tx, actor parcours.Actor, orgID string) error {
	dpo, err := tx.IsDPO(ctx, actor.WorkerID)
	if err != nil {
		return err
	}
	return access.Check(actor, access.DataRequestHandle, access.Target{OrgID: orgID, DPO: dpo})
}

// OverdueDataRequests returns, once each, the requests left unanswered
// past their due date: for the server's job that warns who must answer.
func OverdueDataRequests(ctx context.Context, tx *store.Tx, actor parcours.Actor, today string, limit int) ([]*parcours.DataRequest, error) {
	if err := access.Check(actor, access.JobRun, access.Target{}); err != nil {
		return nil, err
	}
	return tx.OverdueDataRequests(ctx, today, limit)
}

// RenewalsDue returns, for the server's daily job only (access.JobRun),
// the mandates and domiciliations ending between from and until with the
// workers to remind (store.RenewalsDue).
func RenewalsDue(ctx context.Context, tx *store.Tx, actor parcours.Actor, today string, limit int) ([]*store.RenewalDue, error) {
	if err := access.Check(actor, access.JobRun, access.Target{}); err != nil {
		return nil, err
	}
	return tx.RenewalsDue(ctx, today, limit)
}
