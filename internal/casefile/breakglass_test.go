package casefile_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"parcours/internal/app/apptest"
)

// Break-glass is read-and-note only and expires entirely (issue 9): the
// two escalations an independent review found, replayed through the
// HTTP API on both backends. worker2 (team "Pôle insertion") has no
// relation to persons recorded by worker (team "Accueil social").

// followedFile is a person recorded and accompanied by worker, with a
// household whose situation holds health, a team entry, an entry
// restricted to the referent, and a document.
type followedFile struct {
	id, household, acc  string
	entry, secret, doc  string
	secretSummary, note string
}

func newFollowedFile(t *testing.T, e *apptest.Env, birthName, firstNames, birthDate string) *followedFile {
	t.Helper()
	f := &followedFile{secretSummary: "Réservé au référent : violences conjugales signalées.", note: "Entretien sur le budget."}
	var p, h, acc, doc struct{ ID string }
	call(t, e, "POST", "/api/v1/persons?force=true", "worker",
		map[string]any{"birth_name": birthName, "first_names": firstNames, "birth_date": birthDate, "sex": "F"}, 201, &p)
	f.id = p.ID
	call(t, e, "POST", "/api/v1/households", "worker", map[string]any{"name": "Foyer " + birthName,
		"members": []map[string]any{{"person_id": f.id, "relationship": "reference"}}}, 201, &h)
	f.household = h.ID
	call(t, e, "POST", "/api/v1/households/"+h.ID+"/situations", "worker", map[string]any{"housing": "locataire_social",
		"employment": "demandeur_emploi", "income_sources": []string{"rsa"}, "monthly_income_eur": 607, "health": "Suivi psychiatrique en cours."}, 201, nil)
	call(t, e, "POST", "/api/v1/persons/"+f.id+"/accompaniments", "worker",
		map[string]any{"kind": "asg", "referent_id": e.Workers["worker"].ID, "team_id": e.TeamA.ID}, 201, &acc)
	f.acc = acc.ID
	var entry, secret entryJSON
	call(t, e, "POST", "/api/v1/persons/"+f.id+"/journal", "worker", map[string]any{"kind": "interview", "summary": f.note}, 201, &entry)
	call(t, e, "POST", "/api/v1/persons/"+f.id+"/journal", "worker", map[string]any{"kind": "note", "summary": f.secretSummary,
		"confidentiality": "referent", "accompaniment_id": f.acc}, 201, &secret)
	f.entry, f.secret = entry.ID, secret.ID
	resp := upload(t, e, f.id, "worker", map[string]string{"kind": "rib"}, "rib.png", pngOf(41))
	if resp.Status != http.StatusCreated {
		t.Fatalf("upload: %d %s", resp.Status, resp.Body)
	}
	resp.Decode(t, &doc)
	f.doc = doc.ID
	return f
}

// openBreakGlass opens who's break-glass on person id.
func openBreakGlass(t *testing.T, e *apptest.Env, who, id string) {
	t.Helper()
	call(t, e, "POST", "/api/v1/persons/"+id+"/break-glass", who,
		map[string]any{"reason": "Appel du 115 : mise à l'abri urgente ce soir, le référent est absent."}, 201, nil)
}

// expireBreakGlass moves the clock past every break-glass opened so far.
func expireBreakGlass(e *apptest.Env) {
	later := time.Now().Add(5 * time.Hour)
	e.App.DB.Now = func() time.Time { return later }
}

// refusedUnderBreakGlass checks a 403 that says why and how to get the
// file properly.
func refusedUnderBreakGlass(t *testing.T, r *apptest.Response, what string) {
	t.Helper()
	if r.Status != http.StatusForbidden {
		t.Fatalf("%s under break-glass: %d, want 403: %s", what, r.Status, r.Body)
	}
	msg := errorOf(t, r).Error.Message
	if !strings.Contains(msg, "passation") || !strings.Contains(msg, "orientation") {
		t.Errorf("%s under break-glass: message %q does not point to a handover or a referral", what, msg)
	}
}

// TestBreakGlass_OpensNoAccompanimentAndExpiresEntirely is escalation
// (a): under break-glass a worker of another team opened an
// accompaniment naming herself referent, and then read health and the
// referent-only note with no expiry.
func TestBreakGlass_OpensNoAccompanimentAndExpiresEntirely(t *testing.T) {
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		f := newFollowedFile(t, e, "BERNARD", "Chloé", "1987-02-03")
		openBreakGlass(t, e, "worker2", f.id)
		me := e.Workers["worker2"]

		// What break-glass allows: reading and adding a note.
		call(t, e, "GET", "/api/v1/persons/"+f.id, "worker2", nil, 200, nil)
		call(t, e, "GET", "/api/v1/journal/"+f.entry, "worker2", nil, 200, nil)
		for _, r := range []*apptest.Response{e.Page("GET", "/persons/"+f.id, "worker2", nil),
			e.Do("GET", "/api/v1/households/"+f.household, "worker2", nil), e.Do("GET", "/api/v1/persons/"+f.id+"/journal", "worker2", nil)} {
			if r.Status != http.StatusOK {
				t.Fatalf("reading under break-glass: %d %s", r.Status, r.Body)
			}
			if strings.Contains(string(r.Body), "psychiatrique") || strings.Contains(string(r.Body), "violences") {
				t.Errorf("under break-glass the file shows health or the referent-only entry: %s", r.Body)
			}
		}
		var mine entryJSON
		call(t, e, "POST", "/api/v1/persons/"+f.id+"/journal", "worker2",
			map[string]any{"kind": "note", "summary": "Mise à l'abri organisée avec le 115."}, 201, &mine)

		// What it does not: any lasting relation, any move of the data.
		refusedUnderBreakGlass(t, e.Do("POST", "/api/v1/persons/"+f.id+"/accompaniments", "worker2",
			map[string]any{"kind": "asg", "referent_id": me.ID, "team_id": e.TeamA2.ID}), "opening an accompaniment naming herself")
		refusedUnderBreakGlass(t, e.Do("POST", "/api/v1/persons/"+f.id+"/accompaniments", "worker2",
			map[string]any{"kind": "asg", "referent_id": e.Workers["worker"].ID, "team_id": e.TeamA.ID}), "joining the team's accompaniment")
		refusedUnderBreakGlass(t, e.Do("POST", "/api/v1/accompaniments/"+f.acc+"/handover", "worker2",
			map[string]any{"referent_id": me.ID, "team_id": e.TeamA2.ID}), "a handover to herself")
		refusedUnderBreakGlass(t, e.Do("POST", "/api/v1/persons/"+f.id+"/tasks", "worker2",
			map[string]any{"title": "Rappeler demain", "due_date": "2030-01-02"}), "a task in her own day")
		refusedUnderBreakGlass(t, e.Do("POST", "/api/v1/persons/"+f.id+"/consent", "worker2",
			map[string]any{"informed_on": "2026-01-05", "method": "oral", "objections": []string{}}), "a consent change")
		refusedUnderBreakGlass(t, e.Do("POST", "/api/v1/households/"+f.household+"/members", "worker2",
			map[string]any{"person_id": f.id, "relationship": "reference"}), "a household change")
		if got := count(t, e, "accompaniments"); got != 1 {
			t.Errorf("accompaniments after the refusals: %d, want 1", got)
		}

		// Expired: nothing of the file, not even her own note or the
		// health and referent-only entry she never could read.
		expireBreakGlass(e)
		for _, path := range []string{
			"/api/v1/persons/" + f.id,
			"/api/v1/households/" + f.household,
			"/api/v1/households/" + f.household + "/situations",
			"/api/v1/persons/" + f.id + "/journal",
			"/api/v1/persons/" + f.id + "/accompaniments",
			"/api/v1/persons/" + f.id + "/documents",
			"/api/v1/persons/" + f.id + "/tasks",
			"/api/v1/persons/" + f.id + "/merges",
			"/api/v1/journal/" + f.entry,
			"/api/v1/journal/" + f.secret,
			"/api/v1/journal/" + mine.ID,
			"/api/documents/" + f.doc + "/content",
		} {
			r := e.Do("GET", path, "worker2", nil)
			if r.Status != http.StatusForbidden && r.Status != http.StatusNotFound {
				t.Errorf("GET %s after the break-glass expired: %d, want 403 or 404: %s", path, r.Status, r.Body)
			}
			if strings.Contains(string(r.Body), "psychiatrique") || strings.Contains(string(r.Body), "violences") {
				t.Errorf("GET %s after the break-glass expired shows health or the referent-only entry: %s", path, r.Body)
			}
		}
		var day struct {
			Overdue, Today, ThisWeek []struct {
				PersonID string `json:"person_id"`
			}
		}
		call(t, e, "GET", "/api/v1/tasks/mine", "worker2", nil, 200, &day)
		if len(day.Overdue)+len(day.Today)+len(day.ThisWeek) != 0 {
			t.Errorf("worker2's day after the break-glass: %+v, want no task", day)
		}
	})
}

// TestBreakGlass_MergesNothingAndLeavesNoPathThroughOnesOwnPerson is
// escalation (b): under break-glass the worker merged the file into an
// unrelated person she follows, and read it through her own person after
// the break-glass expired.
func TestBreakGlass_MergesNothingAndLeavesNoPathThroughOnesOwnPerson(t *testing.T) {
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		f := newFollowedFile(t, e, "BERNARD", "Chloé", "1987-02-03")
		// Her own person: recorded by worker2, hence followed by her.
		var own struct{ ID string }
		call(t, e, "POST", "/api/v1/persons?force=true", "worker2",
			map[string]any{"birth_name": "LEROY", "first_names": "Paul", "birth_date": "1975-09-30", "sex": "M"}, 201, &own)
		openBreakGlass(t, e, "worker2", f.id)

		refusedUnderBreakGlass(t, e.Do("POST", "/api/v1/persons/"+own.ID+"/merge", "worker2",
			map[string]any{"other_id": f.id, "reason": "même personne", "confirm_not_alike": true}), "merging the file into her own person")
		refusedUnderBreakGlass(t, e.Do("POST", "/api/v1/persons/"+f.id+"/merge", "worker2",
			map[string]any{"other_id": own.ID, "reason": "même personne"}), "merging her own person into the file")
		var merges struct{ Items []any }
		call(t, e, "GET", "/api/v1/persons/"+f.id+"/merges", "worker", nil, 200, &merges)
		if len(merges.Items) != 0 {
			t.Fatalf("merges of the file after the refusals: %v, want none", merges.Items)
		}

		expireBreakGlass(e)
		var page entryPage
		call(t, e, "GET", "/api/v1/persons/"+own.ID+"/journal", "worker2", nil, 200, &page)
		if s := summaries(page); s[f.note] || s[f.secretSummary] {
			t.Errorf("her own person's journal shows the other file's entries: %v", s)
		}
		var docs struct{ Items []struct{ ID string } }
		call(t, e, "GET", "/api/v1/persons/"+own.ID+"/documents", "worker2", nil, 200, &docs)
		for _, d := range docs.Items {
			if d.ID == f.doc {
				t.Errorf("her own person's documents list the other file's document")
			}
		}
		for _, path := range []string{"/api/v1/journal/" + f.entry, "/api/documents/" + f.doc + "/content", "/api/v1/persons/" + f.id} {
			if r := e.Do("GET", path, "worker2", nil); r.Status != http.StatusForbidden && r.Status != http.StatusNotFound {
				t.Errorf("GET %s after the break-glass expired: %d, want 403 or 404", path, r.Status)
			}
		}
	})
}

// TestMerge_NeedsLikenessOrAManagersConfirmation: two files the
// duplicate detection does not find alike are merged only when a manager
// confirms, and the confirmation is in both files' audit trails.
func TestMerge_NeedsLikenessOrAManagersConfirmation(t *testing.T) {
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		a := newFollowedFile(t, e, "BERNARD", "Chloé", "1987-02-03")
		b := newFollowedFile(t, e, "LEROY", "Paul", "1975-09-30")
		body := map[string]any{"other_id": b.id, "reason": "même personne, pièce d'identité vue"}

		r := e.Do("POST", "/api/v1/persons/"+a.id+"/merge", "worker", body)
		if r.Status != http.StatusUnprocessableEntity || errorOf(t, r).Error.Field != "other_id" ||
			!strings.Contains(errorOf(t, r).Error.Message, "ressemblent") {
			t.Fatalf("merge of two unlike files: %d %s, want 422 on other_id", r.Status, r.Body)
		}
		body["confirm_not_alike"] = true
		r = e.Do("POST", "/api/v1/persons/"+a.id+"/merge", "worker", body)
		if r.Status != http.StatusForbidden || !strings.Contains(errorOf(t, r).Error.Message, "responsable") {
			t.Fatalf("a worker confirming an unlike merge: %d %s, want 403", r.Status, r.Body)
		}
		// A manager of another team, who follows neither file, may not
		// confirm either: the confirmation is no access.
		if r := e.Do("POST", "/api/v1/persons/"+a.id+"/merge", "other", body); r.Status != http.StatusNotFound {
			t.Fatalf("another organisation merging: %d, want 404", r.Status)
		}
		var m struct{ ID string }
		call(t, e, "POST", "/api/v1/persons/"+a.id+"/merge", "manager", body, 201, &m)
		for _, pid := range []string{a.id, b.id} {
			var n int
			q := "SELECT COUNT(*) FROM audit_events WHERE action = 'person.merge.confirm_unlike' AND object_id = ? AND person_id = ?"
			if e.Dialect.String() == "postgres" {
				q = strings.Replace(strings.Replace(q, "?", "$1", 1), "?", "$2", 1)
			}
			if err := e.App.DB.SQL().QueryRow(q, m.ID, pid).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n != 1 {
				t.Errorf("confirmation events in the trail of %s: %d, want 1", pid, n)
			}
		}
		if got := count(t, e, "person_merges"); got != 1 {
			t.Errorf("merges: %d, want 1", got)
		}
		// Look-alikes need no confirmation.
		c := newFollowedFile(t, e, "BERNARD", "Chloe", "1987-02-03")
		call(t, e, "POST", "/api/v1/persons/"+a.id+"/merge", "worker", map[string]any{"other_id": c.id, "reason": "doublon"}, 201, nil)
	})
}

// TestMerges_ListObeysTheFilesAccess: the merges of a person are part of
// the file: a worker of the same organisation without relation gets 403,
// like for the rest of the file; another organisation 404.
func TestMerges_ListObeysTheFilesAccess(t *testing.T) {
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		p := newPerson(t, e, "worker")
		path := "/api/v1/persons/" + p.ID + "/merges"
		call(t, e, "GET", path, "worker", nil, 200, nil)
		call(t, e, "GET", "/api/v1/persons/"+p.ID+"/journal", "worker2", nil, 403, nil)
		call(t, e, "GET", path, "worker2", nil, 403, nil)
		call(t, e, "GET", path, "other", nil, 404, nil)
	})
}
