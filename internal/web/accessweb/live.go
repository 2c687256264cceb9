package accessweb

import (
	"net/http"
	"strconv"
	"time"

	"parcours/internal/live"
	"parcours/internal/parcours"
	"parcours/internal/web"
)

// The worker's unread notification count, live: the header's long poll
// (a page fragment for htmx) and its JSON twin. Both wait on the live
// hub (package live), which hears of a new notification written on any
// instance through the store's announcements, and read the database only
// when they start and when woken.

func (s *Server) liveRoutes() {
	s.Schema("NotificationCount", web.Object([]string{"unread"}, web.Schema{"unread": web.Integer()}))
	s.Handle("GET", "/api/v1/notifications/count", web.API, s.apiNotificationCount,
		&web.Op{ID: "countUnreadNotifications", Summary: "The worker's unread notification count; with wait, a long poll that answers as soon as the count is no longer seen", Tag: "access",
			Response: "NotificationCount", Query: []web.Param{
				{Name: "seen", Type: "integer", Description: "the count the client shows; with wait, the answer comes when the count differs from it"},
				{Name: "wait", Type: "integer", Description: "seconds to wait for a change, 0–25 (0 by default: answer at once)"}}})
	s.Handle("GET", "/notifications/count", web.Page, s.pageCount, nil)
}

// countQuery reads seen and wait; wait needs seen.
func countQuery(r *http.Request, seenName, waitName string, waitUnit time.Duration) (seen int, wait time.Duration, err error) {
	q := r.URL.Query()
	var p parcours.Problems
	seen = -1
	if v := q.Get(seenName); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			p.Add(seenName, "error.invalid_number", "field.notification_seen")
		}
		seen = n
	}
	if v := q.Get(waitName); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || time.Duration(n)*waitUnit > live.MaxWait {
			p.Add(waitName, "error.notification_wait", int(live.MaxWait/time.Second))
		}
		wait = time.Duration(n) * waitUnit
	}
	if err := p.Err(); err != nil {
		return 0, 0, err
	}
	if seen < 0 {
		wait = 0 // nothing to compare with: the count now
	}
	return seen, wait, nil
}

func (s *Server) apiNotificationCount(w http.ResponseWriter, r *http.Request) error {
	seen, wait, err := countQuery(r, "seen", "wait", time.Second)
	if err != nil {
		return err
	}
	if wait > 0 {
		// Waiting for news, it does no work: its place goes to others.
		web.ReleaseSlot(r)
	}
	n, err := s.svc.Live.WaitUnread(r.Context(), web.MustActor(r), seen, wait)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	web.WriteJSON(w, http.StatusOK, map[string]int{"unread": n})
	return nil
}

// pageCount answers the header's long poll (web.NotificationCount): with
// wait=1 and the count shown n, it answers when the count is no longer n
// or after live.MaxWait, with the span that replaces the old one. Without
// htmx (a plain visit) it leads to the notifications page.
func (s *Server) pageCount(w http.ResponseWriter, r *http.Request) error {
	if r.Header.Get("HX-Request") != "true" {
		http.Redirect(w, r, "/notifications", http.StatusSeeOther)
		return nil
	}
	seen, wait, err := countQuery(r, "n", "wait", live.MaxWait)
	if err != nil {
		return err
	}
	if wait > 0 {
		// Waiting for news, it does no work: its place goes to others.
		web.ReleaseSlot(r)
	}
	n, err := s.svc.Live.WaitUnread(r.Context(), web.MustActor(r), seen, wait)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, err = w.Write([]byte(web.NotificationCount(web.Lang(r), n)))
	return err
}
