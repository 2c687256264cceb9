// Package noteflags is the « relecture éthique » as a service (issue 18):
// it analyses a worker's text before it is saved (package review, pure)
// and counts, per team and month, the flagged categories that were kept
// or corrected — never the text, never the worker — for the managers'
// view that guides training.
//
// It must never store, log or audit the text it is given: the text may
// be the very data the analyser warns about. Analysing records nothing;
// a saved note adds one to a counter per category.
package noteflags

import (
	"context"
	"fmt"
	"slices"
	"time"
	"unicode/utf8"

	"parcours/internal/access"
	"parcours/internal/parcours"
	"parcours/internal/review"
	"parcours/internal/store"
)

// MaxRunes is the longest text analysed, in characters: more than any
// note, synthesis or message field of Parcours holds (20,000).
const MaxRunes = 50_000

// MinCell is the smallest count shown: cells below it are suppressed
// (« < 5 ») so that a small team's counts do not point at one worker.
const MinCell = 5

// Service analyses texts and keeps the counts.
type Service struct {
	db  *store.DB
	a   *review.Analyser
	now func() time.Time
}

// New returns a Service on db with the embedded lexicon.
func New(db *store.DB) *Service {
	return &Service{db: db, a: review.Default(), now: time.Now}
}

// UseLexicon adds an organisation's own lexicon (the format of
// internal/review/data/lexicon.tsv) to the embedded one. Call it before
// serving; an entry that does not parse is an error naming its line.
func (s *Service) UseLexicon(extra []byte) error {
	a, err := review.New(extra)
	if err != nil {
		return err
	}
	s.a = a
	return nil
}

// Check returns the flagged spans of text. It needs no database and
// records nothing.
func (s *Service) Check(ctx context.Context, actor parcours.Actor, text, confidentiality string) ([]review.Span, error) {
	if err := access.Check(actor, access.ReviewText, access.Target{OrgID: actor.OrgID}); err != nil {
		return nil, err
	}
	if confidentiality != "" && !slices.Contains(parcours.Confidentialities, confidentiality) {
		return nil, parcours.FieldError(parcours.EInvalid, "confidentiality", "error.review_confidentiality")
	}
	if len(text) > 4*MaxRunes || utf8.RuneCountInString(text) > MaxRunes {
		return nil, parcours.FieldError(parcours.ETooLarge, "text", "error.review_text_too_long", MaxRunes)
	}
	return s.a.Analyse(text, review.Options{Confidentiality: confidentiality}), nil
}

// Outcome is what became of the flags of one saved text: the categories
// flagged while it was written (Seen, sent back by the form) and those
// still in the saved text (Final, analysed again on saving).
type Outcome struct {
	Seen, Final []review.Category
}

// Counts turns an outcome into one count per category: kept when the
// saved text still has it, corrected when it was flagged while writing
// and is gone.
func (o Outcome) Counts() []parcours.ReviewCount {
	var out []parcours.ReviewCount
	for _, c := range review.Categories {
		switch {
		case slices.Contains(o.Final, c):
			out = append(out, parcours.ReviewCount{Category: string(c), Kept: 1})
		case slices.Contains(o.Seen, c):
			out = append(out, parcours.ReviewCount{Category: string(c), Corrected: 1})
		}
	}
	return out
}

// ParseCategories reads category names sent back by a form, keeping the
// known ones once each; anything else is ignored (a form cannot inflate
// the counts with made-up categories).
func ParseCategories(names []string) []review.Category {
	var out []review.Category
	for _, n := range names {
		c := review.Category(n)
		if c.Valid() && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

// Record adds a saved text's outcome to the counts of teamID (the team
// the note belongs to; the actor's first team when empty) for the current
// month. Nothing is recorded when nothing was flagged.
func (s *Service) Record(ctx context.Context, actor parcours.Actor, teamID string, o Outcome) (err error) {
	defer wrap(&err, "Record")
	if err := access.Check(actor, access.ReviewText, access.Target{OrgID: actor.OrgID}); err != nil {
		return err
	}
	counts := o.Counts()
	if len(counts) == 0 {
		return nil
	}
	if teamID == "" && len(actor.TeamIDs) > 0 {
		teamID = actor.TeamIDs[0]
	}
	month := s.now().UTC().Format("2006-01")
	return s.db.Transact(ctx, func(tx *store.Tx) error {
		return tx.AddReviewCounts(ctx, actor.OrgID, teamID, month, counts)
	})
}

// Cell is one count as shown: Suppressed when below MinCell (and not
// zero), N then holds nothing.
type Cell struct {
	N          int  `json:"n"`
	Suppressed bool `json:"suppressed,omitempty"`
}

func cell(n int) Cell {
	if n > 0 && n < MinCell {
		return Cell{Suppressed: true}
	}
	return Cell{N: n}
}

// Row is one category of a team's month.
type Row struct {
	Category  string `json:"category"`
	Kept      Cell   `json:"kept"`
	Corrected Cell   `json:"corrected"`
}

// Month is one team's counts in one month.
type Month struct {
	Month string `json:"month"`
	Rows  []Row  `json:"rows"`
}

// TeamReport is one team's months, most recent first.
type TeamReport struct {
	TeamID   string  `json:"team_id"`
	TeamName string  `json:"team_name"`
	Months   []Month `json:"months"`
}

// Report is the managers' view: the actor's teams, the last months.
type Report struct {
	From  string       `json:"from"`
	To    string       `json:"to"`
	Teams []TeamReport `json:"teams"`
}

// Stats returns the counts of the actor's teams over the last months
// (1 to 24, this month included), suppressed below MinCell.
func (s *Service) Stats(ctx context.Context, actor parcours.Actor, months int) (rep *Report, err error) {
	defer wrap(&err, "Stats")
	if err := access.Check(actor, access.ReviewStats, access.Target{OrgID: actor.OrgID}); err != nil {
		return nil, err
	}
	if months < 1 || months > 24 {
		return nil, parcours.FieldError(parcours.EInvalid, "months", "error.review_months", 1, 24)
	}
	now := s.now().UTC()
	to := now.Format("2006-01")
	from := time.Date(now.Year(), now.Month()-time.Month(months-1), 1, 0, 0, 0, 0, time.UTC).Format("2006-01")
	rep = &Report{From: from, To: to}
	err = s.db.View(ctx, func(tx *store.Tx) error {
		teams, err := tx.Teams(ctx, actor.OrgID)
		if err != nil {
			return err
		}
		counts, err := tx.ReviewCounts(ctx, actor.OrgID, actor.TeamIDs, from, to)
		if err != nil {
			return err
		}
		for _, t := range teams {
			if !actor.InTeam(t.ID) {
				continue
			}
			tr := TeamReport{TeamID: t.ID, TeamName: t.Name}
			for m := 0; m < months; m++ {
				month := time.Date(now.Year(), now.Month()-time.Month(m), 1, 0, 0, 0, 0, time.UTC).Format("2006-01")
				mo := Month{Month: month}
				for _, c := range review.Categories {
					var kept, corrected int
					for _, x := range counts {
						if x.TeamID == t.ID && x.Month == month && x.Category == string(c) {
							kept, corrected = x.Kept, x.Corrected
						}
					}
					mo.Rows = append(mo.Rows, Row{Category: string(c), Kept: cell(kept), Corrected: cell(corrected)})
				}
				tr.Months = append(tr.Months, mo)
			}
			rep.Teams = append(rep.Teams, tr)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return rep, nil
}

func wrap(err *error, op string) {
	if *err != nil && parcours.AsError(*err) == nil {
		*err = fmt.Errorf("noteflags: %s: %w", op, *err)
	}
}
