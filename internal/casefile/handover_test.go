package casefile_test

import (
	"html"
	"net/http"
	"sort"
	"strings"
	"testing"

	"parcours/internal/app/apptest"
)

type accJSON struct {
	ID         string `json:"id"`
	ReferentID string `json:"referent_id"`
	TeamID     string `json:"team_id"`
	EndDate    string `json:"end_date"`
	Referents  []struct {
		WorkerID string `json:"worker_id"`
		TeamID   string `json:"team_id"`
		Until    string `json:"until"`
	} `json:"referents"`
}

type handoverJSON struct {
	ID             string `json:"id"`
	FromReferentID string `json:"from_referent_id"`
	ToReferentID   string `json:"to_referent_id"`
	ToTeamID       string `json:"to_team_id"`
	Synthesis      string `json:"synthesis"`
	AcknowledgedAt string `json:"acknowledged_at"`
}

func ids(p entryPage) []string {
	var out []string
	for _, e := range p.Items {
		out = append(out, e.ID)
	}
	sort.Strings(out)
	return out
}

// The new referent, from another team, sees everything the previous
// referent's team could read: entries of the accompaniment and entries of
// the team written without one.
func TestHandover_NewReferentSeesTeamEntries(t *testing.T) {
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		p := newPerson(t, e, "worker")
		var acc accJSON
		call(t, e, "POST", "/api/v1/persons/"+p.ID+"/accompaniments", "worker", map[string]any{
			"kind": "asll", "goals": []map[string]any{{"title": "Trouver un logement social", "target_date": "2030-06-30"}},
		}, 201, &acc)
		call(t, e, "POST", "/api/v1/persons/"+p.ID+"/tasks", "worker", map[string]any{"title": "Déposer la demande DALO", "due_date": "2030-01-10"}, 201, nil)
		post := func(who string, body map[string]any) {
			call(t, e, "POST", "/api/v1/persons/"+p.ID+"/journal", who, body, 201, nil)
		}
		post("worker", map[string]any{"kind": "interview", "mode": "domicile", "summary": "Visite à domicile : logement insalubre.", "accompaniment_id": acc.ID})
		post("manager", map[string]any{"kind": "note", "summary": "Note d'équipe sans accompagnement."})
		post("worker", map[string]any{"kind": "call", "summary": "Appel au bailleur.", "confidentiality": "organization"})
		post("worker", map[string]any{"kind": "note", "summary": "Confidence de la personne.", "confidentiality": "referent", "accompaniment_id": acc.ID,
			"private_synthesis": "Mon impression, pour moi seul."})

		var before entryPage
		call(t, e, "GET", "/api/v1/persons/"+p.ID+"/journal", "worker", nil, 200, &before)
		if len(before.Items) != 4 {
			t.Fatalf("old referent reads %d entries, want 4", len(before.Items))
		}
		// worker2, of the other team, does not follow the person yet.
		if r := e.Do("GET", "/api/v1/persons/"+p.ID+"/journal", "worker2", nil); r.Status != http.StatusForbidden {
			t.Fatalf("worker2 before the handover: %d, want 403", r.Status)
		}

		var h handoverJSON
		call(t, e, "POST", "/api/v1/accompaniments/"+acc.ID+"/handover", "worker", map[string]any{
			"referent_id": e.Workers["worker2"].ID, "team_id": e.TeamA2.ID, "note": "Personne très investie.",
		}, 201, &h)
		if h.FromReferentID != e.Workers["worker"].ID || h.ToReferentID != e.Workers["worker2"].ID || h.ToTeamID != e.TeamA2.ID {
			t.Errorf("handover = %+v", h)
		}
		// The synthesis is pre-filled from open goals, open tasks and the
		// last entries the team could read — never the referent-only ones.
		for _, want := range []string{"Trouver un logement social", "Déposer la demande DALO", "Visite à domicile", "Note d'équipe"} {
			if !strings.Contains(h.Synthesis, want) {
				t.Errorf("synthesis lacks %q:\n%s", want, h.Synthesis)
			}
		}
		for _, never := range []string{"Confidence de la personne", "Mon impression"} {
			if strings.Contains(h.Synthesis, never) {
				t.Errorf("synthesis reveals %q", never)
			}
		}

		var after entryPage
		call(t, e, "GET", "/api/v1/persons/"+p.ID+"/journal", "worker2", nil, 200, &after)
		seen := map[string]bool{}
		for _, id := range ids(after) {
			seen[id] = true
		}
		for _, id := range ids(before) {
			if !seen[id] {
				t.Errorf("new referent does not read entry %s, which the old referent read", id)
			}
		}
		// The journal itself tells the change of hands.
		if len(after.Items) != len(before.Items)+1 || !strings.HasPrefix(after.Items[0].Summary, "Passation de l'accompagnement « ASLL logement » : Prénom WORKER (Accueil social) → Prénom WORKER2 (Pôle insertion)") {
			t.Errorf("journal after the handover starts with %q (%d entries)", after.Items[0].Summary, len(after.Items))
		}
		for _, it := range after.Items {
			if it.PrivateSynthesis != "" {
				t.Errorf("new referent sees the old referent's private synthesis %q", it.PrivateSynthesis)
			}
		}

		// Only the new referent acknowledges, once.
		call(t, e, "POST", "/api/v1/handovers/"+h.ID+"/acknowledge", "worker", nil, http.StatusForbidden, nil)
		var acked handoverJSON
		call(t, e, "POST", "/api/v1/handovers/"+h.ID+"/acknowledge", "worker2", nil, 200, &acked)
		if acked.AcknowledgedAt == "" {
			t.Error("acknowledged_at not set")
		}
		call(t, e, "POST", "/api/v1/handovers/"+h.ID+"/acknowledge", "worker2", nil, http.StatusConflict, nil)

		// The handovers stay listed with the file, for the team only.
		var hs struct{ Items []handoverJSON }
		call(t, e, "GET", "/api/v1/persons/"+p.ID+"/handovers", "worker2", nil, 200, &hs)
		if len(hs.Items) != 1 || hs.Items[0].ID != h.ID || hs.Items[0].AcknowledgedAt == "" || hs.Items[0].Synthesis != h.Synthesis {
			t.Errorf("handovers = %+v", hs.Items)
		}
		call(t, e, "GET", "/api/v1/persons/"+p.ID+"/handovers", "reception", nil, http.StatusForbidden, nil)

		// The successive referents are kept.
		var accs struct{ Items []accJSON }
		call(t, e, "GET", "/api/v1/persons/"+p.ID+"/accompaniments", "worker2", nil, 200, &accs)
		if len(accs.Items) != 1 || len(accs.Items[0].Referents) != 2 {
			t.Fatalf("accompaniments = %+v, want one with two referents", accs.Items)
		}
		r := accs.Items[0].Referents
		if r[0].WorkerID != e.Workers["worker"].ID || r[0].Until == "" || r[1].WorkerID != e.Workers["worker2"].ID || r[1].Until != "" {
			t.Errorf("referents = %+v, want worker (closed) then worker2 (current)", r)
		}

		// Nothing changes hands without a change.
		resp := call(t, e, "POST", "/api/v1/accompaniments/"+acc.ID+"/handover", "worker2", map[string]any{"referent_id": e.Workers["worker2"].ID}, 422, nil)
		if msg := errorOf(t, resp).Error.Message; !strings.Contains(msg, "passation") {
			t.Errorf("no-change handover message %q", msg)
		}
	})
}

// A referent who hands over their last accompaniment of a person to another
// team no longer follows the file: the page sends them to their day with a
// confirmation, rather than to a refusal. One who still follows the file
// comes back to it.
func TestHandoverPage_FormerReferentGoesToTheirDay(t *testing.T) {
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		p := newPerson(t, e, "worker")
		var first, second accJSON
		call(t, e, "POST", "/api/v1/persons/"+p.ID+"/accompaniments", "worker", map[string]any{"kind": "asll"}, 201, &first)
		call(t, e, "POST", "/api/v1/persons/"+p.ID+"/accompaniments", "worker", map[string]any{"kind": "budget"}, 201, &second)
		handover := func(acc string) *apptest.Response {
			return e.Page("POST", "/persons/"+p.ID+"/accompaniments/"+acc+"/handover", "worker", map[string][]string{
				"ho-referent_id": {e.Workers["worker2"].ID}, "ho-team_id": {e.TeamA2.ID}, "ho-note": {"Relais au pôle insertion."}})
		}
		// One accompaniment left in the worker's team: back to the file.
		r := handover(first.ID)
		if loc := r.Header.Get("Location"); r.Status != http.StatusSeeOther || !strings.HasPrefix(loc, "/persons/"+p.ID) {
			t.Fatalf("first handover: %d to %q, want 303 to the file", r.Status, loc)
		}
		// The last one: the file is no longer theirs.
		r = handover(second.ID)
		if loc := r.Header.Get("Location"); r.Status != http.StatusSeeOther || loc != "/?done=handover" {
			t.Fatalf("last handover: %d to %q, want 303 to /?done=handover", r.Status, loc)
		}
		if r := e.Page("GET", "/persons/"+p.ID, "worker", nil); r.Status != http.StatusForbidden {
			t.Fatalf("former referent opening the file: %d, want 403", r.Status)
		}
		home := e.Page("GET", "/?done=handover", "worker", nil)
		if home.Status != http.StatusOK || !strings.Contains(string(home.Body), "Passation enregistrée") {
			t.Fatalf("home after handover: %d, confirmation missing", home.Status)
		}
		// The new referent sees both accompaniments.
		var accs struct{ Items []accJSON }
		call(t, e, "GET", "/api/v1/persons/"+p.ID+"/accompaniments", "worker2", nil, 200, &accs)
		if len(accs.Items) != 2 {
			t.Fatalf("new referent sees %d accompaniments, want 2", len(accs.Items))
		}
	})
}

// The synthesis is prepared for the outgoing referent to review and edit
// before sending; an entry corrected since is quoted by its correction
// only; what is sent is what they edited.
func TestHandoverPage_SynthesisReviewedEditedWithoutCorrectedEntries(t *testing.T) {
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		p := newPerson(t, e, "worker")
		var acc accJSON
		call(t, e, "POST", "/api/v1/persons/"+p.ID+"/accompaniments", "worker", map[string]any{"kind": "asll"}, 201, &acc)
		var wrong struct{ ID string }
		call(t, e, "POST", "/api/v1/persons/"+p.ID+"/journal", "worker", map[string]any{"kind": "note", "summary": "Dette de loyer : 9 000 €.", "accompaniment_id": acc.ID}, 201, &wrong)
		call(t, e, "POST", "/api/v1/journal/"+wrong.ID+"/amendments", "worker", map[string]any{"summary": "Dette de loyer : 900 €."}, 201, nil)
		form := map[string][]string{"ho-referent_id": {e.Workers["worker2"].ID}, "ho-team_id": {e.TeamA2.ID}, "ho-note": {"Relais."}, "ho-prepare": {"1"}}
		r := e.Page("POST", "/persons/"+p.ID+"/accompaniments/"+acc.ID+"/handover", "worker", form)
		body := html.UnescapeString(string(r.Body))
		if r.Status != http.StatusOK || !strings.Contains(body, `name="ho-synthesis"`) {
			t.Fatalf("prepare: %d, no synthesis to review", r.Status)
		}
		syn := body[strings.Index(body, `name="ho-synthesis"`):]
		syn = syn[:strings.Index(syn, "</textarea>")]
		if !strings.Contains(syn, "900 €") || strings.Contains(syn, "9 000 €") {
			t.Errorf("the prepared synthesis quotes the corrected entry: %s", syn)
		}
		var hs struct{ Items []handoverJSON }
		call(t, e, "GET", "/api/v1/persons/"+p.ID+"/handovers", "worker", nil, 200, &hs)
		if len(hs.Items) != 0 {
			t.Fatal("preparing the synthesis handed over")
		}
		delete(form, "ho-prepare")
		form["ho-synthesis"] = []string{"Synthèse relue : dette de 900 €, plan d'apurement en cours."}
		r = e.Page("POST", "/persons/"+p.ID+"/accompaniments/"+acc.ID+"/handover", "worker", form)
		if r.Status != http.StatusSeeOther {
			t.Fatalf("send: %d", r.Status)
		}
		call(t, e, "GET", "/api/v1/persons/"+p.ID+"/handovers", "worker2", nil, 200, &hs)
		if len(hs.Items) != 1 || hs.Items[0].Synthesis != "Synthèse relue : dette de 900 €, plan d'apurement en cours." {
			t.Fatalf("sent synthesis: %+v", hs.Items)
		}
	})
}
