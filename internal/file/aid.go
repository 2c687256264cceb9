package file

import (
	"context"

	"parcours/internal/access"
	"parcours/internal/audit"
	"parcours/internal/parcours"
	"parcours/internal/store"
)

// The household's budget and aid requests (issue 12), and the
// commission's agenda.

// Budgets returns every budget version of the household, current first,
// with their figures.
func (h *Household) Budgets(ctx context.Context) ([]*parcours.Budget, error) {
	if err := h.Check(access.BudgetRead); err != nil {
		return nil, err
	}
	return h.tx.HouseholdBudgets(ctx, h.Household.ID)
}

// AidRequests returns the household's aid requests, newest first, a
// page of them (k).
func (h *Household) AidRequests(ctx context.Context, k store.Keyset) ([]*parcours.AidRequest, error) {
	if err := h.Check(access.AidRead); err != nil {
		return nil, err
	}
	return h.tx.HouseholdAidRequests(ctx, h.Household.ID, k)
}

// GrantedSince sums what the household was granted of an aid since an
// instant (microseconds): for the ceiling warning.
func (h *Household) GrantedSince(ctx context.Context, aidCode string, since int64) (int64, error) {
	if err := h.Check(access.AidRead); err != nil {
		return 0, err
	}
	return h.tx.GrantedSince(ctx, h.Household.ID, aidCode, since)
}

// Budget returns one budget version of the household; nil if none.
func (h *Household) Budget(ctx context.Context, id string) (*parcours.Budget, error) {
	if err := h.Check(access.BudgetRead); err != nil {
		return nil, err
	}
	b, err := h.tx.Budget(ctx, id)
	if err != nil || b.HouseholdID != h.Household.ID {
		return nil, nil
	}
	return b, nil
}

// Reference is the member whose records show the household's events.
func (h *Household) Reference() string { return referencePerson(h.Household) }

// OpenAidRequest opens the household of an aid request and checks act on
// it.
func OpenAidRequest(ctx context.Context, tx *store.Tx, actor parcours.Actor, act access.Action, id string) (*Household, *parcours.AidRequest, error) {
	a, err := tx.AidRequest(ctx, id)
	if err != nil {
		return nil, nil, notFound(err)
	}
	h, err := OpenHousehold(ctx, tx, actor, act, a.HouseholdID)
	return h, a, err
}

// AgendaItem is a request on a commission's agenda, with what the
// commission reads of it.
type AgendaItem struct {
	Request   *parcours.AidRequest
	Household *parcours.Household
	Budget    *parcours.Budget // the version the request was made with; nil if none
	Applicant *parcours.Person // the applicant (name and address for the letter)
}

// CommissionAgenda opens a commission of the actor's organisation for its
// members (access.CommissionManage) and returns its agenda; each request
// shown is audited (aid_request.read), linked to the household's
// reference person.
func CommissionAgenda(ctx context.Context, tx *store.Tx, actor parcours.Actor, id string) (*parcours.Commission, []*AgendaItem, error) {
	c, err := tx.Commission(ctx, id)
	if err != nil {
		return nil, nil, notFound(err)
	}
	if err := access.Check(actor, access.CommissionManage, access.Target{OrgID: c.OrgID}); err != nil {
		return nil, nil, err
	}
	reqs, err := tx.AidRequestsOfCommission(ctx, c.ID)
	if err != nil {
		return nil, nil, err
	}
	// The members see what supports each request on their agenda, and
	// nothing else of the households' documents.
	if err := tx.FillAidDocuments(ctx, reqs); err != nil {
		return nil, nil, err
	}
	var out []*AgendaItem
	for _, r := range reqs {
		it, err := agendaItem(ctx, tx, r)
		if err != nil {
			return nil, nil, err
		}
		tx.Audit(audit.For(actor, "aid_request.read", "aid_request", r.ID, referencePerson(it.Household)))
		out = append(out, it)
	}
	return c, out, nil
}

func agendaItem(ctx context.Context, tx *store.Tx, r *parcours.AidRequest) (*AgendaItem, error) {
	h, err := tx.Household(ctx, r.HouseholdID)
	if err != nil {
		return nil, err
	}
	if h.Situation != nil {
		h.Situation.Health = "" // never for the commission
	}
	it := &AgendaItem{Request: r, Household: h}
	if r.BudgetID != "" {
		if it.Budget, err = tx.Budget(ctx, r.BudgetID); err != nil {
			return nil, err
		}
	}
	if it.Applicant, err = tx.Person(ctx, r.PersonID); err != nil {
		return nil, err
	}
	return it, nil
}

// OpenAgendaItem opens a request for a commission's decision or for its
// decision letter: a member of the commission (access.CommissionManage)
// when the request was put before one, else whoever may do act on the
// household (a worker following it prints the letter). The request's
// household is returned without its health note.
func OpenAgendaItem(ctx context.Context, tx *store.Tx, actor parcours.Actor, act access.Action, id string) (*AgendaItem, error) {
	r, err := tx.AidRequest(ctx, id)
	if err != nil {
		return nil, notFound(err)
	}
	if r.CommissionID != "" && access.Allowed(actor, access.CommissionManage, access.Target{OrgID: r.OrgID}) {
		return agendaItem(ctx, tx, r)
	}
	if act == access.CommissionManage {
		if err := access.Check(actor, act, access.Target{OrgID: r.OrgID}); err != nil {
			return nil, err
		}
		return nil, parcours.FieldError(parcours.EInvalid, "commission_id", "error.aid.not_on_agenda")
	}
	if _, err := OpenHousehold(ctx, tx, actor, act, r.HouseholdID); err != nil {
		return nil, err
	}
	return agendaItem(ctx, tx, r)
}

// OrgAidRequests returns a page of the aid requests of the actor's
// organisation (newest first, filtered by f), keeping those of the
// households the actor may read the aid of (access.AidRead, the
// household's relation: case workers following one of its members),
// each read audited (aid_request.read, linked to the applicant). after is
// the last request of the previous page (nil for the first); more reports
// whether another page follows. Rows are read in batches until the page
// is full, so a page is never short while more readable requests exist;
// each household is opened once.
func OrgAidRequests(ctx context.Context, tx *store.Tx, actor parcours.Actor, f store.AidFilter, after *parcours.AidRequest, limit int) (out []*parcours.AidRequest, more bool, err error) {
	var beforeAt int64
	var beforeID string
	if after != nil {
		beforeAt, beforeID = after.CreatedAt.UnixMicro(), after.ID
	}
	households := map[string]*Household{} // nil: not readable by the actor
	readable := func(id string) (*Household, error) {
		if h, ok := households[id]; ok {
			return h, nil
		}
		h, err := OpenHousehold(ctx, tx, actor, access.AidRead, id)
		if code := parcours.ErrorCode(err); code == parcours.EForbidden || code == parcours.ENotFound {
			h, err = nil, nil // left out of the list, not an attempt
		}
		if err != nil {
			return nil, err
		}
		households[id] = h
		return h, nil
	}
	batch := max(limit*2, 50)
	for {
		rows, err := tx.OrgAidRequests(ctx, actor.OrgID, f, beforeAt, beforeID, batch)
		if err != nil {
			return nil, false, err
		}
		for _, a := range rows {
			h, err := readable(a.HouseholdID)
			if err != nil {
				return nil, false, err
			}
			if h == nil {
				continue
			}
			if len(out) == limit {
				return out, true, nil
			}
			out = append(out, a)
			h.Audit("aid_request.read", "aid_request", a.ID, a.PersonID)
		}
		if len(rows) < batch {
			return out, false, nil
		}
		last := rows[len(rows)-1]
		beforeAt, beforeID = last.CreatedAt.UnixMicro(), last.ID
	}
}

// AttachAidDocument makes d a supporting document of aid request a of
// household h; d is a document of f's file, f being one of the
// household's members: a new upload (no ID yet: recorded among the
// file's documents, which needs the right to write them) or a document
// already there (which needs the right to read them). Audited as
// aid_request.attach (and document.create for an upload). false when d
// already supports a.
func (f *File) AttachAidDocument(ctx context.Context, h *Household, a *parcours.AidRequest, d *parcours.Document) (bool, error) {
	if err := h.Check(access.AidWrite); err != nil {
		return false, err
	}
	member := false
	for _, m := range h.Household.Members {
		member = member || f.Owns(m.PersonID)
	}
	if a.HouseholdID != h.Household.ID || !member {
		return false, parcours.NotFound()
	}
	if err := f.supportingDocument(ctx, d); err != nil {
		return false, err
	}
	ok, err := f.tx.AddAidRequestDocument(ctx, a.ID, d, f.actor.ID())
	if err != nil || !ok {
		return false, err
	}
	f.AuditAbout("aid_request.attach", "aid_request", a.ID, d.PersonID)
	return true, nil
}

// AidDocuments sets the supporting documents of the household's requests.
func (h *Household) AidDocuments(ctx context.Context, list []*parcours.AidRequest) error {
	if err := h.Check(access.AidRead); err != nil {
		return err
	}
	for _, a := range list {
		if a.HouseholdID != h.Household.ID {
			return parcours.NotFound()
		}
	}
	return h.tx.FillAidDocuments(ctx, list)
}

// OpenAidDocument returns a supporting document of an aid request for
// download: to whoever may read the request (the workers following the
// household, and the commission's members once it is on an agenda),
// only documents attached to it: a commission member reads no other
// document of the household's files. Audited as
// aid_request.document_read, linked to the document's person.
func OpenAidDocument(ctx context.Context, tx *store.Tx, actor parcours.Actor, requestID, documentID string) (*parcours.Document, error) {
	it, err := OpenAgendaItem(ctx, tx, actor, access.AidRead, requestID)
	if err != nil {
		return nil, err
	}
	ok, err := tx.AidRequestHasDocument(ctx, it.Request.ID, documentID)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, parcours.NotFound()
	}
	d, err := tx.Document(ctx, documentID)
	if err != nil {
		return nil, notFound(err)
	}
	tx.Audit(audit.For(actor, "aid_request.document_read", "document", d.ID, d.PersonID))
	return d, nil
}
