package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"parcours/internal/app/apptest"
	"parcours/internal/casefile"
)

// TestPersonPage_EntryParameterOpensItsJournalPage: /persons/{id}?entry=
// shows the journal page holding that entry (where a search hit or an
// amendment's link leads), with a link back to the newest; an entry the
// viewer may not read, or of another person, leaves the first page.
func TestPersonPage_EntryParameterOpensItsJournalPage(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		p := recordPerson(t, e, "worker", "ROUSSEL")
		start := time.Now().AddDate(0, 0, -150)
		var ids []string
		for i := range 110 {
			en, err := e.App.CaseFile.AddEntry(ctx, e.Actor("worker"), p.ID, casefile.EntryInput{Kind: "note",
				Summary: fmt.Sprintf("Note de suivi %d", i), OccurredAt: start.AddDate(0, 0, i).Format(time.DateOnly)})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, en.ID)
		}
		private, err := e.App.CaseFile.AddEntry(ctx, e.Actor("worker"), p.ID, casefile.EntryInput{Kind: "note", Summary: "Confidentiel",
			Confidentiality: "referent", OccurredAt: start.Format(time.DateOnly)})
		if err != nil {
			t.Fatal(err)
		}
		other := recordPerson(t, e, "worker", "AUTRE")
		elsewhere, err := e.App.CaseFile.AddEntry(ctx, e.Actor("worker"), other.ID, casefile.EntryInput{Kind: "note", Summary: "Ailleurs",
			OccurredAt: start.Format(time.DateOnly)})
		if err != nil {
			t.Fatal(err)
		}
		has := func(body []byte, id string) bool { return strings.Contains(string(body), `id="entry-`+id+`"`) }
		first := e.Page("GET", "/persons/"+p.ID, "worker", nil)
		if first.Status != 200 || has(first.Body, ids[5]) || !has(first.Body, ids[109]) {
			t.Fatalf("first page: %d, old entry shown %v", first.Status, has(first.Body, ids[5]))
		}
		for _, i := range []int{5, 55, 109} {
			page := e.Page("GET", "/persons/"+p.ID+"?entry="+ids[i], "worker", nil)
			if page.Status != 200 || !has(page.Body, ids[i]) {
				t.Errorf("?entry= entry %d: %d, shown %v", i, page.Status, has(page.Body, ids[i]))
			}
			if back := strings.Contains(string(page.Body), `rel="first"`); back != (i != 109) {
				t.Errorf("?entry= entry %d: link to the newest %v", i, back)
			}
		}
		// manager (same team) may not read the referent-only entry: the
		// first page, as for an entry of another file or an unknown id.
		for who, id := range map[string]string{"manager": private.ID, "worker": elsewhere.ID} {
			page := e.Page("GET", "/persons/"+p.ID+"?entry="+id, who, nil)
			if page.Status != 200 || has(page.Body, id) || !has(page.Body, ids[109]) || strings.Contains(string(page.Body), `rel="first"`) {
				t.Errorf("%s ?entry= an entry not theirs to read: %d", who, page.Status)
			}
		}
	})
}
