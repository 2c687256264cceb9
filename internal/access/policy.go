// Package access is the one place that decides who may do what on which
// part of a file. Services gather the facts (who the actor is, which
// organisation owns the object, the actor's relation to the person) and
// call Check; handlers never decide.
//
// Refusals on objects of another organisation are NotFound, not Forbidden,
// so that the existence of a person elsewhere does not leak.
package access

import (
	"parcours/internal/parcours"
)

// Action names an operation. Actions are grouped by the part of the file
// they touch so the rules below stay readable.
type Action string

const (
	PersonCreate    Action = "person.create"
	PersonRead      Action = "person.read" // identity and contact
	PersonFind      Action = "person.find" // identity search to avoid duplicates
	PersonUpdate    Action = "person.update"
	HouseholdCreate Action = "household.create"
	HouseholdRead   Action = "household.read"
	HouseholdUpdate Action = "household.update" // members and situation
	// PersonMerge makes a duplicate part of another person's file; it
	// needs the relation to both files (Check on each), and
	// MergeConfirmUnlike when the two do not look alike.
	PersonMerge     Action = "person.merge"
	PersonMergeUndo Action = "person.merge.undo"
	// MergeConfirmUnlike is a manager's confirmation that two files the
	// duplicate detection does not find alike are the same person.
	MergeConfirmUnlike Action = "person.merge.confirm_unlike"

	OrgManage    Action = "org.manage"    // organisation settings, teams
	WorkerManage Action = "worker.manage" // accounts, roles, memberships
	SelfManage   Action = "self.manage"   // own password, TOTP, tokens
	// OrgCreate creates a new structure: no role has it, only the
	// operator at the console (parcours.SystemActor).
	OrgCreate Action = "org.create"
)

// Target is what an action applies to.
type Target struct {
	OrgID string // owning organisation; "" for actions that create

	// Facts about a part of a person's file, gathered by the casefile
	// service and judged by the rules of casefile.go. Zero when unused.
	PersonID string
	TeamID   string // team the object belongs to (journal entry)
	AuthorID string // author of a journal entry
	// EntryID and EntryOrgID are a journal entry's id and the
	// organisation that wrote it ("" for the person's): an entry written
	// by a receiving organisation is theirs (referral.go).
	EntryID         string
	EntryOrgID      string
	Confidentiality string // journal entry: team, referent, organization
	// ReferentIDs are the current referents concerned: of the entry's
	// accompaniment, else of every active accompaniment of the person;
	// for a handover, its new referent.
	ReferentIDs []string
	// FollowingTeamIDs are the teams of the person's active accompaniments.
	FollowingTeamIDs []string

	// Rel is the actor's relation to the person, gathered by
	// store.Tx.Relation; when set, the need-to-know rules of need.go
	// apply. Nil for objects that are not a person's file.
	Rel *parcours.Relation
	// DPO: the actor is the organisation's data-protection officer.
	DPO bool

	// ThreadReferralID is the referral a thread is under (or is being
	// opened under), for the messaging actions; ThreadClosed: that
	// referral no longer shares the file (messaging.go).
	ThreadReferralID string
	ThreadClosed     bool
}

// roleActions lists what each role may do inside its own organisation.
// Separation of duties: admins manage accounts and settings but are not
// case workers.
var roleActions = map[parcours.Role]map[Action]bool{
	parcours.RoleAdmin: set(OrgManage, WorkerManage, SelfManage, PersonFind),
	parcours.RoleManager: set(SelfManage, PersonCreate, PersonRead, PersonFind, PersonUpdate,
		HouseholdCreate, HouseholdRead, HouseholdUpdate, PersonMerge, PersonMergeUndo, MergeConfirmUnlike),
	parcours.RoleWorker: set(SelfManage, PersonCreate, PersonRead, PersonFind, PersonUpdate,
		HouseholdCreate, HouseholdRead, HouseholdUpdate, PersonMerge, PersonMergeUndo),
	parcours.RoleReception: set(SelfManage, PersonCreate, PersonRead, PersonFind, HouseholdRead),
}

func set(actions ...Action) map[Action]bool {
	m := make(map[Action]bool, len(actions))
	for _, a := range actions {
		m[a] = true
	}
	return m
}

// Check returns nil when actor may do act on t, parcours.NotFound when t
// belongs to another organisation, and parcours.Forbidden otherwise.
func Check(actor parcours.Actor, act Action, t Target) error {
	if actor.System {
		return nil
	}
	if actor.Portal != nil {
		// The person or their delegate: their own file, through the
		// portal's actions only (portal.go).
		return portalCheck(actor, act, t)
	}
	if actor.WorkerID == "" {
		return parcours.Errorf(parcours.EUnauthenticated, "error.unauthenticated")
	}
	if t.OrgID != "" && t.OrgID != actor.OrgID {
		if t.Rel != nil && t.Rel.Share != nil && t.Rel.Share.OrgID == actor.OrgID && !t.Rel.Archived {
			// A file shared with the actor's organisation by referral:
			// the extract and nothing else (referral.go).
			return shared(actor, act, t)
		}
		return parcours.NotFound()
	}
	if t.Rel != nil && t.Rel.Returned != nil && !t.Rel.Archived {
		// A referral sent back to the person's organisation, opened by
		// one of its workers (referral.go).
		if decided, err := returned(actor, act, t); decided {
			return err
		}
	}
	if foreignEntry(actor, act, t) {
		return parcours.NotFound()
	}
	if t.Rel != nil && t.Rel.Archived {
		return archived(actor, act, t) // archive.go: read-only, managers and the DPO, with a reason
	}
	if decided, err := special(actor, act, t); decided {
		return err
	}
	if !roleActions[actor.Role][act] {
		if read, ok := readOf[act]; ok && t.OrgID != "" && !roleActions[actor.Role][read] {
			// A role that may not read a kind of object must not learn
			// that one exists either.
			return parcours.NotFound()
		}
		return parcours.Forbidden()
	}
	if t.Rel != nil {
		if decided, err := needToKnow(actor, act, t); decided {
			return err
		}
	}
	if rule, ok := relationRules[act]; ok {
		// Role allows it; now the actor's relation to this object.
		return rule(actor, t)
	}
	return nil
}

// Allowed is Check as a boolean, for deciding what to show.
func Allowed(actor parcours.Actor, act Action, t Target) bool {
	return Check(actor, act, t) == nil
}

// readOf maps an action on an existing object to the action of reading
// it.
var readOf = map[Action]Action{
	PersonRead: PersonRead, PersonUpdate: PersonRead, PersonMerge: PersonRead, PersonMergeUndo: PersonRead,
	HouseholdRead: HouseholdRead, HouseholdUpdate: HouseholdRead,
}
