// Package aid is the household budget and the financial help requests of
// the structure (aides facultatives, issue 12): a dated budget with its
// reste à vivre per unit of consumption and family quotient, requests
// instructed by the worker with the budget of the day, the commission that
// decides them, the decision letter, the minutes and the payment.
//
// Every method takes the acting worker; household-scoped reads and writes
// go through the door (package file), which checks the action and audits
// in the same transaction. It never imports internal/web and never logs
// personal data.
package aid

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"parcours/internal/access"
	"parcours/internal/audit"
	"parcours/internal/casefile"
	"parcours/internal/file"
	"parcours/internal/parcours"
	"parcours/internal/rights"
	"parcours/internal/store"
)

// Service keeps budgets, aid requests and commissions.
type Service struct {
	db *store.DB
	// docs is the document store supporting documents go to (nil: no
	// uploads, as in the demo's seeding).
	docs *casefile.Service
}

// New returns a Service on db.
func New(db *store.DB, docs *casefile.Service) *Service { return &Service{db: db, docs: docs} }

func wrap(err *error, format string, args ...any) {
	if *err != nil && parcours.AsError(*err) == nil {
		*err = fmt.Errorf(format+": %w", append(args, *err)...)
	}
}

const labels = "field.aid."

func label(field string) string { return labels + field }

// BudgetInput is a new version of a household's budget.
type BudgetInput struct {
	ValidFrom  string                `json:"valid_from"`
	Adults     int                   `json:"adults"`
	Children   int                   `json:"children"`
	Dependents int                   `json:"dependents"`
	Couple     bool                  `json:"couple"`
	Lines      []parcours.BudgetLine `json:"lines"`
	Note       string                `json:"note"`
}

// BudgetView is a household's budget: the current version and the
// history.
type BudgetView struct {
	HouseholdID   string             `json:"household_id"`
	HouseholdName string             `json:"household_name"`
	Current       *parcours.Budget   `json:"current"`
	History       []*parcours.Budget `json:"history"`
	// Members name the household's members, for the lines' person_id.
	Members []parcours.HouseholdMember `json:"members"`
	CanEdit bool                       `json:"-"`
}

// Budget returns a household's budget, current version first.
func (s *Service) Budget(ctx context.Context, actor parcours.Actor, householdID string) (out *BudgetView, err error) {
	defer wrap(&err, "aid: budget")
	err = s.db.View(ctx, func(tx *store.Tx) error {
		h, err := file.OpenHousehold(ctx, tx, actor, access.BudgetRead, householdID)
		if err != nil {
			return err
		}
		list, err := h.Budgets(ctx)
		if err != nil {
			return err
		}
		out = &BudgetView{HouseholdID: h.Household.ID, HouseholdName: h.Household.Name, History: list,
			Members: h.Household.Members, CanEdit: h.Can(access.BudgetWrite)}
		if len(list) > 0 {
			out.Current = list[0]
		}
		h.Audit("budget.read", "household", h.Household.ID, h.Reference())
		return nil
	})
	return out, err
}

// SaveBudget records a new version of a household's budget (the previous
// ones are kept).
func (s *Service) SaveBudget(ctx context.Context, actor parcours.Actor, householdID string, in BudgetInput) (b *parcours.Budget, err error) {
	defer wrap(&err, "aid: save budget")
	err = s.db.Transact(ctx, func(tx *store.Tx) error {
		h, err := file.OpenHousehold(ctx, tx, actor, access.BudgetWrite, householdID)
		if err != nil {
			return err
		}
		today := parcours.Today(tx.Now())
		b = &parcours.Budget{HouseholdID: h.Household.ID, ValidFrom: in.ValidFrom, Adults: in.Adults, Children: in.Children,
			Dependents: in.Dependents, Couple: in.Couple, Note: strings.TrimSpace(in.Note), CreatedBy: actor.WorkerID, Lines: []parcours.BudgetLine{}}
		if b.ValidFrom == "" {
			b.ValidFrom = today
		}
		v := parcours.Problems{Labels: labels}
		v.Date("valid_from", b.ValidFrom, true, mustDate(today))
		count := func(field string, n, lo, hi int) {
			if n < lo || n > hi {
				v.Add(field, "error.aid.count_range", label(field), lo, hi)
			}
		}
		count("adults", b.Adults, 1, 20)
		count("children", b.Children, 0, 20)
		count("dependents", b.Dependents, 0, 20)
		v.MaxLen("note", b.Note, 2000)
		if len(in.Lines) > 80 {
			v.Add("lines", "error.aid.too_many_lines", 80)
		}
		members := map[string]bool{}
		for _, m := range h.Household.Members {
			members[m.PersonID] = true
		}
		for i, l := range in.Lines {
			field := fmt.Sprintf("lines[%d]", i)
			l.Label = strings.TrimSpace(l.Label)
			var cats []string
			switch l.Kind {
			case parcours.LineResource:
				cats = parcours.ResourceCategories
			case parcours.LineCharge:
				cats = parcours.ChargeCategories
			case parcours.LineDebt:
				cats = parcours.DebtCategories
				if l.Plan == "" {
					l.Plan = "none"
				}
				if !slices.Contains(parcours.DebtPlans, l.Plan) {
					v.Add(field+".plan", "error.invalid_choice", label("plan"), l.Plan)
				}
			default:
				v.Add(field+".kind", "error.invalid_choice", label("kind"), l.Kind)
				continue
			}
			if !slices.Contains(cats, l.Category) {
				v.Add(field+".category", "error.invalid_choice", label("category"), l.Category)
			}
			if l.PersonID != "" && !members[l.PersonID] {
				v.Add(field+".person_id", "error.aid.not_a_member", label("person_id"))
			}
			if l.Kind != parcours.LineDebt {
				l.RemainingCents, l.Plan = 0, ""
			}
			rights.Amount(&v, field+".monthly_cents", label("monthly_cents"), l.MonthlyCents)
			rights.Amount(&v, field+".remaining_cents", label("remaining_cents"), l.RemainingCents)
			v.MaxLen(field+".label", l.Label, 200)
			b.Lines = append(b.Lines, l)
		}
		if err := v.Err(); err != nil {
			return err
		}
		b.Compute()
		if err := tx.InsertBudget(ctx, h.Household.OrgID, b); err != nil {
			return err
		}
		h.Audit("budget.create", "budget", b.ID, h.Reference())
		return nil
	})
	return b, err
}

func mustDate(s string) time.Time {
	d, _ := parcours.ParseDate(s)
	return d
}

// RequestInput is a new aid request on a household.
type RequestInput struct {
	HouseholdID string `json:"household_id"`
	PersonID    string `json:"person_id"`
	AidCode     string `json:"aid_code"`
	AmountCents int64  `json:"amount_cents"`
	Reason      string `json:"reason"`
}

// CreateRequest records an aid request with the household's current
// budget. An aid's ceiling is warned, never enforced.
func (s *Service) CreateRequest(ctx context.Context, actor parcours.Actor, in RequestInput) (a *parcours.AidRequest, err error) {
	defer wrap(&err, "aid: create request")
	err = s.db.Transact(ctx, func(tx *store.Tx) error {
		h, err := file.OpenHousehold(ctx, tx, actor, access.AidWrite, in.HouseholdID)
		if err != nil {
			return err
		}
		a = &parcours.AidRequest{OrgID: h.Household.OrgID, HouseholdID: h.Household.ID, PersonID: in.PersonID, AidCode: in.AidCode,
			AmountCents: in.AmountCents, Reason: strings.TrimSpace(in.Reason), Status: parcours.AidInstruction, CreatedBy: actor.WorkerID,
			Warnings: []string{}}
		v := parcours.Problems{Labels: labels}
		if a.PersonID == "" {
			a.PersonID = h.Reference()
		}
		if !slices.ContainsFunc(h.Household.Members, func(m parcours.HouseholdMember) bool { return m.PersonID == a.PersonID }) {
			v.Add("person_id", "error.aid.not_a_member", label("person_id"))
		}
		aids, err := rights.Aids(ctx, tx, a.OrgID)
		if err != nil {
			return err
		}
		var aidRule *parcours.Right
		for _, r := range aids {
			if r.Code == a.AidCode && r.ActiveOn(parcours.Today(tx.Now())) {
				aidRule = r
			}
		}
		if a.AidCode == "" {
			v.Add("aid_code", "error.field_required", label("aid_code"))
		} else if aidRule == nil {
			v.Add("aid_code", "error.aid.unknown_aid", a.AidCode)
		} else {
			a.AidName = aidRule.Name
		}
		if a.AmountCents == 0 {
			v.Add("amount_cents", "error.field_required", label("amount_cents"))
		}
		rights.Amount(&v, "amount_cents", label("amount_cents"), a.AmountCents)
		if a.Reason == "" {
			v.Add("reason", "error.field_required", label("reason"))
		}
		v.MaxLen("reason", a.Reason, 2000)
		if err := v.Err(); err != nil {
			return err
		}
		budgets, err := h.Budgets(ctx)
		if err != nil {
			return err
		}
		today := parcours.Today(tx.Now())
		for _, b := range budgets {
			if b.ValidFrom <= today {
				a.BudgetID = b.ID
				break
			}
		}
		if aidRule.CeilingCents > 0 {
			since := tx.Now().AddDate(0, -max(aidRule.PeriodMonths, 12), 0).UnixMicro()
			if aidRule.PeriodMonths > 0 {
				since = tx.Now().AddDate(0, -aidRule.PeriodMonths, 0).UnixMicro()
			}
			got, err := h.GrantedSince(ctx, a.AidCode, since)
			if err != nil {
				return err
			}
			if got+a.AmountCents > aidRule.CeilingCents {
				a.Warnings = append(a.Warnings, "ceiling")
			}
		}
		if err := tx.InsertAidRequest(ctx, a); err != nil {
			return err
		}
		h.Audit("aid_request.create", "aid_request", a.ID, a.PersonID)
		return nil
	})
	return a, err
}

// HouseholdView is a household's aid requests and what the page offers.
type HouseholdView struct {
	HouseholdID   string                     `json:"household_id"`
	HouseholdName string                     `json:"household_name"`
	Requests      []*parcours.AidRequest     `json:"items"`
	Members       []parcours.HouseholdMember `json:"-"`
	Aids          []*parcours.Right          `json:"-"`
	Commissions   []*parcours.Commission     `json:"-"`
	Current       *parcours.Budget           `json:"-"`
	CanWrite      bool                       `json:"-"`
	// Documents are the documents already on the members' files that
	// the actor may attach to a request, by member: only for an actor
	// who may write requests, and only of the files whose documents
	// they may read (each listing is audited on that member's file).
	Documents []MemberDocuments `json:"-"`
}

// MemberDocuments are a household member's documents (at most
// memberDocuments, newest first).
type MemberDocuments struct {
	PersonID, Name string
	Documents      []*parcours.Document
}

// memberDocuments bounds the documents offered per member: a request's
// supporting documents are recent ones.
const memberDocuments = 100

// RequestPage lists a household's aid requests, newest first, a page at
// a time: the API's list.
func (s *Service) RequestPage(ctx context.Context, actor parcours.Actor, householdID, cursor string, limit int) (out parcours.Page[*parcours.AidRequest], err error) {
	defer wrap(&err, "aid: household requests")
	err = s.db.View(ctx, func(tx *store.Tx) error {
		h, err := file.OpenHousehold(ctx, tx, actor, access.AidRead, householdID)
		if err != nil {
			return err
		}
		if out, err = store.ReadPage(cursor, limit, 2, store.AidRequestKey, func(k store.Keyset) ([]*parcours.AidRequest, error) {
			return h.AidRequests(ctx, k)
		}); err != nil {
			return err
		}
		h.Audit("aid_request.list", "household", h.Household.ID, h.Reference())
		return nil
	})
	return out, err
}

// HouseholdRequests lists a household's aid requests, newest first, with
// what the household's page offers.
func (s *Service) HouseholdRequests(ctx context.Context, actor parcours.Actor, householdID string) (out *HouseholdView, err error) {
	defer wrap(&err, "aid: household requests")
	err = s.db.View(ctx, func(tx *store.Tx) error {
		h, err := file.OpenHousehold(ctx, tx, actor, access.AidRead, householdID)
		if err != nil {
			return err
		}
		out = &HouseholdView{HouseholdID: h.Household.ID, HouseholdName: h.Household.Name, Members: h.Household.Members,
			CanWrite: h.Can(access.AidWrite)}
		if out.Requests, err = h.AidRequests(ctx, store.Keyset{}); err != nil {
			return err
		}
		if err := h.AidDocuments(ctx, out.Requests); err != nil {
			return err
		}
		if out.Aids, err = rights.Aids(ctx, tx, h.Household.OrgID); err != nil {
			return err
		}
		if out.Commissions, err = tx.Commissions(ctx, h.Household.OrgID, store.Keyset{}); err != nil {
			return err
		}
		if h.Can(access.BudgetRead) {
			list, err := h.Budgets(ctx)
			if err != nil {
				return err
			}
			if len(list) > 0 {
				out.Current = list[0]
			}
		}
		if out.CanWrite {
			if out.Documents, err = memberDocumentsOf(ctx, tx, actor, h); err != nil {
				return err
			}
		}
		h.Audit("aid_request.list", "household", h.Household.ID, h.Reference())
		return nil
	})
	return out, err
}

// memberDocumentsOf lists the documents of the household's members whose
// files the actor may read the documents of. The members' files are
// opened together (file.OpenMany, one statement) and each asked
// Can(DocumentRead): a file the actor may not read is left out, with
// nothing recorded against it, as the page only asks what it may offer.
func memberDocumentsOf(ctx context.Context, tx *store.Tx, actor parcours.Actor, h *file.Household) ([]MemberDocuments, error) {
	ids := make([]string, len(h.Household.Members))
	for i, m := range h.Household.Members {
		ids[i] = m.PersonID
	}
	files, err := file.OpenMany(ctx, tx, actor, ids, false)
	if err != nil {
		return nil, err
	}
	var out []MemberDocuments
	for _, m := range h.Household.Members {
		f := files[m.PersonID]
		if f == nil || !f.Can(access.DocumentRead) {
			continue
		}
		docs, err := f.Documents(ctx, nil, memberDocuments)
		if err != nil {
			return nil, err
		}
		f.Audit("document.list", "person", f.Person.ID)
		if len(docs) > 0 {
			out = append(out, MemberDocuments{PersonID: m.PersonID, Name: m.DisplayName, Documents: docs})
		}
	}
	return out, nil
}

// Request returns one aid request of a household the actor follows.
func (s *Service) Request(ctx context.Context, actor parcours.Actor, id string) (out *parcours.AidRequest, err error) {
	defer wrap(&err, "aid: request")
	err = s.db.View(ctx, func(tx *store.Tx) error {
		h, a, err := file.OpenAidRequest(ctx, tx, actor, access.AidRead, id)
		if err != nil {
			return err
		}
		if err := h.AidDocuments(ctx, []*parcours.AidRequest{a}); err != nil {
			return err
		}
		out = a
		h.Audit("aid_request.read", "aid_request", a.ID, a.PersonID)
		return nil
	})
	return out, err
}

// AgendaInput places a request on a commission's agenda.
type AgendaInput struct {
	CommissionID string `json:"commission_id"`
}

// PlaceOnAgenda puts a request before a commission (409 once decided).
func (s *Service) PlaceOnAgenda(ctx context.Context, actor parcours.Actor, id string, in AgendaInput) (out *parcours.AidRequest, err error) {
	defer wrap(&err, "aid: place on agenda")
	err = s.db.Transact(ctx, func(tx *store.Tx) error {
		h, a, err := file.OpenAidRequest(ctx, tx, actor, access.AidWrite, id)
		if err != nil {
			return err
		}
		if parcours.AidDecided(a.Status) {
			return parcours.Errorf(parcours.EConflict, "error.aid.already_decided")
		}
		c, err := tx.Commission(ctx, in.CommissionID)
		if err != nil || c.OrgID != a.OrgID {
			return parcours.FieldError(parcours.EInvalid, "commission_id", "error.aid.unknown_commission")
		}
		ok, err := tx.PlaceOnAgenda(ctx, a.ID, c.ID)
		if err != nil {
			return err
		}
		if !ok {
			return parcours.Errorf(parcours.EConflict, "error.aid.already_decided")
		}
		a.Status, a.CommissionID = parcours.AidOnAgenda, c.ID
		out = a
		h.Audit("aid_request.agenda", "aid_request", a.ID, a.PersonID)
		return nil
	})
	return out, err
}

// PaymentInput records the payment of a granted aid: to the person or
// directly to a creditor (landlord, energy supplier).
type PaymentInput struct {
	Payee        string `json:"payee"`
	CreditorName string `json:"creditor_name"`
	Status       string `json:"status"`
	PaidOn       string `json:"paid_on"`
}

// RecordPayment records the payment of a granted aid (409 otherwise).
func (s *Service) RecordPayment(ctx context.Context, actor parcours.Actor, id string, in PaymentInput) (out *parcours.AidRequest, err error) {
	defer wrap(&err, "aid: payment")
	err = s.db.Transact(ctx, func(tx *store.Tx) error {
		h, a, err := file.OpenAidRequest(ctx, tx, actor, access.AidWrite, id)
		if err != nil {
			return err
		}
		if a.Status != parcours.AidGranted && a.Status != parcours.AidPartial {
			return parcours.Errorf(parcours.EConflict, "error.aid.not_granted")
		}
		v := parcours.Problems{Labels: labels}
		in.CreditorName = strings.TrimSpace(in.CreditorName)
		if !slices.Contains(parcours.Payees, in.Payee) {
			v.Add("payee", "error.invalid_choice", label("payee"), in.Payee)
		}
		if in.Payee == parcours.PayeeCreditor && in.CreditorName == "" {
			v.Add("creditor_name", "error.field_required", label("creditor_name"))
		}
		if in.Payee == parcours.PayeePerson {
			in.CreditorName = ""
		}
		v.MaxLen("creditor_name", in.CreditorName, 200)
		if !slices.Contains(parcours.PaymentStatuses, in.Status) {
			v.Add("status", "error.invalid_choice", label("payment_status"), in.Status)
		}
		today := parcours.Today(tx.Now())
		if in.Status == "paid" && in.PaidOn == "" {
			in.PaidOn = today
		}
		if in.Status != "paid" {
			in.PaidOn = ""
		}
		v.Date("paid_on", in.PaidOn, false, mustDate(today))
		if err := v.Err(); err != nil {
			return err
		}
		if err := tx.SetAidPayment(ctx, a.ID, in.Payee, in.CreditorName, in.Status, in.PaidOn); err != nil {
			return err
		}
		a.Payee, a.CreditorName, a.PaymentStatus, a.PaidOn = in.Payee, in.CreditorName, in.Status, in.PaidOn
		out = a
		h.Audit("aid_request.payment", "aid_request", a.ID, a.PersonID)
		return nil
	})
	return out, err
}

// CommissionInput is a new commission.
type CommissionInput struct {
	MeetsOn string   `json:"meets_on"`
	Members []string `json:"members"`
}

// CreateCommission sets up a commission (managers).
func (s *Service) CreateCommission(ctx context.Context, actor parcours.Actor, in CommissionInput) (c *parcours.Commission, err error) {
	defer wrap(&err, "aid: create commission")
	if err := access.Check(actor, access.CommissionManage, access.Target{OrgID: actor.OrgID}); err != nil {
		return nil, err
	}
	c = &parcours.Commission{OrgID: actor.OrgID, MeetsOn: in.MeetsOn, CreatedBy: actor.WorkerID, Members: []string{}}
	v := parcours.Problems{Labels: labels}
	v.Date("meets_on", c.MeetsOn, true, time.Time{})
	for _, m := range in.Members {
		if m = strings.TrimSpace(m); m != "" {
			v.MaxLen("members", m, 200)
			c.Members = append(c.Members, m)
		}
	}
	if len(c.Members) == 0 {
		v.Add("members", "error.field_required", label("members"))
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	err = s.db.Transact(ctx, func(tx *store.Tx) error {
		if err := tx.InsertCommission(ctx, c); err != nil {
			return err
		}
		tx.Audit(audit.For(actor, "commission.create", "commission", c.ID, ""))
		return nil
	})
	return c, err
}

// Commissions lists the organisation's commissions, latest first, a
// page at a time (dates and members: no person's data).
func (s *Service) Commissions(ctx context.Context, actor parcours.Actor, cursor string, limit int) (out parcours.Page[*parcours.Commission], err error) {
	defer wrap(&err, "aid: commissions")
	if err := access.Check(actor, access.CommissionManage, access.Target{OrgID: actor.OrgID}); err != nil {
		return out, err
	}
	err = s.db.View(ctx, func(tx *store.Tx) error {
		out, err = store.ReadPage(cursor, limit, 2, store.CommissionKey, func(k store.Keyset) ([]*parcours.Commission, error) {
			return tx.Commissions(ctx, actor.OrgID, k)
		})
		return err
	})
	return out, err
}

// CommissionView is a commission with its agenda.
type CommissionView struct {
	Commission *parcours.Commission   `json:"commission"`
	Agenda     []*file.AgendaItem     `json:"-"`
	Items      []*parcours.AidRequest `json:"agenda"`
	OrgName    string                 `json:"-"`
}

// Commission returns a commission and its agenda (managers); each request
// shown is audited.
func (s *Service) Commission(ctx context.Context, actor parcours.Actor, id string) (*CommissionView, error) {
	return s.commission(ctx, actor, id, "")
}

// Minutes returns a commission with its agenda for the minutes (PDF),
// audited as commission.minutes besides each request read.
func (s *Service) Minutes(ctx context.Context, actor parcours.Actor, id string) (*CommissionView, error) {
	return s.commission(ctx, actor, id, "commission.minutes")
}

func (s *Service) commission(ctx context.Context, actor parcours.Actor, id, event string) (out *CommissionView, err error) {
	defer wrap(&err, "aid: commission")
	err = s.db.View(ctx, func(tx *store.Tx) error {
		c, items, err := file.CommissionAgenda(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		out = &CommissionView{Commission: c, Agenda: items, Items: []*parcours.AidRequest{}}
		for _, it := range items {
			out.Items = append(out.Items, it.Request)
		}
		if o, err := tx.Organization(ctx, c.OrgID); err == nil {
			out.OrgName = o.Name
		}
		if event != "" {
			tx.Audit(audit.For(actor, event, "commission", c.ID, ""))
		}
		return nil
	})
	return out, err
}

// DecisionInput is the commission's decision on one request.
type DecisionInput struct {
	Decision    string `json:"decision"`
	AmountCents int64  `json:"amount_cents"`
	Motive      string `json:"motive"`
}

// Decide records the commission's decision on a request on its agenda;
// 409 when it was already decided.
func (s *Service) Decide(ctx context.Context, actor parcours.Actor, id string, in DecisionInput) (out *parcours.AidRequest, err error) {
	defer wrap(&err, "aid: decide")
	err = s.db.Transact(ctx, func(tx *store.Tx) error {
		it, err := file.OpenAgendaItem(ctx, tx, actor, access.CommissionManage, id)
		if err != nil {
			return err
		}
		a := it.Request
		if parcours.AidDecided(a.Status) {
			return parcours.Errorf(parcours.EConflict, "error.aid.already_decided")
		}
		if a.Status != parcours.AidOnAgenda {
			return parcours.FieldError(parcours.EInvalid, "commission_id", "error.aid.not_on_agenda")
		}
		v := parcours.Problems{Labels: labels}
		in.Motive = strings.TrimSpace(in.Motive)
		switch in.Decision {
		case parcours.AidGranted:
			if in.AmountCents == 0 {
				in.AmountCents = a.AmountCents
			}
		case parcours.AidPartial:
			if in.AmountCents <= 0 || in.AmountCents >= a.AmountCents {
				v.Add("amount_cents", "error.aid.partial_amount", label("amount_cents"), parcours.FormatEuros(a.AmountCents))
			}
		case parcours.AidRefused:
			in.AmountCents = 0
			if in.Motive == "" {
				v.Add("motive", "error.aid.motive_required", label("motive"))
			}
		case parcours.AidAdjourned:
			in.AmountCents = 0
		default:
			v.Add("decision", "error.invalid_choice", label("decision"), in.Decision)
		}
		rights.Amount(&v, "amount_cents", label("amount_cents"), in.AmountCents)
		v.MaxLen("motive", in.Motive, 2000)
		if err := v.Err(); err != nil {
			return err
		}
		ok, err := tx.DecideAid(ctx, a.ID, in.Decision, in.AmountCents, in.Motive, actor.WorkerID)
		if err != nil {
			return err
		}
		if !ok {
			return parcours.Errorf(parcours.EConflict, "error.aid.already_decided")
		}
		a.Status, a.DecidedCents, a.Motive, a.DecidedAt, a.DecidedBy = in.Decision, in.AmountCents, in.Motive, tx.Now(), actor.WorkerID
		out = a
		tx.Audit(audit.For(actor, "aid_request.decide", "aid_request", a.ID, a.PersonID))
		return nil
	})
	return out, err
}

// Letter is what the decision letter prints: one request, its household's
// applicant, and nothing of any other household.
type Letter struct {
	OrgName   string
	Request   *parcours.AidRequest
	Applicant *parcours.Person
	MeetsOn   string
}

// DecisionLetter returns the decision letter's data (the request must be
// decided: 409 otherwise). Commission members and the workers who follow
// the household print it.
func (s *Service) DecisionLetter(ctx context.Context, actor parcours.Actor, id string) (out *Letter, err error) {
	defer wrap(&err, "aid: letter")
	err = s.db.View(ctx, func(tx *store.Tx) error {
		it, err := file.OpenAgendaItem(ctx, tx, actor, access.AidRead, id)
		if err != nil {
			return err
		}
		if !parcours.AidDecided(it.Request.Status) {
			return parcours.Errorf(parcours.EConflict, "error.aid.not_decided")
		}
		out = &Letter{Request: it.Request, Applicant: it.Applicant}
		if o, err := tx.Organization(ctx, it.Request.OrgID); err == nil {
			out.OrgName = o.Name
		}
		if c, err := tx.Commission(ctx, it.Request.CommissionID); err == nil {
			out.MeetsOn = c.MeetsOn
		}
		tx.Audit(audit.For(actor, "aid_request.letter", "aid_request", it.Request.ID, it.Request.PersonID))
		return nil
	})
	return out, err
}

// ListQuery filters the organisation's aid requests: a status, an aid,
// a period of creation, a page (Cursor from the previous page's
// next_cursor) and its size (1 to 200, 50 by default).
type ListQuery struct {
	Status, AidCode, From, To, Cursor string
	Limit                             int
}

// List returns a page of the aid requests of the actor's organisation
// the actor may read (those of the applicants they follow), newest
// first, and the cursor of the next page ("" on the last). Each request
// listed is audited (aid_request.read).
func (s *Service) List(ctx context.Context, actor parcours.Actor, q ListQuery) (out []*parcours.AidRequest, next string, err error) {
	defer wrap(&err, "aid: list")
	var v parcours.Problems
	if q.Status != "" && q.Status != parcours.AidInstruction && q.Status != parcours.AidOnAgenda && !slices.Contains(parcours.AidDecisions, q.Status) {
		v.Add("status", "error.aid.status")
	}
	for _, d := range []struct{ field, value string }{{"from", q.From}, {"to", q.To}} {
		if d.value != "" {
			if _, err := parcours.ParseDate(d.value); err != nil {
				v.Add(d.field, "error.aid.date")
			}
		}
	}
	if q.Limit == 0 {
		q.Limit = 50
	}
	if q.Limit < 1 || q.Limit > 200 {
		v.Add("limit", "error.aid.limit")
	}
	key, cerr := parcours.DecodeCursor(q.Cursor, 2)
	if cerr != nil {
		v.Add("cursor", "error.aid.cursor")
	}
	var after *parcours.AidRequest
	if len(key) == 2 {
		us, err := strconv.ParseInt(key[0], 10, 64)
		if err != nil {
			v.Add("cursor", "error.aid.cursor")
		}
		after = &parcours.AidRequest{ID: key[1], CreatedAt: time.UnixMicro(us).UTC()}
	}
	if actor.WorkerID == "" && !actor.System {
		return nil, "", parcours.Errorf(parcours.EUnauthenticated, "error.unauthenticated")
	}
	if err := access.Check(actor, access.AidRead, access.Target{OrgID: actor.OrgID}); err != nil {
		return nil, "", err
	}
	if err := v.Err(); err != nil {
		return nil, "", err
	}
	err = s.db.View(ctx, func(tx *store.Tx) error {
		list, more, err := file.OrgAidRequests(ctx, tx, actor, store.AidFilter{Status: q.Status, AidCode: q.AidCode, From: q.From, To: q.To}, after, q.Limit)
		if err != nil {
			return err
		}
		out = list
		if more && len(list) > 0 {
			last := list[len(list)-1]
			next = parcours.EncodeCursor([]string{strconv.FormatInt(last.CreatedAt.UnixMicro(), 10), last.ID})
		}
		return nil
	})
	return out, next, err
}
