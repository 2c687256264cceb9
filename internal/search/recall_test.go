package search_test

import (
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"parcours/internal/demo"
	"parcours/internal/parcours"
	"parcours/internal/search"
	"parcours/internal/search/namekey"
	"parcours/internal/store"
	"parcours/internal/store/storetest"
)

// The recall set: a synthetic population drawn from the French name model
// (package demo) and labelled queries as front-desk workers type them —
// typing mistakes, phonetic spellings, missing accents, swapped order,
// birth name for usage name, partial dates. Both files are checked in, so
// the test does not move when the name model changes; regenerate them with
//
//	go test ./internal/search -run TestRecall -update
var update = flag.Bool("update", false, "regenerate testdata/recall_*.csv")

const (
	recallPopulation = "testdata/recall_population.csv"
	recallQueries    = "testdata/recall_queries.csv"
	recallPersons    = 3000
	recallQueryCount = 600
	recallTarget     = 0.98
	recallTop        = 5
)

var populationHeader = []string{"key", "birth_name", "usage_name", "first_names", "birth_date", "sex", "birth_place", "city"}

// A query row: what is typed, the kind of difficulty, and the keys of
// the persons that are right answers (several when the query cannot tell
// them apart: same names and the same date as far as given).
var queryHeader = []string{"q", "kind", "expected"}

func TestRecall_Top5AtLeast98PercentOnBothBackends(t *testing.T) {
	if *update {
		generateRecallSet(t)
	}
	people := readCSV(t, recallPopulation, populationHeader)
	queries := readCSV(t, recallQueries, queryHeader)
	if len(queries) < 500 {
		t.Fatalf("recall set has %d queries, want at least 500", len(queries))
	}
	// What each backend ranks first, by query, to compare them after.
	top := map[string][]string{}
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		byID := loadPopulation(t, db, e.a.OrgID, people)
		// The in-process index (serve's path) and the database's.
		for _, m := range []struct {
			name string
			s    *search.Service
		}{{"index", e.search}, {"sql", e.sql}} {
			key := string(db.Dialect().String()) + "/" + m.name
			hits := 0
			missedKinds := map[string]int{}
			for _, q := range queries {
				res, err := m.s.Search(context.Background(), e.a, search.Query{Q: q[0], Limit: recallTop})
				if err != nil {
					t.Fatalf("%s: query %q: %v", m.name, q[0], err)
				}
				expected := strings.Split(q[2], " ")
				first := ""
				if len(res.Items) > 0 {
					first = byID[res.Items[0].ID]
				}
				top[key] = append(top[key], first)
				found := false
				for _, r := range res.Items {
					if slices.Contains(expected, byID[r.ID]) {
						found = true
						break
					}
				}
				if found {
					hits++
				} else {
					missedKinds[q[1]]++
					if testing.Verbose() {
						t.Logf("%s: missed %s query %q (want %s)", m.name, q[1], q[0], q[2])
					}
				}
			}
			recall := float64(hits) / float64(len(queries))
			t.Logf("%s, %s: recall@%d = %.3f over %d queries; misses by kind %v", db.Dialect(), m.name, recallTop, recall, len(queries), missedKinds)
			if recall < recallTarget {
				t.Errorf("%s: recall@%d = %.3f, want ≥ %.2f", m.name, recallTop, recall, recallTarget)
			}
		}
		// The index answers without reading the index tables.
		c := &storetest.Counter{}
		if _, err := e.search.Search(c.Context(context.Background()), e.a, search.Query{Q: queries[0][0], Limit: recallTop}); err != nil {
			t.Fatal(err)
		}
		for _, st := range c.Statements {
			if strings.Contains(st, "person_terms") || strings.Contains(st, "search_terms") || strings.Contains(st, "search_phons") {
				t.Fatalf("the index search read the index tables:\n%s", c)
			}
		}
	})
	// Both backends rank in Go over the same index keys; they may differ
	// only where their trigram indexes offer different look-alike words.
	for _, m := range []string{"index", "sql"} {
		a, b := top[store.SQLite.String()+"/"+m], top[store.Postgres.String()+"/"+m]
		if len(a) == len(queries) && len(b) == len(queries) {
			same := 0
			for i := range a {
				if a[i] == b[i] {
					same++
				}
			}
			agree := float64(same) / float64(len(queries))
			t.Logf("%s: same first result on both backends: %.3f", m, agree)
			if agree < 0.97 {
				t.Errorf("%s: backends agree on the first result for %.3f of the queries, want ≥ 0.97", m, agree)
			}
		}
	}
}

// loadPopulation stores the population in bulk and indexes it as the
// operator tools do; it returns person id → population key.
func loadPopulation(t testing.TB, db *store.DB, orgID string, rows [][]string) map[string]string {
	t.Helper()
	byID := map[string]string{}
	var ps []*parcours.Person
	for _, r := range rows {
		p := &parcours.Person{ID: store.NewID(), OrgID: orgID, BirthName: r[1], UsageName: r[2], FirstNames: r[3], BirthDate: r[4],
			Sex: parcours.Sex(r[5]), BirthPlace: r[6], Address: parcours.Address{City: r[7]}}
		byID[p.ID] = r[0]
		ps = append(ps, p)
	}
	ctx := context.Background()
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
	return byID
}

func readCSV(t testing.TB, path string, header []string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("%v (generate with -update)", err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) == 0 || !slices.Equal(rows[0], header) {
		t.Fatalf("%s: header %v, want %v", path, rows[0], header)
	}
	return rows[1:]
}

func writeCSV(t *testing.T, path string, rows [][]string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := csv.NewWriter(f)
	if err := w.WriteAll(rows); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// generateRecallSet draws the population and the queries.
func generateRecallSet(t *testing.T) {
	pop := demo.NewPopulation(2026, demo.Reference)
	var people []*parcours.Person
	rows := [][]string{populationHeader}
	for len(people) < recallPersons {
		h := pop.Household()
		for _, m := range h.Members {
			if len(people) == recallPersons {
				break
			}
			p := m.Person
			p.ID = fmt.Sprintf("p%04d", len(people))
			people = append(people, &p)
			rows = append(rows, []string{p.ID, p.BirthName, p.UsageName, p.FirstNames, p.BirthDate, string(p.Sex), p.BirthPlace, p.Address.City})
		}
	}
	writeCSV(t, recallPopulation, rows)

	rng := rand.New(rand.NewPCG(5, 2026))
	kinds := []string{"exact", "typo1", "typo2", "phonetic", "no_accents", "inverted", "birth_name", "usage_name", "particle"}
	qrows := [][]string{queryHeader}
	for len(qrows)-1 < recallQueryCount {
		p := people[rng.IntN(len(people))]
		kind := kinds[(len(qrows)-1)%len(kinds)]
		q, ok := makeQuery(rng, p, kind)
		if !ok {
			continue
		}
		qrows = append(qrows, []string{q.text, kind, strings.Join(answers(people, p, q), " ")})
	}
	writeCSV(t, recallQueries, qrows)
}

// genQuery is a generated query: its text and what it says about the
// person (which surname, which given name, which date part).
type genQuery struct {
	text    string
	surname string // as in the file, before noise
	given   string
	date    string // "", "YYYY", "YYYY-MM" or "YYYY-MM-DD"
}

// makeQuery builds a query of kind for p, false when p does not lend
// itself to that kind (no usage name, no particle…).
func makeQuery(rng *rand.Rand, p *parcours.Person, kind string) (genQuery, bool) {
	surname := p.BirthName
	if p.UsageName != "" && rng.IntN(2) == 0 {
		surname = p.UsageName
	}
	switch kind {
	case "birth_name", "usage_name":
		if p.UsageName == "" || p.UsageName == p.BirthName {
			return genQuery{}, false
		}
		surname = p.BirthName
		if kind == "usage_name" {
			surname = p.UsageName
		}
	case "particle":
		if !hasParticle(surname) {
			return genQuery{}, false
		}
	}
	given := strings.TrimSpace(strings.Split(p.FirstNames, ",")[0])
	q := genQuery{surname: surname, given: given}
	// The date part: a year most often, sometimes month/year or the full
	// date, sometimes none.
	var datePart string
	switch x := rng.IntN(20); {
	case x < 11:
		q.date, datePart = p.BirthDate[:4], p.BirthDate[:4]
	case x < 14:
		q.date, datePart = p.BirthDate[:7], p.BirthDate[5:7]+"/"+p.BirthDate[:4]
	case x < 18:
		q.date, datePart = p.BirthDate, p.BirthDate[8:10]+"/"+p.BirthDate[5:7]+"/"+p.BirthDate[:4]
	}
	s, g := strings.ToLower(surname), strings.ToLower(given)
	switch kind {
	case "typo1":
		if rng.IntN(2) == 0 {
			s = typo(rng, s, 1)
		} else {
			g = typo(rng, g, 1)
		}
	case "typo2":
		s = typo(rng, s, 2)
	case "phonetic":
		s2, g2 := phoneticVariant(rng, s), phoneticVariant(rng, g)
		if s2 == s && g2 == g {
			return genQuery{}, false
		}
		s, g = s2, g2
	case "no_accents":
		if namekey.Fold(s) == s && namekey.Fold(g) == g {
			return genQuery{}, false
		}
		s, g = strings.Join(namekey.Words(s), " "), strings.Join(namekey.Words(g), " ")
	case "particle":
		// Particles glued or detached, the other way round from the file.
		if strings.Contains(s, " ") {
			s = strings.ReplaceAll(s, " ", "")
		} else {
			s = strings.Replace(s, "-", " ", 1)
		}
	}
	parts := []string{s, g}
	if kind == "inverted" || rng.IntN(3) == 0 {
		parts = []string{g, s}
	}
	if datePart != "" {
		parts = append(parts, datePart)
	}
	q.text = strings.Join(parts, " ")
	return q, true
}

func hasParticle(name string) bool {
	for _, w := range namekey.Words(name) {
		if namekey.IsParticle(w) {
			return true
		}
	}
	return false
}

// typo makes n typing mistakes in a word long enough to bear them (one
// below six letters), as namekey.MaxEdits allows: a neighbouring key, a
// letter dropped or doubled, two letters swapped.
func typo(rng *rand.Rand, w string, n int) string {
	r := []rune(w)
	if len(r) < 6 {
		n = 1
	}
	if len(r) < 4 {
		return w
	}
	neighbours := map[rune]string{'a': "zqs", 'e': "zrd", 'i': "uok", 'o': "ipl", 'u': "yij", 'n': "bhm", 'm': "nlk", 'r': "etf",
		's': "qdz", 't': "ryg", 'l': "kmo", 'd': "sfe", 'c': "xv", 'b': "vn", 'h': "gjn", 'g': "fht"}
	for i := 0; i < n; i++ {
		// Leave the first letter: people rarely get it wrong.
		pos := 1 + rng.IntN(len(r)-1)
		switch rng.IntN(4) {
		case 0:
			if nb, ok := neighbours[r[pos]]; ok {
				r[pos] = []rune(nb)[rng.IntN(len(nb))]
			} else {
				r = append(r[:pos], r[pos+1:]...)
			}
		case 1:
			r = append(r[:pos], r[pos+1:]...)
		case 2:
			r = slices.Insert(r, pos, r[pos])
		case 3:
			if pos+1 < len(r) {
				r[pos], r[pos+1] = r[pos+1], r[pos]
			} else {
				r = r[:pos]
			}
		}
	}
	return string(r)
}

// phoneticVariant spells a word another way that sounds the same.
func phoneticVariant(rng *rand.Rand, w string) string {
	rules := [][2]string{{"ph", "f"}, {"f", "ph"}, {"mm", "m"}, {"ll", "l"}, {"tt", "t"}, {"ss", "s"}, {"nn", "n"},
		{"é", "e"}, {"è", "e"}, {"ë", "e"}, {"ï", "i"}, {"y", "i"}, {"eau", "o"}, {"au", "o"}, {"qu", "k"}, {"c", "k"},
		{"th", "t"}, {"bv", "v"}, {"ez", "es"}, {"ou", "ou"}, {"k", "c"}, {"ck", "k"}, {"gu", "g"}}
	rng.Shuffle(len(rules), func(i, j int) { rules[i], rules[j] = rules[j], rules[i] })
	for _, rl := range rules {
		if i := strings.Index(w, rl[0]); i >= 0 && rl[0] != rl[1] {
			// "c" before e, i, y sounds s: do not turn it into k.
			if rl[0] == "c" && i+1 < len(w) && strings.ContainsRune("eiyéè", rune(w[i+1])) {
				continue
			}
			if rl[0] == "gu" && (i+2 >= len(w) || !strings.ContainsRune("eiy", rune(w[i+2]))) {
				continue
			}
			return w[:i] + rl[1] + w[i+len(rl[0]):]
		}
	}
	return w
}

// answers lists the persons a query cannot tell from p: the same folded
// surname (birth or usage) and given name, and a birth date agreeing with
// the part given.
func answers(people []*parcours.Person, p *parcours.Person, q genQuery) []string {
	key := func(s string) string { return strings.Join(namekey.Words(s), " ") }
	var out []string
	for _, o := range people {
		if key(o.BirthName) != key(q.surname) && key(o.UsageName) != key(q.surname) {
			continue
		}
		if !slices.Contains(namekey.Words(o.FirstNames), namekey.Words(q.given)[0]) {
			continue
		}
		if !strings.HasPrefix(o.BirthDate, q.date) {
			continue
		}
		out = append(out, o.ID)
	}
	if !slices.Contains(out, p.ID) {
		out = append(out, p.ID)
	}
	return out
}
