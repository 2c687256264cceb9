package outbox

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"parcours/internal/access"
	"parcours/internal/file"
	"parcours/internal/parcours"
	"parcours/internal/store"
)

var paris = func() *time.Location {
	if l, err := time.LoadLocation("Europe/Paris"); err == nil {
		return l
	}
	return time.UTC
}()

// maxOffset bounds how far ahead reminders look (the longest delay an
// organisation may set).
const maxOffset = 14 * 24 * time.Hour

// ScheduleReminders queues the appointment reminders that are due: for
// each planned appointment and each delay of its organisation (48 h and
// 2 h by default), one message on the person's chosen channel once the
// delay is reached — only the latest due delay (a run after a long stop
// does not send the 48 h reminder two hours before), none for a delay that
// had already passed when the appointment was booked (the person was just
// told), none without the person's consent, a usable address or number,
// or the organisation's SMTP / SMS settings. The key "reminder:<appointment>:
// <delay>" makes each reminder queued once whoever runs the job and however
// often. The texts are the organisation's (or the defaults), in plain
// French, without theme or motive; without the person's leave to name the
// service, only the address. Each queued reminder is audited
// (appointment.remind). Only the server may run it (access.JobRun).
func (s *Service) ScheduleReminders(ctx context.Context, actor parcours.Actor) (int, error) {
	if err := access.Check(actor, access.JobRun, access.Target{}); err != nil {
		return 0, err
	}
	page := s.ReminderPage
	if page <= 0 {
		page = 200
	}
	total := 0
	from := s.db.Now()
	var after *parcours.Appointment
	for {
		n, more := 0, false
		var last *parcours.Appointment
		err := s.db.Transact(ctx, func(tx *store.Tx) error {
			n, more = 0, false
			now := tx.Now()
			appts, err := tx.AppointmentsStartingAfter(ctx, from, from.Add(maxOffset), after, page)
			if err != nil || len(appts) == 0 {
				return err
			}
			more, last = len(appts) == page, appts[len(appts)-1]
			ids := make([]string, 0, len(appts))
			for _, a := range appts {
				ids = append(ids, a.PersonID)
			}
			files, err := file.OpenMany(ctx, tx, actor, ids, false)
			if err != nil {
				return err
			}
			settings := map[string]*parcours.MessagingSettings{}
			orgNames := map[string]string{}
			for _, a := range appts {
				set, ok := settings[a.OrgID]
				if !ok {
					if set, err = tx.MessagingSettings(ctx, a.OrgID); err != nil {
						return err
					}
					settings[a.OrgID] = set
					if o, err := tx.Organization(ctx, a.OrgID); err == nil {
						orgNames[a.OrgID] = o.Name
					}
				}
				offset, due := dueOffset(set.ReminderOffsets, a, now)
				if !due {
					continue
				}
				f := files[a.PersonID]
				if f == nil {
					continue
				}
				pref, err := f.ReminderPreference(ctx)
				if err != nil {
					return err
				}
				m, ok := reminder(set, orgNames[a.OrgID], f.Person, pref, a)
				if !ok {
					continue
				}
				m.Key = fmt.Sprintf("reminder:%s:%d", a.ID, offset)
				fresh, err := Enqueue(ctx, tx, m)
				if err != nil {
					return err
				}
				if fresh {
					f.Audit("appointment.remind", "appointment", a.ID)
					n++
				}
			}
			return nil
		})
		if err != nil {
			return total, err
		}
		total, after = total+n, last
		if !more {
			return total, nil
		}
	}
}

// dueOffset returns the smallest of offsets (minutes) whose sending time
// has come for a, if one has and it came after a was booked.
func dueOffset(offsets []int, a *parcours.Appointment, now time.Time) (int, bool) {
	sorted := slices.Clone(offsets)
	slices.Sort(sorted)
	for _, o := range sorted {
		at := a.StartsAt.Add(-time.Duration(o) * time.Minute)
		if at.After(now) {
			continue
		}
		if a.CreatedAt.After(at) {
			return 0, false
		}
		return o, true
	}
	return 0, false
}

// reminder writes the reminder of a for p on their chosen channel; false
// when none may or can be sent.
func reminder(set *parcours.MessagingSettings, orgName string, p *parcours.Person, pref *parcours.ReminderPreference, a *parcours.Appointment) (Message, bool) {
	if pref == nil || !pref.Consent {
		return Message{}, false
	}
	vals := map[string]string{
		"date":      frenchDate(a.StartsAt),
		"heure":     frenchTime(a.StartsAt),
		"lieu":      place(a, pref.NameService),
		"structure": orgName,
	}
	if !pref.NameService {
		vals["structure"] = ""
	}
	m := Message{OrgID: a.OrgID, Kind: "reminder", PersonID: p.ID}
	text := func(own, kind string) string {
		if own == "" {
			own = DefaultText("fr", kind)
		}
		return strings.TrimSpace(Fill(own, vals))
	}
	switch pref.Channel {
	case parcours.ChannelEmail:
		if !set.EmailReady() || !parcours.ValidEmail(p.Email) {
			return Message{}, false
		}
		m.Channel, m.To = parcours.ChannelEmail, p.Email
		m.Subject, m.Body = text(set.ReminderSubject, "subject"), text(set.ReminderEmail, "email")
	case parcours.ChannelSMS:
		to, ok := NormalizeMobile(p.Phone)
		if !set.SMSReady() || !ok {
			return Message{}, false
		}
		m.Channel, m.To, m.Body = parcours.ChannelSMS, to, text(set.ReminderSMS, "sms")
	default:
		return Message{}, false
	}
	return m, true
}

// place says where the appointment is, without its theme; at a service,
// only the address when the service may not be named.
func place(a *parcours.Appointment, nameService bool) string {
	switch a.PlaceKind {
	case parcours.PlaceHome:
		return "à votre domicile"
	case parcours.PlacePhone:
		return "par téléphone"
	case parcours.PlaceVisio:
		if a.Place != "" {
			return "en visio (" + a.Place + ")"
		}
		return "en visio"
	}
	p := a.Place
	if !nameService {
		// The agenda writes a service's place as « structure — service,
		// address, commune »: keep what follows the name.
		if i := strings.Index(p, ", "); i >= 0 && strings.Contains(p[:i], " — ") {
			p = p[i+2:]
		} else if strings.Contains(p, " — ") {
			p = ""
		}
	}
	if p == "" {
		return "au lieu convenu"
	}
	return p
}

var frenchDays = []string{"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"}
var frenchMonths = []string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"}

// frenchDate writes « lundi 30 novembre » (Paris time).
func frenchDate(t time.Time) string {
	t = t.In(paris)
	return fmt.Sprintf("%s %d %s", frenchDays[t.Weekday()], t.Day(), frenchMonths[t.Month()-1])
}

// frenchTime writes « 14 h 30 », « 9 h » (Paris time).
func frenchTime(t time.Time) string {
	t = t.In(paris)
	if t.Minute() == 0 {
		return fmt.Sprintf("%d h", t.Hour())
	}
	return fmt.Sprintf("%d h %02d", t.Hour(), t.Minute())
}
