package web_test

import (
	"net/http"
	"net/url"
)

// Notices of new replies (/moi/avis, /api/v1/moi/reply-notice) in the
// authorisation matrix: every portal account sets its own address (the
// person, and a delegate whatever its scope), no worker reaches them
// (401: no portal session; the address is the account holder's own).

func init() {
	see := http.StatusSeeOther
	both := func(status int) map[string]int {
		m := all(http.StatusUnauthorized)
		m["person"], m["delegate"] = status, status
		return m
	}
	const none = "no worker reaches a portal route; the changes are audited portal.notice.set/remove (TestPortalReplyNotice_*)"
	addRows(
		matrixRow{Route: "GET /moi/avis", Path: fixed("/moi/avis"), Want: both(200), NoAudit: none},
		matrixRow{Route: "POST /moi/avis", Path: fixed("/moi/avis"),
			Body: func(*fixture, string) any {
				return url.Values{"email": {"lea.martin@exemple.test"}, "consent": {"1"}}
			},
			Want: both(see), NoAudit: none},
		matrixRow{Route: "POST /moi/avis/retrait", Path: fixed("/moi/avis/retrait"), Want: both(see), NoAudit: none},
		matrixRow{Route: "GET /api/v1/moi/reply-notice", Path: fixed("/api/v1/moi/reply-notice"), Want: both(200), NoAudit: none},
		matrixRow{Route: "PUT /api/v1/moi/reply-notice", Path: fixed("/api/v1/moi/reply-notice"),
			Body: func(*fixture, string) any { return map[string]any{"email": "lea.martin@exemple.test", "consent": true} },
			Want: both(200), NoAudit: none},
		matrixRow{Route: "DELETE /api/v1/moi/reply-notice", Path: fixed("/api/v1/moi/reply-notice"),
			Want: both(http.StatusNoContent), NoAudit: none},
	)
}
