package web_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"parcours/internal/app/apptest"
	"parcours/internal/parcours"
)

// TestAidRequests_OrganisationListFiltersAndPages lists the
// organisation's aid requests through GET /api/v1/aid-requests: five
// requests of a household the worker follows (worker2 does not); pages of two follow next_cursor to the end
// without repeating or missing one, each caller sees only the requests
// of the applicants they follow, the filters apply, and bad input is 422
// naming the field.
func TestAidRequests_OrganisationListFiltersAndPages(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		mine := recordPerson(t, e, "worker", "LISTIER")
		h := rightsHousehold(t, e, "Foyer Listier", mine)
		want := map[string]bool{}
		for i := 0; i < 5; i++ {
			var a parcours.AidRequest
			r := e.Do("POST", "/api/v1/aid-requests", "worker", map[string]any{"household_id": h.ID, "aid_code": "secours_urgence",
				"amount_cents": 1000 * (i + 1), "reason": fmt.Sprintf("Demande %d", i)})
			if r.Status != 201 {
				t.Fatalf("request: %d %s", r.Status, r.Body)
			}
			r.Decode(t, &a)
			want[a.ID] = true
		}
		type page struct {
			Items      []parcours.AidRequest `json:"items"`
			NextCursor string                `json:"next_cursor"`
		}
		list := func(who, query string) (int, page) {
			var p page
			r := e.Do("GET", "/api/v1/aid-requests?"+query, who, nil)
			if r.Status == 200 {
				r.Decode(t, &p)
			}
			return r.Status, p
		}
		seen := map[string]bool{}
		cursor, pages := "", 0
		for {
			status, p := list("worker", "limit=2&cursor="+url.QueryEscape(cursor))
			if status != 200 {
				t.Fatalf("page %d: %d", pages, status)
			}
			pages++
			for _, a := range p.Items {
				if seen[a.ID] || !want[a.ID] {
					t.Errorf("page %d: %s repeated or not the worker's", pages, a.ID)
				}
				seen[a.ID] = true
			}
			if p.NextCursor == "" {
				break
			}
			if len(p.Items) != 2 || pages > 5 {
				t.Fatalf("page %d: %d items with a next cursor", pages, len(p.Items))
			}
			cursor = p.NextCursor
		}
		if len(seen) != 5 || pages != 3 {
			t.Errorf("paged through %d requests in %d pages, want 5 in 3", len(seen), pages)
		}
		// worker2 follows neither household of the worker's requests.
		if _, p := list("worker2", ""); len(p.Items) != 0 {
			t.Errorf("worker2 sees %d requests", len(p.Items))
		}
		if status, _ := list("reception", ""); status != 403 {
			t.Errorf("reception: %d, want 403", status)
		}
		if _, p := list("worker", "status=granted"); len(p.Items) != 0 {
			t.Errorf("status filter: %d items", len(p.Items))
		}
		if _, p := list("worker", "status=instruction&aid=secours_urgence&from=2000-01-01"); len(p.Items) != 5 {
			t.Errorf("filters: %d items, want 5", len(p.Items))
		}
		for q, field := range map[string]string{"status=perdu": "status", "from=31/12/2025": "from", "limit=500": "limit", "cursor=zzz": "cursor"} {
			r := e.Do("GET", "/api/v1/aid-requests?"+q, "worker", nil)
			if r.Status != 422 || !strings.Contains(string(r.Body), `"field":"`+field+`"`) {
				t.Errorf("%s: %d %s, want 422 naming %s", q, r.Status, r.Body, field)
			}
		}
	})
}
