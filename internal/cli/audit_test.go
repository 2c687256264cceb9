package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"parcours/internal/audit"
	"parcours/internal/parcours"
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

func TestAuditDesignateDPO_OpensTheAuditSearch(t *testing.T) {
	ctx := context.Background()
	dsn := storetest.DSN(t, store.SQLite)
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	o := &parcours.Organization{Name: "CCAS DPO", Kind: parcours.OrgCCAS}
	w := &parcours.Worker{Email: "dpo@ccas.test", Role: parcours.RoleReception}
	if err := db.Transact(ctx, func(tx *store.Tx) error {
		if err := tx.InsertOrganization(ctx, o); err != nil {
			return err
		}
		w.OrgID = o.ID
		return tx.InsertWorker(ctx, w, "")
	}); err != nil {
		t.Fatal(err)
	}
	isDPO := func() bool {
		var ok bool
		if err := db.View(ctx, func(tx *store.Tx) error { ok, err = tx.IsDPO(ctx, w.ID); return err }); err != nil {
			t.Fatal(err)
		}
		return ok
	}
	var out bytes.Buffer
	if err := Run(ctx, []string{"audit", "designate-dpo", "--email", "DPO@ccas.test", "--database", dsn}, nil, &out, &out); err != nil {
		t.Fatal(err)
	}
	if strings.TrimSpace(out.String()) != w.ID || !isDPO() {
		t.Fatalf("designate: %q, dpo %v", out.String(), isDPO())
	}
	if err := Run(ctx, []string{"audit", "designate-dpo", "--email", "dpo@ccas.test", "--withdraw", "--database", dsn}, nil, &out, &out); err != nil || isDPO() {
		t.Fatalf("withdraw: %v, dpo %v", err, isDPO())
	}
	if err := Run(ctx, []string{"audit", "designate-dpo", "--email", "nobody@ccas.test", "--database", dsn}, nil, &out, &out); err == nil || ExitCode(err) != 1 {
		t.Fatalf("unknown e-mail: %v", err)
	}
	rep, err := db.VerifyAudit(ctx, nil)
	if err != nil || rep.Problem != nil || rep.Checked != 2 {
		t.Fatalf("designations audited: %+v, %v", rep, err)
	}
}

func TestServeAccessOptions_OutOfBoundsAreUsageErrors(t *testing.T) {
	defer func(r string, d time.Duration) { serveAccess.retention, serveAccess.breakGlass = r, d }(serveAccess.retention, serveAccess.breakGlass)
	for _, tc := range []struct {
		retention string
		bg        time.Duration
	}{{"4y", 4 * time.Hour}, {"5m", 4 * time.Hour}, {"1y", 10 * time.Minute}, {"1y", 48 * time.Hour}} {
		serveAccess.retention, serveAccess.breakGlass = tc.retention, tc.bg
		_, err := accessJob(&Common{DataDir: t.TempDir()}, nil)
		if err == nil || ExitCode(err) != 2 {
			t.Errorf("retention %s, break-glass %s: %v, want a usage error", tc.retention, tc.bg, err)
		}
	}
}

// Deleting the newest events keeps a valid chain; the anchor that the
// previous verification left in the data directory catches it.
func TestAuditVerify_AnchorCatchesDeletedNewestEvents(t *testing.T) {
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
			write := func(n int) {
				for range n {
					if err := db.Transact(ctx, func(tx *store.Tx) error {
						tx.Audit(audit.Event{ActorID: "w", Action: "person.read", PersonID: "p"})
						return nil
					}); err != nil {
						t.Fatal(err)
					}
				}
			}
			dataDir := t.TempDir()
			verify := func() error {
				var out bytes.Buffer
				return Run(ctx, []string{"audit", "verify", "--database", dsn, "--data-dir", dataDir}, nil, &out, &out)
			}
			write(6)
			if err := verify(); err != nil {
				t.Fatal(err)
			}
			write(2) // events after the anchor are fine
			if err := verify(); err != nil {
				t.Fatal(err)
			}
			a, err := audit.ReadAnchor(dataDir)
			if err != nil || a == nil || a.Seq != 8 {
				t.Fatalf("anchor %+v, %v; want seq 8", a, err)
			}
			stmts := []string{"ALTER TABLE audit_events DISABLE TRIGGER USER"}
			if d == store.SQLite {
				stmts = []string{"DROP TRIGGER audit_events_no_delete"}
			}
			for _, s := range append(stmts, "DELETE FROM audit_events WHERE seq > 6") {
				if _, err := db.SQL().Exec(s); err != nil {
					t.Fatal(err)
				}
			}
			err = verify()
			if err == nil || ExitCode(err) != 1 || !strings.Contains(Message(err), "event 8") || !strings.Contains(Message(err), "deleted") {
				t.Fatalf("truncated chain: %v, want exit 1 naming event 8", err)
			}
			// Writing new events over the hole does not hide it either.
			write(3)
			if err := verify(); err == nil || !strings.Contains(Message(err), "event 8") {
				t.Fatalf("rewritten tail: %v, want event 8 named", err)
			}
		})
	}
}

// Events left unsealed longer than --unsealed-limit (no server, or its
// sealer failing) fail "audit verify"; younger ones do not, and once
// sealed the chain verifies.
func TestAuditVerifyCommand_FailsOnEventsLeftUnsealed(t *testing.T) {
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
			db.SetSealInline(false) // as when a sealer is in charge
			db.Now = func() time.Time { return time.Now().UTC().Add(-time.Minute) }
			if err := db.Transact(ctx, func(tx *store.Tx) error {
				tx.Audit(audit.Event{ActorID: "w", Action: "person.read", PersonID: "p"})
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			run := func(args ...string) (string, error) {
				var out, errb bytes.Buffer
				err := Run(ctx, append([]string{"audit", "verify", "--database", dsn, "--data-dir", t.TempDir()}, args...), nil, &out, &errb)
				return out.String(), err
			}
			if _, err := run(); err == nil || ExitCode(err) != 1 || !strings.Contains(Message(err), "1 audit event(s) not sealed") {
				t.Fatalf("an event unsealed for a minute: %v (exit %d), want exit 1 saying so", err, ExitCode(err))
			}
			if out, err := run("--unsealed-limit", "2m"); err != nil {
				t.Fatalf("within --unsealed-limit 2m: %q, %v; want exit 0", out, err)
			}
			if n, err := db.SealAudit(ctx); err != nil || n != 1 {
				t.Fatalf("seal: %d, %v", n, err)
			}
			if out, err := run(); err != nil || !strings.Contains(out, "1 events checked") {
				t.Fatalf("sealed: %q, %v; want exit 0 and 1 event", out, err)
			}
		})
	}
}
