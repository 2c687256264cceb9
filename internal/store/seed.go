package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"parcours/internal/parcours"
)

// Bulk loading for the operator tools (parcours demo, parcours seed): many
// rows per INSERT statement in few, large transactions. Services are not
// involved — the rows are generated, not typed by a user — so the caller
// validates its generator in tests and audits each batch as the system
// actor in the same transaction.

// SeedHousehold is a household with its members and the history of its
// situation, as the bulk loader writes it.
type SeedHousehold struct {
	Household parcours.Household // OrgID and Name; ID is set when empty
	Members   []SeedMember
	// Situations, oldest first; the last one is current. Their
	// CreatedAt is set from ValidFrom when zero, so history sorts the
	// way it happened.
	Situations []parcours.Situation
	// RecordedBy, when set, is written as the recorder of every member
	// (person_recorders): who may see a person not yet accompanied.
	RecordedBy string
}

// SeedAccompaniment is an accompaniment with its journal, oldest entry
// first. Its first goal and referent period are written too.
type SeedAccompaniment struct {
	Accompaniment parcours.Accompaniment // ID set when empty; PersonID is set
	Entries       []parcours.JournalEntry
}

// SeedMember is one person of a SeedHousehold.
type SeedMember struct {
	Person         parcours.Person // ID is set when empty; HouseholdID is set
	Relationship   parcours.Relationship
	Accompaniments []SeedAccompaniment
	// Terms are the person's search index entries, computed by the
	// caller with the search package's rules.
	Terms []PersonTerm
}

// maxParams bounds the placeholders of one statement: SQLite allows
// 32766, PostgreSQL 65535.
const maxParams = 30000

// InsertRows inserts rows into table with one multi-row INSERT per chunk.
// table and cols are constants of the caller, never input; the values are
// all bound as parameters.
func (tx *Tx) InsertRows(ctx context.Context, table string, cols []string, rows [][]any) error {
	return tx.insertRows(ctx, table, cols, rows, "")
}

func (tx *Tx) insertRows(ctx context.Context, table string, cols []string, rows [][]any, suffix string) error {
	if len(rows) == 0 {
		return nil
	}
	if tx.db.dialect == Postgres {
		if tx.conn != nil && suffix == "" {
			return tx.copyRows(ctx, table, cols, rows)
		}
		return tx.insertUnnest(ctx, table, cols, rows, suffix)
	}
	per := max(1, maxParams/len(cols))
	one := "(" + strings.TrimSuffix(strings.Repeat("?,", len(cols)), ",") + ")"
	head := "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES "
	for start := 0; start < len(rows); start += per {
		chunk := rows[start:min(len(rows), start+per)]
		var q strings.Builder
		q.Grow(len(head) + len(chunk)*(len(one)+1))
		q.WriteString(head)
		args := make([]any, 0, len(chunk)*len(cols))
		for i, r := range chunk {
			if i > 0 {
				q.WriteByte(',')
			}
			q.WriteString(one)
			args = append(args, r...)
		}
		q.WriteString(suffix)
		// Not cached by rebind: chunk sizes vary and the strings are big.
		s := q.String()
		if tx.db.dialect == Postgres {
			s = rebindOnce(s)
		}
		if _, err := tx.execText(ctx, s, args...); err != nil {
			return err
		}
	}
	return nil
}

// copyRows is the PostgreSQL bulk insert of TransactBulk: COPY, in the
// binary format, on the transaction's own connection (pgx CopyFrom
// through the driver connection under database/sql).
func (tx *Tx) copyRows(ctx context.Context, table string, cols []string, rows [][]any) error {
	observe(ctx, "COPY INTO "+table)
	return tx.conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("store: bulk copy into %s: not a pgx connection (%T)", table, dc)
		}
		if _, err := c.Conn().CopyFrom(ctx, pgx.Identifier{table}, cols, pgx.CopyFromRows(rows)); err != nil {
			return wrapQuery("COPY INTO "+table, err)
		}
		return nil
	})
}

// insertUnnest is the PostgreSQL bulk insert of other transactions: one parameter per column,
// an array of all the rows' values, expanded by unnest. A statement of a
// few parameters parses and plans in no time whatever the row count,
// where a VALUES list of 30,000 placeholders does not. Column types come
// from the Go values of the first row.
func (tx *Tx) insertUnnest(ctx context.Context, table string, cols []string, rows [][]any, suffix string) error {
	const per = 20000
	for start := 0; start < len(rows); start += per {
		chunk := rows[start:min(len(rows), start+per)]
		args := make([]any, len(cols))
		casts := make([]string, len(cols))
		for c := range cols {
			switch chunk[0][c].(type) {
			case string:
				v := make([]string, len(chunk))
				for i, r := range chunk {
					v[i] = r[c].(string)
				}
				args[c], casts[c] = v, "text[]"
			case int64:
				v := make([]int64, len(chunk))
				for i, r := range chunk {
					v[i] = r[c].(int64)
				}
				args[c], casts[c] = v, "bigint[]"
			case int:
				v := make([]int64, len(chunk))
				for i, r := range chunk {
					v[i] = int64(r[c].(int))
				}
				args[c], casts[c] = v, "bigint[]"
			case bool:
				v := make([]bool, len(chunk))
				for i, r := range chunk {
					v[i] = r[c].(bool)
				}
				args[c], casts[c] = v, "boolean[]"
			default:
				return fmt.Errorf("store: bulk insert into %s: column %s has unsupported type %T", table, cols[c], chunk[0][c])
			}
			casts[c] = "$" + itoa(c+1) + "::" + casts[c]
		}
		q := "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") SELECT * FROM unnest(" + strings.Join(casts, ", ") + ")" + suffix
		if _, err := tx.execText(ctx, q, args...); err != nil {
			return err
		}
	}
	return nil
}

func rebindOnce(q string) string {
	var b strings.Builder
	b.Grow(len(q) + len(q)/2)
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

func itoa(n int) string {
	var buf [20]byte
	i := len(buf)
	for n >= 10 {
		i--
		buf[i] = byte('0' + n%10)
		n /= 10
	}
	i--
	buf[i] = byte('0' + n)
	return string(buf[i:])
}

// The columns the loader fills, spelled out so that a column added later
// by another migration (with its default) does not shift the values.
var (
	seedPersonColumns = []string{"id", "org_id", "birth_name", "usage_name", "first_names", "birth_date", "birth_place", "sex",
		"phone", "email", "address_line1", "address_line2", "postal_code", "city", "nir", "caf_number",
		"household_id", "relationship", "created_at", "updated_at", "version"}
	seedSituationColumns = []string{"id", "household_id", "housing", "income_sources", "employment", "monthly_income", "health",
		"valid_from", "recorded_by", "created_at"}
)

// InsertSeed writes households, their members and their situations with
// multi-row INSERTs. IDs are filled in place.
func (tx *Tx) InsertSeed(ctx context.Context, hs []SeedHousehold) error {
	now := ts(tx.now)
	var hRows, pRows, sRows, recRows, termRows, accRows, refRows, goalRows, entryRows [][]any
	var dict dictCounts
	for i := range hs {
		h := &hs[i]
		if h.Household.ID == "" {
			h.Household.ID = NewID()
		}
		h.Household.CreatedAt = tx.now
		hRows = append(hRows, []any{h.Household.ID, h.Household.OrgID, h.Household.Name, now})
		for j := range h.Members {
			m := &h.Members[j]
			p := &m.Person
			if p.ID == "" {
				p.ID = NewID()
			}
			p.OrgID, p.HouseholdID = h.Household.OrgID, h.Household.ID
			// A person recorded in the past (the demo's history) keeps
			// that date: retention counts it as a contact.
			if p.CreatedAt.IsZero() || p.CreatedAt.After(tx.now) {
				p.CreatedAt = tx.now
			}
			p.UpdatedAt, p.Version = p.CreatedAt, 1
			pRows = append(pRows, []any{p.ID, p.OrgID, p.BirthName, p.UsageName, p.FirstNames, p.BirthDate, p.BirthPlace, string(p.Sex),
				p.Phone, p.Email, p.Address.Line1, p.Address.Line2, p.Address.PostalCode, p.Address.City, p.NIR, p.CAFNumber,
				p.HouseholdID, string(m.Relationship), ts(p.CreatedAt), ts(p.UpdatedAt), 1})
			if h.RecordedBy != "" {
				recRows = append(recRows, []any{p.ID, h.RecordedBy})
			}
			termRows = dict.add(termRows, p, m.Terms)
			for k := range m.Accompaniments {
				sa := &m.Accompaniments[k]
				a := &sa.Accompaniment
				if a.ID == "" {
					a.ID = NewID()
				}
				a.PersonID = p.ID
				if a.CreatedAt.IsZero() {
					a.CreatedAt = tx.now
				}
				accRows = append(accRows, []any{a.ID, a.OrgID, a.PersonID, a.TeamID, a.ReferentID, a.Kind, a.StartDate, a.EndDate,
					a.EndReason, a.EndProofDocumentID, a.CreatedBy, ts(a.CreatedAt)})
				refRows = append(refRows, []any{a.ID, a.ReferentID, a.TeamID, ts(a.CreatedAt), 0})
				for gi := range a.Goals {
					g := &a.Goals[gi]
					if g.ID == "" {
						g.ID = NewID()
					}
					g.AccompanimentID = a.ID
					goalRows = append(goalRows, []any{g.ID, g.AccompanimentID, g.Title, g.Status, g.StartDate, g.TargetDate, g.ClosedDate, ts(g.CreatedAt)})
				}
				for ei := range sa.Entries {
					e := &sa.Entries[ei]
					if e.ID == "" {
						e.ID = NewID()
					}
					e.PersonID, e.AccompanimentID = p.ID, a.ID
					if e.CreatedAt.IsZero() {
						e.CreatedAt = tx.now
					}
					entryRows = append(entryRows, []any{e.ID, e.OrgID, e.PersonID, e.AccompanimentID, e.Kind, e.OccurredAt, e.Summary,
						e.Mode, "[]", e.Confidentiality, e.TeamID, e.AuthorID, e.PrivateSynthesis, ts(e.CreatedAt), e.Theme})
				}
			}
		}
		for j := range h.Situations {
			s := &h.Situations[j]
			if s.ID == "" {
				s.ID = NewID()
			}
			s.HouseholdID = h.Household.ID
			if s.CreatedAt.IsZero() {
				if d, err := time.Parse(time.DateOnly, s.ValidFrom); err == nil {
					s.CreatedAt = d.Add(10 * time.Hour)
				} else {
					s.CreatedAt = tx.now
				}
			}
			if s.IncomeSources == nil {
				s.IncomeSources = []string{}
			}
			incomes, _ := json.Marshal(s.IncomeSources)
			sRows = append(sRows, []any{s.ID, s.HouseholdID, s.Housing, string(incomes), s.Employment, s.MonthlyIncome, s.Health,
				s.ValidFrom, s.RecordedBy, ts(s.CreatedAt)})
		}
	}
	if err := tx.InsertRows(ctx, "households", []string{"id", "org_id", "name", "created_at"}, hRows); err != nil {
		return err
	}
	if err := tx.InsertRows(ctx, "persons", seedPersonColumns, pRows); err != nil {
		return err
	}
	if err := tx.InsertRows(ctx, "situations", seedSituationColumns, sRows); err != nil {
		return err
	}
	for _, t := range []struct {
		table string
		cols  []string
		rows  [][]any
	}{
		{"person_recorders", []string{"person_id", "worker_id"}, recRows},
		{"person_terms", []string{"person_id", "field", "term", "phon", "org_id", "birth_date"}, termRows},
		{"accompaniments", []string{"id", "org_id", "person_id", "team_id", "referent_id", "kind", "start_date", "end_date",
			"end_reason", "end_proof_document_id", "created_by", "created_at"}, accRows},
		{"accompaniment_referents", []string{"accompaniment_id", "worker_id", "team_id", "from_at", "until_at"}, refRows},
		{"goals", []string{"id", "accompaniment_id", "title", "status", "start_date", "target_date", "closed_date", "created_at"}, goalRows},
		{"journal_entries", []string{"id", "org_id", "person_id", "accompaniment_id", "kind", "occurred_at", "summary", "mode",
			"participants", "confidentiality", "team_id", "author_id", "private_synthesis", "created_at", "theme"}, entryRows},
	} {
		if err := tx.InsertRows(ctx, t.table, t.cols, t.rows); err != nil {
			return err
		}
	}
	// The dictionaries are shared by every person: words already known
	// have their counts raised.
	return dict.write(ctx, tx)
}

// ContentDigest hashes the persons, households and situations of the
// database without their identifiers and instants: two databases seeded
// alike have the same digest, whatever the backend. Rows are sorted in Go
// because the two backends collate text differently.
func (db *DB) ContentDigest(ctx context.Context) (string, error) {
	var lines []string
	collect := func(q string, n int) error {
		rows, err := db.r.QueryContext(ctx, q)
		if err != nil {
			return err
		}
		defer rows.Close()
		vals := make([]sql.NullString, n)
		ptrs := make([]any, n)
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				return err
			}
			var b strings.Builder
			for _, v := range vals {
				b.WriteString(v.String)
				b.WriteByte('\x1f')
			}
			lines = append(lines, b.String())
		}
		return rows.Err()
	}
	if err := collect(`SELECT 'p', o.name, h.name, p.birth_name, p.usage_name, p.first_names, p.birth_date, p.birth_place, p.sex,
		p.phone, p.email, p.address_line1, p.address_line2, p.postal_code, p.city, p.nir, p.caf_number, p.relationship
		FROM persons p JOIN organizations o ON o.id = p.org_id LEFT JOIN households h ON h.id = p.household_id`, 18); err != nil {
		return "", err
	}
	if err := collect(`SELECT 's', h.name, s.housing, s.income_sources, s.employment, CAST(s.monthly_income AS TEXT), s.health, s.valid_from,
		(SELECT p.birth_name || ' ' || p.first_names || ' ' || p.birth_date FROM persons p WHERE p.household_id = h.id AND p.relationship = 'reference')
		FROM situations s JOIN households h ON h.id = s.household_id`, 9); err != nil {
		return "", err
	}
	if err := collect(`SELECT 'j', p.birth_name, p.first_names, p.birth_date, a.kind, a.start_date, e.kind, e.occurred_at, e.summary, e.mode,
		e.confidentiality, e.theme
		FROM journal_entries e JOIN persons p ON p.id = e.person_id JOIN accompaniments a ON a.id = e.accompaniment_id`, 12); err != nil {
		return "", err
	}
	sort.Strings(lines)
	sum := sha256.New()
	for _, l := range lines {
		sum.Write([]byte(l))
		sum.Write([]byte{'\n'})
	}
	return hex.EncodeToString(sum.Sum(nil)), nil
}

// Analyze refreshes the query planner's statistics, after a bulk load that
// autovacuum has not seen yet.
func (db *DB) Analyze(ctx context.Context) error {
	q := "ANALYZE"
	if db.dialect == SQLite {
		q = "PRAGMA optimize=0x10002" // analyze every table that needs it
	}
	_, err := db.w.ExecContext(ctx, q)
	return err
}

// Vacuum finishes a bulk load (seed, import) on PostgreSQL: the GIN
// indexes' pending lists (trigram dictionary, journal full text) are
// merged into the indexes, so that searches do not scan them, then VACUUM
// (ANALYZE) sets the visibility map, which index-only scans need, and the
// planner statistics. tables limits it to the tables a load touched; none
// is every table. Autovacuum does the same in production over time; a
// bulk load should not wait for it. On SQLite it is Analyze.
func (db *DB) Vacuum(ctx context.Context, tables ...string) error {
	if db.dialect == SQLite {
		return db.Analyze(ctx)
	}
	rows, err := db.w.QueryContext(ctx, `SELECT c.oid::regclass::text FROM pg_class c JOIN pg_am a ON a.oid = c.relam
		WHERE a.amname = 'gin' AND c.relkind = 'i' AND c.relnamespace = current_schema()::regnamespace ORDER BY 1`)
	if err != nil {
		return err
	}
	var gins []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return err
		}
		gins = append(gins, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, g := range gins {
		if _, err := db.w.ExecContext(ctx, "SELECT gin_clean_pending_list($1::regclass)", g); err != nil {
			return err
		}
	}
	if len(tables) == 0 {
		// Every table of Parcours' own schema, never the whole database:
		// a bare VACUUM would also work through other schemas' tables (an
		// application sharing the server, or parallel tests).
		if tables, err = db.schemaTables(ctx); err != nil {
			return err
		}
	}
	// VACUUM cannot run in a transaction, nor take parameters: the table
	// names are the callers' constants or the catalogue's, quoted.
	_, err = db.w.ExecContext(ctx, "VACUUM (ANALYZE) "+strings.Join(tables, ", "))
	return err
}

// schemaTables lists the tables of the current schema, quoted.
func (db *DB) schemaTables(ctx context.Context) ([]string, error) {
	rows, err := db.w.QueryContext(ctx, `SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1`)
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
