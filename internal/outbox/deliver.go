package outbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"parcours/internal/access"
	"parcours/internal/parcours"
	"parcours/internal/store"
)

// Mailer sends one e-mail with an organisation's SMTP settings.
type Mailer interface {
	SendMail(ctx context.Context, s *parcours.MessagingSettings, password string, m *parcours.OutboxMessage) error
}

// SMSProvider sends one SMS. to is in E.164 form; token is the secret the
// organisation's sms_token_env names.
type SMSProvider interface {
	SendSMS(ctx context.Context, s *parcours.MessagingSettings, token, to, text string) error
}

// Service delivers the outbox. Set its fields before Deliver.
type Service struct {
	db *store.DB
	// Mail sends e-mail (SMTP by default).
	Mail Mailer
	// SMS are the SMS providers by name (the organisation's
	// sms_provider picks one).
	SMS map[string]SMSProvider
	// Getenv reads the secrets' environment variables (os.Getenv).
	Getenv func(string) string
	// Holder names this sender in the claims.
	Holder string
	// Lease bounds one send: a claim older than this is a dead sender's.
	Lease time.Duration
	// Backoff is the wait before attempt n+1 after n failed attempts.
	Backoff func(n int) time.Duration
	// Batch bounds the messages of one Deliver.
	Batch int
	// ReminderPage is how many appointments one transaction of
	// ScheduleReminders looks at (200 when zero); it goes on page after
	// page.
	ReminderPage int
	Log          *slog.Logger

	// afterSend, in tests, runs between the send and the sent marker
	// (to simulate a crash there).
	afterSend func(m *parcours.OutboxMessage) error
}

// New returns the outbox of db, sending e-mail over SMTP and SMS through
// the providers of DefaultProviders.
func New(db *store.DB, log *slog.Logger) *Service {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{db: db, Mail: SMTP{}, SMS: DefaultProviders(), Getenv: os.Getenv,
		Holder: "outbox/" + store.NewID(), Lease: 2 * time.Minute, Backoff: Backoff, Batch: 200, Log: log}
}

// Backoff is the default retry delay: one minute after the first failure,
// doubling each time, at most six hours.
func Backoff(n int) time.Duration {
	d := time.Minute
	for i := 1; i < n && d < 6*time.Hour; i++ {
		d *= 2
	}
	return min(d, 6*time.Hour)
}

// errUncertain is the error text of a message whose sender died mid-send.
const errUncertain = "interrupted between sending and the sent marker: it may have left; requeue it to send it again"

// Deliver sends the due messages, at most Batch of them, and returns how
// many it sent. Only the server may run it (access.JobRun).
func (s *Service) Deliver(ctx context.Context, actor parcours.Actor) (int, error) {
	if err := access.Check(actor, access.JobRun, access.Target{}); err != nil {
		return 0, err
	}
	if err := s.db.Transact(ctx, func(tx *store.Tx) error {
		n, err := tx.ExpireOutboxClaims(ctx, tx.Now(), errUncertain)
		if n > 0 {
			s.Log.Warn("outbox: claims expired, messages uncertain", "count", n)
		}
		return err
	}); err != nil {
		return 0, err
	}
	settings := map[string]*parcours.MessagingSettings{}
	sent := 0
	for range s.Batch {
		var m *parcours.OutboxMessage
		if err := s.db.Transact(ctx, func(tx *store.Tx) error {
			var err error
			m, err = tx.ClaimOutbox(ctx, s.Holder, tx.Now(), tx.Now().Add(s.Lease))
			if err != nil || m == nil {
				return err
			}
			if _, ok := settings[m.OrgID]; !ok {
				settings[m.OrgID], err = tx.MessagingSettings(ctx, m.OrgID)
			}
			return err
		}); err != nil {
			return sent, err
		}
		if m == nil {
			break
		}
		sendErr := s.send(ctx, settings[m.OrgID], m)
		if s.afterSend != nil {
			if err := s.afterSend(m); err != nil {
				return sent, err // the "crash": no marker
			}
		}
		ok, err := s.finish(ctx, m, sendErr)
		if err != nil {
			return sent, err
		}
		if ok && sendErr == nil {
			sent++
		}
	}
	return sent, nil
}

// send hands m to its transport, its secret (if any) put into the text
// only now, in a copy.
func (s *Service) send(ctx context.Context, set *parcours.MessagingSettings, m *parcours.OutboxMessage) error {
	sctx, cancel := context.WithTimeout(ctx, s.Lease/2)
	defer cancel()
	if strings.Contains(m.Body, SecretMark) {
		if m.Secret == "" {
			return errors.New("the one-time code of this message was erased: make a new one")
		}
		c := *m
		c.Body = strings.ReplaceAll(m.Body, SecretMark, m.Secret)
		m = &c
	}
	switch m.Channel {
	case parcours.ChannelEmail:
		if !set.EmailReady() {
			return errors.New("SMTP not configured for the organisation")
		}
		pw := ""
		if smtpEnvName.MatchString(set.SMTPPasswordEnv) {
			pw = s.Getenv(set.SMTPPasswordEnv)
		}
		return s.Mail.SendMail(sctx, set, pw, m)
	case parcours.ChannelSMS:
		p, ok := s.SMS[set.SMSProvider]
		if !ok {
			return fmt.Errorf("SMS provider %q not available", set.SMSProvider)
		}
		to, ok := NormalizeMobile(m.Recipient)
		if !ok {
			return errors.New("not a mobile number")
		}
		token := ""
		if smsEnvName.MatchString(set.SMSTokenEnv) {
			token = s.Getenv(set.SMSTokenEnv)
		}
		return p.SendSMS(sctx, set, token, to, m.Body)
	}
	return fmt.Errorf("unknown channel %q", m.Channel)
}

// finish writes the outcome of m's attempt: sent, queued again after the
// backoff, or failed after its last attempt. It reports false when the
// claim was lost meanwhile (declared uncertain by another run).
func (s *Service) finish(ctx context.Context, m *parcours.OutboxMessage, sendErr error) (bool, error) {
	var ok bool
	err := s.db.Transact(context.WithoutCancel(ctx), func(tx *store.Tx) error {
		now := tx.Now()
		status, msg, next, sentAt := parcours.OutboxSent, "", now, now
		if sendErr != nil {
			msg, sentAt = errorText(m, sendErr), time.Time{}
			if m.Attempts >= m.MaxAttempts {
				status = parcours.OutboxFailed
			} else {
				status, next = parcours.OutboxQueued, now.Add(s.Backoff(m.Attempts))
			}
		}
		var err error
		ok, err = tx.FinishOutbox(ctx, m.ID, s.Holder, status, msg, next, sentAt)
		return err
	})
	if err != nil {
		return false, err
	}
	if sendErr != nil {
		s.Log.Warn("outbox: send failed", "message", m.ID, "channel", m.Channel, "attempt", m.Attempts, "err", errorText(m, sendErr))
	}
	return ok, nil
}

// errorText is the error as shown on the outbox page and logged: the
// recipient's address or number replaced (a server's refusal often quotes
// it), at most 300 characters.
func errorText(m *parcours.OutboxMessage, err error) string {
	t := err.Error()
	if m.Recipient != "" {
		t = strings.ReplaceAll(t, m.Recipient, "<destinataire>")
	}
	if len(t) > 300 {
		t = t[:300]
	}
	return t
}
