package web_test

import (
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"parcours/internal/app/apptest"
	"parcours/internal/messaging"
	"parcours/internal/outbox"
	"parcours/internal/parcours"
	"parcours/internal/store"
)

// Notices of new replies (portal): the person opts in with an address of
// their own, sees and withdraws it; a worker's reply queues one e-mail
// per burst, saying only that a reply is waiting. Through the real
// handlers and database, on both backends.

// replyNotices returns the outbox's reply notices of the organisation.
func replyNotices(t *testing.T, e *apptest.Env, orgID string) []*parcours.OutboxMessage {
	t.Helper()
	var out []*parcours.OutboxMessage
	if err := e.App.DB.View(t.Context(), func(tx *store.Tx) error {
		all, err := tx.ListOutbox(t.Context(), store.OutboxFilter{OrgID: orgID, Limit: 1000})
		for _, m := range all {
			if m.Kind == parcours.ReplyNoticeKind {
				out = append(out, m)
			}
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// smtpReady points the organisation's e-mail at a catcher.
func smtpReady(t *testing.T, e *apptest.Env) *outbox.Catcher {
	t.Helper()
	c, err := outbox.NewCatcher("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	host, port, _ := net.SplitHostPort(c.Addr)
	p, _ := strconv.Atoi(port)
	if r := e.Do("PUT", "/api/v1/organization/messaging", "admin", map[string]any{"smtp_host": host, "smtp_port": p,
		"smtp_security": "none", "smtp_from": "ccas@ccas.test"}); r.Status != http.StatusOK {
		t.Fatalf("settings: %d %s", r.Status, r.Body)
	}
	return c
}

// actionsSince lists the audit actions recorded after seq.
func actionsSince(t *testing.T, e *apptest.Env, seq int64) []string {
	t.Helper()
	var out []string
	for _, ev := range auditSince(t, e, seq) {
		out = append(out, ev.Action)
	}
	return out
}

func countOf(list []string, v string) int {
	n := 0
	for _, s := range list {
		if s == v {
			n++
		}
	}
	return n
}

func TestPortalReplyNotice_OptInOneNoticePerBurstWithoutContentAndWithdrawal(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		f := newFixture(t, e)
		freshAcc(f) // "worker" is the person's referent
		person := pfx(f).Person.ID
		org := f.Person.OrgID
		const address = "lea.martin@exemple.test"
		catcher := smtpReady(t, e)

		// The person writes; the referent's replies are what is told.
		var th parcours.Thread
		if r := portalDo(t, e, person, "POST", "/api/v1/moi/threads", map[string]any{"subject": "Mon dossier RSA", "body": "Bonjour, où en est mon dossier ?"}); r.Status != http.StatusCreated {
			t.Fatalf("the person's thread: %d %s", r.Status, r.Body)
		} else {
			r.Decode(t, &th)
		}
		reply := func(body string) {
			t.Helper()
			if r := e.Do("POST", "/api/v1/threads/"+th.ID+"/messages", "worker", map[string]any{"body": body}); r.Status != http.StatusCreated {
				t.Fatalf("the referent's reply: %d %s", r.Status, r.Body)
			}
		}
		stored := func() parcours.ReplyNotice {
			t.Helper()
			var n parcours.ReplyNotice
			portalDo(t, e, person, "GET", "/api/v1/moi/reply-notice", nil).Decode(t, &n)
			return n
		}

		// No opt-in: no notice, and the page says so.
		reply("Votre dossier est complet.")
		if n := replyNotices(t, e, org); len(n) != 0 {
			t.Fatalf("a notice without opt-in: %d", len(n))
		}
		page := portalDo(t, e, person, "GET", "/moi/avis", nil)
		if page.Status != http.StatusOK || !strings.Contains(string(page.Body), "Vous n&#39;êtes pas prévenu·e par e-mail") ||
			!strings.Contains(string(page.Body), "Vous avez reçu une réponse de votre référent·e sur Parcours") ||
			!strings.Contains(string(page.Body), `name="consent"`) {
			t.Fatalf("the notice page before opting in: %d %s", page.Status, page.Body)
		}
		if r := portalDo(t, e, person, "GET", "/moi/messages", nil); !strings.Contains(string(r.Body), `href="/moi/avis"`) {
			t.Errorf("the messages page does not lead to the choice")
		}

		// Bad input: a French 4xx naming the field, nothing changed,
		// nothing audited.
		before := lastSeq(t, e)
		for _, tc := range []struct {
			form    url.Values
			field   string
			message string
		}{
			{url.Values{"email": {"pas-une-adresse"}, "consent": {"1"}}, "email", "adresse e-mail valide"},
			{url.Values{"email": {""}, "consent": {"1"}}, "email", "est obligatoire"},
			{url.Values{"email": {address}}, "consent", "Cochez la case"},
		} {
			r := portalDo(t, e, person, "POST", "/moi/avis", tc.form)
			if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), `id="e-`+tc.field+`"`) || !strings.Contains(string(r.Body), tc.message) {
				t.Errorf("bad %s: %d %s", tc.field, r.Status, r.Body)
			}
		}
		if r := portalDo(t, e, person, "PUT", "/api/v1/moi/reply-notice", map[string]any{"email": "lea@", "consent": true}); r.Status != http.StatusUnprocessableEntity ||
			!strings.Contains(string(r.Body), "adresse e-mail valide") {
			t.Errorf("API, bad address: %d %s", r.Status, r.Body)
		}
		if n := stored(); n.Email != "" || !n.ConsentAt.IsZero() {
			t.Fatalf("a refused choice was stored: %+v", n)
		}
		if acts := actionsSince(t, e, before); countOf(acts, "portal.notice.set") != 0 {
			t.Errorf("a refused choice was audited: %v", acts)
		}

		// Opt-in: stored with its consent date, audited, shown.
		before = lastSeq(t, e)
		if r := portalDo(t, e, person, "POST", "/moi/avis", url.Values{"email": {" " + address + " "}, "consent": {"1"}}); r.Status != http.StatusSeeOther ||
			r.Header.Get("Location") != "/moi/avis?done=on" {
			t.Fatalf("opt-in: %d %s", r.Status, r.Body)
		}
		if n := stored(); n.Email != address || n.ConsentAt.IsZero() {
			t.Fatalf("after opting in: %+v", n)
		}
		if acts := actionsSince(t, e, before); countOf(acts, "portal.notice.set") != 1 {
			t.Errorf("opt-in audit: %v", acts)
		}
		if page := portalDo(t, e, person, "GET", "/moi/avis?done=on", nil); !strings.Contains(string(page.Body), address) ||
			!strings.Contains(string(page.Body), `action="/moi/avis/retrait"`) {
			t.Errorf("the page does not show the choice: %s", page.Body)
		}

		// A bad change leaves the address given before.
		if r := portalDo(t, e, person, "POST", "/moi/avis", url.Values{"email": {"autre@"}, "consent": {"1"}}); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("bad change: %d", r.Status)
		}
		if n := stored(); n.Email != address {
			t.Errorf("a refused change changed the address: %+v", n)
		}

		// The workers never see it: not in the accounts, not in their copy.
		for _, path := range []string{"/api/v1/persons/" + f.Person.ID + "/portal-accounts", "/api/v1/persons/" + f.Person.ID + "/export"} {
			if r := e.Do("GET", path, "worker", nil); r.Status != http.StatusOK || strings.Contains(string(r.Body), address) {
				t.Errorf("a worker reads the address at %s: %d", path, r.Status)
			}
		}
		if r := e.Page("GET", "/persons/"+f.Person.ID+"/portal", "worker", nil); strings.Contains(string(r.Body), address) {
			t.Errorf("the workers' portal page shows the address")
		}

		// A reply: exactly one notice, to the address, with nothing of
		// the message, the thread, the referent or the structure;
		// audited.
		before = lastSeq(t, e)
		const secret = "Votre RSA est suspendu, rappelez Mme Dupont au CCAS."
		reply(secret)
		notices := replyNotices(t, e, org)
		if len(notices) != 1 {
			t.Fatalf("one reply: %d notices, want 1", len(notices))
		}
		m := notices[0]
		if m.Recipient != address || m.Channel != parcours.ChannelEmail || m.Subject != messaging.NoticeSubject || m.PersonID != f.Person.ID {
			t.Errorf("notice: to %q by %s, subject %q", m.Recipient, m.Channel, m.Subject)
		}
		for _, leak := range []string{secret, "RSA", th.Subject, e.Workers["worker"].LastName, e.OrgA.Name, e.TeamA.Name, "Dupont"} {
			if strings.Contains(m.Subject+m.Body, leak) {
				t.Errorf("the notice carries %q:\n%s\n%s", leak, m.Subject, m.Body)
			}
		}
		if !strings.Contains(m.Body, "Vous avez reçu une réponse de votre référent·e sur Parcours") || !strings.Contains(m.Body, "/moi/messages") {
			t.Errorf("the notice does not say a reply is waiting, and where: %s", m.Body)
		}
		if acts := actionsSince(t, e, before); countOf(acts, "thread.notice") != 1 {
			t.Errorf("queuing audit: %v", acts)
		}
		// Not even the admins' outbox shows where it goes.
		if r := e.Do("GET", "/api/v1/outbox", "admin", nil); r.Status != http.StatusOK || strings.Contains(string(r.Body), address) ||
			!strings.Contains(string(r.Body), parcours.ReplyNoticeKind) {
			t.Errorf("the outbox API shows the address (or no notice): %d", r.Status)
		}
		if r := e.Page("GET", "/admin/outbox", "admin", nil); r.Status != http.StatusOK || strings.Contains(string(r.Body), address) {
			t.Errorf("the outbox page shows the address: %d", r.Status)
		}

		// A second reply within the hour: no second notice.
		reply("Et n'oubliez pas votre avis d'imposition.")
		if n := replyNotices(t, e, org); len(n) != 1 {
			t.Fatalf("a burst of replies: %d notices, want 1", len(n))
		}

		// Sent as queued: the mailbox receives that sentence only.
		if _, err := e.App.Outbox.Deliver(t.Context(), parcours.SystemActor()); err != nil {
			t.Fatal(err)
		}
		got := catcher.Mail()
		if len(got) != 1 || got[0].To[0] != address || strings.Contains(got[0].Body, "RSA") || !strings.Contains(got[0].Body, "/moi/messages") {
			t.Fatalf("caught %+v", got)
		}

		// The person's copy from the portal carries the address and the
		// date of consent.
		var x struct {
			Notice *parcours.ReplyNotice `json:"portal_reply_notice"`
		}
		portalDo(t, e, person, "GET", "/api/v1/moi/export", nil).Decode(t, &x)
		if x.Notice == nil || x.Notice.Email != address || x.Notice.ConsentAt.IsZero() {
			t.Errorf("the portal's copy: %+v", x.Notice)
		}

		// An hour later, a new reply is told again.
		now := e.App.DB.Now
		t.Cleanup(func() { e.App.DB.Now = now })
		e.App.DB.Now = func() time.Time { return now().Add(parcours.ReplyNoticeWindow + time.Minute) }
		reply("Le dossier est parti à la CAF.")
		if n := replyNotices(t, e, org); len(n) != 2 {
			t.Fatalf("a reply after the hour: %d notices, want 2", len(n))
		}

		// Withdrawal: the address is deleted (audited), the notice still
		// queued is dropped, and no reply is told any more.
		before = lastSeq(t, e)
		if r := portalDo(t, e, person, "POST", "/moi/avis/retrait", nil); r.Status != http.StatusSeeOther {
			t.Fatalf("withdrawal: %d %s", r.Status, r.Body)
		}
		if n := stored(); n.Email != "" || !n.ConsentAt.IsZero() {
			t.Fatalf("after withdrawal: %+v", n)
		}
		var kept string
		if err := e.App.DB.SQL().QueryRow(rebind(e, "SELECT notice_email FROM portal_accounts WHERE id = ?"), person).Scan(&kept); err != nil {
			t.Fatal(err)
		}
		if kept != "" {
			t.Errorf("the withdrawn address is still stored: %q", kept)
		}
		if acts := actionsSince(t, e, before); countOf(acts, "portal.notice.remove") != 1 {
			t.Errorf("withdrawal audit: %v", acts)
		}
		status := map[string]int{}
		for _, m := range replyNotices(t, e, org) {
			status[m.Status]++
			if m.Recipient != "" {
				t.Errorf("a %s notice keeps the withdrawn address", m.Status)
			}
		}
		if status[parcours.OutboxSent] != 1 || status[parcours.OutboxCancelled] != 1 || len(status) != 2 {
			t.Errorf("after withdrawal: notices by status %v, want the sent one and the queued one cancelled", status)
		}
		e.App.DB.Now = func() time.Time { return now().Add(3 * parcours.ReplyNoticeWindow) }
		reply("Avez-vous reçu le courrier ?")
		if n := replyNotices(t, e, org); len(n) != 2 {
			t.Fatalf("a reply after withdrawal: %d notices, want 2 (those before)", len(n))
		}
		if _, err := e.App.Outbox.Deliver(t.Context(), parcours.SystemActor()); err != nil {
			t.Fatal(err)
		}
		if got := catcher.Mail(); len(got) != 1 {
			t.Errorf("after withdrawal %d e-mails were sent in all, want the 1 before", len(got))
		}
		if page := portalDo(t, e, person, "GET", "/moi/avis?done=off", nil); strings.Contains(string(page.Body), address) ||
			!strings.Contains(string(page.Body), "votre adresse est effacée") {
			t.Errorf("the page after withdrawal: %s", page.Body)
		}
		x.Notice = nil
		portalDo(t, e, person, "GET", "/api/v1/moi/export", nil).Decode(t, &x)
		if x.Notice != nil {
			t.Errorf("the copy after withdrawal still has %+v", x.Notice)
		}
	})
}

// No notice when the organisation's e-mail is not set up, even with the
// person's consent; and the person's own messages tell nobody by e-mail.
func TestPortalReplyNotice_NoneWithoutMailerNorForThePersonsOwnMessages(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		f := newFixture(t, e)
		freshAcc(f)
		person := pfx(f).Person.ID
		if r := portalDo(t, e, person, "PUT", "/api/v1/moi/reply-notice", map[string]any{"email": "lea.martin@exemple.test", "consent": true}); r.Status != http.StatusOK {
			t.Fatalf("opt-in by the API: %d %s", r.Status, r.Body)
		}
		var th parcours.Thread
		portalDo(t, e, person, "POST", "/api/v1/moi/threads", map[string]any{"subject": "Question", "body": "Bonjour."}).Decode(t, &th)
		if r := e.Do("POST", "/api/v1/threads/"+th.ID+"/messages", "worker", map[string]any{"body": "Bonjour Madame."}); r.Status != http.StatusCreated {
			t.Fatalf("reply: %d %s", r.Status, r.Body)
		}
		if n := replyNotices(t, e, f.Person.OrgID); len(n) != 0 {
			t.Fatalf("a notice without an e-mail server: %d", len(n))
		}
		smtpReady(t, e)
		if r := portalDo(t, e, person, "POST", "/api/v1/moi/threads/"+th.ID+"/messages", map[string]any{"body": "Merci."}); r.Status != http.StatusCreated {
			t.Fatalf("the person's message: %d %s", r.Status, r.Body)
		}
		if n := replyNotices(t, e, f.Person.OrgID); len(n) != 0 {
			t.Fatalf("the person's own message told them: %d", len(n))
		}
		if r := portalDo(t, e, person, "DELETE", "/api/v1/moi/reply-notice", nil); r.Status != http.StatusNoContent {
			t.Fatalf("withdrawal by the API: %d %s", r.Status, r.Body)
		}
		if r := e.Do("POST", "/api/v1/threads/"+th.ID+"/messages", "worker", map[string]any{"body": "Bonne journée."}); r.Status != http.StatusCreated {
			t.Fatalf("reply: %d %s", r.Status, r.Body)
		}
		if n := replyNotices(t, e, f.Person.OrgID); len(n) != 0 {
			t.Fatalf("a notice after withdrawal: %d", len(n))
		}

		// A delegate gives their own address; once their access is
		// closed it is gone, and they are told nothing.
		delegate := pfx(f).Delegate.ID
		if r := portalDo(t, e, delegate, "PUT", "/api/v1/moi/reply-notice", map[string]any{"email": "paul.martin@exemple.test", "consent": true}); r.Status != http.StatusOK {
			t.Fatalf("the delegate's opt-in: %d %s", r.Status, r.Body)
		}
		if r := e.Do("POST", "/api/v1/persons/"+f.Person.ID+"/portal-accounts/"+delegate+"/revoke", "worker", nil); r.Status != http.StatusNoContent {
			t.Fatalf("revoke: %d %s", r.Status, r.Body)
		}
		var kept string
		if err := e.App.DB.SQL().QueryRow(rebind(e, "SELECT notice_email FROM portal_accounts WHERE id = ?"), delegate).Scan(&kept); err != nil || kept != "" {
			t.Errorf("a closed account keeps its address: %q %v", kept, err)
		}
		if r := e.Do("POST", "/api/v1/threads/"+th.ID+"/messages", "worker", map[string]any{"body": "Au revoir."}); r.Status != http.StatusCreated {
			t.Fatalf("reply: %d %s", r.Status, r.Body)
		}
		if n := replyNotices(t, e, f.Person.OrgID); len(n) != 0 {
			t.Fatalf("a notice to a closed account: %d", len(n))
		}
	})
}
