package web_test

import (
	"strings"
	"testing"
	"time"

	"parcours/internal/app/apptest"
)

// TestDesk_ReferentReadsTheDeskMessageOnTheirDay: the message the front
// desk takes for a referent is on the referent's « Ma journée », with the
// person, the motive, « a besoin d'un RDV » and a link to the file; the
// notification leads there. The front desk's own day does not list it,
// and the journal stays closed to the front desk. Both backends.
func TestDesk_ReferentReadsTheDeskMessageOnTheirDay(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		e.App.DB.Now = func() time.Time { return agendaMonday }
		p := rightsPerson(t, e, "worker2", "PETIT") // followed by worker2
		wantStatus(t, e.Do("POST", "/api/v1/persons/"+p.ID+"/desk-visits", "reception", map[string]any{"motive": "Question CAF", "visitor": "sa fille",
			"message": "Rappeler avant vendredi <b>svp</b>", "needs_appointment": true, "for_worker_id": e.Workers["worker2"].ID}), 201, "visit for the referent")

		home := e.Page("GET", "/", "worker2", nil)
		wantStatus(t, home, 200, "the referent's day")
		body := string(home.Body)
		i := strings.Index(body, `id="desk-messages"`)
		if i < 0 {
			t.Fatal("no desk messages on the referent's day")
		}
		card := body[i:]
		card = card[:strings.Index(card, "</section>")]
		for _, want := range []string{"PETIT", "Question CAF", "Rappeler avant vendredi &lt;b&gt;svp&lt;/b&gt;", "sa fille", `href="/persons/` + p.ID + `"`, "Besoin d&#39;un rendez-vous"} {
			if !strings.Contains(card, want) {
				t.Errorf("the day's desk card lacks %q:\n%s", want, card)
			}
		}
		notes := e.Page("GET", "/notifications", "worker2", nil)
		if !strings.Contains(string(notes.Body), `href="/#desk-messages"`) {
			t.Error("the notification does not lead to the day's desk messages")
		}
		// Not on the front desk's day, nor on another worker's.
		for _, who := range []string{"reception", "worker"} {
			if r := e.Page("GET", "/", who, nil); strings.Contains(string(r.Body), "Rappeler avant vendredi") {
				t.Errorf("%s's day shows the referent's message", who)
			}
		}
		wantStatus(t, e.Do("GET", "/api/v1/persons/"+p.ID+"/journal", "reception", nil), 403, "the journal for the front desk")
	})
}
