package store

import (
	"bytes"
	"reflect"
	"testing"
)

func seg(id, pages uint64) ftsSegment { return ftsSegment{id: id, first: 1, last: pages} }

// levelsOf gives each segment id its level.
func levelsOf(s *ftsStructure) map[uint64]int {
	m := map[uint64]int{}
	for l, lv := range s.levels {
		for _, g := range lv.segs {
			m[g.id] = l
		}
	}
	return m
}

// ageOrder lists the segment ids from the oldest (last level, first
// segment) to the newest.
func ageOrder(s *ftsStructure) []uint64 {
	var ids []uint64
	for l := len(s.levels) - 1; l >= 0; l-- {
		for _, g := range s.levels[l].segs {
			ids = append(ids, g.id)
		}
	}
	return ids
}

func structureOf(levels ...ftsLevel) *ftsStructure {
	s := &ftsStructure{cookie: [4]byte{0, 0, 0, 7}, writes: 1234567, levels: levels}
	for _, lv := range levels {
		s.segments += uint64(len(lv.segs))
	}
	return s
}

func TestFTSStructure_EncodeDecodeRoundTrip(t *testing.T) {
	s := structureOf(ftsLevel{segs: []ftsSegment{seg(1, 1), seg(300, 2)}}, ftsLevel{},
		ftsLevel{merging: 1, segs: []ftsSegment{{id: 65535, first: 1 << 20, last: 1<<31 - 1}, seg(7, 129)}})
	b := s.encode()
	got, err := decodeFTSStructure(b)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, s) {
		t.Fatalf("decoded %+v, want %+v", got, s)
	}
	if !bytes.Equal(got.encode(), b) {
		t.Fatal("encoding again differs")
	}
	for _, v := range []uint64{0, 127, 128, 16383, 16384, 1<<56 - 1, 1 << 56, 1<<64 - 1} {
		r := varintReader{b: appendVarint(nil, v)}
		if got := r.next(); got != v || r.i != len(r.b) {
			t.Errorf("varint %d read back as %d", v, got)
		}
	}
	// Cut short, trailing bytes, or the contentless_delete format: refused.
	for _, bad := range [][]byte{b[:len(b)-1], append(append([]byte{}, b...), 0), {0, 0, 0, 7, 0xff, 0, 0, 1, 0}} {
		if _, err := decodeFTSStructure(bad); err == nil {
			t.Errorf("decoded % x", bad)
		}
	}
}

func TestFTSStructure_LiftBigSegments(t *testing.T) {
	for _, tc := range []struct {
		name   string
		s      *ftsStructure
		want   map[uint64]int // id → level after
		lifted bool
	}{{
		name:   "grown by merges: nothing to lift",
		s:      structureOf(ftsLevel{segs: []ftsSegment{seg(1, 1), seg(2, 1)}}, ftsLevel{segs: []ftsSegment{seg(3, 3)}}, ftsLevel{segs: []ftsSegment{seg(4, 40), seg(5, 9)}}),
		want:   map[uint64]int{1: 0, 2: 0, 3: 1, 4: 2, 5: 2},
		lifted: false,
	}, {
		name: "the whole index merged onto level 1, small merges beside it",
		s:    structureOf(ftsLevel{segs: []ftsSegment{seg(9, 1)}}, ftsLevel{segs: []ftsSegment{seg(1, 49265), seg(2, 2), seg(3, 2)}}),
		// 49,265 pages: level 7 (16,384–65,535).
		want:   map[uint64]int{1: 7, 2: 1, 3: 1, 9: 0},
		lifted: true,
	}, {
		name:   "a bulk load's segments on level 0, then small writes",
		s:      structureOf(ftsLevel{segs: []ftsSegment{seg(1, 258), seg(2, 258), seg(3, 219), seg(4, 258), seg(5, 1)}}),
		want:   map[uint64]int{1: 4, 2: 4, 3: 3, 4: 3, 5: 0}, // 4 may not rise above 3, older than it
		lifted: true,
	}, {
		name:   "never above an older segment",
		s:      structureOf(ftsLevel{}, ftsLevel{segs: []ftsSegment{seg(2, 5000)}}, ftsLevel{segs: []ftsSegment{seg(1, 2)}}),
		want:   map[uint64]int{1: 2, 2: 2},
		lifted: true,
	}, {
		name: "a merge under way keeps its levels",
		// Level 0 is being merged into level 1's last segment: neither
		// level gives or takes segments; level 3's big one still rises.
		s: structureOf(ftsLevel{merging: 2, segs: []ftsSegment{seg(5, 300), seg(6, 1), seg(7, 300)}}, ftsLevel{segs: []ftsSegment{seg(4, 9000)}},
			ftsLevel{}, ftsLevel{segs: []ftsSegment{seg(1, 70000)}}),
		want:   map[uint64]int{1: 8, 4: 1, 5: 0, 6: 0, 7: 0},
		lifted: true,
	}, {
		name:   "nor across a merge under way",
		s:      structureOf(ftsLevel{segs: []ftsSegment{seg(3, 5000)}}, ftsLevel{merging: 2, segs: []ftsSegment{seg(1, 1), seg(2, 1)}}),
		want:   map[uint64]int{1: 1, 2: 1, 3: 0},
		lifted: false,
	}} {
		t.Run(tc.name, func(t *testing.T) {
			before := ageOrder(tc.s)
			segments := tc.s.segments
			if lifted := tc.s.liftBigSegments(); lifted != tc.lifted {
				t.Fatalf("lifted %v, want %v", lifted, tc.lifted)
			}
			if got := levelsOf(tc.s); !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("levels %v, want %v", got, tc.want)
			}
			if after := ageOrder(tc.s); !reflect.DeepEqual(after, before) {
				t.Fatalf("oldest to newest %v, was %v", after, before)
			}
			if tc.s.segments != segments {
				t.Fatalf("%d segments, was %d", tc.s.segments, segments)
			}
			if _, err := decodeFTSStructure(tc.s.encode()); err != nil {
				t.Fatal(err)
			}
		})
	}
}
