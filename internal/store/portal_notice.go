package store

import (
	"context"
	"time"

	"parcours/internal/parcours"
)

// Notices of new replies (migration 0370): the address a portal account
// gave for them and when it consented, and the time of the latest notice
// queued for it. Kept apart from portalAccountColumns so that no list of
// accounts (the workers' page and API) ever carries the address.

// ReplyNotice returns a portal account's notice choice (Email "" when it
// gave none).
func (tx *Tx) ReplyNotice(ctx context.Context, accountID string) (*parcours.ReplyNotice, error) {
	var n parcours.ReplyNotice
	var at int64
	if err := tx.queryRow(ctx, "SELECT notice_email, notice_consent_at FROM portal_accounts WHERE id = ?", accountID).Scan(&n.Email, &at); err != nil {
		return nil, err
	}
	if n.Email != "" {
		n.ConsentAt = fromTS(at)
	}
	return &n, nil
}

// SetReplyNotice records a portal account's address for notices and the
// time of its consent (now); "" withdraws it, blanking the address. Any
// change forgets when the latest notice went, so the next reply is told
// at once, cancels the account's notices not sent (queued, failed or
// uncertain: to an address it no longer wants used) and blanks the
// address in all of them (the outbox keeps that they went, not where).
// A notice being sent at this very moment keeps its address.
func (tx *Tx) SetReplyNotice(ctx context.Context, accountID, email string) error {
	var at int64
	if email != "" {
		at = ts(tx.now.Truncate(time.Microsecond))
	}
	if _, err := tx.exec(ctx, "UPDATE portal_accounts SET notice_email = ?, notice_consent_at = ?, notice_last_at = 0 WHERE id = ?",
		email, at, accountID); err != nil {
		return err
	}
	// Account ids are UUIDs: no LIKE wildcard in them. As the
	// anonymisation does (persondata.go): an unsent message is
	// cancelled, and none keeps the address.
	_, err := tx.exec(ctx, `UPDATE outbox_messages SET recipient = '',
		status = CASE WHEN status IN ('queued','failed','uncertain') THEN 'cancelled' ELSE status END
		WHERE kind = ? AND idem_key LIKE ? AND status <> 'sending'`, parcours.ReplyNoticeKind, ReplyNoticeKeyPrefix(accountID)+"%")
	return err
}

// ReplyNoticeKeyPrefix starts the outbox keys of an account's notices:
// "portal-reply:<account>:<message>".
func ReplyNoticeKeyPrefix(accountID string) string { return "portal-reply:" + accountID + ":" }

// ReplyNoticeAccount is a portal account of a file that gave an address
// for notices.
type ReplyNoticeAccount struct {
	Account *parcours.PortalAccount
	Email   string
}

// ReplyNoticeAccounts returns the accounts on a person's file that gave
// an address for notices and were sent none within window (revoked ones
// excepted; the caller checks the rest of Active): a reply inside the
// window costs this one read, as a file without any address.
func (tx *Tx) ReplyNoticeAccounts(ctx context.Context, personIDs []string, window time.Duration) ([]ReplyNoticeAccount, error) {
	in, args := personIn("person_id", personIDs)
	args = append(args, ts(tx.now.Truncate(time.Microsecond).Add(-window)))
	rows, err := tx.query(ctx, "SELECT "+portalAccountColumns+", notice_email FROM portal_accounts WHERE "+in+
		" AND notice_email <> '' AND revoked_at = 0 AND notice_last_at <= ? ORDER BY created_at, id", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ReplyNoticeAccount
	for rows.Next() {
		var email string
		a, err := scanPortalAccount(scanPlus{rows, []any{&email}})
		if err != nil {
			return nil, err
		}
		out = append(out, ReplyNoticeAccount{Account: a, Email: email})
	}
	return out, rows.Err()
}

// ClaimReplyNotice records that a notice is queued for the account now,
// unless one was within window: it reports whether the caller may queue
// it. The conditional UPDATE makes two replies racing claim it once
// (PostgreSQL re-checks the condition after the row lock; SQLite has one
// writer).
func (tx *Tx) ClaimReplyNotice(ctx context.Context, accountID string, window time.Duration) (bool, error) {
	now := tx.now.Truncate(time.Microsecond)
	res, err := tx.exec(ctx, "UPDATE portal_accounts SET notice_last_at = ? WHERE id = ? AND notice_email <> '' AND notice_last_at <= ?",
		ts(now), accountID, ts(now.Add(-window)))
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// scanPlus scans a row's leading columns with Scan's caller and the
// trailing ones into extra.
type scanPlus struct {
	r     interface{ Scan(...any) error }
	extra []any
}

func (s scanPlus) Scan(dest ...any) error { return s.r.Scan(append(dest, s.extra...)...) }
