package search

import (
	"cmp"
	"context"
	"fmt"
	"math/bits"
	"math/rand/v2"
	"slices"
	"testing"

	"parcours/internal/store"
)

// The walk filters postings on their tags; where a tag cannot tell (an
// organisation past the coded ones, a birth year out of the coded range
// or none), it reads the record. Either way the candidates are those of
// the text comparison the SQL path makes: persons of the organisations
// asked, born in [from, before).
func TestIndex_TagsFilterAsTheRecords(t *testing.T) {
	ix := &Index{}
	ix.init()
	births := []string{"1985-03-12", "1985-12-31", "1986-01-01", "1984-12-31", "1799-05-01", "1800-01-01",
		"2822-01-01", "2823-06-01", "3100-01-01", "", "198", "abcd-01-01", "1985"}
	type person struct{ id, org, birth string }
	var all []person
	n := 0
	for o := range tagOrgs + 6 { // past the coded organisations
		org := fmt.Sprintf("org-%03d", o)
		for _, b := range births {
			p := person{fmt.Sprintf("%08x-0000-4000-8000-%012x", n, n), org, b}
			n++
			all = append(all, p)
			ix.put(&store.IndexedPerson{ID: p.id, OrgID: p.org, BirthDate: p.birth,
				Terms: []store.PersonTerm{{Field: "b", Term: "dupont", Phon: "dupon"}, {Field: "f", Term: "marie", Phon: "mari"}}})
		}
	}
	ix.compact()
	ctx := context.Background()
	for _, orgs := range [][]string{{"org-000"}, {"org-005", "org-064"}, {"org-066"}, {"org-067", "org-001"}} {
		for _, r := range [][2]string{{"", ""}, {"1985", "1986"}, {"1799", "1800"}, {"1800", "1801"}, {"2822", "2823"},
			{"2823", "2824"}, {"3100", "3101"}, {"1985-03", "1985-04"}, {"0000", "9999"}} {
			got, err := ix.SearchCandidates(ctx, orgs, store.SearchSlot{Exact: []string{"dupont"}}, nil, r[0], r[1], 10000)
			if err != nil {
				t.Fatal(err)
			}
			var gotIDs, want []string
			for _, c := range got {
				gotIDs = append(gotIDs, c.ID)
			}
			for _, p := range all {
				if slices.Contains(orgs, p.org) && (r[0] == "" || p.birth >= r[0] && p.birth < r[1]) {
					want = append(want, p.id)
				}
			}
			slices.Sort(gotIDs)
			if !slices.Equal(gotIDs, want) {
				t.Errorf("orgs %v, born in [%q, %q): %d candidates, want %d", orgs, r[0], r[1], len(gotIDs), len(want))
			}
		}
	}
}

// selectFirst leaves the k first candidates of the order, whatever their
// number and arrangement, as a sort would.
func TestSelectFirst_KeepsTheFirstOfTheOrder(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	compare := func(a, b cand) int { return cmp.Compare(a.key, b.key) }
	for _, n := range []int{1, 5, 13, 200, 201, 1000, 5000} {
		for _, k := range []int{1, 12, 13, 200, n - 1, n} {
			if k < 1 || k > n {
				continue
			}
			cs := make([]cand, n)
			for i := range cs {
				cs[i] = cand{key: uint64(i)}
			}
			r.Shuffle(n, func(i, j int) { cs[i], cs[j] = cs[j], cs[i] })
			selectFirst(cs, k, compare)
			got := slices.Clone(cs[:k])
			slices.SortFunc(got, compare)
			for i, c := range got {
				if c.key != uint64(i) {
					t.Fatalf("n %d, k %d: the first %d hold %d at %d", n, k, k, c.key, i)
				}
			}
		}
	}
}

// selectFirst stays near linear on what SearchCandidates hands it
// without a birth year: thousands of hits in a few ascending runs, one
// per posting list walked (the surname's look-alikes, its phonetic key),
// the runs' persons overlapping in the order. Pivots taken at fixed
// places went quadratic there: the 5,000 hits of one search cost 1.3
// million comparisons (13 ms).
func TestSelectFirst_LinearOnPostingRuns(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	compare := func(a, b cand) int {
		if a.key != b.key {
			return cmp.Compare(a.key, b.key)
		}
		return cmp.Compare(a.s, b.s) // the ids' order, as SearchCandidates's
	}
	for _, runs := range [][]int{{112, 2778, 2009}, {300, 300}, {5000, 5000, 5000, 5000}} {
		var cs []cand
		for _, l := range runs {
			keys := make([]uint64, l)
			for i := range keys {
				keys[i] = uint64(r.IntN(1 << 20))
			}
			slices.Sort(keys)
			for _, k := range keys {
				cs = append(cs, cand{key: 62<<58 | 1<<56 | k, s: int32(len(cs))})
			}
		}
		want := slices.Clone(cs)
		slices.SortFunc(want, compare)
		compares := 0
		selectFirst(cs, 200, func(a, b cand) int { compares++; return compare(a, b) })
		// A sort of all of them is the ceiling.
		if n := len(cs); compares > n*bits.Len(uint(n)) {
			t.Errorf("runs %v: %d comparisons for %d hits, more than a sort's %d", runs, compares, n, n*bits.Len(uint(n)))
		}
		got := slices.Clone(cs[:200])
		slices.SortFunc(got, compare)
		if !slices.Equal(got, want[:200]) {
			t.Errorf("runs %v: the first 200 are not the order's first", runs)
		}
	}
}
