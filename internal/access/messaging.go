package access

import "parcours/internal/parcours"

// Secure messaging between professionals about a file (issue 11). A
// thread is read by its participants who may read the file now: case
// workers and managers with a relation to the person (need.go). A
// thread never widens access: it is no file content the front desk or
// an administrator reads, it is not opened by a break-glass (lasting:
// an exceptional access reads the file, it does not join conversations),
// and it does not exist for another organisation, even through a
// referral's share (sharedActions does not list it).
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
}
