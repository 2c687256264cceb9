package web_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"parcours/internal/app/apptest"
	"parcours/internal/messaging"
	"parcours/internal/parcours"
	"parcours/internal/store"
)

// Secure messaging between professionals (issue 11), through the real
// handlers and database on both backends.

type threadResp struct {
	Thread   parcours.Thread           `json:"thread"`
	Messages []*parcours.ThreadMessage `json:"messages"`
}

func TestMessaging_ThreadReceiptsNotificationAndLostAccess(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		f := newFixture(t, e)
		manager := e.Workers["manager"].ID
		base := "/api/v1/persons/" + f.Person.ID + "/threads"

		// Bad input: 422 naming the field, nothing stored.
		for _, tc := range []struct {
			body  map[string]any
			field string
		}{
			{map[string]any{"subject": "FSL", "participant_ids": []string{manager}, "body": "   "}, "body"},
			{map[string]any{"subject": "FSL", "participant_ids": []string{manager}, "body": strings.Repeat("é", parcours.MessageBodyMax+1)}, "body"},
			{map[string]any{"subject": "", "participant_ids": []string{manager}, "body": "x"}, "subject"},
			{map[string]any{"subject": "FSL", "participant_ids": []string{}, "body": "x"}, "participant_ids"},
			// worker2 may not read the file: a thread never widens access.
			{map[string]any{"subject": "FSL", "participant_ids": []string{e.Workers["worker2"].ID}, "body": "x"}, "participant_ids"},
		} {
			r := e.Do("POST", base, "worker", tc.body)
			if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), `"`+tc.field+`"`) {
				t.Errorf("create with bad %s: %d %s", tc.field, r.Status, r.Body)
			}
		}
		var list parcours.Page[*parcours.Thread]
		e.Do("GET", base, "worker", nil).Decode(t, &list)
		if len(list.Items) != 0 {
			t.Fatalf("a refused thread was stored: %+v", list.Items)
		}

		unread := func(who string) int {
			var n int
			if err := e.App.DB.View(t.Context(), func(tx *store.Tx) (err error) {
				n, err = tx.UnreadNotifications(t.Context(), e.Workers[who].ID)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			return n
		}
		// The fixture's break-glass accesses notified already.
		mgr0, wrk0 := unread("manager"), unread("worker")
		r := e.Do("POST", base, "worker", map[string]any{"subject": "Demande FSL", "participant_ids": []string{manager}, "body": "Peux-tu relire ?"})
		if r.Status != http.StatusCreated {
			t.Fatalf("create: %d %s", r.Status, r.Body)
		}
		var th parcours.Thread
		r.Decode(t, &th)

		// The manager is notified and sees one unread message.
		if unread("manager") != mgr0+1 || unread("worker") != wrk0 {
			t.Errorf("notifications: manager +%d, worker +%d; want +1, +0", unread("manager")-mgr0, unread("worker")-wrk0)
		}
		e.Do("GET", base, "manager", nil).Decode(t, &list)
		if len(list.Items) != 1 || list.Items[0].Unread != 1 {
			t.Fatalf("manager's list: %+v", list.Items)
		}

		// Reading records the manager's receipt, shown to the author.
		var got threadResp
		e.Do("GET", "/api/v1/threads/"+th.ID, "manager", nil).Decode(t, &got)
		if len(got.Messages) != 1 || got.Messages[0].Body != "Peux-tu relire ?" {
			t.Fatalf("messages: %+v", got.Messages)
		}
		e.Do("GET", "/api/v1/threads/"+th.ID, "worker", nil).Decode(t, &got)
		for _, p := range got.Thread.Participants {
			if p.LastReadAt.IsZero() {
				t.Errorf("participant %s has no read receipt", p.ID)
			}
		}

		// A reply notifies the author; an empty one is refused.
		if r := e.Do("POST", "/api/v1/threads/"+th.ID+"/messages", "manager", map[string]any{"body": ""}); r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), `"body"`) {
			t.Errorf("empty reply: %d %s", r.Status, r.Body)
		}
		if r := e.Do("POST", "/api/v1/threads/"+th.ID+"/messages", "manager", map[string]any{"body": "Relu, c'est bon."}); r.Status != http.StatusCreated {
			t.Fatalf("reply: %d %s", r.Status, r.Body)
		}
		if unread("worker") != wrk0+1 {
			t.Errorf("the author was not notified of the reply")
		}

		// A colleague who may read the file but does not take part, and
		// the front desk, find nothing.
		for _, who := range []string{"reception", "worker2", "other"} {
			if r := e.Do("GET", "/api/v1/threads/"+th.ID, who, nil); r.Status != http.StatusNotFound {
				t.Errorf("%s reads the thread: %d", who, r.Status)
			}
		}

		// The manager leaves the team that follows the person: the file,
		// and so the thread, is no longer theirs.
		if err := e.App.DB.Transact(t.Context(), func(tx *store.Tx) error {
			return tx.SetWorkerTeams(t.Context(), manager, []string{e.TeamA2.ID})
		}); err != nil {
			t.Fatal(err)
		}
		if r := e.Do("GET", "/api/v1/threads/"+th.ID, "manager", nil); r.Status != http.StatusNotFound {
			t.Errorf("the manager who lost the file still reads the thread: %d %s", r.Status, r.Body)
		}
		if r := e.Do("POST", "/api/v1/threads/"+th.ID+"/messages", "manager", map[string]any{"body": "Encore moi"}); r.Status != http.StatusNotFound {
			t.Errorf("the manager who lost the file still writes: %d", r.Status)
		}
		// Nor is a notification of the next message sent to them.
		before := unread("manager")
		e.Do("POST", "/api/v1/threads/"+th.ID+"/messages", "worker", map[string]any{"body": "Pour info"})
		if unread("manager") != before {
			t.Error("a worker who lost the file is notified of its messages")
		}
	})
}

func TestMessaging_PagesWithoutJavaScript(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		f := newFixture(t, e)
		page := "/persons/" + f.Person.ID + "/threads"
		r := e.Page("GET", page, "worker", nil)
		if r.Status != http.StatusOK || !strings.Contains(string(r.Body), `name="participant_ids"`) {
			t.Fatalf("threads page: %d", r.Status)
		}
		// An empty message: 422, the form kept, the field named.
		r = e.Page("POST", page, "worker", map[string][]string{"subject": {"Visite à domicile"}, "participant_ids": {e.Workers["manager"].ID}, "body": {""}})
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), `id="e-body"`) || !strings.Contains(string(r.Body), "Visite à domicile") {
			t.Fatalf("empty message: %d", r.Status)
		}
		r = e.Page("POST", page, "worker", map[string][]string{"subject": {"Visite à domicile"}, "participant_ids": {e.Workers["manager"].ID}, "body": {"On y va jeudi <b>?</b>"}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("create: %d %s", r.Status, r.Body)
		}
		loc := r.Header.Get("Location")
		r = e.Page("GET", loc, "manager", nil)
		if r.Status != http.StatusOK || !strings.Contains(string(r.Body), "On y va jeudi &lt;b&gt;?&lt;/b&gt;") {
			t.Fatalf("thread page: %d", r.Status)
		}
		r = e.Page("POST", loc+"/messages", "manager", map[string][]string{"body": {"D'accord."}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("reply: %d", r.Status)
		}
		if r := e.Page("GET", loc, "worker", nil); !strings.Contains(string(r.Body), "D&#39;accord.") {
			t.Error("the reply is not on the thread page")
		}
	})
}

// TestMessaging_HeaderCountRefreshesWithHtmx: the layout polls the count
// with htmx, and the fragment follows a new message without a reload.
func TestMessaging_HeaderCountRefreshesWithHtmx(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		f := newFixture(t, e)
		home := e.Page("GET", "/", "manager", nil)
		if !strings.Contains(string(home.Body), `hx-get="/notifications/count?wait=1&amp;n=`) {
			t.Fatal("the header does not poll the notification count")
		}
		count := func(who string) string {
			req := httptest.NewRequest("GET", "/notifications/count", nil)
			req.Header.Set("HX-Request", "true")
			req.AddCookie(e.Session(who))
			r := e.Serve(req)
			if r.Status != http.StatusOK {
				t.Fatalf("count fragment: %d", r.Status)
			}
			return string(r.Body)
		}
		before := count("manager")
		if _, err := e.App.Messaging.Create(t.Context(), e.Actor("worker"), f.Person.ID, messaging.CreateInput{
			Subject: "FSL", ParticipantIDs: []string{e.Workers["manager"].ID}, Body: "Bonjour"}); err != nil {
			t.Fatal(err)
		}
		after := count("manager")
		if after == before || !strings.Contains(after, `class="tag"`) || strings.Contains(after, "<html") {
			t.Errorf("the count fragment did not follow the new message: %q then %q", before, after)
		}
		// A plain visit (no htmx) leads to the notifications page.
		if r := e.Page("GET", "/notifications/count", "manager", nil); r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/notifications" {
			t.Errorf("plain visit: %d %s", r.Status, r.Header.Get("Location"))
		}
	})
}
