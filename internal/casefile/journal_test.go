package casefile_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"parcours/internal/app/apptest"
)

func TestAmendment_KeepsTheOriginal(t *testing.T) {
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		p := newPerson(t, e, "worker")
		var orig, amend entryJSON
		call(t, e, "POST", "/api/v1/persons/"+p.ID+"/journal", "worker",
			map[string]any{"kind": "interview", "mode": "presentiel", "occurred_at": "2024-03-04", "summary": "RDV CAF prévu le 12."}, 201, &orig)
		call(t, e, "POST", "/api/v1/journal/"+orig.ID+"/amendments", "worker",
			map[string]any{"summary": "RDV CAF prévu le 14 (et non le 12)."}, 201, &amend)
		if amend.Amends != orig.ID || amend.Kind != "interview" || amend.OccurredAt != "2024-03-04" {
			t.Errorf("amendment = %+v, want amends %s, kind and date of the original", amend, orig.ID)
		}

		var got entryJSON
		call(t, e, "GET", "/api/v1/journal/"+orig.ID, "worker", nil, 200, &got)
		if got.Summary != "RDV CAF prévu le 12." {
			t.Errorf("original now reads %q: it must be kept as written", got.Summary)
		}
		if len(got.AmendedBy) != 1 || got.AmendedBy[0] != amend.ID {
			t.Errorf("original amended_by = %v, want [%s]", got.AmendedBy, amend.ID)
		}
		var page entryPage
		call(t, e, "GET", "/api/v1/persons/"+p.ID+"/journal", "worker", nil, 200, &page)
		if s := summaries(page); len(page.Items) != 2 || !s["RDV CAF prévu le 12."] || !s["RDV CAF prévu le 14 (et non le 12)."] {
			t.Errorf("journal = %+v, want the original and its amendment", page.Items)
		}

		// A colleague of the team reads the entry but does not correct it.
		resp := call(t, e, "POST", "/api/v1/journal/"+orig.ID+"/amendments", "manager", map[string]any{"summary": "Autre chose."}, http.StatusForbidden, nil)
		_ = resp
		if n := count(t, e, "journal_entries"); n != 2 {
			t.Errorf("%d journal rows after a refused amendment, want 2", n)
		}
	})
}

func TestJournal_DatabaseRefusesUpdateAndDelete(t *testing.T) {
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		p := newPerson(t, e, "worker")
		var entry entryJSON
		call(t, e, "POST", "/api/v1/persons/"+p.ID+"/journal", "worker", map[string]any{"kind": "note", "summary": "Texte d'origine."}, 201, &entry)
		db := e.App.DB.SQL()
		q := func(s string) string {
			if e.Dialect.String() == "postgres" {
				return strings.Replace(s, "?", "$1", 1)
			}
			return s
		}
		if _, err := db.Exec(q("UPDATE journal_entries SET summary = 'falsifié' WHERE id = ?"), entry.ID); err == nil {
			t.Error("UPDATE of a journal entry succeeded; the database must refuse it")
		}
		if _, err := db.Exec(q("DELETE FROM journal_entries WHERE id = ?"), entry.ID); err == nil {
			t.Error("DELETE of a journal entry succeeded; the database must refuse it")
		}
		var summary string
		if err := db.QueryRow(q("SELECT summary FROM journal_entries WHERE id = ?"), entry.ID).Scan(&summary); err != nil || summary != "Texte d'origine." {
			t.Errorf("entry after the attempts: %q, %v; want it unchanged", summary, err)
		}
	})
}

func TestJournal_Confidentiality(t *testing.T) {
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		p := newPerson(t, e, "worker")
		var acc struct{ ID string }
		call(t, e, "POST", "/api/v1/persons/"+p.ID+"/accompaniments", "worker", map[string]any{"kind": "asg"}, 201, &acc)
		post := func(who string, body map[string]any) entryJSON {
			var out entryJSON
			call(t, e, "POST", "/api/v1/persons/"+p.ID+"/journal", who, body, 201, &out)
			return out
		}
		team := post("worker", map[string]any{"kind": "note", "summary": "Niveau équipe.", "private_synthesis": "Mon ressenti personnel."})
		ref := post("worker", map[string]any{"kind": "note", "summary": "Réservé au référent.", "confidentiality": "referent", "accompaniment_id": acc.ID})
		org := post("manager", map[string]any{"kind": "action", "summary": "Visible de la structure.", "confidentiality": "organization"})

		list := func(who string) entryPage {
			var page entryPage
			call(t, e, "GET", "/api/v1/persons/"+p.ID+"/journal", who, nil, 200, &page)
			return page
		}
		// The author (and referent) reads all, with their private synthesis.
		wp := list("worker")
		if s := summaries(wp); len(wp.Items) != 3 || !s["Réservé au référent."] {
			t.Errorf("worker reads %v, want the three entries", s)
		}
		for _, it := range wp.Items {
			if it.ID == team.ID && it.PrivateSynthesis != "Mon ressenti personnel." {
				t.Errorf("the author does not get their private synthesis back: %q", it.PrivateSynthesis)
			}
		}
		// A teammate reads team and organisation entries, never the
		// referent-only one nor the author's private synthesis.
		mp := list("manager")
		if s := summaries(mp); len(mp.Items) != 2 || s["Réservé au référent."] {
			t.Errorf("manager reads %v, want the team and organisation entries only", s)
		}
		for _, it := range mp.Items {
			if it.PrivateSynthesis != "" {
				t.Errorf("manager sees a private synthesis: %q", it.PrivateSynthesis)
			}
		}
		if r := e.Do("GET", "/api/v1/journal/"+ref.ID, "manager", nil); r.Status != http.StatusNotFound {
			t.Errorf("manager GET referent-only entry: %d, want 404", r.Status)
		}
		if r := e.Do("GET", "/api/v1/journal/"+org.ID, "manager", nil); r.Status != http.StatusOK {
			t.Errorf("manager GET own organisation entry: %d, want 200", r.Status)
		}
		// The front desk and administrators never read the journal;
		// another organisation does not know the person exists.
		for who, want := range map[string]int{"reception": 403, "admin": 403, "other": 404, "worker2": 403} {
			if r := e.Do("GET", "/api/v1/persons/"+p.ID+"/journal", who, nil); r.Status != want {
				t.Errorf("%s GET journal: %d, want %d", who, r.Status, want)
			}
		}
		// No journal text reaches the logs.
		for _, s := range []string{"Niveau équipe", "Réservé au référent", "ressenti personnel"} {
			if strings.Contains(e.Logs(), s) {
				t.Errorf("the logs contain journal text %q", s)
			}
		}
	})
}

func TestJournal_PaginationAndFilters(t *testing.T) {
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		p := newPerson(t, e, "worker")
		for i := 1; i <= 7; i++ {
			kind := "note"
			if i%2 == 0 {
				kind = "call"
			}
			call(t, e, "POST", "/api/v1/persons/"+p.ID+"/journal", "worker",
				map[string]any{"kind": kind, "occurred_at": fmt.Sprintf("2024-01-%02d", i), "summary": fmt.Sprintf("Entrée %d", i)}, 201, nil)
		}
		// Newest first, three by three, each entry once.
		var seen []string
		cursor := ""
		for pages := 0; ; pages++ {
			if pages > 5 {
				t.Fatal("pagination does not end")
			}
			var page entryPage
			call(t, e, "GET", "/api/v1/persons/"+p.ID+"/journal?limit=3&cursor="+cursor, "worker", nil, 200, &page)
			for _, it := range page.Items {
				seen = append(seen, it.Summary)
			}
			if page.NextCursor == "" {
				break
			}
			cursor = page.NextCursor
		}
		want := "Entrée 7,Entrée 6,Entrée 5,Entrée 4,Entrée 3,Entrée 2,Entrée 1"
		if got := strings.Join(seen, ","); got != want {
			t.Errorf("pages gave %s, want %s", got, want)
		}

		var calls entryPage
		call(t, e, "GET", "/api/v1/persons/"+p.ID+"/journal?kind=call&from=2024-01-03&to=2024-01-06", "worker", nil, 200, &calls)
		if got := len(calls.Items); got != 2 || calls.Items[0].Summary != "Entrée 6" || calls.Items[1].Summary != "Entrée 4" {
			t.Errorf("kind=call from 3 to 6 January gave %+v, want entries 6 and 4", calls.Items)
		}
		var byAuthor entryPage
		call(t, e, "GET", "/api/v1/persons/"+p.ID+"/journal?author="+e.Workers["manager"].ID, "worker", nil, 200, &byAuthor)
		if len(byAuthor.Items) != 0 {
			t.Errorf("author=manager gave %d entries, want 0", len(byAuthor.Items))
		}
		if r := e.Do("GET", "/api/v1/persons/"+p.ID+"/journal?cursor=garbage", "worker", nil); r.Status != http.StatusBadRequest {
			t.Errorf("bad cursor: %d, want 400", r.Status)
		}
		if r := e.Do("GET", "/api/v1/persons/"+p.ID+"/journal?kind=rumeur", "worker", nil); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("unknown kind filter: %d, want 422", r.Status)
		}
	})
}
