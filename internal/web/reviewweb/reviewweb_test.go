package reviewweb_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"parcours/internal/app/apptest"
	"parcours/internal/parcours"
	"parcours/internal/person"
	"parcours/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// issueNote is the note issue 18 starts from, NIR with a valid key.
const issueNote = "Madame est une menteuse… toxicomane, séropositive. NIR 2 85 03 75 123 456 88."

type span struct {
	Start       int    `json:"start"`
	End         int    `json:"end"`
	Text        string `json:"text"`
	Category    string `json:"category"`
	Kind        string `json:"kind"`
	Explanation string `json:"explanation"`
	Suggestion  string `json:"suggestion"`
}

func TestReviewAPI_IssueNoteFlaggedWithCodePointOffsetsAndSuggestions(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		resp := e.Do("POST", "/api/v1/review/text", "worker", map[string]any{"text": issueNote, "confidentiality": "organization"})
		if resp.Status != http.StatusOK {
			t.Fatalf("status %d: %s", resp.Status, resp.Body)
		}
		var out struct{ Spans []span }
		resp.Decode(t, &out)
		runes := []rune(issueNote)
		got := map[string]bool{}
		for _, s := range out.Spans {
			if s.Start < 0 || s.End > len(runes) || string(runes[s.Start:s.End]) != s.Text {
				t.Errorf("span %+v does not cut %q at code points", s, s.Text)
			}
			if s.Explanation == "" || s.Suggestion == "" {
				t.Errorf("span %+v lacks an explanation or a suggestion", s)
			}
			got[s.Category+":"+s.Text] = true
		}
		for _, want := range []string{"judgement:menteuse", "judgement:toxicomane", "health:toxicomane", "health:séropositive", "identifier:2 85 03 75 123 456 88"} {
			if !got[want] {
				t.Errorf("missing %s in %v", want, out.Spans)
			}
		}
		// The special categories point to the « référent » level.
		for _, s := range out.Spans {
			if s.Category == "health" && !strings.Contains(s.Suggestion, "référent") {
				t.Errorf("health suggestion %q does not point to the référent level", s.Suggestion)
			}
		}
		if strings.Contains(e.Logs(), "menteuse") || strings.Contains(e.Logs(), "123 456") {
			t.Error("the reviewed text reached the logs")
		}
	})
}

func TestReviewAPI_BadInput(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		resp := e.Do("POST", "/api/v1/review/text", "worker", map[string]any{"text": strings.Repeat("a", 100_000)})
		if resp.Status != http.StatusRequestEntityTooLarge || !strings.Contains(string(resp.Body), "too_large") {
			t.Errorf("100,000 characters: %d %s", resp.Status, resp.Body)
		}
		resp = e.Do("POST", "/api/v1/review/text", "worker", map[string]any{"text": ""})
		if resp.Status != http.StatusOK || !strings.Contains(string(resp.Body), `"spans":[]`) {
			t.Errorf("empty: %d %s", resp.Status, resp.Body)
		}
		resp = e.Do("POST", "/api/v1/review/text", "worker", map[string]any{"text": "x", "confidentiality": "public"})
		if resp.Status != http.StatusUnprocessableEntity {
			t.Errorf("bad confidentiality: %d %s", resp.Status, resp.Body)
		}
		resp = e.Do("POST", "/api/v1/review/text", "worker", map[string]any{"text": "x", "extra": 1})
		if resp.Status != http.StatusBadRequest {
			t.Errorf("unknown field: %d %s", resp.Status, resp.Body)
		}
		resp = e.Do("GET", "/api/v1/review/stats?months=99", "manager", nil)
		if resp.Status != http.StatusUnprocessableEntity {
			t.Errorf("99 months: %d %s", resp.Status, resp.Body)
		}
	})
}

func ptr[T any](v T) *T { return &v }

func newPerson(t *testing.T, e *apptest.Env) *parcours.Person {
	t.Helper()
	p, err := e.App.Persons.Create(t.Context(), e.Actor("worker"), person.Input{
		BirthName: ptr("MARTIN"), FirstNames: ptr("Léa"), BirthDate: ptr("1990-04-12"), Sex: ptr(parcours.SexFemale)})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func entries(t *testing.T, e *apptest.Env) int {
	t.Helper()
	var n int
	if err := e.App.DB.SQL().QueryRow("SELECT COUNT(*) FROM journal_entries").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func counts(t *testing.T, e *apptest.Env, category string) (kept, corrected int) {
	t.Helper()
	row := e.App.DB.SQL().QueryRow("SELECT COALESCE(SUM(kept), 0), COALESCE(SUM(corrected), 0) FROM review_flags WHERE category = '" + category + "'")
	if err := row.Scan(&kept, &corrected); err != nil {
		t.Fatal(err)
	}
	return kept, corrected
}

func entryForm(summary string, extra ...string) url.Values {
	v := url.Values{"kind": {"note"}, "occurred_at": {"2026-11-02"}, "summary": {summary}, "confidentiality": {"team"}}
	for i := 0; i+1 < len(extra); i += 2 {
		v.Add(extra[i], extra[i+1])
	}
	return v
}

// Without JavaScript: a submit with flags the worker has not seen shows
// them with « Enregistrer tel quel » / « Corriger » and saves nothing;
// « Enregistrer tel quel » saves and counts the categories as kept; a
// corrected text saves and counts them as corrected; « Relire » shows the
// flags without saving; a clean note saves at once.
func TestJournalForm_ReviewWithoutJavaScript(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		p := newPerson(t, e)
		path := "/persons/" + p.ID + "/journal"
		before := entries(t, e)

		resp := e.Page("POST", path, "worker", entryForm(issueNote))
		body := string(resp.Body)
		if resp.Status != http.StatusOK || !strings.Contains(body, "Enregistrer tel quel") || !strings.Contains(body, "Corriger") {
			t.Fatalf("flagged submit: status %d, no confirmation step", resp.Status)
		}
		for _, want := range []string{"<mark>menteuse</mark>", "<mark>séropositive</mark>", "<mark>2 85 03 75 123 456 88</mark>", `name="review_seen" value="judgement"`, "référent"} {
			if !strings.Contains(body, want) {
				t.Errorf("confirmation step lacks %q", want)
			}
		}
		if !strings.Contains(body, issueNote) && !strings.Contains(body, "séropositive. NIR") {
			t.Error("the typed text is not kept in the form")
		}
		if entries(t, e) != before {
			t.Fatal("the flagged note was saved before confirmation")
		}

		// « Enregistrer tel quel ».
		resp = e.Page("POST", path, "worker", entryForm(issueNote, "review_keep", "1", "review_seen", "judgement", "review_seen", "health", "review_seen", "identifier"))
		if resp.Status != http.StatusSeeOther || entries(t, e) != before+1 {
			t.Fatalf("keep: status %d, entries %d", resp.Status, entries(t, e)-before)
		}
		if kept, _ := counts(t, e, "judgement"); kept != 1 {
			t.Errorf("judgement kept %d, want 1", kept)
		}
		if kept, _ := counts(t, e, "identifier"); kept != 1 {
			t.Errorf("identifier kept %d, want 1", kept)
		}

		// Flagged, then corrected: the worker saw the flags (review_seen)
		// and sends a text without them.
		resp = e.Page("POST", path, "worker", entryForm("Madame a indiqué ne pas avoir reçu le courrier.", "review_seen", "judgement", "review_seen", "identifier"))
		if resp.Status != http.StatusSeeOther || entries(t, e) != before+2 {
			t.Fatalf("corrected: status %d", resp.Status)
		}
		if kept, corrected := counts(t, e, "judgement"); kept != 1 || corrected != 1 {
			t.Errorf("judgement kept %d corrected %d, want 1 and 1", kept, corrected)
		}

		// « Relire » shows the review without saving, even of a clean text.
		resp = e.Page("POST", path, "worker", entryForm("Il boit.", "review_now", "1"))
		if resp.Status != http.StatusOK || !strings.Contains(string(resp.Body), "<mark>boit</mark>") || entries(t, e) != before+2 {
			t.Errorf("Relire: status %d", resp.Status)
		}
		resp = e.Page("POST", path, "worker", entryForm("Entretien au bureau.", "review_now", "1"))
		if resp.Status != http.StatusOK || !strings.Contains(string(resp.Body), "rien à signaler") {
			t.Errorf("Relire, clean: status %d", resp.Status)
		}

		// A clean note saves at once.
		resp = e.Page("POST", path, "worker", entryForm("Entretien au bureau, dossier FSL complété."))
		if resp.Status != http.StatusSeeOther || entries(t, e) != before+3 {
			t.Errorf("clean note: status %d", resp.Status)
		}
		if strings.Contains(e.Logs(), "menteuse") {
			t.Error("the note reached the logs")
		}
	})
}

// With JavaScript the textarea asks /review/inline as the worker types:
// the fragment lists the flags and carries the categories seen, so that
// the submit that follows saves without a confirmation step.
func TestReviewInline_FragmentCarriesSeenCategories(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		form := url.Values{"review_field": {"summary"}, "summary": {"Elle est hystérique, sa voisine Mme Petit l'a vue."}, "confidentiality": {"team"}}
		resp := e.Page("POST", "/review/inline", "worker", form)
		body := string(resp.Body)
		if resp.Status != http.StatusOK || !strings.Contains(body, "<mark>hystérique</mark>") || !strings.Contains(body, `value="third_party"`) {
			t.Fatalf("inline: %d %s", resp.Status, body)
		}
		if !utf8.ValidString(body) {
			t.Error("fragment is not UTF-8")
		}
		p := newPerson(t, e)
		before := entries(t, e)
		resp = e.Page("POST", "/persons/"+p.ID+"/journal", "worker", entryForm(form.Get("summary"), "review_seen", "judgement", "review_seen", "third_party"))
		if resp.Status != http.StatusSeeOther || entries(t, e) != before+1 {
			t.Errorf("submit after inline review: status %d", resp.Status)
		}
	})
}

func TestReviewStats_ManagerSeesTeamCountsSuppressedBelowFive(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		p := newPerson(t, e)
		for range 6 {
			resp := e.Page("POST", "/persons/"+p.ID+"/journal", "worker", entryForm("Monsieur est fainéant.", "review_keep", "1", "review_seen", "judgement"))
			if resp.Status != http.StatusSeeOther {
				t.Fatalf("save: %d", resp.Status)
			}
		}
		resp := e.Page("POST", "/persons/"+p.ID+"/journal", "worker", entryForm("Il boit.", "review_keep", "1", "review_seen", "hearsay"))
		if resp.Status != http.StatusSeeOther {
			t.Fatalf("save: %d", resp.Status)
		}
		page := e.Page("GET", "/review/stats", "manager", nil)
		body := string(page.Body)
		if page.Status != http.StatusOK || !strings.Contains(body, "Accueil social") || !strings.Contains(body, "&lt; 5") {
			t.Fatalf("stats page: %d", page.Status)
		}
		var rep struct {
			Teams []struct {
				TeamName string `json:"team_name"`
				Months   []struct {
					Rows []struct {
						Category string
						Kept     struct {
							N          int
							Suppressed bool
						}
					}
				}
			}
		}
		e.Do("GET", "/api/v1/review/stats?months=1", "manager", nil).Decode(t, &rep)
		if len(rep.Teams) != 1 {
			t.Fatalf("teams %+v", rep)
		}
		for _, r := range rep.Teams[0].Months[0].Rows {
			switch r.Category {
			case "judgement":
				if r.Kept.N != 6 || r.Kept.Suppressed {
					t.Errorf("judgement kept %+v, want 6", r.Kept)
				}
			case "hearsay":
				if r.Kept.N != 0 || !r.Kept.Suppressed {
					t.Errorf("hearsay kept %+v, want suppressed", r.Kept)
				}
			}
		}
		if strings.Contains(body, "WORKER") { // the header names the manager, never the authors
			t.Error("the stats page names a worker")
		}
	})
}
