package casefile_test

import (
	"strings"
	"testing"

	"parcours/internal/app/apptest"
)

type taskAssignee struct {
	ID         string `json:"id"`
	AssigneeID string `json:"assignee_id"`
	Status     string `json:"status"`
}

// assignees returns each task's assignee, as the new referent reads them.
func assignees(t *testing.T, e *apptest.Env, personID, who string) map[string]string {
	t.Helper()
	var page struct{ Items []taskAssignee }
	call(t, e, "GET", "/api/v1/persons/"+personID+"/tasks", who, nil, 200, &page)
	out := map[string]string{}
	for _, tk := range page.Items {
		out[tk.ID] = tk.AssigneeID
	}
	return out
}

func newTask(t *testing.T, e *apptest.Env, personID, who string, body map[string]any) string {
	t.Helper()
	var tk taskAssignee
	call(t, e, "POST", "/api/v1/persons/"+personID+"/tasks", who, body, 201, &tk)
	return tk.ID
}

// TestHandover_MovesTheOpenTasksNotifiesAndSaysDocumentsAndObjections
// (issue 9, part 6): the new referent is notified of the handover, its
// synthesis lists the documents and the person's objections, and on
// acknowledgement the outgoing referent's open tasks on the file become
// the new referent's, each move audited; tasks of others and closed ones
// stay as they were.
func TestHandover_MovesTheOpenTasksNotifiesAndSaysDocumentsAndObjections(t *testing.T) {
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		p := newPerson(t, e, "worker")
		var acc accJSON
		call(t, e, "POST", "/api/v1/persons/"+p.ID+"/accompaniments", "worker", map[string]any{"kind": "asll"}, 201, &acc)
		tied := newTask(t, e, p.ID, "worker", map[string]any{"title": "Déposer la demande DALO", "due_date": "2030-01-10", "accompaniment_id": acc.ID})
		loose := newTask(t, e, p.ID, "worker", map[string]any{"title": "Rappeler la CAF", "due_date": "2030-01-11"})
		managers := newTask(t, e, p.ID, "worker", map[string]any{"title": "Valider l'aide", "due_date": "2030-01-12", "assignee_id": e.Workers["manager"].ID})
		done := newTask(t, e, p.ID, "worker", map[string]any{"title": "Envoyer le RIB", "due_date": "2030-01-09"})
		call(t, e, "PATCH", "/api/v1/tasks/"+done, "worker", map[string]any{"status": "done"}, 200, nil)
		call(t, e, "POST", "/api/v1/persons/"+p.ID+"/consent", "worker",
			map[string]any{"informed_on": "2026-01-05", "method": "oral", "objections": []string{"no_health_sharing"}}, 200, nil)
		if r := upload(t, e, p.ID, "worker", map[string]string{"kind": "titre_sejour", "expires_on": "2031-03-15"}, "titre.png", pngOf(3)); r.Status != 201 {
			t.Fatalf("upload: %d %s", r.Status, r.Body)
		}

		var h handoverJSON
		call(t, e, "POST", "/api/v1/accompaniments/"+acc.ID+"/handover", "worker",
			map[string]any{"referent_id": e.Workers["worker2"].ID, "team_id": e.TeamA2.ID}, 201, &h)
		for _, want := range []string{"Documents du dossier", "Titre de séjour : titre.png (expire le 15/03/2031)",
			"Oppositions de la personne", "Pas de partage des informations de santé"} {
			if !strings.Contains(h.Synthesis, want) {
				t.Errorf("synthesis lacks %q:\n%s", want, h.Synthesis)
			}
		}
		var notes struct {
			Items []struct {
				Kind     string `json:"kind"`
				PersonID string `json:"person_id"`
				ObjectID string `json:"object_id"`
			}
		}
		call(t, e, "GET", "/api/v1/notifications", "worker2", nil, 200, &notes)
		notified := false
		for _, n := range notes.Items {
			notified = notified || (n.Kind == "handover" && n.PersonID == p.ID && n.ObjectID == h.ID)
		}
		if !notified {
			t.Errorf("the new referent's notifications %+v lack the handover", notes.Items)
		}
		if page := e.Page("GET", "/notifications", "worker2", nil); !strings.Contains(string(page.Body), "passation") {
			t.Errorf("the notifications page does not tell the handover: %s", page.Body)
		}

		// Until acknowledged, the tasks are where they were.
		if got := assignees(t, e, p.ID, "worker2"); got[tied] != e.Workers["worker"].ID {
			t.Errorf("before acknowledgement the tied task is %s's", got[tied])
		}
		before := count(t, e, "audit_events")
		call(t, e, "POST", "/api/v1/handovers/"+h.ID+"/acknowledge", "worker2", nil, 200, nil)
		got := assignees(t, e, p.ID, "worker2")
		w, w2, m := e.Workers["worker"].ID, e.Workers["worker2"].ID, e.Workers["manager"].ID
		if got[tied] != w2 || got[loose] != w2 || got[managers] != m || got[done] != w {
			t.Errorf("after acknowledgement: tied %s, loose %s, manager's %s, done %s; want worker2, worker2, manager, worker",
				got[tied], got[loose], got[managers], got[done])
		}
		var moves int
		q := "SELECT COUNT(*) FROM audit_events WHERE action = 'task.reassign' AND seq > ?"
		if e.Dialect.String() == "postgres" {
			q = strings.Replace(q, "?", "$1", 1)
		}
		if err := e.App.DB.SQL().QueryRow(q, before).Scan(&moves); err != nil {
			t.Fatal(err)
		}
		if moves != 2 {
			t.Errorf("task.reassign events: %d, want 2", moves)
		}
	})
}

// TestHandover_OutgoingReferentKeepsTheWorkOfWhatTheyStillRefer: handing
// over one of two accompaniments moves only that accompaniment's tasks;
// the referent still follows the person and keeps the rest.
func TestHandover_OutgoingReferentKeepsTheWorkOfWhatTheyStillRefer(t *testing.T) {
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		p := newPerson(t, e, "worker")
		var a, b accJSON
		call(t, e, "POST", "/api/v1/persons/"+p.ID+"/accompaniments", "worker", map[string]any{"kind": "asll"}, 201, &a)
		call(t, e, "POST", "/api/v1/persons/"+p.ID+"/accompaniments", "worker", map[string]any{"kind": "rsa"}, 201, &b)
		ofA := newTask(t, e, p.ID, "worker", map[string]any{"title": "Dossier DALO", "due_date": "2030-01-10", "accompaniment_id": a.ID})
		ofB := newTask(t, e, p.ID, "worker", map[string]any{"title": "Contrat d'engagement RSA", "due_date": "2030-01-10", "accompaniment_id": b.ID})
		loose := newTask(t, e, p.ID, "worker", map[string]any{"title": "Rappeler la personne", "due_date": "2030-01-10"})
		var h handoverJSON
		call(t, e, "POST", "/api/v1/accompaniments/"+a.ID+"/handover", "worker",
			map[string]any{"referent_id": e.Workers["worker2"].ID, "team_id": e.TeamA2.ID}, 201, &h)
		call(t, e, "POST", "/api/v1/handovers/"+h.ID+"/acknowledge", "worker2", nil, 200, nil)
		got := assignees(t, e, p.ID, "worker")
		w, w2 := e.Workers["worker"].ID, e.Workers["worker2"].ID
		if got[ofA] != w2 || got[ofB] != w || got[loose] != w {
			t.Errorf("tasks of A %s, of B %s, of none %s; want worker2, worker, worker", got[ofA], got[ofB], got[loose])
		}
	})
}
