package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"
)

// Statistics (issue 15): counts of an organisation over a period, for the
// activity report. Every query returns counts or anonymous attributes
// (sex, birth date, commune, household size), never a name.

// StatsFilter narrows the statistics: an organisation, a period (dates
// YYYY-MM-DD, inclusive) and optionally a team and a worker (the referent
// of accompaniments, the author of journal entries).
type StatsFilter struct {
	OrgID, From, To string
	TeamID          string
	WorkerID        string
}

func (f StatsFilter) accompaniments(alias string) (string, []any) {
	q := alias + ".org_id = ?"
	args := []any{f.OrgID}
	if f.TeamID != "" {
		q += " AND " + alias + ".team_id = ?"
		args = append(args, f.TeamID)
	}
	if f.WorkerID != "" {
		q += " AND " + alias + ".referent_id = ?"
		args = append(args, f.WorkerID)
	}
	return q, args
}

// StatsPerson is what statistics know of an accompanied person.
type StatsPerson struct {
	Sex, BirthDate, City, PostalCode string
	HouseholdSize                    int
}

// StatsActivePersons returns the persons with an accompaniment open at
// some point of the period, with the attributes the breakdowns need.
func (tx *Tx) StatsActivePersons(ctx context.Context, f StatsFilter) ([]StatsPerson, error) {
	where, args := f.accompaniments("a")
	args = append(args, f.To, f.From)
	rows, err := tx.query(ctx, `SELECT p.sex, p.birth_date, p.city, p.postal_code,
		COALESCE((SELECT COUNT(*) FROM persons m WHERE m.household_id = p.household_id), 1)
		FROM persons p WHERE p.id IN (SELECT a.person_id FROM accompaniments a WHERE `+where+`
		AND a.start_date <= ? AND (a.end_date = '' OR a.end_date >= ?))`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []StatsPerson
	for rows.Next() {
		var p StatsPerson
		var size sql.NullInt64
		if err := rows.Scan(&p.Sex, &p.BirthDate, &p.City, &p.PostalCode, &size); err != nil {
			return nil, err
		}
		p.HouseholdSize = int(size.Int64)
		if p.HouseholdSize < 1 {
			p.HouseholdSize = 1
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// StatsNewFiles counts the persons whose first accompaniment (within the
// filter) started in the period.
func (tx *Tx) StatsNewFiles(ctx context.Context, f StatsFilter) (int, error) {
	where, args := f.accompaniments("a")
	args = append(args, f.From, f.To)
	var n int
	err := tx.queryRow(ctx, `SELECT COUNT(*) FROM (SELECT a.person_id FROM accompaniments a WHERE `+where+`
		GROUP BY a.person_id HAVING MIN(a.start_date) >= ? AND MIN(a.start_date) <= ?) x`, args...).Scan(&n)
	return n, err
}

// StatsCount is one count of a breakdown.
type StatsCount struct {
	Key string
	N   int
}

func (tx *Tx) statsCounts(ctx context.Context, q string, args ...any) ([]StatsCount, error) {
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []StatsCount
	for rows.Next() {
		var c StatsCount
		if err := rows.Scan(&c.Key, &c.N); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// StatsOpened counts the accompaniments started in the period, by kind.
func (tx *Tx) StatsOpened(ctx context.Context, f StatsFilter) ([]StatsCount, error) {
	where, args := f.accompaniments("a")
	return tx.statsCounts(ctx, "SELECT a.kind, COUNT(*) FROM accompaniments a WHERE "+where+
		" AND a.start_date >= ? AND a.start_date <= ? GROUP BY a.kind ORDER BY a.kind", append(args, f.From, f.To)...)
}

// StatsClosed counts the accompaniments ended in the period, by end
// reason.
func (tx *Tx) StatsClosed(ctx context.Context, f StatsFilter) ([]StatsCount, error) {
	where, args := f.accompaniments("a")
	return tx.statsCounts(ctx, "SELECT a.end_reason, COUNT(*) FROM accompaniments a WHERE "+where+
		" AND a.end_date <> '' AND a.end_date >= ? AND a.end_date <= ? GROUP BY a.end_reason ORDER BY a.end_reason", append(args, f.From, f.To)...)
}

// StatsEntries counts the journal entries (corrections left out) that
// occurred in the period, by kind.
func (tx *Tx) StatsEntries(ctx context.Context, f StatsFilter) ([]StatsCount, error) {
	q := "SELECT kind, COUNT(*) FROM journal_entries WHERE org_id = ? AND amends IS NULL AND occurred_at >= ? AND occurred_at <= ?"
	args := []any{f.OrgID, f.From, f.To}
	if f.TeamID != "" {
		q += " AND team_id = ?"
		args = append(args, f.TeamID)
	}
	if f.WorkerID != "" {
		q += " AND author_id = ?"
		args = append(args, f.WorkerID)
	}
	return tx.statsCounts(ctx, q+" GROUP BY kind ORDER BY kind", args...)
}

// RowExports are the row-level exports: one line per accompaniment, per
// procedure, per aid request, with identifiers and codes only (never a
// name), and the header of each.
var RowExports = map[string][]string{
	"accompaniments": {"id", "person_id", "team_id", "referent_id", "kind", "start_date", "end_date", "end_reason"},
	"procedures":     {"id", "person_id", "right_code", "status", "help_level", "filed_on", "decided_on", "amount_cents", "assignee_id"},
	"aid_requests":   {"id", "person_id", "household_id", "aid_code", "status", "amount_cents", "decided_cents", "payment_status", "paid_on"},
	"appointments":   {"id", "person_id", "household_id", "team_id", "starts_at", "status", "place_kind"},
}

// StatsRows streams the rows of a row-level export to fn, one record at
// a time (constant memory whatever their number), and returns how many
// it wrote. The period selects accompaniments open during it, and
// procedures and aid requests created during it.
func (tx *Tx) StatsRows(ctx context.Context, kind string, f StatsFilter, fn func([]string) error) (int, error) {
	q, args, err := rowQuery(kind, f)
	if err != nil {
		return 0, err
	}
	rows, err := tx.query(ctx, q+rowOrder[kind], args...)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	rec := make([]string, len(RowExports[kind]))
	ptrs := make([]any, len(rec))
	for i := range rec {
		ptrs[i] = &rec[i]
	}
	n := 0
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return n, err
		}
		if kind == "appointments" {
			// The instant as RFC 3339 (UTC), like the API.
			if us, err := strconv.ParseInt(rec[4], 10, 64); err == nil {
				rec[4] = fromTS(us).UTC().Format(time.RFC3339)
			}
		}
		if err := fn(rec); err != nil {
			return n, err
		}
		n++
	}
	return n, rows.Err()
}

// StatsRowCount counts the rows a row-level export would write, to
// decide whether it runs in the background.
func (tx *Tx) StatsRowCount(ctx context.Context, kind string, f StatsFilter) (int, error) {
	q, args, err := rowQuery(kind, f)
	if err != nil {
		return 0, err
	}
	var n int
	err = tx.queryRow(ctx, "SELECT COUNT(*) FROM ("+q+") x", args...).Scan(&n)
	return n, err
}

var rowOrder = map[string]string{
	"accompaniments": " ORDER BY a.start_date, a.id",
	"procedures":     " ORDER BY created_at, id",
	"aid_requests":   " ORDER BY created_at, id",
	"appointments":   " ORDER BY a.starts_at, a.id, 2",
}

// rowQuery is the query of a row-level export, without its order.
func rowQuery(kind string, f StatsFilter) (q string, args []any, err error) {
	from, to, err := periodInstants(f.From, f.To)
	if err != nil {
		return "", nil, err
	}
	switch kind {
	case "accompaniments":
		where, a := f.accompaniments("a")
		q = `SELECT a.id, a.person_id, a.team_id, a.referent_id, a.kind, a.start_date, a.end_date, a.end_reason
			FROM accompaniments a WHERE ` + where + ` AND a.start_date <= ? AND (a.end_date = '' OR a.end_date >= ?)`
		args = append(a, f.To, f.From)
	case "procedures":
		q = `SELECT id, person_id, right_code, status, help_level, filed_on, decided_on, CAST(amount_cents AS TEXT), assignee_id
			FROM procedures WHERE org_id = ? AND created_at >= ? AND created_at < ?`
		args = []any{f.OrgID, from, to}
		if f.WorkerID != "" {
			q += " AND assignee_id = ?"
			args = append(args, f.WorkerID)
		}
	case "aid_requests":
		q = `SELECT id, person_id, household_id, aid_code, status, CAST(amount_cents AS TEXT), CAST(decided_cents AS TEXT), payment_status, paid_on
			FROM aid_requests WHERE org_id = ? AND created_at >= ? AND created_at < ?`
		args = []any{f.OrgID, from, to}
		if f.WorkerID != "" {
			q += " AND created_by = ?"
			args = append(args, f.WorkerID)
		}
	case "appointments":
		// One line per person × appointment: the person of the file, or
		// each member of the household when it was invited whole.
		q = `SELECT a.id, COALESCE(m.id, a.person_id), a.household_id, a.team_id, CAST(a.starts_at AS TEXT), a.status, a.place_kind
			FROM appointments a LEFT JOIN persons m ON a.household_id <> '' AND m.household_id = a.household_id
			WHERE a.org_id = ? AND a.starts_at >= ? AND a.starts_at < ?`
		args = []any{f.OrgID, from, to}
		if f.TeamID != "" {
			q += " AND a.team_id = ?"
			args = append(args, f.TeamID)
		}
		if f.WorkerID != "" {
			q += " AND EXISTS (SELECT 1 FROM appointment_workers w WHERE w.appointment_id = a.id AND w.worker_id = ?)"
			args = append(args, f.WorkerID)
		}
	default:
		return "", nil, fmt.Errorf("store: no row export %q", kind)
	}
	return q, args, nil
}

// periodInstants are the instants bounding the days from..to (UTC).
func periodInstants(from, to string) (int64, int64, error) {
	f, err := time.Parse(time.DateOnly, from)
	if err != nil {
		return 0, 0, err
	}
	t, err := time.Parse(time.DateOnly, to)
	if err != nil {
		return 0, 0, err
	}
	return ts(f), ts(t.AddDate(0, 0, 1)), nil
}
