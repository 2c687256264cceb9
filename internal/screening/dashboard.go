package screening

import (
	"context"
	"fmt"
	"sort"

	"parcours/internal/access"
	"parcours/internal/audit"
	"parcours/internal/file"
	"parcours/internal/parcours"
	"parcours/internal/prescreen"
	"parcours/internal/stats"
	"parcours/internal/store"
)

// The non-take-up dashboard (issue 13 point 5): across the organisation's
// active files, the households that screen « probable » for a right, do
// not already receive it according to their budget, and have no
// procedure open or granted for it; by team and by commune, with the
// small-cell suppression of the statistics (package stats). A household
// followed by several teams counts for the first one (by id), so that a
// table's rows add up to its total.

// Group is one breakdown of a right's count.
type Group struct {
	Rows  []stats.Row `json:"rows"`
	Total stats.Cell  `json:"total"`
}

// RightCount is one right's non-take-up.
type RightCount struct {
	Rule      string `json:"rule"`
	Name      string `json:"name"`
	ByTeam    Group  `json:"by_team"`
	ByCommune Group  `json:"by_commune"`
}

// NonTakeUp is the dashboard.
type NonTakeUp struct {
	Date       string        `json:"date"`
	MinCell    int           `json:"min_cell"`
	Households stats.Cell    `json:"households_screened"`
	Rights     []*RightCount `json:"rights"`
	Notice     string        `json:"notice"`
}

type hit struct {
	householdID, personID, team, commune string
}

// population screens every active household and returns, per rule, the
// households in non-take-up.
func (s *Service) population(ctx context.Context, tx *store.Tx, actor parcours.Actor, date string) (int, map[string][]hit, error) {
	list, err := file.PrescreenPopulation(ctx, tx, actor, date)
	if err != nil {
		return 0, nil, err
	}
	out := map[string][]hit{}
	for _, h := range list {
		v, err := s.view(h.Data, date)
		if err != nil {
			return 0, nil, err
		}
		team := ""
		if len(h.TeamIDs) > 0 {
			team = h.TeamIDs[0]
		}
		for _, it := range v.Items {
			if it.Status == prescreen.Probable && !it.Received && !it.Covered {
				out[it.Rule] = append(out[it.Rule], hit{householdID: h.HouseholdID, personID: v.Reference, team: team, commune: h.Commune})
			}
		}
	}
	return len(list), out, nil
}

// NonTakeUp returns the dashboard on today (managers: access.PrescreenStats).
func (s *Service) NonTakeUp(ctx context.Context, actor parcours.Actor) (out *NonTakeUp, err error) {
	defer wrap(&err, "screening: non-take-up")
	err = s.db.View(ctx, func(tx *store.Tx) error {
		date := parcours.Today(tx.Now())
		n, hits, err := s.population(ctx, tx, actor, date)
		if err != nil {
			return err
		}
		teams, err := tx.Teams(ctx, actor.OrgID)
		if err != nil {
			return err
		}
		teamName := map[string]string{}
		for _, t := range teams {
			teamName[t.ID] = t.Name
		}
		hh, _ := stats.Suppress([]int{n})
		out = &NonTakeUp{Date: date, MinCell: stats.MinCell, Households: hh[0], Notice: Notice}
		for _, r := range s.eng.Rules {
			rc := &RightCount{Rule: r.Code, Name: r.Name}
			rc.ByTeam = group(hits[r.Code], func(h hit) string { return h.team }, func(k string) string {
				if n := teamName[k]; n != "" {
					return n
				}
				return "—"
			})
			rc.ByCommune = group(hits[r.Code], func(h hit) string { return h.commune }, func(k string) string {
				if k == "" {
					return "—"
				}
				return k
			})
			out.Rights = append(out.Rights, rc)
		}
		return nil
	})
	return out, err
}

func group(hits []hit, key func(hit) string, label func(string) string) Group {
	counts := map[string]int{}
	for _, h := range hits {
		counts[key(h)]++
	}
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return label(keys[i]) < label(keys[j]) })
	ns := make([]int, len(keys))
	for i, k := range keys {
		ns[i] = counts[k]
	}
	cells, total := stats.Suppress(ns)
	g := Group{Rows: []stats.Row{}, Total: total}
	for i, k := range keys {
		g.Rows = append(g.Rows, stats.Row{Key: k, Label: label(k), Cell: cells[i]})
	}
	return g
}

// DrillFile is a household of a dashboard cell that the manager may open.
type DrillFile struct {
	HouseholdID string `json:"household_id"`
	PersonID    string `json:"person_id"`
	PersonName  string `json:"person_name"`
}

// Drill is the list behind a cell: only the files the actor may open,
// each opened through the door and audited (prescreen.drilldown).
type Drill struct {
	Rule  string      `json:"rule"`
	Name  string      `json:"name"`
	By    string      `json:"by"`
	Key   string      `json:"key"`
	Files []DrillFile `json:"items"`
	// Hidden is true when some households of the cell are files the
	// actor may not open (their number is not given).
	Hidden bool `json:"some_hidden"`
}

// NonTakeUpFiles returns the files behind one cell: rule, by ("team" or
// "commune") and the row's key.
func (s *Service) NonTakeUpFiles(ctx context.Context, actor parcours.Actor, rule, by, key string) (out *Drill, err error) {
	defer wrap(&err, "screening: non-take-up files")
	r := s.eng.Rule(rule)
	var p parcours.Problems
	if r == nil {
		p.Add("rule", "error.invalid_choice", "field.prescreen.rule", rule)
	}
	if by != "team" && by != "commune" {
		p.Add("by", "error.invalid_choice", "field.prescreen.by", by)
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	err = s.db.View(ctx, func(tx *store.Tx) error {
		_, hits, err := s.population(ctx, tx, actor, parcours.Today(tx.Now()))
		if err != nil {
			return err
		}
		out = &Drill{Rule: r.Code, Name: r.Name, By: by, Key: key, Files: []DrillFile{}}
		var ids []string
		var cell []hit
		for _, h := range hits[r.Code] {
			if (by == "team" && h.team == key) || (by == "commune" && h.commune == key) {
				cell = append(cell, h)
				ids = append(ids, h.personID)
			}
		}
		if len(ids) == 0 {
			return nil
		}
		files, err := file.OpenMany(ctx, tx, actor, ids, false)
		if err != nil {
			return err
		}
		for _, h := range cell {
			f := files[h.personID]
			if f == nil || !f.Can(access.PrescreenRead) {
				out.Hidden = true
				continue
			}
			f.Audit("prescreen.drilldown", "household", h.householdID)
			out.Files = append(out.Files, DrillFile{HouseholdID: h.householdID, PersonID: h.personID, PersonName: f.Person.DisplayName()})
		}
		sort.Slice(out.Files, func(i, j int) bool { return out.Files[i].PersonName < out.Files[j].PersonName })
		return nil
	})
	return out, err
}

// AuditExport records the dashboard's export with its row count (the
// dashboard was read, and its access checked, just before).
func (s *Service) AuditExport(ctx context.Context, actor parcours.Actor, rows int) error {
	if err := access.Check(actor, access.PrescreenStats, access.Target{OrgID: actor.OrgID}); err != nil {
		return err
	}
	return s.db.Transact(ctx, func(tx *store.Tx) error {
		ev := audit.For(actor, "prescreen.export", "organization", actor.OrgID, "")
		ev.Reason = fmt.Sprintf("csv, %d lignes", rows)
		tx.Audit(ev)
		return nil
	})
}
