package search

import (
	"context"
	"slices"
	"strings"
	"unicode/utf8"

	"parcours/internal/access"
	"parcours/internal/file"
	"parcours/internal/parcours"
	"parcours/internal/search/namekey"
	"parcours/internal/store"
)

// JournalQuery is a full-text search in the journals.
type JournalQuery struct {
	Q     string
	Limit int // 1–50, 20 by default
}

// Segment is a piece of a snippet; Hit marks the words that matched. The
// page marks them up; the text itself is always escaped.
type Segment struct {
	Text string `json:"text"`
	Hit  bool   `json:"hit,omitempty"`
}

// JournalResult is an entry found, with a snippet around the words.
type JournalResult struct {
	Entry *parcours.JournalEntry `json:"entry"`
	// PersonName is the name of the person whose journal holds the entry.
	PersonName string    `json:"person_name"`
	Snippet    []Segment `json:"snippet"`
}

// journalCandidates bounds the entries asked about per search: most hits
// are readable by a worker of the team that wrote them.
const journalCandidates = 200

// SearchJournal finds the journal entries the actor may read whose text
// contains the words of q (accents and case ignored, French word forms
// matched), best first, each read audited.
func (s *Service) SearchJournal(ctx context.Context, actor parcours.Actor, q JournalQuery) (*parcours.Page[JournalResult], error) {
	if err := access.Check(actor, access.PersonFind, access.Target{}); err != nil {
		return nil, err
	}
	if utf8.RuneCountInString(q.Q) > MaxQueryRunes {
		return nil, parcours.FieldError(parcours.EBadRequest, "q", "error.search_too_long", MaxQueryRunes)
	}
	limit := q.Limit
	switch {
	case limit == 0:
		limit = 20
	case limit < 0 || limit > 50:
		return nil, parcours.FieldError(parcours.EBadRequest, "limit", "error.search_limit")
	}
	words := namekey.Words(q.Q)
	if len(words) == 0 {
		return nil, parcours.FieldError(parcours.EBadRequest, "q", "error.search_needs_words")
	}
	if len(words) > MaxQueryWords {
		return nil, parcours.FieldError(parcours.EBadRequest, "q", "error.search_too_many_words", MaxQueryWords)
	}
	stems := make([]string, len(words))
	for i, w := range words {
		stems[i] = stem(w)
	}
	out := &parcours.Page[JournalResult]{Items: []JournalResult{}}
	err := s.db.View(ctx, func(tx *store.Tx) error {
		hits, err := tx.SearchJournal(ctx, actor.OrgID, words, stems, journalCandidates)
		if err != nil {
			return err
		}
		// The door keeps what the actor may read and audits each read,
		// opening every file concerned at once.
		entries, names, err := file.ReadableNamed(ctx, tx, actor, hits, limit)
		if err != nil {
			return err
		}
		// The best matches are kept; they are shown newest first, as a
		// journal reads.
		slices.SortStableFunc(entries, func(a, b *parcours.JournalEntry) int {
			if c := strings.Compare(b.OccurredAt, a.OccurredAt); c != 0 {
				return c
			}
			return b.CreatedAt.Compare(a.CreatedAt)
		})
		for _, e := range entries {
			out.Items = append(out.Items, JournalResult{Entry: e, PersonName: names[e.PersonID], Snippet: snippet(e.Summary, stems)})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// stem is a crude French stem of a folded word, for prefix matching:
// plural and feminine endings and the common verb endings go, so that
// "hébergée", "hébergements" and "héberger" meet at "heberg".
func stem(w string) string {
	if len(w) <= 4 {
		return w
	}
	for _, suf := range []string{"ements", "ement", "ations", "ation", "ees", "ee", "er", "ez", "es", "s", "x", "e"} {
		if strings.HasSuffix(w, suf) && len(w)-len(suf) >= 4 {
			return w[:len(w)-len(suf)]
		}
	}
	return w
}

// snippet cuts around the first matching word of text (about 30 words)
// and marks every word whose folded form starts with a stem.
func snippet(text string, stems []string) []Segment {
	type word struct {
		start, end int
		hit        bool
	}
	var words []word
	start := -1
	flush := func(end int) {
		if start < 0 {
			return
		}
		f := namekey.Fold(text[start:end])
		hit := false
		for _, s := range stems {
			if strings.HasPrefix(strings.TrimSpace(f), s) {
				hit = true
				break
			}
		}
		words = append(words, word{start, end, hit})
		start = -1
	}
	for i, r := range text {
		letter := strings.TrimSpace(namekey.Fold(string(r))) != "" // letters and digits; ' and - separate
		if letter && start < 0 {
			start = i
		} else if !letter {
			flush(i)
		}
	}
	flush(len(text))
	first := 0
	for i, w := range words {
		if w.hit {
			first = i
			break
		}
	}
	from := max(0, first-10)
	to := min(len(words), from+30)
	if len(words) == 0 {
		return []Segment{{Text: text}}
	}
	var out []Segment
	add := func(s string, hit bool) {
		if s == "" {
			return
		}
		if n := len(out); n > 0 && out[n-1].Hit == hit {
			out[n-1].Text += s
			return
		}
		out = append(out, Segment{Text: s, Hit: hit})
	}
	if from > 0 {
		add("… ", false)
	}
	pos := words[from].start
	for _, w := range words[from:to] {
		add(text[pos:w.start], false)
		add(text[w.start:w.end], w.hit)
		pos = w.end
	}
	if to < len(words) {
		add(" …", false)
	} else {
		add(text[pos:], false)
	}
	return out
}
