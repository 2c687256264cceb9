package store

import (
	"context"
	"fmt"

	"parcours/internal/parcours"
)

// AddReviewCounts adds to the « relecture éthique » counts of a team and
// month: one row per category, summed with what is there.
func (tx *Tx) AddReviewCounts(ctx context.Context, orgID, teamID, month string, counts []parcours.ReviewCount) error {
	for _, c := range counts {
		if c.Kept == 0 && c.Corrected == 0 {
			continue
		}
		_, err := tx.exec(ctx, `INSERT INTO review_flags (org_id, team_id, month, category, kept, corrected) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (org_id, team_id, month, category) DO UPDATE SET kept = review_flags.kept + excluded.kept,
			corrected = review_flags.corrected + excluded.corrected`, orgID, teamID, month, c.Category, c.Kept, c.Corrected)
		if err != nil {
			return fmt.Errorf("store: unable to add review counts: %w", err)
		}
	}
	return nil
}

// ReviewCounts returns the counts of the given teams of an organisation
// for the months from..to (YYYY-MM, inclusive), by team, month, category.
func (tx *Tx) ReviewCounts(ctx context.Context, orgID string, teamIDs []string, from, to string) ([]parcours.ReviewCount, error) {
	if len(teamIDs) == 0 {
		return nil, nil
	}
	args := []any{orgID, from, to}
	for _, id := range teamIDs {
		args = append(args, id)
	}
	rows, err := tx.query(ctx, `SELECT team_id, month, category, kept, corrected FROM review_flags
		WHERE org_id = ? AND month >= ? AND month <= ? AND team_id IN (`+placeholders(len(teamIDs))+`)
		ORDER BY team_id, month, category`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: unable to read review counts: %w", err)
	}
	defer rows.Close()
	var out []parcours.ReviewCount
	for rows.Next() {
		var c parcours.ReviewCount
		if err := rows.Scan(&c.TeamID, &c.Month, &c.Category, &c.Kept, &c.Corrected); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
