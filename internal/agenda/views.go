package agenda

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"parcours/internal/access"
	"parcours/internal/file"
	"parcours/internal/parcours"
	"parcours/internal/store"
)

// View is an agenda: the appointments of some workers over [From, To),
// each shown as far as the reader may see it.
type View struct {
	From    time.Time           `json:"from"`
	To      time.Time           `json:"to"`
	Workers []*parcours.Worker  `json:"workers"`
	Items   []file.CalendarItem `json:"items"`
}

// Period parses an agenda's period: from (YYYY-MM-DD, today by default)
// and to (exclusive; from + days by default), at most 62 days.
func Period(now time.Time, from, to string, days int) (time.Time, time.Time, error) {
	var v parcours.Problems
	if from == "" {
		from = Today(now)
	}
	f, err := time.ParseInLocation(time.DateOnly, from, paris)
	if err != nil {
		v.Add("from", "error.invalid_date", label("from"))
		return time.Time{}, time.Time{}, v.Err()
	}
	t := f.AddDate(0, 0, days)
	if to != "" {
		if t, err = time.ParseInLocation(time.DateOnly, to, paris); err != nil {
			v.Add("to", "error.invalid_date", label("to"))
			return time.Time{}, time.Time{}, v.Err()
		}
		if !t.After(f) {
			v.Add("to", "error.agenda.end_before_start")
		} else if t.Sub(f) > 62*24*time.Hour {
			v.Add("to", "error.agenda.period_too_long")
		}
	}
	return f, t, v.Err()
}

// WorkerAgenda returns a worker's agenda (the actor's by default): any
// worker of the organisation may see a colleague's busy slots; the
// person and purpose only where they may read the file's appointments.
func (s *Service) WorkerAgenda(ctx context.Context, actor parcours.Actor, workerID string, from, to time.Time) (out *View, err error) {
	defer wrap(&err, "agenda: worker agenda")
	if err := access.Check(actor, access.AgendaRead, access.Target{}); err != nil {
		return nil, err
	}
	if workerID == "" {
		workerID = actor.WorkerID
	}
	err = s.db.View(ctx, func(tx *store.Tx) error {
		w, err := orgWorker(ctx, tx, actor.OrgID, workerID)
		if err != nil {
			return err
		}
		if w == nil {
			return parcours.FieldError(parcours.EInvalid, "worker", "error.agenda.unknown_worker")
		}
		out = &View{From: from, To: to, Workers: []*parcours.Worker{w}}
		if out.Items, err = file.Agenda(ctx, tx, actor, []string{w.ID}, from, to); err != nil {
			return err
		}
		audited(tx, actor, "agenda.read", "worker", w.ID)
		return nil
	})
	return out, err
}

// TeamAgenda returns the agenda of a team's workers, for its managers.
func (s *Service) TeamAgenda(ctx context.Context, actor parcours.Actor, teamID string, from, to time.Time) (out *View, err error) {
	defer wrap(&err, "agenda: team agenda")
	if err := access.Check(actor, access.AgendaTeamRead, access.Target{OrgID: actor.OrgID}); err != nil {
		return nil, err
	}
	err = s.db.View(ctx, func(tx *store.Tx) error {
		if teamID == "" && len(actor.TeamIDs) > 0 {
			teamID = actor.TeamIDs[0]
		}
		t, err := tx.Team(ctx, actor.OrgID, teamID)
		if err == store.ErrNoRows || (err == nil && t.ID != teamID) {
			return parcours.FieldError(parcours.EInvalid, "team", "error.agenda.unknown_team")
		} else if err != nil {
			return err
		}
		ws, err := tx.Workers(ctx, actor.OrgID)
		if err != nil {
			return err
		}
		out = &View{From: from, To: to, Workers: []*parcours.Worker{}}
		var ids []string
		for _, w := range ws {
			if slices.Contains(w.TeamIDs, t.ID) && !w.Disabled && w.Role != parcours.RoleAdmin {
				out.Workers = append(out.Workers, w)
				ids = append(ids, w.ID)
			}
		}
		if out.Items, err = file.Agenda(ctx, tx, actor, ids, from, to); err != nil {
			return err
		}
		audited(tx, actor, "agenda.team_read", "team", t.ID)
		return nil
	})
	return out, err
}

// Today returns the actor's appointments of the day of now, for « Ma
// journée »: nil when the actor has no agenda (administrators).
func (s *Service) Today(ctx context.Context, actor parcours.Actor, now time.Time) ([]file.CalendarItem, map[string]string, error) {
	if !access.Allowed(actor, access.AgendaRead, access.Target{}) {
		return nil, nil, nil
	}
	from, to, _ := DayBounds(Today(now), 1)
	var out []file.CalendarItem
	names := map[string]string{}
	err := s.db.View(ctx, func(tx *store.Tx) error {
		var err error
		if out, err = file.Agenda(ctx, tx, actor, []string{actor.WorkerID}, from, to); err != nil {
			return err
		}
		if err := file.AgendaAlerts(ctx, tx, actor, out, Today(now)); err != nil {
			return err
		}
		ws, err := tx.Workers(ctx, actor.OrgID)
		if err != nil {
			return err
		}
		for _, w := range ws {
			names[w.ID] = w.DisplayName()
		}
		if len(out) > 0 {
			audited(tx, actor, "agenda.read", "worker", actor.WorkerID)
		}
		return nil
	})
	return out, names, err
}

// Slot is a free slot of a worker.
type Slot struct {
	Start string `json:"start"` // HH:MM
	End   string `json:"end"`
}

// FreeSlots returns a worker's free slots of length minutes on day, within
// the hours of their first team (09:00–12:00 and 13:30–17:00 when none
// are set), every 30 minutes: where the front desk books.
func (s *Service) FreeSlots(ctx context.Context, actor parcours.Actor, workerID, day string, minutes int) (out []Slot, err error) {
	defer wrap(&err, "agenda: free slots")
	if err := access.Check(actor, access.AgendaRead, access.Target{}); err != nil {
		return nil, err
	}
	if minutes <= 0 {
		minutes = 30
	}
	var v parcours.Problems
	if minutes > 240 {
		v.Add("minutes", "error.agenda.too_long")
	}
	start, end, err := DayBounds(day, 1)
	if err != nil {
		v.Add("date", "error.invalid_date", label("date"))
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	out = []Slot{}
	err = s.db.View(ctx, func(tx *store.Tx) error {
		w, err := orgWorker(ctx, tx, actor.OrgID, workerID)
		if err != nil {
			return err
		}
		if w == nil {
			return parcours.FieldError(parcours.EInvalid, "worker", "error.agenda.unknown_worker")
		}
		hours := []parcours.OpeningHours{}
		wd := int(start.Weekday())
		if wd == 0 {
			wd = 7
		}
		if len(w.TeamIDs) > 0 {
			closed, err := tx.TeamClosedDays(ctx, w.TeamIDs[0], day)
			if err != nil {
				return err
			}
			if len(closed) > 0 && closed[0].Day == day {
				return nil
			}
			all, err := tx.TeamHours(ctx, w.TeamIDs[0])
			if err != nil {
				return err
			}
			if len(all) == 0 {
				all = defaultHours()
			}
			for _, h := range all {
				if h.Weekday == wd {
					hours = append(hours, h)
				}
			}
		} else if wd <= 5 {
			hours = defaultHours()[:2]
		}
		busy, err := tx.WorkerBusy(ctx, []string{w.ID}, start, end, "")
		if err != nil {
			return err
		}
		now := tx.Now()
		for _, h := range hours {
			o, _ := time.ParseInLocation("2006-01-02 15:04", day+" "+h.Opens, paris)
			c, _ := time.ParseInLocation("2006-01-02 15:04", day+" "+h.Closes, paris)
			for t := o; !t.Add(time.Duration(minutes) * time.Minute).After(c); t = t.Add(30 * time.Minute) {
				e := t.Add(time.Duration(minutes) * time.Minute)
				if t.Before(now) || slices.ContainsFunc(busy, func(b store.Busy) bool { return b.StartsAt.Before(e) && b.EndsAt.After(t) }) {
					continue
				}
				out = append(out, Slot{Start: t.Format("15:04"), End: e.Format("15:04")})
			}
		}
		return nil
	})
	return out, err
}

func defaultHours() []parcours.OpeningHours {
	var out []parcours.OpeningHours
	for d := 1; d <= 5; d++ {
		out = append(out, parcours.OpeningHours{Weekday: d, Opens: "09:00", Closes: "12:00"}, parcours.OpeningHours{Weekday: d, Opens: "13:30", Closes: "17:00"})
	}
	return out
}

// Hours are a service's working hours and its closed days to come.
type Hours struct {
	TeamID     string                  `json:"team_id"`
	TeamName   string                  `json:"team_name"`
	Hours      []parcours.OpeningHours `json:"hours"`
	ClosedDays []parcours.ClosedDay    `json:"closed_days"`
}

func (s *Service) team(ctx context.Context, tx *store.Tx, actor parcours.Actor, teamID string) (*parcours.Team, error) {
	t, err := tx.Team(ctx, actor.OrgID, teamID)
	if err == store.ErrNoRows || (err == nil && t.ID != teamID) {
		return nil, parcours.NotFound()
	}
	return t, err
}

// TeamHours returns a service's hours and closed days.
func (s *Service) TeamHours(ctx context.Context, actor parcours.Actor, teamID string) (out *Hours, err error) {
	defer wrap(&err, "agenda: hours")
	if !access.Allowed(actor, access.AgendaRead, access.Target{}) && !access.Allowed(actor, access.AgendaSettings, access.Target{}) {
		return nil, parcours.Forbidden()
	}
	err = s.db.View(ctx, func(tx *store.Tx) error {
		t, err := s.team(ctx, tx, actor, teamID)
		if err != nil {
			return err
		}
		out = &Hours{TeamID: t.ID, TeamName: t.Name}
		if out.Hours, err = tx.TeamHours(ctx, t.ID); err != nil {
			return err
		}
		out.ClosedDays, err = tx.TeamClosedDays(ctx, t.ID, Today(tx.Now()))
		return err
	})
	return out, err
}

// ParseHours reads opening ranges written « 09:00-12:00, 13:30-17:00 »
// for a weekday (1 = Monday); field names the problem.
func ParseHours(v *parcours.Problems, field string, weekday int, text string) []parcours.OpeningHours {
	var out []parcours.OpeningHours
	for _, part := range strings.Split(text, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		o, c, ok := strings.Cut(part, "-")
		o, c = strings.TrimSpace(o), strings.TrimSpace(c)
		to, e1 := time.Parse("15:04", o)
		tc, e2 := time.Parse("15:04", c)
		if !ok || e1 != nil || e2 != nil || len(o) != 5 || len(c) != 5 || !tc.After(to) {
			v.Add(field, "error.agenda.invalid_hours")
			return nil
		}
		out = append(out, parcours.OpeningHours{Weekday: weekday, Opens: o, Closes: c})
	}
	return out
}

// SetTeamHours replaces a service's working hours (administrators).
func (s *Service) SetTeamHours(ctx context.Context, actor parcours.Actor, teamID string, hours []parcours.OpeningHours) (err error) {
	defer wrap(&err, "agenda: set hours")
	if err := access.Check(actor, access.AgendaSettings, access.Target{OrgID: actor.OrgID}); err != nil {
		return err
	}
	var v parcours.Problems
	seen := map[[2]any]bool{}
	for _, h := range hours {
		o, e1 := time.Parse("15:04", h.Opens)
		c, e2 := time.Parse("15:04", h.Closes)
		if h.Weekday < 1 || h.Weekday > 7 || e1 != nil || e2 != nil || !c.After(o) || seen[[2]any{h.Weekday, h.Opens}] {
			v.Add("hours", "error.agenda.invalid_hours")
			break
		}
		seen[[2]any{h.Weekday, h.Opens}] = true
	}
	if err := v.Err(); err != nil {
		return err
	}
	return s.db.Transact(ctx, func(tx *store.Tx) error {
		t, err := s.team(ctx, tx, actor, teamID)
		if err != nil {
			return err
		}
		if err := tx.SetTeamHours(ctx, t.ID, hours); err != nil {
			return err
		}
		audited(tx, actor, "agenda.hours", "team", t.ID)
		return nil
	})
}

// AddClosedDay closes a service on a day (administrators).
func (s *Service) AddClosedDay(ctx context.Context, actor parcours.Actor, teamID string, d parcours.ClosedDay) (err error) {
	defer wrap(&err, "agenda: closed day")
	if err := access.Check(actor, access.AgendaSettings, access.Target{OrgID: actor.OrgID}); err != nil {
		return err
	}
	d.Label = strings.TrimSpace(d.Label)
	var v parcours.Problems
	if _, err := parcours.ParseDate(d.Day); err != nil {
		v.Add("day", "error.invalid_date", label("day"))
	}
	if utf8.RuneCountInString(d.Label) > 100 {
		v.Add("label", "error.field_too_long", label("label"), 100)
	}
	if err := v.Err(); err != nil {
		return err
	}
	return s.db.Transact(ctx, func(tx *store.Tx) error {
		t, err := s.team(ctx, tx, actor, teamID)
		if err != nil {
			return err
		}
		if err := tx.AddClosedDay(ctx, t.ID, d); err != nil {
			return err
		}
		audited(tx, actor, "agenda.closed_day", "team", t.ID)
		return nil
	})
}

// RemoveClosedDay opens a closed day again (administrators).
func (s *Service) RemoveClosedDay(ctx context.Context, actor parcours.Actor, teamID, day string) (err error) {
	defer wrap(&err, "agenda: closed day")
	if err := access.Check(actor, access.AgendaSettings, access.Target{OrgID: actor.OrgID}); err != nil {
		return err
	}
	return s.db.Transact(ctx, func(tx *store.Tx) error {
		t, err := s.team(ctx, tx, actor, teamID)
		if err != nil {
			return err
		}
		if err := tx.RemoveClosedDay(ctx, t.ID, day); err != nil {
			return err
		}
		audited(tx, actor, "agenda.closed_day_removed", "team", t.ID)
		return nil
	})
}

// VisitInput is a visit to the front desk.
type VisitInput struct {
	Visitor          string `json:"visitor"`
	ForWorkerID      string `json:"for_worker_id"` // the referent by default
	Motive           string `json:"motive"`
	Message          string `json:"message"`
	NeedsAppointment bool   `json:"needs_appointment"`
}

// LogVisit records a visit at the front desk for any person of the
// organisation and notifies the worker it is for (the person's referent
// by default).
func (s *Service) LogVisit(ctx context.Context, actor parcours.Actor, personID string, in VisitInput) (out *parcours.DeskVisit, err error) {
	defer wrap(&err, "agenda: log visit")
	err = s.db.Transact(ctx, func(tx *store.Tx) error {
		f, err := file.Open(ctx, tx, actor, access.DeskVisitWrite, personID)
		if err != nil {
			return err
		}
		out = &parcours.DeskVisit{OrgID: f.Person.OrgID, PersonID: f.Person.ID, Visitor: strings.TrimSpace(in.Visitor),
			ForWorkerID: strings.TrimSpace(in.ForWorkerID), Motive: strings.TrimSpace(in.Motive), Message: strings.TrimSpace(in.Message),
			NeedsAppointment: in.NeedsAppointment, CreatedBy: actor.WorkerID}
		var v parcours.Problems
		if out.Motive == "" {
			v.Add("motive", "error.field_required", label("motive"))
		} else if utf8.RuneCountInString(out.Motive) > 500 {
			v.Add("motive", "error.field_too_long", label("motive"), 500)
		}
		if utf8.RuneCountInString(out.Message) > 2000 {
			v.Add("message", "error.field_too_long", label("message"), 2000)
		}
		if utf8.RuneCountInString(out.Visitor) > 200 {
			v.Add("visitor", "error.field_too_long", label("visitor"), 200)
		}
		if out.ForWorkerID == "" && len(f.Active) > 0 {
			out.ForWorkerID = f.Active[0].ReferentID
		}
		if out.ForWorkerID != "" {
			w, err := orgWorker(ctx, tx, actor.OrgID, out.ForWorkerID)
			if err != nil {
				return err
			}
			if w == nil {
				v.Add("for_worker_id", "error.agenda.unknown_worker")
			}
		} else if out.Message != "" || out.NeedsAppointment {
			v.Add("for_worker_id", "error.field_required", label("for_worker_id"))
		}
		if err := v.Err(); err != nil {
			return err
		}
		if err := tx.InsertDeskVisit(ctx, out); err != nil {
			return err
		}
		f.Audit("desk_visit.create", "desk_visit", out.ID)
		if out.ForWorkerID != "" && out.ForWorkerID != actor.WorkerID {
			if err := tx.InsertNotification(ctx, &parcours.Notification{WorkerID: out.ForWorkerID, Kind: "desk_visit", PersonID: f.Person.ID, ObjectID: out.ID}); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// PersonVisits returns the visits logged on a person's file.
func (s *Service) PersonVisits(ctx context.Context, actor parcours.Actor, personID string) (out []*parcours.DeskVisit, err error) {
	defer wrap(&err, "agenda: person visits")
	err = s.db.View(ctx, func(tx *store.Tx) error {
		f, err := file.Open(ctx, tx, actor, access.DeskVisitRead, personID)
		if err != nil {
			return err
		}
		if out, err = f.DeskVisits(ctx); err != nil {
			return err
		}
		f.Audit("desk_visit.list", "person", f.Person.ID)
		return nil
	})
	return out, err
}

// DeskDay is the front desk's day: the visits logged, with their
// persons' names.
type DeskDay struct {
	Day    string                `json:"day"`
	Visits []*parcours.DeskVisit `json:"visits"`
	Names  map[string]string     `json:"person_names"`
}

// Desk returns the visits of a day (today by default).
func (s *Service) Desk(ctx context.Context, actor parcours.Actor, day string) (out *DeskDay, err error) {
	defer wrap(&err, "agenda: desk")
	if err := access.Check(actor, access.DeskVisitWrite, access.Target{}); err != nil {
		return nil, err
	}
	err = s.db.View(ctx, func(tx *store.Tx) error {
		if day == "" {
			day = Today(tx.Now())
		}
		from, to, err := DayBounds(day, 1)
		if err != nil {
			return parcours.FieldError(parcours.EInvalid, "day", "error.invalid_date", label("day"))
		}
		out = &DeskDay{Day: day}
		if out.Visits, out.Names, err = file.DeskVisitsBetween(ctx, tx, actor, from, to); err != nil {
			return err
		}
		audited(tx, actor, "desk_visit.day", "desk_visit", "")
		return nil
	})
	return out, err
}

// hashToken is how a calendar token is kept.
func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// CalendarToken returns the actor's calendar token in force (without its
// secret), nil if none.
func (s *Service) CalendarToken(ctx context.Context, actor parcours.Actor) (out *parcours.CalendarToken, err error) {
	defer wrap(&err, "agenda: calendar token")
	err = s.db.View(ctx, func(tx *store.Tx) error {
		out, err = tx.ActiveCalendarToken(ctx, actor.WorkerID)
		return err
	})
	return out, err
}

// NewCalendarToken makes a new calendar token for the actor, revoking the
// previous one; the secret is returned once and only its hash is kept.
func (s *Service) NewCalendarToken(ctx context.Context, actor parcours.Actor) (secret string, err error) {
	defer wrap(&err, "agenda: new calendar token")
	if err := access.Check(actor, access.AgendaRead, access.Target{}); err != nil {
		return "", err
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	secret = "cal_" + base64.RawURLEncoding.EncodeToString(b)
	err = s.db.Transact(ctx, func(tx *store.Tx) error {
		c, err := tx.NewCalendarToken(ctx, actor.WorkerID, hashToken(secret))
		if err != nil {
			return err
		}
		audited(tx, actor, "calendar_token.create", "calendar_token", c.ID)
		return nil
	})
	return secret, err
}

// RevokeCalendarToken revokes the actor's calendar token.
func (s *Service) RevokeCalendarToken(ctx context.Context, actor parcours.Actor) (err error) {
	defer wrap(&err, "agenda: revoke calendar token")
	return s.db.Transact(ctx, func(tx *store.Tx) error {
		if err := tx.RevokeCalendarTokens(ctx, actor.WorkerID); err != nil {
			return err
		}
		audited(tx, actor, "calendar_token.revoke", "calendar_token", "")
		return nil
	})
}

// Feed returns the calendar of a token's worker, from 30 days back to
// 180 days on: times and places, never a person's name. An unknown or
// revoked token, or a disabled worker, is NotFound.
func (s *Service) Feed(ctx context.Context, token string) (w *parcours.Worker, items []file.CalendarItem, err error) {
	defer wrap(&err, "agenda: feed")
	if token == "" || len(token) > 200 {
		return nil, nil, parcours.NotFound()
	}
	err = s.db.View(ctx, func(tx *store.Tx) error {
		id, err := tx.CalendarTokenWorker(ctx, hashToken(token))
		if err == store.ErrNoRows {
			return parcours.NotFound()
		} else if err != nil {
			return err
		}
		if w, err = tx.Worker(ctx, id); err != nil {
			return err
		}
		if w.Disabled {
			return parcours.NotFound()
		}
		actor := w.Actor()
		if !access.Allowed(actor, access.AgendaRead, access.Target{}) {
			return parcours.NotFound()
		}
		now := tx.Now()
		if items, err = file.Agenda(ctx, tx, actor, []string{w.ID}, now.AddDate(0, 0, -30), now.AddDate(0, 0, 180)); err != nil {
			return err
		}
		audited(tx, actor, "calendar.feed", "worker", w.ID)
		return nil
	})
	return w, items, err
}

// Choices are what a booking form offers: the workers of the
// organisation who take appointments, its teams and its services of the
// directory (places).
type Choices struct {
	Workers  []*parcours.Worker  `json:"workers"`
	Teams    []*parcours.Team    `json:"teams"`
	Services []*parcours.Service `json:"services"`
}

// Choices returns the booking form's choices.
func (s *Service) Choices(ctx context.Context, actor parcours.Actor) (out *Choices, err error) {
	defer wrap(&err, "agenda: choices")
	if !access.Allowed(actor, access.AgendaRead, access.Target{}) && !access.Allowed(actor, access.AgendaSettings, access.Target{}) {
		return nil, parcours.Forbidden()
	}
	out = &Choices{Workers: []*parcours.Worker{}, Services: []*parcours.Service{}}
	err = s.db.View(ctx, func(tx *store.Tx) error {
		ws, err := tx.Workers(ctx, actor.OrgID)
		if err != nil {
			return err
		}
		for _, w := range ws {
			if !w.Disabled && w.Role != parcours.RoleAdmin {
				out.Workers = append(out.Workers, w)
			}
		}
		if out.Teams, err = tx.Teams(ctx, actor.OrgID); err != nil {
			return err
		}
		out.Services, err = tx.Services(ctx, store.ServiceFilter{OrgID: actor.OrgID, Limit: 100})
		return err
	})
	return out, err
}

// CheckDesk checks that the front desk may work for a person (log a
// visit, book): anyone of the organisation, by identity.
func (s *Service) CheckDesk(ctx context.Context, actor parcours.Actor, personID string) (name string, err error) {
	defer wrap(&err, "agenda: desk")
	err = s.db.View(ctx, func(tx *store.Tx) error {
		f, err := file.Open(ctx, tx, actor, access.DeskVisitWrite, personID)
		if err != nil {
			return err
		}
		name = f.Person.DisplayName()
		f.Audit("desk.open", "person", f.Person.ID)
		return nil
	})
	return name, err
}
