package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"sort"
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
// what was there, and keeps the dictionaries (tokens with their counts of
// persons, phonetic keys with theirs) in step. The caller computes the
// terms (package search/namekey) so that both backends index the same
// keys. Each entry also carries p's organisation and birth date, for
// SearchCandidates; no terms leaves p out of the index. Only what changed
// is written: saving a person whose names and birth date are unchanged
// touches no index row and no counter.
func (tx *Tx) ReplacePersonTerms(ctx context.Context, p *parcours.Person, terms []PersonTerm) error {
	tx.searchChanged = append(tx.searchChanged, p.ID)
	type entry struct{ phon, org, birth string }
	old := map[[2]string]entry{}
	rows, err := tx.query(ctx, "SELECT field, term, phon, org_id, birth_date FROM person_terms WHERE person_id = ?", p.ID)
	if err != nil {
		return err
	}
	for rows.Next() {
		var f, t string
		var e entry
		if err := rows.Scan(&f, &t, &e.phon, &e.org, &e.birth); err != nil {
			rows.Close()
			return err
		}
		old[[2]string{f, t}] = e
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	want := map[[2]string]entry{}
	for _, t := range terms {
		want[[2]string{t.Field, t.Term}] = entry{t.Phon, p.OrgID, p.BirthDate}
	}
	// Counts are of persons, not of entries: a token in both the birth and
	// the usage name counts once.
	oldTerms, oldPhons := map[string]bool{}, map[string]bool{}
	for k, e := range old {
		oldTerms[k[1]], oldPhons[e.phon] = true, true
		if w, ok := want[k]; ok && w == e {
			continue
		}
		if _, err := tx.exec(ctx, "DELETE FROM person_terms WHERE person_id = ? AND field = ? AND term = ?", p.ID, k[0], k[1]); err != nil {
			return err
		}
	}
	newTerms, newPhons := map[string]bool{}, map[string]bool{}
	for k, w := range want {
		newTerms[k[1]], newPhons[w.phon] = true, true
		if e, ok := old[k]; ok && e == w {
			continue
		}
		if _, err := tx.exec(ctx, "INSERT INTO person_terms (person_id, field, term, phon, org_id, birth_date) VALUES (?,?,?,?,?,?)",
			p.ID, k[0], k[1], w.phon, w.org, w.birth); err != nil {
			return err
		}
	}
	for t := range newTerms {
		if !oldTerms[t] {
			if _, err := tx.exec(ctx, "INSERT INTO search_terms (term, persons) VALUES (?, 1) ON CONFLICT (term) DO UPDATE SET persons = search_terms.persons + 1", t); err != nil {
				return err
			}
		}
	}
	for t := range oldTerms {
		if !newTerms[t] {
			if _, err := tx.exec(ctx, "UPDATE search_terms SET persons = persons - 1 WHERE term = ? AND persons > 0", t); err != nil {
				return err
			}
		}
	}
	for ph := range newPhons {
		if !oldPhons[ph] {
			if _, err := tx.exec(ctx, "INSERT INTO search_phons (phon, persons) VALUES (?, 1) ON CONFLICT (phon) DO UPDATE SET persons = search_phons.persons + 1", ph); err != nil {
				return err
			}
		}
	}
	for ph := range oldPhons {
		if !newPhons[ph] {
			if _, err := tx.exec(ctx, "UPDATE search_phons SET persons = persons - 1 WHERE phon = ? AND persons > 0", ph); err != nil {
				return err
			}
		}
	}
	return nil
}

// TermCount is a dictionary word (a name token or a phonetic key) and the
// number of persons indexed under it.
type TermCount struct {
	Term    string
	Persons int
}

// SimilarTerms returns up to limit dictionary tokens that share trigrams
// with word, best first, with their counts of persons: pg_trgm on
// PostgreSQL, the FTS5 trigram index on SQLite. It casts a wide net; the
// caller keeps those within its edit distance, which makes the two
// backends agree. Words under three letters have no trigram and return
// nothing.
func (tx *Tx) SimilarTerms(ctx context.Context, word string, limit int) ([]TermCount, error) {
	if len([]rune(word)) < 3 {
		return nil, nil
	}
	var q string
	var args []any
	if tx.db.dialect == Postgres {
		// pg_trgm's default similarity threshold (0.3): lower ones cost
		// much more on a large dictionary, and the phonetic keys catch
		// the short names that two typing mistakes leave with few
		// trigrams in common.
		q = "SELECT term, persons FROM search_terms WHERE term % ? ORDER BY similarity(term, ?) DESC, term LIMIT ?"
		args = []any{word, word, limit}
	} else {
		q = `SELECT s.term, s.persons FROM search_terms_fts f JOIN search_terms s ON s.rowid = f.rowid
			WHERE search_terms_fts MATCH ? ORDER BY f.rank, s.term LIMIT ?`
		args = []any{trigramQuery(word), limit}
	}
	return tx.termCounts(ctx, q, args...)
}

func (tx *Tx) termCounts(ctx context.Context, q string, args ...any) ([]TermCount, error) {
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []TermCount
	for rows.Next() {
		var t TermCount
		if err := rows.Scan(&t.Term, &t.Persons); err != nil {
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

func (s SearchSlot) terms() []string { return append(append([]string{}, s.Exact...), s.Terms...) }

// IndexedPerson is a candidate of a search as the index knows it: enough
// to rank it and to check that the actor may find it, without reading
// the person.
type IndexedPerson struct {
	ID        string
	OrgID     string
	BirthDate string
	Terms     []PersonTerm // with the phonetic keys stored at indexing
}

// SearchCandidates returns up to limit persons of the organisations orgIDs
// indexed under one of the keys of slot (a token as typed or a look-alike,
// or a phonetic key), with all their index entries. When bornFrom is not
// empty only persons born in [bornFrom, bornBefore) are taken: a range of
// the index. When there are more than limit, those matching the most of
// the other slots' keys come first, then tokens as typed before look-
// alikes before phonetic matches, then by id. The caller ranks them.
func (tx *Tx) SearchCandidates(ctx context.Context, orgIDs []string, slot SearchSlot, others []SearchSlot, bornFrom, bornBefore string, limit int) ([]*IndexedPerson, error) {
	if len(orgIDs) == 0 {
		return nil, nil
	}
	var union []string
	var args []any
	orgIn, orgArg := tx.inList("org_id", orgIDs)
	if len(orgIDs) == 1 {
		// An equality lets SQLite use the birth-date range of the index
		// too; a list stops it at the token.
		orgIn, orgArg = "org_id = ?", orgIDs[0]
	}
	// One SELECT per kind of key, never an OR: each is then a range scan
	// of one index, read from the index alone.
	add := func(quality, column string, keys []string) {
		if len(keys) == 0 {
			return
		}
		in, arg := tx.inList(column, keys)
		sel := "SELECT person_id, " + quality + " AS q FROM person_terms WHERE " + in + " AND " + orgIn
		args = append(args, arg, orgArg)
		if bornFrom != "" {
			sel += " AND birth_date >= ? AND birth_date < ?"
			args = append(args, bornFrom, bornBefore)
		}
		union = append(union, sel)
	}
	add("3", "term", slot.Exact)
	add("2", "term", slot.Terms)
	add("1", "phon", slot.Phons)
	if len(union) == 0 {
		return nil, nil
	}
	// How many of the other words a candidate also has: read by person
	// (the primary key) for the candidates only, never the other words'
	// posting lists.
	var otherTerms, otherPhons []string
	for _, o := range others {
		otherTerms = append(otherTerms, o.terms()...)
		otherPhons = append(otherPhons, o.Phons...)
	}
	other := "0"
	if len(otherTerms)+len(otherPhons) > 0 {
		tIn, tArg := tx.inList("o.term", append(otherTerms, "")) // never an empty list
		pIn, pArg := tx.inList("o.phon", append(otherPhons, ""))
		other = "(SELECT count(*) FROM person_terms o WHERE o.person_id = c.person_id AND (" + tIn + " OR " + pIn + "))"
		args = append(args, tArg, pArg)
	}
	args = append(args, limit)
	q := `WITH c AS MATERIALIZED (SELECT person_id, MAX(q) AS q FROM (` + strings.Join(union, " UNION ALL ") + `) x GROUP BY person_id),
		k AS MATERIALIZED (SELECT c.person_id, ` + other + ` AS other, c.q FROM c ORDER BY other DESC, c.q DESC, c.person_id LIMIT ?)
		SELECT t.person_id, t.org_id, t.birth_date, t.field, t.term, t.phon FROM k CROSS JOIN person_terms t
		WHERE t.person_id = k.person_id ORDER BY k.other DESC, k.q DESC, k.person_id, t.field, t.term`
	if tx.db.dialect == SQLite {
		q = strings.Replace(q, "AS MATERIALIZED", "AS", -1) // SQLite ≥ 3.35 knows it, but plans CTEs well alone
	}
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*IndexedPerson
	for rows.Next() {
		var id, org, birth string
		var t PersonTerm
		if err := rows.Scan(&id, &org, &birth, &t.Field, &t.Term, &t.Phon); err != nil {
			return nil, err
		}
		if len(out) == 0 || out[len(out)-1].ID != id {
			out = append(out, &IndexedPerson{ID: id, OrgID: org, BirthDate: birth})
		}
		last := out[len(out)-1]
		last.Terms = append(last.Terms, t)
	}
	return out, rows.Err()
}

// PersonsByIDs returns the identities of the persons of ids that were
// not merged, in no particular order: what a search shows and ranks on
// (names, birth date and place, sex, household, town, version), never
// their contact or social-security data, which are not even read.
func (tx *Tx) PersonsByIDs(ctx context.Context, ids []string) ([]*parcours.Person, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var q string
	var arg any
	if tx.db.dialect == SQLite {
		// Driven from the list (CROSS JOIN fixes SQLite's join order):
		// without statistics SQLite may otherwise walk the merged_into
		// index over every person not merged.
		b, _ := json.Marshal(ids)
		q, arg = identitiesSQLite, string(b)
	} else {
		q, arg = identitiesPostgres, ids
	}
	rows, err := tx.query(ctx, q, arg)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make([]*parcours.Person, 0, len(ids))
	for rows.Next() {
		var p parcours.Person
		var sex string
		var household sql.NullString
		var created, updated int64
		if err := rows.Scan(&p.ID, &p.OrgID, &p.BirthName, &p.UsageName, &p.FirstNames, &p.BirthDate, &p.BirthPlace, &sex,
			&p.Address.City, &household, &created, &updated, &p.Version); err != nil {
			return nil, err
		}
		p.Sex = parcours.Sex(sex)
		p.HouseholdID = household.String
		p.CreatedAt, p.UpdatedAt = fromTS(created), fromTS(updated)
		out = append(out, &p)
	}
	return out, rows.Err()
}

// identityColumns are the columns PersonsByIDs reads.
const identityColumns = `id, org_id, birth_name, usage_name, first_names, birth_date, birth_place, sex, city, household_id,
	created_at, updated_at, version`

var (
	identitiesSQLite = "SELECT " + prefixed("p.", identityColumns) +
		" FROM json_each(?) j CROSS JOIN persons p ON p.id = j.value WHERE p.merged_into IS NULL"
	identitiesPostgres = "SELECT " + prefixed("p.", identityColumns) + " FROM persons p WHERE p.id = ANY(?::text[]) AND p.merged_into IS NULL"
)

// inList is "column IN (the values)" with one parameter whatever the
// number of values, so that the statement text stays the same (and its
// prepared form reusable): an array on PostgreSQL, a JSON array read by
// json_each on SQLite.
func (tx *Tx) inList(column string, values []string) (string, any) {
	if tx.db.dialect == Postgres {
		return column + " = ANY(?::text[])", values
	}
	b, _ := json.Marshal(values)
	return column + " IN (SELECT value FROM json_each(?))", string(b)
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
// imports, reindexing): multi-row INSERTs, the dictionaries grown with the
// words they lack and their counts raised. terms maps each person's id to
// its entries; the persons must have no index rows yet.
func (tx *Tx) InsertPersonTermsBulk(ctx context.Context, persons []*parcours.Person, terms map[string][]PersonTerm) error {
	var rows [][]any
	var c dictCounts
	for _, p := range persons {
		rows = c.add(rows, p, terms[p.ID])
		tx.searchChanged = append(tx.searchChanged, p.ID)
	}
	if err := tx.InsertRows(ctx, "person_terms", []string{"person_id", "field", "term", "phon", "org_id", "birth_date"}, rows); err != nil {
		return err
	}
	return c.write(ctx, tx)
}

// dictCounts gathers what a bulk load adds to the dictionaries.
type dictCounts struct{ terms, phons map[string]int }

// add appends p's index rows to rows and counts p once under each of its
// distinct tokens and phonetic keys.
func (c *dictCounts) add(rows [][]any, p *parcours.Person, terms []PersonTerm) [][]any {
	if c.terms == nil {
		c.terms, c.phons = map[string]int{}, map[string]int{}
	}
	seen := map[string]bool{}
	for _, t := range terms {
		if k := t.Field + "\x00" + t.Term; !seen[k] {
			seen[k] = true
			rows = append(rows, []any{p.ID, t.Field, t.Term, t.Phon, p.OrgID, p.BirthDate})
		}
		if k := "t\x00" + t.Term; !seen[k] {
			seen[k] = true
			c.terms[t.Term]++
		}
		if k := "p\x00" + t.Phon; !seen[k] {
			seen[k] = true
			c.phons[t.Phon]++
		}
	}
	return rows
}

// write adds the counts to the dictionaries, creating the words they lack.
func (c *dictCounts) write(ctx context.Context, tx *Tx) error {
	for _, d := range []struct {
		table, column string
		counts        map[string]int
	}{{"search_terms", "term", c.terms}, {"search_phons", "phon", c.phons}} {
		rows := make([][]any, 0, len(d.counts))
		for k, n := range d.counts {
			rows = append(rows, []any{k, int64(n)})
		}
		// Sorted, so that concurrent loads lock the rows in one order.
		sort.Slice(rows, func(i, j int) bool { return rows[i][0].(string) < rows[j][0].(string) })
		suffix := " ON CONFLICT (" + d.column + ") DO UPDATE SET persons = " + d.table + ".persons + excluded.persons"
		if err := tx.insertRows(ctx, d.table, []string{d.column, "persons"}, rows, suffix); err != nil {
			return err
		}
	}
	return nil
}

// UnindexedPersons returns up to limit persons that have no search index
// rows (loaded in bulk by an operator tool), in id order after `after`.
func (tx *Tx) UnindexedPersons(ctx context.Context, after string, limit int) ([]*parcours.Person, error) {
	return tx.queryPersons(ctx, 0, "SELECT "+personColumns+` FROM persons p WHERE p.id > ? AND p.merged_into IS NULL
		AND NOT EXISTS (SELECT 1 FROM person_terms t WHERE t.person_id = p.id) ORDER BY p.id LIMIT ?`, after, limit)
}

// SearchJournal returns up to limit entries of org whose summary matches
// words, best first: French stemming over unaccented text on PostgreSQL
// (stems are the words as typed), word prefixes over the FTS5 index on
// SQLite (stems are the caller's crude French stems, see search). words
// and stems are folded letters and digits only. The entries are whole
// rows, unchecked: the journal search passes them through the door
// (file.Readable) before showing any.
func (tx *Tx) SearchJournal(ctx context.Context, orgID string, words, stems []string, limit int) ([]*parcours.JournalEntry, error) {
	if len(words) == 0 {
		return nil, nil
	}
	var q string
	var args []any
	if tx.db.dialect == Postgres {
		q = `SELECT ` + prefixed("j.", journalColumns) + ` FROM journal_entries j, plainto_tsquery('french', parcours_unaccent(?)) q
			WHERE j.org_id = ? AND to_tsvector('french', parcours_unaccent(j.summary)) @@ q
			ORDER BY ts_rank(to_tsvector('french', parcours_unaccent(j.summary)), q) DESC, j.created_at DESC, j.id LIMIT ?`
		args = []any{strings.Join(words, " "), orgID, limit}
	} else {
		terms := make([]string, len(stems))
		for i, s := range stems {
			terms[i] = `"` + strings.ReplaceAll(s, `"`, `""`) + `"*`
		}
		q = `SELECT ` + prefixed("j.", journalColumns) + ` FROM journal_fts f JOIN journal_entries j ON j.rowid = f.rowid
			WHERE journal_fts MATCH ? AND j.org_id = ? ORDER BY f.rank, j.created_at DESC, j.id LIMIT ?`
		args = []any{strings.Join(terms, " "), orgID, limit}
	}
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*parcours.JournalEntry
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// TermCounts returns the words of words that are in the dictionary of
// name tokens, with their counts of persons.
func (tx *Tx) TermCounts(ctx context.Context, words []string) (map[string]int, error) {
	return tx.counts(ctx, "term", "search_terms", words)
}

// PhonCounts returns the phonetic keys of phons that some person has, with
// their counts of persons.
func (tx *Tx) PhonCounts(ctx context.Context, phons []string) (map[string]int, error) {
	return tx.counts(ctx, "phon", "search_phons", phons)
}

// DictionaryCounts is TermCounts and PhonCounts in one round trip.
func (tx *Tx) DictionaryCounts(ctx context.Context, words, phons []string) (terms, keys map[string]int, err error) {
	terms, keys = map[string]int{}, map[string]int{}
	tIn, tArg := tx.inList("term", append(words, "")) // never an empty list
	pIn, pArg := tx.inList("phon", append(phons, ""))
	rows, err := tx.query(ctx, "SELECT 't', term, persons FROM search_terms WHERE "+tIn+
		" UNION ALL SELECT 'p', phon, persons FROM search_phons WHERE "+pIn, tArg, pArg)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var kind, k string
		var n int
		if err := rows.Scan(&kind, &k, &n); err != nil {
			return nil, nil, err
		}
		if kind == "t" {
			terms[k] = n
		} else {
			keys[k] = n
		}
	}
	return terms, keys, rows.Err()
}

func (tx *Tx) counts(ctx context.Context, column, table string, keys []string) (map[string]int, error) {
	out := map[string]int{}
	if len(keys) == 0 {
		return out, nil
	}
	in, arg := tx.inList(column, keys)
	cs, err := tx.termCounts(ctx, "SELECT "+column+", persons FROM "+table+" WHERE "+in, arg)
	for _, c := range cs {
		out[c.Term] = c.Persons
	}
	return out, err
}
