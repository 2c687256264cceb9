package demo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"parcours/internal/casefile"
	"parcours/internal/parcours"
	"parcours/internal/referral"
	"parcours/internal/servicedir"
	"parcours/internal/store"
)

// The demo's service directory and referrals: the CCAS and the
// Département each enter their structure and services, the CCAS's
// administrator enters an association (an external structure, reached by
// letter); then the two exchange referrals both ways — one accepted with
// a note of the receiving service, one still pending past its reminder,
// one refused with a reason — the Département refers the person it
// accepted back to the CCAS with its own note, and the CCAS orients a
// person to the association.

type serviceSpec struct {
	org, team   int // the organisation (Structures index) and its receiving team
	nom, resume string
	themes      []string
	insee, city string
	zone, code  string
	hours, cond string
}

var demoServices = []serviceSpec{
	{0, 0, "Aide alimentaire d'urgence", "Bons alimentaires et colis pour les ménages sans ressources suffisantes.",
		[]string{"equipement-et-alimentation--alimentation", "gestion-financiere--obtenir-une-aide-alimentaire"},
		"69266", "Villeurbanne", "commune", "69266", "Lundi, mercredi et vendredi, 9 h – 12 h", "Résider à Villeurbanne."},
	{0, 2, "Domiciliation administrative", "Adresse pour recevoir son courrier et faire valoir ses droits.",
		[]string{"acces-aux-droits-et-citoyennete--accompagnement-dans-les-demarches-administratives"},
		"69266", "Villeurbanne", "commune", "69266", "Du lundi au vendredi, 9 h – 17 h", "Lien avec la commune."},
	{1, 0, "Accompagnement social lié au logement (ASLL)", "Accompagnement pour accéder à un logement ou s'y maintenir, prévention des expulsions.",
		[]string{"logement-hebergement--etre-accompagne-pour-se-loger", "logement-hebergement--probleme-avec-son-logement"},
		"69264", "Villefranche-sur-Saône", "departement", "69", "Sur rendez-vous", ""},
	{1, 1, "Accompagnement des allocataires du RSA", "Référent·e unique, contrat d'engagement réciproque, parcours d'insertion.",
		[]string{"accompagnement-social-et-professionnel-personnalise--parcours-d-insertion-socioprofessionnel", "trouver-un-emploi"},
		"69264", "Villefranche-sur-Saône", "departement", "69", "Du lundi au vendredi, 8 h 30 – 17 h", "Être allocataire du RSA."},
}

// ReferralStats counts what AddReferrals wrote.
type ReferralStats struct {
	Services, Referrals int
}

// AddReferrals fills the directory and exchanges referrals between the
// first two organisations of the setting, as their workers would,
// through the services (and so the door). accompanied are accompaniments
// of the demo population (their referents refer their persons).
func AddReferrals(ctx context.Context, db *store.DB, s *Setting, cf *casefile.Service, today time.Time) (ReferralStats, error) {
	var st ReferralStats
	dir, refs := servicedir.New(db), referral.New(db)
	admin := func(org int) parcours.Actor { return s.worker(org, parcours.RoleAdmin).Actor() }
	services := map[string]*parcours.Service{}
	for org := range 2 {
		structure, err := dir.CreateStructure(ctx, admin(org), servicedir.StructureInput{Own: true, Nom: s.Orgs[org].Name,
			SIRET: s.Orgs[org].SIRET, Commune: demoServices[2*org].city, CodeInsee: demoServices[2*org].insee})
		if err != nil {
			return st, err
		}
		for _, sp := range demoServices {
			if sp.org != org {
				continue
			}
			sv, err := dir.CreateService(ctx, admin(org), servicedir.ServiceInput{StructureID: structure.ID, TeamID: s.Teams[org][sp.team].ID,
				Nom: sp.nom, PresentationResume: sp.resume, Thematiques: sp.themes, Commune: sp.city, CodeInsee: sp.insee,
				ZoneDiffusionType: sp.zone, ZoneDiffusionCode: sp.code, HorairesAccueil: sp.hours, PreRequis: sp.cond,
				ModesAccueil: []string{"en-presentiel"}})
			if err != nil {
				return st, err
			}
			services[sp.nom] = sv
			st.Services++
		}
	}
	asso, err := dir.CreateStructure(ctx, admin(0), servicedir.StructureInput{Nom: "Secours solidaire de Villeurbanne", Commune: "Villeurbanne",
		CodeInsee: "69266", Adresse: "12 rue Francis de Pressensé, 69100 Villeurbanne", Telephone: "04 78 00 00 00", Courriel: "contact@secours-solidaire.example"})
	if err != nil {
		return st, err
	}
	for _, sv := range []servicedir.ServiceInput{
		{Nom: "Épicerie solidaire", PresentationResume: "Produits à petit prix, sur orientation d'un travailleur social.",
			Thematiques: []string{"equipement-et-alimentation--alimentation"}, HorairesAccueil: "Mardi et jeudi, 14 h – 18 h"},
		{Nom: "Point conseil budget", PresentationResume: "Conseils gratuits et confidentiels pour gérer son budget, prévenir le surendettement.",
			Thematiques:     []string{"gestion-financiere--prevention-et-gestion-du-surendettement", "gestion-financiere--apprendre-a-gerer-son-budget"},
			HorairesAccueil: "Sur rendez-vous"},
	} {
		sv.StructureID, sv.Commune, sv.CodeInsee, sv.ZoneDiffusionType, sv.ZoneDiffusionCode = asso.ID, "Villeurbanne", "69266", "commune", "69266"
		sv.ModesAccueil = []string{"en-presentiel"}
		created, err := dir.CreateService(ctx, admin(0), sv)
		if err != nil {
			return st, err
		}
		services[sv.Nom] = created
		st.Services++
	}

	// The referrals: each by the referent of an accompanied person of the
	// sending organisation, with the two latest entries they may read.
	type plan struct {
		from     int
		service  string
		reason   string
		daysAgo  int
		answer   string // "", "accept" or "refuse"
		refusal  string
		withNote string
	}
	plans := []plan{
		{0, "Accompagnement social lié au logement (ASLL)", "Dette de loyer et procédure d'expulsion engagée : accompagnement ASLL demandé.", 20, "accept", "",
			"Premier rendez-vous ASLL : plan d'apurement proposé au bailleur."},
		{0, "Accompagnement des allocataires du RSA", "Ouverture du RSA : désignation d'un·e référent·e unique.", 11, "", "", ""},
		{1, "Aide alimentaire d'urgence", "Ressources très faibles ce mois-ci : aide alimentaire ponctuelle.", 6, "refuse",
			"La personne réside hors de Villeurbanne : l'orienter vers le CCAS de sa commune.", ""},
		{1, "Domiciliation administrative", "Sans adresse stable depuis la séparation : domiciliation pour les démarches.", 3, "", "", ""},
		{0, "Point conseil budget", "Difficultés à gérer le budget après la baisse des ressources.", 2, "", "", ""},
	}
	used := map[string]bool{}
	// The accepted referral's person, receiver and note: the receiving
	// service refers the person back afterwards.
	var backPerson, backNote string
	var backFrom parcours.Actor
	now := db.Now
	defer func() { db.Now = now }()
	for _, p := range plans {
		actor, personID, entries, err := s.referable(ctx, db, cf, p.from, used)
		if err != nil {
			return st, err
		}
		if personID == "" {
			continue // a population too small for this referral
		}
		sent := today.Add(-time.Duration(p.daysAgo) * 24 * time.Hour)
		db.Now = func() time.Time { return sent }
		r, err := refs.Create(ctx, actor, personID, referral.Input{ServiceID: services[p.service].ID, Reason: p.reason,
			EntryIDs: entries, SituationParts: []string{"housing", "income"}, Basis: "consent",
			ConsentOn: sent.Format(time.DateOnly), ConsentHow: "oral"})
		if err != nil {
			return st, fmt.Errorf("demo referral to %s: %w", p.service, err)
		}
		st.Referrals++
		if p.answer == "" {
			continue
		}
		answered := sent.Add(26 * time.Hour)
		db.Now = func() time.Time { return answered }
		to := 1 - p.from
		receiver := s.Workers[to][demoReceiver(s, to, services[p.service].TeamID)].Actor()
		if _, err := refs.Get(ctx, receiver, r.ID); err != nil {
			return st, err
		}
		if p.answer == "refuse" {
			if _, err := refs.Refuse(ctx, receiver, r.ID, p.refusal); err != nil {
				return st, err
			}
			continue
		}
		if _, err := refs.Accept(ctx, receiver, r.ID); err != nil {
			return st, err
		}
		met := answered.Add(48 * time.Hour)
		db.Now = func() time.Time { return met }
		note, err := cf.AddEntry(ctx, receiver, personID, casefile.EntryInput{Kind: parcours.EntryInterview, Mode: parcours.InterviewModes[0],
			Summary: p.withNote, OccurredAt: met.Format(time.DateOnly), Theme: topTheme(services[p.service].Thematiques)})
		if err != nil {
			return st, err
		}
		backPerson, backNote, backFrom = personID, note.ID, receiver
	}
	// Referred back: the Département's ASLL worker, who holds the CCAS's
	// file by the accepted referral, sends the person back to the CCAS's
	// food aid with only what the Département wrote; the CCAS has read it.
	if backPerson != "" {
		sent := today.Add(-2 * 24 * time.Hour)
		db.Now = func() time.Time { return sent }
		r, err := refs.Create(ctx, backFrom, backPerson, referral.Input{ServiceID: services["Aide alimentaire d'urgence"].ID,
			Reason:   "Plan d'apurement signé : le reste à vivre est très faible pendant six mois, aide alimentaire demandée.",
			EntryIDs: []string{backNote}, Basis: "consent", ConsentOn: sent.Format(time.DateOnly), ConsentHow: "oral"})
		if err != nil {
			return st, fmt.Errorf("demo referral back: %w", err)
		}
		st.Referrals++
		read := sent.Add(3 * time.Hour)
		db.Now = func() time.Time { return read }
		ccas := s.Workers[0][demoReceiver(s, 0, services["Aide alimentaire d'urgence"].TeamID)].Actor()
		if _, err := refs.Get(ctx, ccas, r.ID); err != nil {
			return st, err
		}
	}
	db.Now = now
	// The daily job, as the server runs it: the pending referral sent
	// eleven days ago gets its reminder.
	if _, err := refs.SendReminders(ctx, parcours.SystemActor()); err != nil {
		return st, err
	}
	return st, nil
}

// worker returns the first worker of org with role.
func (s *Setting) worker(org int, role parcours.Role) *parcours.Worker {
	for _, w := range s.Workers[org] {
		if w.Role == role {
			return w
		}
	}
	return nil
}

// demoReceiver is the index of the case worker of org in team (the
// receiving team of a service), else the organisation's first worker.
func demoReceiver(s *Setting, org int, team string) int {
	first := -1
	for i, w := range s.Workers[org] {
		if w.Role != parcours.RoleWorker {
			continue
		}
		if first < 0 {
			first = i
		}
		if len(w.TeamIDs) > 0 && w.TeamIDs[0] == team {
			return i
		}
	}
	return first
}

// referable finds, among the persons followed by org's first case worker,
// one not referred yet, with the two latest journal entries that worker
// may read; "" when there is none.
func (s *Setting) referable(ctx context.Context, db *store.DB, cf *casefile.Service, org int, used map[string]bool) (parcours.Actor, string, []string, error) {
	w := s.Workers[org][demoReceiver(s, org, "")]
	actor := w.Actor()
	var persons []string
	err := db.View(ctx, func(tx *store.Tx) error {
		var err error
		persons, err = tx.ReferentPersons(ctx, w.ID, 50)
		return err
	})
	if err != nil {
		return actor, "", nil, err
	}
	for _, id := range persons {
		if used[id] {
			continue
		}
		page, err := cf.Journal(ctx, actor, id, casefile.JournalQuery{}, "", 2)
		if err != nil || len(page.Items) < 2 {
			continue
		}
		used[id] = true
		return actor, id, []string{page.Items[0].ID, page.Items[1].ID}, nil
	}
	return actor, "", nil, nil
}

// topTheme is the top-level thématique of a service's first theme: the
// one its worker files the entry under.
func topTheme(themes []string) string {
	if len(themes) == 0 {
		return ""
	}
	top, _, _ := strings.Cut(themes[0], "--")
	return top
}
