// Package search finds persons and journal entries: typo-tolerant person
// search with French phonetic keys, duplicate detection before a person is
// created, merges of duplicate files (undoable), and the index upkeep the
// person service calls in its own transactions.
//
// Search terms are personal data: they are never logged, never put in an
// audit event and never echoed in an error message.
package search

import (
	"context"
	"math"
	"sort"
	"strconv"

	"parcours/internal/access"
	"parcours/internal/audit"
	"parcours/internal/parcours"
	"parcours/internal/search/namekey"
	"parcours/internal/store"
)

// Service is the search service.
type Service struct {
	db    *store.DB
	index *Index
}

// UseIndex makes the searches take their candidates from ix (an
// in-process index, Start-ed by the caller) whenever it is ready, and
// from the database otherwise.
func (s *Service) UseIndex(ix *Index) { s.index = ix }

// source answers the index questions of a search: the database (a
// *store.Tx) or the in-process Index.
type source interface {
	DictionaryCounts(ctx context.Context, words, phons []string) (terms, keys map[string]int, err error)
	SimilarTerms(ctx context.Context, word string, limit int) ([]store.TermCount, error)
	SearchCandidates(ctx context.Context, orgIDs []string, slot store.SearchSlot, others []store.SearchSlot, bornFrom, bornBefore string, limit int) ([]*store.IndexedPerson, error)
}

// New returns a Service on db.
func New(db *store.DB) *Service { return &Service{db: db} }

// Result is a person found, with what a search may show (identity, not
// contact or social-security data) and its relevance.
type Result struct {
	*parcours.Person
	Score float64 `json:"score"`
}

// candidateLimit bounds the persons one round of candidates reads from
// the index: a common surname at département scale has thousands of
// bearers; those born in the typed year, then those having the other
// typed words too, come first.
const candidateLimit = 200

// termsPerWord bounds the dictionary tokens a typed word may stand for.
const termsPerWord = 60

// Search finds the persons the actor may find whose names resemble q.Q,
// best first.
func (s *Service) Search(ctx context.Context, actor parcours.Actor, q Query) (*parcours.Page[Result], error) {
	if err := access.Check(actor, access.PersonFind, access.Target{}); err != nil {
		return nil, err
	}
	pq, err := parse(q)
	if err != nil {
		return nil, err
	}
	out := &parcours.Page[Result]{Items: []Result{}}
	err = s.db.View(ctx, func(tx *store.Tx) error {
		// The search is a read of identities; what was searched is not
		// recorded (it is personal data and says nothing the results
		// opened afterwards do not). The record does not depend on the
		// hits, so it is written while the search runs: on PostgreSQL
		// its commit took as long as the search itself, after it.
		tx.AuditAhead(ctx, audit.For(actor, "person.search", "person", "", ""))
		var src source = tx
		if s.index.Ready() {
			src = s.index
		}
		ranked, err := find(ctx, tx, src, actor, pq, pq.limit)
		if err != nil {
			return err
		}
		for _, r := range ranked {
			out.Items = append(out.Items, Result{Person: identity(r.p), Score: round(r.score)})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// find gathers candidates and ranks them, keeping only what the actor may
// find, and returns the best page of them (every one when page is 0) with
// their persons read.
//
// Candidates come from the rarest typed word first: the dictionaries
// count the persons under each token and phonetic key, so the word whose
// forms (as typed, look-alikes within the edit distance, phonetic key)
// have the fewest bearers drives the search, restricted to the typed
// birth year inside the index when there is one. Those candidates are
// ranked on their stored index entries (no phonetic key is computed for
// them). Only when none of them matches every typed word (a mistake in
// the rare word itself, or a wrong year) does the search widen: the same
// word without the year, then the next rarest word, and so on.
func find(ctx context.Context, tx *store.Tx, src source, actor parcours.Actor, pq *parsed, page int) ([]scored, error) {
	ranked, err := gather(ctx, src, actor, pq, page)
	if err != nil {
		return nil, err
	}
	return fetchPage(ctx, tx, pq, ranked, page)
}

// gather is find's candidates, scored and unordered, before any person
// is read.
func gather(ctx context.Context, src source, actor parcours.Actor, pq *parsed, page int) ([]scored, error) {
	qs, err := prepare(ctx, src, pq)
	if err != nil {
		return nil, err
	}
	order := make([]int, len(qs))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(i, j int) bool { return qs[order[i]].cost < qs[order[j]].cost })
	from, before := pq.date.yearRange()
	dates := []bool{false}
	if from != "" {
		dates = []bool{true, false}
	}
	// Sized by the first round's candidates, not by candidateLimit: a
	// search with a birth year has a handful (p95 2 matching every word),
	// and a map and a slice made for 200 were ~18 KB per search, a third
	// of what a search allocated and so of the collector's work under
	// load (issue 17).
	var seen map[string]bool
	var ranked []scored
	round := func(i int, withDate bool) error {
		others := make([]store.SearchSlot, 0, len(qs)-1)
		for j := range qs {
			if j != i {
				others = append(others, qs[j].keys)
			}
		}
		f, b := "", ""
		if withDate {
			f, b = from, before
		}
		cands, err := src.SearchCandidates(ctx, scope(actor), qs[i].keys, others, f, b, candidateLimit)
		if err != nil {
			return err
		}
		if seen == nil {
			seen = make(map[string]bool, len(cands))
			ranked = make([]scored, 0, len(cands))
		}
		for _, c := range cands {
			if seen[c.ID] || !visible(actor, &parcours.Person{OrgID: c.OrgID}) {
				continue
			}
			seen[c.ID] = true
			if s := score(pq, qs, c); s.names >= minNames(len(qs)) {
				ranked = append(ranked, s)
			}
		}
		return nil
	}
	strong := func(withDate bool) bool {
		for _, r := range ranked {
			if r.all && (!withDate || r.year) {
				return true
			}
		}
		return false
	}
rounds:
	for _, i := range order {
		for _, withDate := range dates {
			if err := round(i, withDate); err != nil {
				return nil, err
			}
			if strong(withDate) {
				if withDate && (page == 0 || len(ranked) < page) {
					// The page is not full: homonyms born another year
					// (or a mistyped year) come after, as the worker
					// expects to see them.
					if err := round(i, false); err != nil {
						return nil, err
					}
				}
				break rounds
			}
		}
	}
	return ranked, nil
}

// fetchPage orders ranked, reads the persons of the best page and returns
// them. Only the page is read (the order needs the index entries alone);
// a person merged since it was indexed is skipped and the next one read
// in its place. The commune, when given, is scored on the persons read,
// so then every candidate is read.
func fetchPage(ctx context.Context, tx *store.Tx, pq *parsed, ranked []scored, page int) ([]scored, error) {
	want := page
	if page == 0 || pq.commune != "" {
		want = len(ranked)
	}
	order(ranked)
	out := make([]scored, 0, min(want, len(ranked)))
	for next := 0; len(out) < want && next < len(ranked); {
		batch := ranked[next:min(len(ranked), next+want-len(out))]
		next += len(batch)
		ids := make([]string, len(batch))
		for i := range batch {
			ids[i] = batch[i].c.ID
		}
		ps, err := tx.PersonsByIDs(ctx, ids)
		if err != nil {
			return nil, err
		}
		byID := make(map[string]*parcours.Person, len(ps))
		for _, p := range ps {
			byID[p.ID] = p
		}
		for _, r := range batch {
			if r.p = byID[r.c.ID]; r.p != nil {
				out = append(out, r)
			}
		}
	}
	if pq.commune != "" {
		for i := range out {
			if communeMatches(pq.commune, out[i].p) {
				out[i].score += scoreCommune
			}
		}
		order(out)
		if page > 0 && len(out) > page {
			out = out[:page]
		}
	}
	return out, nil
}

// querySlot is a typed word ready to match: its forms with their
// phonetic keys, the index keys it is looked up under, and how many
// persons those keys cover.
type querySlot struct {
	forms []form
	keys  store.SearchSlot
	cost  int
}

type form struct {
	word, phon string
	maxEdits   int
}

// prepare looks the typed words up in the dictionaries: which are known
// tokens, which tokens look like the others, and how many persons each
// key covers.
func prepare(ctx context.Context, tx source, pq *parsed) ([]querySlot, error) {
	var all, phons []string
	for _, alts := range pq.slots {
		for _, w := range alts {
			all = append(all, w)
			phons = append(phons, namekey.Phonetic(w))
		}
	}
	// A word that is a known name token is taken as typed: looking for
	// look-alikes of every correct word would cost most of the search.
	// Misspelt words, which are seldom someone's name, get the fuzzy
	// step; phonetic keys cover the rest.
	known, phonCounts, err := tx.DictionaryCounts(ctx, all, phons)
	if err != nil {
		return nil, err
	}
	out := make([]querySlot, 0, len(pq.slots))
	for _, alts := range pq.slots {
		var qs querySlot
		seen := map[string]bool{}
		seenPhon := map[string]bool{}
		for _, w := range alts {
			f := form{word: w, phon: namekey.Phonetic(w), maxEdits: namekey.MaxEdits(len([]rune(w)))}
			qs.forms = append(qs.forms, f)
			if !seen[w] {
				seen[w] = true
				qs.keys.Exact = append(qs.keys.Exact, w)
				qs.cost += known[w]
			}
			if !seenPhon[f.phon] {
				seenPhon[f.phon] = true
				qs.keys.Phons = append(qs.keys.Phons, f.phon)
				qs.cost += phonCounts[f.phon]
			}
			if _, ok := known[w]; ok {
				continue
			}
			similar, err := tx.SimilarTerms(ctx, w, termsPerWord)
			if err != nil {
				return nil, err
			}
			for _, t := range similar {
				if !seen[t.Term] && namekey.Distance(w, t.Term, f.maxEdits) <= f.maxEdits {
					seen[t.Term] = true
					qs.keys.Terms = append(qs.keys.Terms, t.Term)
					qs.cost += t.Persons
				}
			}
		}
		out = append(out, qs)
	}
	return out, nil
}

// scope is the organisations whose persons the database is asked about.
// It only narrows the work; visible decides what is shown.
func scope(actor parcours.Actor) []string {
	return []string{actor.OrgID}
}

// visible is the one place where search results are filtered by the
// access policy: a person is shown only if the actor may find them.
func visible(actor parcours.Actor, p *parcours.Person) bool {
	return access.Allowed(actor, access.PersonFind, access.Target{OrgID: p.OrgID})
}

// identity keeps what finding a person needs: names, birth date and
// place, sex, household and town. Contact details and social-security
// data stay behind the person's file.
func identity(p *parcours.Person) *parcours.Person {
	return &parcours.Person{
		ID: p.ID, OrgID: p.OrgID, BirthName: p.BirthName, UsageName: p.UsageName, FirstNames: p.FirstNames,
		BirthDate: p.BirthDate, BirthPlace: p.BirthPlace, Sex: p.Sex, HouseholdID: p.HouseholdID,
		Address: parcours.Address{City: p.Address.City}, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt, Version: p.Version,
	}
}

// AppendJSON appends the result as encoding/json writes it (the person's
// fields, then the score), without its reflection: web.WriteJSON's
// fast path (parcours.Page.AppendJSON). False when it cannot.
func (r Result) AppendJSON(b []byte) ([]byte, bool) {
	if math.IsNaN(r.Score) || math.IsInf(r.Score, 0) {
		return b, false
	}
	if r.Person == nil {
		b = append(b, `{"score":`...)
	} else {
		var ok bool
		if b, ok = r.Person.AppendJSON(b); !ok {
			return b, false
		}
		b = append(b[:len(b)-1], `,"score":`...) // the person's closing brace
	}
	// encoding/json's float64: 'f' between 1e-6 and 1e21, else 'e' with
	// its exponent's leading zero dropped.
	format := byte('f')
	if a := math.Abs(r.Score); a != 0 && (a < 1e-6 || a >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, r.Score, format, -1, 64)
	if n := len(b); format == 'e' && n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
		b[n-2] = b[n-1]
		b = b[:n-1]
	}
	return append(b, '}'), true
}

func round(f float64) float64 { return float64(int(f*1000+0.5)) / 1000 }

// IndexPerson brings the search index of p up to date. The person service
// calls it in the transaction that creates or changes p, so that the index
// never lags behind the file. A merged duplicate stays out of the index
// until an undo: the caller, who opened the file through the door, knows
// (file.File.Into) and does not call it then.
func IndexPerson(ctx context.Context, tx *store.Tx, p *parcours.Person) error {
	return tx.ReplacePersonTerms(ctx, p, personTerms(p))
}

// IndexPersons indexes many new persons in one go; operator tools that
// load persons in bulk (seed, import) call it in their transaction.
func IndexPersons(ctx context.Context, tx *store.Tx, ps []*parcours.Person) error {
	terms := make(map[string][]store.PersonTerm, len(ps))
	for _, p := range ps {
		terms[p.ID] = personTerms(p)
	}
	return tx.InsertPersonTermsBulk(ctx, ps, terms)
}

// Reindex indexes every person that has no search index rows yet (for
// instance persons loaded by `parcours seed` before this index existed).
// It works in batches, one transaction each, and returns how many persons
// it indexed. Operator only.
func (s *Service) Reindex(ctx context.Context, actor parcours.Actor) (int, error) {
	if !actor.System {
		return 0, parcours.Forbidden()
	}
	n, after := 0, ""
	for {
		var batch []*parcours.Person
		err := s.db.Transact(ctx, func(tx *store.Tx) error {
			var err error
			if batch, err = tx.UnindexedPersons(ctx, after, 2000); err != nil || len(batch) == 0 {
				return err
			}
			return IndexPersons(ctx, tx, batch)
		})
		if err != nil || len(batch) == 0 {
			return n, err
		}
		n += len(batch)
		after = batch[len(batch)-1].ID
	}
}
