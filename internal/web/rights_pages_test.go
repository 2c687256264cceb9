package web_test

import (
	"encoding/json"
	"net/url"
	"slices"
	"strconv"
	"testing"

	"parcours/internal/app/apptest"
)

// Every list of the rights and aid API pages with limit and next_cursor
// (keyset): walking the pages gives the whole list, in its order, with
// no item twice and none missing, on both backends.

// walkPages follows next_cursor from path with the given page size and
// returns the ids met, page by page.
func walkPages(t *testing.T, e *apptest.Env, who, path string, limit int) (ids []string, pages int) {
	t.Helper()
	cursor := ""
	for pages = 1; pages < 100; pages++ {
		q := url.Values{"limit": {strconv.Itoa(limit)}}
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		r := e.Do("GET", path+"?"+q.Encode(), who, nil)
		wantStatus(t, r, 200, path)
		var page struct {
			Items      []struct{ ID, Code string }
			NextCursor *string `json:"next_cursor"`
		}
		if err := json.Unmarshal(r.Body, &page); err != nil {
			t.Fatal(err)
		}
		if page.NextCursor == nil {
			t.Fatalf("%s: no next_cursor in %s", path, r.Body)
		}
		if len(page.Items) > limit || (*page.NextCursor != "" && len(page.Items) != limit) {
			t.Fatalf("%s: page %d has %d items for limit %d (next %q)", path, pages, len(page.Items), limit, *page.NextCursor)
		}
		for _, it := range page.Items {
			ids = append(ids, it.ID+it.Code)
		}
		if cursor = *page.NextCursor; cursor == "" {
			return ids, pages
		}
	}
	t.Fatalf("%s: no last page", path)
	return nil, 0
}

func TestRightsLists_PagesWalkTheWholeListWithoutDuplicatesOrGaps(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		p := rightsPerson(t, e, "worker", "PAGINE")
		h := rightsHousehold(t, e, "Foyer Pagine", p)
		const n = 7
		for i := 0; i < n; i++ {
			wantStatus(t, e.Do("POST", "/api/v1/persons/"+p.ID+"/procedures", "worker",
				map[string]any{"right_code": "css", "help_level": "with_person"}), 201, "procedure")
			// Same day: the key's later parts break the ties.
			wantStatus(t, e.Do("POST", "/api/v1/persons/"+p.ID+"/autonomy-checks", "worker", map[string]any{"equipment": "phone",
				"connection": "mobile", "email": "has", "franceconnect": "none", "alone": "with_help", "language": "fluent"}), 201, "check")
			wantStatus(t, e.Do("POST", "/api/v1/persons/"+p.ID+"/mandates", "worker",
				map[string]any{"procedures": []string{"rsa"}, "start_date": inDays(i % 3), "end_date": inDays(100)}), 201, "mandate")
			wantStatus(t, e.Do("POST", "/api/v1/aid-requests", "worker", map[string]any{"household_id": h.ID, "aid_code": "secours_urgence",
				"amount_cents": 1000 * (i + 1), "reason": "Facture"}), 201, "aid request")
			wantStatus(t, e.Do("POST", "/api/v1/commissions", "manager",
				map[string]any{"meets_on": inDays(10 + i%2), "members": []string{"Mme A"}}), 201, "commission")
		}
		for _, l := range []struct {
			who, path string
			min       int
		}{
			{"worker", "/api/v1/persons/" + p.ID + "/procedures", n},
			{"worker", "/api/v1/persons/" + p.ID + "/autonomy-checks", n},
			{"worker", "/api/v1/persons/" + p.ID + "/mandates", n},
			{"worker", "/api/v1/households/" + h.ID + "/aid-requests", n},
			{"manager", "/api/v1/commissions", n},
			{"worker", "/api/v1/rights", 15},
		} {
			all, pages := walkPages(t, e, l.who, l.path, 200)
			if pages != 1 || len(all) < l.min {
				t.Fatalf("%s: %d items in %d pages at limit 200, want at least %d in one", l.path, len(all), pages, l.min)
			}
			for _, size := range []int{1, 2, 3} {
				got, pages := walkPages(t, e, l.who, l.path, size)
				if !slices.Equal(got, all) {
					t.Errorf("%s by %d: %v, want %v", l.path, size, got, all)
				}
				if want := (len(all) + size - 1) / size; pages != want {
					t.Errorf("%s by %d: %d pages, want %d", l.path, size, pages, want)
				}
			}
			seen := map[string]bool{}
			for _, id := range all {
				if seen[id] {
					t.Errorf("%s: %s twice", l.path, id)
				}
				seen[id] = true
			}
			// A cursor that is not one, or a size out of range: 400.
			for _, q := range []string{"?cursor=nope", "?limit=0", "?limit=201", "?cursor=WyJ4Il0"} {
				if r := e.Do("GET", l.path+q, l.who, nil); r.Status != 400 {
					t.Errorf("%s%s: status %d, want 400", l.path, q, r.Status)
				}
			}
		}
	})
}
