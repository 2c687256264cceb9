package auth

import (
	"context"
	"log/slog"

	"parcours/internal/access"
	"parcours/internal/audit"
	"parcours/internal/parcours"
	"parcours/internal/store"
)

// ChangePassword replaces the actor's password after checking the current
// one. Every other session of the worker is ended (a thief signed in
// elsewhere is thrown out); keep, the session making the change, stays
// signed in. Wrong current passwords count towards the account lockout.
func (s *Service) ChangePassword(ctx context.Context, actor parcours.Actor, keep *Session, current, next string) error {
	if err := access.Check(actor, access.SelfManage, access.Target{OrgID: actor.OrgID}); err != nil {
		return err
	}
	var w *parcours.Worker
	var sec *store.WorkerSecrets
	if err := s.db.View(ctx, func(tx *store.Tx) error {
		var err error
		if w, err = tx.Worker(ctx, actor.WorkerID); err != nil {
			return err
		}
		sec, err = tx.WorkerSecrets(ctx, w.ID)
		return err
	}); err != nil {
		return err
	}
	akey := accountKey(w.Email)
	if locked, err := s.locked(ctx, akey); err != nil {
		return err
	} else if locked {
		return errLocked()
	}
	var p parcours.Problems
	if !VerifyPassword(sec.PasswordHash, current) {
		_ = s.db.Transact(ctx, func(tx *store.Tx) error { return bump(ctx, tx, akey, maxAccountFailures) })
		s.log.LogAttrs(ctx, slog.LevelWarn, "password change refused", slog.String("worker_id", w.ID), slog.String("reason", "wrong_current"))
		p.Add("current_password", "auth.error.current_password_wrong")
	}
	if err := CheckPassword(next, w.Email); err != nil {
		e := parcours.AsError(err)
		p.Add("new_password", e.Key, e.Args...)
	}
	if err := p.Err(); err != nil {
		return err
	}
	hash := HashPassword(next)
	keepHash := ""
	if keep != nil {
		keepHash = keep.idHash
	}
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		if err := tx.SetPassword(ctx, w.ID, hash); err != nil {
			return err
		}
		if err := tx.DeleteOtherSessions(ctx, w.ID, keepHash); err != nil {
			return err
		}
		tx.Audit(audit.For(actor, "auth.password.change", "worker", w.ID, ""))
		return nil
	})
	if err == nil {
		s.log.LogAttrs(ctx, slog.LevelInfo, "password changed", slog.String("worker_id", w.ID))
	}
	return err
}

// SetLanguage records the actor's preferred language ("fr" or "en").
func (s *Service) SetLanguage(ctx context.Context, actor parcours.Actor, lang string) error {
	if err := access.Check(actor, access.SelfManage, access.Target{OrgID: actor.OrgID}); err != nil {
		return err
	}
	if lang != "fr" && lang != "en" {
		return parcours.FieldError(parcours.EInvalid, "language", "error.invalid_choice", "field.language", lang)
	}
	return s.db.Transact(ctx, func(tx *store.Tx) error {
		w, err := tx.Worker(ctx, actor.WorkerID)
		if err != nil {
			return err
		}
		w.Language = lang
		if err := tx.UpdateWorker(ctx, w); err != nil {
			return err
		}
		tx.Audit(audit.For(actor, "worker.language", "worker", w.ID, ""))
		return nil
	})
}

// SessionCount returns how many sessions a worker has open; for the
// profile page and tests.
func (s *Service) SessionCount(ctx context.Context, actor parcours.Actor) (int, error) {
	if err := access.Check(actor, access.SelfManage, access.Target{OrgID: actor.OrgID}); err != nil {
		return 0, err
	}
	var n int
	err := s.db.View(ctx, func(tx *store.Tx) error {
		var err error
		n, err = tx.CountWorkerSessions(ctx, actor.WorkerID)
		return err
	})
	return n, err
}
