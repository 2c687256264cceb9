// Package outbox sends Parcours's outgoing messages — appointment
// reminders, referral e-mails — by e-mail (SMTP, per organisation) and SMS
// (a provider behind a small interface), through a persisted outbox.
//
// A message is written with Enqueue inside the transaction of what causes
// it, so it exists exactly when that change commits, and once per
// idempotency key. The outbox job (Service.Deliver, run under the jobs
// lease) sends the due messages with retries and exponential backoff, and
// marks a message failed, with its last error, after its last attempt.
//
// # Never sent twice
//
// Each message is claimed, sent and marked in three steps:
//
//  1. claim: one committed transaction turns the message "sending",
//     counts the attempt and writes this sender's name and a lease;
//  2. send: the SMTP or SMS call, outside any transaction;
//  3. mark: one committed transaction turns it "sent" (or queued again
//     with the error, or failed) — only if the claim is still this
//     sender's.
//
// A process killed (kill -9) before step 1 commits leaves the message
// queued: it is sent later, once. Killed after step 1, the message stays
// "sending" until its lease expires; the next run then cannot know
// whether step 2 happened (the server may have accepted the message just
// before the kill), so it never resends it by itself: it marks it
// "uncertain", shown on the outbox page, and only an admin's explicit
// « renvoyer » queues it again. A message is therefore sent at most once
// without a human decision, and never lost silently. Errors the transport
// reports (server down, refused recipient) are known not-sent and are
// retried normally.
//
// The package never logs recipients or bodies: only ids, counts and the
// transport's error text (which names no person: the SMTP and SMS
// adapters strip addresses from it).
package outbox

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"parcours/internal/parcours"
	"parcours/internal/store"
)

// Message is what a caller queues.
type Message struct {
	OrgID string
	// Key makes the enqueue idempotent: a second Enqueue with the same
	// key does nothing. Build it from the ids of what causes the message
	// ("reminder:<appointment>:<offset>", "referral:<id>").
	Key string
	// Channel is parcours.ChannelEmail or parcours.ChannelSMS.
	Channel string
	// Kind names the message's purpose for the outbox page: reminder,
	// referral, portal_invitation, portal_reply (a reply notice,
	// package messaging), test.
	Kind string
	// PersonID is the person the message is about or to, if any (for
	// anonymisation).
	PersonID string
	// To is an e-mail address or an E.164 phone number.
	To      string
	Subject string
	Body    string
	// Secret is a one-time value (an invitation code) that Body names by
	// SecretMark. It is stored apart from the body, listed nowhere, put
	// into the text only at the moment of sending, and erased once the
	// message is sent or has failed: the outbox never keeps it readable.
	Secret string
	// NotBefore is the earliest sending time; now when zero.
	NotBefore time.Time
	// MaxAttempts bounds the tries; DefaultMaxAttempts when zero.
	MaxAttempts int
}

// SecretMark stands for a message's Secret in its body.
const SecretMark = "{{code}}"

// DefaultMaxAttempts is how many times a message is tried before it is
// marked failed.
const DefaultMaxAttempts = 5

// Enqueue writes m into the outbox inside tx and reports whether it was
// new (false: a message with the same key exists; nothing changes). It
// sends nothing: the outbox job does, after tx commits.
func Enqueue(ctx context.Context, tx *store.Tx, m Message) (bool, error) {
	if err := m.validate(); err != nil {
		return false, err
	}
	if m.MaxAttempts <= 0 {
		m.MaxAttempts = DefaultMaxAttempts
	}
	row := &parcours.OutboxMessage{OrgID: m.OrgID, Key: m.Key, Channel: m.Channel, Kind: m.Kind, PersonID: m.PersonID,
		Recipient: m.To, Subject: m.Subject, Body: m.Body, Secret: m.Secret, MaxAttempts: m.MaxAttempts, NextAttemptAt: m.NotBefore}
	ok, err := tx.InsertOutbox(ctx, row)
	if err != nil {
		return false, fmt.Errorf("outbox: enqueue: %w", err)
	}
	return ok, nil
}

func (m Message) validate() error {
	switch {
	case m.OrgID == "":
		return errors.New("outbox: message without organisation")
	case m.Key == "":
		return errors.New("outbox: message without idempotency key")
	case m.Channel != parcours.ChannelEmail && m.Channel != parcours.ChannelSMS:
		return fmt.Errorf("outbox: unknown channel %q", m.Channel)
	case strings.TrimSpace(m.To) == "":
		return errors.New("outbox: message without recipient")
	case m.Body == "":
		return errors.New("outbox: message without body")
	case (m.Secret != "") != strings.Contains(m.Body, SecretMark):
		return errors.New("outbox: a secret needs its mark in the body, and a mark its secret")
	case m.Channel == parcours.ChannelEmail && !parcours.ValidEmail(m.To):
		return errors.New("outbox: invalid e-mail recipient")
	case m.Channel == parcours.ChannelSMS && !ValidMobile(m.To):
		return errors.New("outbox: invalid mobile number")
	}
	return nil
}
