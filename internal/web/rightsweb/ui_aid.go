package rightsweb

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"parcours/internal/aid"
	"parcours/internal/parcours"
	"parcours/internal/web"
)

// The pages of the budget, the aid requests and the commission. Every
// form works without JavaScript and redirects after a successful post.

func (s *server) aidPageRoutes() {
	s.Handle("GET", "/households/{id}/budget", web.Page, s.pageBudget, nil)
	s.Handle("POST", "/households/{id}/budget", web.Page, s.pageSaveBudget, nil)
	s.Handle("GET", "/households/{id}/aid", web.Page, s.pageHouseholdAid, nil)
	s.Handle("POST", "/households/{id}/aid-requests", web.Page, s.pageCreateRequest, nil)
	s.Handle("POST", "/households/{id}/aid-requests/{req}/agenda", web.Page, s.pageAgenda, nil)
	s.Handle("POST", "/households/{id}/aid-requests/{req}/documents", web.Page, s.pageAttachDocument, nil)
	s.Handle("POST", "/households/{id}/aid-requests/{req}/payment", web.Page, s.pagePayment, nil)
	s.Handle("GET", "/commissions", web.Page, s.pageCommissions, nil)
	s.Handle("POST", "/commissions", web.Page, s.pageCreateCommission, nil)
	s.Handle("GET", "/commissions/{id}", web.Page, s.pageCommission, nil)
	s.Handle("POST", "/commissions/{id}/decisions/{req}", web.Page, s.pageDecide, nil)
}

// Rows of the budget form: resources, charges, debts.
const resRows, chgRows, debtRows = 6, 8, 4

type budgetPage struct {
	*aid.BudgetView
	Saved                      bool
	ResRows, ChgRows, DebtRows []int
	ResCats, ChgCats, DebtCats []string
	Plans                      []string
	Euros                      func(int64) string
}

func seq(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i + 1 // rows are numbered from 1 on the page
	}
	return out
}

func euroField(c int64) string {
	if c == 0 {
		return ""
	}
	return strings.ReplaceAll(parcours.FormatEuros(c), "\u00a0€", "")
}

func (s *server) showBudget(w http.ResponseWriter, r *http.Request, status int, p *web.PageData) error {
	v, err := s.aidSvc().Budget(r.Context(), web.MustActor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	if p.Form == nil {
		p.Form = map[string]string{"adults": "1", "children": "0", "dependents": "0"}
		if b := v.Current; b != nil {
			p.Form["adults"], p.Form["children"], p.Form["dependents"] = strconv.Itoa(b.Adults), strconv.Itoa(b.Children), strconv.Itoa(b.Dependents)
			if b.Couple {
				p.Form["couple"] = "1"
			}
			n := map[string]int{}
			for _, l := range b.Lines {
				pre := map[string]string{parcours.LineResource: "res", parcours.LineCharge: "chg", parcours.LineDebt: "debt"}[l.Kind]
				n[pre]++
				i := n[pre]
				p.Form[fmt.Sprintf("%s-cat-%d", pre, i)] = l.Category
				p.Form[fmt.Sprintf("%s-person-%d", pre, i)] = l.PersonID
				p.Form[fmt.Sprintf("%s-label-%d", pre, i)] = l.Label
				p.Form[fmt.Sprintf("%s-amount-%d", pre, i)] = euroField(l.MonthlyCents)
				p.Form[fmt.Sprintf("%s-remaining-%d", pre, i)] = euroField(l.RemainingCents)
				p.Form[fmt.Sprintf("%s-plan-%d", pre, i)] = l.Plan
			}
		}
	}
	p.Title = "aid.budget_title"
	p.Data = &budgetPage{BudgetView: v, Saved: r.URL.Query().Get("saved") == "1", ResRows: seq(resRows), ChgRows: seq(chgRows),
		DebtRows: seq(debtRows), ResCats: parcours.ResourceCategories, ChgCats: parcours.ChargeCategories,
		DebtCats: parcours.DebtCategories, Plans: parcours.DebtPlans, Euros: parcours.FormatEuros}
	return s.Render(w, r, status, "budget.html", p)
}

func (s *server) pageBudget(w http.ResponseWriter, r *http.Request) error {
	return s.showBudget(w, r, http.StatusOK, &web.PageData{})
}

func (s *server) pageSaveBudget(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(r); err != nil {
		return err
	}
	f := r.PostForm
	var v parcours.Problems
	num := func(field string) int {
		n, err := strconv.Atoi(strings.TrimSpace(f.Get(field)))
		if err != nil {
			v.Add(field, "error.aid.count_range", "field.aid."+field, 0, 20)
		}
		return n
	}
	in := aid.BudgetInput{ValidFrom: f.Get("valid_from"), Adults: num("adults"), Children: num("children"),
		Dependents: num("dependents"), Couple: f.Get("couple") == "1", Note: f.Get("note")}
	var rowOf []string // line index → form row prefix, for the messages
	add := func(pre, kind string, rows int) {
		for i := 1; i <= rows; i++ {
			cat := f.Get(fmt.Sprintf("%s-cat-%d", pre, i))
			amount := f.Get(fmt.Sprintf("%s-amount-%d", pre, i))
			if cat == "" && strings.TrimSpace(amount) == "" {
				continue
			}
			row := fmt.Sprintf("%s-%%s-%d", pre, i)
			l := parcours.BudgetLine{Kind: kind, Category: cat, PersonID: f.Get(fmt.Sprintf(row, "person")),
				Label: f.Get(fmt.Sprintf(row, "label")), Plan: f.Get(fmt.Sprintf(row, "plan"))}
			if c, ok := parcours.ParseEuros(amount); ok || strings.TrimSpace(amount) == "" {
				l.MonthlyCents = c
			} else {
				v.Add(fmt.Sprintf(row, "amount"), "error.amount_invalid", "field.aid.monthly_cents")
			}
			if rem := f.Get(fmt.Sprintf(row, "remaining")); strings.TrimSpace(rem) != "" {
				if c, ok := parcours.ParseEuros(rem); ok {
					l.RemainingCents = c
				} else {
					v.Add(fmt.Sprintf(row, "remaining"), "error.amount_invalid", "field.aid.remaining_cents")
				}
			}
			if cat == "" {
				v.Add(fmt.Sprintf(row, "cat"), "error.field_required", "field.aid.category")
			}
			in.Lines = append(in.Lines, l)
			rowOf = append(rowOf, row)
		}
	}
	add("res", parcours.LineResource, resRows)
	add("chg", parcours.LineCharge, chgRows)
	add("debt", parcours.LineDebt, debtRows)
	err := v.Err()
	if err == nil {
		_, err = s.aidSvc().SaveBudget(r.Context(), web.MustActor(r), r.PathValue("id"), in)
	}
	if err == nil {
		http.Redirect(w, r, "/households/"+r.PathValue("id")+"/budget?saved=1", http.StatusSeeOther)
		return nil
	}
	e := parcours.AsError(err)
	if e == nil || e.Code != parcours.EInvalid {
		return err
	}
	// "lines[3].monthly_cents" is shown beside the row's amount.
	for _, fe := range append([]*parcours.Error{e}, e.Fields...) {
		var i int
		var sub string
		if n, _ := fmt.Sscanf(strings.Replace(fe.Field, "].", "] ", 1), "lines[%d] %s", &i, &sub); n == 2 && i < len(rowOf) {
			name := map[string]string{"monthly_cents": "amount", "remaining_cents": "remaining", "category": "cat", "person_id": "person"}[sub]
			if name == "" {
				name = sub
			}
			fe.Field = fmt.Sprintf(rowOf[i], name)
		}
	}
	p := &web.PageData{Form: web.TypedForm(r)}
	p.AddErrors(web.Lang(r), e, "", "form")
	return s.showBudget(w, r, web.StatusOf(e.Code), p)
}

type aidPage struct {
	*aid.HouseholdView
	Saved                   bool
	Euros                   func(int64) string
	Names                   map[string]string
	Payees, PaymentStatuses []string
	DocKinds                []string
}

// Attachable is what the page offers to attach to r from the members'
// files: their documents not attached to it yet, by member.
func (p *aidPage) Attachable(r *parcours.AidRequest) []aid.MemberDocuments {
	var out []aid.MemberDocuments
	for _, m := range p.Documents {
		docs := slices.DeleteFunc(slices.Clone(m.Documents), func(d *parcours.Document) bool {
			return slices.ContainsFunc(r.Documents, func(a parcours.AidDocument) bool { return a.ID == d.ID })
		})
		if len(docs) > 0 {
			out = append(out, aid.MemberDocuments{PersonID: m.PersonID, Name: m.Name, Documents: docs})
		}
	}
	return out
}

func (s *server) showHouseholdAid(w http.ResponseWriter, r *http.Request, status int, p *web.PageData) error {
	v, err := s.aidSvc().HouseholdRequests(r.Context(), web.MustActor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	names := map[string]string{}
	for _, m := range v.Members {
		names[m.PersonID] = m.DisplayName
	}
	p.Title = "aid.requests_title"
	p.Data = &aidPage{HouseholdView: v, Saved: r.URL.Query().Get("saved") == "1", Euros: parcours.FormatEuros, Names: names,
		Payees: parcours.Payees, PaymentStatuses: parcours.PaymentStatuses, DocKinds: parcours.DocumentKinds}
	return s.Render(w, r, status, "aid_requests.html", p)
}

func (s *server) pageHouseholdAid(w http.ResponseWriter, r *http.Request) error {
	return s.showHouseholdAid(w, r, http.StatusOK, &web.PageData{})
}

func (s *server) afterAidPost(w http.ResponseWriter, r *http.Request, err error, prefix string) error {
	if err == nil {
		http.Redirect(w, r, "/households/"+r.PathValue("id")+"/aid?saved=1", http.StatusSeeOther)
		return nil
	}
	e := parcours.AsError(err)
	if e == nil || (e.Code != parcours.EInvalid && e.Code != parcours.EConflict && e.Code != parcours.ETooLarge && e.Code != parcours.EUnsupported) {
		return err
	}
	p := &web.PageData{Form: web.TypedForm(r)}
	p.AddErrors(web.Lang(r), e, prefix, "form")
	return s.showHouseholdAid(w, r, web.StatusOf(e.Code), p)
}

// pageAttachDocument adds a supporting document to a request from the
// household's page (a multipart form: a file, or a document of the
// members' files).
func (s *server) pageAttachDocument(w http.ResponseWriter, r *http.Request) error {
	in, content, err := s.aidDocumentInput(w, r, "doc-")
	if err != nil {
		return err
	}
	if content != nil {
		defer content.Close()
	}
	_, err = s.aidSvc().AttachDocument(r.Context(), web.MustActor(r), r.PathValue("req"), in)
	return s.afterAidPost(w, r, err, "doc-")
}

func (s *server) pageCreateRequest(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(r); err != nil {
		return err
	}
	f := r.PostForm
	cents, err := euros(f.Get("req-amount_cents"), "amount_cents")
	if err == nil && cents == 0 {
		err = parcours.FieldError(parcours.EInvalid, "amount_cents", "error.field_required", "field.aid.amount_cents")
	}
	if err == nil {
		_, err = s.aidSvc().CreateRequest(r.Context(), web.MustActor(r), aid.RequestInput{HouseholdID: r.PathValue("id"),
			PersonID: f.Get("req-person_id"), AidCode: f.Get("req-aid_code"), AmountCents: cents, Reason: f.Get("req-reason")})
	}
	return s.afterAidPost(w, r, err, "req-")
}

func (s *server) pageAgenda(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(r); err != nil {
		return err
	}
	_, err := s.aidSvc().PlaceOnAgenda(r.Context(), web.MustActor(r), r.PathValue("req"), aid.AgendaInput{CommissionID: r.PostForm.Get("commission_id")})
	return s.afterAidPost(w, r, err, "agenda-")
}

func (s *server) pagePayment(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(r); err != nil {
		return err
	}
	f := r.PostForm
	_, err := s.aidSvc().RecordPayment(r.Context(), web.MustActor(r), r.PathValue("req"), aid.PaymentInput{Payee: f.Get("payee"),
		CreditorName: f.Get("creditor_name"), Status: f.Get("status"), PaidOn: f.Get("paid_on")})
	return s.afterAidPost(w, r, err, "pay-")
}

type commissionsPage struct {
	Commissions []*parcours.Commission
	Next        string // the next page's link, "" on the last
}

func (s *server) showCommissions(w http.ResponseWriter, r *http.Request, status int, p *web.PageData) error {
	page, err := s.aidSvc().Commissions(r.Context(), web.MustActor(r), r.URL.Query().Get("cursor"), 0)
	if err != nil {
		return err
	}
	p.Title = "aid.commissions_title"
	d := &commissionsPage{Commissions: page.Items}
	if page.NextCursor != "" {
		d.Next = "/commissions?cursor=" + url.QueryEscape(page.NextCursor)
	}
	p.Data = d
	return s.Render(w, r, status, "commissions.html", p)
}

func (s *server) pageCommissions(w http.ResponseWriter, r *http.Request) error {
	return s.showCommissions(w, r, http.StatusOK, &web.PageData{})
}

func (s *server) pageCreateCommission(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(r); err != nil {
		return err
	}
	c, err := s.aidSvc().CreateCommission(r.Context(), web.MustActor(r), aid.CommissionInput{MeetsOn: r.PostForm.Get("meets_on"),
		Members: strings.Split(r.PostForm.Get("members"), "\n")})
	if err == nil {
		http.Redirect(w, r, "/commissions/"+c.ID, http.StatusSeeOther)
		return nil
	}
	e := parcours.AsError(err)
	if e == nil || e.Code != parcours.EInvalid {
		return err
	}
	p := &web.PageData{Form: web.TypedForm(r)}
	p.AddErrors(web.Lang(r), e, "", "form")
	return s.showCommissions(w, r, web.StatusOf(e.Code), p)
}

type commissionPage struct {
	*aid.CommissionView
	Saved     bool
	Euros     func(int64) string
	Decisions []string
}

func (s *server) showCommission(w http.ResponseWriter, r *http.Request, status int, p *web.PageData) error {
	v, err := s.aidSvc().Commission(r.Context(), web.MustActor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	p.Title = "aid.commission_title"
	p.Data = &commissionPage{CommissionView: v, Saved: r.URL.Query().Get("saved") == "1", Euros: parcours.FormatEuros,
		Decisions: parcours.AidDecisions}
	return s.Render(w, r, status, "commission.html", p)
}

func (s *server) pageCommission(w http.ResponseWriter, r *http.Request) error {
	return s.showCommission(w, r, http.StatusOK, &web.PageData{})
}

func (s *server) pageDecide(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(r); err != nil {
		return err
	}
	f := r.PostForm
	cents, err := euros(f.Get("amount_cents"), "amount_cents")
	if err == nil {
		_, err = s.aidSvc().Decide(r.Context(), web.MustActor(r), r.PathValue("req"), aid.DecisionInput{Decision: f.Get("decision"),
			AmountCents: cents, Motive: f.Get("motive")})
	}
	if err == nil {
		http.Redirect(w, r, "/commissions/"+r.PathValue("id")+"?saved=1#req-"+r.PathValue("req"), http.StatusSeeOther)
		return nil
	}
	e := parcours.AsError(err)
	if e == nil || (e.Code != parcours.EInvalid && e.Code != parcours.EConflict) {
		return err
	}
	p := &web.PageData{Form: web.TypedForm(r)}
	p.AddErrors(web.Lang(r), e, "dec-"+r.PathValue("req")+"-", "form")
	return s.showCommission(w, r, web.StatusOf(e.Code), p)
}
