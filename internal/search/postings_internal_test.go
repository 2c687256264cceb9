package search

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// A posting list keeps its slots in increasing order, each with its tag,
// through appends (in order, or not), removals and large gaps, and
// counts them.
func TestPostingList_KeepsTheSlotsInOrder(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var p postingList
	var want []int32
	s := int32(-1)
	for range 2000 {
		s += 1 + int32(r.IntN(3)) + int32(r.IntN(2))*int32(r.IntN(1<<22)) // neighbours and far jumps
		p.add(s, uint16(s))
		want = append(want, s)
	}
	check := func(step string) {
		t.Helper()
		if got := p.slots(); !slices.Equal(got, want) || p.len() != len(want) {
			t.Fatalf("%s: %d slots, len %d; want %d", step, len(got), p.len(), len(want))
		}
		for _, x := range p.postings() {
			if x.tag != uint16(x.s) {
				t.Fatalf("%s: slot %d has tag %d, want %d", step, x.s, x.tag, uint16(x.s))
			}
		}
	}
	check("appended")
	for range 300 {
		i := r.IntN(len(want))
		p.remove(want[i])
		want = slices.Delete(want, i, i+1)
	}
	p.remove(-5) // not there
	check("removed")
	for _, x := range []int32{0, want[10] + 1, want[len(want)-1] + 7, want[3]} { // earlier slots, and one already there
		p.add(x, uint16(x))
		want = append(want, x)
	}
	slices.Sort(want)
	want = slices.Compact(want)
	check("added out of order")
	if len(p.b) > 5*len(want) {
		t.Errorf("%d bytes for %d slots", len(p.b), len(want))
	}
}
