// Package breakglass lets a worker without a relation to a person open
// their file in an emergency (bris de glace): a written reason of at least
// 20 characters, an access limited in time, every audit event it causes
// marked with it, the referent and the team's managers notified, and a
// review by a manager who says whether it was justified.
package breakglass

import (
	"context"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"parcours/internal/access"
	"parcours/internal/audit"
	"parcours/internal/file"
	"parcours/internal/parcours"
	"parcours/internal/store"
)

// Reason length bounds, in characters.
const (
	MinReason = 20
	MaxReason = 1000
)

// DefaultDuration is how long an access stays open.
const DefaultDuration = 4 * time.Hour

// ArchiveDuration is how long a consultation of an archived file stays
// open.
const ArchiveDuration = time.Hour

// Service is the break-glass service.
type Service struct {
	db *store.DB
	// Duration is how long an access stays open.
	Duration time.Duration
}

// New returns a Service on db; d ≤ 0 means DefaultDuration.
func New(db *store.DB, d time.Duration) *Service {
	if d <= 0 {
		d = DefaultDuration
	}
	return &Service{db: db, Duration: d}
}

// Check tells whether the actor may open a break-glass access to the
// person's file, before they write a reason (the form page asks it).
func (s *Service) Check(ctx context.Context, actor parcours.Actor, personID string) error {
	return s.db.View(ctx, func(tx *store.Tx) error {
		_, err := file.Open(ctx, tx, actor, access.BreakGlassOpen, personID)
		return err
	})
}

// Open opens the actor's break-glass access to the person's file.
func (s *Service) Open(ctx context.Context, actor parcours.Actor, personID, reason string) (*parcours.BreakGlass, error) {
	reason = strings.TrimSpace(reason)
	var b *parcours.BreakGlass
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		f, err := file.Open(ctx, tx, actor, access.BreakGlassOpen, personID)
		if err != nil {
			return err
		}
		rel := f.Rel
		switch n := utf8.RuneCountInString(reason); {
		case n == 0:
			return parcours.FieldError(parcours.EInvalid, "reason", "error.field_required", "field.reason")
		case n < MinReason:
			return parcours.FieldError(parcours.EInvalid, "reason", "error.break_glass_reason_short", MinReason)
		case n > MaxReason:
			return parcours.FieldError(parcours.EInvalid, "reason", "error.field_too_long", "field.reason", MaxReason)
		}
		if rel.BreakGlass != nil {
			// Already open: say so rather than stack accesses.
			return parcours.Errorf(parcours.EConflict, "error.break_glass_open")
		}
		b = &parcours.BreakGlass{OrgID: rel.OrgID, PersonID: personID, WorkerID: actor.WorkerID, Reason: reason}
		if rel.Archived {
			// A manager's or the DPO's consultation of an archived file
			// (access/archive.go): the same stamped, time-limited access,
			// of its own kind; nobody follows an archived file any more.
			b.Kind = parcours.BreakGlassArchive
			if err := tx.InsertBreakGlass(ctx, b, ArchiveDuration); err != nil {
				return err
			}
			ev := audit.For(actor, "archive.consult", "break_glass", b.ID, personID)
			ev.BreakGlass, ev.Reason = b.ID, b.Reason
			tx.Audit(ev)
			return nil
		}
		if err := tx.InsertBreakGlass(ctx, b, s.Duration); err != nil {
			return err
		}
		followers, err := f.Followers(ctx)
		if err != nil {
			return err
		}
		for _, w := range followers {
			if w == actor.WorkerID {
				continue
			}
			if err := tx.InsertNotification(ctx, &parcours.Notification{WorkerID: w, Kind: "break_glass", PersonID: personID, ObjectID: b.ID}); err != nil {
				return err
			}
		}
		ev := audit.For(actor, "break_glass.open", "break_glass", b.ID, personID)
		ev.BreakGlass, ev.Reason = b.ID, b.Reason
		tx.Audit(ev)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return b, nil
}

// Reviews lists the break-glass accesses of the actor's organisation,
// newest first; pending keeps those not reviewed yet.
func (s *Service) Reviews(ctx context.Context, actor parcours.Actor, pending bool) ([]*parcours.BreakGlass, error) {
	if err := access.Check(actor, access.BreakGlassReview, access.Target{}); err != nil {
		return nil, err
	}
	var out []*parcours.BreakGlass
	err := s.db.View(ctx, func(tx *store.Tx) error {
		var err error
		if out, err = tx.BreakGlassReviews(ctx, actor.OrgID, pending, 200); err != nil {
			return err
		}
		// The list names persons (by id) and carries reasons: a read.
		tx.Audit(audit.For(actor, "break_glass.list", "break_glass", "", ""))
		return nil
	})
	return out, err
}

// ReviewInput is a manager's verdict.
type ReviewInput struct {
	Verdict string `json:"verdict"` // justified or unjustified
	Note    string `json:"note"`
}

// Review records a manager's verdict on a break-glass access. Reviews are
// final; a manager does not review their own access.
func (s *Service) Review(ctx context.Context, actor parcours.Actor, id string, in ReviewInput) (*parcours.BreakGlass, error) {
	var b *parcours.BreakGlass
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		var err error
		b, err = tx.BreakGlass(ctx, id)
		if errors.Is(err, store.ErrNoRows) {
			return parcours.NotFound()
		}
		if err != nil {
			return err
		}
		if err := access.Check(actor, access.BreakGlassReview, access.Target{OrgID: b.OrgID}); err != nil {
			return err
		}
		if b.WorkerID == actor.WorkerID {
			return parcours.Errorf(parcours.EForbidden, "error.review_own_break_glass")
		}
		var v parcours.Problems
		if in.Verdict != parcours.ReviewJustified && in.Verdict != parcours.ReviewUnjustified {
			if in.Verdict == "" {
				v.Add("verdict", "error.field_required", "field.verdict")
			} else {
				v.Add("verdict", "error.invalid_choice", "field.verdict", in.Verdict)
			}
		}
		note := strings.TrimSpace(in.Note)
		v.MaxLen("note", note, MaxReason)
		if err := v.Err(); err != nil {
			return err
		}
		b.Review, b.ReviewNote, b.ReviewedBy = in.Verdict, note, actor.WorkerID
		ok, err := tx.ReviewBreakGlass(ctx, b)
		if err != nil {
			return err
		}
		if !ok {
			return parcours.Errorf(parcours.EConflict, "error.break_glass_reviewed")
		}
		tx.Audit(audit.For(actor, "break_glass.review", "break_glass", b.ID, b.PersonID))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return b, nil
}

// Notifications returns the actor's latest notifications. They hold
// identifiers only; opening what they point to is audited there.
func (s *Service) Notifications(ctx context.Context, actor parcours.Actor) ([]*parcours.Notification, error) {
	if err := access.Check(actor, access.NotificationRead, access.Target{}); err != nil {
		return nil, err
	}
	var out []*parcours.Notification
	err := s.db.View(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.Notifications(ctx, actor.WorkerID, 100)
		return err
	})
	return out, err
}

// MarkNotificationRead marks one of the actor's notifications read and
// returns it; another worker's notification is not found. Marking is part
// of reading one's own notifications: no person's file is read.
func (s *Service) MarkNotificationRead(ctx context.Context, actor parcours.Actor, id string) (*parcours.Notification, error) {
	if err := access.Check(actor, access.NotificationRead, access.Target{}); err != nil {
		return nil, err
	}
	var out *parcours.Notification
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		if _, err := tx.MarkNotificationsRead(ctx, actor.WorkerID, []string{id}); err != nil {
			return err
		}
		n, err := tx.Notification(ctx, actor.WorkerID, id)
		if errors.Is(err, store.ErrNoRows) {
			return parcours.NotFound()
		}
		out = n
		return err
	})
	return out, err
}

// MarkAllNotificationsRead marks every unread notification of the actor
// read and returns how many there were.
func (s *Service) MarkAllNotificationsRead(ctx context.Context, actor parcours.Actor) (int, error) {
	if err := access.Check(actor, access.NotificationRead, access.Target{}); err != nil {
		return 0, err
	}
	var n int64
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		var err error
		n, err = tx.MarkNotificationsRead(ctx, actor.WorkerID, nil)
		return err
	})
	return int(n), err
}
