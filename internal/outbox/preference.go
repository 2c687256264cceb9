package outbox

import (
	"context"

	"parcours/internal/access"
	"parcours/internal/file"
	"parcours/internal/parcours"
	"parcours/internal/store"
)

// PreferenceView is the person's reminder choice as the file shows it,
// with the warnings it calls for.
type PreferenceView struct {
	PersonID string `json:"person_id"`
	// Preference is nil until one is recorded (no reminder is sent).
	Preference *parcours.ReminderPreference `json:"preference"`
	// Warnings are catalogue keys: outbox.warning.no_mobile (SMS chosen
	// but the phone on file is not a mobile: no SMS is sent),
	// outbox.warning.no_email.
	Warnings []string `json:"warnings"`
	// CanEdit: the viewer may change the choice.
	CanEdit bool `json:"can_edit"`
}

// PreferenceInput is the choice recorded on the file.
type PreferenceInput struct {
	Channel     string
	Consent     bool
	NameService bool
}

// ReminderPreference returns the person's reminder choice, through the
// door (audited person.reminders.read).
func (s *Service) ReminderPreference(ctx context.Context, actor parcours.Actor, personID string) (*PreferenceView, error) {
	var v *PreferenceView
	err := s.db.View(ctx, func(tx *store.Tx) error {
		f, err := file.Open(ctx, tx, actor, access.PersonRead, personID)
		if err != nil {
			return err
		}
		if v, err = view(ctx, f); err != nil {
			return err
		}
		f.Audit("person.reminders.read", "person", f.Person.ID)
		return nil
	})
	return v, err
}

// SetReminderPreference records the person's reminder choice on the file
// (access.PersonUpdate, audited person.reminders.update). A channel other
// than none needs the person's consent.
func (s *Service) SetReminderPreference(ctx context.Context, actor parcours.Actor, personID string, in PreferenceInput) (*PreferenceView, error) {
	var p parcours.Problems
	switch in.Channel {
	case parcours.ChannelEmail, parcours.ChannelSMS, parcours.ChannelNone:
		if in.Channel != parcours.ChannelNone && !in.Consent {
			p.Add("consent", "outbox.error.consent")
		}
	default:
		p.Add("channel", "error.invalid_choice", "field.channel", in.Channel)
	}
	var v *PreferenceView
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		f, err := file.Open(ctx, tx, actor, access.PersonUpdate, personID)
		if err != nil {
			return err
		}
		if err := p.Err(); err != nil {
			return err
		}
		if err := f.SetReminderPreference(ctx, &parcours.ReminderPreference{Channel: in.Channel, Consent: in.Consent,
			NameService: in.NameService}); err != nil {
			return err
		}
		v, err = view(ctx, f)
		return err
	})
	return v, err
}

func view(ctx context.Context, f *file.File) (*PreferenceView, error) {
	pref, err := f.ReminderPreference(ctx)
	if err != nil {
		return nil, err
	}
	v := &PreferenceView{PersonID: f.Person.ID, Preference: pref, Warnings: Warnings(f.Person, pref), CanEdit: f.Can(access.PersonUpdate)}
	return v, nil
}

// Warnings are the problems of a person's reminder choice: SMS chosen
// without a mobile number on file, e-mail without an address.
func Warnings(p *parcours.Person, pref *parcours.ReminderPreference) []string {
	w := []string{}
	if pref == nil || !pref.Consent {
		return w
	}
	switch pref.Channel {
	case parcours.ChannelSMS:
		if !ValidMobile(p.Phone) {
			w = append(w, "outbox.warning.no_mobile")
		}
	case parcours.ChannelEmail:
		if !parcours.ValidEmail(p.Email) {
			w = append(w, "outbox.warning.no_email")
		}
	}
	return w
}
