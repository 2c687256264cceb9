package store

import "context"

// StatsKindTheme is a count of journal entries of one kind and theme
// ("" for none).
type StatsKindTheme struct {
	Kind, Theme string
	N           int
}

// StatsEntriesByKindTheme counts the journal entries (corrections left
// out) that occurred in the period, by kind and theme, with the same
// filter as StatsEntries.
func (tx *Tx) StatsEntriesByKindTheme(ctx context.Context, f StatsFilter) ([]StatsKindTheme, error) {
	q := "SELECT kind, theme, COUNT(*) FROM journal_entries WHERE org_id = ? AND amends IS NULL AND occurred_at >= ? AND occurred_at <= ?"
	args := []any{f.OrgID, f.From, f.To}
	if f.TeamID != "" {
		q += " AND team_id = ?"
		args = append(args, f.TeamID)
	}
	if f.WorkerID != "" {
		q += " AND author_id = ?"
		args = append(args, f.WorkerID)
	}
	rows, err := tx.query(ctx, q+" GROUP BY kind, theme ORDER BY kind, theme", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []StatsKindTheme
	for rows.Next() {
		var c StatsKindTheme
		if err := rows.Scan(&c.Kind, &c.Theme, &c.N); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
