package auth_test

import (
	"testing"
	"time"

	"parcours/internal/app/apptest"
	"parcours/internal/auth"
	"parcours/internal/parcours"
	"parcours/internal/store"
	"parcours/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

func TestCleanUp_RemovesExpiredSessionsAndStaleCountersOnly(t *testing.T) {
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		ctx := t.Context()
		db := e.App.DB
		now := time.Date(2026, 11, 25, 18, 0, 0, 0, time.UTC)
		at := func(d time.Duration) func() time.Time { return func() time.Time { return now.Add(d) } }
		// session opens one at created and last uses it at seen.
		session := func(id string, created, seen time.Duration) {
			t.Helper()
			db.Now = at(created)
			if err := db.Transact(ctx, func(tx *store.Tx) error {
				return tx.InsertSession(ctx, &store.SessionRow{IDHash: id, WorkerID: e.Workers["worker"].ID, MFADone: true, CSRF: "x"})
			}); err != nil {
				t.Fatal(err)
			}
			db.Now = at(seen)
			if err := db.Transact(ctx, func(tx *store.Tx) error { return tx.TouchSession(ctx, id) }); err != nil {
				t.Fatal(err)
			}
		}
		session("fresh", -time.Hour, -5*time.Minute)
		session("nearly-idle", -11*time.Hour-59*time.Minute, -29*time.Minute)
		session("idle", -time.Hour, -31*time.Minute)
		session("too-old", -12*time.Hour-time.Minute, -time.Minute)
		err := db.Transact(ctx, func(tx *store.Tx) error {
			for _, th := range []*store.Throttle{
				{Key: "account:stale", Failures: 3, WindowStart: now.Add(-20 * time.Minute).UnixMicro()},
				{Key: "account:locked", Failures: 10, WindowStart: now.Add(-20 * time.Minute).UnixMicro(), LockedUntil: now.Add(5 * time.Minute).UnixMicro()},
				{Key: "ip:recent", Failures: 1, WindowStart: now.Add(-5 * time.Minute).UnixMicro()},
			} {
				if err := tx.SaveThrottle(ctx, th); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}

		db.Now = at(0)
		got, err := e.App.Auth.CleanUp(ctx, parcours.SystemActor())
		if err != nil || got != (auth.Cleaned{Sessions: 2, Throttles: 1}) {
			t.Fatalf("CleanUp = %+v, %v; want 2 sessions and 1 counter", got, err)
		}
		err = db.View(ctx, func(tx *store.Tx) error {
			for id, want := range map[string]bool{"fresh": true, "nearly-idle": true, "idle": false, "too-old": false} {
				_, err := tx.Session(ctx, id)
				if kept := err == nil; kept != want {
					t.Errorf("session %s kept %v, want %v (%v)", id, kept, want, err)
				}
			}
			for key, want := range map[string]int{"account:stale": 0, "account:locked": 10, "ip:recent": 1} {
				th, err := tx.Throttle(ctx, key)
				if err != nil || th.Failures != want {
					t.Errorf("counter %s: %+v, %v; want %d failures", key, th, err, want)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if got, err := e.App.Auth.CleanUp(ctx, parcours.SystemActor()); err != nil || got != (auth.Cleaned{}) {
			t.Errorf("second CleanUp = %+v, %v; want nothing left", got, err)
		}
	})
}

func TestCleanUp_OnlyTheServerRunsIt(t *testing.T) {
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		_, err := e.App.Auth.CleanUp(t.Context(), e.Actor("admin"))
		if parcours.ErrorCode(err) != parcours.EForbidden {
			t.Errorf("admin: %v, want forbidden", err)
		}
	})
}
