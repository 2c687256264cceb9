package screening_test

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"

	"parcours/internal/app/apptest"
	"parcours/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

type result struct {
	Rule        string `json:"rule"`
	Status      string `json:"status"`
	HasAmount   bool   `json:"has_amount"`
	AmountCents int64  `json:"amount_cents"`
	Received    bool   `json:"already_received"`
	Covered     bool   `json:"covered"`
	Missing     []struct {
		Label string `json:"label"`
		Field string `json:"field"`
	} `json:"missing"`
	Data []struct {
		Name, Label, Value, Source string
	} `json:"data"`
	Params []struct {
		Name, From, Source string
		Value              float64
	} `json:"parameters"`
	Operations []struct{ Name, Expression, Value string } `json:"operations"`
	Outcomes   []struct{ Outcome, Reason string }         `json:"outcomes"`
	Notice     string                                     `json:"notice"`
}

type screeningOut struct {
	Date    string   `json:"date"`
	Notice  string   `json:"notice"`
	Results []result `json:"results"`
}

func (s screeningOut) get(rule string) result {
	for _, r := range s.Results {
		if r.Rule == rule {
			return r
		}
	}
	return result{}
}

// household creates, through the API, a parent (born 1980) with one
// child, tenant in social housing from 2025-01-01, with a budget from
// that date: family benefits 100 €, other resources 200 €, rent 550 €;
// city names the commune; an accompaniment opens the file.
func household(t *testing.T, e *apptest.Env, n int, city string, budget bool) (householdID, personID string) {
	t.Helper()
	mk := func(name, birth string) string {
		r := e.Do("POST", "/api/v1/persons", "worker", map[string]any{"birth_name": name, "first_names": "Test", "birth_date": birth,
			"sex": "F", "force": true, "address": map[string]any{"postal_code": "69200", "city": city}})
		if r.Status != 201 {
			t.Fatalf("person: %d %s", r.Status, r.Body)
		}
		var p struct{ ID string }
		r.Decode(t, &p)
		return p.ID
	}
	suffix := fmt.Sprintf("%c%c", 'A'+n%26, 'a'+n/26)
	ref, child := mk("Parent"+suffix, "1980-03-10"), mk("Enfant"+suffix, "2015-06-01")
	r := e.Do("POST", "/api/v1/households", "worker", map[string]any{"name": "Foyer " + suffix,
		"members":   []map[string]any{{"person_id": ref, "relationship": "reference"}, {"person_id": child, "relationship": "enfant"}},
		"situation": map[string]any{"housing": "locataire_social", "employment": "sans_activite", "income_sources": []string{"allocations_familiales"}, "valid_from": "2025-01-01"}})
	if r.Status != 201 {
		t.Fatalf("household: %d %s", r.Status, r.Body)
	}
	var h struct{ ID string }
	r.Decode(t, &h)
	if r := e.Do("POST", "/api/v1/persons/"+ref+"/accompaniments", "worker", map[string]any{"kind": "asg", "start_date": "2025-01-02"}); r.Status != 201 {
		t.Fatalf("accompaniment: %d %s", r.Status, r.Body)
	}
	if budget {
		r = e.Do("POST", "/api/v1/households/"+h.ID+"/budget", "worker", map[string]any{"valid_from": "2025-01-01", "adults": 1, "children": 1,
			"dependents": 1, "lines": []map[string]any{
				{"kind": "resource", "category": "allocations_familiales", "monthly_cents": 10000},
				{"kind": "resource", "category": "autre", "monthly_cents": 20000},
				{"kind": "charge", "category": "loyer", "monthly_cents": 55000}}})
		if r.Status != 201 {
			t.Fatalf("budget: %d %s", r.Status, r.Body)
		}
	}
	return h.ID, ref
}

// The screening reads the file: a parent with one child, 300 € of
// resources, tenant without housing aid, screens RSA « probable » with
// the amount of the official formula at each date (parameters in force
// then), APL probable; the explanation names each datum's source and
// each parameter's legal source; nothing is stored by reading.
func TestScreening_FileToResultsWithSourcesAtTwoDates(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		hid, _ := household(t, e, 1, "Vénissieux", true)
		for _, c := range []struct {
			date string
			rsa  float64
		}{
			// 651,69 × 1,5 − (100 + 200) ; 646,52 × 1,5 − 300.
			{"2026-06-15", 651.69*1.5 - 300}, {"2025-06-15", 646.52*1.5 - 300},
		} {
			r := e.Do("GET", "/api/v1/households/"+hid+"/prescreening?date="+c.date, "worker", nil)
			if r.Status != 200 {
				t.Fatalf("screening: %d %s", r.Status, r.Body)
			}
			var s screeningOut
			r.Decode(t, &s)
			if s.Date != c.date || !strings.Contains(s.Notice, "aucune décision n'est prise par cet outil") {
				t.Errorf("date %s notice %q", s.Date, s.Notice)
			}
			rsa := s.get("rsa")
			if rsa.Status != "probable" || !rsa.HasAmount || math.Abs(float64(rsa.AmountCents)/100-c.rsa) > 1 {
				t.Errorf("%s: rsa %s %v %d, want probable %.2f", c.date, rsa.Status, rsa.HasAmount, rsa.AmountCents, c.rsa)
			}
			if apl := s.get("apl"); apl.Status != "probable" || apl.Received {
				t.Errorf("%s: apl %+v", c.date, apl)
			}
			if aspa := s.get("aspa"); aspa.Status != "peu_probable" {
				t.Errorf("%s: aspa %s", c.date, aspa.Status)
			}
		}
		r := e.Do("GET", "/api/v1/households/"+hid+"/prescreening/rsa?date=2026-06-15", "worker", nil)
		if r.Status != 200 {
			t.Fatalf("explain: %d %s", r.Status, r.Body)
		}
		var x result
		r.Decode(t, &x)
		sources := map[string]string{}
		for _, d := range x.Data {
			sources[d.Name] = d.Source + " = " + d.Value
		}
		if !strings.Contains(sources["res_other"], "Budget du foyer") || !strings.Contains(sources["res_other"], "WORKER") ||
			!strings.Contains(sources["res_other"], "mars, avril et mai 2026") {
			t.Errorf("res_other source: %q", sources["res_other"])
		}
		if !strings.Contains(sources["age"], "10/03/1980") || !strings.HasSuffix(sources["age"], "= 46") {
			t.Errorf("age source: %q", sources["age"])
		}
		found := false
		for _, p := range x.Params {
			if p.Name == "rsa.montant_forfaitaire" {
				found = p.Value == 651.69 && p.From == "2026-04-01" && strings.Contains(p.Source, "CASF")
			}
		}
		if !found || len(x.Operations) < 5 || !strings.Contains(x.Notice, "aucune décision") {
			t.Errorf("explanation: params %+v, %d operations, notice %q", x.Params, len(x.Operations), x.Notice)
		}
		var n int
		if err := e.App.DB.SQL().QueryRow("SELECT COUNT(*) FROM prescreen_outcomes").Scan(&n); err != nil || n != 0 {
			t.Errorf("reading stored %d outcomes (%v)", n, err)
		}
		// The printable page says it in plain French.
		p := e.Page("GET", "/households/"+hid+"/prescreening/rsa?date=2026-06-15", "worker", nil)
		if p.Status != 200 || !strings.Contains(string(p.Body), "aucune décision n&#39;est prise par cet outil") ||
			!strings.Contains(string(p.Body), "CASF art. L262-2") {
			t.Errorf("explanation page: %d", p.Status)
		}
	})
}

// Missing data are named, never guessed; a bad date is 422 naming the
// field; the worker's answer needs a reason when « not relevant », is
// stored with the status shown, and shows on the next screening.
func TestScreening_MissingDataBadInputAndOutcome(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		hid, ref := household(t, e, 2, "Bron", false)
		r := e.Do("GET", "/api/v1/households/"+hid+"/prescreening?date=2026-06-15", "worker", nil)
		var s screeningOut
		r.Decode(t, &s)
		rsa := s.get("rsa")
		if rsa.Status != "donnees_manquantes" || rsa.HasAmount || len(rsa.Missing) == 0 || !strings.Contains(rsa.Missing[0].Field, "Budget") {
			t.Errorf("rsa without budget: %+v", rsa)
		}
		// A budget contradicting the household (two dependents, one child
		// in the household): the composition is missing, not guessed.
		hid2, _ := household(t, e, 3, "Bron", false)
		if r := e.Do("POST", "/api/v1/households/"+hid2+"/budget", "worker", map[string]any{"valid_from": "2025-01-01", "adults": 1,
			"children": 2, "dependents": 2, "lines": []map[string]any{{"kind": "resource", "category": "autre", "monthly_cents": 10000}}}); r.Status != 201 {
			t.Fatalf("budget: %d %s", r.Status, r.Body)
		}
		r = e.Do("GET", "/api/v1/households/"+hid2+"/prescreening?date=2026-06-15", "worker", nil)
		var s2 screeningOut
		r.Decode(t, &s2)
		if rsa := s2.get("rsa"); rsa.Status != "donnees_manquantes" || len(rsa.Missing) == 0 || !strings.Contains(rsa.Missing[0].Field, "Composition contradictoire") {
			t.Errorf("contradictory composition: %+v", rsa)
		}
		for _, bad := range []string{"2999-01-01", "2020-01-01", "15/06/2026"} {
			r := e.Do("GET", "/api/v1/households/"+hid+"/prescreening?date="+bad, "worker", nil)
			if r.Status != 422 || !strings.Contains(string(r.Body), `"date"`) {
				t.Errorf("date %s: %d %s", bad, r.Status, r.Body)
			}
		}
		post := func(body map[string]any) *apptest.Response {
			return e.Do("POST", "/api/v1/households/"+hid+"/prescreening/outcomes", "worker", body)
		}
		for _, c := range []struct {
			body  map[string]any
			field string
		}{
			{map[string]any{"rule": "rsa", "outcome": "not_relevant"}, "reason"},
			{map[string]any{"rule": "inconnu", "outcome": "not_relevant", "reason": "x"}, "rule"},
			{map[string]any{"rule": "rsa", "outcome": "decide", "reason": "x"}, "outcome"},
			{map[string]any{"rule": "rsa", "outcome": "procedure_opened", "procedure_id": "nope"}, "procedure_id"},
		} {
			if r := post(c.body); r.Status != 422 || !strings.Contains(string(r.Body), `"`+c.field+`"`) {
				t.Errorf("%v: %d %s", c.body, r.Status, r.Body)
			}
		}
		if r := post(map[string]any{"rule": "rsa", "outcome": "not_relevant", "reason": "Droit ouvert dans un autre département."}); r.Status != 201 {
			t.Fatalf("record: %d %s", r.Status, r.Body)
		}
		// A procedure opened, linked.
		r = e.Do("POST", "/api/v1/persons/"+ref+"/procedures", "worker", map[string]any{"right_code": "css", "help_level": "with_person"})
		var proc struct{ ID string }
		r.Decode(t, &proc)
		if r := post(map[string]any{"rule": "css_gratuite", "outcome": "procedure_opened", "procedure_id": proc.ID}); r.Status != 201 {
			t.Fatalf("record with procedure: %d %s", r.Status, r.Body)
		}
		r = e.Do("GET", "/api/v1/households/"+hid+"/prescreening", "worker", nil)
		r.Decode(t, &s)
		if o := s.get("rsa").Outcomes; len(o) != 1 || o[0].Outcome != "not_relevant" {
			t.Errorf("rsa outcomes %+v", o)
		}
		if css := s.get("css_gratuite"); !css.Covered || len(css.Outcomes) != 1 {
			t.Errorf("css: covered %v outcomes %+v", css.Covered, css.Outcomes)
		}
		var status string
		if err := e.App.DB.SQL().QueryRow("SELECT status_shown FROM prescreen_outcomes WHERE rule_code = 'rsa'").Scan(&status); err != nil || status != "donnees_manquantes" {
			t.Errorf("status shown %q (%v)", status, err)
		}
		// Another organisation's worker: 404, nothing recorded.
		if r := e.Do("POST", "/api/v1/households/"+hid+"/prescreening/outcomes", "other", map[string]any{"rule": "rsa", "outcome": "not_relevant", "reason": "x"}); r.Status != 404 {
			t.Errorf("other org: %d", r.Status)
		}
		// The register is public and lists every rule set.
		p := e.Page("GET", "/algorithms", "", nil)
		for _, want := range []string{"Revenu de solidarité active", "Prime d&#39;activité", "Complémentaire santé solidaire", "AAH", "APL", "ASPA", "646.52", "Estimation grossière"} {
			if p.Status != 200 || !strings.Contains(string(p.Body), want) {
				t.Errorf("register: %d, lacks %q", p.Status, want)
			}
		}
	})
}

// The dashboard counts households screening « probable » without a
// procedure, by commune with small cells suppressed (6 shown, 1 hidden
// with the next smallest), drops a household once a procedure is open,
// drills down to files the manager may open, and exports CSV.
func TestScreening_NonTakeUpDashboard(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		var refs []string
		for i := range 7 {
			_, ref := household(t, e, 10+i, "Vaulx-en-Velin", true)
			refs = append(refs, ref)
		}
		household(t, e, 30, "Décines", true)
		household(t, e, 31, "=Formule", true)
		// One of the Vaulx-en-Velin households has its RSA procedure.
		if r := e.Do("POST", "/api/v1/persons/"+refs[0]+"/procedures", "worker", map[string]any{"right_code": "rsa", "help_level": "with_person"}); r.Status != 201 {
			t.Fatalf("procedure: %d %s", r.Status, r.Body)
		}
		r := e.Do("GET", "/api/v1/stats/non-take-up", "manager", nil)
		if r.Status != 200 {
			t.Fatalf("dashboard: %d %s", r.Status, r.Body)
		}
		var d struct {
			Households json.RawMessage `json:"households_screened"`
			Rights     []struct {
				Rule      string
				ByCommune struct {
					Rows []struct {
						Key, Label string
						Count      json.RawMessage
					}
					Total json.RawMessage
				} `json:"by_commune"`
			} `json:"rights"`
		}
		r.Decode(t, &d)
		if string(d.Households) != `{"n":9}` {
			t.Errorf("households %s", d.Households)
		}
		got := map[string]string{}
		for _, rc := range d.Rights {
			if rc.Rule == "rsa" {
				for _, row := range rc.ByCommune.Rows {
					got[row.Label] = string(row.Count)
				}
				got["total"] = string(rc.ByCommune.Total)
			}
		}
		want := map[string]string{"69200 Vaulx-en-Velin": `{"n":6}`, "69200 Décines": `{"suppressed":true}`, "69200 =Formule": `{"suppressed":true}`, "total": `{"n":8}`}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("rsa by commune %s = %s, want %s (%v)", k, got[k], v, got)
			}
		}
		r = e.Do("GET", "/api/v1/stats/non-take-up/files?rule=rsa&by=commune&key=69200+Vaulx-en-Velin", "manager", nil)
		var files struct {
			Items []struct{ PersonID string } `json:"items"`
		}
		r.Decode(t, &files)
		if r.Status != 200 || len(files.Items) != 6 {
			t.Errorf("drill-down: %d, %d files", r.Status, len(files.Items))
		}
		for _, f := range files.Items {
			if f.PersonID == refs[0] {
				t.Error("the household with an RSA procedure is listed")
			}
		}
		r = e.Do("GET", "/api/v1/stats/non-take-up/files?rule=rsa&by=nope&key=x", "manager", nil)
		if r.Status != 422 {
			t.Errorf("bad grouping: %d", r.Status)
		}
		if r := e.Do("GET", "/api/v1/stats/non-take-up", "worker", nil); r.Status != 403 {
			t.Errorf("worker: %d", r.Status)
		}
		p := e.Page("GET", "/stats/non-take-up/export", "manager", nil)
		body := string(p.Body)
		for _, s := range []string{"\ufeff", "69200 Vaulx-en-Velin;6", "69200 Décines;< 5", "69200 =Formule;< 5"} {
			if !strings.Contains(body, s) {
				t.Errorf("csv lacks %q:\n%s", s, body)
			}
		}
		if strings.Contains(body, "Parent") {
			t.Error("csv names a person")
		}
		var drills int
		if err := e.App.DB.SQL().QueryRow("SELECT COUNT(*) FROM audit_events WHERE action = 'prescreen.drilldown'").Scan(&drills); err != nil || drills != 6 {
			t.Errorf("drill-down audited %d times (%v)", drills, err)
		}
	})
}
