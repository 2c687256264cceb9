package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"parcours/internal/app/apptest"
	"parcours/internal/outbox"
	"parcours/internal/parcours"
	"parcours/internal/person"
	"parcours/internal/store"
)

// Messaging settings: an admin saves them; a variable outside
// PARCOURS_SMTP_ (which could send another secret of the server's
// environment), a bad port or an unknown placeholder is a 422 naming the
// field and changes nothing; the page form says the same in French.
func TestMessagingSettings_ValidatedAndNoOtherSecret(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		ok := e.Do("PUT", "/api/v1/organization/messaging", "admin", map[string]any{"smtp_host": "smtp.ccas.test", "smtp_port": 465,
			"smtp_security": "tls", "smtp_from": "ne-pas-repondre@ccas.test", "smtp_password_env": "PARCOURS_SMTP_CCAS",
			"sms_provider": "brevo", "sms_sender": "CCAS", "sms_token_env": "PARCOURS_SMS_BREVO",
			"reminder_offsets_minutes": []int{1440}, "reminder_sms_body": "RDV le {date} à {heure}, {lieu}."})
		if ok.Status != 200 {
			t.Fatalf("save: %d %s", ok.Status, ok.Body)
		}
		for field, body := range map[string]map[string]any{
			"smtp_password_env":   {"smtp_password_env": "PARCOURS_MASTER_KEY"},
			"sms_token_env":       {"sms_token_env": "AWS_SECRET_ACCESS_KEY"},
			"smtp_port":           {"smtp_port": 0},
			"smtp_security":       {"smtp_security": "ssl3"},
			"reminder_sms_body":   {"reminder_sms_body": "RDV pour {theme}"},
			"reminder_offsets":    {"reminder_offsets_minutes": []int{5}},
			"smtp_from":           {"smtp_from": "pas une adresse"},
			"sms_sender":          {"sms_sender": "C"},
			"reminder_email_body": {"reminder_email_body": strings.Repeat("x", 2001)},
		} {
			r := e.Do("PUT", "/api/v1/organization/messaging", "admin", body)
			if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), field) && r.ErrorCode() != "invalid" {
				t.Errorf("%s: %d %s", field, r.Status, r.Body)
			}
		}
		var got parcours.MessagingSettings
		e.Do("GET", "/api/v1/organization/messaging", "admin", nil).Decode(t, &got)
		if got.SMTPPasswordEnv != "PARCOURS_SMTP_CCAS" || got.SMTPPort != 465 || len(got.ReminderOffsets) != 1 || got.ReminderOffsets[0] != 1440 {
			t.Fatalf("settings changed by refused requests: %+v", got)
		}
		page := e.Page("POST", "/admin/messaging", "admin", url.Values{"smtp_host": {"smtp.ccas.test"}, "smtp_port": {"587"},
			"smtp_security": {"starttls"}, "smtp_from": {"a@ccas.test"}, "smtp_password_env": {"HOME"}, "reminder_offsets": {"48; 2"}})
		if page.Status != http.StatusUnprocessableEntity || !strings.Contains(string(page.Body), "PARCOURS_SMTP_") {
			t.Fatalf("form: %d", page.Status)
		}
		page = e.Page("POST", "/admin/messaging", "admin", url.Values{"smtp_host": {"smtp.ccas.test"}, "smtp_port": {"587"},
			"smtp_security": {"starttls"}, "smtp_from": {"a@ccas.test"}, "reminder_offsets": {"48; 2,5"}})
		if page.Status != http.StatusSeeOther {
			t.Fatalf("form save: %d %s", page.Status, page.Body)
		}
		e.Do("GET", "/api/v1/organization/messaging", "admin", nil).Decode(t, &got)
		if len(got.ReminderOffsets) != 2 || got.ReminderOffsets[0] != 2880 || got.ReminderOffsets[1] != 150 {
			t.Fatalf("offsets from hours: %v", got.ReminderOffsets)
		}
	})
}

// The outbox list shows admins the recipient and text, managers only the
// status, tries and error.
func TestOutboxList_NoMessageToNonAdmins(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		err := e.App.DB.Transact(t.Context(), func(tx *store.Tx) error {
			_, err := outbox.Enqueue(t.Context(), tx, outbox.Message{OrgID: e.OrgA.ID, Key: "l:1", Channel: parcours.ChannelEmail, Kind: "reminder",
				To: "jeanne@exemple.test", Subject: "Rappel", Body: "Votre rendez-vous"})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		type page struct {
			Items []parcours.OutboxMessage `json:"items"`
		}
		var a, m page
		e.Do("GET", "/api/v1/outbox", "admin", nil).Decode(t, &a)
		e.Do("GET", "/api/v1/outbox?status=queued", "manager", nil).Decode(t, &m)
		if len(a.Items) != 1 || a.Items[0].Recipient != "jeanne@exemple.test" || a.Items[0].Body == "" {
			t.Fatalf("admin: %+v", a.Items)
		}
		if len(m.Items) != 1 || m.Items[0].Recipient != "" || m.Items[0].Body != "" || m.Items[0].Status != "queued" {
			t.Fatalf("manager: %+v", m.Items)
		}
		if body := string(e.Page("GET", "/admin/outbox", "manager", nil).Body); strings.Contains(body, "jeanne@") || strings.Contains(body, "Votre rendez-vous") {
			t.Fatal("the manager's page shows the message")
		}
		if body := string(e.Page("GET", "/admin/outbox", "admin", nil).Body); !strings.Contains(body, "jeanne@exemple.test") {
			t.Fatal("the admin's page lacks the recipient")
		}
		if r := e.Do("GET", "/api/v1/outbox?status=perdu", "admin", nil); r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("bad status filter: %d", r.Status)
		}
		if r := e.Do("GET", "/api/v1/outbox", "other", nil); r.Status != http.StatusForbidden {
			t.Fatalf("other org's worker: %d", r.Status)
		}
		var o page
		e.Do("GET", "/api/v1/outbox", "admin", nil).Decode(t, &o)
		if r := e.Do("POST", "/api/v1/outbox/"+o.Items[0].ID+"/requeue", "admin", nil); r.Status != http.StatusConflict {
			t.Fatalf("requeue of a queued message: %d", r.Status)
		}
	})
}

// The person's reminder choice is recorded on the file; a channel without
// consent is refused; SMS with a landline on file warns that no SMS will
// be sent.
func TestReminderPreference_ConsentAndMobileWarning(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		p, err := e.App.Persons.Create(t.Context(), e.Actor("worker"), person.Input{BirthName: ptr("DUPONT"), FirstNames: ptr("Lina"),
			BirthDate: ptr("1985-02-03"), Sex: ptr(parcours.SexFemale), Phone: ptr("04 78 12 34 56")})
		if err != nil {
			t.Fatal(err)
		}
		path := "/api/v1/persons/" + p.ID + "/reminder-preference"
		var v outbox.PreferenceView
		e.Do("GET", path, "worker", nil).Decode(t, &v)
		if v.Preference != nil || !v.CanEdit {
			t.Fatalf("before: %+v", v)
		}
		if r := e.Do("PUT", path, "worker", map[string]any{"channel": "sms"}); r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), "accord") {
			t.Fatalf("without consent: %d %s", r.Status, r.Body)
		}
		if r := e.Do("PUT", path, "worker", map[string]any{"channel": "pigeon", "consent": true}); r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("bad channel: %d", r.Status)
		}
		r := e.Do("PUT", path, "worker", map[string]any{"channel": "sms", "consent": true, "name_service": false})
		r.Decode(t, &v)
		if r.Status != 200 || v.Preference == nil || v.Preference.Channel != "sms" || v.Preference.NameService || len(v.Warnings) != 1 || v.Warnings[0] != "outbox.warning.no_mobile" {
			t.Fatalf("sms with a landline: %d %+v", r.Status, v)
		}
		page := string(e.Page("GET", "/persons/"+p.ID+"/reminders", "worker", nil).Body)
		if !strings.Contains(page, "pas un numéro de portable") {
			t.Fatal("the page does not warn about the landline")
		}
		if r := e.Do("PUT", path, "reception", map[string]any{"channel": "none"}); r.Status != http.StatusForbidden {
			t.Fatalf("reception changes it: %d", r.Status)
		}
	})
}

// A referral to a service outside Parcours goes by e-mail through the
// outbox when the organisation's SMTP is set: once, to the service's
// address, naming the person and the reason but nothing of the extract
// (journal entries stay on the printed letter); without SMTP settings,
// nothing is queued.
func TestReferral_ExternalServiceByEmailThroughTheOutbox(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		s := newReferralSetup(t, e)
		var mailed *parcours.Service
		err := e.App.DB.Transact(t.Context(), func(tx *store.Tx) error {
			st := &parcours.Structure{Nom: "Association Budget Plus", CreatedBy: e.OrgA.ID}
			if err := tx.InsertStructure(t.Context(), st); err != nil {
				return err
			}
			mailed = &parcours.Service{StructureID: st.ID, Nom: "Point conseil budget", Thematiques: []string{"logement-hebergement--mal-loges-sans-logis"},
				CodeInsee: "69266", Commune: "Villeurbanne", ZoneDiffusionType: "departement", ZoneDiffusionCode: "69", ModesAccueil: []string{"en-presentiel"},
				Courriel: "accueil@budgetplus.test"}
			return tx.InsertService(t.Context(), mailed)
		})
		if err != nil {
			t.Fatal(err)
		}
		outboxItems := func() []parcours.OutboxMessage {
			var page struct {
				Items []parcours.OutboxMessage `json:"items"`
			}
			e.Do("GET", "/api/v1/outbox", "admin", nil).Decode(t, &page)
			return page.Items
		}
		// Without SMTP settings: the letter only.
		if r := e.Do("POST", "/api/v1/persons/"+s.Person.ID+"/referrals", "worker", s.input(mailed.ID)); r.Status != http.StatusCreated {
			t.Fatalf("referral: %d %s", r.Status, r.Body)
		}
		if n := len(outboxItems()); n != 0 {
			t.Fatalf("queued without SMTP: %d", n)
		}
		e.Do("PUT", "/api/v1/organization/messaging", "admin", map[string]any{"smtp_host": "smtp.ccas.test", "smtp_from": "ccas@ccas.test"})
		if r := e.Do("POST", "/api/v1/persons/"+s.Person.ID+"/referrals", "worker", s.input(mailed.ID)); r.Status != http.StatusCreated {
			t.Fatalf("referral: %d %s", r.Status, r.Body)
		}
		// A referral inside Parcours is not mailed.
		e.Do("POST", "/api/v1/persons/"+s.Person.ID+"/referrals", "worker", s.input(s.ServiceB.ID))
		items := outboxItems()
		if len(items) != 1 || items[0].Kind != "referral" || items[0].Recipient != "accueil@budgetplus.test" {
			t.Fatalf("outbox: %+v", items)
		}
		body := items[0].Body
		if !strings.Contains(body, "DURAND") || !strings.Contains(body, "accompagnement logement renforcé") || !strings.Contains(body, "09/03/1984") {
			t.Fatalf("body lacks who and why:\n%s", body)
		}
		for _, en := range s.Entries {
			if strings.Contains(body, en.Summary) {
				t.Fatalf("the e-mail carries a journal entry: %q", en.Summary)
			}
		}
		if strings.Contains(body, "Avis d'échéance") {
			t.Fatal("the e-mail names a document")
		}
	})
}
