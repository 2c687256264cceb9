package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"parcours/internal/parcours"
)

// FileFacts is what deciding on a person's file needs, gathered by
// FileFacts in one statement: the person, their merge group, every
// accompaniment that covers the group, and the worker's relation.
type FileFacts struct {
	Person *parcours.Person
	// Into is the person this one was merged into, "" when none.
	Into string
	// IDs are the person and every person merged into it, directly or
	// through earlier merges (MergedIDs): the rows the file lists.
	IDs []string
	// Group is the whole merge group (FileGroup): IDs, or, for an absorbed
	// duplicate, the group of the person at the top of the merge chain.
	Group []string
	// Accompaniments are every accompaniment covering the group (the
	// group's own and those of the households its members belong to),
	// active first, then newest start first; without goals or referent
	// history (AccompanimentDetails). Active are the open ones, oldest
	// start first.
	Accompaniments []*parcours.Accompaniment
	Active         []*parcours.Accompaniment
	// Rel is the worker's relation to the person (Relation).
	Rel *parcours.Relation
	// LastVisit is the worker's previous visit of the file, when asked.
	LastVisit time.Time
}

// factColumns is the width of the rows of the facts statement: a kind,
// the person asked about, then up to 23 values as text.
const factColumns = 23

// FileFacts gathers, for each of personIDs, the facts of FileFacts in one
// statement: a union of tagged rows (p: person, o: own ids, g: group, a:
// accompaniment, r: recorder and team, c: objection, b: break-glass, v:
// last visit). visit asks for the worker's last visit too. A person that
// does not exist is absent from the map.
//
// The rules of Relation apply: accompaniments and recorders of every
// person of the merge group count (recorders only while the group was
// never accompanied), objections of the whole group, and the break-glass
// opened on the person itself.
func (tx *Tx) FileFacts(ctx context.Context, workerID string, teamIDs []string, personIDs []string, visit bool) (map[string]*FileFacts, error) {
	if len(personIDs) == 0 {
		return map[string]*FileFacts{}, nil
	}
	q, args := tx.fileFactsStatement(workerID, personIDs, visit)
	return tx.fileFacts(ctx, q, args, workerID, teamIDs, nil)
}

// FileFactsJournal is FileFacts of one person (without the last visit)
// and, on PostgreSQL, in the same round trip, the page of that person's
// own journal JournalPageAmended would read (read is then true). It is
// for opening a file to list its journal: the page is read before the
// facts decide anything, so the caller (the door) uses it only once the
// policy allowed the journal, and only when the file's rows are the
// person's alone (no duplicate merged into them); else it reads the page
// again, as JournalPageAmended. A round trip less per file opened, on
// both sides: ~60 µs of CPU (issue 17). Elsewhere (SQLite, where a round
// trip costs nothing, or a database/sql transaction) only the facts are
// read.
func (tx *Tx) FileFactsJournal(ctx context.Context, workerID string, teamIDs []string, personID string, f JournalFilter, after []string, limit int) (facts map[string]*FileFacts, page []*parcours.JournalEntry, am map[string][]string, read bool, err error) {
	ids := []string{personID}
	q, args := tx.fileFactsStatement(workerID, ids, false)
	if tx.db.dialect != Postgres {
		facts, err = tx.fileFacts(ctx, q, args, workerID, teamIDs, nil)
		return facts, nil, nil, false, err
	}
	pq, pargs, err := journalPageQuery(ids, f, after, limit, false)
	if err != nil {
		return nil, nil, nil, false, err
	}
	aq, aargs := amendmentsAndDisclosuresQuery(ids)
	var ds map[disclosureKey]string
	extra := &factsExtra{queries: []string{pq, aq}, args: [][]any{pargs, aargs}, read: func(br pgx.BatchResults) (err error) {
		page, am, ds, err = readPageAmended(br, pq, aq, limit)
		return err
	}}
	if facts, err = tx.fileFacts(ctx, q, args, workerID, teamIDs, extra); err != nil || !extra.done {
		return facts, nil, nil, false, err
	}
	setDisclosures(page, ds)
	return facts, page, am, true, nil
}

// factsExtra are statements sent in the facts statement's batch, on
// PostgreSQL: read reads their results, in order; done tells that it did.
type factsExtra struct {
	queries []string
	args    [][]any
	read    func(pgx.BatchResults) error
	done    bool
}

// fileFacts runs a facts statement (q, args) and gathers its rows; on
// PostgreSQL with extra's statements in the same batch, when not nil.
func (tx *Tx) fileFacts(ctx context.Context, q string, args []any, workerID string, teamIDs []string, extra *factsExtra) (map[string]*FileFacts, error) {
	out := map[string]*FileFacts{}
	type gathered struct {
		facts       *FileFacts
		recorders   map[string][]string
		breakGlass  *parcours.BreakGlass
		objections  []string
		accompanied bool
		archived    bool
		kinds       []*parcours.BreakGlass
	}
	all := map[string]*gathered{}
	get := func(id string) *gathered {
		g := all[id]
		if g == nil {
			g = &gathered{facts: &FileFacts{}, recorders: map[string][]string{}}
			all[id] = g
		}
		return g
	}
	vals := make([]sql.NullString, factColumns+2)
	handle := func() error {
		g := get(vals[1].String)
		v := vals[2:]
		row := textRow(v)
		switch vals[0].String {
		case "p":
			p, _, err := scanPerson(row)
			if err != nil {
				return err
			}
			g.facts.Person = p
			g.facts.Into = v[21].String
			g.archived = v[22].String != "" && v[22].String != "0"
		case "o":
			g.facts.IDs = append(g.facts.IDs, v[0].String)
		case "g":
			g.facts.Group = append(g.facts.Group, v[0].String)
		case "a":
			a, err := scanAccompaniment(row)
			if err != nil {
				return err
			}
			g.facts.Accompaniments = append(g.facts.Accompaniments, a)
		case "r":
			g.recorders[v[0].String] = append(g.recorders[v[0].String], v[1].String)
		case "c":
			g.objections = append(g.objections, v[0].String)
		case "b":
			b, err := scanBreakGlass(row)
			if err != nil {
				return err
			}
			if g.breakGlass == nil || b.ExpiresAt.After(g.breakGlass.ExpiresAt) {
				g.breakGlass = b
			}
			g.kinds = append(g.kinds, b)
		case "v":
			n, _ := strconv.ParseInt(v[0].String, 10, 64)
			g.facts.LastVisit = fromTS(n)
		}
		return nil
	}
	observe(ctx, q)
	done, err := tx.pgxRead(ctx, q, func(c *pgx.Conn) error {
		// Every column is text (the statement casts them): pgx's raw
		// values are the texts, without database/sql's conversions.
		read := func(rows pgx.Rows) error {
			defer rows.Close()
			for rows.Next() {
				raw := rows.RawValues()
				if len(raw) != len(vals) {
					return fmt.Errorf("store: file facts: %d values", len(raw))
				}
				for i, b := range raw {
					vals[i] = sql.NullString{String: string(b), Valid: b != nil}
				}
				if err := handle(); err != nil {
					return err
				}
			}
			return rows.Err()
		}
		if extra == nil {
			rows, err := c.Query(ctx, tx.db.rebind(q), args...)
			if err != nil {
				return err
			}
			return read(rows)
		}
		var b pgx.Batch
		b.Queue(tx.db.rebind(q), args...)
		for i, eq := range extra.queries {
			observe(ctx, eq)
			b.Queue(tx.db.rebind(eq), extra.args[i]...)
		}
		br := c.SendBatch(ctx, &b)
		rows, err := br.Query()
		if err == nil {
			err = read(rows)
		}
		if err == nil {
			if err = extra.read(br); err == nil {
				extra.done = true
			}
		}
		if cerr := br.Close(); err == nil {
			err = cerr
		}
		return err
	})
	if done {
		if err != nil {
			return nil, wrapQuery(q, err)
		}
	} else if err := tx.factsSQL(ctx, q, args, vals, handle); err != nil {
		return nil, err
	}
	for id, g := range all {
		f := g.facts
		if f.Person == nil {
			continue
		}
		// The person first, then the duplicates merged into them, as
		// MergedIDs lists them.
		slices.Sort(f.IDs)
		f.IDs = slices.DeleteFunc(f.IDs, func(s string) bool { return s == id })
		f.IDs = append([]string{id}, f.IDs...)
		slices.Sort(f.Group)
		slices.SortFunc(f.Accompaniments, func(a, b *parcours.Accompaniment) int {
			if (a.EndDate == "") != (b.EndDate == "") {
				if a.EndDate == "" {
					return -1
				}
				return 1
			}
			if c := strings.Compare(b.StartDate, a.StartDate); c != 0 {
				return c
			}
			return strings.Compare(b.ID, a.ID)
		})
		// The same accompaniment may come twice (buildFileFactsQueryPG):
		// the sort made the copies neighbours.
		f.Accompaniments = slices.CompactFunc(f.Accompaniments, func(a, b *parcours.Accompaniment) bool { return a.ID == b.ID })
		// An accompaniment another organisation opened on accepting a
		// referral is that organisation's (package referral): it neither
		// shows in the file nor links anyone to it.
		f.Accompaniments = slices.DeleteFunc(f.Accompaniments, func(a *parcours.Accompaniment) bool { return a.OrgID != f.Person.OrgID })
		// An archived file is consulted through an access of the archive
		// kind only, any other file through an emergency one only.
		want := parcours.BreakGlassEmergency
		if g.archived {
			want = parcours.BreakGlassArchive
		}
		g.breakGlass = nil
		for _, b := range g.kinds {
			if b.Kind == want && (g.breakGlass == nil || b.ExpiresAt.After(g.breakGlass.ExpiresAt)) {
				g.breakGlass = b
			}
		}
		rel := &parcours.Relation{PersonID: id, OrgID: f.Person.OrgID, BreakGlass: g.breakGlass, Archived: g.archived}
		for _, a := range f.Accompaniments {
			if a.EndDate != "" {
				continue // an ended accompaniment no longer links anyone
			}
			f.Active = append(f.Active, a)
			rel.Referent = rel.Referent || a.ReferentID == workerID
			rel.Team = rel.Team || slices.Contains(teamIDs, a.TeamID)
		}
		slices.SortFunc(f.Active, func(a, b *parcours.Accompaniment) int {
			if c := strings.Compare(a.StartDate, b.StartDate); c != 0 {
				return c
			}
			return strings.Compare(a.ID, b.ID)
		})
		if len(f.Accompaniments) == 0 {
			// Never accompanied: the worker who recorded the person and
			// their teams follow them.
			for recorder, teams := range g.recorders {
				rel.Referent = rel.Referent || recorder == workerID
				for _, t := range teams {
					rel.Team = rel.Team || (t != "" && slices.Contains(teamIDs, t))
				}
			}
		}
		slices.Sort(g.objections)
		rel.Objections = slices.Compact(g.objections)
		if rel.Objections == nil {
			rel.Objections = []string{}
		}
		f.Rel = rel
		tx.rememberBreakGlass(workerID, id, g.breakGlass)
		out[id] = f
	}
	return out, nil
}

// factsSQL runs the facts statement through database/sql, handing each
// row to handle in vals.
func (tx *Tx) factsSQL(ctx context.Context, q string, args []any, vals []sql.NullString, handle func() error) error {
	rows, err := tx.queryObserved(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	dest := make([]any, len(vals))
	for i := range vals {
		dest[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		if err := handle(); err != nil {
			return err
		}
	}
	return rows.Err()
}

// textRow scans a row of text values into the typed destinations of the
// usual scanners (scanPerson, scanAccompaniment, scanBreakGlass).
type textRow []sql.NullString

func (r textRow) Scan(dest ...any) error {
	for i, d := range dest {
		v := r[i]
		switch d := d.(type) {
		case *string:
			*d = v.String
		case *sql.NullString:
			*d = v
		case *int64:
			n, err := strconv.ParseInt(v.String, 10, 64)
			if err != nil && v.Valid {
				return err
			}
			*d = n
		case *int:
			n, err := strconv.Atoi(v.String)
			if err != nil && v.Valid {
				return err
			}
			*d = n
		default:
			if s, ok := d.(sql.Scanner); ok {
				if err := s.Scan(v.String); err != nil {
					return err
				}
				continue
			}
			return sql.ErrNoRows
		}
	}
	return nil
}

// RecordVisit records now as worker's last visit of person's file (the
// previous one comes with FileFacts). Nothing waits for its answer, so on
// PostgreSQL it is held (execLater) and goes with the page's audit event
// and the commit: the person page's write costs one round trip, where
// sending it at once cost three (BEGIN, the upsert, then the audit event
// with COMMIT). An error comes at commit, and fails the page as before.
func (tx *Tx) RecordVisit(ctx context.Context, workerID, personID string) error {
	return tx.execLater(ctx, `INSERT INTO casefile_visits (worker_id, person_id, visited_at) VALUES (?,?,?)
		ON CONFLICT (worker_id, person_id) DO UPDATE SET visited_at = excluded.visited_at`, workerID, personID, ts(tx.now))
}

// AmendmentsByPerson maps every amended entry of the persons of a file to
// the ids of its amendments, oldest first: one indexed read by person,
// whatever the number of entries shown.
func (tx *Tx) AmendmentsByPerson(ctx context.Context, personIDs []string) (map[string][]string, error) {
	q, args := amendmentsByPersonQuery(personIDs)
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string][]string{}
	for rows.Next() {
		var id, of string
		if err := rows.Scan(&id, &of); err != nil {
			return nil, err
		}
		out[of] = append(out[of], id)
	}
	return out, rows.Err()
}

// amendmentsByPersonQuery is AmendmentsByPerson's statement.
func amendmentsByPersonQuery(personIDs []string) (string, []any) {
	in, args := personIn("person_id", personIDs)
	return "SELECT id, amends FROM journal_entries WHERE " + in + " AND amends IS NOT NULL ORDER BY created_at, id", args
}

// AccompanimentDetails fills the goals and the referent history of as in
// one statement (a union of goal rows and referent rows).
func (tx *Tx) AccompanimentDetails(ctx context.Context, as []*parcours.Accompaniment) error {
	if len(as) == 0 {
		return nil
	}
	byID := make(map[string]*parcours.Accompaniment, len(as))
	ids := make([]string, 0, len(as))
	for _, a := range as {
		byID[a.ID] = a
		ids = append(ids, a.ID)
		a.Goals, a.Referents = []parcours.Goal{}, []parcours.ReferentPeriod{}
	}
	in, args := personIn("accompaniment_id", ids)
	rows, err := tx.query(ctx, `SELECT 'g', id, accompaniment_id, title, status, start_date, target_date, closed_date, created_at, 0 FROM goals WHERE `+in+`
		UNION ALL SELECT 'r', '', accompaniment_id, worker_id, team_id, '', '', '', from_at, until_at FROM accompaniment_referents WHERE `+in+`
		ORDER BY 1, 9, 2, 4`, append(args, args...)...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var kind string
		var g parcours.Goal
		var from, until int64
		if err := rows.Scan(&kind, &g.ID, &g.AccompanimentID, &g.Title, &g.Status, &g.StartDate, &g.TargetDate, &g.ClosedDate, &from, &until); err != nil {
			return err
		}
		a := byID[g.AccompanimentID]
		if a == nil {
			continue
		}
		if kind == "g" {
			g.CreatedAt = fromTS(from)
			a.Goals = append(a.Goals, g)
			continue
		}
		a.Referents = append(a.Referents, parcours.ReferentPeriod{WorkerID: g.Title, TeamID: g.Status, From: fromTS(from), Until: fromTS(until)})
	}
	return rows.Err()
}

// fileFactsStatement is FileFacts' statement and its arguments. Every
// step finds its rows by index, without reading a whole table: any scan
// here costs every request on a file in proportion to the database
// (TestFileFacts_PlanReadsNoWholeTable).
func (tx *Tx) fileFactsStatement(workerID string, personIDs []string, visit bool) (string, []any) {
	ids := make([]any, len(personIDs))
	for i, id := range personIDs {
		ids[i] = id
	}
	pg := tx.db != nil && tx.db.dialect == Postgres
	args := make([]any, 0, 4*len(ids)+4)
	args = append(args, ids...)
	if !pg {
		args = append(args, ids...) // own's start
	}
	args = append(append(args, ids...), workerID)
	args = append(append(args, ids...), ts(tx.now))
	if visit {
		args = append(append(args, workerID), ids...)
	}
	return fileFactsQuery(len(personIDs), visit, pg), args
}

// fileFactsQueries keeps the text of the facts statement by number of
// persons, visit and dialect: built once, not on every file opened
// (issue 17).
var fileFactsQueries sync.Map // factsShape → string

type factsShape struct {
	n         int
	visit, pg bool
}

// fileFactsQuery is the facts statement for n persons (with the last
// visit when visit is set), PostgreSQL's when pg is set.
func fileFactsQuery(n int, visit, pg bool) string {
	key := factsShape{n, visit, pg}
	if q, ok := fileFactsQueries.Load(key); ok {
		return q.(string)
	}
	q := buildFileFactsQuery(n, visit)
	if pg {
		q = buildFileFactsQueryPG(n, visit)
	}
	if n <= 64 {
		// Lists open files by pages of at most a few dozen; longer lists
		// are rare and not worth keeping.
		fileFactsQueries.Store(key, q)
	}
	return q
}

// factsPad fills a row of the facts statement that has n values of its
// own up to factColumns with NULLs.
func factsPad(n int) string { return strings.Repeat(", NULL", factColumns-n) }

// castText is a column list with each column cast to text: the facts
// statement's rows, of every kind, share one column type.
func castText(cols string) string {
	parts := strings.Split(cols, ",")
	for i, c := range parts {
		parts[i] = "CAST(" + strings.TrimSpace(c) + " AS TEXT)"
	}
	return strings.Join(parts, ", ")
}

func buildFileFactsQuery(n int, visit bool) string {
	in := placeholders(n)
	pad, text := factsPad, castText
	// The two halves of the accompaniments are separate so that each may
	// use its index (an OR of sub-selects is a full scan on PostgreSQL).
	//
	// No step joins a table to a CTE on a column the table's own terms
	// also filter (household_id <> ''): once persons and accompaniments
	// have statistics, SQLite answers such a join with a Bloom filter, and
	// builds it by reading the whole table, on every request (~10 ms at
	// 50,000 persons). So the walk carries each person's household, and
	// the household accompaniments are found from the list of households
	// (IN, then hh for its start) rather than by a join from hh. And the
	// tables joined to the merge group are read from it (CROSS JOIN keeps
	// SQLite's order; PostgreSQL's planner is free), never the other way
	// round, which SQLite prefers while a table is small.
	q := `WITH RECURSIVE
up(start, id, into_id, depth, household_id) AS (
	SELECT id, id, merged_into, 0, household_id FROM persons WHERE id IN (` + in + `)
	UNION ALL
	SELECT up.start, p.id, p.merged_into, up.depth + 1, p.household_id FROM persons p JOIN up ON p.id = up.into_id WHERE up.depth < 100
),
grp(start, id, household_id) AS (
	SELECT start, id, household_id FROM up WHERE into_id IS NULL
	UNION
	SELECT grp.start, p.id, p.household_id FROM persons p JOIN grp ON p.merged_into = grp.id
),
own(start, id) AS (
	SELECT id, id FROM persons WHERE id IN (` + in + `)
	UNION
	SELECT own.start, p.id FROM persons p JOIN own ON p.merged_into = own.id
),
hh(start, id) AS (
	SELECT DISTINCT start, household_id FROM grp WHERE household_id IS NOT NULL AND household_id <> ''
),
acc AS (
	SELECT grp.start AS start, ` + prefixed("a.", accompanimentColumns) + ` FROM grp CROSS JOIN accompaniments a WHERE a.person_id = grp.id
	UNION
	SELECT hh.start, ` + prefixed("a.", accompanimentColumns) + ` FROM accompaniments a CROSS JOIN hh
	WHERE a.household_id IN (SELECT id FROM hh) AND a.household_id <> '' AND hh.id = a.household_id
)
SELECT 'p', id, ` + text(personColumns) + `, CAST(merged_into AS TEXT), CAST(archived_at AS TEXT) FROM persons WHERE id IN (` + in + `)
UNION ALL SELECT 'o', start, id` + pad(1) + ` FROM own
UNION ALL SELECT 'g', start, id` + pad(1) + ` FROM grp
UNION ALL SELECT 'a', start, ` + text(prefixed("acc.", accompanimentColumns)) + pad(13) + ` FROM acc
UNION ALL SELECT 'r', grp.start, pr.worker_id, wt.team_id` + pad(2) + ` FROM grp CROSS JOIN person_recorders pr LEFT JOIN worker_teams wt ON wt.worker_id = pr.worker_id WHERE pr.person_id = grp.id
UNION ALL SELECT DISTINCT 'c', grp.start, co.category` + pad(1) + ` FROM grp CROSS JOIN consent_objections co WHERE co.person_id = grp.id
UNION ALL SELECT 'b', person_id, ` + text(breakGlassColumns) + pad(12) + ` FROM break_glass WHERE worker_id = ? AND person_id IN (` + in + `) AND expires_at > ?`
	if visit {
		q += `
UNION ALL SELECT 'v', person_id, CAST(visited_at AS TEXT)` + pad(1) + ` FROM casefile_visits WHERE worker_id = ? AND person_id IN (` + in + `)`
	}
	return q
}

// buildFileFactsQueryPG is the facts statement for PostgreSQL: the same
// rows as buildFileFactsQuery's, in a plan of half the nodes. Every file
// opened runs it, and PostgreSQL's cost was mostly setting up and tearing
// down the plan's nodes (hash tables, sorts, a third recursive walk), not
// reading the few rows (issue 17). So:
//   - the person's own ids are the part of the merge group under the
//     person (mine), marked during the group's walk, not a walk of their own;
//   - the accompaniments of the group and of its households are two
//     plain joins (the household's by the partial index), and the
//     objections are not made distinct: FileFacts drops the duplicates
//     (an accompaniment of a member that also covers their household, or
//     of a household two members share) as it reads them.
//
// SQLite keeps buildFileFactsQuery, whose shape its planner needs (see
// there).
func buildFileFactsQueryPG(n int, visit bool) string {
	in := placeholders(n)
	pad, text := factsPad, castText
	acc := text(prefixed("a.", accompanimentColumns)) + pad(13)
	q := `WITH RECURSIVE
up(start, id, into_id, depth, household_id) AS (
	SELECT id, id, merged_into, 0, household_id FROM persons WHERE id IN (` + in + `)
	UNION ALL
	SELECT up.start, p.id, p.merged_into, up.depth + 1, p.household_id FROM persons p JOIN up ON p.id = up.into_id WHERE up.depth < 100
),
grp(start, id, household_id, mine) AS (
	SELECT start, id, household_id, id = start FROM up WHERE into_id IS NULL
	UNION
	SELECT grp.start, p.id, p.household_id, grp.mine OR p.id = grp.start FROM persons p JOIN grp ON p.merged_into = grp.id
)
SELECT 'p', id, ` + text(personColumns) + `, CAST(merged_into AS TEXT), CAST(archived_at AS TEXT) FROM persons WHERE id IN (` + in + `)
UNION ALL SELECT 'o', start, id` + pad(1) + ` FROM grp WHERE mine
UNION ALL SELECT 'g', start, id` + pad(1) + ` FROM grp
UNION ALL SELECT 'a', grp.start, ` + acc + ` FROM grp JOIN accompaniments a ON a.person_id = grp.id
UNION ALL SELECT 'a', grp.start, ` + acc + ` FROM grp JOIN accompaniments a ON a.household_id = grp.household_id AND a.household_id <> ''
UNION ALL SELECT 'r', grp.start, pr.worker_id, wt.team_id` + pad(2) + ` FROM grp JOIN person_recorders pr ON pr.person_id = grp.id LEFT JOIN worker_teams wt ON wt.worker_id = pr.worker_id
UNION ALL SELECT 'c', grp.start, co.category` + pad(1) + ` FROM grp JOIN consent_objections co ON co.person_id = grp.id
UNION ALL SELECT 'b', person_id, ` + text(breakGlassColumns) + pad(12) + ` FROM break_glass WHERE worker_id = ? AND person_id IN (` + in + `) AND expires_at > ?`
	if visit {
		q += `
UNION ALL SELECT 'v', person_id, CAST(visited_at AS TEXT)` + pad(1) + ` FROM casefile_visits WHERE worker_id = ? AND person_id IN (` + in + `)`
	}
	return q
}
