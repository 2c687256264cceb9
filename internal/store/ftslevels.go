package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Levels of SQLite's journal full-text index (journal_fts).
//
// FTS5 keeps its index as segments on levels: each write adds a segment
// on level 0, and a merge takes every segment of the fullest level (at
// least 4, "usermerge") into one segment on the next level. The level of
// a segment thus counts the merges behind it, and FTS5 expects it to say
// its size: level k holds segments of about 4^k writes.
//
// A bulk load breaks that: the seed (and any large import) writes its
// millions of entries as a few hundred big segments on level 0, which the
// first merge turns into one segment of the whole index (≈ 200 MB at
// 500,000 persons) on level 1 — where the next merges of a few writes
// land. Once three of those sit beside it, the level is full and the
// merge rewrites the whole index with them; then again on level 2 after
// 16 merges, on level 3 after 64… (measured: ≈ 12 s of writing each
// time). A merge step can only stop between two terms, and a common
// word's list of entries spans thousands of pages, so those steps held
// SQLite's single writer 0.2–1.6 s each, every write waiting behind them
// (p99 of 280 ms adding journal entries at 1,500/s, issue 17).
//
// So before merging, the upkeep lifts each segment that is far bigger
// than its level to the level of its size (levelForPages): the small
// merges then run below it and leave it alone until the writes since
// amount to its own size, as in an index built by small writes. Only the
// levels change, never a segment. The order of the segments from oldest
// to newest — higher levels older, and within a level first older — is
// what decides between two versions of an entry (an amended entry's
// delete marker and its older text), so a segment is never lifted above
// one older than itself, and levels taking part in a merge under way are
// left as they are.

// ftsStructureID is the row of journal_fts_data holding the structure
// record: which segments make up the index, level by level.
const ftsStructureID = 10

// ftsMaxLevel is FTS5's bound on the number of levels.
const ftsMaxLevel = 64

// ftsSegment is one segment of the structure record: its id and its
// first and last leaf pages.
type ftsSegment struct{ id, first, last uint64 }

func (s ftsSegment) pages() uint64 { return s.last - s.first + 1 }

// ftsLevel is one level of the structure: merging says how many of its
// first (oldest) segments an incremental merge under way takes; that
// merge writes into the last segment of the next level.
type ftsLevel struct {
	merging uint64
	segs    []ftsSegment
}

// ftsStructure is FTS5's structure record (fts5_index.c, "Structure
// Records"), in its original format: a 4-byte configuration cookie, the
// number of levels, of segments and the write counter, then per level
// the segments in an incremental merge, their number and each segment.
type ftsStructure struct {
	cookie   [4]byte
	segments uint64
	writes   uint64
	levels   []ftsLevel
}

var errFTSStructure = errors.New("store: unknown full-text structure record")

// decodeFTSStructure reads a structure record. The format of
// contentless_delete tables (a marker after the cookie) and anything
// else it cannot read exactly is refused: the caller then leaves the
// index as it is.
func decodeFTSStructure(b []byte) (*ftsStructure, error) {
	if len(b) < 5 || (len(b) >= 8 && b[4] == 0xff && b[5] == 0 && b[6] == 0 && b[7] == 1) {
		return nil, errFTSStructure
	}
	s := &ftsStructure{}
	copy(s.cookie[:], b)
	r := varintReader{b: b, i: 4}
	nLevels := r.next()
	s.segments, s.writes = r.next(), r.next()
	if nLevels > ftsMaxLevel {
		return nil, errFTSStructure
	}
	var total uint64
	for range nLevels {
		var lv ftsLevel
		lv.merging = r.next()
		n := r.next()
		if n > s.segments {
			return nil, errFTSStructure
		}
		for range n {
			lv.segs = append(lv.segs, ftsSegment{id: r.next(), first: r.next(), last: r.next()})
		}
		if lv.merging > n {
			return nil, errFTSStructure
		}
		total += n
		s.levels = append(s.levels, lv)
	}
	if r.bad || r.i != len(b) || total != s.segments {
		return nil, errFTSStructure
	}
	return s, nil
}

// encode writes the structure record back in the same format.
func (s *ftsStructure) encode() []byte {
	out := append([]byte{}, s.cookie[:]...)
	out = appendVarint(out, uint64(len(s.levels)))
	out = appendVarint(out, s.segments)
	out = appendVarint(out, s.writes)
	for _, lv := range s.levels {
		out = appendVarint(out, lv.merging)
		out = appendVarint(out, uint64(len(lv.segs)))
		for _, g := range lv.segs {
			out = appendVarint(out, g.id)
			out = appendVarint(out, g.first)
			out = appendVarint(out, g.last)
		}
	}
	return out
}

// levelForPages is the level a segment of that many leaf pages belongs
// on: level k for 4^k to 4^(k+1)−1 pages. A segment grown by merges has
// at least 4^k writes on level k, most of them under a page, so it never
// exceeds its level; a bulk load's segments do by far.
func levelForPages(pages uint64) int {
	k := 0
	for pages >= 4 && k < ftsMaxLevel-1 {
		pages /= 4
		k++
	}
	return k
}

// liftBigSegments moves the segments bigger than their level up to the
// level of their size, keeping the order from oldest to newest, and
// reports whether it moved any. Walking from the oldest segment (last
// level, first segment) to the newest, each goes to the level of its
// size or stays where it is, whichever is higher, but never above the
// level given to the one older than it. The levels of a merge under way
// (its inputs, and the next level it writes into) keep their segments
// and receive none.
func (s *ftsStructure) liftBigSegments() bool {
	n := len(s.levels)
	frozen := func(l int) bool {
		return l < n && (s.levels[l].merging > 0 || (l > 0 && s.levels[l-1].merging > 0))
	}
	type placed struct {
		seg   ftsSegment
		level int
	}
	var order []placed // oldest first
	for l := n - 1; l >= 0; l-- {
		for _, g := range s.levels[l].segs {
			order = append(order, placed{g, l})
		}
	}
	moved := false
	ceiling := ftsMaxLevel - 1
	for i := range order {
		p := &order[i]
		if frozen(p.level) {
			ceiling = p.level
			continue
		}
		to := max(p.level, min(levelForPages(p.seg.pages()), ceiling))
		// Never into a level of a merge under way, nor across one.
		for l := p.level + 1; l <= to; l++ {
			if frozen(l) {
				to = l - 1
				break
			}
		}
		if to != p.level {
			p.level, moved = to, true
		}
		ceiling = p.level
	}
	if !moved {
		return false
	}
	top := 0
	for _, p := range order {
		top = max(top, p.level)
	}
	levels := make([]ftsLevel, max(n, top+1))
	for l := range min(n, len(levels)) {
		levels[l].merging = s.levels[l].merging
	}
	// order runs oldest first: appending keeps each level's segments
	// oldest first.
	for _, p := range order {
		levels[p.level].segs = append(levels[p.level].segs, p.seg)
	}
	s.levels = levels
	return true
}

// varintReader reads SQLite varints (big-endian, 7 bits a byte, the
// ninth byte whole).
type varintReader struct {
	b   []byte
	i   int
	bad bool
}

func (r *varintReader) next() uint64 {
	var v uint64
	for k := 0; k < 9; k++ {
		if r.i >= len(r.b) {
			r.bad = true
			return 0
		}
		c := r.b[r.i]
		r.i++
		if k == 8 {
			return v<<8 | uint64(c)
		}
		v = v<<7 | uint64(c&0x7f)
		if c&0x80 == 0 {
			return v
		}
	}
	return v
}

// appendVarint appends v as a SQLite varint.
func appendVarint(b []byte, v uint64) []byte {
	if v > 1<<56-1 {
		var buf [9]byte
		buf[8] = byte(v)
		v >>= 8
		for i := 7; i >= 0; i-- {
			buf[i] = byte(v&0x7f) | 0x80
			v >>= 7
		}
		return append(b, buf[:]...)
	}
	var buf [9]byte
	n := 0
	for {
		buf[n] = byte(v&0x7f) | 0x80
		n++
		v >>= 7
		if v == 0 {
			break
		}
	}
	buf[0] &= 0x7f // the lowest group, written last, ends the varint
	for i := n - 1; i >= 0; i-- {
		b = append(b, buf[i])
	}
	return b
}

// liftFullTextSegments lifts the journal index's oversized segments
// (liftBigSegments) and reports whether it did. The check reads the
// structure on a read connection, which costs the writer nothing; the
// change, needed after a bulk load only, is written through a connection
// of its own: FTS5 keeps the structure in memory per connection and
// reloads it when another connection has written the database, so the
// write connection then sees the new levels (written through it, its
// next merge would put back the levels it remembers).
func (db *DB) liftFullTextSegments(ctx context.Context) (bool, error) {
	if db.dialect != SQLite {
		return false, nil
	}
	var b []byte
	if err := db.r.QueryRowContext(ctx, "SELECT block FROM journal_fts_data WHERE id = ?", ftsStructureID).Scan(&b); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return false, nil // an empty index
		}
		return false, err
	}
	if s, err := decodeFTSStructure(b); err != nil || !s.liftBigSegments() {
		return false, nil
	}
	c, err := sql.Open("sqlite", "file:"+sqlitePath(db.dsn)+"?_pragma=busy_timeout(10000)&_txlock=immediate")
	if err != nil {
		return false, err
	}
	defer c.Close()
	tx, err := c.BeginTx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	// Again under the write lock: a merge may have run meanwhile.
	if err := tx.QueryRowContext(ctx, "SELECT block FROM journal_fts_data WHERE id = ?", ftsStructureID).Scan(&b); err != nil {
		return false, err
	}
	s, err := decodeFTSStructure(b)
	if err != nil || !s.liftBigSegments() {
		return false, nil
	}
	if _, err := tx.ExecContext(ctx, "UPDATE journal_fts_data SET block = ? WHERE id = ?", s.encode(), ftsStructureID); err != nil {
		return false, fmt.Errorf("store: lift the full-text segments: %w", err)
	}
	return true, tx.Commit()
}
