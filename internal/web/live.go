package web

import (
	"fmt"
	"html"
	"html/template"
	"net/http"

	"parcours/internal/i18n"
)

// NotificationCount is the header's unread count, the same markup in the
// layout (rendered with the page, so the count is there without
// JavaScript) and in the answer of its long poll, GET
// /notifications/count?wait=1&n=N (web/accessweb): htmx asks as soon as
// the page is loaded (trigger "load"), the instance answers when the
// count is no longer n (at once, or as soon as a new notification is
// announced, package live) or after live.MaxWait, and the answer — this
// span with the new count — replaces the span and asks again. Should a
// poll fail (the instance went away), "every 60s" asks again later.
func NotificationCount(lang string, n int) template.HTML {
	inner := ""
	if n > 0 {
		inner = fmt.Sprintf(`<span class="tag">%d</span><span class="visually-hidden"> (%s)</span>`, n, html.EscapeString(i18n.T(lang, "nav.notifications_count", n)))
	}
	return template.HTML(fmt.Sprintf(`<span id="notification-count" hx-get="/notifications/count?wait=1&amp;n=%d" hx-trigger="load, every 60s" hx-swap="outerHTML">%s</span>`, max(n, 0), inner))
}

// unread is the actor's unread notification count for the layout, from
// the live hub's memory when nothing changed; 0 when it cannot be read.
func (s *Server) unread(r *http.Request) int {
	a, ok := Actor(r)
	if !ok || s.svc.Live == nil {
		return 0
	}
	n, err := s.svc.Live.Unread(r.Context(), a)
	if err != nil {
		s.log.Warn("notification count", "err", err.Error())
		return 0
	}
	return n
}
