package store

import (
	"context"
	"fmt"
	"strings"

	"parcours/internal/parcours"
)

// PersonTerm is one indexed token of a person's names.
type PersonTerm struct {
	Field string // "b" birth name, "u" usage name, "f" first names
	Term  string // folded token
	Phon  string // its phonetic key
}

// ReplacePersonTerms makes terms the search index of person p, replacing
// what was there, and adds new tokens to the dictionary. The caller
// computes the terms (package search/namekey) so that both backends index
// the same keys. Each entry also carries p's organisation and birth date,
// for PersonCandidates; no terms leaves p out of the index.
func (tx *Tx) ReplacePersonTerms(ctx context.Context, p *parcours.Person, terms []PersonTerm) error {
	if _, err := tx.exec(ctx, "DELETE FROM person_terms WHERE person_id = ?", p.ID); err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, t := range terms {
		k := t.Field + "\x00" + t.Term
		if seen[k] {
			continue
		}
		seen[k] = true
		if _, err := tx.exec(ctx, "INSERT INTO person_terms (person_id, field, term, phon, org_id, birth_date) VALUES (?,?,?,?,?,?)",
			p.ID, t.Field, t.Term, t.Phon, p.OrgID, p.BirthDate); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, "INSERT INTO search_terms (term) VALUES (?) ON CONFLICT DO NOTHING", t.Term); err != nil {
			return err
		}
	}
	return nil
}

// SimilarTerms returns up to limit dictionary tokens that share trigrams
// with word, best first: pg_trgm on PostgreSQL, the FTS5 trigram index on
// SQLite. It casts a wide net; the caller keeps those within its edit
// distance, which makes the two backends agree. Words under three letters
// have no trigram and return nothing.
func (tx *Tx) SimilarTerms(ctx context.Context, word string, limit int) ([]string, error) {
	if len([]rune(word)) < 3 {
		return nil, nil
	}
	var q string
	var args []any
	if tx.db.dialect == Postgres {
		// pg_trgm's default threshold: lower ones cost much more on a
		// large dictionary, and the phonetic keys catch the short names
		// that two typing mistakes leave with few trigrams in common.
		// SET LOCAL lasts until the end of this (read-only) transaction.
		if _, err := tx.exec(ctx, "SET LOCAL pg_trgm.similarity_threshold = 0.3"); err != nil {
			return nil, err
		}
		q = "SELECT term FROM search_terms WHERE term % ? ORDER BY similarity(term, ?) DESC, term LIMIT ?"
		args = []any{word, word, limit}
	} else {
		q = "SELECT term FROM search_terms_fts WHERE search_terms_fts MATCH ? ORDER BY rank, term LIMIT ?"
		args = []any{trigramQuery(word), limit}
	}
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// trigramQuery is an FTS5 query matching any trigram of word. Each trigram
// is quoted as a string (doubling quotes), so that no input can form FTS5
// syntax.
func trigramQuery(word string) string {
	r := []rune(word)
	parts := make([]string, 0, len(r))
	seen := map[string]bool{}
	for i := 0; i+3 <= len(r); i++ {
		g := string(r[i : i+3])
		if seen[g] {
			continue
		}
		seen[g] = true
		parts = append(parts, `"`+strings.ReplaceAll(g, `"`, `""`)+`"`)
	}
	return strings.Join(parts, " OR ")
}

// SearchSlot is one word of a query: the tokens that may stand for it,
// as typed (Exact) or look-alikes (Terms), and its phonetic keys.
type SearchSlot struct {
	Exact []string
	Terms []string
	Phons []string
}

// PersonCandidates returns up to limit persons of the organisations orgIDs
// (merged persons left out) having a token of at least one slot, best
// first by a coarse score: for each slot, 3 for a token as typed, 2 for a
// look-alike, 1 for a phonetic match, summed over the slots; then those
// whose birth date matches the LIKE pattern datePrefix ("" for none); then
// by id. The ranking proper is done by the caller on these.
func (tx *Tx) PersonCandidates(ctx context.Context, orgIDs []string, slots []SearchSlot, datePrefix string, limit int) ([]*parcours.Person, error) {
	if len(orgIDs) == 0 || len(slots) == 0 {
		return nil, nil
	}
	if datePrefix == "" {
		datePrefix = "-" // matches no date
	}
	orgs := placeholders(len(orgIDs))
	var union []string
	var args []any
	// One SELECT per slot and per kind of key, never an OR: each is then
	// an index-only scan (an OR makes PostgreSQL visit the table).
	add := func(slot, quality int, column string, keys []string) {
		if len(keys) == 0 {
			return
		}
		union = append(union, fmt.Sprintf(`SELECT person_id, %d AS slot, %d AS q, CASE WHEN birth_date LIKE ? THEN 1 ELSE 0 END AS dm
			FROM person_terms WHERE %s IN (%s) AND org_id IN (%s)`, slot, quality, column, placeholders(len(keys)), orgs))
		args = append(args, datePrefix)
		for _, k := range keys {
			args = append(args, k)
		}
		for _, o := range orgIDs {
			args = append(args, o)
		}
	}
	for i, s := range slots {
		add(i, 3, "term", s.Exact)
		add(i, 2, "term", s.Terms)
		add(i, 1, "phon", s.Phons)
	}
	if len(union) == 0 {
		return nil, nil
	}
	// Everything up to the LIMIT is answered from the person_terms
	// indexes, which carry the organisation and the birth date; only the
	// persons kept are read. The materialised CTE and CROSS JOIN keep
	// both planners from driving the query from persons.
	q := `WITH h AS MATERIALIZED (
		SELECT y.person_id, SUM(y.q) AS score, MAX(y.dm) AS dm FROM (
			SELECT x.person_id, x.slot, MAX(x.q) AS q, MAX(x.dm) AS dm
			FROM (` + strings.Join(union, " UNION ALL ") + `) x GROUP BY x.person_id, x.slot) y
		GROUP BY y.person_id ORDER BY score DESC, dm DESC, y.person_id LIMIT ?)
		SELECT ` + prefixed("p.", personColumns) + ` FROM h CROSS JOIN persons p
		WHERE p.id = h.person_id AND p.merged_into IS NULL
		ORDER BY h.score DESC, h.dm DESC, p.id`
	args = append(args, limit)
	return tx.queryPersons(ctx, q, args...)
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}

// prefixed qualifies each column of a comma-separated list with prefix.
func prefixed(prefix, cols string) string {
	parts := strings.Split(cols, ",")
	for i, c := range parts {
		parts[i] = prefix + strings.TrimSpace(c)
	}
	return strings.Join(parts, ", ")
}

// InsertPersonTermsBulk indexes many new persons at once (seeding,
// imports, reindexing): multi-row INSERTs, the dictionary grown with the
// tokens it lacks. terms maps each person's id to its entries; the persons
// must have no index rows yet.
func (tx *Tx) InsertPersonTermsBulk(ctx context.Context, persons []*parcours.Person, terms map[string][]PersonTerm) error {
	var rows [][]any
	dict := map[string]bool{}
	for _, p := range persons {
		seen := map[string]bool{}
		for _, t := range terms[p.ID] {
			if k := t.Field + "\x00" + t.Term; !seen[k] {
				seen[k] = true
				rows = append(rows, []any{p.ID, t.Field, t.Term, t.Phon, p.OrgID, p.BirthDate})
				dict[t.Term] = true
			}
		}
	}
	if err := tx.InsertRows(ctx, "person_terms", []string{"person_id", "field", "term", "phon", "org_id", "birth_date"}, rows); err != nil {
		return err
	}
	words := make([]any, 0, len(dict))
	for t := range dict {
		words = append(words, t)
	}
	const per = 5000
	for start := 0; start < len(words); start += per {
		chunk := words[start:min(len(words), start+per)]
		q := "INSERT INTO search_terms (term) VALUES " + strings.TrimSuffix(strings.Repeat("(?),", len(chunk)), ",") + " ON CONFLICT DO NOTHING"
		if tx.db.dialect == Postgres {
			q = rebindOnce(q)
		}
		if _, err := tx.tx.ExecContext(ctx, q, chunk...); err != nil {
			return err
		}
	}
	return nil
}

// UnindexedPersons returns up to limit persons that have no search index
// rows (loaded in bulk by an operator tool), in id order after `after`.
func (tx *Tx) UnindexedPersons(ctx context.Context, after string, limit int) ([]*parcours.Person, error) {
	return tx.queryPersons(ctx, "SELECT "+personColumns+` FROM persons p WHERE p.id > ? AND p.merged_into IS NULL
		AND NOT EXISTS (SELECT 1 FROM person_terms t WHERE t.person_id = p.id) ORDER BY p.id LIMIT ?`, after, limit)
}

// JournalHit is a journal entry matching a full-text search.
type JournalHit struct {
	ID       string
	PersonID string
	Summary  string
}

// SearchJournal returns up to limit entries of org whose summary matches
// words, best first: French stemming over unaccented text on PostgreSQL
// (stems are the words as typed), word prefixes over the FTS5 index on
// SQLite (stems are the caller's crude French stems, see search). words
// and stems are folded letters and digits only.
func (tx *Tx) SearchJournal(ctx context.Context, orgID string, words, stems []string, limit int) ([]JournalHit, error) {
	if len(words) == 0 {
		return nil, nil
	}
	var q string
	var args []any
	if tx.db.dialect == Postgres {
		q = `SELECT j.id, j.person_id, j.summary FROM journal_entries j, plainto_tsquery('french', parcours_unaccent(?)) q
			WHERE j.org_id = ? AND to_tsvector('french', parcours_unaccent(j.summary)) @@ q
			ORDER BY ts_rank(to_tsvector('french', parcours_unaccent(j.summary)), q) DESC, j.created_at DESC, j.id LIMIT ?`
		args = []any{strings.Join(words, " "), orgID, limit}
	} else {
		terms := make([]string, len(stems))
		for i, s := range stems {
			terms[i] = `"` + strings.ReplaceAll(s, `"`, `""`) + `"*`
		}
		q = `SELECT j.id, j.person_id, j.summary FROM journal_fts f JOIN journal_entries j ON j.rowid = f.rowid
			WHERE journal_fts MATCH ? AND j.org_id = ? ORDER BY f.rank, j.created_at DESC, j.id LIMIT ?`
		args = []any{strings.Join(terms, " "), orgID, limit}
	}
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []JournalHit
	for rows.Next() {
		var h JournalHit
		if err := rows.Scan(&h.ID, &h.PersonID, &h.Summary); err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// KnownTerms returns which of words are in the dictionary of name tokens.
func (tx *Tx) KnownTerms(ctx context.Context, words []string) (map[string]bool, error) {
	out := map[string]bool{}
	if len(words) == 0 {
		return out, nil
	}
	args := make([]any, len(words))
	for i, w := range words {
		args[i] = w
	}
	rows, err := tx.query(ctx, "SELECT term FROM search_terms WHERE term IN ("+placeholders(len(words))+")", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, err
		}
		out[t] = true
	}
	return out, rows.Err()
}
