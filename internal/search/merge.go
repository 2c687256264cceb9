package search

import (
	"context"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"parcours/internal/access"
	"parcours/internal/audit"
	"parcours/internal/parcours"
	"parcours/internal/store"
)

// Merge is the record of two files of the same person made one.
type Merge struct {
	ID         string    `json:"id"`
	KeptID     string    `json:"kept_id"`
	AbsorbedID string    `json:"absorbed_id"`
	Reason     string    `json:"reason"`
	MergedBy   string    `json:"merged_by"`
	MergedAt   time.Time `json:"merged_at"`
	UndoneBy   string    `json:"undone_by,omitempty"`
	UndoneAt   time.Time `json:"undone_at,omitzero"`
	UndoReason string    `json:"undo_reason,omitempty"`
}

func mergeOf(m *store.PersonMerge) *Merge {
	return &Merge{ID: m.ID, KeptID: m.KeptID, AbsorbedID: m.AbsorbedID, Reason: m.Reason, MergedBy: m.MergedBy,
		MergedAt: m.MergedAt, UndoneBy: m.UndoneBy, UndoneAt: m.UndoneAt, UndoReason: m.UndoReason}
}

// MergeInput is the body of a merge: the duplicate to absorb and why.
// ConfirmNotAlike is a manager's confirmation that the two files are the
// same person although the duplicate detection does not find them alike
// (Alike); it is recorded in both files' audit trails.
type MergeInput struct {
	OtherID         string `json:"other_id"`
	Reason          string `json:"reason"`
	ConfirmNotAlike bool   `json:"confirm_not_alike"`
}

// UndoInput is the body of an undo.
type UndoInput struct {
	Reason string `json:"reason"`
}

const maxReason = 500

func checkReason(reason string) (string, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return "", parcours.FieldError(parcours.EInvalid, "reason", "error.merge_reason_required")
	}
	if utf8.RuneCountInString(reason) > maxReason {
		return "", parcours.FieldError(parcours.EInvalid, "reason", "error.field_too_long", "field.merge_reason", maxReason)
	}
	return reason, nil
}

// loadForMerge returns a person the actor may merge (act: PersonMerge,
// PersonMergeUndo), with the actor's relation to them.
func loadForMerge(ctx context.Context, tx *store.Tx, actor parcours.Actor, act access.Action, id, field string) (*parcours.Person, *parcours.Relation, error) {
	p, err := tx.Person(ctx, id)
	if errors.Is(err, store.ErrNoRows) {
		if field != "" {
			return nil, nil, parcours.FieldError(parcours.EInvalid, field, "error.person_unknown", id)
		}
		return nil, nil, parcours.NotFound()
	}
	if err != nil {
		return nil, nil, err
	}
	if p.OrgID != actor.OrgID && !actor.System {
		// Before gathering any fact about a person elsewhere.
		tx.AuditDenial(audit.Denied(actor, p.ID, p.OrgID))
		if field != "" {
			return nil, nil, parcours.FieldError(parcours.EInvalid, field, "error.person_unknown", id)
		}
		return nil, nil, parcours.NotFound()
	}
	// Merging changes both files: the actor must follow each person
	// (need-to-know, access/need.go), not merely find them, and a
	// break-glass is not enough (access.lasting): a merge into a person
	// one follows would keep the file readable after it expired.
	rel, err := tx.Relation(ctx, actor.WorkerID, actor.TeamIDs, p.ID)
	if err != nil {
		return nil, nil, err
	}
	if err := access.Check(actor, act, access.Target{OrgID: p.OrgID, PersonID: p.ID, Rel: rel}); err != nil {
		tx.AuditDenial(audit.Denied(actor, p.ID, p.OrgID))
		return nil, nil, err
	}
	return p, rel, nil
}

// MergePersons makes other (a duplicate) part of keptID's file. Nothing of
// either file is rewritten or lost: the duplicate points at the kept
// person, its journal, documents and audit trail stay under its own id
// and are read through the pointer (store.MergedIDs), it leaves the search
// results, and UndoMerge restores it as it was.
func (s *Service) MergePersons(ctx context.Context, actor parcours.Actor, keptID string, in MergeInput) (*Merge, error) {
	if err := access.Check(actor, access.PersonMerge, access.Target{}); err != nil {
		return nil, err
	}
	var out *Merge
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		kept, keptRel, err := loadForMerge(ctx, tx, actor, access.PersonMerge, keptID, "")
		if err != nil {
			return err
		}
		if strings.TrimSpace(in.OtherID) == "" {
			return parcours.FieldError(parcours.EInvalid, "other_id", "error.field_required", "field.merge_other_id")
		}
		if in.OtherID == kept.ID {
			return parcours.FieldError(parcours.EInvalid, "other_id", "error.merge_same_person")
		}
		other, otherRel, err := loadForMerge(ctx, tx, actor, access.PersonMerge, in.OtherID, "other_id")
		if err != nil {
			return err
		}
		reason, err := checkReason(in.Reason)
		if err != nil {
			return err
		}
		// Two files that the duplicate detection does not find alike are
		// merged only on a manager's word, given for both files.
		confirmed := false
		if !Alike(kept, other) {
			if !in.ConfirmNotAlike {
				return parcours.FieldError(parcours.EInvalid, "other_id", "error.merge_not_alike")
			}
			for _, t := range []access.Target{
				{OrgID: kept.OrgID, PersonID: kept.ID, Rel: keptRel},
				{OrgID: other.OrgID, PersonID: other.ID, Rel: otherRel},
			} {
				if err := access.Check(actor, access.MergeConfirmUnlike, t); err != nil {
					if e := parcours.AsError(err); e != nil && e.Key == "error.forbidden" {
						return parcours.FieldError(parcours.EForbidden, "confirm_not_alike", "error.merge_confirm_manager")
					}
					return err
				}
			}
			confirmed = true
		}
		for _, p := range []*parcours.Person{kept, other} {
			into, err := tx.MergedInto(ctx, p.ID)
			if err != nil {
				return err
			}
			if into != "" {
				return parcours.Errorf(parcours.EConflict, "error.merge_already_merged")
			}
		}
		m := &store.PersonMerge{OrgID: kept.OrgID, KeptID: kept.ID, AbsorbedID: other.ID, Reason: reason, MergedBy: actor.WorkerID}
		ok, err := tx.InsertMerge(ctx, m)
		if err != nil {
			return err
		}
		if !ok {
			return parcours.Errorf(parcours.EConflict, "error.merge_already_merged")
		}
		// The duplicate leaves the search index; an undo puts it back.
		if err := tx.ReplacePersonTerms(ctx, other, nil); err != nil {
			return err
		}
		// One event in each file's trail, so that both access logs tell
		// it; a manager's confirmation of files not alike is an event of
		// its own, before the merge it allowed.
		for _, pid := range []string{kept.ID, other.ID} {
			if confirmed {
				ev := audit.For(actor, "person.merge.confirm_unlike", "person_merge", m.ID, pid)
				ev.Reason = reason
				tx.Audit(ev)
			}
			ev := audit.For(actor, "person.merge", "person_merge", m.ID, pid)
			ev.Reason = reason
			tx.Audit(ev)
		}
		out = mergeOf(m)
		return nil
	})
	return out, err
}

// UndoMerge separates the two files of a merge again.
func (s *Service) UndoMerge(ctx context.Context, actor parcours.Actor, mergeID string, in UndoInput) (*Merge, error) {
	if err := access.Check(actor, access.PersonMergeUndo, access.Target{}); err != nil {
		return nil, err
	}
	var out *Merge
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		m, err := tx.Merge(ctx, mergeID)
		if errors.Is(err, store.ErrNoRows) {
			return parcours.NotFound()
		}
		if err != nil {
			return err
		}
		if m.OrgID != actor.OrgID && !actor.System {
			return parcours.NotFound()
		}
		// An undo moves rows out of a file: those who follow both persons
		// only, never through a break-glass.
		for _, id := range []string{m.KeptID, m.AbsorbedID} {
			if _, _, err := loadForMerge(ctx, tx, actor, access.PersonMergeUndo, id, ""); err != nil {
				return err
			}
		}
		reason, err := checkReason(in.Reason)
		if err != nil {
			return err
		}
		if !m.UndoneAt.IsZero() {
			return parcours.Errorf(parcours.EConflict, "error.merge_already_undone")
		}
		m.UndoneBy, m.UndoReason = actor.WorkerID, reason
		ok, err := tx.UndoMerge(ctx, m)
		if err != nil {
			return err
		}
		if !ok {
			return parcours.Errorf(parcours.EConflict, "error.merge_already_undone")
		}
		absorbed, err := tx.Person(ctx, m.AbsorbedID)
		if err != nil {
			return err
		}
		if err := IndexPerson(ctx, tx, absorbed); err != nil {
			return err
		}
		for _, pid := range []string{m.KeptID, m.AbsorbedID} {
			ev := audit.For(actor, "person.merge.undo", "person_merge", m.ID, pid)
			ev.Reason = reason
			tx.Audit(ev)
		}
		out = mergeOf(m)
		return nil
	})
	return out, err
}

// MergedIDs returns personID and the ids of the duplicates merged into it,
// for services reading a whole file.
func MergedIDs(ctx context.Context, tx *store.Tx, personID string) ([]string, error) {
	return tx.MergedIDs(ctx, personID)
}

// Merges lists the merges a person took part in (kept or absorbed),
// newest first, so that a worker finds the one to undo. It is a read of
// the person's file, audited.
func (s *Service) Merges(ctx context.Context, actor parcours.Actor, personID string) ([]*Merge, error) {
	out := []*Merge{}
	err := s.db.View(ctx, func(tx *store.Tx) error {
		p, err := tx.Person(ctx, personID)
		if errors.Is(err, store.ErrNoRows) {
			return parcours.NotFound()
		}
		if err != nil {
			return err
		}
		if p.OrgID != actor.OrgID && !actor.System {
			return parcours.NotFound() // before gathering any fact about it
		}
		// The merges tell which files are one person's: part of the file,
		// read under the file's need-to-know like the rest of it.
		rel, err := tx.Relation(ctx, actor.WorkerID, actor.TeamIDs, p.ID)
		if err != nil {
			return err
		}
		if err := access.Check(actor, access.PersonRead, access.Target{OrgID: p.OrgID, PersonID: p.ID, Rel: rel}); err != nil {
			return err
		}
		ms, err := tx.MergesOf(ctx, p.ID)
		if err != nil {
			return err
		}
		for _, m := range ms {
			out = append(out, mergeOf(m))
		}
		tx.Audit(audit.For(actor, "person.merge.list", "person", p.ID, p.ID))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
