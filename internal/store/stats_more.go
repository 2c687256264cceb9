package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// More statistics (issue 15): appointments, procedures, digital
// obstacles, financial aid and referrals of an organisation over a
// period. Counts and sums only, never a name.

// byWorker narrows a query on a column naming a worker (assignee,
// author, creator) to the filter's worker and team.
func (f StatsFilter) byWorker(col string) (string, []any) {
	q, args := "", []any{}
	if f.WorkerID != "" {
		q += " AND " + col + " = ?"
		args = append(args, f.WorkerID)
	}
	if f.TeamID != "" {
		q += " AND " + col + " IN (SELECT worker_id FROM worker_teams WHERE team_id = ?)"
		args = append(args, f.TeamID)
	}
	return q, args
}

// StatsAppointments counts the appointments that started in the period,
// by status (honoured, missed, cancelled, postponed, planned).
func (tx *Tx) StatsAppointments(ctx context.Context, f StatsFilter) ([]StatsCount, error) {
	from, to, err := periodInstants(f.From, f.To)
	if err != nil {
		return nil, err
	}
	q := "SELECT a.status, COUNT(*) FROM appointments a WHERE a.org_id = ? AND a.starts_at >= ? AND a.starts_at < ?"
	args := []any{f.OrgID, from, to}
	if f.TeamID != "" {
		q += " AND a.team_id = ?"
		args = append(args, f.TeamID)
	}
	if f.WorkerID != "" {
		q += " AND EXISTS (SELECT 1 FROM appointment_workers w WHERE w.appointment_id = a.id AND w.worker_id = ?)"
		args = append(args, f.WorkerID)
	}
	return tx.statsCounts(ctx, q+" GROUP BY a.status ORDER BY a.status", args...)
}

// StatsLabelled is a count with the label stored beside its code (a
// right's name at the time of the procedure).
type StatsLabelled struct {
	Key, Label string
	N          int
}

// StatsProcedures counts the procedures created in the period by column
// (right_code, help_level or status); for right_code the label is the
// right's name.
func (tx *Tx) StatsProcedures(ctx context.Context, f StatsFilter, column string) ([]StatsLabelled, error) {
	if !slices.Contains([]string{"right_code", "help_level", "status"}, column) {
		return nil, fmt.Errorf("store: no procedure breakdown %q", column)
	}
	from, to, err := periodInstants(f.From, f.To)
	if err != nil {
		return nil, err
	}
	label := "''"
	if column == "right_code" {
		label = "MIN(right_name)"
	}
	w, wa := f.byWorker("assignee_id")
	rows, err := tx.query(ctx, "SELECT "+column+", "+label+", COUNT(*) FROM procedures WHERE org_id = ? AND created_at >= ? AND created_at < ?"+w+
		" GROUP BY "+column+" ORDER BY "+column, append([]any{f.OrgID, from, to}, wa...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []StatsLabelled
	for rows.Next() {
		var c StatsLabelled
		if err := rows.Scan(&c.Key, &c.Label, &c.N); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// StatsObstacles counts the digital obstacles the procedures created in
// the period met: a procedure counts once per obstacle it names.
func (tx *Tx) StatsObstacles(ctx context.Context, f StatsFilter) ([]StatsCount, error) {
	from, to, err := periodInstants(f.From, f.To)
	if err != nil {
		return nil, err
	}
	w, wa := f.byWorker("assignee_id")
	rows, err := tx.query(ctx, "SELECT obstacles FROM procedures WHERE org_id = ? AND created_at >= ? AND created_at < ? AND obstacles <> ''"+w,
		append([]any{f.OrgID, from, to}, wa...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	m := map[string]int{}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		seen := map[string]bool{}
		for _, o := range strings.Split(s, "\n") {
			if o = strings.TrimSpace(o); o != "" && !seen[o] {
				seen[o] = true
				m[o]++
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := []StatsCount{}
	for k, n := range m {
		out = append(out, StatsCount{Key: k, N: n})
	}
	slices.SortFunc(out, func(a, b StatsCount) int { return strings.Compare(a.Key, b.Key) })
	return out, nil
}

// StatsAid is the financial aid of a period: requests created in it by
// aid (count, amount asked) and those decided in it (granted or partly
// granted: count and amount granted).
type StatsAid struct {
	ByAid                    []StatsLabelled
	Requests, RequestedCents int
	Granted, GrantedCents    int
	Refused                  int
}

// StatsAidRequests gathers StatsAid.
func (tx *Tx) StatsAidRequests(ctx context.Context, f StatsFilter) (*StatsAid, error) {
	from, to, err := periodInstants(f.From, f.To)
	if err != nil {
		return nil, err
	}
	w, wa := f.byWorker("created_by")
	out := &StatsAid{}
	rows, err := tx.query(ctx, "SELECT aid_code, MIN(aid_name), COUNT(*), COALESCE(SUM(amount_cents), 0) FROM aid_requests WHERE org_id = ? AND created_at >= ? AND created_at < ?"+w+
		" GROUP BY aid_code ORDER BY aid_code", append([]any{f.OrgID, from, to}, wa...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var c StatsLabelled
		var cents int64
		if err := rows.Scan(&c.Key, &c.Label, &c.N, &cents); err != nil {
			return nil, err
		}
		out.ByAid = append(out.ByAid, c)
		out.Requests += c.N
		out.RequestedCents += int(cents)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var granted, refused int
	var cents int64
	err = tx.queryRow(ctx, `SELECT COALESCE(SUM(CASE WHEN status IN ('granted','partial') THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN status IN ('granted','partial') THEN decided_cents ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN status = 'refused' THEN 1 ELSE 0 END), 0)
		FROM aid_requests WHERE org_id = ? AND decided_at >= ? AND decided_at < ?`+w, append([]any{f.OrgID, from, to}, wa...)...).Scan(&granted, &cents, &refused)
	out.Granted, out.GrantedCents, out.Refused = granted, int(cents), refused
	return out, err
}

// StatsReferrals are the referrals of a period: sent by the organisation
// and received by it (created in the period), and the answers given in
// the period with the days each took (from sending to answer).
type StatsReferrals struct {
	Sent, Received                 int
	SentAnswerDays, RecvAnswerDays []int
}

// StatsReferralsOf gathers StatsReferrals; the worker filter keeps the
// referrals the worker sent, the team filter those its workers sent.
func (tx *Tx) StatsReferralsOf(ctx context.Context, f StatsFilter) (*StatsReferrals, error) {
	from, to, err := periodInstants(f.From, f.To)
	if err != nil {
		return nil, err
	}
	out := &StatsReferrals{}
	w, wa := f.byWorker("sent_by")
	if err := tx.queryRow(ctx, "SELECT COUNT(*) FROM referrals WHERE from_org_id = ? AND created_at >= ? AND created_at < ?"+w,
		append([]any{f.OrgID, from, to}, wa...)...).Scan(&out.Sent); err != nil {
		return nil, err
	}
	if err := tx.queryRow(ctx, "SELECT COUNT(*) FROM referrals WHERE to_org_id = ? AND created_at >= ? AND created_at < ?",
		f.OrgID, from, to).Scan(&out.Received); err != nil {
		return nil, err
	}
	days := func(q string, args ...any) ([]int, error) {
		rows, err := tx.query(ctx, q, args...)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		var out []int
		for rows.Next() {
			var created, answered int64
			if err := rows.Scan(&created, &answered); err != nil {
				return nil, err
			}
			out = append(out, int((answered-created)/(24*3600*1_000_000)))
		}
		return out, rows.Err()
	}
	if out.SentAnswerDays, err = days("SELECT created_at, answered_at FROM referrals WHERE from_org_id = ? AND answered_at >= ? AND answered_at < ?"+w,
		append([]any{f.OrgID, from, to}, wa...)...); err != nil {
		return nil, err
	}
	if out.RecvAnswerDays, err = days("SELECT created_at, answered_at FROM referrals WHERE to_org_id = ? AND answered_at >= ? AND answered_at < ?",
		f.OrgID, from, to); err != nil {
		return nil, err
	}
	return out, nil
}
