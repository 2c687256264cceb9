package screening

import (
	"context"
	"slices"

	"parcours/internal/access"
	"parcours/internal/file"
	"parcours/internal/parcours"
	"parcours/internal/prescreen"
	"parcours/internal/store"
)

// The pre-screening as the person reads it in their portal (issue 14):
// the results their workers acted on with them, each explained again in
// plain words. Only what is theirs: the answers recorded for them, the
// household's data only while they still live in the household screened,
// and never a datum that is another member's own (their age, their
// wages).

// Own is the pre-screenings recorded on the portal actor's own file.
type Own struct {
	Notice string     `json:"notice"`
	Items  []*OwnItem `json:"items"`
}

// OwnItem is one answer recorded for the person, with its explanation.
type OwnItem struct {
	Rule        *RuleInfo `json:"rule_set,omitempty"` // nil when the rule is no longer in service
	RuleCode    string    `json:"rule"`
	RuleVersion string    `json:"rule_version"`
	ScreenedOn  string    `json:"screened_on"`
	StatusShown string    `json:"status_shown"`
	Outcome     string    `json:"outcome"`
	Reason      string    `json:"reason,omitempty"`
	// Result is the rule computed again for ScreenedOn with what the file
	// holds today; nil when the person has left the household screened
	// (its data are no longer theirs to read).
	Result *OwnResult `json:"result,omitempty"`
}

// OwnResult is a result as the person reads it: the operations (CEL
// expressions) stay on the workers' explanation and in the public
// register, and another member's own data are not shown.
type OwnResult struct {
	Status      prescreen.Status      `json:"status"`
	HasAmount   bool                  `json:"has_amount"`
	AmountCents int64                 `json:"amount_cents"`
	AmountLabel string                `json:"amount_label,omitempty"`
	Warnings    []string              `json:"warnings"`
	Checks      []string              `json:"checks"`
	Missing     []prescreen.Missing   `json:"missing"`
	Data        []OwnDatum            `json:"data"`
	Params      []prescreen.UsedParam `json:"parameters"`
	// Changed: today's file gives another status than the one shown then.
	Changed bool `json:"changed"`
}

// OwnDatum is a datum the rule read; Hidden when it is another member's.
type OwnDatum struct {
	Label  string `json:"label"`
	Value  string `json:"value,omitempty"`
	Source string `json:"source,omitempty"`
	Hidden bool   `json:"hidden"`
}

// memberFacts are the facts that are one member's own, by the member
// they describe (Situation reads them so).
var memberFacts = map[string]parcours.Relationship{"age": parcours.RelReference, "res_activity_ref": parcours.RelReference,
	"res_own_ref": parcours.RelReference, "age_spouse": parcours.RelSpouse, "res_activity_spouse": parcours.RelSpouse}

// Own returns the pre-screenings recorded for the portal actor's person,
// audited as portal.prescreening (it shows in their access log).
func (s *Service) Own(ctx context.Context, actor parcours.Actor) (o *Own, err error) {
	defer wrap(&err, "screening: own")
	err = s.db.View(ctx, func(tx *store.Tx) error {
		f, err := file.OpenOwn(ctx, tx, actor, access.PortalRead)
		if err != nil {
			return err
		}
		outcomes, d, err := f.Prescreenings(ctx)
		if err != nil {
			return err
		}
		o = &Own{Notice: Notice, Items: []*OwnItem{}}
		for _, oc := range outcomes {
			it := &OwnItem{RuleCode: oc.RuleCode, RuleVersion: oc.RuleVersion, ScreenedOn: oc.ScreenedOn, StatusShown: oc.StatusShown,
				Outcome: oc.Outcome, Reason: oc.Reason}
			r := s.eng.Rule(oc.RuleCode)
			if r != nil {
				it.Rule = info(r)
			}
			if r != nil && d != nil && oc.HouseholdID == d.Household.ID && oc.ScreenedOn >= r.MinDate() {
				res, err := s.eng.EvaluateRule(r, Situation(d, oc.ScreenedOn))
				if err != nil {
					return err
				}
				it.Result = ownResult(res, others(d.Household, f.Owns))
				it.Result.Changed = string(res.Status) != oc.StatusShown
			}
			o.Items = append(o.Items, it)
		}
		f.Audit("portal.prescreening", "person", f.Person.ID)
		return nil
	})
	return o, err
}

// others are the places in the household (reference person, spouse)
// held by someone other than the person.
func others(h *parcours.Household, owns func(string) bool) []parcours.Relationship {
	var out []parcours.Relationship
	if ref := reference(h); ref != "" && !owns(ref) {
		out = append(out, parcours.RelReference)
	}
	for _, m := range h.Members {
		if m.Relationship == parcours.RelSpouse {
			if !owns(m.PersonID) {
				out = append(out, parcours.RelSpouse)
			}
			break // Situation reads the first spouse only
		}
	}
	return out
}

func ownResult(r *prescreen.Result, hidden []parcours.Relationship) *OwnResult {
	out := &OwnResult{Status: r.Status, HasAmount: r.HasAmount, AmountCents: r.AmountCents, AmountLabel: r.AmountLabel,
		Warnings: nonNil(r.Warnings), Checks: nonNil(r.Checks), Missing: []prescreen.Missing{}, Data: []OwnDatum{}, Params: r.Params}
	other := func(fact string) bool { return slices.Contains(hidden, memberFacts[fact]) }
	for _, d := range r.Data {
		if other(d.Name) {
			out.Data = append(out.Data, OwnDatum{Label: d.Label, Hidden: true})
			continue
		}
		out.Data = append(out.Data, OwnDatum{Label: d.Label, Value: d.Value, Source: d.Source})
	}
	for _, m := range r.Missing {
		if other(m.Fact) {
			m.Field = "" // it names the other member
		}
		out.Missing = append(out.Missing, m)
	}
	return out
}
