package store

import (
	"context"
	"database/sql"
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
