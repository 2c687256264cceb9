// Package screening is the pre-screening of likely rights on a file
// (issue 13): it reads the household through the door, turns what the
// file holds into the facts the rules read (package prescreen), with the
// source of each (which field, entered by whom, when), and runs the rules
// for a date. The results are computed on demand and never stored: only
// the paying body decides. What the worker did with a result is recorded,
// audited. It also serves the public algorithm register and the managers'
// non-take-up dashboard.
//
// It never imports internal/web and never logs personal data.
package screening

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"parcours/internal/access"
	"parcours/internal/file"
	"parcours/internal/parcours"
	"parcours/internal/prescreen"
	"parcours/internal/store"
)

// Notice is the sentence on the tool's contribution (CRPA R311-3-1-2).
const Notice = "Aide à l'orientation, aucune décision n'est prise par cet outil. Seul l'organisme payeur décide de l'ouverture d'un droit et de son montant."

// Service runs the pre-screening.
type Service struct {
	db  *store.DB
	eng *prescreen.Engine
}

// New returns a Service on db with the rules of eng.
func New(db *store.DB, eng *prescreen.Engine) *Service { return &Service{db: db, eng: eng} }

// Engine returns the rules in use.
func (s *Service) Engine() *prescreen.Engine { return s.eng }

func wrap(err *error, format string, args ...any) {
	if *err != nil && parcours.AsError(*err) == nil {
		*err = fmt.Errorf(format+": %w", append(args, *err)...)
	}
}

// Item is one right of a screening: the result, and what the file already
// holds about that right (procedures open or granted, answers recorded).
type Item struct {
	*prescreen.Result
	Procedures []*parcours.Procedure        `json:"procedures"`
	Outcomes   []*parcours.PrescreenOutcome `json:"outcomes"`
	// Covered is true when a procedure for the right is open or granted.
	Covered bool `json:"covered"`
}

// View is a household's screening.
type View struct {
	HouseholdID   string                     `json:"household_id"`
	HouseholdName string                     `json:"household_name"`
	Date          string                     `json:"date"`
	Notice        string                     `json:"notice"`
	Items         []*Item                    `json:"results"`
	Members       []parcours.HouseholdMember `json:"members"`
	// Reference is the member a procedure is opened for by default.
	Reference string `json:"reference_person_id"`
	CanRecord bool   `json:"-"`
}

// Item returns the item of rule code, nil if none.
func (v *View) Item(code string) *Item {
	for _, it := range v.Items {
		if it.Rule == code {
			return it
		}
	}
	return nil
}

// date checks the screening date: empty is today; never in the future
// nor before the parameters begin.
func (s *Service) date(v, today string) (string, error) {
	if v == "" {
		return today, nil
	}
	var p parcours.Problems
	d, err := parcours.ParseDate(v)
	if err != nil {
		p.Add("date", "error.invalid_date", "field.prescreen.date")
	} else if v > today {
		p.Add("date", "error.date_in_future", "field.prescreen.date")
	} else if min := s.eng.MinDate(); v < min {
		p.Add("date", "error.prescreen.date_too_early", "field.prescreen.date", min)
	}
	if err := p.Err(); err != nil {
		return "", err
	}
	return d.Format(time.DateOnly), nil
}

// Screen runs every rule on a household for a date ("" = today). The
// reading is audited (prescreen.read); nothing else is written.
func (s *Service) Screen(ctx context.Context, actor parcours.Actor, householdID, date string) (v *View, err error) {
	defer wrap(&err, "screening: screen")
	err = s.db.View(ctx, func(tx *store.Tx) error {
		if date, err = s.date(date, parcours.Today(tx.Now())); err != nil {
			return err
		}
		h, err := file.OpenHousehold(ctx, tx, actor, access.PrescreenRead, householdID)
		if err != nil {
			return err
		}
		d, err := h.PrescreenData(ctx)
		if err != nil {
			return err
		}
		if v, err = s.view(d, date); err != nil {
			return err
		}
		v.CanRecord = h.Can(access.PrescreenRecord)
		h.Audit("prescreen.read", "household", h.Household.ID, h.Reference())
		return nil
	})
	return v, err
}

func (s *Service) view(d *file.PrescreenData, date string) (*View, error) {
	sit := Situation(d, date)
	results, err := s.eng.Evaluate(sit)
	if err != nil {
		return nil, err
	}
	v := &View{HouseholdID: d.Household.ID, HouseholdName: d.Household.Name, Date: date, Notice: Notice,
		Members: d.Household.Members, Reference: reference(d.Household)}
	for _, r := range results {
		it := &Item{Result: r, Procedures: []*parcours.Procedure{}, Outcomes: []*parcours.PrescreenOutcome{}}
		for _, p := range d.Procedures {
			if p.RightCode == r.RightCode && p.Status != parcours.ProcRefused && p.Status != parcours.ProcAbandoned {
				it.Procedures = append(it.Procedures, p)
				it.Covered = true
			}
		}
		for _, o := range d.Outcomes {
			if o.RuleCode == r.Rule {
				it.Outcomes = append(it.Outcomes, o)
			}
		}
		v.Items = append(v.Items, it)
	}
	return v, nil
}

func reference(h *parcours.Household) string {
	for _, m := range h.Members {
		if m.Relationship == parcours.RelReference {
			return m.PersonID
		}
	}
	if len(h.Members) > 0 {
		return h.Members[0].PersonID
	}
	return ""
}

// Explanation is one result explained as the law asks (CRPA L311-3-1,
// R311-3-1-2), for the worker and the person.
type Explanation struct {
	*Item
	HouseholdID   string    `json:"household_id"`
	HouseholdName string    `json:"household_name"`
	Notice        string    `json:"notice"`
	Rule          *RuleInfo `json:"rule_set"`
	GeneratedAt   time.Time `json:"generated_at"`
}

// Explain returns the explanation of one rule's result on a household
// (audited prescreen.explain).
func (s *Service) Explain(ctx context.Context, actor parcours.Actor, householdID, rule, date string) (x *Explanation, err error) {
	defer wrap(&err, "screening: explain")
	r := s.eng.Rule(rule)
	if r == nil {
		return nil, parcours.NotFound()
	}
	err = s.db.View(ctx, func(tx *store.Tx) error {
		if date, err = s.date(date, parcours.Today(tx.Now())); err != nil {
			return err
		}
		h, err := file.OpenHousehold(ctx, tx, actor, access.PrescreenRead, householdID)
		if err != nil {
			return err
		}
		d, err := h.PrescreenData(ctx)
		if err != nil {
			return err
		}
		v, err := s.view(d, date)
		if err != nil {
			return err
		}
		x = &Explanation{Item: v.Item(rule), HouseholdID: v.HouseholdID, HouseholdName: v.HouseholdName, Notice: Notice,
			Rule: info(r), GeneratedAt: tx.Now()}
		h.Audit("prescreen.explain", "household", h.Household.ID, h.Reference())
		return nil
	})
	return x, err
}

// OutcomeInput is the worker's answer to one result.
type OutcomeInput struct {
	Rule        string `json:"rule"`
	Date        string `json:"date"`
	Outcome     string `json:"outcome"`
	ProcedureID string `json:"procedure_id"`
	PersonID    string `json:"person_id"`
	Reason      string `json:"reason"`
}

// Record stores what the worker did with a result: a procedure opened
// (optionally naming it) or « not relevant » with the reason. The result
// is computed again to keep the status shown beside the answer.
func (s *Service) Record(ctx context.Context, actor parcours.Actor, householdID string, in OutcomeInput) (o *parcours.PrescreenOutcome, err error) {
	defer wrap(&err, "screening: record")
	err = s.db.Transact(ctx, func(tx *store.Tx) error {
		var p parcours.Problems
		date, derr := s.date(in.Date, parcours.Today(tx.Now()))
		if derr != nil {
			return derr
		}
		h, err := file.OpenHousehold(ctx, tx, actor, access.PrescreenRecord, householdID)
		if err != nil {
			return err
		}
		r := s.eng.Rule(in.Rule)
		if in.Rule == "" {
			p.Add("rule", "error.field_required", "field.prescreen.rule")
		} else if r == nil {
			p.Add("rule", "error.invalid_choice", "field.prescreen.rule", in.Rule)
		}
		if in.Outcome == "" {
			p.Add("outcome", "error.field_required", "field.prescreen.outcome")
		} else if !slices.Contains(parcours.PrescreenOutcomes, in.Outcome) {
			p.Add("outcome", "error.invalid_choice", "field.prescreen.outcome", in.Outcome)
		}
		reason := strings.TrimSpace(in.Reason)
		if in.Outcome == parcours.PrescreenNotRelevant && reason == "" {
			p.Add("reason", "error.prescreen.reason_required", "field.prescreen.reason")
		}
		if utf8.RuneCountInString(reason) > 1000 {
			p.Add("reason", "error.field_too_long", "field.prescreen.reason", 1000)
		}
		person := in.PersonID
		if person == "" {
			person = reference(h.Household)
		}
		if !slices.ContainsFunc(h.Household.Members, func(m parcours.HouseholdMember) bool { return m.PersonID == person }) {
			p.Add("person_id", "error.aid.not_a_member", "field.prescreen.person_id")
		}
		if in.Outcome != parcours.PrescreenProcedureOpened {
			in.ProcedureID = ""
		}
		if err := p.Err(); err != nil {
			return err
		}
		d, err := h.PrescreenData(ctx)
		if err != nil {
			return err
		}
		v, err := s.view(d, date)
		if err != nil {
			return err
		}
		o = &parcours.PrescreenOutcome{OrgID: h.Household.OrgID, HouseholdID: h.Household.ID, PersonID: person, RuleCode: r.Code,
			RuleVersion: r.Version, ScreenedOn: date, StatusShown: string(v.Item(r.Code).Status), Outcome: in.Outcome,
			ProcedureID: in.ProcedureID, Reason: reason, CreatedBy: actor.WorkerID}
		if err := h.RecordPrescreenOutcome(ctx, o); err != nil {
			return err
		}
		h.Audit("prescreen.record", "prescreen_outcome", o.ID, person)
		return nil
	})
	return o, err
}

// RuleInfo is a rule set as the register shows it.
type RuleInfo struct {
	Code      string          `json:"code"`
	RightCode string          `json:"right_code"`
	Name      string          `json:"name"`
	Version   string          `json:"version"`
	Purpose   string          `json:"purpose"`
	Body      string          `json:"paying_body"`
	Contact   string          `json:"contact"`
	Sources   []string        `json:"sources"`
	History   []string        `json:"history"`
	Warnings  []string        `json:"warnings"`
	File      string          `json:"file"`
	Params    []RegisterParam `json:"parameters"`
}

// RegisterParam is a parameter with every dated value and its source.
type RegisterParam struct {
	Name   string                 `json:"name"`
	Label  string                 `json:"label"`
	Unit   string                 `json:"unit"`
	Values []prescreen.ParamValue `json:"values"`
}

func info(r *prescreen.Rule) *RuleInfo {
	return &RuleInfo{Code: r.Code, RightCode: r.RightCode, Name: r.Name, Version: r.Version, Purpose: r.Purpose, Body: r.Body,
		Contact: r.Contact, Sources: r.Sources, History: r.History, Warnings: nonNil(r.Warnings), File: r.File, Params: []RegisterParam{}}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// Register is the public algorithm register: every rule set with its
// purpose, version history, sources, parameters and contact. It reads no
// personal data and needs no login.
func (s *Service) Register() []*RuleInfo {
	out := make([]*RuleInfo, 0, len(s.eng.Rules))
	for _, r := range s.eng.Rules {
		ri := info(r)
		for _, name := range r.ParamNames() {
			p := s.eng.Params[name]
			ri.Params = append(ri.Params, RegisterParam{Name: p.Name, Label: p.Label, Unit: p.Unit, Values: p.Values})
		}
		out = append(out, ri)
	}
	return out
}
