package stats_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"parcours/internal/app/apptest"
	"parcours/internal/stats"
	"parcours/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

func TestSuppress_PrimaryAndSecondary(t *testing.T) {
	t.Parallel()
	show := func(cells []stats.Cell, total stats.Cell) string {
		var out []string
		for _, c := range append(cells, total) {
			out = append(out, c.String())
		}
		return strings.Join(out, " ")
	}
	for _, tc := range []struct {
		in   []int
		want string // cells then total
	}{
		{[]int{7, 3, 6, 5}, "7 < 5 6 < 5 21"}, // one small cell: the smallest other one goes too
		{[]int{7, 3, 2, 9}, "7 < 5 < 5 9 21"}, // two small cells protect each other
		{[]int{12, 0, 4}, "< 5 0 < 5 16"},     // zeros reveal nothing and protect nothing
		{[]int{4, 0, 0}, "< 5 0 0 < 5"},       // no other cell: the total goes
		{[]int{3, 1}, "< 5 < 5 < 5"},          // a small total
		{[]int{5, 5, 10}, "5 5 10 20"},        // nothing to hide
		{[]int{}, "0"},                        // no data: an empty table, not an error
		{[]int{40, 1}, "< 5 < 5 41"},          // the big one hides too, else 41-40 gives 1
	} {
		cells, total := stats.Suppress(tc.in)
		if got := show(cells, total); got != tc.want {
			t.Errorf("Suppress(%v) = %q, want %q", tc.in, got, tc.want)
		}
		for _, c := range append(cells, total) {
			if c.Suppressed && c.N != 0 {
				t.Errorf("Suppress(%v): a suppressed cell keeps its number %d", tc.in, c.N)
			}
		}
	}
	b, _ := json.Marshal(stats.Cell{N: 0, Suppressed: true})
	if string(b) != `{"suppressed":true}` {
		t.Errorf("suppressed cell JSON = %s", b)
	}
}

type report struct {
	From   string `json:"from"`
	Tables []struct {
		ID   string `json:"id"`
		Rows []struct {
			Key   string          `json:"key"`
			Label string          `json:"label"`
			Count json.RawMessage `json:"count"`
		} `json:"rows"`
		Total json.RawMessage `json:"total"`
	} `json:"tables"`
}

// TestStats_CraftedData_NoCellBelowFiveAndTotalsProtect builds 21 files
// in four communes (7, 3, 6, 5): Lyon's 3 is hidden and, since the total
// is shown, the next smallest commune too; no count below 5 appears in
// any table, the JSON, the CSV or the XLSX; the CSV has a BOM, ';' and
// formula cells escaped; each export is audited with its row count.
func TestStats_CraftedData_NoCellBelowFiveAndTotalsProtect(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		year := time.Now().Format("2006")
		n := 0
		for _, c := range []struct {
			city  string
			count int
		}{{"Villeurbanne", 7}, {"Lyon", 3}, {"Bron", 6}, {"=Danger", 5}} {
			for i := 0; i < c.count; i++ {
				n++
				r := e.Do("POST", "/api/v1/persons", "worker", map[string]any{"birth_name": fmt.Sprintf("Stat%c%c", 'A'+n%26, 'a'+n/26), "first_names": "Test",
					"birth_date": "1980-01-01", "sex": []string{"F", "M"}[n%2], "force": true, "address": map[string]any{"city": c.city}})
				if r.Status != 201 {
					t.Fatalf("create person: %d %s", r.Status, r.Body)
				}
				var p struct{ ID string }
				r.Decode(t, &p)
				if r := e.Do("POST", "/api/v1/persons/"+p.ID+"/accompaniments", "worker", map[string]any{"kind": "asg", "start_date": year + "-01-02"}); r.Status != 201 {
					t.Fatalf("accompaniment: %d %s", r.Status, r.Body)
				}
			}
		}
		r := e.Do("GET", "/api/v1/stats", "manager", nil)
		if r.Status != 200 {
			t.Fatalf("stats: %d %s", r.Status, r.Body)
		}
		var rep report
		r.Decode(t, &rep)
		if rep.From != year+"-01-01" {
			t.Errorf("default period from %s", rep.From)
		}
		communes := map[string]string{}
		for _, tb := range rep.Tables {
			suppressed := 0
			for _, row := range tb.Rows {
				var c struct {
					N          *int `json:"n"`
					Suppressed bool `json:"suppressed"`
				}
				if err := json.Unmarshal(row.Count, &c); err != nil {
					t.Fatal(err)
				}
				if c.Suppressed {
					suppressed++
					if c.N != nil {
						t.Errorf("%s/%s: a suppressed cell carries a number", tb.ID, row.Key)
					}
				} else if c.N != nil && *c.N > 0 && *c.N < stats.MinCell {
					t.Errorf("%s/%s: count %d shown", tb.ID, row.Key, *c.N)
				}
				if tb.ID == "by_commune" {
					communes[row.Label] = string(row.Count)
				}
			}
			if tb.Total != nil && !strings.Contains(string(tb.Total), "suppressed") && suppressed == 1 {
				t.Errorf("%s: one suppressed cell and a shown total", tb.ID)
			}
		}
		want := map[string]string{"Villeurbanne": `{"n":7}`, "Lyon": `{"suppressed":true}`, "Bron": `{"n":6}`, "=Danger": `{"suppressed":true}`}
		for k, v := range want {
			if communes[k] != v {
				t.Errorf("commune %s = %s, want %s (all: %v)", k, communes[k], v, communes)
			}
		}

		// CSV: BOM, ';', the formula escaped, « < 5 », audited.
		r = e.Do("GET", "/api/v1/stats/export?table=by_commune&format=csv", "manager", nil)
		if r.Status != 200 || !bytes.HasPrefix(r.Body, []byte("\ufeff")) {
			t.Fatalf("csv: %d %q", r.Status, r.Body)
		}
		body := string(r.Body)
		for _, s := range []string{"'=Danger;< 5", "Lyon;< 5", "Villeurbanne;7", "Total;21"} {
			if !strings.Contains(body, s) {
				t.Errorf("csv lacks %q:\n%s", s, body)
			}
		}
		// XLSX: the same cells.
		r = e.Do("GET", "/api/v1/stats/export?table=by_commune&format=xlsx", "manager", nil)
		if r.Status != 200 {
			t.Fatalf("xlsx: %d", r.Status)
		}
		f, err := excelize.OpenReader(bytes.NewReader(r.Body))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := f.GetRows(f.GetSheetName(0))
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, row := range rows {
			if len(row) == 2 {
				got[row[0]] = row[1]
			}
		}
		if got["Lyon"] != "< 5" || got["Villeurbanne"] != "7" || got["Total"] != "21" {
			t.Errorf("xlsx rows = %v", rows)
		}
		var reasons []string
		rs, err := e.App.DB.SQL().Query("SELECT reason FROM audit_events WHERE action = 'stats.export' ORDER BY seq")
		if err != nil {
			t.Fatal(err)
		}
		for rs.Next() {
			var s string
			_ = rs.Scan(&s)
			reasons = append(reasons, s)
		}
		rs.Close()
		if strings.Join(reasons, "|") != "csv, 4 lignes|xlsx, 4 lignes" {
			t.Errorf("export audit = %v", reasons)
		}

		// Row-level export, streamed: a header and one line per
		// accompaniment, ids and codes only, audited with its count.
		r = e.Do("GET", "/api/v1/stats/rows?kind=accompaniments", "manager", nil)
		lines := strings.Split(strings.TrimSpace(strings.TrimPrefix(string(r.Body), "\ufeff")), "\n")
		if r.Status != 200 || !bytes.HasPrefix(r.Body, []byte("\ufeff")) || len(lines) != 22 ||
			!strings.HasPrefix(lines[0], "id;person_id;team_id") || strings.Contains(string(r.Body), "Stat") {
			t.Errorf("row export: %d, %d lines:\n%s", r.Status, len(lines), r.Body)
		}
		var rowAudit int
		if err := e.App.DB.SQL().QueryRow("SELECT COUNT(*) FROM audit_events WHERE action = 'stats.export' AND object_type = 'row_export' AND reason = 'csv, 21 lignes'").Scan(&rowAudit); err != nil || rowAudit != 1 {
			t.Errorf("row export audit: %d, %v", rowAudit, err)
		}
		// The same rows as XLSX, audited with their count; a bad format is
		// 422 and exports nothing.
		r = e.Do("GET", "/api/v1/stats/rows?kind=accompaniments&format=xlsx", "manager", nil)
		if r.Status != 200 {
			t.Fatalf("xlsx rows: %d %s", r.Status, r.Body)
		}
		xf, err := excelize.OpenReader(bytes.NewReader(r.Body))
		if err != nil {
			t.Fatal(err)
		}
		xrows, err := xf.GetRows(xf.GetSheetName(0))
		if err != nil || len(xrows) != 22 || xrows[0][0] != "id" || xrows[0][1] != "person_id" {
			t.Errorf("xlsx rows: %d rows, %v", len(xrows), err)
		}
		if err := e.App.DB.SQL().QueryRow("SELECT COUNT(*) FROM audit_events WHERE action = 'stats.export' AND object_type = 'row_export' AND reason = 'xlsx, 21 lignes'").Scan(&rowAudit); err != nil || rowAudit != 1 {
			t.Errorf("xlsx row export audit: %d, %v", rowAudit, err)
		}
		if r := e.Do("GET", "/api/v1/stats/rows?kind=procedures&format=ods", "manager", nil); r.Status != 422 || !strings.Contains(string(r.Body), `"field":"format"`) {
			t.Errorf("bad row export format: %d %s", r.Status, r.Body)
		}
		if r := e.Do("GET", "/api/v1/stats/rows?kind=appointments", "manager", nil); r.Status != 200 || !strings.HasPrefix(strings.TrimPrefix(string(r.Body), "\ufeff"), "id;person_id;household_id;team_id;starts_at;status") {
			t.Errorf("appointments export: %d %q", r.Status, r.Body)
		}
		if r := e.Do("GET", "/api/v1/stats/rows?kind=persons", "manager", nil); r.Status != 422 {
			t.Errorf("unknown row export: %d", r.Status)
		}
		if r := e.Do("GET", "/api/v1/stats/rows?kind=procedures", "worker", nil); r.Status != 403 {
			t.Errorf("row export as a worker: %d", r.Status)
		}
		if r := e.Do("GET", "/api/v1/stats/rows?kind=aid_requests", "manager", nil); r.Status != 200 || strings.Count(string(r.Body), "\n") != 1 {
			t.Errorf("empty aid export: %d %q", r.Status, r.Body)
		}

		// A period without data: empty tables, not an error.
		r = e.Do("GET", "/api/v1/stats?from=2001-01-01&to=2001-12-31", "manager", nil)
		if r.Status != 200 || !strings.Contains(string(r.Body), `"id":"by_commune","title":"Dossiers actifs, par commune","rows":[]`) {
			t.Errorf("empty period: %d %s", r.Status, r.Body)
		}
		// Bad input names the field; another organisation's team is 404.
		if r := e.Do("GET", "/api/v1/stats?from=2026-13-01", "manager", nil); r.Status != 422 || !strings.Contains(string(r.Body), `"field":"from"`) {
			t.Errorf("bad date: %d %s", r.Status, r.Body)
		}
		if r := e.Do("GET", "/api/v1/stats?team="+e.TeamB.ID, "manager", nil); r.Status != 404 {
			t.Errorf("other org's team: %d", r.Status)
		}
		if r := e.Do("GET", "/api/v1/stats/export?format=pdf", "manager", nil); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("bad format: %d", r.Status)
		}
		// The page shows the chart and the table, « < 5 » in both.
		r = e.Page("GET", "/stats", "manager", nil)
		page := string(r.Body)
		if r.Status != 200 || !strings.Contains(page, `<svg role="img" aria-labelledby="c-by_commune-t c-by_commune-d"`) || !strings.Contains(page, "Lyon : &lt; 5") {
			t.Errorf("stats page: %d", r.Status)
		}
	})
}
