package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"parcours/internal/audit"
	"parcours/internal/store"
	"parcours/internal/store/storetest"
)

func TestAuditVerifyCommand_ExitCodes(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(d.String(), func(t *testing.T) {
			ctx := context.Background()
			dsn := storetest.DSN(t, d)
			db, err := store.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if _, err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			for range 5 {
				if err := db.Transact(ctx, func(tx *store.Tx) error {
					tx.Audit(audit.Event{ActorID: "w", Action: "person.read", PersonID: "p"})
					return nil
				}); err != nil {
					t.Fatal(err)
				}
			}
			run := func() (string, error) {
				var out, errb bytes.Buffer
				err := Run(ctx, []string{"audit", "verify", "--database", dsn, "--data-dir", t.TempDir()}, nil, &out, &errb)
				return out.String(), err
			}
			out, err := run()
			if err != nil || !strings.Contains(out, "5 events checked") {
				t.Fatalf("intact chain: %q, %v; want exit 0 and 5 events", out, err)
			}
			// Tamper as someone with direct database access would.
			stmts := []string{"ALTER TABLE audit_events DISABLE TRIGGER USER"}
			if d == store.SQLite {
				stmts = []string{"DROP TRIGGER audit_events_no_update"}
			}
			stmts = append(stmts, "UPDATE audit_events SET person_id = 'other' WHERE seq = 3")
			for _, s := range stmts {
				if _, err := db.SQL().Exec(s); err != nil {
					t.Fatal(err)
				}
			}
			_, err = run()
			if err == nil || ExitCode(err) != 1 || !strings.Contains(Message(err), "event 3") {
				t.Fatalf("tampered chain: %v (exit %d), want exit 1 naming event 3", err, ExitCode(err))
			}
		})
	}
}
