package web_test

import (
	"context"
	"net/http"
	"net/url"
	"sync"
	"time"

	"parcours/internal/app/apptest"
	"parcours/internal/parcours"
	"parcours/internal/person"
	"parcours/internal/referral"
	"parcours/internal/store"
)

// Rows of the service directory and of referrals. Referrals are made on a
// person of their own (refFixture), recorded by "worker" like the fixture
// person and with a break-glass of bg_active, so that the share they open
// to org B never changes what "other" gets on the fixture person's file.
// Relations to a referral: the sender's organisation (worker the
// referent, manager, teammate and reception of its team, worker2 and
// bg_expired without relation, bg_active by break-glass, admin), the
// receiving organisation ("other", org B) and a third organisation
// ("third", an association).

type refFixture struct {
	Person    *parcours.Person
	ServiceB  *parcours.Service
	Structure *parcours.Structure // an external structure org A entered
	ServiceA  *parcours.Service   // a service of that structure
}

var refFixtures sync.Map // *apptest.Env → *refFixture

func refFix(f *fixture) *refFixture {
	if v, ok := refFixtures.Load(f.e); ok {
		return v.(*refFixture)
	}
	e, ctx := f.e, context.Background()
	p, err := e.App.Persons.Create(ctx, e.Actor("worker"), person.Input{BirthName: ptr("ORIENTE"), FirstNames: ptr("Sam"),
		BirthDate: ptr("1979-02-03"), Sex: ptr(parcours.SexMale)})
	if err != nil {
		e.T.Fatal(err)
	}
	rf := &refFixture{Person: p}
	if _, err := e.App.BreakGlass.Open(ctx, e.Actor("bg_active"), p.ID, "Appel du 115 : mise à l'abri urgente ce soir"); err != nil {
		e.T.Fatal(err)
	}
	err = e.App.DB.Transact(ctx, func(tx *store.Tx) error {
		st := &parcours.Structure{OrgID: e.OrgB.ID, Nom: e.OrgB.Name, CreatedBy: e.OrgB.ID}
		if err := tx.InsertStructure(ctx, st); err != nil {
			return err
		}
		rf.ServiceB = &parcours.Service{StructureID: st.ID, OrgID: e.OrgB.ID, Nom: "Insertion RSA", Thematiques: []string{"trouver-un-emploi"},
			ModesAccueil: []string{}, OrientationParcours: true}
		if err := tx.InsertService(ctx, rf.ServiceB); err != nil {
			return err
		}
		rf.Structure = &parcours.Structure{Nom: "Épicerie solidaire", CreatedBy: e.OrgA.ID}
		if err := tx.InsertStructure(ctx, rf.Structure); err != nil {
			return err
		}
		rf.ServiceA = &parcours.Service{StructureID: rf.Structure.ID, Nom: "Colis alimentaires", Thematiques: []string{"equipement-et-alimentation"},
			ModesAccueil: []string{}}
		return tx.InsertService(ctx, rf.ServiceA)
	})
	if err != nil {
		e.T.Fatal(err)
	}
	refFixtures.Store(f.e, rf)
	return rf
}

// newReferral sends a fresh referral of the referral person to org B's
// service (by "worker"); accepted, B's worker accepted it.
func newReferral(f *fixture, accepted bool) string {
	rf, ctx := refFix(f), context.Background()
	r, err := f.e.App.Referrals.Create(ctx, f.e.Actor("worker"), rf.Person.ID, referral.Input{ServiceID: rf.ServiceB.ID,
		Reason: "Accompagnement vers l'emploi", Basis: "legal", LegalGround: "CASF L121-6-2"})
	if err != nil {
		f.e.T.Fatal(err)
	}
	if accepted {
		if _, err := f.e.App.Referrals.Accept(ctx, f.e.Actor("other"), r.ID); err != nil {
			f.e.T.Fatal(err)
		}
	}
	return r.ID
}

func referralPath(prefix, suffix string, accepted bool) func(*fixture) string {
	return func(f *fixture) string { return prefix + newReferral(f, accepted) + suffix }
}

// referTo is the service a caller refers the referral person to: org
// B's, or for "other" (org B, which received the file) the external
// service org A entered — referring back from a received file.
func referTo(f *fixture, who string) string {
	if who == "other" {
		return refFix(f).ServiceA.ID
	}
	return refFix(f).ServiceB.ID
}

func referralInput(f *fixture, who string) any {
	return map[string]any{"service_id": referTo(f, who), "reason": "Accompagnement vers l'emploi",
		"basis": "consent", "consent_on": time.Now().Format(time.DateOnly), "consent_how": "oral"}
}

func referralForm(f *fixture, who string) any {
	return url.Values{"service_id": {referTo(f, who)}, "reason": {"Accompagnement vers l'emploi"},
		"basis": {"legal"}, "legal_ground": {"CASF L121-6-2"}}
}

var sharedOnce sync.Map // *apptest.Env → struct{}

// sharedPerson is the referral person's path with a referral to org B
// accepted (once per environment): org B follows the person and may
// refer back (the other rows' referrals each end on their own).
func sharedPerson(suffix string) func(*fixture) string {
	return func(f *fixture) string {
		if _, done := sharedOnce.LoadOrStore(f.e, struct{}{}); !done {
			newReferral(f, true)
		}
		return "/persons/" + refFix(f).Person.ID + suffix
	}
}

const (
	notAParty = "a referral between two other organisations does not exist for the caller: refused before any file is opened"
	noFileYet = "refused by role before any file is opened"
)

func init() {
	// The sending organisation's file: the sender's team writes and reads
	// it, reception is refused by role, admin sees no file, worker2 and
	// bg_expired have no relation; a break-glass reads but never refers
	// or answers (read-and-note only).
	sender := func(status int, overrides ...any) map[string]int {
		return all(status, append([]any{"admin", 404, "reception", 403, "worker2", 403, "bg_expired", 403, "bg_active", 403,
			"teammate", status, "other", 404, "third", 404}, overrides...)...)
	}
	// The receiving organisation's actions: only "other" (org B).
	receiver := func(status int) map[string]int {
		return all(403, "admin", 404, "other", status, "third", 404, "teammate", 403)
	}
	read := sender(200, "bg_active", 200, "other", 200)
	onReferral := routeAudit{OnFile: true, NotDenied: map[string]string{"third": notAParty}}
	onPerson := routeAudit{OnFile: true}
	page := func(m map[string]int) map[string]int {
		out := map[string]int{}
		for k, v := range m {
			if v == 200 || v == 201 {
				v = http.StatusSeeOther
			}
			out[k] = v
		}
		return out
	}
	boxes := all(200, "admin", 403, "reception", 403)
	addRows(
		// The directory: everyone reads it, administrators fill it.
		matrixRow{Route: "GET /api/v1/services", Path: fixed("/api/v1/services?theme=trouver-un-emploi"), Want: all(200),
			NoAudit: "the service directory holds no personal data"},
		matrixRow{Route: "GET /api/v1/structures", Path: fixed("/api/v1/structures"), Want: all(200),
			NoAudit: "the service directory holds no personal data"},
		matrixRow{Route: "GET /services", Path: fixed("/services?theme=sante"), Want: all(200), Page: true,
			NoAudit: "the service directory holds no personal data"},
		matrixRow{Route: "POST /api/v1/structures", Path: fixed("/api/v1/structures"),
			Body: func(*fixture, string) any { return map[string]any{"nom": "Restos du cœur", "code_insee": "69266"} },
			Want: all(403, "admin", 201), Audit: []string{"directory.structure.create"}},
		matrixRow{Route: "POST /api/v1/services", Path: fixed("/api/v1/services"),
			Body: func(f *fixture, _ string) any {
				return map[string]any{"structure_id": refFix(f).Structure.ID, "nom": "Colis alimentaires", "thematiques": []string{"equipement-et-alimentation"}}
			},
			Want: all(403, "admin", 201), Audit: []string{"directory.service.create"}},
		matrixRow{Route: "PUT /api/v1/structures/{id}", Path: func(f *fixture) string { return "/api/v1/structures/" + refFix(f).Structure.ID },
			Body: func(*fixture, string) any {
				return map[string]any{"nom": "Épicerie solidaire du Grand Lyon", "code_insee": "69266"}
			},
			Want: all(403, "admin", 200), Audit: []string{"directory.structure.update"}},
		matrixRow{Route: "PUT /api/v1/services/{id}", Path: func(f *fixture) string { return "/api/v1/services/" + refFix(f).ServiceA.ID },
			Body: func(f *fixture, _ string) any {
				return map[string]any{"structure_id": refFix(f).Structure.ID, "nom": "Colis alimentaires", "thematiques": []string{"equipement-et-alimentation"}, "horaires_accueil": "Mardi 14h-17h"}
			},
			Want: all(403, "admin", 200), Audit: []string{"directory.service.update"}},

		// The directory's administration pages: administrators, for what
		// their organisation entered.
		matrixRow{Route: "GET /settings/directory", Path: fixed("/settings/directory"), Page: true, Want: all(403, "admin", 200),
			NoAudit: "the service directory holds no personal data"},
		matrixRow{Route: "GET /settings/directory/structures/new", Path: fixed("/settings/directory/structures/new"), Page: true, Want: all(403, "admin", 200),
			NoAudit: "the service directory holds no personal data"},
		matrixRow{Route: "GET /settings/directory/structures/{id}", Page: true, Want: all(403, "admin", 200),
			Path:    func(f *fixture) string { return "/settings/directory/structures/" + refFix(f).Structure.ID },
			NoAudit: "the service directory holds no personal data"},
		matrixRow{Route: "GET /settings/directory/services/new", Path: fixed("/settings/directory/services/new"), Page: true, Want: all(403, "admin", 200),
			NoAudit: "the service directory holds no personal data"},
		matrixRow{Route: "GET /settings/directory/services/{id}", Page: true, Want: all(403, "admin", 200),
			Path:    func(f *fixture) string { return "/settings/directory/services/" + refFix(f).ServiceA.ID },
			NoAudit: "the service directory holds no personal data"},
		matrixRow{Route: "GET /settings/directory/import", Path: fixed("/settings/directory/import"), Page: true, Want: all(403, "admin", 200),
			NoAudit: "the service directory holds no personal data"},
		// A form without files: the administrator is told to choose the
		// structures file (422); nothing is imported. Imports are audited
		// in directory_import_test.go.
		matrixRow{Route: "POST /settings/directory/import", Path: fixed("/settings/directory/import"), Page: true, Want: all(403, "admin", 422),
			NoAudit: "the matrix's form has no file (422); imports are audited in directory_import_test.go"},
		matrixRow{Route: "POST /settings/directory/structures", Path: fixed("/settings/directory/structures"), Page: true,
			Body: func(*fixture, string) any {
				return url.Values{"nom": {"Restos du cœur"}, "code_insee": {"69266"}, "active": {"1"}}
			},
			Want: all(403, "admin", http.StatusSeeOther), Audit: []string{"directory.structure.create"}},
		matrixRow{Route: "POST /settings/directory/structures/{id}", Page: true,
			Path: func(f *fixture) string { return "/settings/directory/structures/" + refFix(f).Structure.ID },
			Body: func(*fixture, string) any {
				return url.Values{"nom": {"Épicerie solidaire du Grand Lyon"}, "code_insee": {"69266"}, "active": {"1"}}
			},
			Want: all(403, "admin", http.StatusSeeOther), Audit: []string{"directory.structure.update"}},
		matrixRow{Route: "POST /settings/directory/services", Path: fixed("/settings/directory/services"), Page: true,
			Body: func(f *fixture, _ string) any {
				return url.Values{"structure_id": {refFix(f).Structure.ID}, "nom": {"Colis alimentaires"}, "thematiques": {"equipement-et-alimentation"}, "active": {"1"}}
			},
			Want: all(403, "admin", http.StatusSeeOther), Audit: []string{"directory.service.create"}},
		matrixRow{Route: "POST /settings/directory/services/{id}", Page: true,
			Path: func(f *fixture) string { return "/settings/directory/services/" + refFix(f).ServiceA.ID },
			Body: func(f *fixture, _ string) any {
				return url.Values{"structure_id": {refFix(f).Structure.ID}, "nom": {"Colis alimentaires"}, "thematiques": {"equipement-et-alimentation"},
					"horaires_accueil": {"Mardi 14h-17h"}, "active": {"1"}}
			},
			Want: all(403, "admin", http.StatusSeeOther), Audit: []string{"directory.service.update"}},

		// The organisation's reminder delay: its administrators.
		matrixRow{Route: "GET /api/v1/referral-settings", Path: fixed("/api/v1/referral-settings"), Want: all(403, "admin", 200, "other", 403),
			NoAudit: "the organisation's settings, for its admin: no person's file"},
		matrixRow{Route: "PUT /api/v1/referral-settings", Path: fixed("/api/v1/referral-settings"),
			Body: func(*fixture, string) any { return map[string]any{"reminder_days": 8} },
			Want: all(403, "admin", 200), Audit: []string{"referral.settings.update"}},
		matrixRow{Route: "GET /settings/referrals", Path: fixed("/settings/referrals"), Page: true, Want: all(403, "admin", 200),
			NoAudit: "the organisation's settings, for its admin: no person's file"},
		matrixRow{Route: "POST /settings/referrals", Path: fixed("/settings/referrals"), Page: true,
			Body: func(*fixture, string) any { return url.Values{"reminder_days": {"8"}} },
			Want: all(403, "admin", http.StatusSeeOther), Audit: []string{"referral.settings.update"}},

		// Creating a referral: the sender's file, never under break-glass;
		// the receiving organisation ("other", which follows the person
		// by an accepted referral) refers back with what it wrote.
		matrixRow{Route: "POST /api/v1/persons/{id}/referrals",
			Path: func(f *fixture) string { return "/api" + "/v1" + sharedPerson("/referrals")(f) },
			Body: referralInput, Want: sender(201, "other", 201), Audit: []string{"referral.create"}, routeAudit: onPerson},
		matrixRow{Route: "GET /persons/{id}/referrals/new", Page: true,
			Path: sharedPerson("/referrals/new"),
			Want: sender(200, "other", 200), Audit: []string{"referral.prepare"}, routeAudit: onPerson},
		matrixRow{Route: "POST /persons/{id}/referrals", Page: true,
			Path: sharedPerson("/referrals"),
			Body: referralForm, Want: page(sender(201, "other", 201)), Audit: []string{"referral.create"}, routeAudit: onPerson},

		// The boxes and statistics open no file.
		matrixRow{Route: "GET /api/v1/referrals", Path: fixed("/api/v1/referrals?box=received"), Want: boxes, Audit: []string{"referral.list"}},
		matrixRow{Route: "GET /referrals", Path: fixed("/referrals?box=sent"), Page: true, Want: boxes, Audit: []string{"referral.list"}},
		matrixRow{Route: "GET /api/v1/referrals/stats", Path: fixed("/api/v1/referrals/stats"), Want: boxes,
			NoAudit: "counts per service of the caller's organisation: no person's data"},
		matrixRow{Route: "GET /referrals/stats", Path: fixed("/referrals/stats"), Page: true, Want: boxes,
			NoAudit: "counts per service of the caller's organisation: no person's data"},

		// A referral with its extract: both sides; the receiver's first
		// read marks it received.
		matrixRow{Route: "GET /api/v1/referrals/{id}", Path: referralPath("/api/v1/referrals/", "", false), Want: read,
			Audit: []string{"referral.read"}, AuditBy: map[string][]string{"other": {"referral.receive", "referral.read"}}, routeAudit: onReferral},
		matrixRow{Route: "GET /referrals/{id}", Path: referralPath("/referrals/", "", false), Page: true, Want: read,
			// The page lists the threads under the referral to whoever
			// takes part (not a break-glass: no refusal recorded).
			Audit: []string{"referral.read", "thread.list"}, AuditBy: map[string][]string{"other": {"referral.receive", "referral.read", "thread.list"},
				"bg_active": {"referral.read"}}, routeAudit: onReferral},
		matrixRow{Route: "GET /api/v1/referrals/{id}/letter", Path: referralPath("/api/v1/referrals/", "/letter", false), Want: read,
			Audit: []string{"referral.read"}, AuditBy: map[string][]string{"other": {"referral.receive", "referral.read"}}, routeAudit: onReferral},
		matrixRow{Route: "GET /referrals/{id}/letter", Path: referralPath("/referrals/", "/letter", false), Page: true, Want: read,
			Audit: []string{"referral.read"}, AuditBy: map[string][]string{"other": {"referral.receive", "referral.read"}}, routeAudit: onReferral},

		// Answers: the receiving organisation only; cancelling: the sender.
		matrixRow{Route: "POST /api/v1/referrals/{id}/accept", Path: referralPath("/api/v1/referrals/", "/accept", false),
			Want: receiver(200), Audit: []string{"referral.accept"}, routeAudit: onReferral},
		matrixRow{Route: "POST /api/v1/referrals/{id}/refuse", Path: referralPath("/api/v1/referrals/", "/refuse", false),
			Body: func(*fixture, string) any { return map[string]any{"refusal_reason": "Hors de notre zone"} },
			Want: receiver(200), Audit: []string{"referral.refuse"}, routeAudit: onReferral},
		matrixRow{Route: "POST /api/v1/referrals/{id}/end", Path: referralPath("/api/v1/referrals/", "/end", true),
			Want: receiver(200), Audit: []string{"referral.end"}, routeAudit: onReferral},
		matrixRow{Route: "POST /api/v1/referrals/{id}/cancel", Path: referralPath("/api/v1/referrals/", "/cancel", false),
			Want: sender(200), Audit: []string{"referral.cancel"}, routeAudit: onReferral},
		matrixRow{Route: "POST /referrals/{id}/accept", Path: referralPath("/referrals/", "/accept", false), Page: true,
			Want: page(receiver(200)), Audit: []string{"referral.accept"}, routeAudit: onReferral},
		matrixRow{Route: "POST /referrals/{id}/refuse", Path: referralPath("/referrals/", "/refuse", false), Page: true,
			Body: func(*fixture, string) any { return url.Values{"refusal_reason": {"Hors de notre zone"}} },
			Want: page(receiver(200)), Audit: []string{"referral.refuse"}, routeAudit: onReferral},
		matrixRow{Route: "POST /referrals/{id}/end", Path: referralPath("/referrals/", "/end", true), Page: true,
			Want: page(receiver(200)), Audit: []string{"referral.end"}, routeAudit: onReferral},
		matrixRow{Route: "POST /referrals/{id}/cancel", Path: referralPath("/referrals/", "/cancel", false), Page: true,
			Want: page(sender(200)), Audit: []string{"referral.cancel"}, routeAudit: onReferral},
		// A note from the referral's page: the file's journal, written by
		// the sender's team and, once accepted, by the receiving
		// organisation; a break-glass may add a note.
		matrixRow{Route: "POST /referrals/{id}/entries", Path: referralPath("/referrals/", "/entries", true), Page: true,
			Body: func(f *fixture, _ string) any {
				return url.Values{"person_id": {refFix(f).Person.ID}, "kind": {"note"}, "summary": {"Rendez-vous fixé"}, "confidentiality": {"team"}}
			},
			Want: page(sender(200, "bg_active", 200, "other", 200, "reception", 403, "admin", 403)), Audit: []string{"journal.create"}, routeAudit: onPerson},
	)
}

var _ = apptest.Cast
