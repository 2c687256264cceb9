package demo

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"parcours/internal/auth"
	"parcours/internal/parcours"
	"parcours/internal/search"
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
	// The demo passwords must pass the real password policy (length,
	// common-password lists), or the demo would teach bad habits.
	for r, p := range DemoPasswords {
		if err := auth.CheckPassword(p, ""); err != nil {
			t.Errorf("demo password of %s refused by the password policy: %v", r, err)
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
		st, err := Populate(ctx, db, s, Options{Persons: 777, Seed: 5, BatchPersons: 300, Journals: true})
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

// The bulk loader writes the search index itself: it must be exactly what
// the search package would have written, so seeded persons are found.
func TestPopulate_IndexesPersonsLikeTheSearchService(t *testing.T) {
	ctx := context.Background()
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		s, err := EnsureSetting(ctx, db, false)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Populate(ctx, db, s, Options{Persons: 120, Seed: 8}); err != nil {
			t.Fatal(err)
		}
		if n, err := search.New(db).Reindex(ctx, parcours.SystemActor()); err != nil || n != 0 {
			t.Fatalf("Reindex after seed indexed %d persons (%v), want 0: the seed left persons unindexed", n, err)
		}
		terms := func() string {
			rows, err := db.SQL().QueryContext(ctx, "SELECT person_id, field, term, phon FROM person_terms")
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var out []string
			for rows.Next() {
				var a, b, c, d string
				if err := rows.Scan(&a, &b, &c, &d); err != nil {
					t.Fatal(err)
				}
				out = append(out, a+"|"+b+"|"+c+"|"+d)
			}
			slices.Sort(out)
			return strings.Join(out, "\n")
		}
		before := terms()
		rows, err := db.SQL().QueryContext(ctx, "SELECT id FROM persons")
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for rows.Next() {
			var id string
			rows.Scan(&id)
			ids = append(ids, id)
		}
		rows.Close()
		// (the write pool has one connection on SQLite: query first)
		err = db.Transact(ctx, func(tx *store.Tx) error {
			for _, id := range ids {
				p, err := tx.Person(ctx, id)
				if err != nil {
					return err
				}
				if err := search.IndexPerson(ctx, tx, p); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if after := terms(); after != before {
			t.Fatal("the search service indexes seeded persons differently from the seed")
		}
		// And a seeded person is found by name.
		var p *parcours.Person
		err = db.View(ctx, func(tx *store.Tx) error {
			page, err := tx.ListPersons(ctx, s.Orgs[1].ID, nil, 1)
			if err == nil {
				p = page.Items[0]
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		id, name, first := p.ID, p.BirthName, p.FirstNames
		actor := s.Workers[1][2].Actor()
		page, err := search.New(db).Search(ctx, actor, search.Query{Q: name + " " + first, Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, r := range page.Items {
			found = found || r.ID == id
		}
		if !found {
			t.Fatalf("seeded person not found by name (%d results)", len(page.Items))
		}
	})
}

// Journals average about ten entries per person, in French, dated inside
// their accompaniment, on accompaniments that link the referent.
func TestPopulate_JournalsAreCredible(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t, store.SQLite)
	s, err := EnsureSetting(ctx, db, false)
	if err != nil {
		t.Fatal(err)
	}
	st, err := Populate(ctx, db, s, Options{Persons: 2000, Seed: 21, Journals: true})
	if err != nil {
		t.Fatal(err)
	}
	if per := float64(st.Entries) / float64(st.Persons); per < 7 || per > 13 {
		t.Errorf("%.1f journal entries per person, want about 10", per)
	}
	var bad int
	if err := db.SQL().QueryRowContext(ctx, `SELECT count(*) FROM journal_entries e JOIN accompaniments a ON a.id = e.accompaniment_id
		WHERE e.occurred_at < a.start_date OR e.occurred_at >= ? OR e.team_id <> a.team_id OR e.org_id <> a.org_id`, Reference.Format(time.DateOnly)).Scan(&bad); err != nil {
		t.Fatal(err)
	}
	if bad != 0 {
		t.Errorf("%d entries outside their accompaniment's dates, team or organisation", bad)
	}
	var summary string
	if err := db.SQL().QueryRowContext(ctx, "SELECT summary FROM journal_entries ORDER BY id LIMIT 1").Scan(&summary); err != nil {
		t.Fatal(err)
	}
	if len(summary) < 20 {
		t.Errorf("summary %q too short to be an entry", summary)
	}
	// Every entry is filed under a thématique, and the statistics by
	// theme have several to show.
	rows, err := db.SQL().QueryContext(ctx, "SELECT theme, count(*) FROM journal_entries GROUP BY theme")
	if err != nil {
		t.Fatal(err)
	}
	themes := map[string]int{}
	for rows.Next() {
		var theme string
		var n int
		if err := rows.Scan(&theme, &n); err != nil {
			t.Fatal(err)
		}
		themes[theme] = n
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	for theme, n := range themes {
		if !parcours.ValidThematique(theme) {
			t.Errorf("%d entries with theme %q, not a thématique", n, theme)
		}
	}
	if len(themes) < 8 {
		t.Errorf("entries by theme: %v, want at least 8 thématiques", themes)
	}
	var recorders int
	if err := db.SQL().QueryRowContext(ctx, "SELECT count(*) FROM person_recorders").Scan(&recorders); err != nil || recorders != st.Persons {
		t.Errorf("%d person recorders (%v), want one per person (%d)", recorders, err, st.Persons)
	}
}
