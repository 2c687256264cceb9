package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"parcours/internal/app/apptest"
	"parcours/internal/parcours"
)

// Threads under a referral (issue 11 with issue 10): the sending
// referent and the receiving structure's worker exchange about the
// person only within the referral that shares the file; third parties
// (same organisation without relation, a third organisation) never see
// the thread; the receiving side's reads are in the person's access log
// named by structure; no document and not the person in such a thread;
// once the referral is cancelled the thread is read-only for the sending
// side (409) and gone for the receiving side (404).
func TestReferralThreads_BothStructuresWhileTheShareHolds(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		s := newReferralSetup(t, e)
		r := e.Do("POST", "/api/v1/persons/"+s.Person.ID+"/referrals", "worker", s.input(s.ServiceB.ID))
		if r.Status != http.StatusCreated {
			t.Fatalf("referral: %d %s", r.Status, r.Body)
		}
		var ref parcours.Referral
		r.Decode(t, &ref)
		path := "/api/v1/referrals/" + ref.ID + "/threads"
		other := e.Workers["other"].ID

		// Bad input: no participant, the person, a document → 422,
		// nothing created.
		for field, body := range map[string]map[string]any{
			"participant_ids": {"subject": "Dossier FSL", "body": "Bonjour"},
			"with_person":     {"subject": "Dossier FSL", "body": "Bonjour", "participant_ids": []string{other}, "with_person": true},
			"document_id":     {"subject": "Dossier FSL", "body": "Bonjour", "participant_ids": []string{other}, "document_id": s.Docs[1].ID},
		} {
			if r := e.Do("POST", path, "worker", body); r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), field) {
				t.Errorf("%s: %d %s", field, r.Status, r.Body)
			}
		}
		// A worker of A without relation to the file may not be a
		// participant; a third organisation's worker neither.
		if r := e.Do("POST", path, "worker", map[string]any{"subject": "x", "body": "y", "participant_ids": []string{e.Workers["worker2"].ID}}); r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("participant without relation: %d", r.Status)
		}

		r = e.Do("POST", path, "worker", map[string]any{"subject": "Dossier FSL", "body": "Bonjour, le dossier FSL est déposé ; pouvez-vous le suivre ?",
			"participant_ids": []string{other}})
		if r.Status != http.StatusCreated {
			t.Fatalf("create: %d %s", r.Status, r.Body)
		}
		var th parcours.Thread
		r.Decode(t, &th)
		if th.ReferralID != ref.ID || len(th.Participants) != 2 {
			t.Fatalf("thread %+v", th)
		}
		for _, p := range th.Participants {
			if p.ID == other && p.Structure != e.OrgB.Name {
				t.Errorf("B's participant named without their structure: %+v", p)
			}
		}

		// B reads it (from the referral and by id) and answers.
		var list struct{ Items []parcours.Thread }
		e.Do("GET", path, "other", nil).Decode(t, &list)
		if len(list.Items) != 1 || list.Items[0].ID != th.ID || list.Items[0].Unread != 1 {
			t.Fatalf("B's threads: %+v", list.Items)
		}
		if r := e.Do("GET", "/api/v1/threads/"+th.ID, "other", nil); r.Status != http.StatusOK || !strings.Contains(string(r.Body), "dossier FSL est déposé") {
			t.Fatalf("B reads: %d %s", r.Status, r.Body)
		}
		if r := e.Do("POST", "/api/v1/threads/"+th.ID+"/messages", "other", map[string]any{"body": "Reçu, premier rendez-vous mardi."}); r.Status != http.StatusCreated {
			t.Fatalf("B answers: %d %s", r.Status, r.Body)
		}
		// The file's own threads stay out of B's reach.
		if r := e.Do("GET", "/api/v1/persons/"+s.Person.ID+"/threads", "other", nil); r.Status != http.StatusNotFound {
			t.Fatalf("B lists the file's threads: %d", r.Status)
		}
		// Third parties: 404.
		for _, who := range []string{"worker2", "reception", "admin"} {
			if r := e.Do("GET", "/api/v1/threads/"+th.ID, who, nil); r.Status != http.StatusNotFound {
				t.Errorf("%s reads the thread: %d", who, r.Status)
			}
		}
		// A sees B's answer, named with B's structure, on the thread page.
		page := e.Page("GET", "/threads/"+th.ID, "worker", nil)
		if body := string(page.Body); page.Status != 200 || !strings.Contains(body, "premier rendez-vous mardi") || !strings.Contains(body, "("+e.OrgB.Name+")") {
			t.Fatalf("A's thread page: %d", page.Status)
		}
		// The referral page shows the thread and a form, on both sides.
		for _, who := range []string{"worker", "other"} {
			body := string(e.Page("GET", "/referrals/"+ref.ID, who, nil).Body)
			if !strings.Contains(body, "/threads/"+th.ID) || !strings.Contains(body, `action="/referrals/`+ref.ID+`/threads"`) {
				t.Errorf("%s's referral page lacks the thread or its form", who)
			}
		}
		// B opens a thread from the referral page (no script).
		form := e.Page("POST", "/referrals/"+ref.ID+"/threads", "other", url.Values{"subject": {"Pièces manquantes"},
			"body": {"Il manque l'avis d'imposition."}, "participant_ids": {e.Workers["worker"].ID}})
		if form.Status != http.StatusSeeOther || !strings.HasPrefix(form.Header.Get("Location"), "/threads/") {
			t.Fatalf("form: %d %s", form.Status, form.Body)
		}
		if bad := e.Page("POST", "/referrals/"+ref.ID+"/threads", "other", url.Values{"subject": {""}, "body": {"x"},
			"participant_ids": {e.Workers["worker"].ID}}); bad.Status != http.StatusUnprocessableEntity || !strings.Contains(string(bad.Body), `id="e-subject"`) {
			t.Fatalf("form without subject: %d", bad.Status)
		}

		// The person's access log (A's) names B's reads of the thread.
		var log struct {
			Items []struct {
				Action string `json:"action"`
				Org    string `json:"organization"`
			} `json:"items"`
		}
		e.Do("GET", "/api/v1/persons/"+s.Person.ID+"/access-log", "worker", nil).Decode(t, &log)
		named := false
		for _, it := range log.Items {
			named = named || it.Action == "thread.read" && it.Org == e.OrgB.Name
		}
		if !named {
			t.Fatalf("access log lacks B's thread read: %+v", log.Items)
		}

		// The share ends: A's side is read-only, B's is gone.
		if r := e.Do("POST", "/api/v1/referrals/"+ref.ID+"/cancel", "worker", nil); r.Status != http.StatusOK {
			t.Fatalf("cancel: %d %s", r.Status, r.Body)
		}
		var closed struct{ Thread parcours.Thread }
		if r := e.Do("GET", "/api/v1/threads/"+th.ID, "worker", nil); r.Status != http.StatusOK {
			t.Fatalf("A reads after the end: %d", r.Status)
		} else if r.Decode(t, &closed); !closed.Thread.Closed {
			t.Fatal("thread not marked closed")
		}
		if r := e.Do("POST", "/api/v1/threads/"+th.ID+"/messages", "worker", map[string]any{"body": "Encore un mot"}); r.Status != http.StatusConflict {
			t.Fatalf("A writes after the end: %d", r.Status)
		}
		if r := e.Do("POST", path, "worker", map[string]any{"subject": "x", "body": "y", "participant_ids": []string{other}}); r.Status != http.StatusConflict {
			t.Fatalf("A opens a thread after the end: %d", r.Status)
		}
		if body := string(e.Page("GET", "/threads/"+th.ID, "worker", nil).Body); strings.Contains(body, `id="reply"`) {
			t.Fatal("the closed thread's page offers a reply")
		}
		for _, p := range []string{"/api/v1/threads/" + th.ID, path} {
			if r := e.Do("GET", p, "other", nil); r.Status != http.StatusNotFound {
				t.Errorf("B after the end, %s: %d", p, r.Status)
			}
		}
		if r := e.Do("POST", "/api/v1/threads/"+th.ID+"/messages", "other", map[string]any{"body": "Encore"}); r.Status != http.StatusNotFound {
			t.Fatalf("B writes after the end: %d", r.Status)
		}
	})
}
