package casefile_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"parcours/internal/app/apptest"
	"parcours/internal/parcours"
	"parcours/internal/person"
	"parcours/internal/store"
)

// The reminder threshold is the organisation's setting (30 days unless an
// admin changes it, 1 to 180, bad values refused with nothing changed,
// on the API and the admin page), and a reminder never goes to a worker
// who left (disabled): it goes to the person's active referent, else to
// the organisation's managers.
func TestRenewalReminders_OrganisationThresholdAndWorkersWhoLeft(t *testing.T) {
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		var o parcours.Organization
		call(t, e, "GET", "/api/v1/organization", "admin", nil, 200, &o)
		if o.RenewalReminderDays != 30 {
			t.Fatalf("default threshold %d, want 30", o.RenewalReminderDays)
		}
		for _, bad := range []any{0, 181, -3} {
			r := e.Do("PATCH", "/api/v1/organization", "admin", map[string]any{"renewal_reminder_days": bad})
			if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), "renewal_reminder_days") {
				t.Errorf("threshold %v: %d %s", bad, r.Status, r.Body)
			}
		}
		if r := e.Do("PATCH", "/api/v1/organization", "manager", map[string]any{"renewal_reminder_days": 60}); r.Status != http.StatusForbidden {
			t.Errorf("a manager changes the threshold: %d", r.Status)
		}
		page := e.Page("POST", "/admin/settings", "admin", url.Values{"renewal_reminder_days": {"soixante"}})
		if page.Status != http.StatusUnprocessableEntity || !strings.Contains(string(page.Body), "entre 1 et 180") || !strings.Contains(string(page.Body), `value="soixante"`) {
			t.Errorf("admin form, not a number: %d", page.Status)
		}
		call(t, e, "GET", "/api/v1/organization", "admin", nil, 200, &o)
		if o.RenewalReminderDays != 30 {
			t.Fatalf("refused values changed the threshold: %d", o.RenewalReminderDays)
		}
		if page := e.Page("POST", "/admin/settings", "admin", url.Values{"renewal_reminder_days": {"60"}}); page.Status != http.StatusSeeOther {
			t.Fatalf("admin form: %d %s", page.Status, page.Body)
		}
		if page := e.Page("GET", "/admin/settings", "admin", nil); !strings.Contains(string(page.Body), `value="60"`) {
			t.Errorf("the admin page does not show the threshold")
		}

		setClock(e, "2026-11-25 07:00")
		followed := newPerson(t, e, "worker")
		alone, err := e.App.Persons.Create(ctx, e.Actor("worker"), person.Input{BirthName: ptr("SEULEMENT"), FirstNames: ptr("Ana"),
			BirthDate: ptr("1971-02-03"), Sex: ptr(parcours.SexFemale)})
		if err != nil {
			t.Fatal(err)
		}
		org, w, left := e.OrgA.ID, e.Workers["worker"].ID, e.Workers["worker2"].ID
		ids := map[string]string{}
		err = e.App.DB.Transact(ctx, func(tx *store.Tx) error {
			mandate := func(name, personID, worker, end string) error {
				m := &parcours.Mandate{OrgID: org, PersonID: personID, WorkerID: worker, Procedures: []string{"rsa"}, StartDate: "2026-01-01",
					EndDate: end, CreatedBy: worker}
				err := tx.InsertMandate(ctx, m)
				ids[name] = m.ID
				return err
			}
			for _, err := range []error{
				mandate("in45", followed.ID, w, "2027-01-09"),                       // 45 days: within 60
				mandate("in90", followed.ID, e.Workers["manager"].ID, "2027-02-23"), // 90 days: beyond
				mandate("left", followed.ID, left, "2027-01-05"),                    // its worker left: the referent
				mandate("leftAlone", alone.ID, left, "2027-01-05"),                  // no referent: the managers
			} {
				if err != nil {
					return err
				}
			}
			return tx.InsertAccompaniment(ctx, &parcours.Accompaniment{OrgID: org, PersonID: followed.ID, TeamID: e.TeamA.ID, ReferentID: w,
				Kind: "generaliste", StartDate: "2026-01-01", CreatedBy: w})
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.App.DB.SQL().Exec("UPDATE workers SET disabled = TRUE WHERE id = '" + left + "'"); err != nil {
			t.Fatal(err)
		}
		n, err := e.App.CaseFile.SendRenewalReminders(ctx, parcours.SystemActor())
		if err != nil || n != 3 {
			t.Fatalf("SendRenewalReminders = %d, %v; want 3", n, err)
		}
		want := []string{"mandate_expiring:" + ids["in45"], "mandate_expiring:" + ids["left"]}
		slices.Sort(want)
		if got := renewalNotices(t, e, "worker"); !slices.Equal(got, want) {
			t.Errorf("worker (referent): %v, want %v", got, want)
		}
		if got := renewalNotices(t, e, "manager"); !slices.Equal(got, []string{"mandate_expiring:" + ids["leftAlone"]}) {
			t.Errorf("manager: %v", got)
		}
		var count int
		if err := e.App.DB.SQL().QueryRow("SELECT COUNT(*) FROM notifications WHERE worker_id = '" + left + "'").Scan(&count); err != nil || count != 0 {
			t.Errorf("the worker who left got %d notifications (%v)", count, err)
		}
	})
}
