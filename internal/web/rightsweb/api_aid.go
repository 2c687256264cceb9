package rightsweb

import (
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"parcours/internal/aid"
	"parcours/internal/letters"
	"parcours/internal/parcours"
	"parcours/internal/web"
)

// The household budget, the aid requests and the commission over JSON.

func (s *server) aidSchemas() {
	str, date, i := web.Str(), web.StrFmt("date"), web.Integer()
	cents := web.Schema{"type": "integer", "minimum": 0, "maximum": parcours.MaxAmountCents, "description": "amount in euro cents"}
	signed := web.Schema{"type": "integer", "description": "amount in euro cents, may be negative"}
	s.Schema("BudgetLine", web.Object([]string{"kind", "category", "monthly_cents"}, web.Schema{
		"kind": web.Enum(parcours.LineResource, parcours.LineCharge, parcours.LineDebt), "category": str, "person_id": str, "label": str,
		"monthly_cents": cents, "remaining_cents": cents, "plan": web.Enum(parcours.DebtPlans...),
	}))
	s.Schema("BudgetFigures", web.Object([]string{"resources_cents", "charges_cents", "repayments_cents", "debt_cents", "reste_a_vivre_cents",
		"uc_x100", "reste_a_vivre_per_uc_cents", "reste_a_vivre_per_uc_day_cents", "parts_x2", "quotient_familial_cents", "formula"}, web.Schema{
		"resources_cents": cents, "charges_cents": cents, "repayments_cents": cents, "debt_cents": i, "reste_a_vivre_cents": signed,
		"uc_x100": i, "reste_a_vivre_per_uc_cents": signed, "reste_a_vivre_per_uc_day_cents": signed, "parts_x2": i,
		"quotient_familial_cents": signed, "formula": str,
	}))
	s.Schema("Budget", web.Object([]string{"id", "household_id", "valid_from", "adults", "children", "dependents", "couple", "lines",
		"created_by", "created_at", "figures"}, web.Schema{
		"id": str, "household_id": str, "valid_from": date, "adults": i, "children": i, "dependents": i, "couple": web.Boolean(),
		"lines": web.ArrayOf(web.Ref("BudgetLine")), "note": str, "created_by": str, "created_at": web.StrFmt("date-time"),
		"figures": web.Ref("BudgetFigures"),
	}))
	member := web.Object([]string{"person_id", "relationship"}, web.Schema{"person_id": str, "relationship": str, "display_name": str})
	s.Schema("BudgetView", web.Object([]string{"household_id", "household_name", "current", "history", "members"}, web.Schema{
		"household_id": str, "household_name": str, "current": web.Schema{"anyOf": []any{web.Ref("Budget"), web.Schema{"type": "null"}}},
		"history": web.ArrayOf(web.Ref("Budget")), "members": web.ArrayOf(member),
	}))
	s.Schema("BudgetInput", web.Object([]string{"adults", "lines"}, web.Schema{
		"valid_from": date, "adults": i, "children": i, "dependents": i, "couple": web.Boolean(),
		"lines": web.ArrayOf(web.Ref("BudgetLine")), "note": str,
	}))
	status := web.Enum(parcours.AidInstruction, parcours.AidOnAgenda, parcours.AidGranted, parcours.AidPartial, parcours.AidRefused, parcours.AidAdjourned)
	s.Schema("AidRequest", web.Object([]string{"id", "organization_id", "household_id", "person_id", "aid_code", "aid_name", "amount_cents",
		"reason", "status", "created_by", "created_at", "warnings"}, web.Schema{
		"id": str, "organization_id": str, "household_id": str, "person_id": str, "aid_code": str, "aid_name": str,
		"amount_cents": cents, "reason": str, "budget_id": str, "status": status, "commission_id": str,
		"decided_cents": cents, "motive": str, "decided_at": web.StrFmt("date-time"), "decided_by": str,
		"payee": web.Enum(parcours.Payees...), "creditor_name": str, "payment_status": web.Enum(parcours.PaymentStatuses...),
		"paid_on": date, "created_by": str, "created_at": web.StrFmt("date-time"), "warnings": web.ArrayOf(web.Enum("ceiling")),
		"documents": web.ArrayOf(web.Ref("AidDocument")),
	}))
	s.Schema("AidDocument", web.Object([]string{"id", "person_id", "kind", "title", "content_type", "size", "attached_by", "attached_at"}, web.Schema{
		"id": str, "person_id": str, "kind": web.Enum(parcours.DocumentKinds...), "title": str,
		"content_type": web.Enum("application/pdf", "image/jpeg", "image/png"), "size": i, "attached_by": str,
		"attached_at": web.StrFmt("date-time"),
	}))
	s.Schema("AidDocumentInput", web.Object([]string{"document_id"}, web.Schema{"document_id": str, "person_id": str, "document_kind": web.Enum(parcours.DocumentKinds...)}))
	s.Schema("AidRequestInput", web.Object([]string{"household_id", "aid_code", "amount_cents", "reason"}, web.Schema{
		"household_id": str, "person_id": str, "aid_code": str, "amount_cents": cents, "reason": str,
	}))
	s.Schema("AgendaInput", web.Object([]string{"commission_id"}, web.Schema{"commission_id": str}))
	s.Schema("DecisionInput", web.Object([]string{"decision"}, web.Schema{
		"decision": web.Enum(parcours.AidDecisions...), "amount_cents": cents, "motive": str,
	}))
	s.Schema("PaymentInput", web.Object([]string{"payee", "status"}, web.Schema{
		"payee": web.Enum(parcours.Payees...), "creditor_name": str, "status": web.Enum(parcours.PaymentStatuses...), "paid_on": date,
	}))
	s.Schema("Commission", web.Object([]string{"id", "organization_id", "meets_on", "members", "created_by", "created_at"}, web.Schema{
		"id": str, "organization_id": str, "meets_on": date, "members": web.ArrayOf(str), "created_by": str, "created_at": web.StrFmt("date-time"),
	}))
	s.Schema("CommissionInput", web.Object([]string{"meets_on", "members"}, web.Schema{"meets_on": date, "members": web.ArrayOf(str)}))
	s.Schema("CommissionView", web.Object([]string{"commission", "agenda"}, web.Schema{
		"commission": web.Ref("Commission"), "agenda": web.ArrayOf(web.Ref("AidRequest")),
	}))
}

func (s *server) aidAPIRoutes() {
	s.aidSchemas()
	s.Handle("GET", "/api/v1/households/{id}/budget", web.API, s.apiBudget, &web.Op{ID: "householdBudget",
		Summary: "A household's budget: the current version with reste à vivre per UC and family quotient (formula shown), and the history",
		Tag:     "aid", Response: "BudgetView"})
	s.Handle("POST", "/api/v1/households/{id}/budget", web.API, s.apiSaveBudget, &web.Op{ID: "saveHouseholdBudget",
		Summary: "Record a new dated version of a household's budget (the previous ones are kept)", Tag: "aid", Request: "BudgetInput",
		Response: "Budget", Status: http.StatusCreated})
	s.Handle("POST", "/api/v1/aid-requests", web.API, s.apiCreateRequest, &web.Op{ID: "createAidRequest",
		Summary: "Record an aid request on a household with its budget of the day (an aid's ceiling is warned, not enforced)", Tag: "aid",
		Request: "AidRequestInput", Response: "AidRequest", Status: http.StatusCreated})
	s.Handle("GET", "/api/v1/households/{id}/aid-requests", web.API, s.apiHouseholdRequests, &web.Op{ID: "listAidRequests",
		Summary: "A household's aid requests, newest first", Tag: "aid", Response: "AidRequest", List: true, Query: web.PageParams})
	s.Handle("GET", "/api/v1/aid-requests", web.API, s.apiListRequests, &web.Op{ID: "listOrgAidRequests",
		Summary: "The organisation's aid requests the caller may read (applicants they follow), newest first, filtered and paginated (next_cursor); each listed request audited",
		Tag:     "aid", Response: "AidRequest", List: true, Query: []web.Param{
			{Name: "status", Description: "instruction, on_agenda, granted, partial, refused or adjourned"},
			{Name: "aid", Description: "an aid code of the catalogue"},
			{Name: "from", Description: "created on or after, YYYY-MM-DD"},
			{Name: "to", Description: "created on or before, YYYY-MM-DD"},
			{Name: "cursor", Description: "next_cursor of the previous page"},
			{Name: "limit", Type: "integer", Description: "1–200, 50 by default"}}})
	s.Handle("GET", "/api/v1/aid-requests/{id}", web.API, s.apiRequest, &web.Op{ID: "getAidRequest",
		Summary: "One aid request", Tag: "aid", Response: "AidRequest"})
	s.Handle("POST", "/api/v1/aid-requests/{id}/documents", web.API, s.apiAttachDocument, &web.Op{ID: "attachAidRequestDocument",
		Summary: "Add a supporting document (pièce justificative) to a request: multipart with the PDF, JPEG or PNG as « file » (person_id: " +
			"the member whose file it goes to, the applicant by default; document_kind), or JSON naming a document already on a member's file. " +
			"409 once the request is decided (the commission decided on what it saw) or when the document already supports it",
		Tag: "aid", Upload: true, Request: "AidDocumentInput", Response: "AidRequest"})
	s.Handle("GET", "/api/v1/aid-requests/{id}/documents/{doc}", web.API, s.apiAidDocument, &web.Op{ID: "aidRequestDocument",
		Summary: "A supporting document's content (its sniffed type, as an attachment): for those who may read the request, " +
			"the commission's members included once it is on their agenda; audited", Tag: "aid"})
	s.Handle("POST", "/api/v1/aid-requests/{id}/agenda", web.API, s.apiAgenda, &web.Op{ID: "placeAidRequestOnAgenda",
		Summary: "Put a request before a commission (409 once decided)", Tag: "aid", Request: "AgendaInput", Response: "AidRequest"})
	s.Handle("POST", "/api/v1/aid-requests/{id}/decision", web.API, s.apiDecide, &web.Op{ID: "decideAidRequest",
		Summary: "The commission's decision on a request on its agenda (managers; 409 when already decided)", Tag: "aid",
		Request: "DecisionInput", Response: "AidRequest"})
	s.Handle("POST", "/api/v1/aid-requests/{id}/payment", web.API, s.apiPayment, &web.Op{ID: "recordAidPayment",
		Summary: "Record the payment of a granted aid, to the person or to a creditor (409 when not granted)", Tag: "aid",
		Request: "PaymentInput", Response: "AidRequest"})
	s.Handle("GET", "/api/v1/aid-requests/{id}/letter", web.API, s.apiLetter, &web.Op{ID: "aidDecisionLetter",
		Summary: "The decision letter for the person, as a PDF (application/pdf; 409 before the decision)", Tag: "aid"})
	s.Handle("GET", "/api/v1/commissions", web.API, s.apiCommissions, &web.Op{ID: "listCommissions",
		Summary: "The organisation's commissions, latest first (managers)", Tag: "aid", Response: "Commission", List: true, Query: web.PageParams})
	s.Handle("POST", "/api/v1/commissions", web.API, s.apiCreateCommission, &web.Op{ID: "createCommission",
		Summary: "Set up a commission (managers)", Tag: "aid", Request: "CommissionInput", Response: "Commission", Status: http.StatusCreated})
	s.Handle("GET", "/api/v1/commissions/{id}", web.API, s.apiCommission, &web.Op{ID: "getCommission",
		Summary: "A commission with its agenda (managers)", Tag: "aid", Response: "CommissionView"})
	s.Handle("GET", "/api/v1/commissions/{id}/minutes", web.API, s.apiMinutes, &web.Op{ID: "commissionMinutes",
		Summary: "The commission's minutes, as a PDF (application/pdf)", Tag: "aid"})
}

func (s *server) aidSvc() *aid.Service { return s.Services().Aid }

func (s *server) apiBudget(w http.ResponseWriter, r *http.Request) error {
	v, err := s.aidSvc().Budget(r.Context(), web.MustActor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, v)
	return nil
}

func (s *server) apiSaveBudget(w http.ResponseWriter, r *http.Request) error {
	var in aid.BudgetInput
	if err := s.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	b, err := s.aidSvc().SaveBudget(r.Context(), web.MustActor(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, b)
	return nil
}

func (s *server) apiCreateRequest(w http.ResponseWriter, r *http.Request) error {
	var in aid.RequestInput
	if err := s.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	a, err := s.aidSvc().CreateRequest(r.Context(), web.MustActor(r), in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, a)
	return nil
}

func (s *server) apiHouseholdRequests(w http.ResponseWriter, r *http.Request) error {
	cursor, limit, err := web.PageArgs(r)
	if err != nil {
		return err
	}
	page, err := s.aidSvc().RequestPage(r.Context(), web.MustActor(r), r.PathValue("id"), cursor, limit)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, page)
	return nil
}

func (s *server) apiListRequests(w http.ResponseWriter, r *http.Request) error {
	v := r.URL.Query()
	q := aid.ListQuery{Status: v.Get("status"), AidCode: v.Get("aid"), From: v.Get("from"), To: v.Get("to"), Cursor: v.Get("cursor")}
	if l := v.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil {
			return parcours.FieldError(parcours.EInvalid, "limit", "error.aid.limit")
		}
		q.Limit = n
	}
	list, next, err := s.aidSvc().List(r.Context(), web.MustActor(r), q)
	if err != nil {
		return err
	}
	if list == nil {
		list = []*parcours.AidRequest{}
	}
	web.WriteJSON(w, http.StatusOK, parcours.Page[*parcours.AidRequest]{Items: list, NextCursor: next})
	return nil
}

func (s *server) apiRequest(w http.ResponseWriter, r *http.Request) error {
	a, err := s.aidSvc().Request(r.Context(), web.MustActor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, a)
	return nil
}

func (s *server) apiAgenda(w http.ResponseWriter, r *http.Request) error {
	var in aid.AgendaInput
	if err := s.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	a, err := s.aidSvc().PlaceOnAgenda(r.Context(), web.MustActor(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, a)
	return nil
}

func (s *server) apiDecide(w http.ResponseWriter, r *http.Request) error {
	var in aid.DecisionInput
	if err := s.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	a, err := s.aidSvc().Decide(r.Context(), web.MustActor(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, a)
	return nil
}

func (s *server) apiPayment(w http.ResponseWriter, r *http.Request) error {
	var in aid.PaymentInput
	if err := s.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	a, err := s.aidSvc().RecordPayment(r.Context(), web.MustActor(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, a)
	return nil
}

// decisionWords are the letter's words for a decision.
var decisionWords = map[string]string{parcours.AidGranted: "accordée", parcours.AidPartial: "accordée en partie",
	parcours.AidRefused: "refusée", parcours.AidAdjourned: "ajournée"}

func (s *server) apiLetter(w http.ResponseWriter, r *http.Request) error {
	l, err := s.aidSvc().DecisionLetter(r.Context(), web.MustActor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	a, p := l.Request, l.Applicant
	d := letters.Decision{OrgName: l.OrgName, Date: a.DecidedAt.In(web.Paris()).Format("2006-01-02"), PersonName: p.DisplayName(),
		Address: []string{p.Address.Line1, p.Address.Line2, strings.TrimSpace(p.Address.PostalCode + " " + p.Address.City)},
		AidName: a.AidName, AskedCents: parcours.FormatEuros(a.AmountCents), Decided: decisionWords[a.Status],
		Motive: a.Motive, CommittedOn: l.MeetsOn, Reference: a.ID}
	if a.Status != parcours.AidRefused {
		d.AmountText = parcours.FormatEuros(a.DecidedCents)
	}
	b, err := letters.DecisionLetter(d)
	if err != nil {
		return err
	}
	return sendPDF(w, "decision-"+a.AidCode+".pdf", b)
}

func (s *server) apiCommissions(w http.ResponseWriter, r *http.Request) error {
	cursor, limit, err := web.PageArgs(r)
	if err != nil {
		return err
	}
	page, err := s.aidSvc().Commissions(r.Context(), web.MustActor(r), cursor, limit)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, page)
	return nil
}

func (s *server) apiCreateCommission(w http.ResponseWriter, r *http.Request) error {
	var in aid.CommissionInput
	if err := s.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	c, err := s.aidSvc().CreateCommission(r.Context(), web.MustActor(r), in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, c)
	return nil
}

func (s *server) apiCommission(w http.ResponseWriter, r *http.Request) error {
	v, err := s.aidSvc().Commission(r.Context(), web.MustActor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, v)
	return nil
}

func (s *server) apiMinutes(w http.ResponseWriter, r *http.Request) error {
	v, err := s.aidSvc().Minutes(r.Context(), web.MustActor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	m := letters.Minutes{OrgName: v.OrgName, MeetsOn: v.Commission.MeetsOn, Members: v.Commission.Members}
	var total int64
	for _, it := range v.Agenda {
		a := it.Request
		item := letters.MinutesItem{Reference: a.ID, AidName: a.AidName, Asked: parcours.FormatEuros(a.AmountCents), Reason: a.Reason,
			Budget: "pas de budget", Decision: "à décider"}
		if it.Budget != nil {
			item.Budget = parcours.FormatEuros(it.Budget.Figures.PerUCCents) + " par mois"
		}
		if w, ok := decisionWords[a.Status]; ok {
			item.Decision = w
		}
		if a.Status == parcours.AidGranted || a.Status == parcours.AidPartial {
			item.Amount = parcours.FormatEuros(a.DecidedCents)
			total += a.DecidedCents
		}
		item.Motive = a.Motive
		m.Items = append(m.Items, item)
	}
	m.Total = parcours.FormatEuros(total)
	b, err := letters.CommissionMinutes(m)
	if err != nil {
		return err
	}
	return sendPDF(w, "pv-commission-"+v.Commission.MeetsOn+".pdf", b)
}

// aidDocumentInput reads a supporting document sent as multipart (a file
// and its fields) or as JSON (a document already on a member's file).
// The caller closes the content, if any.
func (s *server) aidDocumentInput(w http.ResponseWriter, r *http.Request, prefix string) (in aid.DocumentInput, content io.Closer, err error) {
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct == "application/json" {
		err = s.DecodeJSON(w, r, &in)
		return in, nil, err
	}
	name, rc, err := s.UploadForm(w, r, "file")
	if err != nil {
		return in, nil, err
	}
	f := r.PostForm
	in = aid.DocumentInput{DocumentID: f.Get(prefix + "document_id"), PersonID: f.Get(prefix + "person_id"), Kind: f.Get(prefix + "document_kind")}
	if rc != nil {
		in.Name, in.Content = name, rc
	}
	return in, rc, nil
}

func (s *server) apiAttachDocument(w http.ResponseWriter, r *http.Request) error {
	in, content, err := s.aidDocumentInput(w, r, "")
	if err != nil {
		return err
	}
	if content != nil {
		defer content.Close()
	}
	a, err := s.aidSvc().AttachDocument(r.Context(), web.MustActor(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, a)
	return nil
}

func (s *server) apiAidDocument(w http.ResponseWriter, r *http.Request) error {
	d, content, err := s.aidSvc().OpenDocument(r.Context(), web.MustActor(r), r.PathValue("id"), r.PathValue("doc"))
	if err != nil {
		return err
	}
	defer content.Close()
	web.ServeDocument(w, d, content)
	return nil
}
