package demo

import (
	"context"
	"fmt"
	"time"

	"parcours/internal/messaging"
	"parcours/internal/parcours"
	"parcours/internal/referral"
	"parcours/internal/store"
)

// The demo's secure messaging (issue 11): a thread between two CCAS
// workers about a person they both follow, and an exchange between the
// CCAS and the Département under the accepted ASLL referral, each with
// a few answers left unread, so that the notifications, « Ma journée »
// and the messaging pages show something. Everything goes through the
// messaging service, as the workers would write.

// MessageStats counts what AddMessages wrote.
type MessageStats struct {
	Threads, Messages int
}

// AddMessages writes the demo's threads, as of now. It runs after
// AddReferrals (the exchange between structures needs its accepted
// referral).
func AddMessages(ctx context.Context, db *store.DB, s *Setting, now time.Time) (MessageStats, error) {
	var st MessageStats
	svc := messaging.New(db, nil)
	saved := db.Now
	defer func() { db.Now = saved }()
	at := func(minutesAgo int) {
		db.Now = func() time.Time { return now.Add(-time.Duration(minutesAgo) * time.Minute) }
	}
	write := func(actor parcours.Actor, threadID, body string) error {
		if _, err := svc.Post(ctx, actor, threadID, messaging.MessageInput{Body: body}); err != nil {
			return fmt.Errorf("demo message: %w", err)
		}
		st.Messages++
		return nil
	}

	// Within the CCAS: the referent asks a colleague who may read the
	// file (a teammate or the team's manager).
	w := s.Workers[0][demoReceiver(s, 0, "")]
	var persons []string
	if err := db.View(ctx, func(tx *store.Tx) error {
		var err error
		persons, err = tx.ReferentPersons(ctx, w.ID, 20)
		return err
	}); err != nil {
		return st, err
	}
	for _, pid := range persons {
		lv, err := svc.List(ctx, w.Actor(), pid)
		if err != nil || len(lv.Readers) == 0 {
			continue
		}
		colleague := lv.Readers[0]
		at(26 * 60)
		t, err := svc.Create(ctx, w.Actor(), pid, messaging.CreateInput{Subject: "Demande FSL : avis avant la commission",
			ParticipantIDs: []string{colleague.ID},
			Body:           "Bonjour, peux-tu relire le dossier FSL avant la commission de jeudi ? Le bail et la quittance sont au dossier."})
		if err != nil {
			return st, fmt.Errorf("demo thread: %w", err)
		}
		st.Threads++
		st.Messages++
		at(22 * 60)
		if err := write(colleague.Actor(), t.ID, "Relu : il manque l'avis d'imposition 2025. Sinon c'est complet, je le présente jeudi."); err != nil {
			return st, err
		}
		at(40)
		if err := write(w.Actor(), t.ID, "Merci ! La personne apporte l'avis demain matin à l'accueil, je te le transmets."); err != nil {
			return st, err
		}
		break
	}

	// Between the CCAS and the Département, under the ASLL referral the
	// Département accepted.
	byID := map[string]*parcours.Worker{}
	for _, ws := range s.Workers {
		for _, x := range ws {
			byID[x.ID] = x
		}
	}
	refs := referral.New(db)
	var accepted *parcours.Referral
	for _, x := range s.Workers[1] {
		if x.Role != parcours.RoleWorker {
			continue
		}
		list, err := refs.List(ctx, x.Actor(), referral.BoxReceived, parcours.ReferralAccepted)
		if err != nil {
			return st, err
		}
		for _, it := range list {
			if it.FromOrgID == s.Orgs[0].ID {
				accepted = it.Referral
			}
		}
		break
	}
	if accepted == nil || byID[accepted.SentBy] == nil || byID[accepted.AnsweredBy] == nil {
		return st, nil // a population too small for the referral
	}
	sender, receiver := byID[accepted.SentBy], byID[accepted.AnsweredBy]
	at(3 * 24 * 60)
	t, err := svc.CreateForReferral(ctx, sender.Actor(), accepted.ID, messaging.CreateInput{Subject: "ASLL : suite de la procédure d'expulsion",
		ParticipantIDs: []string{receiver.ID},
		Body:           "Bonjour, l'audience au tribunal est fixée au 15 janvier. Le plan d'apurement proposé au bailleur a-t-il reçu une réponse ?"})
	if err != nil {
		return st, fmt.Errorf("demo referral thread: %w", err)
	}
	st.Threads++
	st.Messages++
	at(2 * 24 * 60)
	if err := write(receiver.Actor(), t.ID, "Bonjour, le bailleur accepte l'échéancier de 80 € par mois ; je l'accompagne à l'audience pour le présenter."); err != nil {
		return st, err
	}
	at(90)
	if err := write(receiver.Actor(), t.ID, "Le FSL maintien a été déposé ce matin, je vous tiens au courant de la décision."); err != nil {
		return st, err
	}
	return st, nil
}
