package access

import "parcours/internal/parcours"

// Secure messaging between professionals about a file (issue 11). A
// thread is read by its participants who may read the file now: case
// workers and managers with a relation to the person (need.go). A
// thread never widens access: it is no file content the front desk or
// an administrator reads, it is not opened by a break-glass (lasting:
// an exceptional access reads the file, it does not join conversations).
//
// Threads under a referral (Target.ThreadReferralID): professionals of
// the sending and the receiving structure write about the person within
// the referral that shares the file, and nowhere else. For a worker of
// the receiving organisation (shared, referral.go) a thread exists only
// under one of the referrals of the share — the file's own threads and
// the threads of a referral that ended do not exist for them (404, as
// every part of the file once the share ends). When the referral no
// longer shares the file (refused, expired, cancelled, or the
// accompaniment ended: Target.ThreadClosed), the thread is read-only for
// the person's organisation, whose file it belongs to (409). What the
// receiving side wrote stays in the thread, read by the sending side: it
// is part of the file's history, as the receiving structure's journal
// entries are (the DPO's reading: nothing is deleted behind the
// controller's back, and nothing is read by a structure that lost the
// share).
//
// The person takes part in the portal (issue 14): a portal actor reads
// the threads of their own file they take part in (the person and any
// delegate), and writes in them — the person, or a delegate with the
// "full" scope (a "view" delegate reads). The door decides who takes
// part (file.OpenThread): a person never reads a thread between
// professionals.
const (
	// MessageRead lists and reads the threads one takes part in.
	MessageRead Action = "message.read"
	// MessageWrite opens a thread and writes in it.
	MessageWrite Action = "message.write"
)

func init() {
	for _, r := range []parcours.Role{parcours.RoleWorker, parcours.RoleManager} {
		roleActions[r][MessageRead] = true
		roleActions[r][MessageWrite] = true
	}
	readOf[MessageRead], readOf[MessageWrite] = MessageRead, MessageRead
	lasting[MessageRead] = true
	lasting[MessageWrite] = true
	portalReads[MessageRead] = true
	portalFull[MessageWrite] = true
	relationRules[MessageWrite] = func(_ parcours.Actor, t Target) error { return threadOpen(t) }
}

// threadOpen refuses writing in a thread whose referral no longer shares
// the file: it is read-only.
func threadOpen(t Target) error {
	if t.ThreadClosed {
		return parcours.Errorf(parcours.EConflict, "error.message.thread_closed")
	}
	return nil
}
