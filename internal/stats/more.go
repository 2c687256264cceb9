package stats

import (
	"context"
	"slices"

	"parcours/internal/store"
)

// buildMore makes the tables of appointments, procedures, digital
// obstacles, financial aid and referrals, with the same suppression as
// the others: counts from 1 to MinCell-1 hidden (and a second one where
// a total would give it back); amounts and delays hidden when fewer than
// MinCell cases make them.
func buildMore(ctx context.Context, tx *store.Tx, f store.StatsFilter) ([]Table, error) {
	var out []Table
	counted := func(id string, keys []string, ns []int, label func(i int) (string, string)) Table {
		t := Table{ID: id, Title: "stats.table." + id}
		cells, total := Suppress(ns)
		for i := range keys {
			l, key := label(i)
			t.Rows = append(t.Rows, Row{Key: keys[i], Label: l, LabelKey: key, Cell: cells[i]})
		}
		t.Total = &total
		return t
	}
	fromCounts := func(id, prefix string, cs []store.StatsCount) Table {
		keys, ns := make([]string, len(cs)), make([]int, len(cs))
		for i, c := range cs {
			keys[i], ns[i] = c.Key, c.N
		}
		return counted(id, keys, ns, func(i int) (string, string) { return keys[i], prefix + keys[i] })
	}
	fromLabelled := func(id, prefix string, cs []store.StatsLabelled) Table {
		keys, ns := make([]string, len(cs)), make([]int, len(cs))
		for i, c := range cs {
			keys[i], ns[i] = c.Key, c.N
		}
		return counted(id, keys, ns, func(i int) (string, string) {
			if prefix == "" {
				return cs[i].Label, ""
			}
			return keys[i], prefix + keys[i]
		})
	}
	// alone is a cell that has no total to protect: primary suppression.
	alone := func(n, cases int, unit string) Cell {
		if cases > 0 && cases < MinCell {
			return Cell{Suppressed: true, Unit: unit}
		}
		return Cell{N: n, Unit: unit}
	}

	appts, err := tx.StatsAppointments(ctx, f)
	if err != nil {
		return nil, err
	}
	out = append(out, fromCounts("appointments", "stats.appointment.", appts))

	for _, b := range []struct{ id, column, prefix string }{
		{"procedures_by_right", "right_code", ""},
		{"procedures_by_help", "help_level", "help_level."},
		{"procedures_by_outcome", "status", "procedure_status."},
	} {
		cs, err := tx.StatsProcedures(ctx, f, b.column)
		if err != nil {
			return nil, err
		}
		out = append(out, fromLabelled(b.id, b.prefix, cs))
	}
	obstacles, err := tx.StatsObstacles(ctx, f)
	if err != nil {
		return nil, err
	}
	out = append(out, fromCounts("obstacles", "obstacle.", obstacles))

	aid, err := tx.StatsAidRequests(ctx, f)
	if err != nil {
		return nil, err
	}
	out = append(out, fromLabelled("aid_by_type", "", aid.ByAid))
	amounts := Table{ID: "aid_amounts", Title: "stats.table.aid_amounts", Unit: UnitCents}
	if aid.Requests > 0 || aid.Granted > 0 {
		amounts.Rows = []Row{
			{Key: "requested", LabelKey: "stats.aid.requested", Cell: alone(aid.RequestedCents, aid.Requests, UnitCents)},
			{Key: "granted", LabelKey: "stats.aid.granted", Cell: alone(aid.GrantedCents, aid.Granted, UnitCents)},
		}
	}
	out = append(out, amounts)

	ref, err := tx.StatsReferralsOf(ctx, f)
	if err != nil {
		return nil, err
	}
	refs := Table{ID: "referrals", Title: "stats.table.referrals"}
	if ref.Sent > 0 || ref.Received > 0 {
		refs.Rows = []Row{
			{Key: "sent", LabelKey: "stats.referral.sent", Cell: alone(ref.Sent, ref.Sent, "")},
			{Key: "received", LabelKey: "stats.referral.received", Cell: alone(ref.Received, ref.Received, "")},
		}
	}
	out = append(out, refs)
	delays := Table{ID: "referral_delays", Title: "stats.table.referral_delays", Unit: UnitDays}
	if len(ref.SentAnswerDays) > 0 || len(ref.RecvAnswerDays) > 0 {
		delays.Rows = []Row{
			{Key: "sent", LabelKey: "stats.referral.delay_sent", Cell: alone(median(ref.SentAnswerDays), len(ref.SentAnswerDays), UnitDays)},
			{Key: "received", LabelKey: "stats.referral.delay_received", Cell: alone(median(ref.RecvAnswerDays), len(ref.RecvAnswerDays), UnitDays)},
		}
	}
	out = append(out, delays)
	return out, nil
}

// median is the median of ns (the lower of the two middle values), 0 for
// none.
func median(ns []int) int {
	if len(ns) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(ns))
	return s[(len(s)-1)/2]
}
