package outbox

import (
	"context"
	"errors"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"parcours/internal/access"
	"parcours/internal/audit"
	"parcours/internal/parcours"
	"parcours/internal/store"
)

// Settings returns the messaging settings of the actor's organisation
// (admins).
func (s *Service) Settings(ctx context.Context, actor parcours.Actor) (*parcours.MessagingSettings, error) {
	if err := access.Check(actor, access.OrgManage, access.Target{OrgID: actor.OrgID}); err != nil {
		return nil, err
	}
	var set *parcours.MessagingSettings
	err := s.db.View(ctx, func(tx *store.Tx) error {
		var err error
		set, err = tx.MessagingSettings(ctx, actor.OrgID)
		return err
	})
	return set, err
}

// SettingsInput changes messaging settings; nil leaves a setting as it is.
type SettingsInput struct {
	SMTPHost, SMTPSecurity, SMTPUsername, SMTPFrom, SMTPPasswordEnv *string
	SMTPPort                                                        *int
	SMSProvider, SMSSender, SMSTokenEnv                             *string
	ReminderOffsets                                                 *[]int
	ReminderSubject, ReminderEmail, ReminderSMS                     *string
}

// Environment variables a setting may name: only Parcours's own SMTP and
// SMS ones, so that an admin cannot have the server send another secret
// of its environment (the master key, a database password) to an SMTP
// server of their choosing.
var (
	smtpEnvName = regexp.MustCompile(`^PARCOURS_SMTP_[A-Z0-9_]{1,64}$`)
	smsEnvName  = regexp.MustCompile(`^PARCOURS_SMS_[A-Z0-9_]{1,64}$`)
	hostName    = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9.-]{0,252}[A-Za-z0-9])?$`)
	smsSender   = regexp.MustCompile(`^[A-Za-z0-9]{3,11}$`)
	placeholder = regexp.MustCompile(`\{[^{}]*\}`)
)

// Placeholders are the words a reminder text may hold, replaced when the
// reminder is written.
var Placeholders = []string{"{date}", "{heure}", "{lieu}", "{structure}"}

// Limits of the reminder texts.
const (
	maxSubject   = 150
	maxEmailBody = 2000
	maxSMSBody   = 320 // two SMS
)

// SaveSettings changes the messaging settings of the actor's organisation
// (admins). Every field is checked before anything is written; the change
// is audited (org.messaging.update).
func (s *Service) SaveSettings(ctx context.Context, actor parcours.Actor, in SettingsInput) (*parcours.MessagingSettings, error) {
	if err := access.Check(actor, access.OrgManage, access.Target{OrgID: actor.OrgID}); err != nil {
		return nil, err
	}
	var set *parcours.MessagingSettings
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		var err error
		if set, err = tx.MessagingSettings(ctx, actor.OrgID); err != nil {
			return err
		}
		apply(set, in)
		if err := validateSettings(set); err != nil {
			return err
		}
		if err := tx.SaveMessagingSettings(ctx, set); err != nil {
			return err
		}
		tx.Audit(audit.For(actor, "org.messaging.update", "organization", actor.OrgID, ""))
		return nil
	})
	return set, err
}

func apply(set *parcours.MessagingSettings, in SettingsInput) {
	str := func(dst *string, v *string) {
		if v != nil {
			*dst = strings.TrimSpace(*v)
		}
	}
	str(&set.SMTPHost, in.SMTPHost)
	str(&set.SMTPSecurity, in.SMTPSecurity)
	str(&set.SMTPUsername, in.SMTPUsername)
	str(&set.SMTPFrom, in.SMTPFrom)
	str(&set.SMTPPasswordEnv, in.SMTPPasswordEnv)
	str(&set.SMSProvider, in.SMSProvider)
	str(&set.SMSSender, in.SMSSender)
	str(&set.SMSTokenEnv, in.SMSTokenEnv)
	str(&set.ReminderSubject, in.ReminderSubject)
	if in.ReminderEmail != nil {
		set.ReminderEmail = strings.TrimSpace(strings.ReplaceAll(*in.ReminderEmail, "\r\n", "\n"))
	}
	str(&set.ReminderSMS, in.ReminderSMS)
	if in.SMTPPort != nil {
		set.SMTPPort = *in.SMTPPort
	}
	if in.ReminderOffsets != nil {
		set.ReminderOffsets = *in.ReminderOffsets
	}
}

func validateSettings(set *parcours.MessagingSettings) error {
	var p parcours.Problems
	if set.SMTPHost != "" && !hostName.MatchString(set.SMTPHost) {
		p.Add("smtp_host", "error.invalid_choice", "field.smtp_host", set.SMTPHost)
	}
	if set.SMTPPort < 1 || set.SMTPPort > 65535 {
		p.Add("smtp_port", "outbox.error.port")
	}
	switch set.SMTPSecurity {
	case parcours.SMTPStartTLS, parcours.SMTPTLS, parcours.SMTPNone:
	default:
		p.Add("smtp_security", "error.invalid_choice", "field.smtp_security", set.SMTPSecurity)
	}
	p.MaxLen("smtp_username", set.SMTPUsername, 200)
	p.Email("smtp_from", set.SMTPFrom, set.SMTPHost != "")
	if set.SMTPPasswordEnv != "" && !smtpEnvName.MatchString(set.SMTPPasswordEnv) {
		p.Add("smtp_password_env", "outbox.error.env_name", "PARCOURS_SMTP_")
	}
	switch set.SMSProvider {
	case "", ProviderBrevo, ProviderLog:
	default:
		p.Add("sms_provider", "error.invalid_choice", "field.sms_provider", set.SMSProvider)
	}
	if set.SMSProvider != "" && !smsSender.MatchString(set.SMSSender) {
		p.Add("sms_sender", "outbox.error.sms_sender")
	}
	if set.SMSTokenEnv != "" && !smsEnvName.MatchString(set.SMSTokenEnv) {
		p.Add("sms_token_env", "outbox.error.env_name", "PARCOURS_SMS_")
	}
	if len(set.ReminderOffsets) > 4 {
		p.Add("reminder_offsets", "outbox.error.offsets")
	}
	for _, o := range set.ReminderOffsets {
		if o < 15 || o > 14*24*60 {
			p.Add("reminder_offsets", "outbox.error.offsets")
			break
		}
	}
	for _, t := range []struct {
		field, text string
		max         int
	}{{"reminder_subject", set.ReminderSubject, maxSubject}, {"reminder_email_body", set.ReminderEmail, maxEmailBody},
		{"reminder_sms_body", set.ReminderSMS, maxSMSBody}} {
		if utf8.RuneCountInString(t.text) > t.max {
			p.Add(t.field, "error.field_too_long", "field."+t.field, t.max)
			continue
		}
		for _, ph := range placeholder.FindAllString(t.text, -1) {
			if !contains(Placeholders, ph) {
				p.Add(t.field, "outbox.error.placeholder", ph, strings.Join(Placeholders, " "))
				break
			}
		}
	}
	return p.Err()
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// MessagesQuery selects a page of the outbox: a status ("" for all),
// the cursor of the previous page and a page size (50 by default, at
// most 200).
type MessagesQuery struct {
	Status string
	Cursor string
	Limit  int
}

// Messages lists a page of the organisation's outgoing messages, newest
// first, with the cursor of the next page ("" on the last) and the counts
// by status. Only admins (OrgManage) see recipients and texts; a manager
// sees status, tries and errors. Nobody sees the recipient of a reply
// notice (package messaging): the person's own address.
func (s *Service) Messages(ctx context.Context, actor parcours.Actor, q MessagesQuery) (*parcours.Page[*parcours.OutboxMessage], map[string]int, error) {
	if err := access.Check(actor, access.OutboxRead, access.Target{OrgID: actor.OrgID}); err != nil {
		return nil, nil, err
	}
	switch q.Status {
	case "", parcours.OutboxQueued, parcours.OutboxSending, parcours.OutboxSent, parcours.OutboxFailed, parcours.OutboxUncertain, parcours.OutboxCancelled:
	default:
		return nil, nil, parcours.FieldError(parcours.EInvalid, "status", "error.invalid_choice", "field.status", q.Status)
	}
	if q.Limit <= 0 {
		q.Limit = 50
	}
	if q.Limit > 200 {
		return nil, nil, parcours.FieldError(parcours.EBadRequest, "limit", "error.invalid_limit")
	}
	key, err := parcours.DecodeCursor(q.Cursor, 2)
	if err != nil {
		return nil, nil, err
	}
	f := store.OutboxFilter{OrgID: actor.OrgID, Status: q.Status, Limit: q.Limit + 1}
	if key != nil {
		us, err := strconv.ParseInt(key[0], 10, 64)
		if err != nil || us <= 0 {
			return nil, nil, parcours.FieldError(parcours.EBadRequest, "cursor", "error.invalid_cursor")
		}
		f.AfterCreated, f.AfterID = time.UnixMicro(us).UTC(), key[1]
	}
	page := &parcours.Page[*parcours.OutboxMessage]{Items: []*parcours.OutboxMessage{}}
	var counts map[string]int
	err = s.db.View(ctx, func(tx *store.Tx) error {
		list, err := tx.ListOutbox(ctx, f)
		if err != nil {
			return err
		}
		if len(list) > q.Limit {
			list = list[:q.Limit]
			last := list[q.Limit-1]
			page.NextCursor = parcours.EncodeCursor([]string{strconv.FormatInt(last.CreatedAt.UnixMicro(), 10), last.ID})
		}
		page.Items = append(page.Items, list...)
		counts, err = tx.OutboxCounts(ctx, actor.OrgID)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	if !access.Allowed(actor, access.OrgManage, access.Target{OrgID: actor.OrgID}) {
		for _, m := range page.Items {
			m.Recipient, m.Subject, m.Body = "", "", ""
		}
	}
	for _, m := range page.Items {
		if m.Kind == parcours.ReplyNoticeKind {
			// The address of a reply notice is the portal account
			// holder's own: no worker reads it, admins neither (the
			// text, the same for all, stays).
			m.Recipient = ""
		}
	}
	return page, counts, nil
}

// Requeue puts a failed or uncertain message back in the queue with fresh
// attempts (admins): for an uncertain one, the admin decides that sending
// it again is better than maybe not at all. Audited (outbox.requeue).
func (s *Service) Requeue(ctx context.Context, actor parcours.Actor, id string) error {
	if err := access.Check(actor, access.OrgManage, access.Target{OrgID: actor.OrgID}); err != nil {
		return err
	}
	return s.db.Transact(ctx, func(tx *store.Tx) error {
		m, err := tx.OutboxMessage(ctx, id)
		if errors.Is(err, store.ErrNoRows) || (err == nil && m.OrgID != actor.OrgID) {
			return parcours.NotFound()
		}
		if err != nil {
			return err
		}
		if strings.Contains(m.Body, SecretMark) && m.Secret == "" {
			// Its code was erased when it failed: only a new invitation
			// can carry one.
			return parcours.Errorf(parcours.EConflict, "outbox.error.secret_gone")
		}
		ok, err := tx.RequeueOutbox(ctx, actor.OrgID, id)
		if err != nil {
			return err
		}
		if !ok {
			return parcours.Errorf(parcours.EConflict, "outbox.error.not_requeueable")
		}
		tx.Audit(audit.For(actor, "outbox.requeue", "outbox_message", id, m.PersonID))
		return nil
	})
}
