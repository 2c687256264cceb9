package casefile_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"parcours/internal/app/apptest"
	"parcours/internal/parcours"
	"parcours/internal/person"
	"parcours/internal/store"
)

// renewalNotices returns the renewal notifications of a cast member, as
// "kind:objectID", sorted.
func renewalNotices(t *testing.T, e *apptest.Env, who string) []string {
	t.Helper()
	var page struct {
		Items []notificationJSON `json:"items"`
	}
	call(t, e, "GET", "/api/v1/notifications", who, nil, 200, &page)
	out := []string{}
	for _, n := range page.Items {
		if n.Kind == "mandate_expiring" || n.Kind == "domiciliation_ending" {
			out = append(out, n.Kind+":"+n.ObjectID)
		}
	}
	slices.Sort(out)
	return out
}

// TestRenewalReminders_OncePerObjectAndEnd: 30 days before its end, the
// mandate's worker and the domiciliation's referent are notified, once
// however often the job runs; revoked, renewed and far-off ones are not;
// a domiciliation without a referent goes to whoever recorded it.
func TestRenewalReminders_OncePerObjectAndEnd(t *testing.T) {
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		setClock(e, "2026-11-25 07:00")
		p := newPerson(t, e, "worker")
		p2, err := e.App.Persons.Create(ctx, e.Actor("worker"), person.Input{BirthName: ptr("RENOUVEAU"), FirstNames: ptr("Jo"),
			BirthDate: ptr("1970-06-01"), Sex: ptr(parcours.SexMale)})
		if err != nil {
			t.Fatal(err)
		}
		org, w, mgr := e.OrgA.ID, e.Workers["worker"].ID, e.Workers["manager"].ID
		ids := map[string]string{}
		err = e.App.DB.Transact(ctx, func(tx *store.Tx) error {
			mandate := func(name, person, worker, end, revoked string) error {
				m := &parcours.Mandate{OrgID: org, PersonID: person, WorkerID: worker, Procedures: []string{"rsa"}, StartDate: "2026-01-01",
					EndDate: end, RevokedOn: revoked, CreatedBy: worker}
				if revoked != "" {
					m.RevokedBy = worker
				}
				ids[name] = m.ID
				err := tx.InsertMandate(ctx, m)
				ids[name] = m.ID
				return err
			}
			dom := func(name, person, validTo, status, by string) error {
				d := &parcours.Domiciliation{OrgID: org, PersonID: person, AppliedOn: "2025-12-01", Status: status, DecidedOn: "2025-12-10",
					ValidFrom: "2025-12-10", ValidTo: validTo, CreatedBy: by}
				err := tx.InsertDomiciliation(ctx, d)
				ids[name] = d.ID
				return err
			}
			for _, err := range []error{
				mandate("soon", p.ID, w, "2026-12-20", ""),  // within 30 days
				mandate("far", p.ID, mgr, "2027-03-01", ""), // too far
				mandate("revoked", p2.ID, w, "2026-12-01", "2026-11-01"),
				mandate("renewed", p2.ID, mgr, "2026-12-05", ""), // followed by a later one
				mandate("renewal", p2.ID, mgr, "2027-12-05", ""), // that later one: far
				mandate("past", p2.ID, w, "2026-11-01", ""),      // already ended
				dom("dom", p.ID, "2026-12-24", "granted", mgr),   // p has a referent: worker
				dom("dom2", p2.ID, "2026-12-10", "granted", mgr), // no referent: manager
			} {
				if err != nil {
					return err
				}
			}
			return tx.InsertAccompaniment(ctx, &parcours.Accompaniment{OrgID: org, PersonID: p.ID, TeamID: e.TeamA.ID, ReferentID: w,
				Kind: "generaliste", StartDate: "2026-01-01", CreatedBy: w})
		})
		if err != nil {
			t.Fatal(err)
		}
		run := func(want int) {
			t.Helper()
			n, err := e.App.CaseFile.SendRenewalReminders(ctx, parcours.SystemActor())
			if err != nil || n != want {
				t.Fatalf("SendRenewalReminders = %d, %v; want %d", n, err, want)
			}
		}
		run(3)
		want := []string{"domiciliation_ending:" + ids["dom"], "mandate_expiring:" + ids["soon"]}
		slices.Sort(want)
		if got := renewalNotices(t, e, "worker"); !slices.Equal(got, want) {
			t.Errorf("worker: %v, want %v", got, want)
		}
		if got := renewalNotices(t, e, "manager"); !slices.Equal(got, []string{"domiciliation_ending:" + ids["dom2"]}) {
			t.Errorf("manager: %v", got)
		}
		// Another run, the same day or the next: nothing new.
		run(0)
		setClock(e, "2026-11-26 07:00")
		run(0)
		if got := renewalNotices(t, e, "worker"); len(got) != 2 {
			t.Errorf("notified twice: %v", got)
		}
		// Only the server runs it.
		if _, err := e.App.CaseFile.SendRenewalReminders(ctx, e.Actor("admin")); parcours.ErrorCode(err) != parcours.EForbidden {
			t.Errorf("admin runs the job: %v", err)
		}
		// The person's access log and the notifications page tell it.
		r := e.Do("GET", "/api/v1/persons/"+p.ID+"/access-log", "worker", nil)
		if r.Status != 200 || !strings.Contains(string(r.Body), "échéance d'un mandat") {
			t.Errorf("access log: %d", r.Status)
		}
		r = e.Page("GET", "/notifications", "worker", nil)
		if r.Status != 200 || !strings.Contains(string(r.Body), "Mandat bientôt expiré") || !strings.Contains(string(r.Body), `href="/persons/`+p.ID+`"`) {
			t.Errorf("notifications page: %d", r.Status)
		}
	})
}
