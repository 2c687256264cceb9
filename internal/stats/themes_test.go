package stats_test

import (
	"strings"
	"testing"
	"time"

	"parcours/internal/app/apptest"
)

// TestEntriesByKindAndTheme: journal entries carry an optional theme
// (the services' data·inclusion thématiques), given through the API and
// the note form; an unknown theme is 422 naming the field, in French,
// and writes nothing; the statistics count entries by theme and by kind
// and theme, with no count below 5 shown and no margin (by kind, by
// theme) giving a hidden cell back; the CSV export says the same.
func TestEntriesByKindAndTheme(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		today := time.Now().Format("2006-01-02")
		r := e.Do("POST", "/api/v1/persons", "worker", map[string]any{"birth_name": "THEME", "first_names": "Test", "birth_date": "1980-01-01", "sex": "F", "force": true})
		var p struct{ ID string }
		r.Decode(t, &p)
		journal := "/api/v1/persons/" + p.ID + "/journal"
		for _, c := range []struct {
			kind, theme string
			n           int
		}{{"interview", "logement-hebergement", 7}, {"interview", "sante", 3}, {"call", "logement-hebergement", 6}, {"note", "", 5}} {
			for i := 0; i < c.n; i++ {
				r := e.Do("POST", journal, "worker", map[string]any{"kind": c.kind, "theme": c.theme, "summary": "Entrée", "occurred_at": today})
				if r.Status != 201 {
					t.Fatalf("entry: %d %s", r.Status, r.Body)
				}
				var got struct{ Theme *string }
				r.Decode(t, &got)
				if (c.theme == "") != (got.Theme == nil) || (got.Theme != nil && *got.Theme != c.theme) {
					t.Errorf("entry's theme: %s", r.Body)
				}
			}
		}
		r = e.Do("POST", journal, "worker", map[string]any{"kind": "note", "theme": "astrologie", "summary": "Entrée"})
		if r.Status != 422 || !strings.Contains(string(r.Body), `"field":"theme"`) || !strings.Contains(string(r.Body), "thème") {
			t.Errorf("unknown theme: %d %s", r.Status, r.Body)
		}
		// The note form of the file page takes the theme too.
		r = e.Page("GET", "/persons/"+p.ID, "worker", nil)
		if !strings.Contains(string(r.Body), `<select id="f-theme" name="theme"`) || !strings.Contains(string(r.Body), "Logement et hébergement") {
			t.Errorf("the note form has no theme")
		}
		var before int
		e.App.DB.SQL().QueryRow("SELECT COUNT(*) FROM journal_entries").Scan(&before)
		r = e.Page("POST", "/persons/"+p.ID+"/journal", "worker", map[string][]string{"kind": {"note"}, "theme": {"astrologie"}, "summary": {"Entrée"}, "occurred_at": {today}})
		var after int
		e.App.DB.SQL().QueryRow("SELECT COUNT(*) FROM journal_entries").Scan(&after)
		if r.Status != 422 || after != before || !strings.Contains(string(r.Body), `id="f-theme" name="theme" aria-invalid="true"`) {
			t.Errorf("form with an unknown theme: %d, %d entries written", r.Status, after-before)
		}

		var rep report
		e.Do("GET", "/api/v1/stats", "manager", nil).Decode(t, &rep)
		tables := map[string]map[string]string{}
		labels := map[string]string{}
		for _, tb := range rep.Tables {
			tables[tb.ID] = map[string]string{"total": string(tb.Total)}
			for _, row := range tb.Rows {
				tables[tb.ID][row.Key] = string(row.Count)
				labels[tb.ID+"/"+row.Key] = row.Label
			}
		}
		const hidden = `{"suppressed":true}`
		want := map[string]map[string]string{
			"entries_by_kind":  {"interview": `{"n":10}`, "call": `{"n":6}`, "note": `{"n":5}`, "total": `{"n":21}`},
			"entries_by_theme": {"logement-hebergement": `{"n":13}`, "sante": hidden, "none": hidden, "total": `{"n":21}`},
			// interview × santé (3) is hidden, and its row's 7; « none »
			// is hidden by its margin, and the zero note × logement with
			// it, else logement's 13 would give the 7 back.
			"entries_by_kind_theme": {"interview:logement-hebergement": hidden, "interview:sante": hidden, "call:logement-hebergement": `{"n":6}`,
				"note:none": hidden, "note:logement-hebergement": hidden, "total": `{"n":21}`},
		}
		for id, rows := range want {
			for k, v := range rows {
				if tables[id][k] != v {
					t.Errorf("%s/%s = %s, want %s (table %v)", id, k, tables[id][k], v, tables[id])
				}
			}
			if len(tables[id]) != len(rows) {
				t.Errorf("%s: %d rows, want %d: %v", id, len(tables[id]), len(rows), tables[id])
			}
		}
		if l := labels["entries_by_kind_theme/interview:sante"]; l != "Entretien — Santé" {
			t.Errorf("cross label %q", l)
		}
		if l := labels["entries_by_theme/none"]; l != "Sans thème" {
			t.Errorf("no-theme label %q", l)
		}
		r = e.Do("GET", "/api/v1/stats/export?table=entries_by_kind_theme&format=csv", "manager", nil)
		csv := string(r.Body)
		for _, s := range []string{"Entretien — Santé;< 5", "Appel — Logement et hébergement;6", "Total;21"} {
			if !strings.Contains(csv, s) {
				t.Errorf("csv lacks %q:\n%s", s, csv)
			}
		}
		if strings.Contains(csv, ";3") || strings.Contains(csv, ";7") {
			t.Errorf("csv shows a hidden count:\n%s", csv)
		}
	})
}
