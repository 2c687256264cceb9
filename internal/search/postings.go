package search

import (
	"encoding/binary"
	"slices"
)

// postingList is the slots of the persons indexed under one token or
// phonetic key, in increasing order, each stored as its distance from the
// previous one in a varint: a common first name's list (thousands of
// persons) takes a byte per person instead of four, and the lists of the
// whole index at 500,000 persons ~3 MB instead of ~10 (issue 17: serve's
// live heap under its memory limit). Searches walk lists from the start,
// which decoding does as fast.
type postingList struct {
	b    []byte // uvarint distances; the first from -1
	n    int32  // slots in the list
	last int32  // the last slot, the base of the next one appended
}

func (p *postingList) len() int { return int(p.n) }

// add appends s. Slots are handed out in increasing order and a person
// put back into the index gets a new one, so s is the largest; should it
// not be, the list is rebuilt in order.
func (p *postingList) add(s int32) {
	if p.n > 0 && s <= p.last {
		all := append(p.slots(), s)
		slices.Sort(all)
		p.set(slices.Compact(all))
		return
	}
	prev := int32(-1)
	if p.n > 0 {
		prev = p.last
	}
	p.b = binary.AppendUvarint(p.b, uint64(s-prev))
	p.last = s
	p.n++
}

// slots decodes the list.
func (p *postingList) slots() []int32 {
	out := make([]int32, 0, p.n)
	for i, s := 0, int32(-1); i < len(p.b); {
		d, k := binary.Uvarint(p.b[i:])
		i += k
		s += int32(d)
		out = append(out, s)
	}
	return out
}

// set replaces the list by slots, in increasing order.
func (p *postingList) set(slots []int32) {
	*p = postingList{}
	for _, s := range slots {
		p.add(s)
	}
}

// remove takes s out of the list, if there.
func (p *postingList) remove(s int32) {
	all := p.slots()
	if i, found := slices.BinarySearch(all, s); found {
		p.set(slices.Delete(all, i, i+1))
	}
}
