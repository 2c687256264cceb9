// Package datarights handles the person's requests about their data
// (RGPD art. 15 to 21) with the legal clock of art. 12.3: an answer within
// one month of receipt, extendable once by two months with a reason. A
// request is recorded on the person's file (from a letter, at the desk);
// the referents and the data-protection officer hear of it; managers and
// the DPO see every open request by due date and answer; a job warns them
// of any request left late.
package datarights

import (
	"context"
	"strings"
	"time"

	"parcours/internal/access"
	"parcours/internal/audit"
	"parcours/internal/file"
	"parcours/internal/parcours"
	"parcours/internal/store"
)

// Notification kinds (catalogue keys notification.<kind>).
const (
	KindReceived = "data_request"
	KindOverdue  = "data_request_overdue"
)

// Limits of the texts, in characters.
const (
	maxDetails = 4000
	maxAnswer  = 8000
	maxReason  = 1000
)

// Service is the data-rights requests service.
type Service struct{ db *store.DB }

// New returns a Service on db.
func New(db *store.DB) *Service { return &Service{db: db} }

// Input is a request as received.
type Input struct {
	Kind, Channel, ReceivedOn, Details string
}

// Due is the answer's due date for a request received on day: one month
// later (a request of 31 January is due on 28 or 29 February, as
// time.AddDate would overflow into March).
func Due(receivedOn string, months int) (string, error) {
	d, err := parcours.ParseDate(receivedOn)
	if err != nil {
		return "", err
	}
	y, m, day := d.Date()
	first := time.Date(y, m+time.Month(months), 1, 0, 0, 0, 0, time.UTC)
	if last := first.AddDate(0, 1, -1).Day(); day > last {
		day = last
	}
	return time.Date(first.Year(), first.Month(), day, 0, 0, 0, 0, time.UTC).Format(time.DateOnly), nil
}

// Record records a request received about the person's file, due one
// month after receipt, and tells the referents and the DPO.
func (s *Service) Record(ctx context.Context, actor parcours.Actor, personID string, in Input) (*parcours.DataRequest, error) {
	var out *parcours.DataRequest
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		f, err := file.Open(ctx, tx, actor, access.DataRequestRecord, personID)
		if err != nil {
			return err
		}
		p := parcours.Problems{Labels: "field.data_request_"}
		in.Details = strings.TrimSpace(in.Details)
		p.Choice("kind", in.Kind, parcours.DataRequestKinds, true)
		p.Choice("channel", in.Channel, parcours.DataRequestChannels, true)
		// Not after today in France: past 23:00 UTC the person's and the
		// worker's today is already tomorrow's date in UTC.
		today, _ := parcours.ParseDate(parcours.Today(tx.Now()))
		p.Date("received_on", in.ReceivedOn, true, today)
		p.MaxLen("details", in.Details, maxDetails)
		if err := p.Err(); err != nil {
			return err
		}
		due, err := Due(in.ReceivedOn, 1)
		if err != nil {
			return err
		}
		r := &parcours.DataRequest{OrgID: f.Person.OrgID, PersonID: f.Person.ID, Kind: in.Kind, Channel: in.Channel,
			ReceivedOn: in.ReceivedOn, Details: in.Details, DueOn: due, CreatedBy: actor.ID()}
		if err := tx.InsertDataRequest(ctx, r); err != nil {
			return err
		}
		f.Audit("data_request.record", "data_request", r.ID)
		var referents []string
		for _, a := range f.Active {
			if a.OrgID == f.Person.OrgID {
				referents = append(referents, a.ReferentID)
			}
		}
		if err := notify(ctx, tx, referents, r, KindReceived, actor.WorkerID); err != nil {
			return err
		}
		out = r
		return nil
	})
	return out, err
}

// FromPortal records a request the person (or their delegate) made in
// the portal: received today, due one month later.
func (s *Service) FromPortal(ctx context.Context, actor parcours.Actor, kind, details string) (*parcours.DataRequest, error) {
	if actor.Portal == nil {
		return nil, parcours.Forbidden()
	}
	return s.Record(ctx, actor, actor.Portal.PersonID, Input{Kind: kind, Channel: "portal", ReceivedOn: parcours.Today(s.db.Now()), Details: details})
}

// notify tells the referents given and the organisation's DPOs (or, with
// none designated, nobody more: managers see the list) of a request.
func notify(ctx context.Context, tx *store.Tx, referents []string, r *parcours.DataRequest, kind, except string) error {
	dpos, err := tx.OrgDPOs(ctx, r.OrgID)
	if err != nil {
		return err
	}
	seen := map[string]bool{except: true, "": true}
	for _, w := range append(append([]string{}, referents...), dpos...) {
		if seen[w] {
			continue
		}
		seen[w] = true
		if err := tx.InsertNotification(ctx, &parcours.Notification{WorkerID: w, Kind: kind, PersonID: r.PersonID, ObjectID: r.ID}); err != nil {
			return err
		}
	}
	return nil
}

// ForPerson lists the requests of a person's file.
func (s *Service) ForPerson(ctx context.Context, actor parcours.Actor, personID string) ([]*parcours.DataRequest, error) {
	var out []*parcours.DataRequest
	err := s.db.View(ctx, func(tx *store.Tx) error {
		f, err := file.Open(ctx, tx, actor, access.DataRequestRead, personID)
		if err != nil {
			return err
		}
		if out, err = f.DataRequests(ctx); err != nil {
			return err
		}
		f.Audit("data_request.read", "person", f.Person.ID)
		return nil
	})
	return out, err
}

// ToHandle lists the organisation's requests, the soonest due first
// (openOnly: those without an answer), for managers and the DPO.
func (s *Service) ToHandle(ctx context.Context, actor parcours.Actor, openOnly bool) ([]*parcours.DataRequest, error) {
	var out []*parcours.DataRequest
	err := s.db.View(ctx, func(tx *store.Tx) error {
		var err error
		if out, err = file.DataRequestsToHandle(ctx, tx, actor, openOnly, 500); err != nil {
			return err
		}
		tx.Audit(audit.For(actor, "data_request.list", "data_request", "", ""))
		return nil
	})
	return out, err
}

// Extend gives the organisation two more months to answer, once, with the
// reason the person will be told (art. 12.3).
func (s *Service) Extend(ctx context.Context, actor parcours.Actor, id, reason string) (*parcours.DataRequest, error) {
	return s.change(ctx, actor, id, "data_request.extend", func(tx *store.Tx, r *parcours.DataRequest) (bool, error) {
		reason = strings.TrimSpace(reason)
		p := parcours.Problems{Labels: "field.data_request_"}
		p.Required("reason", reason, maxReason)
		if err := p.Err(); err != nil {
			return false, err
		}
		if r.Answered() {
			return false, parcours.Errorf(parcours.EConflict, "error.data_request_answered")
		}
		if r.ExtendedReason != "" {
			return false, parcours.Errorf(parcours.EConflict, "error.data_request_extended")
		}
		due, err := Due(r.ReceivedOn, 3)
		if err != nil {
			return false, err
		}
		r.DueOn, r.ExtendedReason = due, reason
		return tx.ExtendDataRequest(ctx, r.ID, due, reason)
	})
}

// AnswerInput is the organisation's answer.
type AnswerInput struct {
	Outcome, Answer string
}

// Answer records the answer given to the person; a request is answered
// once.
func (s *Service) Answer(ctx context.Context, actor parcours.Actor, id string, in AnswerInput) (*parcours.DataRequest, error) {
	return s.change(ctx, actor, id, "data_request.answer", func(tx *store.Tx, r *parcours.DataRequest) (bool, error) {
		in.Answer = strings.TrimSpace(in.Answer)
		p := parcours.Problems{Labels: "field.data_request_"}
		p.Choice("outcome", in.Outcome, parcours.DataRequestOutcomes, true)
		p.Required("answer", in.Answer, maxAnswer)
		if err := p.Err(); err != nil {
			return false, err
		}
		if r.Answered() {
			return false, parcours.Errorf(parcours.EConflict, "error.data_request_answered")
		}
		r.Outcome, r.Answer, r.AnsweredOn, r.AnsweredBy = in.Outcome, in.Answer, parcours.Today(tx.Now()), actor.WorkerID
		return tx.AnswerDataRequest(ctx, r.ID, r.Outcome, r.Answer, r.AnsweredOn, r.AnsweredBy)
	})
}

func (s *Service) change(ctx context.Context, actor parcours.Actor, id, action string,
	apply func(*store.Tx, *parcours.DataRequest) (bool, error)) (*parcours.DataRequest, error) {
	var out *parcours.DataRequest
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		r, err := file.OpenDataRequest(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		done, err := apply(tx, r)
		if err != nil {
			return err
		}
		if !done {
			// Answered or extended by someone else in the meantime.
			return parcours.Errorf(parcours.EConflict, "error.data_request_answered")
		}
		tx.Audit(audit.For(actor, action, "data_request", r.ID, r.PersonID))
		out = r
		return nil
	})
	return out, err
}

// NotifyOverdue warns the organisation's DPOs (every manager when none is
// designated) of each request left unanswered past its due date, once per
// request. Only the server runs it.
func (s *Service) NotifyOverdue(ctx context.Context, actor parcours.Actor) (int, error) {
	total := 0
	for {
		n, more := 0, false
		err := s.db.Transact(ctx, func(tx *store.Tx) error {
			n, more = 0, false
			late, err := file.OverdueDataRequests(ctx, tx, actor, parcours.Today(tx.Now()), overdueBatch)
			if err != nil {
				return err
			}
			more = len(late) == overdueBatch
			for _, r := range late {
				to, err := tx.OrgDPOs(ctx, r.OrgID)
				if err != nil {
					return err
				}
				if len(to) == 0 {
					if to, err = tx.OrgManagers(ctx, r.OrgID); err != nil {
						return err
					}
				}
				if err := notify(ctx, tx, to, r, KindOverdue, ""); err != nil {
					return err
				}
				tx.Audit(audit.For(actor, "data_request.overdue", "data_request", r.ID, r.PersonID))
				n++
			}
			return nil
		})
		if err != nil {
			return total, err
		}
		total += n
		if !more {
			return total, nil
		}
	}
}

// overdueBatch bounds one transaction of NotifyOverdue; it goes on until
// every late request was announced (each is marked in its transaction).
const overdueBatch = 200
