package outbox_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"parcours/internal/agenda"
	"parcours/internal/app/apptest"
	"parcours/internal/outbox"
	"parcours/internal/parcours"
	"parcours/internal/person"
	"parcours/internal/store"
)

func ptr[T any](v T) *T { return &v }

// The done-when of issue 11 for reminders: a worker books an appointment;
// the person, who chose e-mail and agreed, gets one e-mail 48 h before and
// one 2 h before (caught by the in-process SMTP server), each queued once
// however often the job runs, with the date, time and place but never the
// appointment's theme; an SMS person without leave to name the service
// gets no organisation name; a landline gets nothing; no consent, nothing.
func TestReminders_48hAnd2hOnceEachWithoutTheme(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		clk := newClock(e) // 2026-11-25 08:00 UTC, a Wednesday
		c, err := outbox.NewCatcher("127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		configure(t, e, c.Addr, "", "")
		s, rec := newSender(e, nil)
		mk := func(name, email, phone string, pref map[string]any) string {
			p, err := e.App.Persons.Create(t.Context(), e.Actor("worker"), person.Input{BirthName: ptr(name), FirstNames: ptr("Alex"),
				BirthDate: ptr("1980-01-01"), Sex: ptr(parcours.SexMale), Email: ptr(email), Phone: ptr(phone)})
			if err != nil {
				t.Fatal(err)
			}
			if pref != nil {
				if r := e.Do("PUT", "/api/v1/persons/"+p.ID+"/reminder-preference", "worker", pref); r.Status != http.StatusOK {
					t.Fatalf("preference: %d %s", r.Status, r.Body)
				}
			}
			if _, err := e.App.Agenda.Book(t.Context(), e.Actor("worker"), p.ID, agenda.Input{WorkerIDs: []string{e.Workers["worker"].ID},
				Date: "2026-11-28", Start: "14:30", End: "15:00", PlaceKind: parcours.PlaceHome, Theme: "Dette de loyer, expulsion"}); err != nil {
				t.Fatal(err)
			}
			return p.ID
		}
		mk("MAIL", "alex.mail@exemple.test", "", map[string]any{"channel": "email", "consent": true})
		mk("SMS", "", "06 11 22 33 44", map[string]any{"channel": "sms", "consent": true, "name_service": false})
		mk("FIXE", "", "04 78 00 00 00", map[string]any{"channel": "sms", "consent": true})
		mk("REFUS", "alex.refus@exemple.test", "06 99 88 77 66", nil)

		schedule := func() int {
			t.Helper()
			n, err := s.ScheduleReminders(t.Context(), system)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n := schedule(); n != 0 {
			t.Fatalf("3 days before: %d reminders", n)
		}
		// Saturday 28 November 14:30 Paris = 13:30 UTC; 48 h before.
		start := time.Date(2026, 11, 28, 13, 30, 0, 0, time.UTC)
		clk.at.Store(start.Add(-48 * time.Hour).UnixMicro())
		if n := schedule(); n != 2 {
			t.Fatalf("at 48 h: %d reminders, want 2 (e-mail and SMS)", n)
		}
		clk.advance(10 * time.Minute)
		if n := schedule(); n != 0 {
			t.Fatalf("again: %d", n)
		}
		if n := deliver(t, s); n != 2 {
			t.Fatalf("delivered %d", n)
		}
		mail := c.Mail()
		if len(mail) != 1 || mail[0].To[0] != "alex.mail@exemple.test" {
			t.Fatalf("mail: %+v", mail)
		}
		body := mail[0].Subject + "\n" + mail[0].Body
		for _, want := range []string{"samedi 28 novembre", "14 h 30", "à votre domicile", e.OrgA.Name} {
			if !strings.Contains(body, want) {
				t.Errorf("e-mail lacks %q:\n%s", want, body)
			}
		}
		sms := rec.Sent()
		if len(sms) != 1 || sms[0].To != "+33611223344" || !strings.Contains(sms[0].Text, "14 h 30") || strings.Contains(sms[0].Text, "CCAS") {
			t.Fatalf("sms: %+v", sms)
		}
		for _, text := range []string{body, sms[0].Text} {
			if strings.Contains(text, "loyer") || strings.Contains(text, "expulsion") {
				t.Fatalf("a reminder tells the theme: %s", text)
			}
		}
		clk.at.Store(start.Add(-2 * time.Hour).UnixMicro())
		if n := schedule(); n != 2 {
			t.Fatalf("at 2 h: %d", n)
		}
		deliver(t, s)
		if len(c.Mail()) != 2 || len(rec.Sent()) != 2 {
			t.Fatalf("after 2 h: %d mails, %d sms", len(c.Mail()), len(rec.Sent()))
		}
		clk.at.Store(start.Add(time.Minute).UnixMicro())
		if n := schedule(); n != 0 {
			t.Fatalf("after the start: %d", n)
		}
		// The outbox page lists the four reminders, sent.
		var page struct {
			Items []parcours.OutboxMessage `json:"items"`
		}
		e.Do("GET", "/api/v1/outbox?status=sent", "admin", nil).Decode(t, &page)
		if len(page.Items) != 4 || page.Items[0].Kind != "reminder" {
			t.Fatalf("outbox: %+v", page.Items)
		}
	})
}

// An appointment booked after a delay was reached gets no reminder for
// that delay (the person was just told), only the later ones.
func TestReminders_NoneForADelayPassedAtBooking(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		clk := newClock(e) // Wednesday 25 November 08:00 UTC
		configure(t, e, "127.0.0.1:1", "", "")
		s, _ := newSender(e, nil)
		p, err := e.App.Persons.Create(t.Context(), e.Actor("worker"), person.Input{BirthName: ptr("TARD"), FirstNames: ptr("Sam"),
			BirthDate: ptr("1980-01-01"), Sex: ptr(parcours.SexMale), Email: ptr("sam@exemple.test")})
		if err != nil {
			t.Fatal(err)
		}
		e.Do("PUT", "/api/v1/persons/"+p.ID+"/reminder-preference", "worker", map[string]any{"channel": "email", "consent": true})
		// Thursday 26 November 10:00 Paris: 25 h ahead, inside the 48 h.
		if _, err := e.App.Agenda.Book(t.Context(), e.Actor("worker"), p.ID, agenda.Input{WorkerIDs: []string{e.Workers["worker"].ID},
			Date: "2026-11-26", Start: "10:00", End: "10:30", PlaceKind: parcours.PlacePhone, Theme: "Point budget"}); err != nil {
			t.Fatal(err)
		}
		if n, _ := s.ScheduleReminders(t.Context(), system); n != 0 {
			t.Fatalf("48 h reminder of an appointment booked 25 h ahead: %d", n)
		}
		clk.at.Store(time.Date(2026, 11, 26, 7, 0, 0, 0, time.UTC).UnixMicro()) // 2 h before
		if n, _ := s.ScheduleReminders(t.Context(), system); n != 1 {
			t.Fatalf("2 h reminder: %d", n)
		}
	})
}

// TestReminders_ManyAppointmentsInShortTransactions: more appointments
// than one page are all reminded, page after page, each page in its own
// transaction (the job never holds the write lock over every appointment
// of the fortnight).
func TestReminders_ManyAppointmentsInShortTransactions(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		clk := newClock(e)
		c, err := outbox.NewCatcher("127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		configure(t, e, c.Addr, "", "")
		s, _ := newSender(e, nil)
		s.ReminderPage = 2
		for i := range 5 {
			p, err := e.App.Persons.Create(t.Context(), e.Actor("worker"), person.Input{BirthName: ptr([]string{"MARTINEAU", "OKONKWO", "VASSILIEV", "BERTHELOT", "NGUYEN"}[i]), FirstNames: ptr([]string{"Alex", "Chidi", "Irina", "Paul", "Lan"}[i]),
				BirthDate: ptr(fmt.Sprintf("19%d0-0%d-1%d", 5+i, 1+i, i)), Sex: ptr(parcours.SexMale), Email: ptr("alex.page@exemple.test")})
			if err != nil {
				t.Fatal(err)
			}
			if r := e.Do("PUT", "/api/v1/persons/"+p.ID+"/reminder-preference", "worker", map[string]any{"channel": "email", "consent": true}); r.Status != http.StatusOK {
				t.Fatalf("preference: %d %s", r.Status, r.Body)
			}
			if _, err := e.App.Agenda.Book(t.Context(), e.Actor("worker"), p.ID, agenda.Input{WorkerIDs: []string{e.Workers["worker"].ID},
				Date: "2026-11-28", Start: "14:30", End: "15:00", PlaceKind: parcours.PlaceHome, Theme: "Suivi"}); err != nil {
				t.Fatal(err)
			}
		}
		clk.at.Store(time.Date(2026, 11, 28, 13, 30, 0, 0, time.UTC).Add(-48 * time.Hour).UnixMicro())
		txs := 0
		ctx := store.WithObserver(t.Context(), func(q string) {
			if q == store.Begin {
				txs++
			}
		})
		n, err := s.ScheduleReminders(ctx, system)
		if err != nil || n != 5 {
			t.Fatalf("reminders over pages of 2: %d, %v; want 5", n, err)
		}
		if txs < 3 {
			t.Fatalf("5 appointments by pages of 2 in %d transactions, want at least 3", txs)
		}
		if n, err := s.ScheduleReminders(t.Context(), system); err != nil || n != 0 {
			t.Fatalf("again: %d, %v", n, err)
		}
	})
}
