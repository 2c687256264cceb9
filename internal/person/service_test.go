package person

import (
	"context"
	"testing"

	"parcours/internal/parcours"
	"parcours/internal/store"
	"parcours/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// cast is two organisations with a worker of each role in A and one
// worker in B.
type cast struct {
	svc    *Service
	db     *store.DB
	actors map[string]parcours.Actor
}

func newCast(t testing.TB, db *store.DB) *cast {
	t.Helper()
	c := &cast{svc: New(db), db: db, actors: map[string]parcours.Actor{}}
	ctx := context.Background()
	err := db.Transact(ctx, func(tx *store.Tx) error {
		a := &parcours.Organization{Name: "CCAS A", Kind: parcours.OrgCCAS}
		b := &parcours.Organization{Name: "Association B", Kind: parcours.OrgAssociation}
		for _, o := range []*parcours.Organization{a, b} {
			if err := tx.InsertOrganization(ctx, o); err != nil {
				return err
			}
		}
		// Manager, worker and reception share a team: a person recorded
		// by the worker is followed by that team.
		team := &parcours.Team{OrgID: a.ID, Name: "Accueil"}
		if err := tx.InsertTeam(ctx, team); err != nil {
			return err
		}
		for _, w := range []struct {
			name string
			org  *parcours.Organization
			role parcours.Role
		}{
			{"admin", a, parcours.RoleAdmin}, {"manager", a, parcours.RoleManager}, {"worker", a, parcours.RoleWorker},
			{"reception", a, parcours.RoleReception}, {"other", b, parcours.RoleWorker},
		} {
			wk := &parcours.Worker{OrgID: w.org.ID, Email: w.name + "@test.fr", Role: w.role}
			if w.org == a && w.role != parcours.RoleAdmin {
				wk.TeamIDs = []string{team.ID}
			}
			if err := tx.InsertWorker(ctx, wk, ""); err != nil {
				return err
			}
			c.actors[w.name] = wk.Actor()
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func sp(s string) *string { return &s }

// count returns how many rows a table holds (test-only SQL).
func count(t *testing.T, db *store.DB, table string) int {
	t.Helper()
	var n int
	if err := db.SQL().QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// auditActions returns the audit actions recorded about personID.
func auditActions(t *testing.T, db *store.DB, personID string) map[string]int {
	t.Helper()
	q := "SELECT action FROM audit_events WHERE person_id = ?"
	if db.Dialect() == store.Postgres {
		q = "SELECT action FROM audit_events WHERE person_id = $1"
	}
	rows, err := db.SQL().Query(q, personID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var a string
		if err := rows.Scan(&a); err != nil {
			t.Fatal(err)
		}
		out[a]++
	}
	return out
}

func TestCreate_InvalidPersonWritesNothing(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		c := newCast(t, db)
		persons, events := count(t, db, "persons"), count(t, db, "audit_events")
		_, err := c.svc.Create(t.Context(), c.actors["worker"], Input{BirthName: sp("DUPONT"), FirstNames: sp(""), BirthDate: sp("2999-01-01")})
		if parcours.ErrorCode(err) != parcours.EInvalid {
			t.Fatalf("err = %v, want invalid", err)
		}
		if count(t, db, "persons") != persons || count(t, db, "audit_events") != events {
			t.Error("a refused creation wrote a person or an audit event")
		}
	})
}

func TestCreateAndRead_AreAuditedWithThePerson(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		c := newCast(t, db)
		ctx := t.Context()
		p, err := c.svc.Create(ctx, c.actors["worker"], Input{BirthName: sp("DUPONT"), FirstNames: sp("Anne"), BirthDate: sp("1960-02-02")})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.svc.Get(ctx, c.actors["reception"], p.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := c.svc.Update(ctx, c.actors["manager"], p.ID, Input{Phone: sp("0600000000")}); err != nil {
			t.Fatal(err)
		}
		got := auditActions(t, db, p.ID)
		for _, want := range []string{"person.create", "person.read", "person.update"} {
			if got[want] != 1 {
				t.Errorf("audit %s recorded %d times, want 1 (all: %v)", want, got[want], got)
			}
		}
	})
}

func TestAccess_RolesAndOrganisations(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		c := newCast(t, db)
		ctx := t.Context()
		p, err := c.svc.Create(ctx, c.actors["worker"], Input{BirthName: sp("DUPONT"), FirstNames: sp("Anne"), BirthDate: sp("1960-02-02"),
			NIR: sp("2 60 02 75 123 456 " + nirKeyOf("2600275123456")), Email: sp("anne@exemple.fr")})
		if err != nil {
			t.Fatal(err)
		}
		// Another organisation cannot tell the person exists.
		if _, err := c.svc.Get(ctx, c.actors["other"], p.ID); parcours.ErrorCode(err) != parcours.ENotFound {
			t.Errorf("other org Get: %v, want not found", err)
		}
		if _, err := c.svc.Update(ctx, c.actors["other"], p.ID, Input{Phone: sp("1")}); parcours.ErrorCode(err) != parcours.ENotFound {
			t.Errorf("other org Update: %v, want not found", err)
		}
		// The front desk reads but does not change, and never sees the NIR.
		r, err := c.svc.Get(ctx, c.actors["reception"], p.ID)
		if err != nil || r.NIR != "" || r.Email == "" {
			t.Errorf("reception Get: %+v, %v", r, err)
		}
		if _, err := c.svc.GetForUpdate(ctx, c.actors["reception"], p.ID); parcours.ErrorCode(err) != parcours.EForbidden {
			t.Errorf("reception GetForUpdate: %v, want forbidden", err)
		}
		// The administrator manages accounts, not persons.
		if _, err := c.svc.Get(ctx, c.actors["admin"], p.ID); parcours.ErrorCode(err) != parcours.ENotFound {
			t.Errorf("admin Get: %v, want not found", err)
		}
		list, err := c.svc.List(ctx, c.actors["admin"], "", 10)
		if err != nil || len(list.Items) != 1 || list.Items[0].NIR != "" || list.Items[0].Email != "" {
			t.Errorf("admin List: %+v, %v", list, err)
		}
		// The worker sees everything.
		w, err := c.svc.GetForUpdate(ctx, c.actors["worker"], p.ID)
		if err != nil || w.NIR == "" {
			t.Errorf("worker GetForUpdate: %+v, %v", w, err)
		}
		if other, err := c.svc.List(ctx, c.actors["other"], "", 10); err != nil || len(other.Items) != 0 {
			t.Errorf("other org List: %+v, %v", other, err)
		}
	})
}

func TestUpdate_StaleVersionConflictsAndKeepsTheStoredPerson(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		c := newCast(t, db)
		ctx := t.Context()
		p, err := c.svc.Create(ctx, c.actors["worker"], Input{BirthName: sp("DUPONT"), FirstNames: sp("Anne"), BirthDate: sp("1960-02-02")})
		if err != nil {
			t.Fatal(err)
		}
		v := p.Version
		if _, err := c.svc.Update(ctx, c.actors["worker"], p.ID, Input{Phone: sp("0611"), Version: &v}); err != nil {
			t.Fatal(err)
		}
		_, err = c.svc.Update(ctx, c.actors["manager"], p.ID, Input{Phone: sp("0622"), Version: &v})
		if parcours.ErrorCode(err) != parcours.EConflict {
			t.Fatalf("stale update: %v, want conflict", err)
		}
		got, _ := c.svc.Get(ctx, c.actors["worker"], p.ID)
		if got.Phone != "0611" || got.Version != v+1 {
			t.Errorf("stored %q version %d", got.Phone, got.Version)
		}
		// The household is not changed through the person.
		_, err = c.svc.Update(ctx, c.actors["worker"], p.ID, Input{HouseholdID: sp("x")})
		if e := parcours.AsError(err); e == nil || e.Field != "household_id" {
			t.Errorf("household via person: %v", err)
		}
	})
}

func TestHousehold_MembersSituationsAndHistory(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		c := newCast(t, db)
		ctx := t.Context()
		w := c.actors["worker"]
		mother, err := c.svc.Create(ctx, w, Input{BirthName: sp("DUPONT"), FirstNames: sp("Anne"), BirthDate: sp("1960-02-02")})
		if err != nil {
			t.Fatal(err)
		}
		son, err := c.svc.Create(ctx, w, Input{BirthName: sp("DUPONT"), FirstNames: sp("Marc"), BirthDate: sp("1995-05-05")})
		if err != nil {
			t.Fatal(err)
		}
		elsewhere, err := c.svc.Create(ctx, c.actors["other"], Input{BirthName: sp("ROUX"), FirstNames: sp("Eva"), BirthDate: sp("1980-01-01")})
		if err != nil {
			t.Fatal(err)
		}
		households, situations := count(t, db, "households"), count(t, db, "situations")
		_, err = c.svc.CreateHousehold(ctx, w, HouseholdInput{Name: "Foyer Dupont",
			Members:   []MemberInput{{PersonID: mother.ID, Relationship: parcours.RelReference}, {PersonID: elsewhere.ID, Relationship: parcours.RelSpouse}},
			Situation: &SituationInput{Housing: "locataire_prive"}})
		if e := parcours.AsError(err); e == nil || e.Field != "members[1].person_id" || e.Key != "error.person_unknown" {
			t.Fatalf("member of another organisation: %v", err)
		}
		if count(t, db, "households") != households || count(t, db, "situations") != situations {
			t.Fatal("a refused household was written")
		}

		h, err := c.svc.CreateHousehold(ctx, w, HouseholdInput{Name: "Foyer Dupont",
			Members:   []MemberInput{{PersonID: mother.ID, Relationship: parcours.RelReference}},
			Situation: &SituationInput{Housing: "locataire_prive", ValidFrom: "2020-01-01"}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.svc.SetMember(ctx, w, h.ID, MemberInput{PersonID: elsewhere.ID, Relationship: parcours.RelChild}); parcours.ErrorCode(err) != parcours.EInvalid {
			t.Errorf("SetMember of another organisation's person: %v, want invalid", err)
		}
		if _, err := c.svc.SetMember(ctx, c.actors["reception"], h.ID, MemberInput{PersonID: son.ID, Relationship: parcours.RelChild}); parcours.ErrorCode(err) != parcours.EForbidden {
			t.Errorf("reception SetMember: %v, want forbidden", err)
		}
		h, err = c.svc.SetMember(ctx, w, h.ID, MemberInput{PersonID: son.ID, Relationship: parcours.RelOtherChild})
		if err != nil || len(h.Members) != 2 {
			t.Fatalf("SetMember: %+v, %v", h, err)
		}
		if _, err := c.svc.RecordSituation(ctx, w, h.ID, SituationInput{Housing: "locataire_social", Health: "diabète"}); err != nil {
			t.Fatal(err)
		}
		hist, err := c.svc.SituationHistory(ctx, w, h.ID)
		if err != nil || len(hist) != 2 || hist[0].Housing != "locataire_social" || hist[1].Housing != "locataire_prive" {
			t.Fatalf("history: %+v, %v", hist, err)
		}
		got, err := c.svc.GetHousehold(ctx, c.actors["reception"], h.ID)
		if err != nil || got.Situation == nil || got.Situation.Housing != "locataire_social" || got.Situation.Health != "" {
			t.Errorf("reception GetHousehold: %+v, %v", got, err)
		}
		if _, err := c.svc.GetHousehold(ctx, c.actors["other"], h.ID); parcours.ErrorCode(err) != parcours.ENotFound {
			t.Errorf("other org GetHousehold: %v", err)
		}
		empty, err := c.svc.CreateHousehold(ctx, w, HouseholdInput{})
		if err != nil {
			t.Fatal(err)
		}
		if hist, err := c.svc.SituationHistory(ctx, w, empty.ID); err != nil || hist == nil || len(hist) != 0 {
			t.Errorf("history of a household without situation: %#v, %v (want an empty, non-nil list)", hist, err)
		}
	})
}

func TestList_PagesByNameWithTies(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		c := newCast(t, db)
		ctx := t.Context()
		for i, name := range []string{"BLANC", "ARNAUD", "BLANC", "BLANC", "CARON"} {
			_, err := c.svc.Create(ctx, c.actors["worker"], Input{BirthName: sp(name), FirstNames: sp("Zoé"),
				BirthDate: sp([]string{"1950", "1960", "1970", "1980", "1990"}[i] + "-01-01")})
			if err != nil {
				t.Fatal(err)
			}
		}
		var names []string
		seen := map[string]bool{}
		cursor := ""
		for {
			page, err := c.svc.List(ctx, c.actors["worker"], cursor, 2)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range page.Items {
				if seen[p.ID] {
					t.Errorf("%s listed twice", p.ID)
				}
				seen[p.ID] = true
				names = append(names, p.BirthName)
			}
			if cursor = page.NextCursor; cursor == "" {
				break
			}
		}
		want := []string{"ARNAUD", "BLANC", "BLANC", "BLANC", "CARON"}
		if len(names) != len(want) {
			t.Fatalf("listed %v", names)
		}
		for i := range want {
			if names[i] != want[i] {
				t.Fatalf("order %v, want %v", names, want)
			}
		}
		if _, err := c.svc.List(ctx, c.actors["worker"], "garbage", 2); parcours.ErrorCode(err) != parcours.EBadRequest {
			t.Errorf("bad cursor: %v", err)
		}
	})
}

func nirKeyOf(body string) string {
	var n uint64
	for _, c := range body {
		n = n*10 + uint64(c-'0')
	}
	k := 97 - n%97
	return string([]byte{byte('0' + k/10), byte('0' + k%10)})
}
