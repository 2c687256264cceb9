package parcours

import "time"

// Outbox channels.
const (
	ChannelEmail = "email"
	ChannelSMS   = "sms"
	ChannelNone  = "none"
)

// Outbox statuses. A message is queued, then sending while one sender
// holds its claim, then sent; an error puts it back to queued with a later
// next attempt, until its last attempt: failed. Uncertain is a message
// whose sender died between the claim and the sent marker: it may have
// left, so it is never sent again without an admin asking (Requeue).
const (
	OutboxQueued    = "queued"
	OutboxSending   = "sending"
	OutboxSent      = "sent"
	OutboxFailed    = "failed"
	OutboxUncertain = "uncertain"
	OutboxCancelled = "cancelled"
)

// OutboxMessage is an e-mail or SMS waiting in, or gone from, the outbox.
type OutboxMessage struct {
	ID            string    `json:"id"`
	OrgID         string    `json:"organization_id"`
	Key           string    `json:"-"`
	Channel       string    `json:"channel"`
	Kind          string    `json:"kind"`
	PersonID      string    `json:"person_id,omitempty"`
	Recipient     string    `json:"recipient,omitempty"`
	Subject       string    `json:"subject,omitempty"`
	Body          string    `json:"body,omitempty"`
	Status        string    `json:"status"`
	Attempts      int       `json:"attempts"`
	MaxAttempts   int       `json:"max_attempts"`
	NextAttemptAt time.Time `json:"next_attempt_at"`
	LastError     string    `json:"last_error,omitempty"`
	CreatedAt     time.Time `json:"created_at"`
	SentAt        time.Time `json:"sent_at,omitzero"`
	// Holder is the sender holding the claim while sending.
	Holder string `json:"-"`
	// Secret is a one-time value (an invitation code) the body names by
	// a mark: never listed, put into the text only when sending, erased
	// once the message is sent or has failed.
	Secret string `json:"-"`
}

// SMTP security modes.
const (
	SMTPStartTLS = "starttls"
	SMTPTLS      = "tls"
	SMTPNone     = "none"
)

// MessagingSettings are an organisation's outgoing-message settings. No
// secret is stored: the SMTP password and the SMS provider's token are
// read from the environment variables they name.
type MessagingSettings struct {
	OrgID           string `json:"organization_id"`
	SMTPHost        string `json:"smtp_host"`
	SMTPPort        int    `json:"smtp_port"`
	SMTPSecurity    string `json:"smtp_security"`
	SMTPUsername    string `json:"smtp_username"`
	SMTPFrom        string `json:"smtp_from"`
	SMTPPasswordEnv string `json:"smtp_password_env"`
	SMSProvider     string `json:"sms_provider"`
	SMSSender       string `json:"sms_sender"`
	SMSTokenEnv     string `json:"sms_token_env"`
	// ReminderOffsets are the reminders' delays before an appointment,
	// in minutes (default 2880 and 120: 48 h and 2 h).
	ReminderOffsets []int     `json:"reminder_offsets_minutes"`
	ReminderSubject string    `json:"reminder_subject"`
	ReminderEmail   string    `json:"reminder_email_body"`
	ReminderSMS     string    `json:"reminder_sms_body"`
	UpdatedAt       time.Time `json:"updated_at,omitzero"`
}

// EmailReady reports whether e-mail can be sent for the organisation.
func (s MessagingSettings) EmailReady() bool { return s.SMTPHost != "" && s.SMTPFrom != "" }

// SMSReady reports whether SMS can be sent for the organisation.
func (s MessagingSettings) SMSReady() bool { return s.SMSProvider != "" }

// ReminderPreference is the person's choice about appointment reminders.
type ReminderPreference struct {
	PersonID string `json:"person_id"`
	// Channel is email, sms or none.
	Channel string `json:"channel"`
	// Consent: the person agreed to receive reminders.
	Consent bool `json:"consent"`
	// NameService: the reminder may name the service; false, only the
	// address.
	NameService bool      `json:"name_service"`
	RecordedBy  string    `json:"recorded_by,omitempty"`
	RecordedAt  time.Time `json:"recorded_at,omitzero"`
}
