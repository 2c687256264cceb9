package demo

import (
	"context"
	"errors"
	"fmt"

	"github.com/pquerna/otp/totp"

	"parcours/internal/audit"
	"parcours/internal/auth"
	"parcours/internal/parcours"
	"parcours/internal/store"
)

// StructureSpec describes a demo organisation with its teams and workers.
type StructureSpec struct {
	Name    string
	Kind    parcours.OrgKind
	SIRET   string
	Teams   []string
	Workers []WorkerSpec
	// Share of the synthetic households that go to this structure, in
	// percent.
	Share int
}

// WorkerSpec is a demo worker. Team indexes StructureSpec.Teams.
type WorkerSpec struct {
	Email, FirstName, LastName string
	Role                       parcours.Role
	Team                       int
}

// withLuhn completes a 13-digit SIRET with the digit that makes its Luhn
// sum a multiple of 10.
func withLuhn(base string) string {
	for d := '0'; d <= '9'; d++ {
		if s := base + string(d); parcours.ValidSIRET(s) {
			return s
		}
	}
	panic("demo: no Luhn digit for " + base)
}

// Structures is the demo's setting: a town's CCAS and a département,
// each with at least one worker of every role.
var Structures = []StructureSpec{
	{
		Name: "CCAS de Villeurbanne", Kind: parcours.OrgCCAS, SIRET: withLuhn("2669004510001"), Share: 40,
		Teams: []string{"Accueil social", "Pôle insertion", "Domiciliation"},
		Workers: []WorkerSpec{
			{"admin@ccas-villeurbanne.example", "Sophie", "Garnier", parcours.RoleAdmin, 0},
			{"responsable@ccas-villeurbanne.example", "Karim", "Haddad", parcours.RoleManager, 0},
			{"intervenante@ccas-villeurbanne.example", "Claire", "Lefèvre", parcours.RoleWorker, 0},
			{"conseiller.insertion@ccas-villeurbanne.example", "Mamadou", "Diallo", parcours.RoleWorker, 1},
			{"accueil@ccas-villeurbanne.example", "Julie", "Nguyen", parcours.RoleReception, 0},
		},
	},
	{
		Name: "Département du Rhône", Kind: parcours.OrgDepartement, SIRET: withLuhn("2269000170001"), Share: 60,
		Teams: []string{"Maison du Rhône de Villefranche — service social", "Pôle insertion RSA", "Aide sociale à l'enfance"},
		Workers: []WorkerSpec{
			{"admin@rhone.example", "Philippe", "Morel", parcours.RoleAdmin, 0},
			{"responsable@rhone.example", "Nathalie", "Da Silva", parcours.RoleManager, 0},
			{"assistante.sociale@rhone.example", "Émilie", "Bernard", parcours.RoleWorker, 0},
			{"referent.rsa@rhone.example", "Mehdi", "Benali", parcours.RoleWorker, 1},
			{"accueil@rhone.example", "Ayşe", "Yilmaz", parcours.RoleReception, 0},
		},
	},
}

// DemoPasswords are the demo's passwords, by role: readable passphrases
// of at least 12 characters that are in no common-password list. They
// exist only in databases made by `parcours demo`.
var DemoPasswords = map[parcours.Role]string{
	parcours.RoleAdmin:     "demo-admin-parcours-2026",
	parcours.RoleManager:   "demo-responsable-parcours",
	parcours.RoleWorker:    "demo-intervenant-parcours",
	parcours.RoleReception: "demo-accueil-parcours",
}

// Setting is the structures as stored.
type Setting struct {
	Orgs    []*parcours.Organization
	Teams   [][]*parcours.Team   // by org
	Workers [][]*parcours.Worker // by org, in StructureSpec order
	Specs   []StructureSpec      // the specs they come from
	TOTP    map[string]string    // admin e-mail → TOTP secret (demo only)
	created map[string]bool      // e-mails created by this run
}

// Logins of the demo workers.
type Login struct {
	Org, Email, Name, Password string
	Role                       parcours.Role
	// TOTPSecret is set for the admins: their second factor.
	TOTPSecret string
}

// Logins lists how to sign in as each worker of the setting.
func (s *Setting) Logins(withPasswords bool) []Login {
	var out []Login
	for i, o := range s.Orgs {
		for _, w := range s.Workers[i] {
			l := Login{Org: o.Name, Email: w.Email, Name: w.DisplayName(), Role: w.Role, TOTPSecret: s.TOTP[w.Email]}
			if withPasswords {
				l.Password = DemoPasswords[w.Role]
			}
			out = append(out, l)
		}
	}
	return out
}

// EnsureSetting creates the structures, teams and workers of Structures
// that do not exist yet (matched by name and e-mail) and returns them all.
// With demo set, new workers get the DemoPasswords, their organisation
// makes TOTP optional for non-admin roles (the UI warns about it) and the
// admins get a TOTP secret; otherwise workers have no password at all and
// can only be used through API tokens an operator issues.
func EnsureSetting(ctx context.Context, db *store.DB, demo bool) (*Setting, error) {
	sys := parcours.SystemActor()
	s := &Setting{Specs: Structures, TOTP: map[string]string{}, created: map[string]bool{}}
	// Hash outside the transaction: argon2id is slow on purpose.
	hashes := map[parcours.Role]string{}
	if demo {
		for r, p := range DemoPasswords {
			hashes[r] = auth.HashPassword(p)
		}
	}
	err := db.Transact(ctx, func(tx *store.Tx) error {
		s.Orgs, s.Teams, s.Workers = nil, nil, nil
		for _, spec := range Structures {
			o, err := tx.Organization(ctx, spec.Name)
			if errors.Is(err, store.ErrNoRows) {
				o = &parcours.Organization{Name: spec.Name, Kind: spec.Kind, SIRET: spec.SIRET, TOTPOptional: demo}
				if err = tx.InsertOrganization(ctx, o); err != nil {
					return err
				}
				tx.Audit(audit.For(sys, "org.create", "organization", o.ID, ""))
			}
			if err != nil {
				return err
			}
			var teams []*parcours.Team
			for _, name := range spec.Teams {
				t, err := tx.Team(ctx, o.ID, name)
				if errors.Is(err, store.ErrNoRows) {
					t = &parcours.Team{OrgID: o.ID, Name: name}
					if err = tx.InsertTeam(ctx, t); err != nil {
						return err
					}
					tx.Audit(audit.For(sys, "team.create", "team", t.ID, ""))
				}
				if err != nil {
					return err
				}
				teams = append(teams, t)
			}
			var workers []*parcours.Worker
			for _, ws := range spec.Workers {
				w, err := tx.WorkerByEmail(ctx, ws.Email)
				if errors.Is(err, store.ErrNoRows) {
					w = &parcours.Worker{OrgID: o.ID, Email: ws.Email, FirstName: ws.FirstName, LastName: ws.LastName,
						Role: ws.Role, TeamIDs: []string{teams[ws.Team].ID}, Language: "fr"}
					if err = tx.InsertWorker(ctx, w, hashes[ws.Role]); err != nil {
						return err
					}
					tx.Audit(audit.For(sys, "worker.create", "worker", w.ID, ""))
					s.created[w.Email] = true
				}
				if err != nil {
					return err
				}
				workers = append(workers, w)
			}
			s.Orgs, s.Teams, s.Workers = append(s.Orgs, o), append(s.Teams, teams), append(s.Workers, workers)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if demo {
		if err := s.enrolAdmins(ctx, db); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// enrolAdmins gives each admin created by this run a TOTP secret: admins
// always need a second factor, even in the demo.
func (s *Setting) enrolAdmins(ctx context.Context, db *store.DB) error {
	return db.Transact(ctx, func(tx *store.Tx) error {
		for _, ws := range s.Workers {
			for _, w := range ws {
				if w.Role != parcours.RoleAdmin || !s.created[w.Email] {
					continue
				}
				key, err := totp.Generate(totp.GenerateOpts{Issuer: "Parcours (démo)", AccountName: w.Email})
				if err != nil {
					return fmt.Errorf("TOTP secret: %w", err)
				}
				if err := tx.SetTOTP(ctx, w.ID, key.Secret(), true); err != nil {
					return err
				}
				w.TOTPEnabled = true
				s.TOTP[w.Email] = key.Secret()
				tx.Audit(audit.For(parcours.SystemActor(), "worker.totp.enrol", "worker", w.ID, ""))
			}
		}
		return nil
	})
}
