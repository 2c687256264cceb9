package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"parcours/internal/parcours"
	"parcours/internal/store"
	"parcours/internal/store/storetest"
)

// TestRetentionCommands_PlanApproveApplyThenAuditVerifies: "retention
// plan" lists the file three years without contact, "retention apply"
// anonymises it once approved (and only then), a second apply does
// nothing, and "audit verify" still exits 0.
func TestRetentionCommands_PlanApproveApplyThenAuditVerifies(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(d.String(), func(t *testing.T) {
			ctx := context.Background()
			dsn := storetest.DSN(t, d)
			dir := t.TempDir()
			db, err := store.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if _, err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			db.Now = func() time.Time { return time.Now().UTC().AddDate(-3, 0, 0) }
			var old, recent *parcours.Person
			err = db.Transact(ctx, func(tx *store.Tx) error {
				o := &parcours.Organization{Name: "CCAS Rétention", Kind: parcours.OrgCCAS}
				if err := tx.InsertOrganization(ctx, o); err != nil {
					return err
				}
				old = &parcours.Person{OrgID: o.ID, BirthName: "Ancien", FirstNames: "Paul", BirthDate: "1950-03-04", Sex: parcours.SexMale}
				return tx.InsertPerson(ctx, old, "")
			})
			if err != nil {
				t.Fatal(err)
			}
			db.Now = func() time.Time { return time.Now().UTC() }
			err = db.Transact(ctx, func(tx *store.Tx) error {
				recent = &parcours.Person{OrgID: old.OrgID, BirthName: "Récent", FirstNames: "Jeanne", BirthDate: "1990-03-04", Sex: parcours.SexFemale}
				return tx.InsertPerson(ctx, recent, "")
			})
			if err != nil {
				t.Fatal(err)
			}
			run := func(args ...string) string {
				t.Helper()
				var out, errb bytes.Buffer
				if err := Run(ctx, append(args, "--database", dsn, "--data-dir", dir), nil, &out, &errb); err != nil {
					t.Fatalf("%v: %v (%s)", args, err, errb.String())
				}
				return out.String()
			}
			out := run("retention", "plan")
			if !strings.Contains(out, "anonymise 1") || !strings.Contains(out, "anonymise "+old.ID) || strings.Contains(out, recent.ID) {
				t.Fatalf("retention plan printed %q, want the old file only", out)
			}
			if out := run("retention", "apply"); !strings.HasPrefix(out, "0 approved batch(es)") {
				t.Fatalf("apply before approval: %q", out)
			}
			var batch string
			if err := db.SQL().QueryRowContext(ctx, "SELECT id FROM retention_batches WHERE action = 'anonymise' AND files = 1").Scan(&batch); err != nil {
				t.Fatal(err)
			}
			if err := db.Transact(ctx, func(tx *store.Tx) error {
				_, err := tx.DecideRetentionBatch(ctx, batch, "approved", "revu", "manager")
				return err
			}); err != nil {
				t.Fatal(err)
			}
			if out := run("retention", "apply"); !strings.Contains(out, "1 approved batch(es) applied") || !strings.Contains(out, "1 anonymised") {
				t.Fatalf("apply: %q", out)
			}
			if out := run("retention", "apply"); !strings.HasPrefix(out, "0 approved batch(es)") {
				t.Fatalf("second apply: %q", out)
			}
			var name string
			if err := db.SQL().QueryRowContext(ctx, "SELECT birth_name FROM persons WHERE id = '"+old.ID+"'").Scan(&name); err != nil || name != "" {
				t.Fatalf("anonymised birth name %q, %v", name, err)
			}
			if out := run("audit", "verify"); !strings.Contains(out, "audit chain intact") {
				t.Fatalf("audit verify: %q", out)
			}
		})
	}
}
