package agenda_test

import (
	"testing"
	"time"

	"parcours/internal/agenda"
	"parcours/internal/app/apptest"
	"parcours/internal/casefile"
	"parcours/internal/parcours"
	"parcours/internal/person"
	"parcours/internal/store"
	"parcours/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// monday is 30 November 2026, 08:00 in Paris.
var monday = time.Date(2026, 11, 30, 7, 0, 0, 0, time.UTC)

func setup(t *testing.T, e *apptest.Env) *parcours.Person {
	t.Helper()
	e.App.DB.Now = func() time.Time { return monday }
	s := func(v string) *string { return &v }
	p, err := e.App.Persons.Create(t.Context(), e.Actor("worker"), person.Input{BirthName: s("DURAND"), FirstNames: s("Marie"),
		BirthDate: s("1980-05-06"), Sex: s2(parcours.SexFemale), Phone: s("06 12 34 56 78")})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func s2(v parcours.Sex) *parcours.Sex { return &v }

func field(err error) string {
	if e := parcours.AsError(err); e != nil {
		return e.Code + ":" + e.Field
	}
	return ""
}

func TestBook_ValidatesWarnsOfConflictsAndListsForReminders(t *testing.T) {
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		p := setup(t, e)
		ctx := t.Context()
		svc := e.App.Agenda
		w := e.Workers["worker"]
		in := agenda.Input{WorkerIDs: []string{w.ID}, Date: "2026-12-01", Start: "10:00", End: "11:00", PlaceKind: parcours.PlacePhone, Theme: "Point RSA"}
		for name, tc := range map[string]struct {
			change func(*agenda.Input)
			want   string
		}{
			"end before start":  {func(i *agenda.Input) { i.End = "09:30" }, "invalid:end"},
			"in the past":       {func(i *agenda.Input) { i.Date = "2026-11-27" }, "invalid:date"},
			"earlier today":     {func(i *agenda.Input) { i.Date, i.Start, i.End = "2026-11-30", "07:00", "07:30" }, "invalid:start"},
			"another org":       {func(i *agenda.Input) { i.WorkerIDs = []string{e.Workers["other"].ID} }, "invalid:worker_ids"},
			"no theme":          {func(i *agenda.Input) { i.Theme = "" }, "invalid:theme"},
			"visio without url": {func(i *agenda.Input) { i.PlaceKind = parcours.PlaceVisio }, "invalid:place"},
		} {
			c := in
			tc.change(&c)
			if _, err := svc.Book(ctx, e.Actor("worker"), p.ID, c); field(err) != tc.want {
				t.Errorf("%s: %v (%s), want %s", name, err, field(err), tc.want)
			}
		}
		// Closed day and hours of the service.
		if err := svc.AddClosedDay(ctx, e.Actor("admin"), e.TeamA.ID, parcours.ClosedDay{Day: "2026-12-02", Label: "Fermeture"}); err != nil {
			t.Fatal(err)
		}
		if err := svc.SetTeamHours(ctx, e.Actor("admin"), e.TeamA.ID, []parcours.OpeningHours{{Weekday: 2, Opens: "09:00", Closes: "12:00"}}); err != nil {
			t.Fatal(err)
		}
		c := in
		c.Date = "2026-12-02"
		if _, err := svc.Book(ctx, e.Actor("worker"), p.ID, c); field(err) != "invalid:date" {
			t.Errorf("closed day: %v", err)
		}
		c = in
		c.Start, c.End = "11:30", "12:30"
		if _, err := svc.Book(ctx, e.Actor("worker"), p.ID, c); field(err) != "invalid:start" {
			t.Errorf("outside hours: %v", err)
		}
		b, err := svc.Book(ctx, e.Actor("worker"), p.ID, in)
		if err != nil || len(b.Conflicts) != 0 || b.TeamID != e.TeamA.ID || b.Place != "06 12 34 56 78" {
			t.Fatalf("book: %+v, %v", b, err)
		}
		c = in
		c.Start, c.End = "10:30", "11:30"
		b2, err := svc.Book(ctx, e.Actor("worker"), p.ID, c)
		if err != nil || len(b2.Conflicts) != 1 || b2.Conflicts[0].AppointmentID != b.ID {
			t.Fatalf("overlap not warned: %+v, %v", b2, err)
		}
		// The front desk books only free slots.
		if _, err := svc.Book(ctx, e.Actor("reception"), p.ID, c); parcours.ErrorCode(err) != parcours.EConflict {
			t.Errorf("desk on a taken slot: %v", err)
		}
		// The reminder scheduler's window: planned appointments only.
		var got []*parcours.Appointment
		err = e.App.DB.View(ctx, func(tx *store.Tx) error {
			var err error
			got, err = tx.AppointmentsStarting(ctx, monday, monday.Add(48*time.Hour))
			return err
		})
		if err != nil || len(got) != 2 || got[0].ID != b.ID || len(got[0].WorkerIDs) != 1 {
			t.Fatalf("starting: %v %v", got, err)
		}
		if _, err := svc.RecordOutcome(ctx, e.Actor("worker"), b2.ID, agenda.Outcome{Status: parcours.ApptCancelled, CancelledBy: "person", CancelReason: "Malade"}); err != nil {
			t.Fatal(err)
		}
		e.App.DB.View(ctx, func(tx *store.Tx) error {
			got, err = tx.AppointmentsStarting(ctx, monday, monday.Add(48*time.Hour))
			return err
		})
		if len(got) != 1 {
			t.Errorf("a cancelled appointment is still due a reminder: %d", len(got))
		}
		// The outcome is recorded after the meeting, with its journal entry.
		if _, err := svc.RecordOutcome(ctx, e.Actor("worker"), b.ID, agenda.Outcome{Status: parcours.ApptHonoured}); field(err) != "invalid:status" {
			t.Errorf("honoured before it started: %v", err)
		}
		e.App.DB.Now = func() time.Time { return monday.Add(28 * time.Hour) }
		cl, err := svc.RecordOutcome(ctx, e.Actor("worker"), b.ID, agenda.Outcome{Status: parcours.ApptHonoured,
			Journal: &casefile.EntryInput{Summary: "Entretien RSA : dossier complet."}})
		if err != nil || cl.JournalEntry == nil || cl.JournalEntry.OccurredAt != "2026-12-01" || cl.JournalEntry.Mode != "telephone" {
			t.Fatalf("outcome: %+v %v", cl, err)
		}
		if _, err := svc.RecordOutcome(ctx, e.Actor("worker"), b.ID, agenda.Outcome{Status: parcours.ApptMissed}); parcours.ErrorCode(err) != parcours.EConflict {
			t.Errorf("closed twice: %v", err)
		}
		counts := map[string]int{}
		e.App.DB.View(ctx, func(tx *store.Tx) error {
			list, err := tx.AppointmentOutcomes(ctx, e.OrgA.ID, monday, monday.Add(72*time.Hour))
			for _, c := range list {
				counts[c.Status] += c.N
			}
			return err
		})
		if counts[parcours.ApptHonoured] != 1 || counts[parcours.ApptCancelled] != 1 {
			t.Errorf("outcomes: %v", counts)
		}
	})
}
