package stats_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"parcours/internal/app/apptest"
)

// TestAppointmentsExport_RealRows books eight appointments for eight
// files (one inviting a two-person household) and closes six as honoured
// and two as missed: the row export has one line per person ×
// appointment with the values booked (id, person, household, team,
// instant in UTC, outcome, place), a crafted formula value comes out as
// text, the XLSX says the same, and the appointments table hides the two
// missed (< 5) and, since the total is shown, the honoured too.
func TestAppointmentsExport_RealRows(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		monday := time.Date(2026, 11, 30, 7, 0, 0, 0, time.UTC)
		e.App.DB.Now = func() time.Time { return monday }
		worker := e.Workers["worker"].ID
		type booked struct{ id, person, household, startsAt, status string }
		var appts []booked
		var spouse string
		for i := range 8 {
			r := e.Do("POST", "/api/v1/persons", "worker", map[string]any{"birth_name": fmt.Sprintf("Rdv%c", 'A'+i), "first_names": "Test",
				"birth_date": "1980-01-01", "sex": "M", "force": true})
			if r.Status != 201 {
				t.Fatalf("person: %d %s", r.Status, r.Body)
			}
			var p struct{ ID string }
			r.Decode(t, &p)
			household := false
			hid := ""
			if i == 0 {
				r = e.Do("POST", "/api/v1/persons", "worker", map[string]any{"birth_name": "RdvConjointe", "first_names": "Test",
					"birth_date": "1981-01-01", "sex": "F", "force": true})
				var sp struct{ ID string }
				r.Decode(t, &sp)
				spouse = sp.ID
				r = e.Do("POST", "/api/v1/households", "worker", map[string]any{"name": "Foyer Rdv",
					"members": []map[string]any{{"person_id": p.ID, "relationship": "reference"}, {"person_id": sp.ID, "relationship": "conjoint"}}})
				if r.Status != 201 {
					t.Fatalf("household: %d %s", r.Status, r.Body)
				}
				var h struct{ ID string }
				r.Decode(t, &h)
				household, hid = true, h.ID
			}
			day, hour := "2026-12-01", 9+i
			if i >= 4 {
				day, hour = "2026-12-02", 9+i-4
			}
			r = e.Do("POST", "/api/v1/persons/"+p.ID+"/appointments", "worker", map[string]any{"worker_ids": []string{worker}, "date": day,
				"start": fmt.Sprintf("%02d:00", hour), "end": fmt.Sprintf("%02d:45", hour), "place_kind": "phone", "theme": "Point", "household": household})
			if r.Status != 201 {
				t.Fatalf("book %d: %d %s", i, r.Status, r.Body)
			}
			var b struct {
				ID       string    `json:"id"`
				StartsAt time.Time `json:"starts_at"`
			}
			r.Decode(t, &b)
			appts = append(appts, booked{id: b.ID, person: p.ID, household: hid, startsAt: b.StartsAt.UTC().Format(time.RFC3339)})
		}
		e.App.DB.Now = func() time.Time { return monday.AddDate(0, 0, 3) }
		for i := range appts {
			appts[i].status = "honoured"
			if i == 2 || i == 5 {
				appts[i].status = "missed"
			}
			if r := e.Do("POST", "/api/v1/appointments/"+appts[i].id+"/outcome", "worker", map[string]any{"status": appts[i].status}); r.Status != 200 {
				t.Fatalf("outcome %d: %d %s", i, r.Status, r.Body)
			}
		}
		// A value a spreadsheet would run (as crafted data could hold).
		if _, err := e.App.DB.SQL().Exec("UPDATE appointments SET team_id = '@SUM(1)' WHERE id = '" + appts[7].id + "'"); err != nil {
			t.Fatal(err)
		}

		period := "from=2026-12-01&to=2026-12-31"
		r := e.Do("GET", "/api/v1/stats/rows?kind=appointments&"+period, "manager", nil)
		body := string(r.Body)
		if r.Status != 200 || !strings.HasPrefix(body, "\ufeffid;person_id;household_id;team_id;starts_at;status;place_kind\r\n") &&
			!strings.HasPrefix(body, "\ufeffid;person_id;household_id;team_id;starts_at;status;place_kind\n") {
			t.Fatalf("appointments export: %d %q", r.Status, body)
		}
		lines := strings.Split(strings.TrimSpace(strings.TrimPrefix(body, "\ufeff")), "\n")
		got := map[string]bool{}
		for _, l := range lines[1:] {
			got[strings.TrimRight(l, "\r")] = true
		}
		want := map[string]bool{}
		for i, a := range appts {
			team := e.TeamA.ID
			if i == 7 {
				team = "'@SUM(1)"
			}
			want[strings.Join([]string{a.id, a.person, a.household, team, a.startsAt, a.status, "phone"}, ";")] = true
			if i == 0 {
				want[strings.Join([]string{a.id, spouse, a.household, team, a.startsAt, a.status, "phone"}, ";")] = true
			}
		}
		if len(lines) != 10 || len(got) != 9 {
			t.Errorf("%d lines, want a header and 9 (8 appointments, one for a household of two):\n%s", len(lines), body)
		}
		for l := range want {
			if !got[l] {
				t.Errorf("line missing: %s\n%s", l, body)
			}
		}
		if !strings.Contains(body, ";2026-12-01T08:00:00Z;") {
			t.Errorf("9:00 in Paris should be 08:00 UTC:\n%s", body)
		}
		// The same lines as XLSX: text cells, the formula never run.
		r = e.Do("GET", "/api/v1/stats/rows?kind=appointments&format=xlsx&"+period, "manager", nil)
		xf, err := excelize.OpenReader(bytes.NewReader(r.Body))
		if r.Status != 200 || err != nil {
			t.Fatalf("xlsx: %d %v", r.Status, err)
		}
		xrows, _ := xf.GetRows(xf.GetSheetName(0))
		formulas := 0
		for i := range xrows {
			for j := range xrows[i] {
				cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
				if f, _ := xf.GetCellFormula(xf.GetSheetName(0), cell); f != "" {
					formulas++
				}
			}
		}
		if len(xrows) != 10 || formulas != 0 {
			t.Errorf("xlsx: %d rows, %d formulas", len(xrows), formulas)
		}
		// A worker filter keeps that worker's appointments; another
		// worker of the organisation has none.
		if r := e.Do("GET", "/api/v1/stats/rows?kind=appointments&worker="+e.Workers["worker2"].ID+"&"+period, "manager", nil); strings.Count(string(r.Body), "\n") != 1 {
			t.Errorf("worker2's appointments: %q", r.Body)
		}

		// The table: 6 honoured, 2 missed: both hidden, total 8 shown.
		var rep report
		e.Do("GET", "/api/v1/stats?"+period, "manager", nil).Decode(t, &rep)
		cells := map[string]string{}
		total := ""
		for _, tb := range rep.Tables {
			if tb.ID == "appointments" {
				for _, row := range tb.Rows {
					cells[row.Key] = string(row.Count)
				}
				total = string(tb.Total)
			}
		}
		if cells["honoured"] != `{"suppressed":true}` || cells["missed"] != `{"suppressed":true}` || total != `{"n":8}` {
			t.Errorf("appointments table: %v, total %s", cells, total)
		}
		r = e.Do("GET", "/api/v1/stats/export?table=appointments&format=csv&"+period, "manager", nil)
		if csv := string(r.Body); !strings.Contains(csv, "Honorés;< 5") || !strings.Contains(csv, "Non honorés (absence);< 5") || !strings.Contains(csv, "Total;8") || strings.Contains(csv, ";6") {
			t.Errorf("appointments table CSV:\n%s", csv)
		}
	})
}
