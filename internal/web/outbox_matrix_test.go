package web_test

import (
	"context"
	"net/http"
	"net/url"

	"parcours/internal/outbox"
	"parcours/internal/parcours"
	"parcours/internal/store"
)

// failedMessage queues a message of org A and marks it failed, for the
// requeue rows.
func failedMessage(f *fixture) string {
	ctx := context.Background()
	key := "matrix:" + store.NewID()
	var id string
	err := f.e.App.DB.Transact(ctx, func(tx *store.Tx) error {
		if _, err := outbox.Enqueue(ctx, tx, outbox.Message{OrgID: f.e.OrgA.ID, Key: key, Channel: parcours.ChannelEmail,
			Kind: "test", To: "personne@exemple.test", Subject: "s", Body: "b", MaxAttempts: 1}); err != nil {
			return err
		}
		m, err := tx.ClaimOutbox(ctx, "matrix", tx.Now(), tx.Now().Add(1e9))
		if err != nil {
			return err
		}
		id = m.ID
		_, err = tx.FinishOutbox(ctx, m.ID, "matrix", parcours.OutboxFailed, "refused", tx.Now(), tx.Now())
		return err
	})
	if err != nil {
		f.e.T.Fatal(err)
	}
	return id
}

func init() {
	settings := "the organisation's messaging settings: no person's file"
	list := "the outbox list: ids, statuses and errors of the organisation's messages (recipients to admins only)"
	see := http.StatusSeeOther
	// Reminder choice: contact details of the fixture person's file.
	pfile := func(status int, overrides ...any) map[string]int {
		return all(status, append([]any{"admin", 404, "worker2", 403, "other", 404, "bg_expired", 403, "teammate", status, "bg_active", status}, overrides...)...)
	}
	addRows(
		matrixRow{Route: "GET /admin/messaging", Path: fixed("/admin/messaging"), Page: true, Want: all(http.StatusForbidden, "admin", 200), NoAudit: settings},
		matrixRow{Route: "POST /admin/messaging", Path: fixed("/admin/messaging"), Page: true,
			Body: func(f *fixture, who string) any {
				return url.Values{"smtp_host": {"smtp.exemple.test"}, "smtp_port": {"587"}, "smtp_security": {"starttls"},
					"smtp_from": {"ccas@exemple.test"}, "smtp_password_env": {"PARCOURS_SMTP_CCAS"}, "reminder_offsets": {"48; 2"}}
			},
			Want: all(http.StatusForbidden, "admin", see), Audit: []string{"org.messaging.update"}},
		matrixRow{Route: "GET /admin/outbox", Path: fixed("/admin/outbox"), Page: true,
			Want: all(http.StatusForbidden, "admin", 200, "manager", 200), NoAudit: list},
		matrixRow{Route: "POST /admin/outbox/{id}/requeue", Page: true,
			Path: func(f *fixture) string { return "/admin/outbox/" + failedMessage(f) + "/requeue" },
			Want: all(http.StatusForbidden, "admin", see), Audit: []string{"outbox.requeue"}},
		matrixRow{Route: "GET /api/v1/organization/messaging", Path: fixed("/api/v1/organization/messaging"),
			Want: all(http.StatusForbidden, "admin", 200), NoAudit: settings},
		matrixRow{Route: "PUT /api/v1/organization/messaging", Path: fixed("/api/v1/organization/messaging"),
			Body: func(f *fixture, who string) any {
				return map[string]any{"smtp_host": "smtp.exemple.test", "smtp_from": "ccas@exemple.test", "reminder_offsets_minutes": []int{2880, 120}}
			},
			Want: all(http.StatusForbidden, "admin", 200), Audit: []string{"org.messaging.update"}},
		matrixRow{Route: "GET /api/v1/outbox", Path: fixed("/api/v1/outbox"),
			Want: all(http.StatusForbidden, "admin", 200, "manager", 200), NoAudit: list},
		matrixRow{Route: "POST /api/v1/outbox/{id}/requeue",
			Path: func(f *fixture) string { return "/api/v1/outbox/" + failedMessage(f) + "/requeue" },
			Want: all(http.StatusForbidden, "admin", http.StatusNoContent), Audit: []string{"outbox.requeue"}},
		matrixRow{Route: "GET /persons/{id}/reminders", Page: true,
			Path: func(f *fixture) string { return "/persons/" + f.Person.ID + "/reminders" },
			Want: pfile(200), Audit: []string{"person.reminders.read"}, routeAudit: routeAudit{OnFile: true}},
		matrixRow{Route: "POST /persons/{id}/reminders", Page: true,
			Path: func(f *fixture) string { return "/persons/" + f.Person.ID + "/reminders" },
			Body: func(f *fixture, who string) any { return url.Values{"channel": {"sms"}, "consent": {"1"}} },
			Want: pfile(see, "reception", 403, "bg_active", 403), Audit: []string{"person.reminders.update"}, routeAudit: routeAudit{OnFile: true}},
		matrixRow{Route: "GET /api/v1/persons/{id}/reminder-preference",
			Path: func(f *fixture) string { return "/api/v1/persons/" + f.Person.ID + "/reminder-preference" },
			Want: pfile(200), Audit: []string{"person.reminders.read"}, routeAudit: routeAudit{OnFile: true}},
		matrixRow{Route: "PUT /api/v1/persons/{id}/reminder-preference",
			Path: func(f *fixture) string { return "/api/v1/persons/" + f.Person.ID + "/reminder-preference" },
			Body: func(f *fixture, who string) any { return map[string]any{"channel": "email", "consent": true} },
			Want: pfile(200, "reception", 403, "bg_active", 403), Audit: []string{"person.reminders.update"}, routeAudit: routeAudit{OnFile: true}},
	)
}
