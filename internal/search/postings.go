package search

import (
	"encoding/binary"
	"slices"
)

// postingList is the slots of the persons indexed under one token or
// phonetic key, in increasing order, each stored as its distance from the
// previous one in a varint (a common first name's list, thousands of
// persons, takes a byte per person instead of four: issue 17, serve's
// live heap under its memory limit) followed by the person's tag (two
// bytes: organisation and birth year, see tagOf). A search walks lists
// from the start and filters on the tags as it reads them: the walk
// reads its list and nothing else, where looking each person's
// organisation and year up in the index's arrays was a cache miss a
// posting, most of a search's time at 500,000 persons.
type postingList struct {
	b    []byte // uvarint distances (the first from -1), each followed by a tag
	n    int32  // slots in the list
	last int32  // the last slot, the base of the next one appended
}

// posting is a slot and its tag.
type posting struct {
	s   int32
	tag uint16
}

func (p *postingList) len() int { return int(p.n) }

// add appends s with its tag. Slots are handed out in increasing order
// and a person put back into the index gets a new one, so s is the
// largest; should it not be, the list is rebuilt in order.
func (p *postingList) add(s int32, tag uint16) {
	if p.n > 0 && s <= p.last {
		all := append(p.postings(), posting{s, tag})
		slices.SortStableFunc(all, func(a, b posting) int { return int(a.s - b.s) })
		p.set(slices.CompactFunc(all, func(a, b posting) bool { return a.s == b.s }))
		return
	}
	prev := int32(-1)
	if p.n > 0 {
		prev = p.last
	}
	p.b = binary.AppendUvarint(p.b, uint64(s-prev))
	p.b = append(p.b, byte(tag), byte(tag>>8))
	p.last = s
	p.n++
}

// next decodes the posting at b[i:] after slot s: the next slot, its tag
// and where the following posting starts. Most distances take one byte.
func (p *postingList) next(i int, s int32) (int32, uint16, int) {
	b := p.b
	if c := b[i]; c < 0x80 {
		return s + int32(c), uint16(b[i+1]) | uint16(b[i+2])<<8, i + 3
	}
	d, k := binary.Uvarint(b[i:])
	i += k
	return s + int32(d), uint16(b[i]) | uint16(b[i+1])<<8, i + 2
}

// postings decodes the list.
func (p *postingList) postings() []posting {
	out := make([]posting, 0, p.n)
	for i, s := 0, int32(-1); i < len(p.b); {
		var tag uint16
		s, tag, i = p.next(i, s)
		out = append(out, posting{s, tag})
	}
	return out
}

// slots decodes the list's slots.
func (p *postingList) slots() []int32 {
	out := make([]int32, 0, p.n)
	for i, s := 0, int32(-1); i < len(p.b); {
		s, _, i = p.next(i, s)
		out = append(out, s)
	}
	return out
}

// set replaces the list by ps, in increasing order of slots.
func (p *postingList) set(ps []posting) {
	*p = postingList{}
	for _, x := range ps {
		p.add(x.s, x.tag)
	}
}

// remove takes s out of the list, if there.
func (p *postingList) remove(s int32) {
	all := p.postings()
	if i, found := slices.BinarySearchFunc(all, s, func(x posting, s int32) int { return int(x.s - s) }); found {
		p.set(slices.Delete(all, i, i+1))
	}
}
