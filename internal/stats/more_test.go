package stats_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"parcours/internal/app/apptest"
	"parcours/internal/letters"
	"parcours/internal/parcours"
	"parcours/internal/store"
)

// TestStats_ProceduresObstaclesAndAid_CraftedData records, through the
// handlers, 8 procedures (6 RSA, 2 CSS; 7 done with the person, 1 for
// them; obstacles: 6 without e-mail, 3 language) and 6 aid requests of
// the year, 2 of them granted: a small cell is hidden (« < 5 ») and, as
// the total is shown, the other cell of its table with it (secondary
// suppression),
// and the amounts granted by fewer than 5 decisions stay hidden.
func TestStats_ProceduresObstaclesAndAid_CraftedData(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		var persons []*parcours.Person
		for i := 0; i < 8; i++ {
			r := e.Do("POST", "/api/v1/persons", "worker", map[string]any{"birth_name": fmt.Sprintf("Proc%c", 'A'+i), "first_names": "Test",
				"birth_date": "1980-01-01", "sex": "F", "force": true})
			if r.Status != 201 {
				t.Fatalf("create person: %d %s", r.Status, r.Body)
			}
			var p parcours.Person
			r.Decode(t, &p)
			h := e.Do("POST", "/api/v1/households", "worker", map[string]any{"name": p.BirthName,
				"members": []map[string]any{{"person_id": p.ID, "relationship": "reference"}}})
			if h.Status != 201 {
				t.Fatalf("household: %d %s", h.Status, h.Body)
			}
			var hh parcours.Household
			h.Decode(t, &hh)
			p.HouseholdID = hh.ID
			persons = append(persons, &p)
			right, help := "rsa", "with_person"
			if i >= 6 {
				right = "css"
			}
			if i == 7 {
				help = "autonomous"
			}
			obstacles := []string{}
			if i < 6 {
				obstacles = append(obstacles, "no_email")
			}
			if i%3 == 0 {
				obstacles = append(obstacles, "language")
			}
			if r := e.Do("POST", "/api/v1/persons/"+p.ID+"/procedures", "worker", map[string]any{"right_code": right, "status": "en_cours",
				"help_level": help, "obstacles": obstacles}); r.Status != 201 {
				t.Fatalf("procedure: %d %s", r.Status, r.Body)
			}
		}
		// Aid requests, written as the aid service would (households made
		// by the person API).
		if err := e.App.DB.Transact(ctx, func(tx *store.Tx) error {
			for i, p := range persons[:6] {
				if p.HouseholdID == "" {
					return fmt.Errorf("person without household")
				}
				a := &parcours.AidRequest{OrgID: e.OrgA.ID, HouseholdID: p.HouseholdID, PersonID: p.ID, AidCode: "secours_urgence",
					AidName: "Secours d'urgence", AmountCents: 10000, Reason: "Facture", Status: "instruction", CreatedBy: e.Workers["worker"].ID}
				if i < 2 {
					a.Status, a.DecidedCents, a.DecidedAt = "granted", 8000, time.Now()
				}
				if err := tx.InsertAidRequest(ctx, a); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		r := e.Do("GET", "/api/v1/stats", "manager", nil)
		if r.Status != 200 {
			t.Fatalf("stats: %d %s", r.Status, r.Body)
		}
		var rep report
		r.Decode(t, &rep)
		got := map[string]string{}
		for _, tb := range rep.Tables {
			for _, row := range tb.Rows {
				got[tb.ID+"/"+row.Key] = string(row.Count)
			}
			if tb.Total != nil {
				got[tb.ID+"/total"] = string(tb.Total)
			}
		}
		hidden := `{"suppressed":true}`
		for k, want := range map[string]string{
			"procedures_by_right/rsa": hidden, "procedures_by_right/css": hidden, "procedures_by_right/total": `{"n":8}`,
			"procedures_by_help/with_person": hidden, "procedures_by_help/autonomous": hidden, "procedures_by_help/total": `{"n":8}`,
			"procedures_by_outcome/en_cours": `{"n":8}`, "procedures_by_outcome/total": `{"n":8}`,
			"obstacles/no_email": hidden, "obstacles/language": hidden, "obstacles/total": `{"n":9}`,
			"aid_by_type/secours_urgence": `{"n":6}`,
			"aid_amounts/requested":       `{"n":60000}`, "aid_amounts/granted": hidden,
		} {
			if got[k] != want {
				t.Errorf("%s = %s, want %s", k, got[k], want)
			}
		}
		// Empty tables, not errors, for what has no data.
		for _, id := range []string{"appointments", "referrals", "referral_delays"} {
			if _, ok := got[id+"/total"]; ok && got[id+"/total"] != `{"n":0}` {
				t.Errorf("%s: %s, want empty", id, got[id+"/total"])
			}
		}
		var units struct {
			Tables []struct{ ID, Unit string } `json:"tables"`
		}
		_ = json.Unmarshal(r.Body, &units)
		for _, tb := range units.Tables {
			if tb.ID == "aid_amounts" && tb.Unit != "cents" {
				t.Errorf("aid_amounts unit %q", tb.Unit)
			}
		}
		// The yearly activity report: every table, no name, audited.
		year := time.Now().Format("2006")
		pdf := e.Do("GET", "/api/v1/stats/report.pdf?year="+year, "manager", nil)
		if pdf.Status != 200 || pdf.Header.Get("Content-Type") != "application/pdf" {
			t.Fatalf("activity report: %d %s", pdf.Status, pdf.Header.Get("Content-Type"))
		}
		text := letters.Text(pdf.Body)
		for _, s := range []string{"Rapport d'activité " + year, "Démarches, par droit", "< 5", "600,00"} {
			if !strings.Contains(text, s) {
				t.Errorf("activity report lacks %q:\n%s", s, text)
			}
		}
		if strings.Contains(text, "Proc") {
			t.Error("activity report names a person")
		}
		var audited int
		if err := e.App.DB.SQL().QueryRow("SELECT COUNT(*) FROM audit_events WHERE action = 'stats.export' AND object_id = 'activity_report'").Scan(&audited); err != nil || audited != 1 {
			t.Errorf("activity report audit: %d %v", audited, err)
		}
		if r := e.Do("GET", "/api/v1/stats/report.pdf?year=20x6", "manager", nil); r.Status != 422 || !strings.Contains(string(r.Body), `"field":"year"`) {
			t.Errorf("bad year: %d %s", r.Status, r.Body)
		}
		if r := e.Do("GET", "/api/v1/stats/report.pdf?year=20x6", "worker", nil); r.Status != 403 {
			t.Errorf("activity report as a worker: %d", r.Status)
		}
		// The page shows the amount in euros and the hidden one as « < 5 ».
		page := e.Page("GET", "/stats", "manager", nil)
		if body := string(page.Body); page.Status != 200 || !strings.Contains(body, "600,00\u00a0€") || !strings.Contains(body, "Démarches, par niveau d&#39;aide") {
			t.Errorf("stats page: %d, lacks the amount or the new tables", page.Status)
		}
	})
}
