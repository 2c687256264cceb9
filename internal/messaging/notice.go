package messaging

import (
	"context"

	"parcours/internal/file"
	"parcours/internal/outbox"
	"parcours/internal/parcours"
	"parcours/internal/store"
)

// Notices of new replies. When a worker writes in a thread with the
// person, each portal account of the file that gave an address for it
// (the person's own choice, in the portal: file.SetReplyNotice) is told
// by e-mail that a reply is waiting — nothing else: not the message, not
// the service or its theme, not the referent's name, since the mailbox
// may be shared. Queued through the outbox in the reply's transaction
// (it exists exactly when the reply does), only when the organisation's
// e-mail is set up.
//
// A burst of replies sends one notice per account: a reply within
// ReplyNoticeWindow (one hour) of the notice last queued for the account
// queues none — the person finds them all at once. The accounts read
// leaves out those inside the window (such a reply costs one read), and
// the account's notice_last_at is then claimed with a conditional UPDATE
// (store.ClaimReplyNotice), so that two replies racing queue one. A
// sliding window rather than a key per clock hour, which would send two
// notices for replies at 10:59 and 11:01. The outbox key
// "portal-reply:<account>:<message>" makes each notice queued once; a
// change or withdrawal of the address drops the notices still queued and
// restarts the window.

// NoticeSubject and NoticeBody are the notice's whole text.
const (
	NoticeSubject = "Vous avez reçu une réponse de votre référent·e sur Parcours"
	NoticeBody    = "Bonjour,\n\nVous avez reçu une réponse de votre référent·e sur Parcours.\n\n" +
		"Pour la lire, connectez-vous à votre espace personnel : page " + NoticePath + " de Parcours.\n\n" +
		"Ce message ne contient rien d'autre. Pour ne plus recevoir ces avis : page " + NoticeSettingsPath + " de Parcours.\n"
	// NoticePath is the portal's conversations page.
	NoticePath = "/moi/messages"
	// NoticeSettingsPath is where the account holder changes or
	// withdraws the address.
	NoticeSettingsPath = "/moi/compte"
)

// replyNotice queues the notices of message m, written by a worker in
// thread t of file f. Each queued notice is audited thread.notice (on the
// account told).
func replyNotice(ctx context.Context, tx *store.Tx, f *file.File, t *parcours.Thread, m *parcours.ThreadMessage) error {
	accounts, err := f.ReplyNoticeAccounts(ctx, t, parcours.ReplyNoticeWindow)
	if err != nil || len(accounts) == 0 {
		return err
	}
	set, err := tx.MessagingSettings(ctx, f.Person.OrgID)
	if err != nil || !set.EmailReady() {
		return err
	}
	for _, a := range accounts {
		if !parcours.ValidEmail(a.Email) {
			continue
		}
		ok, err := tx.ClaimReplyNotice(ctx, a.Account.ID, parcours.ReplyNoticeWindow)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		fresh, err := outbox.Enqueue(ctx, tx, outbox.Message{OrgID: f.Person.OrgID, Key: store.ReplyNoticeKeyPrefix(a.Account.ID) + m.ID,
			Channel: parcours.ChannelEmail, Kind: parcours.ReplyNoticeKind, PersonID: f.Person.ID, To: a.Email,
			Subject: NoticeSubject, Body: NoticeBody, NotBefore: tx.Now(), MaxAttempts: 3})
		if err != nil {
			return err
		}
		if fresh {
			f.Audit("thread.notice", "portal_account", a.Account.ID)
		}
	}
	return nil
}
