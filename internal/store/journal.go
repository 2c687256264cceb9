package store

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"parcours/internal/parcours"
)

// The journal is append-only: there is no update or delete here, and the
// database refuses both (triggers of migration 0010).

const journalColumns = `id, org_id, person_id, accompaniment_id, kind, occurred_at, summary, mode, participants, confidentiality,
	team_id, author_id, private_synthesis, amends, created_at, theme`

// journalEntryColumns are journalColumns of the table aliased e.
var journalEntryColumns = prefixed("e.", journalColumns)

// InsertJournalEntries appends entries to journals, in order. CreatedAt
// defaults to the transaction's instant; a bulk loader (seed, demo) may
// set it to spread entries over time. IDs are set when empty. The audit
// events recorded before the call are written with the last insert on
// PostgreSQL (execAudited): record the entry's event first.
func (tx *Tx) InsertJournalEntries(ctx context.Context, entries ...*parcours.JournalEntry) error {
	for i, e := range entries {
		if e.ID == "" {
			e.ID = NewID()
		}
		if e.CreatedAt.IsZero() {
			e.CreatedAt = tx.now
		}
		if e.Participants == nil {
			e.Participants = []string{}
		}
		parts, err := json.Marshal(e.Participants)
		if err != nil {
			return err
		}
		exec := func(ctx context.Context, q string, args ...any) error {
			_, err := tx.exec(ctx, q, args...)
			return err
		}
		if i == len(entries)-1 {
			exec = tx.execAudited
		}
		if err := exec(ctx, "INSERT INTO journal_entries ("+journalColumns+") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
			e.ID, e.OrgID, e.PersonID, nullString(e.AccompanimentID), e.Kind, e.OccurredAt, e.Summary, e.Mode, string(parts),
			e.Confidentiality, e.TeamID, e.AuthorID, e.PrivateSynthesis, nullString(e.Amends), ts(e.CreatedAt), e.Theme); err != nil {
			return err
		}
	}
	return nil
}

func scanEntry(row interface{ Scan(...any) error }, extra ...any) (*parcours.JournalEntry, error) {
	var sc entryScanner
	return sc.scan(row, extra...)
}

// entryScanner scans journal rows. Its destinations are reused from row
// to row, so a listing of 200 entries allocates little more than the
// entries themselves (issue 17).
type entryScanner struct {
	acc, amends cfNullString
	parts       string
	created     int64
	dest        []any
}

func (sc *entryScanner) scan(row interface{ Scan(...any) error }, extra ...any) (*parcours.JournalEntry, error) {
	e := &parcours.JournalEntry{}
	return e, sc.scanInto(e, row, extra...)
}

// scanInto scans a row into e.
func (sc *entryScanner) scanInto(e *parcours.JournalEntry, row interface{ Scan(...any) error }, extra ...any) error {
	sc.dest = append(sc.dest[:0], &e.ID, &e.OrgID, &e.PersonID, &sc.acc, &e.Kind, &e.OccurredAt, &e.Summary, &e.Mode, &sc.parts, &e.Confidentiality,
		&e.TeamID, &e.AuthorID, &e.PrivateSynthesis, &sc.amends, &sc.created, &e.Theme)
	sc.dest = append(sc.dest, extra...)
	if err := row.Scan(sc.dest...); err != nil {
		return err
	}
	e.AccompanimentID, e.Amends = string(sc.acc), string(sc.amends)
	if sc.parts == "[]" {
		// Most entries have no participant: no decoder for them.
		e.Participants = []string{}
	} else if err := json.Unmarshal([]byte(sc.parts), &e.Participants); err != nil {
		return err
	}
	e.CreatedAt = fromTS(sc.created)
	return nil
}

// cfNullString scans a nullable TEXT column, NULL as "".
type cfNullString string

// Scan implements sql.Scanner.
func (s *cfNullString) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		*s = ""
	case string:
		*s = cfNullString(x)
	case []byte:
		*s = cfNullString(x)
	}
	return nil
}

// JournalEntry returns one entry.
func (tx *Tx) JournalEntry(ctx context.Context, id string) (*parcours.JournalEntry, error) {
	return scanEntry(tx.queryRow(ctx, "SELECT "+journalColumns+" FROM journal_entries WHERE id = ?", id))
}

// JournalFilter narrows a journal listing. Empty fields do not filter.
type JournalFilter struct {
	Kind            string
	AuthorID        string
	AccompanimentID string
	From, To        string // occurrence dates, inclusive
}

// JournalPage lists the journal of the persons of a file (a person and
// those merged into it), newest first by occurrence date, then server
// timestamp: up to limit entries after the key `after` (occurred_at,
// created_at, id) of the previous page. Each entry carries its current
// disclosure decision (Disclosure), read in the same statement.
func (tx *Tx) JournalPage(ctx context.Context, personIDs []string, f JournalFilter, after []string, limit int) ([]*parcours.JournalEntry, error) {
	q, args, err := journalPageQuery(personIDs, f, after, limit, true)
	if err != nil {
		return nil, err
	}
	observe(ctx, q)
	var out []*parcours.JournalEntry
	if done, err := tx.pgxRead(ctx, q, func(c *pgx.Conn) error {
		rows, err := c.Query(ctx, tx.db.rebind(q), args...)
		if err != nil {
			return err
		}
		out, err = scanJournalPGX(rows, limit)
		return err
	}); done {
		return out, wrapQuery(q, err)
	}
	return tx.journalPageSQL(ctx, q, args, limit)
}

// JournalPageAmended is JournalPage and AmendmentsByPerson of the same
// persons. On PostgreSQL both statements go in one round trip (a pgx
// batch) and their rows are read by pgx directly, without database/sql's
// conversions: opening a file of 200 entries cost serve more than the
// database did (issue 17). Elsewhere the amendments are read only when the
// page has entries.
//
// The entries' disclosure decisions come with the amendments, read by
// person (amendmentsAndDisclosuresQuery), not joined to every entry of the
// page: that join, with its anti-join for the latest decision, cost
// PostgreSQL a third more than the page's own rows on every file opened,
// almost always for no decision at all (issue 17).
func (tx *Tx) JournalPageAmended(ctx context.Context, personIDs []string, f JournalFilter, after []string, limit int) ([]*parcours.JournalEntry, map[string][]string, error) {
	q, args, err := journalPageQuery(personIDs, f, after, limit, false)
	if err != nil {
		return nil, nil, err
	}
	aq, aargs := amendmentsAndDisclosuresQuery(personIDs)
	observe(ctx, q)
	var (
		out []*parcours.JournalEntry
		am  map[string][]string
		ds  map[disclosureKey]string
	)
	if done, err := tx.pgxRead(ctx, q, func(c *pgx.Conn) error {
		observe(ctx, aq)
		var b pgx.Batch
		b.Queue(tx.db.rebind(q), args...)
		b.Queue(tx.db.rebind(aq), aargs...)
		br := c.SendBatch(ctx, &b)
		var err error
		out, am, ds, err = readPageAmended(br, q, aq, limit)
		if cerr := br.Close(); err == nil {
			err = wrapQuery(aq, cerr)
		}
		return err
	}); done {
		if err != nil {
			return nil, nil, err
		}
		setDisclosures(out, ds)
		return out, am, nil
	}
	if out, err = tx.journalPageSQL(ctx, q, args, limit); err != nil || len(out) == 0 {
		return out, map[string][]string{}, err
	}
	if am, ds, err = tx.amendedSQL(ctx, aq, aargs); err != nil {
		return nil, nil, err
	}
	setDisclosures(out, ds)
	return out, am, nil
}

// readPageAmended reads the results of a journal page statement (q) and
// of its amendments and disclosures statement (aq), queued in that order
// in a pgx batch.
func readPageAmended(br pgx.BatchResults, q, aq string, limit int) ([]*parcours.JournalEntry, map[string][]string, map[disclosureKey]string, error) {
	rows, err := br.Query()
	var page []*parcours.JournalEntry
	if err == nil {
		page, err = scanJournalPGX(rows, limit)
	}
	if err != nil {
		return nil, nil, nil, wrapQuery(q, err)
	}
	var am map[string][]string
	var ds map[disclosureKey]string
	if rows, err = br.Query(); err == nil {
		am, ds, err = scanAmendedPGX(rows)
	}
	return page, am, ds, wrapQuery(aq, err)
}

// disclosureKey is an entry's disclosure decisions' key: the person they
// are about and the entry, as JournalPage joins them.
type disclosureKey struct{ person, entry string }

// amendmentsAndDisclosuresQuery reads, for the persons of a file, what
// AmendmentsByPerson reads (a rows: amendment id, entry amended) and
// every disclosure decision (d rows: entry, person, decision), each in
// its order (created_at or set_at, then id): the last decision of an
// entry is its current one, as JournalPage's join chooses it.
func amendmentsAndDisclosuresQuery(personIDs []string) (string, []any) {
	in, args := personIn("person_id", personIDs)
	return `SELECT 'a', id, amends, created_at, id, '' FROM journal_entries WHERE ` + in + ` AND amends IS NOT NULL
		UNION ALL SELECT 'd', entry_id, person_id, set_at, id, CASE WHEN withheld THEN 'withheld' WHEN shared THEN 'shared' ELSE 'none' END
		FROM journal_disclosures WHERE ` + in + `
		ORDER BY 1, 4, 5`, append(args, args...)
}

// amended adds a row of amendmentsAndDisclosuresQuery to am and ds.
func amended(am map[string][]string, ds map[disclosureKey]string, kind, a, b, decision string) {
	if kind == "a" {
		am[b] = append(am[b], a)
		return
	}
	ds[disclosureKey{person: b, entry: a}] = decision // later rows replace earlier ones
}

// scanAmendedPGX reads amendmentsAndDisclosuresQuery's rows from pgx and
// closes them.
func scanAmendedPGX(rows pgx.Rows) (map[string][]string, map[disclosureKey]string, error) {
	defer rows.Close()
	am, ds := map[string][]string{}, map[disclosureKey]string{}
	for rows.Next() {
		raw := rows.RawValues()
		if len(raw) != 6 {
			return nil, nil, fmt.Errorf("store: amendments: %d values", len(raw))
		}
		amended(am, ds, string(raw[0]), string(raw[1]), string(raw[2]), string(raw[5]))
	}
	return am, ds, rows.Err()
}

// amendedSQL runs amendmentsAndDisclosuresQuery through database/sql.
func (tx *Tx) amendedSQL(ctx context.Context, q string, args []any) (map[string][]string, map[disclosureKey]string, error) {
	rows, err := tx.queryObserved(ctx, q, args...)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	am, ds := map[string][]string{}, map[disclosureKey]string{}
	var kind, a, b, decision string
	var at int64
	var id string
	for rows.Next() {
		if err := rows.Scan(&kind, &a, &b, &at, &id, &decision); err != nil {
			return nil, nil, err
		}
		amended(am, ds, kind, a, b, decision)
	}
	return am, ds, rows.Err()
}

// setDisclosures sets each entry's current disclosure decision, if any.
func setDisclosures(entries []*parcours.JournalEntry, ds map[disclosureKey]string) {
	if len(ds) == 0 {
		return
	}
	for _, e := range entries {
		if d, ok := ds[disclosureKey{person: e.PersonID, entry: e.ID}]; ok {
			e.Disclosure = d
		}
	}
}

// journalPageQuery is JournalPage's statement and its arguments.
// With disclosure, each entry's current disclosure decision is joined;
// without, the column is NULL (JournalPageAmended reads the decisions by
// person).
func journalPageQuery(personIDs []string, f JournalFilter, after []string, limit int, disclosure bool) (string, []any, error) {
	var b strings.Builder
	in, args := personIn("e.person_id", personIDs)
	if !disclosure {
		b.WriteString("SELECT " + journalEntryColumns + ", NULL FROM journal_entries e WHERE " + in)
	} else {
		// The latest decision is joined (d, with no later one for the same
		// entry) rather than looked up by a correlated sub-select: that one
		// ran once per row, sorting each time, and doubled PostgreSQL's work
		// on a page of 200 entries (issue 17); the join reads the person's
		// decisions once (PostgreSQL) or probes the index (SQLite).
		b.WriteString("SELECT " + journalEntryColumns + `, CASE WHEN d.id IS NULL THEN NULL WHEN d.withheld THEN 'withheld' WHEN d.shared THEN 'shared' ELSE 'none' END
		FROM journal_entries e LEFT JOIN journal_disclosures d ON d.person_id = e.person_id AND d.entry_id = e.id
		AND NOT EXISTS (SELECT 1 FROM journal_disclosures l WHERE l.person_id = d.person_id AND l.entry_id = d.entry_id
			AND (l.set_at > d.set_at OR (l.set_at = d.set_at AND l.id > d.id)))
		WHERE ` + in)
	}
	add := func(cond string, v any) {
		b.WriteString(" AND " + cond)
		args = append(args, v)
	}
	if f.Kind != "" {
		add("e.kind = ?", f.Kind)
	}
	if f.AuthorID != "" {
		add("e.author_id = ?", f.AuthorID)
	}
	if f.AccompanimentID != "" {
		add("e.accompaniment_id = ?", f.AccompanimentID)
	}
	if f.From != "" {
		add("e.occurred_at >= ?", f.From)
	}
	if f.To != "" {
		add("e.occurred_at <= ?", f.To)
	}
	if len(after) == 3 {
		created, err := strconv.ParseInt(after[1], 10, 64)
		if err != nil {
			return "", nil, parcours.FieldError(parcours.EBadRequest, "cursor", "error.invalid_cursor")
		}
		b.WriteString(" AND (e.occurred_at < ? OR (e.occurred_at = ? AND (e.created_at < ? OR (e.created_at = ? AND e.id < ?))))")
		args = append(args, after[0], after[0], created, created, after[2])
	}
	b.WriteString(" ORDER BY e.occurred_at DESC, e.created_at DESC, e.id DESC LIMIT ?")
	args = append(args, limit)
	return b.String(), args, nil
}

// journalPageSQL runs JournalPage's statement through database/sql.
func (tx *Tx) journalPageSQL(ctx context.Context, q string, args []any, limit int) ([]*parcours.JournalEntry, error) {
	rows, err := tx.queryObserved(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	// The entries are allocated in blocks rather than one by one: a page
	// of 200 is then a single allocation (issue 17).
	n := max(1, min(limit, 256))
	out := make([]*parcours.JournalEntry, 0, n)
	var block []parcours.JournalEntry
	var sc entryScanner
	var disclosure cfNullString
	for rows.Next() {
		if len(block) == cap(block) {
			block = make([]parcours.JournalEntry, 0, n)
		}
		block = append(block, parcours.JournalEntry{})
		e := &block[len(block)-1]
		disclosure = ""
		if err := sc.scanInto(e, rows, &disclosure); err != nil {
			return nil, err
		}
		e.Disclosure = string(disclosure)
		out = append(out, e)
	}
	return out, rows.Err()
}

// journalPageColumns is the number of columns of JournalPage's rows:
// journalColumns and the disclosure.
const journalPageColumns = 17

// scanJournalPGX reads JournalPage's rows from pgx and closes them. Each
// row's text values are copied into one string, which the entry's fields
// are slices of: one allocation per row rather than one per column, and
// none of database/sql's conversions. A value equal to the previous
// row's in the columns that repeat along a file (organisation, person,
// accompaniment, kind, mode, confidentiality, team, author, theme,
// disclosure) is that row's string again, not a copy: a page then
// allocates about half the bytes, and the collector runs half as often.
func scanJournalPGX(rows pgx.Rows, limit int) ([]*parcours.JournalEntry, error) {
	defer rows.Close()
	fds := rows.FieldDescriptions()
	if len(fds) != journalPageColumns {
		return nil, fmt.Errorf("store: journal page: %d columns", len(fds))
	}
	n := max(1, min(limit, 256))
	out := make([]*parcours.JournalEntry, 0, n)
	var block []parcours.JournalEntry
	var buf []byte
	var (
		ends, starts [journalPageColumns]int
		prev         [journalPageColumns]string
		copied       [journalPageColumns]bool
	)
	for rows.Next() {
		raw := rows.RawValues()
		if len(raw) != journalPageColumns {
			return nil, fmt.Errorf("store: journal page: %d values", len(raw))
		}
		buf = buf[:0]
		for i, v := range raw {
			copied[i] = false
			switch {
			case i == 8 || i == 14:
				// participants, decoded from the raw value; created_at, a
				// number.
				continue
			case journalRepeats&(1<<i) != 0 && string(v) == prev[i]:
				continue
			}
			starts[i] = len(buf)
			buf = append(buf, v...)
			ends[i] = len(buf)
			copied[i] = true
		}
		s := string(buf)
		col := func(i int) string {
			if !copied[i] {
				return prev[i]
			}
			v := s[starts[i]:ends[i]]
			if journalRepeats&(1<<i) != 0 {
				prev[i] = v
			}
			return v
		}
		if len(block) == cap(block) {
			block = make([]parcours.JournalEntry, 0, n)
		}
		block = append(block, parcours.JournalEntry{
			ID: col(0), OrgID: col(1), PersonID: col(2), AccompanimentID: col(3), Kind: col(4), OccurredAt: col(5),
			Summary: col(6), Mode: col(7), Confidentiality: col(9), TeamID: col(10), AuthorID: col(11),
			PrivateSynthesis: col(12), Amends: col(13), Theme: col(15), Disclosure: col(16),
		})
		e := &block[len(block)-1]
		if parts := raw[8]; string(parts) == "[]" {
			// Most entries have no participant: no decoder for them.
			e.Participants = []string{}
		} else if err := json.Unmarshal(parts, &e.Participants); err != nil {
			return nil, err
		}
		created, err := pgInt8(fds[14], raw[14])
		if err != nil {
			return nil, err
		}
		e.CreatedAt = fromTS(created)
		out = append(out, e)
	}
	return out, rows.Err()
}

// journalRepeats are the columns of JournalPage's rows whose value often
// repeats from one row to the next (a bit per column).
const journalRepeats = 1<<1 | 1<<2 | 1<<3 | 1<<4 | 1<<7 | 1<<9 | 1<<10 | 1<<11 | 1<<15 | 1<<16

// pgInt8 decodes a bigint value in the format pgx asked it in.
func pgInt8(fd pgconn.FieldDescription, v []byte) (int64, error) {
	if fd.Format == pgx.BinaryFormatCode {
		if len(v) != 8 {
			return 0, fmt.Errorf("store: %s: a binary bigint of %d bytes", fd.Name, len(v))
		}
		return int64(binary.BigEndian.Uint64(v)), nil
	}
	return strconv.ParseInt(string(v), 10, 64)
}

// JournalKey is the sort key of an entry, for cursors.
func JournalKey(e *parcours.JournalEntry) []string {
	return []string{e.OccurredAt, strconv.FormatInt(ts(e.CreatedAt), 10), e.ID}
}

// AmendmentsOf maps each of ids to the ids of its amendments, oldest
// first, in one query.
func (tx *Tx) AmendmentsOf(ctx context.Context, ids []string) (map[string][]string, error) {
	out := map[string][]string{}
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := tx.query(ctx, "SELECT id, amends FROM journal_entries WHERE amends IN (?"+strings.Repeat(",?", len(ids)-1)+") ORDER BY created_at, id", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id, of string
		if err := rows.Scan(&id, &of); err != nil {
			return nil, err
		}
		out[of] = append(out[of], id)
	}
	return out, rows.Err()
}

// InsertInterviewTemplate stores a trame d'entretien.
func (tx *Tx) InsertInterviewTemplate(ctx context.Context, t *parcours.InterviewTemplate) error {
	if t.ID == "" {
		t.ID = NewID()
	}
	t.CreatedAt = tx.now
	_, err := tx.exec(ctx, "INSERT INTO interview_templates (id, org_id, name, body, created_by, created_at) VALUES (?,?,?,?,?,?)",
		t.ID, t.OrgID, t.Name, t.Body, t.CreatedBy, ts(t.CreatedAt))
	return err
}

// InterviewTemplates lists an organisation's templates by name.
func (tx *Tx) InterviewTemplates(ctx context.Context, orgID string) ([]*parcours.InterviewTemplate, error) {
	rows, err := tx.query(ctx, "SELECT id, org_id, name, body, created_by, created_at FROM interview_templates WHERE org_id = ? ORDER BY name, id", orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*parcours.InterviewTemplate
	for rows.Next() {
		var t parcours.InterviewTemplate
		var created int64
		if err := rows.Scan(&t.ID, &t.OrgID, &t.Name, &t.Body, &t.CreatedBy, &created); err != nil {
			return nil, err
		}
		t.CreatedAt = fromTS(created)
		out = append(out, &t)
	}
	return out, rows.Err()
}
