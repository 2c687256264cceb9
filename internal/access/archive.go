package access

import "parcours/internal/parcours"

// Archived files (issue 15). Once the retention moved a file to the
// intermediate archive (Relation.Archived), it is kept only for the legal
// obligations that justify the archive (accounting of aid, litigation):
//
//   - read-only for everyone: no write, no note, no referral, no export;
//   - open only to the organisation's managers and its data-protection
//     officer (Target.DPO, whatever their role); anyone else gets 404, as
//     for a file that no longer exists for them (not even found by name);
//   - every consultation needs a written reason: the keeper opens an
//     access of the archive kind (BreakGlassOpen on an archived file, a
//     parcours.BreakGlassArchive access), limited in time, and every audit
//     event of the consultation carries its id and reason; without one,
//     a read is refused with error.archived_reason_required, which the
//     pages answer with the form that asks the reason.
//
// Entries restricted to the referent and the private synthesis stay
// their author's, as under a break-glass.
func archived(actor parcours.Actor, act Action, t Target) error {
	if actor.Role != parcours.RoleManager && !t.DPO {
		return parcours.NotFound()
	}
	switch {
	case act == BreakGlassOpen:
		return nil // the consultation itself (its reason is the service's)
	case writes(act):
		return parcours.Errorf(parcours.EForbidden, "error.archived_read_only")
	case act == PersonFind:
		return nil
	}
	if bg := t.Rel.BreakGlass; bg == nil || bg.Kind != parcours.BreakGlassArchive {
		return parcours.Errorf(parcours.EForbidden, "error.archived_reason_required")
	}
	switch act {
	case JournalPrivateRead:
		if actor.WorkerID != t.AuthorID {
			return parcours.Forbidden()
		}
	case JournalEntryRead:
		if t.Confidentiality == parcours.ConfReferent && actor.WorkerID != t.AuthorID {
			return parcours.NotFound()
		}
	}
	return nil
}

// notes are the writes a break-glass allows (journal entries and their
// correction): with lasting, every write on a file.
var notes = set(JournalWrite, JournalAmend)

// writes reports whether act changes a file: what an archive refuses.
func writes(act Action) bool { return lasting[act] || notes[act] }

// Writes is writes, for pages that hide the buttons of an archived file.
func Writes(act Action) bool { return writes(act) }
