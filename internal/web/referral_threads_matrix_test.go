package web_test

import (
	"net/url"
)

// Rows of the threads under a referral (issue 11 with issue 10), on a
// fresh pending referral of the referral person to org B for each
// request: the sender's team (worker the referent, manager, teammate)
// and the receiving organisation ("other", through the share) take part;
// a worker of org A without relation and an expired or running
// break-glass are refused (403: a break-glass does not join
// conversations), the front desk and administrators find nothing (404),
// a third organisation is no party (404, before any file is opened).

// referralThreadWith names who the caller writes to: org B's worker, or
// for org B the sending referent.
func referralThreadWith(f *fixture, who string) string {
	if who == "other" {
		return f.e.Workers["worker"].ID
	}
	return f.e.Workers["other"].ID
}

func init() {
	want := func(ok int) map[string]int {
		return all(ok, "teammate", ok, "admin", 404, "reception", 404, "worker2", 403, "bg_expired", 403, "bg_active", 403, "third", 404, "anonymous", 401)
	}
	onReferral := routeAudit{OnFile: true, NotDenied: map[string]string{"third": notAParty}}
	addRows(
		matrixRow{Route: "GET /api/v1/referrals/{id}/threads", Path: referralPath("/api/v1/referrals/", "/threads", false),
			Want: want(200), Audit: []string{"thread.list"}, routeAudit: onReferral},
		matrixRow{Route: "POST /api/v1/referrals/{id}/threads", Path: referralPath("/api/v1/referrals/", "/threads", false),
			Body: func(f *fixture, who string) any {
				return map[string]any{"subject": "Dossier FSL", "participant_ids": []string{referralThreadWith(f, who)}, "body": "Bonjour"}
			},
			Want: want(201), Audit: []string{"message.create", "thread.create"}, routeAudit: onReferral},
		matrixRow{Route: "POST /referrals/{id}/threads", Path: referralPath("/referrals/", "/threads", false), Page: true,
			Body: func(f *fixture, who string) any {
				return url.Values{"subject": {"Dossier FSL"}, "participant_ids": {referralThreadWith(f, who)}, "body": {"Bonjour"}}
			},
			Want: want(303), Audit: []string{"message.create", "thread.create"}, routeAudit: onReferral},
	)
}
