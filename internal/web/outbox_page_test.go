package web_test

import (
	"fmt"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"parcours/internal/app/apptest"
	"parcours/internal/outbox"
	"parcours/internal/parcours"
	"parcours/internal/store"
)

// The outbox is paginated by keyset, API and page alike: limit and
// next_cursor walk every message once, newest first, the status filter
// kept from page to page; the HTML page links to the next and first
// pages without script; a forged cursor is a 400.
func TestOutboxList_PaginatedWithFilterKept(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		// 55 queued in one transaction (one instant: the id orders them),
		// then 2 of them failed, so that the filter has something to drop.
		err := e.App.DB.Transact(t.Context(), func(tx *store.Tx) error {
			for i := range 55 {
				if _, err := outbox.Enqueue(t.Context(), tx, outbox.Message{OrgID: e.OrgA.ID, Key: fmt.Sprintf("p:%d", i), Channel: parcours.ChannelEmail,
					Kind: "reminder", To: fmt.Sprintf("p%d@exemple.test", i), Subject: "Rappel", Body: "Votre rendez-vous"}); err != nil {
					return err
				}
			}
			later := time.Now().Add(time.Hour)
			for range 2 {
				m, err := tx.ClaimOutbox(t.Context(), "test", later, later.Add(time.Minute))
				if err != nil || m == nil {
					return fmt.Errorf("claim: %v", err)
				}
				if _, err := tx.FinishOutbox(t.Context(), m.ID, "test", parcours.OutboxFailed, "smtp down", later, time.Time{}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		type page struct {
			Items      []parcours.OutboxMessage `json:"items"`
			NextCursor string                   `json:"next_cursor"`
		}
		walk := func(query string) []string {
			var ids []string
			path := "/api/v1/outbox?limit=20" + query
			for range 10 {
				var p page
				r := e.Do("GET", path, "admin", nil)
				if r.Status != http.StatusOK {
					t.Fatalf("%s: %d %s", path, r.Status, r.Body)
				}
				r.Decode(t, &p)
				if len(p.Items) > 20 {
					t.Fatalf("page of %d over the limit", len(p.Items))
				}
				for _, m := range p.Items {
					if query != "" && m.Status != parcours.OutboxQueued {
						t.Fatalf("filter lost on a later page: %s", m.Status)
					}
					ids = append(ids, m.ID)
				}
				if p.NextCursor == "" {
					return ids
				}
				path = "/api/v1/outbox?limit=20&cursor=" + p.NextCursor + query
			}
			t.Fatal("no last page")
			return nil
		}
		all, queued := walk(""), walk("&status=queued")
		seen := map[string]bool{}
		for _, id := range all {
			if seen[id] {
				t.Fatalf("message %s listed twice", id)
			}
			seen[id] = true
		}
		if len(all) != 55 || len(queued) != 53 {
			t.Fatalf("walked %d messages (want 55), %d queued (want 53)", len(all), len(queued))
		}
		if r := e.Do("GET", "/api/v1/outbox?cursor=pas-un-curseur", "admin", nil); r.Status != http.StatusBadRequest {
			t.Fatalf("forged cursor: %d", r.Status)
		}
		if r := e.Do("GET", "/api/v1/outbox?limit=500", "admin", nil); r.Status != http.StatusBadRequest {
			t.Fatalf("limit over 200: %d", r.Status)
		}

		// The page: 50 rows, a next link keeping the filter, then the
		// rest and a link back to the first page.
		first := e.Page("GET", "/admin/outbox?status=queued", "admin", nil)
		body := string(first.Body)
		if first.Status != http.StatusOK || strings.Count(body, "@exemple.test") != 50 {
			t.Fatalf("first page: %d, %d rows", first.Status, strings.Count(body, "@exemple.test"))
		}
		next := regexp.MustCompile(`href="([^"]+)" rel="next"`).FindStringSubmatch(body)
		if next == nil || !strings.Contains(next[1], "status=queued") || !strings.Contains(next[1], "cursor=") {
			t.Fatalf("next link: %v", next)
		}
		second := e.Page("GET", html.UnescapeString(next[1]), "manager", nil)
		body = string(second.Body)
		if second.Status != http.StatusOK || strings.Contains(body, `rel="next"`) || !strings.Contains(body, `href="/admin/outbox?status=queued"`) {
			t.Fatalf("second page: %d next=%v first=%v", second.Status, strings.Contains(body, `rel="next"`), strings.Contains(body, `href="/admin/outbox?status=queued"`))
		}
		if n := strings.Count(body, "<tr>") - 1; n != 3 {
			t.Fatalf("second page: %d rows, want 3", n)
		}
	})
}
