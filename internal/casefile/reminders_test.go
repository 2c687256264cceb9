package casefile_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"parcours/internal/app/apptest"
	"parcours/internal/parcours"
)

type notificationJSON struct {
	Kind     string `json:"kind"`
	PersonID string `json:"person_id"`
	ObjectID string `json:"object_id"`
}

// notified returns the task notifications of a cast member, as
// "kind:taskID", sorted.
func notified(t *testing.T, e *apptest.Env, who string) []string {
	t.Helper()
	var page struct {
		Items []notificationJSON `json:"items"`
	}
	call(t, e, "GET", "/api/v1/notifications", who, nil, 200, &page)
	out := []string{}
	for _, n := range page.Items {
		if strings.HasPrefix(n.Kind, "task_") {
			out = append(out, n.Kind+":"+n.ObjectID)
		}
	}
	slices.Sort(out)
	return out
}

func TestTaskReminders_OncePerTaskAndDay(t *testing.T) {
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		setClock(e, "2026-11-25 07:00")
		p := newPerson(t, e, "worker")
		add := func(title, due, assignee string) string {
			var out taskJSON
			body := map[string]any{"title": title, "due_date": due}
			if assignee != "" {
				body["assignee_id"] = e.Workers[assignee].ID
			}
			call(t, e, "POST", "/api/v1/persons/"+p.ID+"/tasks", "worker", body, 201, &out)
			return out.ID
		}
		overdue := add("en retard", "2026-11-20", "")
		today := add("aujourd'hui", "2026-11-25", "")
		tomorrow := add("demain", "2026-11-26", "")
		add("plus tard", "2026-12-10", "")
		forManager := add("pour le manager", "2026-11-25", "manager")
		done := add("déjà faite", "2026-11-19", "")
		call(t, e, "PATCH", "/api/v1/tasks/"+done, "worker", map[string]any{"status": "done"}, 200, nil)

		remind := func(want int) {
			t.Helper()
			n, err := e.App.CaseFile.SendTaskReminders(t.Context(), parcours.SystemActor())
			if err != nil || n != want {
				t.Fatalf("SendTaskReminders = %d, %v; want %d", n, err, want)
			}
		}
		remind(3)
		want := []string{"task_due_today:" + today, "task_overdue:" + overdue}
		slices.Sort(want)
		if got := notified(t, e, "worker"); !slices.Equal(got, want) {
			t.Errorf("worker notified of %v, want %v", got, want)
		}
		if got := notified(t, e, "manager"); !slices.Equal(got, []string{"task_due_today:" + forManager}) {
			t.Errorf("manager notified of %v", got)
		}
		// Later the same day (another run, another instance): nothing new.
		setClock(e, "2026-11-25 23:50")
		remind(0)
		if got := notified(t, e, "worker"); len(got) != 2 {
			t.Errorf("second run of the day notified again: %v", got)
		}

		// The next day: yesterday's task is now overdue, tomorrow's is due.
		setClock(e, "2026-11-26 00:10")
		call(t, e, "PATCH", "/api/v1/tasks/"+overdue, "worker", map[string]any{"status": "done"}, 200, nil)
		remind(3) // today → overdue, tomorrow → today, manager's → overdue
		got := notified(t, e, "worker")
		for _, w := range []string{"task_overdue:" + today, "task_due_today:" + tomorrow} {
			if !slices.Contains(got, w) {
				t.Errorf("day 2: %s missing from %v", w, got)
			}
		}
		if len(got) != 4 {
			t.Errorf("day 2: worker has %d task notifications, want 4 (the done task got none): %v", len(got), got)
		}

		// The person's access log tells that reminders were sent.
		r := e.Do("GET", "/api/v1/persons/"+p.ID+"/access-log", "worker", nil)
		if r.Status != 200 || !strings.Contains(string(r.Body), "rappelé une tâche") {
			t.Errorf("access log: %d %s", r.Status, r.Body)
		}

		// The page links the notification to the person's file.
		r = e.Page("GET", "/notifications", "worker", nil)
		if r.Status != 200 || !strings.Contains(string(r.Body), `href="/persons/`+p.ID+`"`) || !strings.Contains(string(r.Body), "Tâche en retard") {
			t.Errorf("notifications page: %d, link or text missing", r.Status)
		}
	})
}

func TestTaskReminders_OnlyTheServerRunsThem(t *testing.T) {
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		for _, who := range []string{"admin", "manager", "worker"} {
			_, err := e.App.CaseFile.SendTaskReminders(t.Context(), e.Actor(who))
			var pe *parcours.Error
			if !errors.As(err, &pe) || pe.Code != parcours.EForbidden {
				t.Errorf("%s: %v, want forbidden", who, err)
			}
		}
	})
}
