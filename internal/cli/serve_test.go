package cli

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"parcours/internal/app"
	"parcours/internal/audit"
	"parcours/internal/store"
	"parcours/internal/store/storetest"
)

// "parcours serve" runs the audit sealer: while it serves, transactions
// leave their events unchained and the sealer, holding its lease, chains
// them; when it stops, nothing is left pending.
func TestServe_RunsTheAuditSealer(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(d.String(), func(t *testing.T) {
			t.Parallel()
			ctx, stop := context.WithCancel(context.Background())
			defer stop()
			a, err := app.Open(ctx, app.Config{Database: storetest.DSN(t, d), DataDir: t.TempDir(),
				MasterKey: bytes.Repeat([]byte{3}, 32), Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
			if err != nil {
				t.Fatal(err)
			}
			defer a.Close()
			ready := make(chan struct{})
			done := make(chan error, 1)
			go func() {
				done <- serve(ctx, &env{stdout: io.Discard, stderr: io.Discard}, a, "127.0.0.1:0", func(string) { close(ready) })
			}()
			<-ready
			count := func(q string) int {
				var n int
				if err := a.DB.SQL().QueryRow(q).Scan(&n); err != nil {
					t.Fatal(err)
				}
				return n
			}
			for i := range 3 {
				if err := a.DB.Transact(ctx, func(tx *store.Tx) error {
					tx.Audit(audit.Event{ActorID: "system", Action: "test.serve", ObjectID: string(rune('a' + i))})
					return nil
				}); err != nil {
					t.Fatal(err)
				}
			}
			// Sealed by the server's sealer, every store.SealEvery.
			for count("SELECT COUNT(*) FROM audit_events WHERE action = 'test.serve'") < 3 {
				time.Sleep(store.SealEvery)
			}
			if n := count("SELECT COUNT(*) FROM job_leases WHERE name = '" + store.SealerLease + "'"); n != 1 {
				t.Fatalf("%d sealer leases, want 1", n)
			}
			stop()
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			if n := count("SELECT COUNT(*) FROM audit_pending"); n != 0 {
				t.Fatalf("%d events pending after the server stopped", n)
			}
			rep, err := a.DB.VerifyAudit(context.Background(), a.AuditKey)
			if err != nil || rep.Problem != nil {
				t.Fatalf("verify: %+v, %v", rep, err)
			}
		})
	}
}
