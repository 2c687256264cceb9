package search

import (
	"bytes"
	"cmp"
	"context"
	"encoding/binary"
	"encoding/hex"
	"math/bits"
	"runtime/debug"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"parcours/internal/search/namekey"
	"parcours/internal/store"
)

// Index is an in-process copy of the person search index (the rows of
// person_terms and the dictionaries' counts), answering the three index
// questions of a search — dictionary counts, look-alike words, candidates
// — in memory instead of three to six statements. It only generates and
// ranks candidates: the persons shown are still read from the database
// and filtered by the access policy (visible), and the search is audited,
// as without it.
//
// It is kept current by the store's index hooks: every transaction that
// changes index entries (store.ReplacePersonTerms, InsertPersonTermsBulk)
// names the persons at commit; this instance reloads them before the
// writer's request returns, and the other instances on the same
// PostgreSQL database hear of them by LISTEN/NOTIFY. While the listener
// is disconnected, or until the index is built or rebuilt after a missed
// notification, searches use the SQL path (Service.Search falls back).
type Index struct {
	db *store.DB

	mu sync.RWMutex
	// Dictionary: interned tokens and phonetic keys, with the persons
	// indexed under each (each person once per token, once per key).
	termID   map[string]uint32
	terms    []string
	termPhon []uint32 // token → its phonetic key as stored
	termLen  []uint8  // token → its letters (255: as many or more)
	termPost []postingList
	phonID   map[string]uint32
	phons    []string
	phonPost []postingList
	trigrams map[string][]uint32 // padded trigram → tokens having it
	// Persons by slot: id, organisation and birth date (interned), and
	// their entries (field and token packed in entries[off:off+n]).
	// The slots [0, sorted) hold the persons of the last build in id
	// order (found by binary search); slot maps those added since.
	sorted  int32
	gone    map[int32]bool // removed from the sorted slots
	loading bool           // a build's fresh index: slots not mapped yet
	slot    map[[16]byte]int32
	oddSlot map[string]int32 // ids that are not UUIDs
	ids     [][16]byte
	oddIDs  map[int32]string
	rec     []slotRec
	orgTag  map[uint32]uint16 // organisation → its code in tags (tagOf)
	entries []uint32
	strs    map[string]uint32 // organisations and birth dates
	strList []string
	strYear []uint16 // the year a birth date of strList starts with, or noYear

	ready   atomic.Bool // built and current
	rebuild chan struct{}
	// While a build reads, the changes heard are kept for it to apply.
	buildMu  sync.Mutex
	building bool
	during   []string
}

// slotRec is what the index keeps of a person besides the id, in one
// record: a search reads it for the candidates it keeps (the postings it
// walks carry their organisation and birth year: postingList), and one
// cache line then holds the organisation, the birth date and where the
// entries are.
type slotRec struct {
	off   uint32 // entries[off:off+n]
	org   uint32 // interned
	birth uint32 // interned
	year  uint16 // strYear[birth]
	n     uint8
}

// A person's tag, stored with each of their postings, packs what a search
// filters the postings on (postingList): the organisation, coded among
// the first tagOrgs organisations seen (tagOrgs: another one, see the
// record), and the birth year from tagYearBase (tagNoYear: none or out of
// range, see the record).
const (
	tagYearBits = 10
	tagNoYear   = 1<<tagYearBits - 1
	tagYearBase = 1800
	tagOrgs     = 1<<(16-tagYearBits) - 1
)

func (ix *Index) tagOf(org uint32, year uint16) uint16 {
	code, ok := ix.orgTag[org]
	if !ok {
		code = tagOrgs
		if len(ix.orgTag) < tagOrgs {
			code = uint16(len(ix.orgTag))
			ix.orgTag[org] = code
		}
	}
	y := uint16(tagNoYear)
	if year != noYear && year >= tagYearBase && year < tagYearBase+tagNoYear {
		y = year - tagYearBase
	}
	return code<<tagYearBits | y
}

// tagYear is the tag's year code of the years from y on: the bound of a
// range of years in tag codes.
func tagYear(y uint16) uint16 {
	switch {
	case y < tagYearBase:
		return 0
	case y >= tagYearBase+tagNoYear:
		return tagNoYear
	}
	return y - tagYearBase
}

func (ix *Index) slotEntries(s int32) []uint32 {
	r := &ix.rec[s]
	return ix.entries[r.off : r.off+uint32(r.n)]
}

// fields packs the field of an entry in its top two bits.
var fields = []string{"b", "u", "f"}

func fieldCode(f string) uint32 {
	for i, x := range fields {
		if x == f {
			return uint32(i)
		}
	}
	return 2
}

// NewIndex returns the in-process index of db, empty and not ready:
// Start builds it and keeps it current.
func NewIndex(db *store.DB) *Index {
	return &Index{db: db, rebuild: make(chan struct{}, 1)}
}

// Start subscribes to index changes and builds the index in the
// background, rebuilding it whenever changes may have been missed, until
// ctx ends.
func (ix *Index) Start(ctx context.Context) {
	ix.db.OnSearchChange(func(ids []string) {
		ix.buildMu.Lock()
		if ix.building && ids != nil {
			ix.during = append(ix.during, ids...)
			ix.buildMu.Unlock()
			return
		}
		ix.buildMu.Unlock()
		if ids == nil {
			ix.ready.Store(false)
			select {
			case ix.rebuild <- struct{}{}:
			default:
			}
			return
		}
		if !ix.ready.Load() {
			return // the next build reads them
		}
		if err := ix.reload(context.WithoutCancel(ctx), ids); err != nil {
			ix.ready.Store(false)
			select {
			case ix.rebuild <- struct{}{}:
			default:
			}
		}
	})
	select {
	case ix.rebuild <- struct{}{}:
	default:
	}
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case <-ix.rebuild:
			}
			if err := ix.Build(ctx); err != nil && ctx.Err() == nil {
				time.Sleep(time.Second)
				select {
				case ix.rebuild <- struct{}{}:
				default:
				}
			}
		}
	}()
}

// Ready reports whether searches may use the index: built, and hearing of
// every change.
func (ix *Index) Ready() bool { return ix != nil && ix.ready.Load() && ix.db.SearchChangesHeard() }

// WaitReady waits until the index is ready, or ctx ends.
func (ix *Index) WaitReady(ctx context.Context) error {
	for !ix.Ready() {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(5 * time.Millisecond):
		}
	}
	return nil
}

// Build reads the whole index from the database. Changes committed while
// it reads are applied after, by id, so that none is lost.
func (ix *Index) Build(ctx context.Context) error {
	ix.buildMu.Lock()
	ix.building, ix.during = true, nil
	ix.buildMu.Unlock()
	// The build allocates and drops much (rows, slices outgrown): a
	// tighter collector while it runs keeps the process's peak memory near
	// what the index keeps, at a few seconds of extra GC work once.
	defer debug.SetGCPercent(debug.SetGCPercent(20))
	fresh := NewIndex(ix.db)
	fresh.init()
	err := ix.db.EachIndexedPerson(ctx, func(p *store.IndexedPerson) error {
		fresh.put(p)
		return nil
	})
	if err != nil {
		ix.buildMu.Lock()
		ix.building = false
		ix.buildMu.Unlock()
		return err
	}
	fresh.compact()
	ix.mu.Lock()
	ix.termID, ix.terms, ix.termPhon, ix.termPost, ix.termLen = fresh.termID, fresh.terms, fresh.termPhon, fresh.termPost, fresh.termLen
	ix.phonID, ix.phons, ix.phonPost, ix.trigrams = fresh.phonID, fresh.phons, fresh.phonPost, fresh.trigrams
	ix.slot, ix.oddSlot, ix.ids, ix.oddIDs = fresh.slot, fresh.oddSlot, fresh.ids, fresh.oddIDs
	ix.sorted, ix.gone = fresh.sorted, fresh.gone
	ix.rec, ix.entries, ix.orgTag = fresh.rec, fresh.entries, fresh.orgTag
	ix.strs, ix.strList, ix.strYear = fresh.strs, fresh.strList, fresh.strYear
	ix.mu.Unlock()
	// Changes committed while reading, applied now; a change heard after
	// this is reloaded by the subscriber (ready is set under buildMu, so
	// none falls between).
	ix.buildMu.Lock()
	defer ix.buildMu.Unlock()
	late := ix.during
	ix.building, ix.during = false, nil
	if len(late) > 0 {
		if err := ix.reload(ctx, late); err != nil {
			return err
		}
	}
	ix.ready.Store(true)
	return nil
}

// compact ends a build: the slots read in id order are searched by
// binary search (no map of half a million ids; should the order be
// otherwise, they are mapped), and the posting lists move into one array
// cut to size, without the slack of their growth.
func (ix *Index) compact() {
	n := int32(len(ix.ids))
	inOrder := true
	for i := int32(1); i < n && inOrder; i++ {
		inOrder = bytes.Compare(ix.ids[i-1][:], ix.ids[i][:]) < 0
	}
	if inOrder {
		ix.sorted = n
		// A non-UUID id (in oddSlot) leaves a zero key in its slot, which
		// would break the order: then map them all.
		inOrder = len(ix.oddSlot) == 0
	}
	if !inOrder {
		ix.sorted = 0
		for i, k := range ix.ids {
			if _, odd := ix.oddIDs[int32(i)]; !odd {
				ix.slot[k] = int32(i)
			}
		}
	}
	ix.loading = false
	total := 0
	for _, p := range ix.termPost {
		total += len(p.b)
	}
	for _, p := range ix.phonPost {
		total += len(p.b)
	}
	arena := make([]byte, 0, total)
	for _, posts := range [][]postingList{ix.termPost, ix.phonPost} {
		for i := range posts {
			p := &posts[i]
			a := len(arena)
			arena = append(arena, p.b...)
			p.b = arena[a:len(arena):len(arena)] // an append copies it out
		}
	}
	// The arrays grown by append, cut to size: the slack of their last
	// growth (up to a quarter) is megabytes at 500,000 persons.
	ix.ids, ix.rec, ix.entries = slices.Clone(ix.ids), slices.Clone(ix.rec), slices.Clone(ix.entries)
}

func (ix *Index) init() {
	ix.termID, ix.phonID = map[string]uint32{}, map[string]uint32{}
	ix.trigrams = map[string][]uint32{}
	ix.slot, ix.oddSlot, ix.oddIDs = map[[16]byte]int32{}, map[string]int32{}, map[int32]string{}
	ix.gone = map[int32]bool{}
	ix.loading = true // put fills ids in order; compact sorts it out
	ix.strs = map[string]uint32{}
	ix.orgTag = map[uint32]uint16{}
}

// reload replaces the entries of ids by what the database has now.
func (ix *Index) reload(ctx context.Context, ids []string) error {
	got, err := ix.db.IndexedPersons(ctx, ids)
	if err != nil {
		return err
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	for _, id := range ids {
		ix.remove(id)
		if p := got[id]; p != nil {
			ix.put(p)
		}
	}
	return nil
}

// uuidKey is the 16 bytes of a canonical UUID.
func uuidKey(id string) ([16]byte, bool) {
	var k [16]byte
	if len(id) != 36 || id[8] != '-' || id[13] != '-' || id[18] != '-' || id[23] != '-' {
		return k, false
	}
	var b [32]byte
	copy(b[0:8], id[0:8])
	copy(b[8:12], id[9:13])
	copy(b[12:16], id[14:18])
	copy(b[16:20], id[19:23])
	copy(b[20:32], id[24:36])
	for _, c := range b {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return k, false // upper case would not print back the same
		}
	}
	if _, err := hex.Decode(k[:], b[:]); err != nil {
		return k, false
	}
	return k, true
}

func (ix *Index) idOf(s int32) string {
	if id, ok := ix.oddIDs[s]; ok {
		return id
	}
	var b [36]byte
	return string(appendUUID(b[:0], ix.ids[s]))
}

// appendUUID appends the canonical form of k to b.
func appendUUID(b []byte, k [16]byte) []byte {
	i := len(b)
	b = append(b, make([]byte, 36)...)
	u := b[i : i+36]
	hex.Encode(u[0:8], k[0:4])
	u[8] = '-'
	hex.Encode(u[9:13], k[4:6])
	u[13] = '-'
	hex.Encode(u[14:18], k[6:8])
	u[18] = '-'
	hex.Encode(u[19:23], k[8:10])
	u[23] = '-'
	hex.Encode(u[24:36], k[10:16])
	return b
}

func (ix *Index) lookup(id string) (int32, bool) {
	if k, ok := uuidKey(id); ok {
		if s, ok := ix.slot[k]; ok {
			return s, ok
		}
		i, found := sort.Find(int(ix.sorted), func(i int) int { return bytes.Compare(k[:], ix.ids[i][:]) })
		if found && !ix.gone[int32(i)] {
			return int32(i), true
		}
		return 0, false
	}
	s, ok := ix.oddSlot[id]
	return s, ok
}

func (ix *Index) str(s string) uint32 {
	if i, ok := ix.strs[s]; ok {
		return i
	}
	i := uint32(len(ix.strList))
	ix.strs[s] = i
	ix.strList = append(ix.strList, s)
	ix.strYear = append(ix.strYear, yearOf(s))
	return i
}

func (ix *Index) term(t, phon string) uint32 {
	if i, ok := ix.termID[t]; ok {
		return i
	}
	i := uint32(len(ix.terms))
	ix.termID[t] = i
	ix.terms = append(ix.terms, t)
	ix.termPost = append(ix.termPost, postingList{})
	p, ok := ix.phonID[phon]
	if !ok {
		p = uint32(len(ix.phons))
		ix.phonID[phon] = p
		ix.phons = append(ix.phons, phon)
		ix.phonPost = append(ix.phonPost, postingList{})
	}
	ix.termPhon = append(ix.termPhon, p)
	ix.termLen = append(ix.termLen, uint8(min(utf8.RuneCountInString(t), 255)))
	for _, g := range trigramsOf(t) {
		ix.trigrams[g] = append(ix.trigrams[g], i)
	}
	return i
}

// put adds p, which is not in the index.
func (ix *Index) put(p *store.IndexedPerson) {
	if len(p.Terms) == 0 {
		return
	}
	s := int32(len(ix.ids))
	k, ok := uuidKey(p.ID)
	ix.ids = append(ix.ids, k)
	if ok {
		if !ix.loading {
			ix.slot[k] = s
		}
	} else {
		ix.oddSlot[p.ID] = s
		ix.oddIDs[s] = p.ID
	}
	n := min(len(p.Terms), 255)
	birth := ix.str(p.BirthDate)
	org := ix.str(p.OrgID)
	ix.rec = append(ix.rec, slotRec{off: uint32(len(ix.entries)), org: org, birth: birth, year: ix.strYear[birth], n: uint8(n)})
	tag := ix.tagOf(org, ix.strYear[birth])
	var seenT, seenP [8]uint32
	nt, np := 0, 0
	has := func(seen []uint32, x uint32) bool {
		for _, y := range seen {
			if y == x {
				return true
			}
		}
		return false
	}
	var moreT, moreP []uint32
	for _, t := range p.Terms[:n] {
		// A token whose stored key differs from the dictionary's (the
		// phonetic rules changed since) keeps the first key seen.
		ti := ix.term(t.Term, t.Phon)
		ix.entries = append(ix.entries, fieldCode(t.Field)<<30|ti)
		if !has(seenT[:nt], ti) && !has(moreT, ti) {
			if nt < len(seenT) {
				seenT[nt] = ti
				nt++
			} else {
				moreT = append(moreT, ti)
			}
			ix.termPost[ti].add(s, tag)
		}
		if pi := ix.termPhon[ti]; !has(seenP[:np], pi) && !has(moreP, pi) {
			if np < len(seenP) {
				seenP[np] = pi
				np++
			} else {
				moreP = append(moreP, pi)
			}
			ix.phonPost[pi].add(s, tag)
		}
	}
}

// remove takes id out of the index, if there.
func (ix *Index) remove(id string) {
	s, ok := ix.lookup(id)
	if !ok {
		return
	}
	for _, e := range ix.slotEntries(s) {
		ti := e &^ (3 << 30)
		ix.termPost[ti].remove(s)
		pi := ix.termPhon[ti]
		ix.phonPost[pi].remove(s)
	}
	ix.rec[s].n = 0
	if k, ok := uuidKey(id); ok {
		if _, ok := ix.slot[k]; ok {
			delete(ix.slot, k)
		} else {
			ix.gone[s] = true
		}
	} else {
		delete(ix.oddSlot, id)
		delete(ix.oddIDs, s)
	}
}

// trigramsOf is the trigrams of t padded as pg_trgm does (two spaces
// before, one after), each once.
func trigramsOf(t string) []string {
	r := append(append([]rune("  "), []rune(t)...), ' ')
	out := make([]string, 0, len(r))
	seen := map[string]bool{}
	for i := 0; i+3 <= len(r); i++ {
		g := string(r[i : i+3])
		if !seen[g] {
			seen[g] = true
			out = append(out, g)
		}
	}
	return out
}

// DictionaryCounts is store.Tx.DictionaryCounts from memory.
func (ix *Index) DictionaryCounts(_ context.Context, words, phons []string) (map[string]int, map[string]int, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	terms, keys := map[string]int{}, map[string]int{}
	for _, w := range words {
		if i, ok := ix.termID[w]; ok && ix.termPost[i].len() > 0 {
			terms[w] = ix.termPost[i].len()
		}
	}
	for _, p := range phons {
		if i, ok := ix.phonID[p]; ok && ix.phonPost[i].len() > 0 {
			keys[p] = ix.phonPost[i].len()
		}
	}
	return terms, keys, nil
}

// sharedCounts is SimilarTerms's work space: a count per token, left at
// zero after use, and the tokens counted.
type sharedCounts struct {
	count   []uint8
	touched []uint32
}

var sharedPool = sync.Pool{New: func() any { return new(sharedCounts) }}

// SimilarTerms returns the dictionary tokens within word's edit distance
// (namekey.MaxEdits), found through shared trigrams: an edit changes at
// most three of them, so a look-alike shares all but 3 × edits. Where the
// SQL path takes the limit most similar by trigrams and lets the caller
// keep those within the distance, this returns every one within it: the
// same words, never fewer.
func (ix *Index) SimilarTerms(_ context.Context, word string, _ int) ([]store.TermCount, error) {
	n := len([]rune(word))
	if n < 3 {
		return nil, nil
	}
	k := namekey.MaxEdits(n)
	gs := trigramsOf(word)
	need := max(1, len(gs)-3*k)
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	// Counts of shared trigrams by token, in a reused array: the common
	// trigrams of a name have thousands of tokens each.
	sh := sharedPool.Get().(*sharedCounts)
	defer sharedPool.Put(sh)
	if len(sh.count) < len(ix.terms) {
		sh.count = make([]uint8, len(ix.terms))
	}
	touched := sh.touched[:0]
	for _, g := range gs {
		for _, t := range ix.trigrams[g] {
			if sh.count[t] == 0 {
				touched = append(touched, t)
			}
			if sh.count[t] < 255 {
				sh.count[t]++
			}
		}
	}
	var out []store.TermCount
	for _, t := range touched {
		c := int(sh.count[t])
		sh.count[t] = 0
		if c < need {
			continue
		}
		// The distance is at least the difference in letters: most of
		// the tokens sharing trigrams are told apart here.
		if l := int(ix.termLen[t]); l-n > k || n-l > k || ix.termPost[t].len() == 0 {
			continue
		}
		if namekey.Distance(word, ix.terms[t], k) <= k {
			out = append(out, store.TermCount{Term: ix.terms[t], Persons: ix.termPost[t].len()})
		}
	}
	sh.touched = touched[:0]
	sort.Slice(out, func(i, j int) bool { return out[i].Term < out[j].Term })
	return out, nil
}

// noYear marks a string that does not start with four digits.
const noYear = 0xFFFF

// yearOf is the number written by the first four characters of s when
// they are digits (a birth date's year), else noYear.
func yearOf(s string) uint16 {
	if len(s) < 4 {
		return noYear
	}
	y := 0
	for _, c := range []byte(s[:4]) {
		if c < '0' || c > '9' {
			return noYear
		}
		y = y*10 + int(c-'0')
	}
	return uint16(y)
}

// SearchCandidates is store.Tx.SearchCandidates from memory, in the same
// order.
//
// It walks posting lists of thousands of entries for a few hundred
// candidates, so the walk compares numbers only, read from the postings'
// tags (the record only when a tag cannot tell): organisations are
// coded, and the birth range, when it is whole years (as a search asks),
// is a range of years — the same as the text comparison (a date that
// starts with the year Y is ≥ "Y" and < "Y+1"). The lists are walked
// best quality first, and a person already taken is skipped: a person
// found under several keys is one candidate, with its best quality. How
// many of the other words' keys a candidate has is counted in the same
// walk, from its entries.
func (ix *Index) SearchCandidates(_ context.Context, orgIDs []string, slot store.SearchSlot, others []store.SearchSlot, bornFrom, bornBefore string, limit int) ([]*store.IndexedPerson, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	var orgs []uint32
	for _, o := range orgIDs {
		if i, ok := ix.strs[o]; ok {
			orgs = append(orgs, i)
		}
	}
	if len(orgs) == 0 {
		return nil, nil
	}
	yFrom, yBefore := yearOf(bornFrom), yearOf(bornBefore)
	byYear := len(bornFrom) == 4 && len(bornBefore) == 4 && yFrom != noYear && yBefore != noYear
	tagFrom, tagBefore := tagYear(yFrom), tagYear(yBefore)
	// The organisations asked, by tag code (tagOrgs: see the record).
	var orgOK [tagOrgs + 1]bool
	for _, o := range orgs {
		if code, ok := ix.orgTag[o]; ok {
			orgOK[code] = true
		}
	}
	// The other words' tokens and keys, as sets of ids, and the lengths of
	// their posting lists.
	var otherT, otherP bitset
	otherLen := 0
	for _, o := range others {
		for _, list := range [][]string{o.Exact, o.Terms} {
			for _, t := range list {
				if i, ok := ix.termID[t]; ok {
					otherT.set(len(ix.terms), i)
					otherLen += len(ix.termPost[i].b)
				}
			}
		}
		for _, p := range o.Phons {
			if i, ok := ix.phonID[p]; ok {
				otherP.set(len(ix.phons), i)
				otherLen += len(ix.phonPost[i].b)
			}
		}
	}
	counting := otherT != nil || otherP != nil
	// The slot's lists, best quality first: a person found under several
	// keys is a candidate once, with the quality of the first.
	type list struct {
		q    uint8
		post *postingList
	}
	lists := make([]list, 0, len(slot.Exact)+len(slot.Terms)+len(slot.Phons))
	mainLen := 0
	for _, t := range slot.Exact {
		if i, ok := ix.termID[t]; ok {
			lists = append(lists, list{3, &ix.termPost[i]})
		}
	}
	for _, t := range slot.Terms {
		if i, ok := ix.termID[t]; ok {
			lists = append(lists, list{2, &ix.termPost[i]})
		}
	}
	for _, p := range slot.Phons {
		if i, ok := ix.phonID[p]; ok {
			lists = append(lists, list{1, &ix.phonPost[i]})
		}
	}
	for _, l := range lists {
		mainLen += len(l.post.b)
	}
	w := candPool.Get().(*candWork)
	defer candPool.Put(w)
	w.reset(len(ix.ids))
	// Without a birth range nearly every posting of the person's
	// organisation is a candidate whose other words are counted from its
	// entries: a cache miss or two each. Those who have none of the
	// other words' keys are then told apart first, by marking the persons
	// of the other words' lists: a sequential read, much cheaper while
	// those lists are not many times longer.
	marked := counting && bornFrom == "" && otherLen <= 16*mainLen
	if marked {
		for _, o := range others {
			for _, ls := range [][]string{o.Exact, o.Terms} {
				for _, t := range ls {
					if i, ok := ix.termID[t]; ok {
						w.mark(&ix.termPost[i])
					}
				}
			}
			for _, p := range o.Phons {
				if i, ok := ix.phonID[p]; ok {
					w.mark(&ix.phonPost[i])
				}
			}
		}
	}
	hits := w.hits[:0]
	for _, l := range lists {
		post := l.post
		for i, s := 0, int32(-1); i < len(post.b); {
			var t uint16
			s, t, i = post.next(i, s)
			if w.seen.has(uint32(s)) {
				continue
			}
			if code := t >> tagYearBits; !orgOK[code] {
				if code != tagOrgs || !slices.Contains(orgs, ix.rec[s].org) {
					continue
				}
			}
			if bornFrom != "" {
				if y := t & tagNoYear; byYear && y != tagNoYear {
					if y < tagFrom || y >= tagBefore {
						continue
					}
				} else if r := &ix.rec[s]; byYear && r.year != noYear {
					if r.year < yFrom || r.year >= yBefore {
						continue
					}
				} else if b := ix.strList[r.birth]; b < bornFrom || b >= bornBefore {
					continue
				}
			}
			w.seen.put(uint32(s))
			c := cand{s: s, q: l.q}
			if counting && (!marked || w.marks.has(uint32(s))) {
				r := &ix.rec[s]
				other := 0
				for _, e := range ix.entries[r.off : r.off+uint32(r.n)] {
					ti := e &^ (3 << 30)
					if otherT.has(ti) || otherP.has(ix.termPhon[ti]) {
						other++
					}
				}
				c.other = uint8(min(other, 63))
			}
			hits = append(hits, c)
		}
	}
	w.hits = hits
	if len(hits) == 0 {
		return nil, nil
	}
	cs := hits
	// The order: other words matched, quality, then id. The first eight
	// bytes of the id decide most ties as numbers (lower-case hexadecimal
	// keeps the order of the bytes); ids that are not UUIDs compare as
	// text, as the SQL path orders them.
	odd := len(ix.oddIDs) > 0
	for i := range cs {
		c := &cs[i]
		c.key = uint64(63-c.other)<<58 | uint64(3-c.q)<<56 | binary.BigEndian.Uint64(ix.ids[c.s][:])>>8
	}
	compare := func(a, b cand) int {
		if a.key>>56 != b.key>>56 {
			return cmp.Compare(a.key>>56, b.key>>56)
		}
		if odd {
			_, oa := ix.oddIDs[a.s]
			_, ob := ix.oddIDs[b.s]
			if oa || ob {
				return strings.Compare(ix.idOf(a.s), ix.idOf(b.s))
			}
		}
		if a.key != b.key {
			return cmp.Compare(a.key, b.key)
		}
		return bytes.Compare(ix.ids[a.s][:], ix.ids[b.s][:])
	}
	if len(cs) > limit {
		// Thousands of hits for a few hundred kept, without a birth
		// range: the first limit chosen, then only they are sorted.
		selectFirst(cs, limit, compare)
		cs = cs[:limit]
	}
	slices.SortFunc(cs, compare)
	// One block for the persons and one for their entries.
	n := 0
	for _, c := range cs {
		n += int(ix.rec[c.s].n)
	}
	terms := make([]store.PersonTerm, 0, n)
	people := make([]store.IndexedPerson, len(cs))
	out := make([]*store.IndexedPerson, len(cs))
	ids := ix.idsOf(cs)
	for i, c := range cs {
		r := &ix.rec[c.s]
		p := &people[i]
		p.ID, p.OrgID, p.BirthDate = ids[i], ix.strList[r.org], ix.strList[r.birth]
		from := len(terms)
		for _, e := range ix.entries[r.off : r.off+uint32(r.n)] {
			ti := e &^ (3 << 30)
			terms = append(terms, store.PersonTerm{Field: fields[e>>30], Term: ix.terms[ti], Phon: ix.phons[ix.termPhon[ti]]})
		}
		p.Terms = terms[from:len(terms):len(terms)]
		out[i] = p
	}
	return out, nil
}

// idsOf is the ids of the candidates' persons, written into one string.
func (ix *Index) idsOf(cs []cand) []string {
	out := make([]string, len(cs))
	buf := make([]byte, 0, 36*len(cs))
	for _, c := range cs {
		if _, odd := ix.oddIDs[c.s]; odd {
			continue
		}
		buf = appendUUID(buf, ix.ids[c.s])
	}
	all, at := string(buf), 0
	for i, c := range cs {
		if id, odd := ix.oddIDs[c.s]; odd {
			out[i] = id
			continue
		}
		out[i] = all[at : at+36]
		at += 36
	}
	return out
}

// selectFirst moves the k first of cs in the order of compare to cs[:k],
// in no particular order: a quickselect.
//
// Its pivots are the median of three elements at pseudo-random places.
// Taken at fixed places (first, middle, last) they went quadratic on
// what SearchCandidates hands it without a birth year, a few ascending
// runs, one per posting list: the 5,000 hits of one search cost 1.3
// million comparisons, 13 ms (issue 17). The sequence is seeded by the
// length, so a search is repeatable; and as a round should halve the
// range, past twice log2(n) rounds what is left is sorted, which bounds
// any arrangement to n log n.
func selectFirst(cs []cand, k int, compare func(a, b cand) int) {
	lo, hi := 0, len(cs) // the k-th is in cs[lo:hi]
	x := uint64(len(cs))*0x9E3779B97F4A7C15 | 1
	at := func() int { // xorshift64
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		return lo + int(x%uint64(hi-lo))
	}
	for rounds := 2 * bits.Len(uint(len(cs))); hi-lo > 12 && rounds > 0; rounds-- {
		a, m, b := at(), at(), at()
		if compare(cs[m], cs[a]) < 0 {
			a, m = m, a
		}
		if compare(cs[b], cs[m]) < 0 { // the median is the larger of a and b
			m = b
			if compare(cs[b], cs[a]) < 0 {
				m = a
			}
		}
		cs[lo], cs[m] = cs[m], cs[lo]
		pivot := cs[lo]
		// Lomuto: cs[lo+1:p] before the pivot, the rest not.
		p := lo + 1
		for i := lo + 1; i < hi; i++ {
			if compare(cs[i], pivot) < 0 {
				cs[i], cs[p] = cs[p], cs[i]
				p++
			}
		}
		cs[lo], cs[p-1] = cs[p-1], cs[lo] // the pivot at p-1, in place
		switch {
		case p-1 == k || p == k:
			return
		case k < p-1:
			hi = p - 1
		default:
			lo = p
		}
	}
	slices.SortFunc(cs[lo:hi], compare)
}

// cand is a candidate of SearchCandidates: its slot, how many of the
// other words' keys it has, the quality of the key it was found under,
// and its sort key.
type cand struct {
	key      uint64
	s        int32
	other, q uint8
}

// candWork is SearchCandidates's reused work space: the hits, the persons
// already taken and the persons marked, as sets of slots left empty after
// use.
type candWork struct {
	hits        []cand
	seen, marks slotSet
}

func (w *candWork) reset(slots int) {
	w.seen.reset(slots)
	w.marks.reset(slots)
}

// mark adds the persons of post to the marks.
func (w *candWork) mark(post *postingList) {
	for i, s := 0, int32(-1); i < len(post.b); {
		s, _, i = post.next(i, s)
		w.marks.put(uint32(s))
	}
}

// slotSet is a set of slots in a bitset that records the words it set,
// to empty them alone.
type slotSet struct {
	bits  []uint64
	words []uint32
}

// reset empties the set and makes it hold slots.
func (b *slotSet) reset(slots int) {
	for _, w := range b.words {
		b.bits[w] = 0
	}
	b.words = b.words[:0]
	if n := (slots + 63) / 64; len(b.bits) < n {
		b.bits = make([]uint64, n+n/8)
	}
}

func (b *slotSet) put(s uint32) {
	w := s / 64
	if b.bits[w] == 0 {
		b.words = append(b.words, w)
	}
	b.bits[w] |= 1 << (s % 64)
}

func (b *slotSet) has(s uint32) bool { return b.bits[s/64]&(1<<(s%64)) != 0 }

var candPool = sync.Pool{New: func() any { return new(candWork) }}

// bitset is a set of dictionary ids, allocated on the first one set.
type bitset []uint64

func (b *bitset) set(size int, i uint32) {
	if *b == nil {
		*b = make(bitset, (size+63)/64)
	}
	(*b)[i/64] |= 1 << (i % 64)
}

func (b bitset) has(i uint32) bool {
	return b != nil && b[i/64]&(1<<(i%64)) != 0
}
