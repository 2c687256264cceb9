package demo

import (
	"context"

	"parcours/internal/outbox"
	"parcours/internal/parcours"
)

// AddReminderPreferences records, through the door and as each person's
// referent, the reminder choice of the first accompanied persons: e-mail
// or SMS with consent, some without leave to name the service, a few
// refusals — so that the demo's appointments get reminders (caught by the
// demo's in-process SMTP server) and the files show the choice and its
// warnings. It returns how many choices it recorded.
func AddReminderPreferences(ctx context.Context, out *outbox.Service, s *Setting, accompanied []parcours.Accompaniment, n int) (int, error) {
	workers := map[string]*parcours.Worker{}
	for _, ws := range s.Workers {
		for _, w := range ws {
			workers[w.ID] = w
		}
	}
	done, seen := 0, map[string]bool{}
	for i, a := range accompanied {
		if done >= n {
			break
		}
		w := workers[a.ReferentID]
		if w == nil || seen[a.PersonID] {
			continue
		}
		seen[a.PersonID] = true
		in := outbox.PreferenceInput{Channel: parcours.ChannelEmail, Consent: true, NameService: true}
		switch i % 5 {
		case 1, 3:
			in.Channel = parcours.ChannelSMS
		case 2:
			in.NameService = false
		case 4:
			in = outbox.PreferenceInput{Channel: parcours.ChannelNone}
		}
		if _, err := out.SetReminderPreference(ctx, w.Actor(), a.PersonID, in); err != nil {
			return done, err
		}
		done++
	}
	return done, nil
}

// DemoMessaging points every demo organisation's e-mail at the demo's
// in-process SMTP server (addr host:port, no TLS: it is on this machine)
// and its SMS at the « journal » provider (nothing leaves).
func DemoMessaging(ctx context.Context, out *outbox.Service, s *Setting, host string, port int) error {
	for i, o := range s.Orgs {
		var admin *parcours.Worker
		for _, w := range s.Workers[i] {
			if w.Role == parcours.RoleAdmin {
				admin = w
				break
			}
		}
		if admin == nil {
			continue
		}
		sec, from, prov, sender := parcours.SMTPNone, "ne-pas-repondre@"+slug(o.Name)+".demo.test", outbox.ProviderLog, "PARCOURS"
		if _, err := out.SaveSettings(ctx, admin.Actor(), outbox.SettingsInput{SMTPHost: &host, SMTPPort: &port, SMTPSecurity: &sec,
			SMTPFrom: &from, SMSProvider: &prov, SMSSender: &sender}); err != nil {
			return err
		}
	}
	return nil
}

// slug keeps the letters and digits of name, lower-cased.
func slug(name string) string {
	b := make([]rune, 0, len(name))
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b = append(b, r)
		case r >= 'A' && r <= 'Z':
			b = append(b, r+'a'-'A')
		}
	}
	if len(b) == 0 {
		return "structure"
	}
	return string(b)
}
