// Package outboxweb serves the outgoing messages: the organisation's
// messaging settings (SMTP, SMS provider, reminder timing and texts), the
// outbox page « e-mails envoyés » (status, tries, last error; recipients
// and texts for admins only), and the person's reminder choice on the
// file. It calls the shell's exported API and the outbox service.
package outboxweb

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"parcours/internal/outbox"
	"parcours/internal/parcours"
	"parcours/internal/web"
)

// Register adds the routes of this area to the shell (see web/routes).
func Register(s *web.Server) {
	a := &area{Server: s, out: s.Services().Outbox}
	s.Schema("MessagingSettings", web.Object([]string{"organization_id", "smtp_host", "smtp_port", "smtp_security", "smtp_username",
		"smtp_from", "smtp_password_env", "sms_provider", "sms_sender", "sms_token_env", "reminder_offsets_minutes",
		"reminder_subject", "reminder_email_body", "reminder_sms_body"}, web.Schema{
		"organization_id": web.Str(), "smtp_host": web.Str(), "smtp_port": web.Integer(),
		"smtp_security": web.Enum(parcours.SMTPStartTLS, parcours.SMTPTLS, parcours.SMTPNone), "smtp_username": web.Str(),
		"smtp_from": web.Str(), "smtp_password_env": web.Str(), "sms_provider": web.Str(), "sms_sender": web.Str(),
		"sms_token_env": web.Str(), "reminder_offsets_minutes": web.ArrayOf(web.Integer()), "reminder_subject": web.Str(),
		"reminder_email_body": web.Str(), "reminder_sms_body": web.Str(), "updated_at": web.StrFmt("date-time"),
	}))
	s.Schema("MessagingSettingsInput", web.Object(nil, web.Schema{
		"smtp_host": web.Str(), "smtp_port": web.Integer(), "smtp_security": web.Enum(parcours.SMTPStartTLS, parcours.SMTPTLS, parcours.SMTPNone),
		"smtp_username": web.Str(), "smtp_from": web.Str(), "smtp_password_env": web.Str(), "sms_provider": web.Str(),
		"sms_sender": web.Str(), "sms_token_env": web.Str(), "reminder_offsets_minutes": web.ArrayOf(web.Integer()),
		"reminder_subject": web.Str(), "reminder_email_body": web.Str(), "reminder_sms_body": web.Str(),
	}))
	s.Schema("OutboxMessage", web.Object([]string{"id", "organization_id", "channel", "kind", "status", "attempts", "max_attempts",
		"next_attempt_at", "created_at"}, web.Schema{
		"id": web.Str(), "organization_id": web.Str(), "channel": web.Enum(parcours.ChannelEmail, parcours.ChannelSMS), "kind": web.Str(),
		"person_id": web.Str(), "recipient": web.Str(), "subject": web.Str(), "body": web.Str(),
		"status":   web.Enum(parcours.OutboxQueued, parcours.OutboxSending, parcours.OutboxSent, parcours.OutboxFailed, parcours.OutboxUncertain, parcours.OutboxCancelled),
		"attempts": web.Integer(), "max_attempts": web.Integer(), "next_attempt_at": web.StrFmt("date-time"), "last_error": web.Str(),
		"created_at": web.StrFmt("date-time"), "sent_at": web.StrFmt("date-time"),
	}))
	s.Schema("ReminderPreference", web.Object([]string{"person_id", "channel", "consent", "name_service"}, web.Schema{
		"person_id": web.Str(), "channel": web.Enum(parcours.ChannelEmail, parcours.ChannelSMS, parcours.ChannelNone),
		"consent": web.Boolean(), "name_service": web.Boolean(), "recorded_by": web.Str(), "recorded_at": web.StrFmt("date-time"),
	}))
	s.Schema("ReminderPreferenceView", web.Object([]string{"person_id", "preference", "warnings", "can_edit"}, web.Schema{
		"person_id": web.Str(), "preference": web.Schema{"oneOf": []any{web.Ref("ReminderPreference"), web.Schema{"type": "null"}}},
		"warnings": web.ArrayOf(web.Str()), "can_edit": web.Boolean(),
	}))
	s.Schema("ReminderPreferenceInput", web.Object([]string{"channel"}, web.Schema{
		"channel": web.Enum(parcours.ChannelEmail, parcours.ChannelSMS, parcours.ChannelNone), "consent": web.Boolean(), "name_service": web.Boolean(),
	}))

	s.Handle("GET", "/admin/messaging", web.Page, a.settingsPage, nil)
	s.Handle("POST", "/admin/messaging", web.Page, a.settingsSave, nil)
	s.Handle("GET", "/admin/outbox", web.Page, a.outboxPage, nil)
	s.Handle("POST", "/admin/outbox/{id}/requeue", web.Page, a.requeuePage, nil)
	s.Handle("GET", "/persons/{id}/reminders", web.Page, a.preferencePage, nil)
	s.Handle("POST", "/persons/{id}/reminders", web.Page, a.preferenceSave, nil)

	s.Handle("GET", "/api/v1/organization/messaging", web.API, a.apiSettings,
		&web.Op{ID: "getMessagingSettings", Summary: "The organisation's e-mail (SMTP) and SMS settings and its appointment reminders' timing and texts (admins); secrets are never stored, only the names of the environment variables holding them", Tag: "admin", Response: "MessagingSettings"})
	s.Handle("PUT", "/api/v1/organization/messaging", web.API, a.apiSettingsPut,
		&web.Op{ID: "updateMessagingSettings", Summary: "Change the messaging settings (admins); environment variable names must start with PARCOURS_SMTP_ / PARCOURS_SMS_", Tag: "admin",
			Request: "MessagingSettingsInput", Response: "MessagingSettings"})
	s.Handle("GET", "/api/v1/outbox", web.API, a.apiOutbox,
		&web.Op{ID: "listOutbox", Summary: "The organisation's outgoing e-mails and SMS, newest first, paginated (next_cursor) (admins and managers; recipients and texts for admins only)", Tag: "admin",
			Response: "OutboxMessage", List: true, Query: append([]web.Param{{Name: "status", Description: "queued, sending, sent, failed, uncertain or cancelled", Type: "string"}}, web.PageParams...)})
	s.Handle("POST", "/api/v1/outbox/{id}/requeue", web.API, a.apiRequeue,
		&web.Op{ID: "requeueOutboxMessage", Summary: "Send a failed or uncertain message again (admins)", Tag: "admin", Status: http.StatusNoContent})
	s.Handle("GET", "/api/v1/persons/{id}/reminder-preference", web.API, a.apiPreference,
		&web.Op{ID: "getReminderPreference", Summary: "The person's choice about appointment reminders (channel, consent) and its warnings", Tag: "persons", Response: "ReminderPreferenceView"})
	s.Handle("PUT", "/api/v1/persons/{id}/reminder-preference", web.API, a.apiPreferencePut,
		&web.Op{ID: "setReminderPreference", Summary: "Record the person's choice about appointment reminders; a channel other than none needs consent", Tag: "persons",
			Request: "ReminderPreferenceInput", Response: "ReminderPreferenceView"})
}

type area struct {
	*web.Server
	out *outbox.Service
}

// settingsForm is the settings as the form shows them.
func settingsForm(s *parcours.MessagingSettings) map[string]string {
	offs := make([]string, len(s.ReminderOffsets))
	for i, o := range s.ReminderOffsets {
		offs[i] = hours(o)
	}
	return map[string]string{"smtp_host": s.SMTPHost, "smtp_port": strconv.Itoa(s.SMTPPort), "smtp_security": s.SMTPSecurity,
		"smtp_username": s.SMTPUsername, "smtp_from": s.SMTPFrom, "smtp_password_env": s.SMTPPasswordEnv,
		"sms_provider": s.SMSProvider, "sms_sender": s.SMSSender, "sms_token_env": s.SMSTokenEnv,
		"reminder_offsets": strings.Join(offs, "; "), "reminder_subject": s.ReminderSubject,
		"reminder_email_body": s.ReminderEmail, "reminder_sms_body": s.ReminderSMS}
}

// hours writes minutes as the form's hours ("48", "1.5").
func hours(m int) string {
	if m%60 == 0 {
		return strconv.Itoa(m / 60)
	}
	return strings.ReplaceAll(strconv.FormatFloat(float64(m)/60, 'f', -1, 64), ".", ",")
}

type settingsPage struct {
	Settings     *parcours.MessagingSettings
	Placeholders []string
	Defaults     map[string]string
}

func (a *area) renderSettings(w http.ResponseWriter, r *http.Request, status int, pd *web.PageData) error {
	set, err := a.out.Settings(r.Context(), web.MustActor(r))
	if err != nil {
		return err
	}
	if pd.Form == nil {
		pd.Form = settingsForm(set)
	}
	lang := web.Lang(r)
	pd.Title = "page.admin.messaging"
	pd.Data = settingsPage{Settings: set, Placeholders: outbox.Placeholders, Defaults: map[string]string{
		"reminder_subject": outbox.DefaultText(lang, "subject"), "reminder_email_body": outbox.DefaultText(lang, "email"),
		"reminder_sms_body": outbox.DefaultText(lang, "sms")}}
	return a.Render(w, r, status, "admin_messaging.html", pd)
}

func (a *area) settingsPage(w http.ResponseWriter, r *http.Request) error {
	pd := &web.PageData{}
	if r.URL.Query().Get("done") != "" {
		pd.Flash = "page.admin.messaging_saved"
	}
	return a.renderSettings(w, r, http.StatusOK, pd)
}

var settingsFields = []string{"smtp_host", "smtp_port", "smtp_security", "smtp_username", "smtp_from", "smtp_password_env",
	"sms_provider", "sms_sender", "sms_token_env", "reminder_offsets", "reminder_subject", "reminder_email_body", "reminder_sms_body"}

func (a *area) settingsSave(w http.ResponseWriter, r *http.Request) error {
	actor := web.MustActor(r)
	form := map[string]string{}
	for _, f := range settingsFields {
		form[f] = r.PostFormValue(f)
	}
	in, perr := formSettings(form)
	var err error
	if perr == nil {
		_, err = a.out.SaveSettings(r.Context(), actor, in)
	} else if err = a.checkAdmin(r); err == nil {
		err = perr
	}
	if err == nil {
		http.Redirect(w, r, "/admin/messaging?done=1", http.StatusSeeOther)
		return nil
	}
	pd := &web.PageData{Form: form}
	if _, ok := web.FormErrors(web.Lang(r), err, pd); !ok {
		return err
	}
	return a.renderSettings(w, r, web.StatusOf(parcours.ErrorCode(err)), pd)
}

// checkAdmin refuses a form a non-admin sent, before its fields are
// judged (a malformed number is not news for them).
func (a *area) checkAdmin(r *http.Request) error {
	_, err := a.out.Settings(r.Context(), web.MustActor(r))
	return err
}

// formSettings reads the settings form: port a number, offsets hours
// separated by commas.
func formSettings(f map[string]string) (outbox.SettingsInput, error) {
	var p parcours.Problems
	in := outbox.SettingsInput{}
	for k, dst := range map[string]**string{"smtp_host": &in.SMTPHost, "smtp_security": &in.SMTPSecurity, "smtp_username": &in.SMTPUsername,
		"smtp_from": &in.SMTPFrom, "smtp_password_env": &in.SMTPPasswordEnv, "sms_provider": &in.SMSProvider, "sms_sender": &in.SMSSender,
		"sms_token_env": &in.SMSTokenEnv, "reminder_subject": &in.ReminderSubject, "reminder_email_body": &in.ReminderEmail,
		"reminder_sms_body": &in.ReminderSMS} {
		v := f[k]
		*dst = &v
	}
	port, err := strconv.Atoi(strings.TrimSpace(f["smtp_port"]))
	if err != nil {
		p.Add("smtp_port", "outbox.error.port")
	}
	in.SMTPPort = &port
	offs := []int{}
	// « ; » separates the delays: the comma is the French decimal mark.
	for _, h := range strings.Split(f["reminder_offsets"], ";") {
		h = strings.TrimSpace(strings.ReplaceAll(strings.TrimSuffix(strings.TrimSpace(h), "h"), ",", "."))
		if h == "" {
			continue
		}
		v, err := strconv.ParseFloat(h, 64)
		if err != nil {
			p.Add("reminder_offsets", "outbox.error.offsets")
			break
		}
		offs = append(offs, int(v*60+0.5))
	}
	in.ReminderOffsets = &offs
	return in, p.Err()
}

type outboxPage struct {
	Messages []*parcours.OutboxMessage
	Counts   map[string]int
	Status   string
	Statuses []string
	Admin    bool
	// First and Next are the links to the first and next pages, the
	// status filter kept ("" when there is none).
	First, Next string
}

// outboxPageSize is the page's size: a day of reminders of a CCAS.
const outboxPageSize = 50

// outboxLink is the page's address for status and cursor.
func outboxLink(status, cursor string) string {
	v := url.Values{}
	if status != "" {
		v.Set("status", status)
	}
	if cursor != "" {
		v.Set("cursor", cursor)
	}
	if len(v) == 0 {
		return "/admin/outbox"
	}
	return "/admin/outbox?" + v.Encode()
}

func (a *area) outboxPage(w http.ResponseWriter, r *http.Request) error {
	actor := web.MustActor(r)
	q := r.URL.Query()
	status, cursor := q.Get("status"), q.Get("cursor")
	page, counts, err := a.out.Messages(r.Context(), actor, outbox.MessagesQuery{Status: status, Cursor: cursor, Limit: outboxPageSize})
	if err != nil {
		return err
	}
	d := outboxPage{Messages: page.Items, Counts: counts, Status: status,
		Statuses: []string{parcours.OutboxQueued, parcours.OutboxSent, parcours.OutboxFailed, parcours.OutboxUncertain, parcours.OutboxCancelled},
		Admin:    actor.Role == parcours.RoleAdmin}
	if page.NextCursor != "" {
		d.Next = outboxLink(status, page.NextCursor)
	}
	if cursor != "" {
		d.First = outboxLink(status, "")
	}
	pd := &web.PageData{Title: "page.admin.outbox", Data: d}
	if r.URL.Query().Get("done") != "" {
		pd.Flash = "page.admin.outbox_requeued"
	}
	return a.Render(w, r, http.StatusOK, "admin_outbox.html", pd)
}

func (a *area) requeuePage(w http.ResponseWriter, r *http.Request) error {
	if err := a.out.Requeue(r.Context(), web.MustActor(r), r.PathValue("id")); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/outbox?done=1", http.StatusSeeOther)
	return nil
}

func (a *area) preferencePage(w http.ResponseWriter, r *http.Request) error {
	v, err := a.out.ReminderPreference(r.Context(), web.MustActor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	pd := &web.PageData{Title: "page.reminders.title", Data: v, Form: preferenceForm(v)}
	if r.URL.Query().Get("done") != "" {
		pd.Flash = "page.reminders.saved"
	}
	return a.Render(w, r, http.StatusOK, "reminder_preference.html", pd)
}

func preferenceForm(v *outbox.PreferenceView) map[string]string {
	f := map[string]string{"channel": parcours.ChannelNone, "name_service": "1"}
	if p := v.Preference; p != nil {
		f["channel"] = p.Channel
		f["consent"] = map[bool]string{true: "1"}[p.Consent]
		f["name_service"] = map[bool]string{true: "1"}[p.NameService]
	}
	return f
}

func (a *area) preferenceSave(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	in := outbox.PreferenceInput{Channel: r.PostFormValue("channel"), Consent: r.PostFormValue("consent") != "",
		NameService: r.PostFormValue("name_service") != ""}
	_, err := a.out.SetReminderPreference(r.Context(), web.MustActor(r), id, in)
	if err == nil {
		http.Redirect(w, r, "/persons/"+id+"/reminders?done=1", http.StatusSeeOther)
		return nil
	}
	pd := &web.PageData{Title: "page.reminders.title", Form: map[string]string{"channel": in.Channel,
		"consent": map[bool]string{true: "1"}[in.Consent], "name_service": map[bool]string{true: "1"}[in.NameService]}}
	if _, ok := web.FormErrors(web.Lang(r), err, pd); !ok {
		return err
	}
	v, verr := a.out.ReminderPreference(r.Context(), web.MustActor(r), id)
	if verr != nil {
		return verr
	}
	pd.Data = v
	return a.Render(w, r, web.StatusOf(parcours.ErrorCode(err)), "reminder_preference.html", pd)
}

func (a *area) apiSettings(w http.ResponseWriter, r *http.Request) error {
	set, err := a.out.Settings(r.Context(), web.MustActor(r))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, set)
	return nil
}

type settingsInput struct {
	SMTPHost        *string `json:"smtp_host"`
	SMTPPort        *int    `json:"smtp_port"`
	SMTPSecurity    *string `json:"smtp_security"`
	SMTPUsername    *string `json:"smtp_username"`
	SMTPFrom        *string `json:"smtp_from"`
	SMTPPasswordEnv *string `json:"smtp_password_env"`
	SMSProvider     *string `json:"sms_provider"`
	SMSSender       *string `json:"sms_sender"`
	SMSTokenEnv     *string `json:"sms_token_env"`
	ReminderOffsets *[]int  `json:"reminder_offsets_minutes"`
	ReminderSubject *string `json:"reminder_subject"`
	ReminderEmail   *string `json:"reminder_email_body"`
	ReminderSMS     *string `json:"reminder_sms_body"`
}

func (a *area) apiSettingsPut(w http.ResponseWriter, r *http.Request) error {
	var in settingsInput
	if err := a.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	set, err := a.out.SaveSettings(r.Context(), web.MustActor(r), outbox.SettingsInput{SMTPHost: in.SMTPHost, SMTPPort: in.SMTPPort,
		SMTPSecurity: in.SMTPSecurity, SMTPUsername: in.SMTPUsername, SMTPFrom: in.SMTPFrom, SMTPPasswordEnv: in.SMTPPasswordEnv,
		SMSProvider: in.SMSProvider, SMSSender: in.SMSSender, SMSTokenEnv: in.SMSTokenEnv, ReminderOffsets: in.ReminderOffsets,
		ReminderSubject: in.ReminderSubject, ReminderEmail: in.ReminderEmail, ReminderSMS: in.ReminderSMS})
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, set)
	return nil
}

func (a *area) apiOutbox(w http.ResponseWriter, r *http.Request) error {
	cursor, limit, err := web.PageArgs(r)
	if err != nil {
		return err
	}
	page, _, err := a.out.Messages(r.Context(), web.MustActor(r), outbox.MessagesQuery{Status: r.URL.Query().Get("status"), Cursor: cursor, Limit: limit})
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, page)
	return nil
}

func (a *area) apiRequeue(w http.ResponseWriter, r *http.Request) error {
	if err := a.out.Requeue(r.Context(), web.MustActor(r), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *area) apiPreference(w http.ResponseWriter, r *http.Request) error {
	v, err := a.out.ReminderPreference(r.Context(), web.MustActor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, v)
	return nil
}

type preferenceInput struct {
	Channel     string `json:"channel"`
	Consent     bool   `json:"consent"`
	NameService *bool  `json:"name_service"`
}

func (a *area) apiPreferencePut(w http.ResponseWriter, r *http.Request) error {
	var in preferenceInput
	if err := a.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	ns := in.NameService == nil || *in.NameService
	v, err := a.out.SetReminderPreference(r.Context(), web.MustActor(r), r.PathValue("id"),
		outbox.PreferenceInput{Channel: in.Channel, Consent: in.Consent, NameService: ns})
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, v)
	return nil
}
