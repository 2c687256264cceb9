package demo

import (
	"context"
	"time"

	"parcours/internal/agenda"
	"parcours/internal/casefile"
	"parcours/internal/parcours"
	"parcours/internal/store"
)

// AgendaStats counts what AddAppointments made.
type AgendaStats struct {
	Appointments, Honoured, Missed, Visits int
}

var demoThemes = []string{"Point sur le dossier RSA", "Renouvellement de la CSS", "Budget et factures d'énergie",
	"Recherche de logement", "Bilan de l'accompagnement", "Dossier de surendettement", "Aide à la déclaration de ressources"}

// demoThematiques files each appointment's entry under the thématique a
// worker would choose for its purpose.
var demoThematiques = map[string]string{"Point sur le dossier RSA": "acces-aux-droits-et-citoyennete",
	"Renouvellement de la CSS": "sante", "Budget et factures d'énergie": "gestion-financiere", "Recherche de logement": "logement-hebergement",
	"Bilan de l'accompagnement": "accompagnement-social-et-professionnel-personnalise", "Dossier de surendettement": "gestion-financiere",
	"Aide à la déclaration de ressources": "acces-aux-droits-et-citoyennete"}

// AddAppointments books, through the agenda service and as each
// referent, a week of appointments (Monday to Friday of the week of now)
// with up to five of the persons they follow; those already past are
// recorded honoured (with their journal entry, prefilled as a worker
// would find it) or, one in three, missed. The front desk of each
// organisation logs a few visits today for referents, with a message.
// The database clock is set back to the start of the week while booking
// (the service refuses appointments in the past) and restored after.
func AddAppointments(ctx context.Context, db *store.DB, s *Setting, accompanied []parcours.Accompaniment, now time.Time) (AgendaStats, error) {
	var st AgendaStats
	svc := agenda.New(db)
	paris := agenda.Paris()
	day := now.In(paris)
	monday := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, paris).AddDate(0, 0, -((int(day.Weekday()) + 6) % 7))
	workers := map[string]*parcours.Worker{}
	var desks []*parcours.Worker
	for _, ws := range s.Workers {
		for _, w := range ws {
			workers[w.ID] = w
			if w.Role == parcours.RoleReception {
				desks = append(desks, w)
			}
		}
	}
	byReferent := map[string][]string{}
	var order []string
	seen := map[string]bool{}
	for _, a := range accompanied {
		if workers[a.ReferentID] == nil || seen[a.PersonID] || len(byReferent[a.ReferentID]) >= 5 {
			continue
		}
		seen[a.PersonID] = true
		if byReferent[a.ReferentID] == nil {
			order = append(order, a.ReferentID)
		}
		byReferent[a.ReferentID] = append(byReferent[a.ReferentID], a.PersonID)
	}
	saved := db.Now
	defer func() { db.Now = saved }()
	db.Now = func() time.Time { return monday.Add(6 * time.Hour).UTC() }
	places := []string{parcours.PlaceService, parcours.PlaceHome, parcours.PlacePhone, parcours.PlaceVisio}
	type booked struct {
		a     *parcours.Appointment
		actor parcours.Actor
	}
	var all []booked
	for wi, wid := range order {
		w := workers[wid]
		for i, pid := range byReferent[wid] {
			d := monday.AddDate(0, 0, (i+wi)%5)
			h := 9 + (i*2+wi)%7
			if h == 12 {
				h = 14
			}
			in := agenda.Input{WorkerIDs: []string{w.ID}, Date: d.Format(time.DateOnly), Start: time.Date(0, 1, 1, h, 0, 0, 0, time.UTC).Format("15:04"),
				End: time.Date(0, 1, 1, h, 45, 0, 0, time.UTC).Format("15:04"), Theme: demoThemes[(i+wi)%len(demoThemes)]}
			switch places[(i+wi)%len(places)] {
			case parcours.PlaceVisio:
				in.PlaceKind, in.Place = parcours.PlaceVisio, "https://webconf.numerique.gouv.fr/parcours-demo"
			case parcours.PlaceHome:
				in.PlaceKind = parcours.PlaceHome
			default:
				in.PlaceKind, in.Place = parcours.PlacePhone, ""
			}
			b, err := svc.Book(ctx, w.Actor(), pid, in)
			if err != nil {
				return st, err
			}
			st.Appointments++
			all = append(all, booked{b.Appointment, w.Actor()})
		}
	}
	db.Now = saved
	for i, b := range all {
		if !b.a.EndsAt.Before(now) {
			continue
		}
		out := agenda.Outcome{Status: parcours.ApptHonoured}
		if i%3 == 2 {
			out.Status = parcours.ApptMissed
		}
		d := agenda.DraftOf(b.a, out.Status)
		text := "Entretien réalisé : " + b.a.Theme + ". Démarches faites ensemble, prochaine étape convenue."
		if out.Status == parcours.ApptMissed {
			text = "Rendez-vous non honoré (" + b.a.Theme + "). Message laissé pour en fixer un autre."
		}
		out.Journal = &casefile.EntryInput{Kind: d.Kind, OccurredAt: d.OccurredAt, Mode: d.Mode, Summary: text, Theme: demoThematiques[b.a.Theme]}
		if _, err := svc.RecordOutcome(ctx, b.actor, b.a.ID, out); err != nil {
			return st, err
		}
		if out.Status == parcours.ApptMissed {
			st.Missed++
		} else {
			st.Honoured++
		}
	}
	motives := []string{"Dépôt de justificatifs", "Question sur un courrier de la CAF", "Demande de rendez-vous", "Récupérer une attestation"}
	for di, desk := range desks {
		n := 0
		for _, wid := range order {
			if workers[wid].OrgID != desk.OrgID || n >= 3 {
				continue
			}
			in := agenda.VisitInput{ForWorkerID: wid, Motive: motives[(n+di)%len(motives)], NeedsAppointment: n%2 == 0}
			if n == 1 {
				in.Visitor, in.Message = "sa fille", "Souhaite être rappelée avant vendredi."
			}
			if _, err := svc.LogVisit(ctx, desk.Actor(), byReferent[wid][0], in); err != nil {
				return st, err
			}
			st.Visits++
			n++
		}
	}
	return st, nil
}
