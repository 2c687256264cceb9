package store_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"

	"parcours/internal/app"
	"parcours/internal/parcours"
	"parcours/internal/person"
	"parcours/internal/store"
	"parcours/internal/store/storetest"
)

// Two Parcours instances (two apps, two connection pools) on one
// PostgreSQL database, writing and reading at the same time: the chain
// must stay gapless and valid. Each transaction seals inline here (no
// sealer runs): the sealing transactions of both instances take turns
// under the advisory lock; see audit_seal_test.go for the sealers.
func TestAuditChain_TwoInstancesOnOnePostgres(t *testing.T) {
	dsn, dbs := storetest.Instances(t, store.Postgres, 2)
	ctx := context.Background()
	var apps []*app.App
	for _, db := range dbs {
		// Each its own data directory, one master key (PARCOURS_MASTER_KEY):
		// the instances share the keys stored in the database.
		a, err := app.New(app.Config{Database: dsn, DataDir: t.TempDir(), MasterKey: bytes.Repeat([]byte{7}, 32),
			Log: slog.New(slog.NewTextHandler(io.Discard, nil))}, db)
		if err != nil {
			t.Fatal(err)
		}
		apps = append(apps, a)
	}
	org := &parcours.Organization{Name: "CCAS concurrent", Kind: parcours.OrgCCAS}
	w := &parcours.Worker{Email: "w@ccas.test", Role: parcours.RoleWorker}
	err := apps[0].DB.Transact(ctx, func(tx *store.Tx) error {
		if err := tx.InsertOrganization(ctx, org); err != nil {
			return err
		}
		team := &parcours.Team{OrgID: org.ID, Name: "Accueil"}
		if err := tx.InsertTeam(ctx, team); err != nil {
			return err
		}
		w.OrgID, w.TeamIDs = org.ID, []string{team.ID}
		return tx.InsertWorker(ctx, w, "")
	})
	if err != nil {
		t.Fatal(err)
	}
	actor := w.Actor()
	const perWriter, writers = 15, 4
	var wg sync.WaitGroup
	errs := make(chan error, 2*writers*perWriter)
	for i, a := range apps {
		for g := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for n := range perWriter {
					name := fmt.Sprintf("Instance%dWriter%dN%d", i, g, n)
					p, err := a.Persons.Create(ctx, actor, person.Input{BirthName: &name, FirstNames: &name,
						BirthDate: ptr("1980-01-01"), Sex: ptr(parcours.SexFemale)})
					if err != nil {
						errs <- err
						return
					}
					if _, err := a.Persons.Get(ctx, actor, p.ID); err != nil { // a read: audited too
						errs <- err
						return
					}
				}
			}()
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	rep, err := apps[1].DB.VerifyAudit(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := int64(2 * 2 * writers * perWriter) // one create and one read each
	if rep.Problem != nil || rep.Checked < want {
		t.Fatalf("chain after concurrent writes: %+v (problem %v), want ≥ %d valid events", rep, rep.Problem, want)
	}
	var count, maxSeq int64
	if err := apps[0].DB.SQL().QueryRow("SELECT COUNT(*), MAX(seq) FROM audit_events").Scan(&count, &maxSeq); err != nil {
		t.Fatal(err)
	}
	if count != maxSeq || count != rep.Checked {
		t.Fatalf("%d events, max seq %d, %d checked: the sequence has gaps", count, maxSeq, rep.Checked)
	}
}

func ptr[T any](v T) *T { return &v }
