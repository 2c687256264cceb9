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

	"parcours/internal/access"
	"parcours/internal/audit"
	"parcours/internal/parcours"
	"parcours/internal/search/namekey"
	"parcours/internal/store"
)

// Service is the search service.
type Service struct {
	db      *store.DB
	entries EntryReader // the case file's, for the journal search
}

// New returns a Service on db.
func New(db *store.DB) *Service { return &Service{db: db} }

// Result is a person found, with what a search may show (identity, not
// contact or social-security data) and its relevance.
type Result struct {
	*parcours.Person
	Score float64 `json:"score"`
}

// candidateLimit bounds the rows the database hands to the ranking: a
// common surname at département scale has thousands of bearers; the ones
// matching the most words best, and the date, come first.
const candidateLimit = 150

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
		ranked, err := find(ctx, tx, actor, pq)
		if err != nil {
			return err
		}
		for _, r := range ranked {
			if len(out.Items) == pq.limit {
				break
			}
			out.Items = append(out.Items, Result{Person: identity(r.p), Score: round(r.score)})
		}
		// The search is a read of identities; what was searched is not
		// recorded (it is personal data and says nothing the results
		// opened afterwards do not).
		tx.Audit(audit.For(actor, "person.search", "person", "", ""))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// find gathers candidates and ranks them, keeping only what the actor may
// find.
func find(ctx context.Context, tx *store.Tx, actor parcours.Actor, pq *parsed) ([]scored, error) {
	var all []string
	for _, alts := range pq.slots {
		all = append(all, alts...)
	}
	// A word that is a known name token is taken as typed: looking for
	// look-alikes of every correct word would cost most of the search.
	// Misspelt words, which are seldom someone's name, get the fuzzy
	// step; phonetic keys cover the rest.
	known, err := tx.KnownTerms(ctx, all)
	if err != nil {
		return nil, err
	}
	slots := make([]store.SearchSlot, 0, len(pq.slots))
	for _, alts := range pq.slots {
		var slot store.SearchSlot
		seen := map[string]bool{}
		for _, w := range alts {
			add := func(t string) {
				if !seen[t] {
					seen[t] = true
					slot.Terms = append(slot.Terms, t)
				}
			}
			if !seen[w] {
				seen[w] = true
				slot.Exact = append(slot.Exact, w)
			}
			slot.Phons = append(slot.Phons, namekey.Phonetic(w))
			if known[w] {
				continue
			}
			similar, err := tx.SimilarTerms(ctx, w, termsPerWord)
			if err != nil {
				return nil, err
			}
			max := namekey.MaxEdits(len([]rune(w)))
			for _, t := range similar {
				if namekey.Distance(w, t, max) <= max {
					add(t)
				}
			}
		}
		slots = append(slots, slot)
	}
	cands, err := tx.PersonCandidates(ctx, scope(actor), slots, pq.date.likePrefix(), candidateLimit)
	if err != nil {
		return nil, err
	}
	visibleOnly := cands[:0]
	for _, p := range cands {
		if visible(actor, p) {
			visibleOnly = append(visibleOnly, p)
		}
	}
	return rank(pq, visibleOnly), nil
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

func round(f float64) float64 { return float64(int(f*1000+0.5)) / 1000 }

// IndexPerson brings the search index of p up to date. The person service
// calls it in the transaction that creates or changes p, so that the index
// never lags behind the file.
func IndexPerson(ctx context.Context, tx *store.Tx, p *parcours.Person) error {
	if into, err := tx.MergedInto(ctx, p.ID); err != nil || into != "" {
		return err // a merged person stays out of the index until an undo
	}
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
