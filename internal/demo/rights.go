package demo

import (
	"context"
	"fmt"
	"time"

	"parcours/internal/aid"
	"parcours/internal/parcours"
	"parcours/internal/person"
	"parcours/internal/rights"
	"parcours/internal/store"
)

// RightsStats counts what AddRights wrote.
type RightsStats struct {
	Procedures, Checks, Mandates, Budgets, Requests, Commissions, Domiciliations int
}

// demoProcedures are the demo's procedures: every help level, the
// obstacles the digital divide brings, statuses along the way.
var demoProcedures = []rights.ProcedureInput{
	{RightCode: "prime_activite", Status: parcours.ProcFiled, HelpLevel: parcours.HelpWith, Obstacles: []string{"no_franceconnect"},
		NextStep: "Vérifier le premier versement", DueDate: "+5"},
	{RightCode: "css", Status: parcours.ProcOngoing, HelpLevel: parcours.HelpFor, Obstacles: []string{"no_device", "no_email"},
		NextStep: "Envoyer l'avis d'imposition à la CPAM", DueDate: "+2"},
	{RightCode: "apl", Status: parcours.ProcGranted, HelpLevel: parcours.HelpWith, Obstacles: []string{"literacy"}, AmountCents: 21340},
	{RightCode: "france_travail", Status: parcours.ProcTodo, HelpLevel: parcours.HelpReferred, Obstacles: []string{"language"}},
	{RightCode: "cheque_energie", Status: parcours.ProcGranted, HelpLevel: parcours.HelpAutonomous, AmountCents: 19400},
	{RightCode: "rsa", Status: parcours.ProcFiled, HelpLevel: parcours.HelpFor, Obstacles: []string{"no_connection"},
		NextStep: "Relancer la CAF", DueDate: "-1"},
}

// AddRights gives the demo access to rights: procedures at each help
// level on the first accompanied persons, their digital autonomy checks,
// two mandates (one ending soon), budgets, and a commission with five
// requests and their decisions. It goes through the services, as the
// pages do, acting as each person's referent and the organisation's
// manager.
func AddRights(ctx context.Context, db *store.DB, s *Setting, accompanied []parcours.Accompaniment, today time.Time) (*RightsStats, error) {
	st := &RightsStats{}
	rs, as, ps := rights.New(db, nil), aid.New(db, nil), person.New(db)
	date := func(days int) string { return rights.AddDays(parcours.Today(today), days) }
	workers := map[string]*parcours.Worker{}
	managers := map[string]*parcours.Worker{}
	for _, ws := range s.Workers {
		for _, w := range ws {
			workers[w.ID] = w
			if w.Role == parcours.RoleManager && managers[w.OrgID] == nil {
				managers[w.OrgID] = w
			}
		}
	}
	// The first organisation's accompanied persons carry the demo.
	var picked []parcours.Accompaniment
	for _, a := range accompanied {
		if a.OrgID == s.Orgs[0].ID && workers[a.ReferentID] != nil && len(picked) < 8 {
			picked = append(picked, a)
		}
	}
	if len(picked) < 6 || managers[s.Orgs[0].ID] == nil {
		return st, nil // a demo too small for this part
	}
	manager := managers[s.Orgs[0].ID].Actor()
	type household struct{ id, referent string }
	var households []household
	for i, a := range picked {
		actor := workers[a.ReferentID].Actor()
		if i < 2 {
			// Mandates first: « fait pour la personne » rests on them. The
			// second ends within the month (the expiry reminder).
			end := date(300)
			if i == 1 {
				end = date(20)
			}
			if _, err := rs.CreateMandate(ctx, actor, a.PersonID, rights.MandateInput{Procedures: []string{"css", "rsa"}, EndDate: end}); err != nil {
				return nil, fmt.Errorf("demo: mandate: %w", err)
			}
			st.Mandates++
		}
		in := demoProcedures[i%len(demoProcedures)]
		if in.HelpLevel == parcours.HelpFor && i >= 2 {
			in.HelpLevel = parcours.HelpWith
		}
		if in.DueDate != "" {
			var n int
			fmt.Sscanf(in.DueDate, "%d", &n)
			in.DueDate = date(n)
		}
		if _, err := rs.CreateProcedure(ctx, actor, a.PersonID, in); err != nil {
			return nil, fmt.Errorf("demo: procedure: %w", err)
		}
		st.Procedures++
		// Two checks three months apart show the person's progress.
		for k, c := range []rights.AutonomyInput{
			{CheckedOn: date(-90), Equipment: "phone", Connection: "none", Email: "none", FranceConnect: "none", Alone: "no", Language: "partial"},
			{CheckedOn: date(-3), Equipment: "phone", Connection: "mobile", Email: "has", FranceConnect: "has", Alone: "with_help", Language: "partial"},
		} {
			if k == 0 && i%2 == 1 {
				continue
			}
			if _, err := rs.AddAutonomyCheck(ctx, actor, a.PersonID, c); err != nil {
				return nil, fmt.Errorf("demo: autonomy check: %w", err)
			}
			st.Checks++
		}
		p, err := ps.Get(ctx, actor, a.PersonID)
		if err != nil {
			return nil, fmt.Errorf("demo: person: %w", err)
		}
		if p.HouseholdID == "" || len(households) >= 5 {
			continue
		}
		rent := int64(38000 + 2500*i)
		if _, err := as.SaveBudget(ctx, actor, p.HouseholdID, aid.BudgetInput{ValidFrom: date(-10), Adults: 1 + i%2, Children: i % 3, Dependents: i % 3,
			Couple: i%2 == 1, Lines: []parcours.BudgetLine{
				{Kind: parcours.LineResource, Category: "rsa", PersonID: p.ID, MonthlyCents: 63500 + int64(i)*4100},
				{Kind: parcours.LineResource, Category: "apl", MonthlyCents: 21340},
				{Kind: parcours.LineCharge, Category: "loyer", MonthlyCents: rent},
				{Kind: parcours.LineCharge, Category: "energie", MonthlyCents: 8500},
				{Kind: parcours.LineCharge, Category: "assurance", MonthlyCents: 1900},
				{Kind: parcours.LineDebt, Category: "energie", Label: "Fournisseur d'énergie", MonthlyCents: 3000, RemainingCents: 48000, Plan: "echeancier"},
			}}); err != nil {
			return nil, fmt.Errorf("demo: budget: %w", err)
		}
		st.Budgets++
		households = append(households, household{p.HouseholdID, a.ReferentID})
	}
	// Two persons domiciled at the CCAS, with mail: one letter handed
	// over, one waiting at the desk.
	var reception *parcours.Worker
	for _, w := range s.Workers[0] {
		if w.Role == parcours.RoleReception {
			reception = w
			break
		}
	}
	for i, a := range picked[len(picked)-2:] {
		actor := workers[a.ReferentID].Actor()
		d, err := rs.ApplyDomiciliation(ctx, actor, a.PersonID, rights.DomApplication{AppliedOn: date(-40 - 300*i)})
		if err == nil {
			d, err = rs.DecideDomiciliation(ctx, actor, d.ID, rights.DomDecision{Decision: parcours.DomGranted, ValidFrom: date(-38 - 300*i)})
		}
		if err != nil {
			return nil, fmt.Errorf("demo: domiciliation: %w", err)
		}
		st.Domiciliations++
		desk := actor
		if reception != nil {
			desk = reception.Actor()
		}
		for k, sender := range []string{"CAF du Rhône", "Préfecture du Rhône"} {
			m, err := rs.RecordMail(ctx, desk, a.PersonID, rights.MailInput{Sender: sender, Kind: parcours.MailKinds[k%2], ReceivedOn: date(-5 + 3*k)})
			if err != nil {
				return nil, fmt.Errorf("demo: mail: %w", err)
			}
			if k == 0 {
				if _, err := rs.UpdateMail(ctx, desk, m.ID, rights.MailUpdate{Status: "handed_over"}); err != nil {
					return nil, fmt.Errorf("demo: mail: %w", err)
				}
			}
		}
	}
	// A commission with five requests and its decisions.
	c, err := as.CreateCommission(ctx, manager, aid.CommissionInput{MeetsOn: date(-2),
		Members: []string{"Mme Roche, vice-présidente du CCAS", "M. Diallo, administrateur", "Mme Perrin, responsable du pôle"}})
	if err != nil {
		return nil, fmt.Errorf("demo: commission: %w", err)
	}
	st.Commissions++
	requests := []struct {
		code, reason string
		cents        int64
		decision     aid.DecisionInput
	}{
		{"secours_urgence", "Facture d'eau impayée, coupure annoncée.", 25000, aid.DecisionInput{Decision: parcours.AidGranted}},
		{"aide_energie", "Régularisation de la facture d'électricité.", 40000, aid.DecisionInput{Decision: parcours.AidPartial, AmountCents: 25000, Motive: "Plafond de l'aide énergie sur l'année."}},
		{"aide_alimentaire", "Fin de mois difficile après une baisse de ressources.", 12000, aid.DecisionInput{Decision: parcours.AidGranted}},
		{"aide_transport", "Trajets vers une formation qualifiante.", 9000, aid.DecisionInput{Decision: parcours.AidRefused, Motive: "Prise en charge par la Région."}},
		{"secours_urgence", "Réparation du véhicule pour se rendre au travail.", 30000, aid.DecisionInput{Decision: parcours.AidAdjourned, Motive: "Devis à fournir."}},
	}
	for i, r := range requests {
		if len(households) == 0 {
			break
		}
		h := households[i%len(households)]
		actor := workers[h.referent].Actor()
		req, err := as.CreateRequest(ctx, actor, aid.RequestInput{HouseholdID: h.id, AidCode: r.code, AmountCents: r.cents, Reason: r.reason})
		if err != nil {
			return nil, fmt.Errorf("demo: aid request: %w", err)
		}
		if _, err := as.PlaceOnAgenda(ctx, actor, req.ID, aid.AgendaInput{CommissionID: c.ID}); err != nil {
			return nil, fmt.Errorf("demo: agenda: %w", err)
		}
		if _, err := as.Decide(ctx, manager, req.ID, r.decision); err != nil {
			return nil, fmt.Errorf("demo: decision: %w", err)
		}
		if i == 0 {
			if _, err := as.RecordPayment(ctx, actor, req.ID, aid.PaymentInput{Payee: parcours.PayeeCreditor, CreditorName: "Régie des eaux", Status: "paid"}); err != nil {
				return nil, fmt.Errorf("demo: payment: %w", err)
			}
		}
		st.Requests++
	}
	return st, nil
}
