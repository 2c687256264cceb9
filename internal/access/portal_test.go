package access

import (
	"testing"

	"parcours/internal/parcours"
)

func TestPortal_OwnFileAndThePortalsActionsOnly(t *testing.T) {
	person := parcours.Actor{OrgID: "o", Portal: &parcours.PortalActor{AccountID: "a", PersonID: "p"}}
	view := parcours.Actor{OrgID: "o", Portal: &parcours.PortalActor{AccountID: "d", PersonID: "p", Delegate: true, Scope: parcours.ScopeView}}
	full := parcours.Actor{OrgID: "o", Portal: &parcours.PortalActor{AccountID: "f", PersonID: "p", Delegate: true, Scope: parcours.ScopeFull}}
	own := Target{OrgID: "o", PersonID: "p", Rel: &parcours.Relation{OrgID: "o"}}
	other := Target{OrgID: "o", PersonID: "q", Rel: &parcours.Relation{OrgID: "o"}}
	for _, tc := range []struct {
		name  string
		actor parcours.Actor
		act   Action
		t     Target
		want  string
	}{
		{"the person reads their file", person, PortalRead, own, ""},
		{"the person reads their identity", person, PersonRead, own, ""},
		{"another person's file does not exist", person, PersonRead, other, parcours.ENotFound},
		{"the whole journal is not the portal's", person, JournalRead, own, parcours.EForbidden},
		{"no entry is read entry by entry", person, JournalEntryRead, own, parcours.EForbidden},
		{"nothing is written", person, PersonUpdate, own, parcours.EForbidden},
		{"no break-glass", person, BreakGlassOpen, own, parcours.EForbidden},
		{"no organisation action", person, AuditSearch, Target{}, parcours.ENotFound},
		{"the person exports", person, PortalExport, own, ""},
		{"the person names a delegate", person, PortalDelegate, own, ""},
		{"a view delegate reads", view, PortalRead, own, ""},
		{"a view delegate does not export", view, PortalExport, own, parcours.EForbidden},
		{"a view delegate makes no request", view, DataRequestRecord, own, parcours.EForbidden},
		{"a full delegate exports", full, PortalExport, own, ""},
		{"the person reads their conversations", person, MessageRead, own, ""},
		{"the person writes to their referent", person, MessageWrite, own, ""},
		{"a view delegate reads the conversations", view, MessageRead, own, ""},
		{"a view delegate does not write", view, MessageWrite, own, parcours.EForbidden},
		{"a full delegate writes", full, MessageWrite, own, ""},
		{"no conversation on another person's file", person, MessageRead, other, parcours.ENotFound},
		{"no delegate names a delegate", full, PortalDelegate, own, parcours.EForbidden},
		{"the person gives their address for notices", person, PortalNotice, own, ""},
		{"a view delegate gives theirs", view, PortalNotice, own, ""},
		{"no notice address on another person's file", person, PortalNotice, other, parcours.ENotFound},
		{"a worker never sets a person's notice address", parcours.Actor{WorkerID: "w", OrgID: "o", Role: parcours.RoleManager}, PortalNotice, own, parcours.EForbidden},
		{"a worker does not read the portal", parcours.Actor{WorkerID: "w", OrgID: "o", Role: parcours.RoleWorker}, PortalRead, own, parcours.EForbidden},
	} {
		if got := parcours.ErrorCode(Check(tc.actor, tc.act, tc.t)); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}
