package store_test

import (
	"context"
	"errors"
	"testing"

	"parcours/internal/audit"
	"parcours/internal/parcours"
	"parcours/internal/store"
	"parcours/internal/store/storetest"
)

// A refusal noted with AuditDenial is written although its transaction
// rolls back; a refusal recovered from, or one followed by another
// failure, is not an attempt refused, and leaves nothing.
func TestAuditDenial_WrittenOnlyForARefusal(t *testing.T) {
	t.Parallel()
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		actor := parcours.Actor{WorkerID: "w-1", OrgID: "org-1", Role: parcours.RoleWorker}
		count := func() int {
			t.Helper()
			var n int
			if err := db.SQL().QueryRow("SELECT COUNT(*) FROM audit_events WHERE action = 'access.denied'").Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		deny := func(ctx context.Context, view bool, result error) error {
			run := db.Transact
			if view {
				run = db.View
			}
			return run(ctx, func(tx *store.Tx) error {
				tx.AuditDenial(audit.Denied(actor, "p-1", "org-1"))
				return result
			})
		}
		cases := []struct {
			name   string
			ctx    context.Context
			view   bool
			result error
			want   int
		}{
			{"forbidden, read-write", ctx, false, parcours.Forbidden(), 1},
			{"not found, read-only", ctx, true, parcours.NotFound(), 1},
			{"recovered: the request succeeded", ctx, false, nil, 0},
			{"another failure", ctx, false, parcours.Errorf(parcours.EConflict, "error.conflict"), 0},
			{"an internal error", ctx, true, errors.New("boom"), 0},
		}
		for _, c := range cases {
			before := count()
			err := deny(c.ctx, c.view, c.result)
			if !errors.Is(err, c.result) && parcours.ErrorCode(err) != parcours.ErrorCode(c.result) {
				t.Errorf("%s: the transaction returned %v, want its own error %v", c.name, err, c.result)
			}
			if got := count() - before; got != c.want {
				t.Errorf("%s: %d denials written, want %d", c.name, got, c.want)
			}
		}
	})
}
