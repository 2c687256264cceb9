package org_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"parcours/internal/auth"
	"parcours/internal/org"
	"parcours/internal/parcours"
	"parcours/internal/store"
	"parcours/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

const pw = "une phrase de passe solide"

// setup creates an organisation with a team and its admin.
func setup(t *testing.T, db *store.DB) (*org.Service, *parcours.Organization, *parcours.Team, parcours.Actor) {
	t.Helper()
	ctx := context.Background()
	s := org.New(db)
	sys := parcours.SystemActor()
	o, err := s.CreateOrg(ctx, sys, org.OrgInput{Name: "CCAS de Test", Kind: parcours.OrgCCAS, SIRET: "732 829 320 00074"})
	if err != nil {
		t.Fatal(err)
	}
	tm, err := s.CreateTeam(ctx, sys, o.Name, "Accueil")
	if err != nil {
		t.Fatal(err)
	}
	a, err := s.CreateWorker(ctx, sys, o.ID, org.WorkerInput{Email: "admin@ccas.fr", Role: parcours.RoleAdmin, Teams: []string{"Accueil"}, Password: pw})
	if err != nil {
		t.Fatal(err)
	}
	return s, o, tm, a.Actor()
}

// count runs a COUNT query written with "?" placeholders on either backend.
func count(t *testing.T, db *store.DB, q string, args ...any) int {
	t.Helper()
	if db.Dialect() == store.Postgres {
		for i := range args {
			q = strings.Replace(q, "?", fmt.Sprintf("$%d", i+1), 1)
		}
	}
	var n int
	if err := db.SQL().QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func field(err error) string {
	if e := parcours.AsError(err); e != nil {
		return e.Code + ":" + e.Field
	}
	return ""
}

func TestCreateOrg_ValidatesAndAudits(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := org.New(db)
		sys := parcours.SystemActor()
		cases := []struct {
			in   org.OrgInput
			want string
		}{
			{org.OrgInput{Name: "  "}, "invalid:org_name"},
			{org.OrgInput{Name: "A", Kind: "mairie"}, "invalid:kind"},
			{org.OrgInput{Name: "A", SIRET: "73282932000075"}, "invalid:siret"},
		}
		for _, c := range cases {
			if _, err := s.CreateOrg(ctx, sys, c.in); field(err) != c.want {
				t.Errorf("CreateOrg(%+v) = %v, want %s", c.in, err, c.want)
			}
		}
		o, err := s.CreateOrg(ctx, sys, org.OrgInput{Name: "Association Test", Kind: parcours.OrgAssociation, SIRET: "732 829 320 00074"})
		if err != nil || o.SIRET != "73282932000074" || o.TOTPOptional {
			t.Fatalf("CreateOrg = %+v, %v; want spaces removed from the SIRET and TOTP required", o, err)
		}
		if _, err := s.CreateOrg(ctx, sys, org.OrgInput{Name: "Association Test"}); field(err) != "conflict:org_name" {
			t.Fatalf("duplicate: %v", err)
		}
		if n := count(t, db, "SELECT COUNT(*) FROM organizations"); n != 1 {
			t.Fatalf("%d organisations, want 1: refused inputs wrote something", n)
		}
		if n := count(t, db, "SELECT COUNT(*) FROM audit_events WHERE action = ? AND object_id = ?", "org.create", o.ID); n != 1 {
			t.Fatalf("%d org.create events, want 1", n)
		}
	})
}

func TestCreateWorker_RulesAndPasswordPolicy(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, o, tm, admin := setup(t, db)
		other, err := s.CreateOrg(ctx, parcours.SystemActor(), org.OrgInput{Name: "Département", Kind: parcours.OrgDepartement})
		if err != nil {
			t.Fatal(err)
		}
		otherTeam, _ := s.CreateTeam(ctx, parcours.SystemActor(), other.ID, "Service social")
		cases := []struct {
			name string
			in   org.WorkerInput
			want string
		}{
			{"bad e-mail", org.WorkerInput{Email: "pas-une-adresse", Role: parcours.RoleWorker, Password: pw}, "invalid:email"},
			{"bad role", org.WorkerInput{Email: "a@ccas.fr", Role: "chef", Password: pw}, "invalid:role"},
			{"short password", org.WorkerInput{Email: "a@ccas.fr", Role: parcours.RoleWorker, Password: "court"}, "invalid:password"},
			{"password = e-mail", org.WorkerInput{Email: "anne.martin@ccas.fr", Role: parcours.RoleWorker, Password: "anne.martin@ccas.fr"}, "invalid:password"},
			{"team of another organisation", org.WorkerInput{Email: "a@ccas.fr", Role: parcours.RoleWorker, Teams: []string{otherTeam.ID}, Password: pw}, "invalid:teams"},
			{"e-mail taken (any case)", org.WorkerInput{Email: "ADMIN@ccas.fr", Role: parcours.RoleWorker, Password: pw}, "conflict:email"},
		}
		for _, c := range cases {
			if _, err := s.CreateWorker(ctx, admin, o.ID, c.in); field(err) != c.want {
				t.Errorf("%s: %v, want %s", c.name, err, c.want)
			}
		}
		if n := count(t, db, "SELECT COUNT(*) FROM workers"); n != 1 {
			t.Fatalf("%d workers, want only the admin: refused inputs wrote something", n)
		}
		// An admin creates accounts in their organisation only; other
		// roles not at all.
		if _, err := s.CreateWorker(ctx, admin, other.ID, org.WorkerInput{Email: "x@dep.fr", Role: parcours.RoleWorker, Password: pw}); field(err) != "not_found:org" {
			t.Fatalf("admin creating in another organisation: %v", err)
		}
		w, err := s.CreateWorker(ctx, admin, o.ID, org.WorkerInput{Email: " Lea.Petit@CCAS.fr ", FirstName: "Léa", Role: parcours.RoleWorker, Teams: []string{tm.ID, "Accueil"}, Password: pw})
		if err != nil || w.Email != "lea.petit@ccas.fr" || len(w.TeamIDs) != 1 || w.TeamIDs[0] != tm.ID {
			t.Fatalf("CreateWorker = %+v, %v", w, err)
		}
		if _, err := s.CreateWorker(ctx, w.Actor(), o.ID, org.WorkerInput{Email: "b@ccas.fr", Role: parcours.RoleAdmin, Password: pw}); parcours.ErrorCode(err) != parcours.EForbidden {
			t.Fatalf("worker creating an account: %v, want forbidden", err)
		}
		var hash string
		if err := db.View(ctx, func(tx *store.Tx) error {
			sec, err := tx.WorkerSecrets(ctx, w.ID)
			hash = sec.PasswordHash
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if !auth.VerifyPassword(hash, pw) {
			t.Fatal("the stored hash does not verify the password")
		}
	})
}

func TestUpdateWorker_DisableAndResetEndSessions(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, o, _, admin := setup(t, db)
		w, err := s.CreateWorker(ctx, admin, o.ID, org.WorkerInput{Email: "w@ccas.fr", Role: parcours.RoleWorker, Password: pw})
		if err != nil {
			t.Fatal(err)
		}
		a := auth.New(db, nil)
		for range 2 {
			if _, err := a.NewSession(ctx, w.ID, true); err != nil {
				t.Fatal(err)
			}
		}
		sessions := func() int { return count(t, db, "SELECT COUNT(*) FROM sessions WHERE worker_id = ?", w.ID) }
		first := "Léa"
		if _, err := s.UpdateWorker(ctx, admin, w.ID, org.WorkerUpdate{FirstName: &first}); err != nil || sessions() != 2 {
			t.Fatalf("renaming: %v, %d sessions; want the sessions kept", err, sessions())
		}
		yes := true
		if _, err := s.UpdateWorker(ctx, admin, w.ID, org.WorkerUpdate{Disabled: &yes}); err != nil || sessions() != 0 {
			t.Fatalf("disabling: %v, %d sessions left, want 0", err, sessions())
		}
		if n := count(t, db, "SELECT COUNT(*) FROM audit_events WHERE action = ? AND object_id = ?", "worker.disable", w.ID); n != 1 {
			t.Fatalf("%d worker.disable events", n)
		}
		a.NewSession(ctx, w.ID, true)
		if _, err := s.UpdateWorker(ctx, admin, w.ID, org.WorkerUpdate{Password: "qwertyuiop123"}); field(err) != "invalid:password" || sessions() != 1 {
			t.Fatalf("common reset password: %v, %d sessions; want refused and nothing ended", err, sessions())
		}
		if _, err := s.UpdateWorker(ctx, admin, w.ID, org.WorkerUpdate{ResetTOTP: true}); err != nil || sessions() != 0 {
			t.Fatalf("TOTP reset: %v, %d sessions left, want 0", err, sessions())
		}
		// Admins cannot lock themselves out.
		no := parcours.RoleWorker
		if _, err := s.UpdateWorker(ctx, admin, admin.WorkerID, org.WorkerUpdate{Role: &no}); field(err) != "invalid:role" {
			t.Fatalf("self-demotion: %v", err)
		}
		if _, err := s.UpdateWorker(ctx, admin, admin.WorkerID, org.WorkerUpdate{Disabled: &yes}); field(err) != "invalid:disabled" {
			t.Fatalf("self-disabling: %v", err)
		}
	})
}
