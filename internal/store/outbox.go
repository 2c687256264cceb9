package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"parcours/internal/parcours"
)

// InsertOutbox queues m unless a message with the same key exists, and
// reports whether it did. ID, Status, CreatedAt are set; NextAttemptAt is
// the earliest sending time (now when zero).
func (tx *Tx) InsertOutbox(ctx context.Context, m *parcours.OutboxMessage) (bool, error) {
	if m.ID == "" {
		m.ID = NewID()
	}
	m.Status = parcours.OutboxQueued
	m.CreatedAt = tx.now.Truncate(time.Microsecond)
	if m.NextAttemptAt.IsZero() {
		m.NextAttemptAt = m.CreatedAt
	}
	var person any
	if m.PersonID != "" {
		person = m.PersonID
	}
	res, err := tx.exec(ctx, `INSERT INTO outbox_messages (id, org_id, idem_key, channel, kind, person_id, recipient, subject, body, secret,
		status, attempts, max_attempts, next_attempt_at, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,0,?,?,?)
		ON CONFLICT (idem_key) DO NOTHING`,
		m.ID, m.OrgID, m.Key, m.Channel, m.Kind, person, m.Recipient, m.Subject, m.Body, m.Secret,
		m.Status, m.MaxAttempts, ts(m.NextAttemptAt), ts(m.CreatedAt))
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

const outboxColumns = `id, org_id, idem_key, channel, kind, COALESCE(person_id, ''), recipient, subject, body, status, attempts,
	max_attempts, next_attempt_at, lease_holder, last_error, created_at, sent_at, secret`

func scanOutbox(r interface{ Scan(...any) error }) (*parcours.OutboxMessage, error) {
	var m parcours.OutboxMessage
	var next, created, sent int64
	if err := r.Scan(&m.ID, &m.OrgID, &m.Key, &m.Channel, &m.Kind, &m.PersonID, &m.Recipient, &m.Subject, &m.Body, &m.Status,
		&m.Attempts, &m.MaxAttempts, &next, &m.Holder, &m.LastError, &created, &sent, &m.Secret); err != nil {
		return nil, err
	}
	m.NextAttemptAt, m.CreatedAt, m.SentAt = fromTS(next), fromTS(created), fromTS(sent)
	return &m, nil
}

// OutboxMessage returns one message (ErrNoRows when there is none).
func (tx *Tx) OutboxMessage(ctx context.Context, id string) (*parcours.OutboxMessage, error) {
	return scanOutbox(tx.queryRow(ctx, `SELECT `+outboxColumns+` FROM outbox_messages WHERE id = ?`, id))
}

// OutboxByKey returns the message of an idempotency key (ErrNoRows).
func (tx *Tx) OutboxByKey(ctx context.Context, key string) (*parcours.OutboxMessage, error) {
	return scanOutbox(tx.queryRow(ctx, `SELECT `+outboxColumns+` FROM outbox_messages WHERE idem_key = ?`, key))
}

// ClaimOutbox claims the next due queued message for holder until
// leaseUntil: it becomes "sending" and its attempt is counted, in this
// transaction, before anything leaves. nil when nothing is due. The
// conditional UPDATE makes two claimers racing for the same row get it
// once: PostgreSQL re-checks status after the row lock, SQLite has one
// writer.
func (tx *Tx) ClaimOutbox(ctx context.Context, holder string, now, leaseUntil time.Time) (*parcours.OutboxMessage, error) {
	for range 5 {
		var id string
		err := tx.queryRow(ctx, `SELECT id FROM outbox_messages WHERE status = 'queued' AND next_attempt_at <= ?
			ORDER BY next_attempt_at, id LIMIT 1`, ts(now)).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		res, err := tx.exec(ctx, `UPDATE outbox_messages SET status = 'sending', attempts = attempts + 1, lease_holder = ?, lease_until = ?
			WHERE id = ? AND status = 'queued'`, holder, ts(leaseUntil), id)
		if err != nil {
			return nil, err
		}
		if n, err := res.RowsAffected(); err != nil {
			return nil, err
		} else if n == 1 {
			return tx.OutboxMessage(ctx, id)
		}
	}
	return nil, nil
}

// FinishOutbox records the outcome of holder's claim on message id:
// status sent (at sentAt), queued again (next attempt at next) or failed,
// with the error text. It reports false when the claim is no longer
// holder's (the message was declared uncertain meanwhile). A sent or
// failed message loses its secret: the code has left, or never will.
func (tx *Tx) FinishOutbox(ctx context.Context, id, holder, status, lastError string, next, sentAt time.Time) (bool, error) {
	secret := "secret"
	if status == parcours.OutboxSent || status == parcours.OutboxFailed {
		secret = "''"
	}
	res, err := tx.exec(ctx, `UPDATE outbox_messages SET status = ?, last_error = ?, next_attempt_at = ?, sent_at = ?, lease_holder = '', lease_until = 0,
		secret = `+secret+` WHERE id = ? AND status = 'sending' AND lease_holder = ?`, status, lastError, ts(next), ts(sentAt), id, holder)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// ExpireOutboxClaims turns the messages whose claim expired before now
// (their sender died between claim and sent marker) into "uncertain",
// with reason as their error, and returns how many.
func (tx *Tx) ExpireOutboxClaims(ctx context.Context, now time.Time, reason string) (int, error) {
	res, err := tx.exec(ctx, `UPDATE outbox_messages SET status = 'uncertain', last_error = ?, lease_holder = '', lease_until = 0
		WHERE status = 'sending' AND lease_until <= ?`, reason, ts(now))
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// RequeueOutbox puts a failed or uncertain message of org back in the
// queue with fresh attempts, and reports whether it did.
func (tx *Tx) RequeueOutbox(ctx context.Context, orgID, id string) (bool, error) {
	res, err := tx.exec(ctx, `UPDATE outbox_messages SET status = 'queued', attempts = 0, next_attempt_at = ?, last_error = ''
		WHERE id = ? AND org_id = ? AND status IN ('failed','uncertain')`, ts(tx.now), id, orgID)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// OutboxFilter selects messages of an organisation.
type OutboxFilter struct {
	OrgID  string
	Status string // "" for any
	// AfterCreated and AfterID are the key of the last message of the
	// previous page (keyset pagination); zero for the first page.
	AfterCreated time.Time
	AfterID      string
	Limit        int
}

// ListOutbox returns an organisation's messages, newest first.
func (tx *Tx) ListOutbox(ctx context.Context, f OutboxFilter) ([]*parcours.OutboxMessage, error) {
	if f.Limit <= 0 {
		f.Limit = 200
	}
	q, args := `SELECT `+outboxColumns+` FROM outbox_messages WHERE org_id = ? AND (? = '' OR status = ?)`, []any{f.OrgID, f.Status, f.Status}
	if !f.AfterCreated.IsZero() {
		after := ts(f.AfterCreated)
		q += ` AND (created_at < ? OR (created_at = ? AND id < ?))`
		args = append(args, after, after, f.AfterID)
	}
	rows, err := tx.query(ctx, q+` ORDER BY created_at DESC, id DESC LIMIT ?`, append(args, f.Limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*parcours.OutboxMessage
	for rows.Next() {
		m, err := scanOutbox(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// OutboxCounts returns an organisation's message counts by status.
func (tx *Tx) OutboxCounts(ctx context.Context, orgID string) (map[string]int, error) {
	rows, err := tx.query(ctx, `SELECT status, COUNT(*) FROM outbox_messages WHERE org_id = ? GROUP BY status`, orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, err
		}
		out[s] = n
	}
	return out, rows.Err()
}

// DefaultReminderOffsets are the reminders' delays before an appointment
// when the organisation chose none: 48 hours and 2 hours, in minutes.
var DefaultReminderOffsets = []int{48 * 60, 2 * 60}

// MessagingSettings returns an organisation's messaging settings, the
// defaults when it saved none.
func (tx *Tx) MessagingSettings(ctx context.Context, orgID string) (*parcours.MessagingSettings, error) {
	s := &parcours.MessagingSettings{OrgID: orgID}
	var offsets string
	var updated int64
	err := tx.queryRow(ctx, `SELECT smtp_host, smtp_port, smtp_security, smtp_username, smtp_from, smtp_password_env,
		sms_provider, sms_sender, sms_token_env, reminder_offsets, reminder_subject, reminder_email_body, reminder_sms_body, updated_at
		FROM org_messaging WHERE org_id = ?`, orgID).Scan(&s.SMTPHost, &s.SMTPPort, &s.SMTPSecurity, &s.SMTPUsername, &s.SMTPFrom,
		&s.SMTPPasswordEnv, &s.SMSProvider, &s.SMSSender, &s.SMSTokenEnv, &offsets, &s.ReminderSubject, &s.ReminderEmail, &s.ReminderSMS, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		s.SMTPPort, s.SMTPSecurity = 587, parcours.SMTPStartTLS
		s.ReminderOffsets = append([]int(nil), DefaultReminderOffsets...)
		return s, nil
	}
	if err != nil {
		return nil, err
	}
	s.UpdatedAt = fromTS(updated)
	for _, f := range strings.Split(offsets, ",") {
		if n, err := strconv.Atoi(strings.TrimSpace(f)); err == nil && n > 0 {
			s.ReminderOffsets = append(s.ReminderOffsets, n)
		}
	}
	return s, nil
}

// SaveMessagingSettings writes an organisation's messaging settings.
func (tx *Tx) SaveMessagingSettings(ctx context.Context, s *parcours.MessagingSettings) error {
	s.UpdatedAt = tx.now.Truncate(time.Microsecond)
	offs := make([]string, len(s.ReminderOffsets))
	for i, n := range s.ReminderOffsets {
		offs[i] = strconv.Itoa(n)
	}
	_, err := tx.exec(ctx, `INSERT INTO org_messaging (org_id, smtp_host, smtp_port, smtp_security, smtp_username, smtp_from, smtp_password_env,
		sms_provider, sms_sender, sms_token_env, reminder_offsets, reminder_subject, reminder_email_body, reminder_sms_body, updated_at)
		VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
		ON CONFLICT (org_id) DO UPDATE SET smtp_host = excluded.smtp_host, smtp_port = excluded.smtp_port,
		smtp_security = excluded.smtp_security, smtp_username = excluded.smtp_username, smtp_from = excluded.smtp_from,
		smtp_password_env = excluded.smtp_password_env, sms_provider = excluded.sms_provider, sms_sender = excluded.sms_sender,
		sms_token_env = excluded.sms_token_env, reminder_offsets = excluded.reminder_offsets,
		reminder_subject = excluded.reminder_subject, reminder_email_body = excluded.reminder_email_body,
		reminder_sms_body = excluded.reminder_sms_body, updated_at = excluded.updated_at`,
		s.OrgID, s.SMTPHost, s.SMTPPort, s.SMTPSecurity, s.SMTPUsername, s.SMTPFrom, s.SMTPPasswordEnv,
		s.SMSProvider, s.SMSSender, s.SMSTokenEnv, strings.Join(offs, ","), s.ReminderSubject, s.ReminderEmail, s.ReminderSMS, ts(s.UpdatedAt))
	return err
}

// ReminderPreference returns the person's reminder choice (ErrNoRows when
// none was recorded).
func (tx *Tx) ReminderPreference(ctx context.Context, personID string) (*parcours.ReminderPreference, error) {
	p := &parcours.ReminderPreference{PersonID: personID}
	var at int64
	err := tx.queryRow(ctx, `SELECT channel, consent, name_service, recorded_by, recorded_at FROM reminder_preferences WHERE person_id = ?`,
		personID).Scan(&p.Channel, &p.Consent, &p.NameService, &p.RecordedBy, &at)
	if err != nil {
		return nil, err
	}
	p.RecordedAt = fromTS(at)
	return p, nil
}

// SaveReminderPreference records the person's reminder choice.
func (tx *Tx) SaveReminderPreference(ctx context.Context, p *parcours.ReminderPreference) error {
	p.RecordedAt = tx.now.Truncate(time.Microsecond)
	_, err := tx.exec(ctx, `INSERT INTO reminder_preferences (person_id, channel, consent, name_service, recorded_by, recorded_at)
		VALUES (?,?,?,?,?,?) ON CONFLICT (person_id) DO UPDATE SET channel = excluded.channel, consent = excluded.consent,
		name_service = excluded.name_service, recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at`,
		p.PersonID, p.Channel, p.Consent, p.NameService, p.RecordedBy, ts(p.RecordedAt))
	return err
}
