// Package stats is the activity statistics of an organisation (issue 15):
// per period, team and worker, active and new files, accompaniments
// opened and closed, journal entries, and the active files by commune,
// age band, sex and household size.
//
// Small counts identify people: no cell below MinCell is ever returned
// (primary suppression), and where a table has a total, a second cell is
// suppressed with the first so that the total cannot give it back
// (secondary suppression). Suppressed cells carry no number at all, not
// even in JSON or exports.
package stats

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"parcours/internal/access"
	"parcours/internal/audit"
	"parcours/internal/parcours"
	"parcours/internal/store"
)

// MinCell is the smallest count shown.
const MinCell = 5

// Cell is one count as shown: N is meaningful only when not Suppressed.
type Cell struct {
	N          int
	Suppressed bool
	// Unit is "" for a count, UnitCents for an amount (N in cents),
	// UnitDays for a median delay: those are suppressed when fewer than
	// MinCell cases make them.
	Unit string
}

// Units of a cell that is not a count.
const (
	UnitCents = "cents"
	UnitDays  = "days"
)

// MarshalJSON writes {"n": 12} or {"suppressed": true}: a suppressed
// count never leaves the server.
func (c Cell) MarshalJSON() ([]byte, error) {
	if c.Suppressed {
		return []byte(`{"suppressed":true}`), nil
	}
	return json.Marshal(struct {
		N int `json:"n"`
	}{c.N})
}

// String is the cell as printed: the number, or "< 5".
func (c Cell) String() string {
	if c.Suppressed {
		return fmt.Sprintf("< %d", MinCell)
	}
	switch c.Unit {
	case UnitCents:
		return euros(c.N)
	case UnitDays:
		return fmt.Sprintf("%d j", c.N)
	}
	return fmt.Sprint(c.N)
}

// euros writes cents in the French form: « 1 874,50 € ».
func euros(cents int) string {
	neg := cents < 0
	if neg {
		cents = -cents
	}
	digits := fmt.Sprint(cents / 100)
	var b strings.Builder
	if neg {
		b.WriteString("-")
	}
	for i, r := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteString("\u202f")
		}
		b.WriteRune(r)
	}
	fmt.Fprintf(&b, ",%02d\u00a0€", cents%100)
	return b.String()
}

// Row is a line of a table: a code and the label key or text.
type Row struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	// LabelKey is a catalogue key translating the label ("" when Label
	// is a name: a commune, a kind of the organisation's catalogue).
	LabelKey string `json:"-"`
	// LabelKeys, when set, are catalogue keys whose translations make
	// the label together (« Entretien — Logement »).
	LabelKeys []string `json:"-"`
	Cell      Cell     `json:"count"`
}

// Table is one statistics table.
type Table struct {
	ID    string `json:"id"`
	Title string `json:"-"` // catalogue key
	Rows  []Row  `json:"rows"`
	// Total is the sum of the rows, for breakdowns (nil for the summary,
	// whose lines are different measures).
	Total *Cell `json:"total,omitempty"`
	// Unit is the unit of the table's cells ("" for counts).
	Unit string `json:"unit,omitempty"`
}

// Report is the statistics of a period.
type Report struct {
	From     string  `json:"from"`
	To       string  `json:"to"`
	TeamID   string  `json:"team_id,omitempty"`
	WorkerID string  `json:"worker_id,omitempty"`
	MinCell  int     `json:"min_cell"`
	Tables   []Table `json:"tables"`
}

// Table returns the table id, or nil.
func (r *Report) Table(id string) *Table {
	for i := range r.Tables {
		if r.Tables[i].ID == id {
			return &r.Tables[i]
		}
	}
	return nil
}

// TableIDs are the tables of a report, in order.
var TableIDs = []string{"summary", "opened_by_kind", "closed_by_reason", "entries_by_kind", "entries_by_theme", "entries_by_kind_theme", "by_commune", "by_age", "by_sex", "by_household",
	"appointments", "procedures_by_right", "procedures_by_help", "procedures_by_outcome", "obstacles", "aid_by_type", "aid_amounts",
	"referrals", "referral_delays"}

// Suppress applies primary and secondary suppression to counts and their
// total: cells from 1 to MinCell-1 are suppressed; while exactly one cell
// is suppressed, the smallest other non-zero cell is suppressed too, or
// the total when there is none (the total minus the shown cells would
// give the suppressed one back). A total below MinCell is suppressed.
func Suppress(counts []int) (cells []Cell, total Cell) {
	cells = make([]Cell, len(counts))
	sum := 0
	for i, n := range counts {
		cells[i] = Cell{N: n, Suppressed: n > 0 && n < MinCell}
		sum += n
	}
	total = Cell{N: sum, Suppressed: sum > 0 && sum < MinCell}
	suppressed := 0
	for _, c := range cells {
		if c.Suppressed {
			suppressed++
		}
	}
	if suppressed == 1 && !total.Suppressed {
		next := -1
		for i, c := range cells {
			if !c.Suppressed && c.N > 0 && (next < 0 || c.N < cells[next].N) {
				next = i
			}
		}
		if next >= 0 {
			cells[next].Suppressed = true
		} else {
			total.Suppressed = true
		}
	}
	for i := range cells {
		if cells[i].Suppressed {
			cells[i].N = 0
		}
	}
	if total.Suppressed {
		total.N = 0
	}
	return cells, total
}

// Service computes statistics.
type Service struct {
	db  *store.DB
	now func() time.Time
	// files are the background exports' settings (jobs.go).
	files ExportFiles
}

// New returns the service.
func New(db *store.DB) *Service {
	return &Service{db: db, now: func() time.Time { return time.Now().UTC() }}
}

// Query selects a report: a period (default: this calendar year), a team
// and a worker of the actor's organisation (optional).
type Query struct {
	From, To         string
	TeamID, WorkerID string
}

func (s *Service) check(ctx context.Context, tx *store.Tx, actor parcours.Actor) error {
	dpo := false
	if !actor.System && actor.Role != parcours.RoleManager {
		var err error
		if dpo, err = tx.IsDPO(ctx, actor.WorkerID); err != nil {
			return err
		}
	}
	return access.Check(actor, access.StatsRead, access.Target{OrgID: actor.OrgID, DPO: dpo})
}

func (s *Service) validate(q *Query) error {
	var v parcours.Problems
	year := s.now().Format("2006")
	if q.From == "" {
		q.From = year + "-01-01"
	}
	if q.To == "" {
		q.To = year + "-12-31"
	}
	from, err1 := parcours.ParseDate(q.From)
	to, err2 := parcours.ParseDate(q.To)
	if err1 != nil {
		v.Add("from", "error.stats.date")
	}
	if err2 != nil {
		v.Add("to", "error.stats.date")
	}
	if err1 == nil && err2 == nil && (to.Before(from) || to.Sub(from) > 10*366*24*time.Hour) {
		v.Add("to", "error.stats.period")
	}
	return v.Err()
}

// Report computes the statistics of the actor's organisation (managers
// and the DPO). A team or worker of another organisation is 404; a period
// without data gives empty tables.
func (s *Service) Report(ctx context.Context, actor parcours.Actor, q Query) (rep *Report, err error) {
	defer wrap(&err, "Report")
	err = s.db.View(ctx, func(tx *store.Tx) error {
		f, err := s.filter(ctx, tx, actor, q)
		if err != nil {
			return err
		}
		rep, err = build(ctx, tx, f)
		return err
	})
	return rep, err
}

// filter checks the actor and the query and returns the store's filter.
func (s *Service) filter(ctx context.Context, tx *store.Tx, actor parcours.Actor, q Query) (store.StatsFilter, error) {
	if err := s.check(ctx, tx, actor); err != nil {
		return store.StatsFilter{}, err
	}
	if err := s.validate(&q); err != nil {
		return store.StatsFilter{}, err
	}
	if q.TeamID != "" {
		teams, err := tx.Teams(ctx, actor.OrgID)
		if err != nil {
			return store.StatsFilter{}, err
		}
		if !slices.ContainsFunc(teams, func(t *parcours.Team) bool { return t.ID == q.TeamID }) {
			return store.StatsFilter{}, parcours.FieldError(parcours.ENotFound, "team", "error.not_found")
		}
	}
	if q.WorkerID != "" {
		w, err := tx.Worker(ctx, q.WorkerID)
		if err != nil || w.OrgID != actor.OrgID {
			return store.StatsFilter{}, parcours.FieldError(parcours.ENotFound, "worker", "error.not_found")
		}
	}
	return store.StatsFilter{OrgID: actor.OrgID, From: q.From, To: q.To, TeamID: q.TeamID, WorkerID: q.WorkerID}, nil
}

// RowKinds are the row-level exports, in order.
var RowKinds = []string{"accompaniments", "procedures", "aid_requests", "appointments"}

// Row export formats.
const (
	FormatCSV  = "csv"
	FormatXLSX = "xlsx"
)

// RowHeader is the header line of a row-level export.
func RowHeader(kind string) []string { return store.RowExports[kind] }

// ExportRows streams a row-level export (one line per accompaniment,
// procedure or aid request of the period; identifiers and codes, never a
// name) to write, a record at a time, and audits it with its row count
// (stats.export). ready is called once the actor and the query are
// checked, before the first row: the caller sends its headers then.
func (s *Service) ExportRows(ctx context.Context, actor parcours.Actor, kind, format string, q Query, ready func() error, write func([]string) error) (n int, err error) {
	defer wrap(&err, "ExportRows")
	err = s.db.View(ctx, func(tx *store.Tx) error {
		f, err := s.filter(ctx, tx, actor, q)
		if err != nil {
			return err
		}
		if err := checkRows(kind, format); err != nil {
			return err
		}
		if err := ready(); err != nil {
			return err
		}
		n, err = tx.StatsRows(ctx, kind, f, write)
		if err != nil {
			return err
		}
		ev := audit.For(actor, "stats.export", "row_export", kind, "")
		ev.Reason = fmt.Sprintf("%s, %d lignes", format, n)
		tx.Audit(ev)
		return nil
	})
	return n, err
}

func build(ctx context.Context, tx *store.Tx, f store.StatsFilter) (*Report, error) {
	rep := &Report{From: f.From, To: f.To, TeamID: f.TeamID, WorkerID: f.WorkerID, MinCell: MinCell}
	persons, err := tx.StatsActivePersons(ctx, f)
	if err != nil {
		return nil, err
	}
	newFiles, err := tx.StatsNewFiles(ctx, f)
	if err != nil {
		return nil, err
	}
	opened, err := tx.StatsOpened(ctx, f)
	if err != nil {
		return nil, err
	}
	closed, err := tx.StatsClosed(ctx, f)
	if err != nil {
		return nil, err
	}
	entries, err := tx.StatsEntries(ctx, f)
	if err != nil {
		return nil, err
	}
	kinds, err := tx.AccompanimentKinds(ctx, f.OrgID)
	if err != nil {
		return nil, err
	}
	kindLabel := map[string]string{}
	for _, k := range parcours.DefaultAccompanimentKinds {
		kindLabel[k.Code] = k.Label
	}
	for _, k := range kinds {
		kindLabel[k.Code] = k.Label
	}
	sum := func(cs []store.StatsCount) int {
		n := 0
		for _, c := range cs {
			n += c.N
		}
		return n
	}
	summary := Table{ID: "summary", Title: "stats.table.summary"}
	for _, m := range []struct {
		key string
		n   int
	}{{"active", len(persons)}, {"new", newFiles}, {"opened", sum(opened)}, {"closed", sum(closed)}, {"entries", sum(entries)}} {
		c := Cell{N: m.n, Suppressed: m.n > 0 && m.n < MinCell}
		if c.Suppressed {
			c.N = 0
		}
		summary.Rows = append(summary.Rows, Row{Key: m.key, LabelKey: "stats.measure." + m.key, Cell: c})
	}
	rep.Tables = append(rep.Tables, summary)

	fromCounts := func(id string, cs []store.StatsCount, label func(string) (string, string)) Table {
		t := Table{ID: id, Title: "stats.table." + id}
		ns := make([]int, len(cs))
		for i, c := range cs {
			ns[i] = c.N
		}
		cells, total := Suppress(ns)
		for i, c := range cs {
			l, key := label(c.Key)
			t.Rows = append(t.Rows, Row{Key: c.Key, Label: l, LabelKey: key, Cell: cells[i]})
		}
		t.Total = &total
		return t
	}
	rep.Tables = append(rep.Tables,
		fromCounts("opened_by_kind", opened, func(k string) (string, string) {
			if l, ok := kindLabel[k]; ok {
				return l, ""
			}
			return k, ""
		}),
		fromCounts("closed_by_reason", closed, func(k string) (string, string) {
			if k == "" {
				return "", "stats.unknown"
			}
			return k, "end_reason." + k
		}),
		fromCounts("entries_by_kind", entries, func(k string) (string, string) { return k, "entry_kind." + k }),
	)
	themed, err := entryTables(ctx, tx, f, rep.Tables[len(rep.Tables)-1])
	if err != nil {
		return nil, err
	}
	rep.Tables = append(rep.Tables, themed...)

	group := func(key func(store.StatsPerson) string, order func(a, b string) bool) []store.StatsCount {
		m := map[string]int{}
		for _, p := range persons {
			m[key(p)]++
		}
		var out []store.StatsCount
		for k, n := range m {
			out = append(out, store.StatsCount{Key: k, N: n})
		}
		sort.Slice(out, func(i, j int) bool { return order(out[i].Key, out[j].Key) })
		return out
	}
	end, _ := parcours.ParseDate(f.To)
	byName := func(a, b string) bool { return a < b }
	rep.Tables = append(rep.Tables,
		fromCounts("by_commune", group(func(p store.StatsPerson) string {
			if strings.TrimSpace(p.City) == "" {
				return ""
			}
			return strings.TrimSpace(p.PostalCode + " " + p.City)
		}, byName), func(k string) (string, string) {
			if k == "" {
				return "", "stats.unknown"
			}
			return k, ""
		}),
		fromCounts("by_age", group(func(p store.StatsPerson) string { return ageBand(p.BirthDate, end) }, byName),
			func(k string) (string, string) { return k, "stats.age." + k }),
		fromCounts("by_sex", group(func(p store.StatsPerson) string { return p.Sex }, byName),
			func(k string) (string, string) { return k, "stats.sex." + k }),
		fromCounts("by_household", group(func(p store.StatsPerson) string {
			if p.HouseholdSize >= 5 {
				return "5+"
			}
			return fmt.Sprint(p.HouseholdSize)
		}, byName), func(k string) (string, string) { return k, "stats.household." + k }),
	)
	more, err := buildMore(ctx, tx, f)
	if err != nil {
		return nil, err
	}
	rep.Tables = append(rep.Tables, more...)
	return rep, nil
}

// ageBand is the band of the age at day: bands sort by their code.
func ageBand(birth string, day time.Time) string {
	b, err := parcours.ParseDate(birth)
	if err != nil {
		return "9_unknown"
	}
	age := day.Year() - b.Year()
	if day.YearDay() < b.YearDay() {
		age--
	}
	switch {
	case age < 18:
		return "0_under18"
	case age < 26:
		return "1_18_25"
	case age < 36:
		return "2_26_35"
	case age < 46:
		return "3_36_45"
	case age < 56:
		return "4_46_55"
	case age < 66:
		return "5_56_65"
	}
	return "6_66plus"
}

// AuditExport records the export of one table (stats.export, the format
// and row count in the event's reason: never a name).
func (s *Service) AuditExport(ctx context.Context, actor parcours.Actor, table, format string, rows int) error {
	return s.db.Transact(ctx, func(tx *store.Tx) error {
		ev := audit.For(actor, "stats.export", "stats_table", table, "")
		ev.Reason = fmt.Sprintf("%s, %d lignes", format, rows)
		tx.Audit(ev)
		return nil
	})
}

func wrap(err *error, op string) {
	if *err != nil && parcours.AsError(*err) == nil {
		*err = fmt.Errorf("stats: %s: %w", op, *err)
	}
}

// Choices are the teams and workers a report may be narrowed to.
type Choices struct {
	Teams   []*parcours.Team
	Workers []*parcours.Worker
}

// Choices returns the teams and active workers of the actor's
// organisation, for the filters.
func (s *Service) Choices(ctx context.Context, actor parcours.Actor) (out Choices, err error) {
	defer wrap(&err, "Choices")
	err = s.db.View(ctx, func(tx *store.Tx) error {
		if err := s.check(ctx, tx, actor); err != nil {
			return err
		}
		if out.Teams, err = tx.Teams(ctx, actor.OrgID); err != nil {
			return err
		}
		ws, err := tx.Workers(ctx, actor.OrgID)
		for _, w := range ws {
			if !w.Disabled {
				out.Workers = append(out.Workers, w)
			}
		}
		return err
	})
	return out, err
}
