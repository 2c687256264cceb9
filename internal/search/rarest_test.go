package search_test

import (
	"context"
	"fmt"
	"testing"

	"parcours/internal/parcours"
	"parcours/internal/person"
	"parcours/internal/search"
	"parcours/internal/search/namekey"
	"parcours/internal/store"
	"parcours/internal/store/storetest"
)

// counts reads the dictionaries' counts of persons for words and for the
// phonetic keys of words.
func counts(t *testing.T, db *store.DB, words ...string) (terms, phons map[string]int) {
	t.Helper()
	ctx := context.Background()
	var keys []string
	for _, w := range words {
		keys = append(keys, namekey.Phonetic(w))
	}
	err := db.View(ctx, func(tx *store.Tx) error {
		var err error
		if terms, err = tx.TermCounts(ctx, words); err != nil {
			return err
		}
		phons, err = tx.PhonCounts(ctx, keys)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return terms, phons
}

func TestIndex_CountsPersonsPerTokenAndPhoneticKeyThroughChanges(t *testing.T) {
	t.Parallel()
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.add(t, e.a, "DUPONT", "", "Marie", "1980-01-01")
		jean := e.add(t, e.a, "DUPONT", "DUPONT", "Jean", "1981-01-01") // the same token twice counts once
		terms, phons := counts(t, db, "dupont", "marie", "jean", "durand")
		if terms["dupont"] != 2 || terms["marie"] != 1 || terms["jean"] != 1 || terms["durand"] != 0 {
			t.Fatalf("term counts %v, want dupont 2, marie 1, jean 1, durand absent", terms)
		}
		if phons[namekey.Phonetic("dupont")] != 2 {
			t.Fatalf("phonetic counts %v, want 2 for dupont's key", phons)
		}
		name := "DURAND"
		if _, err := e.persons.Update(context.Background(), e.a, jean.ID, person.Input{BirthName: &name, UsageName: ptr("")}); err != nil {
			t.Fatal(err)
		}
		terms, phons = counts(t, db, "dupont", "durand")
		if terms["dupont"] != 1 || terms["durand"] != 1 {
			t.Fatalf("after the rename: term counts %v, want dupont 1, durand 1", terms)
		}
		if phons[namekey.Phonetic("dupont")] != 1 || phons[namekey.Phonetic("durand")] != 1 {
			t.Fatalf("after the rename: phonetic counts %v", phons)
		}
	})
}

// A common word with more bearers than one round of candidates reads,
// and a rare one: the search starts from the rare one, and widens when
// the rare word or the year was mistyped.
func TestSearch_StartsFromTheRarestWordAndWidensOnAMistake(t *testing.T) {
	t.Parallel()
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		var ps []*parcours.Person
		for i := range 260 {
			ps = append(ps, &parcours.Person{ID: store.NewID(), OrgID: e.a.OrgID, BirthName: "Martin",
				FirstNames: fmt.Sprintf("Prénom%c%c", 'a'+i%26, 'a'+i/26), BirthDate: fmt.Sprintf("%d-02-03", 1950+i%40), Sex: parcours.SexUnknown})
		}
		err := db.Transact(ctx, func(tx *store.Tx) error {
			for _, p := range ps {
				if err := tx.InsertPerson(ctx, p, ""); err != nil {
					return err
				}
			}
			return search.IndexPersons(ctx, tx, ps)
		})
		if err != nil {
			t.Fatal(err)
		}
		want := e.add(t, e.a, "MARTIN", "", "Zébulon", "1999-05-06")
		e.add(t, e.a, "MARTINEAU", "", "Zébulon", "1999-05-06")
		for _, q := range []string{
			"martin zebulon 1999",
			"zebulon martin",
			"martin zebulon 1998", // wrong year
			"martin zebluon 1999", // a typo in the rare word
			"martni zebulon",      // a typo in the common word
			"zbulon 1999 martin",
		} {
			got := e.find(t, e.a, search.Query{Q: q, Limit: 5})
			if len(got) == 0 || got[0].ID != want.ID {
				var names []string
				for _, r := range got {
					names = append(names, r.DisplayName()+" "+r.BirthDate)
				}
				t.Errorf("search %q: got %v, want MARTIN Zébulon first", q, names)
			}
		}
		// One word alone still pages through its bearers.
		if got := e.find(t, e.a, search.Query{Q: "martin", Limit: 50}); len(got) != 50 {
			t.Errorf("search martin: %d results, want a full page of 50", len(got))
		}
	})
}
