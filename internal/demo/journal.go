package demo

import (
	"fmt"
	"strings"
	"time"

	"parcours/internal/parcours"
	"parcours/internal/store"
)

// Journal text: the kind of entries social workers write, assembled from
// fragments so that a million entries do not repeat a dozen sentences.
// They name no one: "Mme", "M." and the institutions only.

var (
	bodies = []string{"la CAF", "la CPAM", "France Travail", "le bailleur", "le SIAO", "la MDPH", "la Banque de France",
		"EDF", "l'école", "la PMI", "le CMP", "la mission locale", "le centre des finances publiques", "la préfecture",
		"l'UDAF", "le Secours populaire", "les Restos du cœur", "le CHRS", "l'employeur", "la mutuelle"}
	// subjects are what an entry is about, each with the thématique
	// (parcours.Thematiques) a worker would file it under, so that the
	// statistics by theme have content.
	subjects = []struct{ text, theme string }{
		{"la demande de RSA", "acces-aux-droits-et-citoyennete"}, {"le dossier de surendettement", "gestion-financiere"},
		{"la dette locative", "logement-hebergement"}, {"la demande de logement social", "logement-hebergement"},
		{"le renouvellement de la CSS", "sante"}, {"la demande d'AAH", "handicap"},
		{"le titre de séjour", "acces-aux-droits-et-citoyennete"}, {"l'ouverture des droits ARE", "trouver-un-emploi"},
		{"la prime d'activité", "acces-aux-droits-et-citoyennete"}, {"la demande de FSL", "logement-hebergement"},
		{"l'aide alimentaire", "equipement-et-alimentation"}, {"les impayés d'énergie", "gestion-financiere"},
		{"la scolarité des enfants", "famille"}, {"la recherche d'emploi", "trouver-un-emploi"},
		{"la formation qualifiante", "se-former"}, {"le dossier DALO", "logement-hebergement"},
		{"la demande d'APL", "logement-hebergement"}, {"le budget du foyer", "gestion-financiere"},
		{"la domiciliation", "acces-aux-droits-et-citoyennete"}, {"la pension alimentaire", "famille"},
		{"le suivi de grossesse", "sante"}, {"la carte Vitale", "sante"}, {"le permis de conduire", "mobilite"}}
	interviewOpen = []string{"Entretien avec %s : point sur %s.", "Rendez-vous avec %s au sujet de %s.",
		"%s reçu{e} en entretien, questions sur %s.", "Premier accueil de %s : expression de la demande concernant %s.",
		"Visite à domicile chez %s : échange sur %s."}
	interviewFollow = []string{"Pièces à fournir listées ensemble.", "Prochain rendez-vous fixé dans quinze jours.",
		"La personne se dit épuisée, à revoir rapidement.", "Situation stabilisée depuis le dernier entretien.",
		"Orientation proposée, la personne réfléchit.", "Accord pour constituer le dossier ensemble.",
		"Les justificatifs de ressources manquent encore.", "Budget travaillé ligne par ligne.",
		"Démarches en ligne faites ensemble sur l'ordinateur du service.", "Besoin d'un interprète pour le prochain entretien."}
	// actions take the subject, then the body.
	actions = []string{"Envoi du dossier concernant %s à %s.", "Saisine de %[2]s concernant %[1]s.",
		"Pièces pour %s transmises à %s.", "Relance de %[2]s au sujet de %[1]s.", "Attestation concernant %s adressée à %s.",
		"Dossier concernant %s complété et déposé auprès de %s."}
	calls = []string{"Appel de %s : pièces manquantes pour %s.", "Appel à %s pour faire le point sur %s.",
		"Message laissé à %s concernant %s.", "Appel de %s : %s en bonne voie."}
	mails = []string{"Courrier à %s concernant %s.", "Courrier reçu de %s au sujet de %s, copie au dossier.",
		"Mail à %s pour accélérer %s."}
	notes = []string{"%s signale des difficultés liées à %s.", "Note : %s a obtenu une réponse favorable pour %s.",
		"Note : %s ne s'est pas présenté{e} au rendez-vous prévu pour %s.", "Synthèse : %[2]s reste au cœur de l'accompagnement de %[1]s."}
	goalTitles = []string{"Accéder à un logement autonome", "Ouvrir les droits au RSA", "Résorber la dette locative",
		"Retrouver un emploi", "Stabiliser le budget", "Obtenir la reconnaissance MDPH", "Régulariser la situation administrative"}
)

func civility(p parcours.Person) string {
	if p.Sex == parcours.SexFemale {
		return "Mme"
	}
	return "M."
}

// sentence picks one template of list and fills it, in grammatical
// French: « à le CMP » is « au CMP », and a participle agrees with the
// person ({e}).
func (g *Population) sentence(female bool, list []string, args ...any) string {
	s := contract(fmt.Sprintf(list[g.intn(len(list))], args...))
	e := ""
	if female {
		e = "e"
	}
	s = strings.ReplaceAll(s, "{e}", e)
	return strings.ToUpper(s[:1]) + s[1:]
}

// contracted are the French article contractions after à and de.
var contracted = strings.NewReplacer(" à le ", " au ", " à les ", " aux ", " de le ", " du ", " de les ", " des ")

func contract(s string) string { return contracted.Replace(s) }

// entry draws one journal entry about p dated occurred.
func (g *Population) entry(p parcours.Person, occurred time.Time) parcours.JournalEntry {
	who, about, body := civility(p), subjects[g.intn(len(subjects))], bodies[g.intn(len(bodies))]
	subject := about.text
	female := p.Sex == parcours.SexFemale
	e := parcours.JournalEntry{OccurredAt: occurred.Format(time.DateOnly), Confidentiality: parcours.ConfTeam, Theme: about.theme}
	switch g.pick(40, 25, 15, 8, 12) {
	case 0:
		e.Kind = parcours.EntryInterview
		e.Mode = parcours.InterviewModes[g.pick(70, 20, 3, 7)]
		e.Summary = g.sentence(female, interviewOpen, who, subject) + " " + interviewFollow[g.intn(len(interviewFollow))]
		if g.m.Chance(0.3) {
			e.Summary += " " + interviewFollow[g.intn(len(interviewFollow))]
		}
	case 1:
		e.Kind = parcours.EntryAction
		e.Summary = g.sentence(female, actions, subject, body)
	case 2:
		e.Kind = parcours.EntryCall
		e.Summary = g.sentence(female, calls, body, subject)
	case 3:
		e.Kind = parcours.EntryMail
		e.Summary = g.sentence(female, mails, body, subject)
	default:
		e.Kind = parcours.EntryNote
		e.Summary = g.sentence(female, notes, who, subject)
	}
	switch g.pick(85, 10, 5) {
	case 1:
		e.Confidentiality = parcours.ConfReferent
	case 2:
		e.Confidentiality = parcours.ConfOrganization
	}
	return e
}

// HeavyFileEntries is the journal length of the few "heavy" files every
// structure has (a long accompaniment): the bench opens those.
const HeavyFileEntries = 200

// caseFile gives the adults of h an accompaniment with a referent, a goal
// and a journal. Ten entries per person on average over the population;
// one accompanied person in 500 has a heavy file of HeavyFileEntries.
func (g *Population) caseFile(h *store.SeedHousehold, orgID string, referent *parcours.Worker) {
	h.RecordedBy = referent.ID
	team := referent.TeamIDs[0]
	for i := range h.Members {
		m := &h.Members[i]
		if m.Relationship == parcours.RelChild || (i > 0 && !g.m.Chance(0.5)) {
			continue
		}
		startDays := 30 + g.intn(1500)
		start := g.today.AddDate(0, 0, -startDays)
		a := parcours.Accompaniment{OrgID: orgID, TeamID: team, ReferentID: referent.ID,
			Kind:      parcours.DefaultAccompanimentKinds[g.pick(35, 30, 10, 10, 12, 3)].Code,
			StartDate: start.Format(time.DateOnly), CreatedBy: referent.ID, CreatedAt: start.Add(9 * time.Hour)}
		a.Goals = []parcours.Goal{{Title: goalTitles[g.intn(len(goalTitles))], Status: "open", StartDate: a.StartDate, CreatedAt: a.CreatedAt}}
		// Two years and more of history (issue 15): two in five of the
		// accompaniments begun more than 400 days ago ended after 2 to 13
		// months, with a reason; those ended more than two years ago are
		// what the retention plan proposes to anonymise. Derived from the
		// draws above, so the population stays the same for a seed.
		end := g.today
		if startDays > 400 && startDays%5 < 2 {
			end = start.AddDate(0, 0, 60+startDays%330)
			a.EndDate = end.Format(time.DateOnly)
			a.EndReason = parcours.EndReasons[startDays%len(parcours.EndReasons)]
		}
		if m.Person.CreatedAt.IsZero() || m.Person.CreatedAt.After(a.CreatedAt) {
			m.Person.CreatedAt = a.CreatedAt
		}
		// About 1.25 accompanied persons per 2.2 members: 17 entries each
		// gives the 10 per person of issue 5.
		n := g.intn(35)
		if g.m.Chance(0.002) {
			n = HeavyFileEntries
		}
		sa := store.SeedAccompaniment{Accompaniment: a}
		for k := range n {
			// spread over the accompaniment, oldest first
			off := startDays * k / max(1, n)
			occurred := start.AddDate(0, 0, off+g.intn(max(1, startDays/max(1, n))))
			if !occurred.Before(end) {
				occurred = end.AddDate(0, 0, -1)
			}
			e := g.entry(m.Person, occurred)
			e.OrgID, e.TeamID, e.AuthorID = orgID, team, referent.ID
			e.CreatedAt = occurred.Add(time.Duration(9*60+g.intn(540)) * time.Minute)
			sa.Entries = append(sa.Entries, e)
		}
		m.Accompaniments = append(m.Accompaniments, sa)
	}
}
