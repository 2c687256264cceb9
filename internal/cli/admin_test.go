package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"parcours/internal/auth"
	"parcours/internal/store"
	"parcours/internal/store/storetest"
)

// runAdmin runs the command line in-process and returns stdout, stderr and the
// error.
func runAdmin(t *testing.T, stdin string, args ...string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := Run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return out.String(), errb.String(), err
}

func TestAdminCommands_CreateOrgTeamUserToken(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(d.String(), func(t *testing.T) {
			dsn := storetest.DSN(t, d)
			db := []string{"--database", dsn, "--data-dir", t.TempDir()}
			args := func(a ...string) []string { return append(a, db...) }

			orgID, _, err := runAdmin(t, "", args("admin", "create-org", "CCAS de Lyon", "--kind", "ccas", "--siret", "73282932000074")...)
			if err != nil {
				t.Fatalf("create-org: %v", err)
			}
			orgID = strings.TrimSpace(orgID)
			if len(orgID) != 36 {
				t.Fatalf("create-org printed %q, want only the new id", orgID)
			}
			teamID, _, err := runAdmin(t, "", args("admin", "create-team", "--org", "CCAS de Lyon", "Pôle insertion")...)
			if err != nil {
				t.Fatalf("create-team by org name: %v", err)
			}
			teamID = strings.TrimSpace(teamID)
			if _, _, err := runAdmin(t, "", args("admin", "create-team", "--org", orgID, "Accueil")...); err != nil {
				t.Fatalf("create-team by org id: %v", err)
			}

			// With --password-stdin the password is read, never printed.
			out, errOut, err := runAdmin(t, "une phrase de passe assez longue\n",
				args("admin", "create-user", "--org", orgID, "--team", "Pôle insertion", "--email", "Anne.Dupont@ccas-lyon.fr",
					"--role", "worker", "--first-name", "Anne", "--last-name", "Dupont", "--password-stdin")...)
			if err != nil {
				t.Fatalf("create-user: %v (%s)", err, errOut)
			}
			workerID := strings.TrimSpace(out)
			if len(workerID) != 36 || strings.Contains(errOut, "phrase") {
				t.Fatalf("create-user printed %q / %q", out, errOut)
			}
			// Without it a strong password is generated and shown on stderr.
			out, errOut, err = runAdmin(t, "", args("admin", "create-user", "--org", "CCAS de Lyon", "--team", teamID,
				"--email", "chef@ccas-lyon.fr", "--role", "admin")...)
			if err != nil {
				t.Fatalf("create-user with generated password: %v", err)
			}
			gen := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(errOut), "password:"))
			if len(gen) < 20 || strings.Contains(out, gen) {
				t.Fatalf("generated password: stdout %q stderr %q", out, errOut)
			}

			tok, _, err := runAdmin(t, "", args("admin", "create-token", "--email", "anne.dupont@ccas-lyon.fr", "--name", "script")...)
			if err != nil {
				t.Fatalf("create-token: %v", err)
			}
			tok = strings.TrimSpace(tok)
			if !strings.HasPrefix(tok, "pcs_") {
				t.Fatalf("create-token printed %q, want the token", tok)
			}

			// What was created is what the database holds.
			sdb, err := store.Open(context.Background(), dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer sdb.Close()
			a := auth.New(sdb, nil)
			actor, w, err := a.ActorFromToken(context.Background(), tok)
			if err != nil {
				t.Fatalf("token does not authenticate: %v", err)
			}
			if actor.WorkerID != workerID || actor.OrgID != orgID || w.Role != "worker" || len(w.TeamIDs) != 1 || w.TeamIDs[0] != teamID {
				t.Fatalf("worker = %+v, want worker of %s in team %s", w, orgID, teamID)
			}
			if w.Email != "anne.dupont@ccas-lyon.fr" || w.FirstName != "Anne" {
				t.Fatalf("worker identity = %+v", w)
			}
			var events int
			if err := sdb.SQL().QueryRow("SELECT COUNT(*) FROM audit_events WHERE actor_id = 'system' AND action IN ('org.create','team.create','worker.create','token.create')").Scan(&events); err != nil {
				t.Fatal(err)
			}
			if events != 6 {
				t.Fatalf("%d audit events by the system actor, want 6", events)
			}
		})
	}
}

func TestAdminCommands_BadInputIsOneLineAndNonZero(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(d.String(), func(t *testing.T) {
			dsn := storetest.DSN(t, d)
			db := []string{"--database", dsn, "--data-dir", t.TempDir()}
			args := func(a ...string) []string { return append(a, db...) }
			if _, _, err := runAdmin(t, "", args("admin", "create-org", "CCAS de Test")...); err != nil {
				t.Fatal(err)
			}
			cases := []struct {
				name string
				in   string
				args []string
				want string // part of the one-line message
			}{
				{"wrong SIRET", "", args("admin", "create-org", "Autre", "--siret", "73282932000075"), "SIRET"},
				{"unknown kind", "", args("admin", "create-org", "Autre", "--kind", "mairie"), "mairie"},
				{"duplicate org", "", args("admin", "create-org", "CCAS de Test"), "porte déjà ce nom"},
				{"unknown org", "", args("admin", "create-team", "--org", "Nulle part", "Accueil"), "Nulle part"},
				{"missing --org", "", args("admin", "create-team", "Accueil"), "--org"},
				{"bad email", "une phrase de passe assez longue\n", args("admin", "create-user", "--org", "CCAS de Test", "--email", "pas-une-adresse", "--role", "worker", "--password-stdin"), "e-mail"},
				{"bad role", "", args("admin", "create-user", "--org", "CCAS de Test", "--email", "a@b.fr", "--role", "chef"), "chef"},
				{"short password", "court\n", args("admin", "create-user", "--org", "CCAS de Test", "--email", "a@b.fr", "--role", "worker", "--password-stdin"), "12 caractères"},
				{"common password", "qwertyuiop123\n", args("admin", "create-user", "--org", "CCAS de Test", "--email", "a@b.fr", "--role", "worker", "--password-stdin"), "courants"},
				{"unknown team", "", args("admin", "create-user", "--org", "CCAS de Test", "--team", "Fantôme", "--email", "a@b.fr", "--role", "worker"), "Fantôme"},
				{"token for nobody", "", args("admin", "create-token", "--email", "personne@nulle.part"), ""},
			}
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					t.Setenv("LANG", "fr_FR.UTF-8")
					out, _, err := runAdmin(t, c.in, c.args...)
					if err == nil || ExitCode(err) == 0 {
						t.Fatalf("want an error, got none (stdout %q)", out)
					}
					msg := Message(err)
					if strings.Contains(msg, "\n") || !strings.Contains(msg, c.want) {
						t.Fatalf("message %q, want one line containing %q", msg, c.want)
					}
					if out != "" {
						t.Fatalf("stdout %q on error, want nothing", out)
					}
				})
			}
			// Nothing was written by the failures: still one organisation, no worker.
			sdb, err := store.Open(context.Background(), dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer sdb.Close()
			var orgs, workers int
			sdb.SQL().QueryRow("SELECT COUNT(*) FROM organizations").Scan(&orgs)
			sdb.SQL().QueryRow("SELECT COUNT(*) FROM workers").Scan(&workers)
			if orgs != 1 || workers != 0 {
				t.Fatalf("%d organisations and %d workers after failed commands, want 1 and 0", orgs, workers)
			}
		})
	}
}

func TestAdminCommands_Help(t *testing.T) {
	for _, cmd := range []string{"create-org", "create-team", "create-user", "create-token"} {
		out, _, err := runAdmin(t, "", "admin", cmd, "--help")
		if err != nil || !strings.Contains(out, "Usage: parcours admin "+cmd) {
			t.Fatalf("admin %s --help: %v %q", cmd, err, out)
		}
	}
	out, _, _ := runAdmin(t, "", "admin", "--help")
	for _, cmd := range []string{"create-org", "create-team", "create-user", "create-token"} {
		if !strings.Contains(out, cmd) {
			t.Errorf("admin --help does not list %s: %q", cmd, out)
		}
	}
}
