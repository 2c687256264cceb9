package web_test

import (
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"parcours/internal/app/apptest"
	"parcours/internal/outbox"
	"parcours/internal/parcours"
	"parcours/internal/person"
	"parcours/internal/store"
)

// An invitation by e-mail: the code reaches the person's mailbox and
// opens the portal, but no copy of it stays readable in the outbox — not
// on the outbox page or API while queued, not in the stored row after
// sending. A message that failed for good loses its code too, and can't
// be sent again without it (409: a new invitation is needed).
func TestPortalInvitationMail_CodeSentButNeverKeptInTheOutbox(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		f := newFixture(t, e)
		if _, err := e.App.Persons.Update(t.Context(), e.Actor("worker"), f.Person.ID, person.Input{Email: ptr("lea.martin@exemple.test")}); err != nil {
			t.Fatal(err)
		}
		c, err := outbox.NewCatcher("127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		host, port, _ := net.SplitHostPort(c.Addr)
		p, _ := strconv.Atoi(port)
		if r := e.Do("PUT", "/api/v1/organization/messaging", "admin", map[string]any{"smtp_host": host, "smtp_port": p,
			"smtp_security": "none", "smtp_from": "ccas@ccas.test"}); r.Status != http.StatusOK {
			t.Fatalf("settings: %d %s", r.Status, r.Body)
		}
		r := e.Do("POST", "/api/v1/persons/"+f.Person.ID+"/portal-invitations", "worker", map[string]any{"channel": "email"})
		if r.Status != http.StatusCreated {
			t.Fatalf("invite: %d %s", r.Status, r.Body)
		}
		var inv struct {
			Code       string
			Sent       bool
			Invitation struct{ ID string }
		}
		r.Decode(t, &inv)
		if !inv.Sent || len(inv.Code) != 11 {
			t.Fatalf("invitation %+v", inv)
		}
		stored := func() *parcours.OutboxMessage {
			var m *parcours.OutboxMessage
			err := e.App.DB.View(t.Context(), func(tx *store.Tx) error {
				var err error
				m, err = tx.OutboxByKey(t.Context(), "portal-invitation:"+inv.Invitation.ID)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			return m
		}
		// Queued: admins see the text, with a mark where the code goes.
		if body := string(e.Do("GET", "/api/v1/outbox", "admin", nil).Body); !strings.Contains(body, "portal_invitation") || strings.Contains(body, inv.Code) {
			t.Fatalf("the outbox API shows the code (or no invitation):\n%s", body)
		}
		if body := string(e.Page("GET", "/admin/outbox", "admin", nil).Body); strings.Contains(body, inv.Code) {
			t.Fatal("the outbox page shows the code")
		}
		if m := stored(); strings.Contains(m.Body, inv.Code) || m.Secret != inv.Code {
			t.Fatalf("queued: body %q, secret kept apart %v", m.Body, m.Secret == inv.Code)
		}
		if _, err := e.App.Outbox.Deliver(t.Context(), parcours.SystemActor()); err != nil {
			t.Fatal(err)
		}
		got := c.Mail()
		if len(got) != 1 || !strings.Contains(got[0].Body, inv.Code) || got[0].To[0] != "lea.martin@exemple.test" {
			t.Fatalf("caught %+v", got)
		}
		m := stored()
		if m.Status != parcours.OutboxSent || m.Secret != "" || strings.Contains(m.Body, inv.Code) {
			t.Fatalf("sent: status %s, secret erased %v, body %q", m.Status, m.Secret == "", m.Body)
		}
		if body := string(e.Do("GET", "/api/v1/outbox", "admin", nil).Body); strings.Contains(body, inv.Code) {
			t.Fatal("the outbox API shows the code after sending")
		}
		// The mailed code opens the portal.
		b := &portalBrowser{t: t, e: e}
		if r := activate(b, inv.Code, "lea.martin"); r.Status != http.StatusSeeOther {
			t.Fatalf("activation with the mailed code: %d %s", r.Status, r.Body)
		}

		// SMTP down for good: the message fails, its code is erased, and
		// sending it again is refused.
		c.Close()
		r = e.Do("POST", "/api/v1/persons/"+f.Person.ID+"/portal-invitations", "worker", map[string]any{"channel": "email"})
		if r.Status != http.StatusCreated {
			t.Fatalf("second invite: %d %s", r.Status, r.Body)
		}
		r.Decode(t, &inv)
		e.App.Outbox.Backoff = func(int) time.Duration { return 0 } // its three tries in one run
		if _, err := e.App.Outbox.Deliver(t.Context(), parcours.SystemActor()); err != nil {
			t.Fatal(err)
		}
		m = stored()
		if m.Status != parcours.OutboxFailed || m.Secret != "" || strings.Contains(m.Body, inv.Code) {
			t.Fatalf("failed: status %s, secret erased %v", m.Status, m.Secret == "")
		}
		if r := e.Do("POST", "/api/v1/outbox/"+m.ID+"/requeue", "admin", nil); r.Status != http.StatusConflict || !strings.Contains(string(r.Body), "nouvelle invitation") {
			t.Fatalf("requeue without its code: %d %s", r.Status, r.Body)
		}
	})
}
