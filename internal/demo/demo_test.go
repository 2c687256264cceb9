package demo

import (
	"context"
	"strings"
	"testing"
	"time"

	"parcours/internal/parcours"
	"parcours/internal/store"
	"parcours/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

func TestPopulation_SameSeedSameHouseholds(t *testing.T) {
	a, b := NewPopulation(9, Reference), NewPopulation(9, Reference)
	for i := range 500 {
		ha, hb := a.Household(), b.Household()
		if len(ha.Members) != len(hb.Members) || ha.Household.Name != hb.Household.Name {
			t.Fatalf("household %d differs: %q (%d) vs %q (%d)", i, ha.Household.Name, len(ha.Members), hb.Household.Name, len(hb.Members))
		}
		for j := range ha.Members {
			if ha.Members[j].Person != hb.Members[j].Person {
				t.Fatalf("household %d member %d differs: %+v vs %+v", i, j, ha.Members[j].Person, hb.Members[j].Person)
			}
		}
	}
}

// Households must look like the ones social services meet: a reference
// person first, adults over 18, children younger than their parent,
// sizes averaging a little over two, valid catalogue values.
func TestPopulation_HouseholdsAreCredible(t *testing.T) {
	g := NewPopulation(1, Reference)
	persons, withHistory, single := 0, 0, 0
	const n = 3000
	for range n {
		h := g.Household()
		persons += len(h.Members)
		if len(h.Members) == 1 {
			single++
		}
		ref := h.Members[0]
		if ref.Relationship != parcours.RelReference {
			t.Fatalf("first member is %s, want the reference person", ref.Relationship)
		}
		refBirth, _ := time.Parse(time.DateOnly, ref.Person.BirthDate)
		if age := Reference.Year() - refBirth.Year(); age < 18 {
			t.Fatalf("reference person aged %d", age)
		}
		for _, m := range h.Members {
			p := m.Person
			if p.BirthName == "" || p.FirstNames == "" || !p.Sex.Valid() || p.Address.City == "" {
				t.Fatalf("incomplete person %+v", p)
			}
			d, err := time.Parse(time.DateOnly, p.BirthDate)
			if err != nil || !d.Before(Reference) {
				t.Fatalf("birth date %q", p.BirthDate)
			}
			if p.NIR != "" && !parcours.ValidNIR(p.NIR) {
				t.Fatalf("invalid NIR %q", p.NIR)
			}
			if m.Relationship == parcours.RelChild && !d.After(refBirth) {
				t.Fatalf("child born %s, not after the reference person (%s)", p.BirthDate, ref.Person.BirthDate)
			}
		}
		if len(h.Situations) > 1 {
			withHistory++
		}
		prev := ""
		for _, s := range h.Situations {
			if s.ValidFrom <= prev {
				t.Fatalf("situations not in date order: %s after %s", s.ValidFrom, prev)
			}
			prev = s.ValidFrom
			if !contains(parcours.HousingKinds, s.Housing) || !contains(parcours.EmploymentKinds, s.Employment) {
				t.Fatalf("situation outside the catalogue: %+v", s)
			}
			for _, src := range s.IncomeSources {
				if !contains(parcours.IncomeKinds, src) {
					t.Fatalf("income source %q outside the catalogue", src)
				}
			}
		}
	}
	if mean := float64(persons) / n; mean < 1.7 || mean > 3.0 {
		t.Errorf("mean household size %.2f, want between 1.7 and 3", mean)
	}
	if withHistory < n/5 {
		t.Errorf("%d households of %d have a situation history, want at least a fifth", withHistory, n)
	}
	if single < n/4 || single > n/2 {
		t.Errorf("%d single-person households of %d, want between a quarter and a half", single, n)
	}
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func TestStructures_HaveValidSIRETAndEveryRole(t *testing.T) {
	for _, s := range Structures {
		if !parcours.ValidSIRET(s.SIRET) {
			t.Errorf("%s: invalid SIRET %s", s.Name, s.SIRET)
		}
		roles := map[parcours.Role]bool{}
		for _, w := range s.Workers {
			roles[w.Role] = true
		}
		for _, r := range parcours.Roles {
			if !roles[r] {
				t.Errorf("%s has no %s", s.Name, r)
			}
		}
	}
	for r, p := range DemoPasswords {
		if len([]rune(p)) < 12 {
			t.Errorf("demo password of %s shorter than 12 characters", r)
		}
	}
}

// The same seed must write the same content on both backends, and
// exactly the number of persons asked for.
func TestPopulate_DeterministicAcrossBackends(t *testing.T) {
	ctx := context.Background()
	var digests []string
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		s, err := EnsureSetting(ctx, db, false)
		if err != nil {
			t.Fatal(err)
		}
		st, err := Populate(ctx, db, s, Options{Persons: 777, Seed: 5, BatchPersons: 300})
		if err != nil {
			t.Fatal(err)
		}
		if st.Persons != 777 {
			t.Fatalf("wrote %d persons, want 777", st.Persons)
		}
		var count int
		if err := db.SQL().QueryRowContext(ctx, "SELECT count(*) FROM persons").Scan(&count); err != nil || count != 777 {
			t.Fatalf("persons in database: %d (%v), want 777", count, err)
		}
		d, err := db.ContentDigest(ctx)
		if err != nil {
			t.Fatal(err)
		}
		digests = append(digests, d)
		// Seeding again adds, with fresh ids; the setting is reused.
		s2, err := EnsureSetting(ctx, db, false)
		if err != nil || s2.Orgs[0].ID != s.Orgs[0].ID {
			t.Fatalf("second EnsureSetting: %v, org %v vs %v", err, s2.Orgs[0].ID, s.Orgs[0].ID)
		}
		var events int
		if err := db.SQL().QueryRowContext(ctx, "SELECT count(*) FROM audit_events WHERE action = 'seed.batch'").Scan(&events); err != nil || events != 3 {
			t.Fatalf("seed.batch audit events: %d (%v), want 3 (one per batch)", events, err)
		}
	})
	if len(digests) == 2 && digests[0] != digests[1] {
		t.Fatalf("sqlite and postgres content differ: %s vs %s", digests[0], digests[1])
	}
}

func TestPopulate_DifferentSeedsDiffer(t *testing.T) {
	ctx := context.Background()
	digest := func(seed uint64) string {
		db := storetest.Open(t, store.SQLite)
		s, err := EnsureSetting(ctx, db, false)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Populate(ctx, db, s, Options{Persons: 50, Seed: seed}); err != nil {
			t.Fatal(err)
		}
		d, err := db.ContentDigest(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	if a, b := digest(1), digest(2); a == b {
		t.Fatal("seeds 1 and 2 wrote the same content")
	}
}

func TestEnsureSetting_DemoWorkersCanLogIn(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t, store.SQLite)
	s, err := EnsureSetting(ctx, db, true)
	if err != nil {
		t.Fatal(err)
	}
	for i, o := range s.Orgs {
		if !o.TOTPOptional {
			t.Errorf("%s: demo organisation should make TOTP optional for non-admins", o.Name)
		}
		for _, w := range s.Workers[i] {
			err := db.View(ctx, func(tx *store.Tx) error {
				sec, err := tx.WorkerSecrets(ctx, w.ID)
				if err != nil {
					return err
				}
				if !strings.HasPrefix(sec.PasswordHash, "$argon2id$") {
					t.Errorf("%s: password not hashed with argon2id", w.Email)
				}
				if (w.Role == parcours.RoleAdmin) != (sec.TOTPSecret != "") {
					t.Errorf("%s (%s): TOTP secret set = %v, want only admins", w.Email, w.Role, sec.TOTPSecret != "")
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	logins := s.Logins(true)
	if len(logins) != 10 || logins[0].Password == "" {
		t.Fatalf("logins: %+v", logins)
	}
}
