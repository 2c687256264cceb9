package store

import (
	"context"
	"fmt"
	"strconv"

	"parcours/internal/parcours"
)

// The household budget and the aid requests decided in commission (issue
// 12). The household-scoped reads (HouseholdBudgets, Budget,
// HouseholdAidRequests, AidRequest, AidRequestsOfCommission, GrantedSince)
// are called by the door only.

// InsertBudget stores a new budget version with its lines.
func (tx *Tx) InsertBudget(ctx context.Context, orgID string, b *parcours.Budget) error {
	if b.ID == "" {
		b.ID = NewID()
	}
	b.CreatedAt = tx.now
	if _, err := tx.exec(ctx, `INSERT INTO budgets (id, org_id, household_id, valid_from, adults, children, dependents, couple, note, created_by, created_at)
		VALUES (?,?,?,?,?,?,?,?,?,?,?)`, b.ID, orgID, b.HouseholdID, b.ValidFrom, b.Adults, b.Children, b.Dependents, b.Couple, b.Note,
		b.CreatedBy, ts(b.CreatedAt)); err != nil {
		return fmt.Errorf("store: insert budget: %w", err)
	}
	for i, l := range b.Lines {
		if _, err := tx.exec(ctx, `INSERT INTO budget_lines (budget_id, position, kind, category, person_id, label, monthly_cents, remaining_cents, plan)
			VALUES (?,?,?,?,?,?,?,?,?)`, b.ID, i, l.Kind, l.Category, nullString(l.PersonID), l.Label, l.MonthlyCents, l.RemainingCents, l.Plan); err != nil {
			return fmt.Errorf("store: insert budget line: %w", err)
		}
	}
	return nil
}

// HouseholdBudgets returns every budget version of a household with its
// lines, the current one first (latest valid_from, then latest written).
func (tx *Tx) HouseholdBudgets(ctx context.Context, householdID string) ([]*parcours.Budget, error) {
	return tx.budgets(ctx, "b.household_id = ?", householdID)
}

// Budget returns one budget version with its lines.
func (tx *Tx) Budget(ctx context.Context, id string) (*parcours.Budget, error) {
	list, err := tx.budgets(ctx, "b.id = ?", id)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, ErrNoRows
	}
	return list[0], nil
}

func (tx *Tx) budgets(ctx context.Context, where string, arg any) ([]*parcours.Budget, error) {
	rows, err := tx.query(ctx, `SELECT b.id, b.household_id, b.valid_from, b.adults, b.children, b.dependents, b.couple, b.note, b.created_by, b.created_at
		FROM budgets b WHERE `+where+` ORDER BY b.valid_from DESC, b.created_at DESC, b.id DESC`, arg)
	if err != nil {
		return nil, fmt.Errorf("store: budgets: %w", err)
	}
	out := []*parcours.Budget{}
	byID := map[string]*parcours.Budget{}
	for rows.Next() {
		b := &parcours.Budget{Lines: []parcours.BudgetLine{}}
		var created int64
		if err := rows.Scan(&b.ID, &b.HouseholdID, &b.ValidFrom, &b.Adults, &b.Children, &b.Dependents, &b.Couple, &b.Note, &b.CreatedBy, &created); err != nil {
			rows.Close()
			return nil, err
		}
		b.CreatedAt = fromTS(created)
		out = append(out, b)
		byID[b.ID] = b
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	lr, err := tx.query(ctx, `SELECT l.budget_id, l.kind, l.category, l.person_id, l.label, l.monthly_cents, l.remaining_cents, l.plan
		FROM budget_lines l JOIN budgets b ON b.id = l.budget_id WHERE `+where+` ORDER BY l.budget_id, l.position`, arg)
	if err != nil {
		return nil, fmt.Errorf("store: budget lines: %w", err)
	}
	defer lr.Close()
	for lr.Next() {
		var id string
		var l parcours.BudgetLine
		var person cfNullString
		if err := lr.Scan(&id, &l.Kind, &l.Category, &person, &l.Label, &l.MonthlyCents, &l.RemainingCents, &l.Plan); err != nil {
			return nil, err
		}
		l.PersonID = string(person)
		byID[id].Lines = append(byID[id].Lines, l)
	}
	for _, b := range out {
		b.Compute()
	}
	return out, lr.Err()
}

// InsertCommission stores a new commission.
func (tx *Tx) InsertCommission(ctx context.Context, c *parcours.Commission) error {
	if c.ID == "" {
		c.ID = NewID()
	}
	c.CreatedAt = tx.now
	_, err := tx.exec(ctx, "INSERT INTO commissions (id, org_id, meets_on, members, created_by, created_at) VALUES (?,?,?,?,?,?)",
		c.ID, c.OrgID, c.MeetsOn, lines(c.Members), c.CreatedBy, ts(c.CreatedAt))
	if err != nil {
		return fmt.Errorf("store: insert commission: %w", err)
	}
	return nil
}

func (tx *Tx) scanCommissions(ctx context.Context, q string, args ...any) ([]*parcours.Commission, error) {
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: commissions: %w", err)
	}
	defer rows.Close()
	out := []*parcours.Commission{}
	for rows.Next() {
		var c parcours.Commission
		var members string
		var created int64
		if err := rows.Scan(&c.ID, &c.OrgID, &c.MeetsOn, &members, &c.CreatedBy, &created); err != nil {
			return nil, err
		}
		c.Members, c.CreatedAt = unlines(members), fromTS(created)
		out = append(out, &c)
	}
	return out, rows.Err()
}

var commissionKey = []keyCol{{"meets_on", false}, {"id", false}}

// CommissionKey is the sort key of a commission, for cursors.
func CommissionKey(c *parcours.Commission) []string { return []string{c.MeetsOn, c.ID} }

// Commissions returns the organisation's commissions, latest first, a
// page of them (k).
func (tx *Tx) Commissions(ctx context.Context, orgID string, k Keyset) ([]*parcours.Commission, error) {
	where, tail, args, err := k.clause(commissionKey, true)
	if err != nil {
		return nil, err
	}
	return tx.scanCommissions(ctx, "SELECT id, org_id, meets_on, members, created_by, created_at FROM commissions WHERE org_id = ?"+where+tail,
		k.limitArg(append([]any{orgID}, args...))...)
}

// Commission returns one commission.
func (tx *Tx) Commission(ctx context.Context, id string) (*parcours.Commission, error) {
	list, err := tx.scanCommissions(ctx, "SELECT id, org_id, meets_on, members, created_by, created_at FROM commissions WHERE id = ?", id)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, ErrNoRows
	}
	return list[0], nil
}

const aidColumns = "id, org_id, household_id, person_id, aid_code, aid_name, amount_cents, reason, budget_id, status, commission_id, decided_cents, motive, decided_at, decided_by, payee, creditor_name, payment_status, paid_on, created_by, created_at"

// InsertAidRequest stores a new aid request.
func (tx *Tx) InsertAidRequest(ctx context.Context, a *parcours.AidRequest) error {
	if a.ID == "" {
		a.ID = NewID()
	}
	a.CreatedAt = tx.now
	_, err := tx.exec(ctx, "INSERT INTO aid_requests ("+aidColumns+") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
		a.ID, a.OrgID, a.HouseholdID, a.PersonID, a.AidCode, a.AidName, a.AmountCents, a.Reason, nullString(a.BudgetID), a.Status,
		nullString(a.CommissionID), a.DecidedCents, a.Motive, ts(a.DecidedAt), a.DecidedBy, a.Payee, a.CreditorName, a.PaymentStatus,
		a.PaidOn, a.CreatedBy, ts(a.CreatedAt))
	if err != nil {
		return fmt.Errorf("store: insert aid request: %w", err)
	}
	return nil
}

func (tx *Tx) scanAidRequests(ctx context.Context, q string, args ...any) ([]*parcours.AidRequest, error) {
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: aid requests: %w", err)
	}
	defer rows.Close()
	out := []*parcours.AidRequest{}
	for rows.Next() {
		var a parcours.AidRequest
		var budget, commission cfNullString
		var decided, created int64
		if err := rows.Scan(&a.ID, &a.OrgID, &a.HouseholdID, &a.PersonID, &a.AidCode, &a.AidName, &a.AmountCents, &a.Reason, &budget,
			&a.Status, &commission, &a.DecidedCents, &a.Motive, &decided, &a.DecidedBy, &a.Payee, &a.CreditorName, &a.PaymentStatus,
			&a.PaidOn, &a.CreatedBy, &created); err != nil {
			return nil, err
		}
		a.BudgetID, a.CommissionID = string(budget), string(commission)
		a.DecidedAt, a.CreatedAt = fromTS(decided), fromTS(created)
		a.Warnings = []string{}
		out = append(out, &a)
	}
	return out, rows.Err()
}

// AidRequest returns one aid request.
func (tx *Tx) AidRequest(ctx context.Context, id string) (*parcours.AidRequest, error) {
	list, err := tx.scanAidRequests(ctx, "SELECT "+aidColumns+" FROM aid_requests WHERE id = ?", id)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, ErrNoRows
	}
	return list[0], nil
}

var aidRequestKey = []keyCol{{"created_at", true}, {"id", false}}

// AidRequestKey is the sort key of an aid request, for cursors.
func AidRequestKey(a *parcours.AidRequest) []string {
	return []string{strconv.FormatInt(ts(a.CreatedAt), 10), a.ID}
}

// HouseholdAidRequests returns a household's aid requests, newest first,
// a page of them (k).
func (tx *Tx) HouseholdAidRequests(ctx context.Context, householdID string, k Keyset) ([]*parcours.AidRequest, error) {
	where, tail, args, err := k.clause(aidRequestKey, true)
	if err != nil {
		return nil, err
	}
	return tx.scanAidRequests(ctx, "SELECT "+aidColumns+" FROM aid_requests WHERE household_id = ?"+where+tail,
		k.limitArg(append([]any{householdID}, args...))...)
}

// AidRequestsOfCommission returns the agenda of a commission, in the
// order the requests were placed on it.
func (tx *Tx) AidRequestsOfCommission(ctx context.Context, commissionID string) ([]*parcours.AidRequest, error) {
	return tx.scanAidRequests(ctx, "SELECT "+aidColumns+" FROM aid_requests WHERE commission_id = ? ORDER BY created_at, id", commissionID)
}

// GrantedSince sums what a household was granted of an aid from a date
// (decisions at or after since): for the ceiling warning.
func (tx *Tx) GrantedSince(ctx context.Context, householdID, aidCode string, since int64) (int64, error) {
	var n int64
	err := tx.queryRow(ctx, `SELECT COALESCE(SUM(decided_cents), 0) FROM aid_requests WHERE household_id = ? AND aid_code = ?
		AND status IN ('granted','partial') AND decided_at >= ?`, householdID, aidCode, since).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: granted since: %w", err)
	}
	return n, nil
}

// PlaceOnAgenda puts a request not yet decided on a commission's agenda;
// false when it was decided meanwhile.
func (tx *Tx) PlaceOnAgenda(ctx context.Context, id, commissionID string) (bool, error) {
	res, err := tx.exec(ctx, "UPDATE aid_requests SET commission_id = ?, status = 'on_agenda' WHERE id = ? AND status IN ('instruction','adjourned','on_agenda')",
		commissionID, id)
	if err != nil {
		return false, fmt.Errorf("store: place on agenda: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// DecideAid records a commission's decision on a request on its agenda;
// false when it was already decided (the caller answers 409).
func (tx *Tx) DecideAid(ctx context.Context, id, status string, cents int64, motive, by string) (bool, error) {
	res, err := tx.exec(ctx, `UPDATE aid_requests SET status = ?, decided_cents = ?, motive = ?, decided_at = ?, decided_by = ?
		WHERE id = ? AND status = 'on_agenda'`, status, cents, motive, ts(tx.now), by, id)
	if err != nil {
		return false, fmt.Errorf("store: decide aid: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// SetAidPayment records the payment of a granted aid.
func (tx *Tx) SetAidPayment(ctx context.Context, id, payee, creditor, status, paidOn string) error {
	_, err := tx.exec(ctx, "UPDATE aid_requests SET payee = ?, creditor_name = ?, payment_status = ?, paid_on = ? WHERE id = ?",
		payee, creditor, status, paidOn, id)
	if err != nil {
		return fmt.Errorf("store: aid payment: %w", err)
	}
	return nil
}

// AidFilter narrows the organisation's aid requests: a status, an aid,
// and a period of creation (dates YYYY-MM-DD, inclusive; "" for none).
type AidFilter struct {
	Status, AidCode, From, To string
}

// OrgAidRequests returns up to limit aid requests of an organisation,
// newest first, strictly before (beforeAt, beforeID) when beforeID is
// set: a keyset page. The door keeps those the actor may read.
func (tx *Tx) OrgAidRequests(ctx context.Context, orgID string, f AidFilter, beforeAt int64, beforeID string, limit int) ([]*parcours.AidRequest, error) {
	q := "SELECT " + aidColumns + " FROM aid_requests WHERE org_id = ?"
	args := []any{orgID}
	if f.Status != "" {
		q += " AND status = ?"
		args = append(args, f.Status)
	}
	if f.AidCode != "" {
		q += " AND aid_code = ?"
		args = append(args, f.AidCode)
	}
	if f.From != "" || f.To != "" {
		from, to := f.From, f.To
		if from == "" {
			from = "1900-01-01"
		}
		if to == "" {
			to = "2999-12-31"
		}
		lo, hi, err := periodInstants(from, to)
		if err != nil {
			return nil, err
		}
		q += " AND created_at >= ? AND created_at < ?"
		args = append(args, lo, hi)
	}
	if beforeID != "" {
		q += " AND (created_at < ? OR (created_at = ? AND id < ?))"
		args = append(args, beforeAt, beforeAt, beforeID)
	}
	q += " ORDER BY created_at DESC, id DESC LIMIT ?"
	return tx.scanAidRequests(ctx, q, append(args, limit)...)
}

// AddAidRequestDocument links a document to an aid request; false when
// it already is.
func (tx *Tx) AddAidRequestDocument(ctx context.Context, requestID string, d *parcours.Document, by string) (bool, error) {
	var n int
	if err := tx.queryRow(ctx, "SELECT COUNT(*) FROM aid_request_documents WHERE aid_request_id = ? AND document_id = ?", requestID, d.ID).Scan(&n); err != nil {
		return false, fmt.Errorf("store: aid request document: %w", err)
	}
	if n > 0 {
		return false, nil
	}
	if _, err := tx.exec(ctx, "INSERT INTO aid_request_documents (aid_request_id, document_id, person_id, attached_by, attached_at) VALUES (?,?,?,?,?)",
		requestID, d.ID, d.PersonID, by, ts(tx.now)); err != nil {
		return false, fmt.Errorf("store: insert aid request document: %w", err)
	}
	return true, nil
}

// FillAidDocuments sets the supporting documents of requests, oldest
// first, in one query.
func (tx *Tx) FillAidDocuments(ctx context.Context, list []*parcours.AidRequest) error {
	if len(list) == 0 {
		return nil
	}
	byID := make(map[string]*parcours.AidRequest, len(list))
	ids := make([]string, 0, len(list))
	for _, a := range list {
		a.Documents = []parcours.AidDocument{}
		byID[a.ID] = a
		ids = append(ids, a.ID)
	}
	in, args := personIn("l.aid_request_id", ids)
	rows, err := tx.query(ctx, `SELECT l.aid_request_id, d.id, d.person_id, d.kind, d.title, d.content_type, d.size, l.attached_by, l.attached_at
		FROM aid_request_documents l JOIN documents d ON d.id = l.document_id WHERE `+in+` ORDER BY l.attached_at, d.id`, args...)
	if err != nil {
		return fmt.Errorf("store: aid request documents: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var rid string
		var d parcours.AidDocument
		var at int64
		if err := rows.Scan(&rid, &d.ID, &d.PersonID, &d.Kind, &d.Title, &d.ContentType, &d.Size, &d.AttachedBy, &at); err != nil {
			return err
		}
		d.AttachedAt = fromTS(at)
		if a := byID[rid]; a != nil {
			a.Documents = append(a.Documents, d)
		}
	}
	return rows.Err()
}

// AidRequestHasDocument reports whether a document supports a request.
func (tx *Tx) AidRequestHasDocument(ctx context.Context, requestID, documentID string) (bool, error) {
	var n int
	err := tx.queryRow(ctx, "SELECT COUNT(*) FROM aid_request_documents WHERE aid_request_id = ? AND document_id = ?", requestID, documentID).Scan(&n)
	return n > 0, err
}
