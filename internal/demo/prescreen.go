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

// AddPrescreening gives the demo households whose pre-screening of
// likely rights (issue 13) has something to show: a situation (tenant in
// the private sector, short contract) and a budget dated four months ago
// with a modest salary and no benefit yet, so that RSA, prime
// d'activité, CSS and APL screen « probable » for most of them and the
// non-take-up dashboard has counts above its threshold. It skips the
// households AddRights already gave a budget, and goes through the
// services as the pages do, acting as each person's referent. It returns
// how many households it prepared.
func AddPrescreening(ctx context.Context, db *store.DB, s *Setting, accompanied []parcours.Accompaniment, today time.Time) (int, error) {
	as, ps := aid.New(db, nil), person.New(db)
	date := func(days int) string { return rights.AddDays(parcours.Today(today), days) }
	workers := map[string]*parcours.Worker{}
	for _, ws := range s.Workers {
		for _, w := range ws {
			workers[w.ID] = w
		}
	}
	done := map[string]bool{}
	n := 0
	for _, a := range accompanied {
		if n >= 12 {
			break
		}
		w := workers[a.ReferentID]
		if a.OrgID != s.Orgs[0].ID || w == nil {
			continue
		}
		actor := w.Actor()
		p, err := ps.Get(ctx, actor, a.PersonID)
		if err != nil {
			return n, fmt.Errorf("demo: prescreening person: %w", err)
		}
		if p.HouseholdID == "" || done[p.HouseholdID] {
			continue
		}
		done[p.HouseholdID] = true
		b, err := as.Budget(ctx, actor, p.HouseholdID)
		if err != nil {
			return n, fmt.Errorf("demo: prescreening budget: %w", err)
		}
		if b.Current != nil {
			continue // AddRights' budgets: already receiving benefits
		}
		h, err := ps.GetHousehold(ctx, actor, p.HouseholdID)
		if err != nil {
			return n, fmt.Errorf("demo: prescreening household: %w", err)
		}
		couple, dependents, children := false, 0, 0
		for _, m := range h.Members {
			switch m.Relationship {
			case parcours.RelSpouse:
				couple = true
			case parcours.RelChild:
				dependents++
				children++ // the budget's « under 14 » count: close enough for the demo
			}
		}
		if _, err := ps.RecordSituation(ctx, actor, p.HouseholdID, person.SituationInput{Housing: "locataire_prive",
			IncomeSources: []string{"salaire"}, Employment: "cdd", MonthlyIncome: 420 + 30*n, ValidFrom: date(-125)}); err != nil {
			return n, fmt.Errorf("demo: prescreening situation: %w", err)
		}
		if _, err := as.SaveBudget(ctx, actor, p.HouseholdID, aid.BudgetInput{ValidFrom: date(-120), Adults: 1 + map[bool]int{true: 1}[couple], Children: children,
			Dependents: dependents, Couple: couple, Note: "Contrat court à temps partiel ; aucune prestation demandée pour l'instant.",
			Lines: []parcours.BudgetLine{
				{Kind: parcours.LineResource, Category: "salaire", PersonID: p.ID, Label: "CDD à temps partiel", MonthlyCents: int64(42000 + 3000*n)},
				{Kind: parcours.LineCharge, Category: "loyer", MonthlyCents: int64(49000 + 1500*n)},
				{Kind: parcours.LineCharge, Category: "energie", MonthlyCents: 7000},
				{Kind: parcours.LineCharge, Category: "telephone_internet", MonthlyCents: 2500},
			}}); err != nil {
			return n, fmt.Errorf("demo: prescreening budget: %w", err)
		}
		n++
	}
	return n, nil
}
