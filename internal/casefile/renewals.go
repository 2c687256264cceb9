package casefile

import (
	"context"

	"parcours/internal/audit"
	"parcours/internal/file"
	"parcours/internal/parcours"
	"parcours/internal/store"
)

// Notification kinds of the renewal reminders (catalogue keys
// notification.<kind>).
const (
	KindMandateExpiring     = "mandate_expiring"
	KindDomiciliationEnding = "domiciliation_ending"
)

// SendRenewalReminders notifies, the organisation's renewal_reminder_days
// (30 by default) before the end, the worker
// of every unrevoked mandate and the referents of every granted
// domiciliation (whoever recorded it when the person has no open
// accompaniment there) that it ends soon — only workers whose account is
// active: when all have left, the active referents of the person's open
// accompaniments, else their teams' managers, else the organisation's
// managers (store.RenewalDue) — unless a later one already
// follows it. One notification per object, end date and threshold,
// whoever runs it and however often (renewal_reminders, same
// transaction); a renewal with a new end date is reminded afresh. Only
// the server may run it (access.JobRun). It returns how many objects it
// reminded.
func (s *Service) SendRenewalReminders(ctx context.Context, actor parcours.Actor) (int, error) {
	total := 0
	for {
		n, due := 0, 0
		err := s.db.Transact(ctx, func(tx *store.Tx) error {
			n = 0
			list, err := file.RenewalsDue(ctx, tx, actor, parcours.Today(tx.Now()), renewalBatch)
			if err != nil {
				return err
			}
			due = len(list)
			for _, r := range list {
				first, err := tx.MarkRenewalReminded(ctx, r.Kind, r.ID, r.EndDate, r.Days)
				if err != nil {
					return err
				}
				if !first {
					continue
				}
				kind := KindMandateExpiring
				if r.Kind == "domiciliation" {
					kind = KindDomiciliationEnding
				}
				for _, w := range r.To {
					if err := tx.InsertNotification(ctx, &parcours.Notification{WorkerID: w, Kind: kind, PersonID: r.PersonID, ObjectID: r.ID}); err != nil {
						return err
					}
				}
				tx.Audit(audit.For(actor, r.Kind+".remind", r.Kind, r.ID, r.PersonID))
				n++
			}
			return nil
		})
		total += n
		// A short batch is the last one; a full one that reminded nothing
		// new could only repeat itself.
		if err != nil || due < renewalBatch || n == 0 {
			return total, err
		}
	}
}

// renewalBatch bounds one transaction of the renewal reminders, so that a
// large database never holds the write lock for long; the job takes batch
// after batch until none is left.
const renewalBatch = 200
