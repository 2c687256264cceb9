package file

import (
	"context"
	"errors"

	"parcours/internal/access"
	"parcours/internal/parcours"
	"parcours/internal/store"
)

// ReminderPreference returns the person's choice about appointment
// reminders (channel, consent), nil when none was recorded. It is part of
// the person's contact details: whoever reads them (access.PersonRead).
func (f *File) ReminderPreference(ctx context.Context) (*parcours.ReminderPreference, error) {
	if err := f.Check(access.PersonRead); err != nil {
		return nil, err
	}
	p, err := f.tx.ReminderPreference(ctx, f.Person.ID)
	if errors.Is(err, store.ErrNoRows) {
		return nil, nil
	}
	return p, err
}

// SetReminderPreference records the person's choice (access.PersonUpdate)
// and audits it (person.reminders.update).
func (f *File) SetReminderPreference(ctx context.Context, p *parcours.ReminderPreference) error {
	if err := f.Check(access.PersonUpdate); err != nil {
		return err
	}
	p.PersonID, p.RecordedBy = f.Person.ID, f.actor.WorkerID
	if err := f.tx.SaveReminderPreference(ctx, p); err != nil {
		return err
	}
	f.Audit("person.reminders.update", "person", f.Person.ID)
	return nil
}
