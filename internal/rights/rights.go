// Package rights is access to rights day to day (issue 12): the catalogue
// of rights and aids (the national list, versioned data embedded from
// catalogue/national.json, and each organisation's own aids), the
// procedures (démarches) done on a file with the help given and the
// digital obstacles met, the digital autonomy checks and the mandates
// that let a worker act for the person.
//
// Every method takes the acting worker; person-scoped reads and writes go
// through the door (package file), which checks the action and audits in
// the same transaction. It never imports internal/web and never logs
// personal data.
package rights

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"parcours/internal/access"
	"parcours/internal/audit"
	"parcours/internal/casefile"
	"parcours/internal/parcours"
	"parcours/internal/store"
)

//go:embed catalogue/national.json
var nationalJSON []byte

// National is the catalogue shipped with Parcours.
type National struct {
	Version   string            `json:"version"`
	Note      string            `json:"note"`
	Rights    []*parcours.Right `json:"rights"`
	LocalAids []*parcours.Right `json:"local_aids"`
}

var national = func() *National {
	var n National
	if err := json.Unmarshal(nationalJSON, &n); err != nil {
		panic("rights: catalogue/national.json: " + err.Error())
	}
	for _, r := range n.Rights {
		r.Kind = parcours.RightNational
	}
	for _, r := range n.LocalAids {
		r.Kind = parcours.RightLocalAid
	}
	return &n
}()

// NationalVersion is the version of the national catalogue in use.
func NationalVersion() string { return national.Version }

// Service keeps the rights part of files.
type Service struct {
	db *store.DB
	// docs is the document store a mandate's scan goes to (nil: no
	// uploads, as in the demo's seeding).
	docs *casefile.Service
}

// New returns a Service on db whose uploads go to docs.
func New(db *store.DB, docs *casefile.Service) *Service { return &Service{db: db, docs: docs} }

// AddDays returns date (YYYY-MM-DD) moved by n days.
func AddDays(date string, n int) string {
	d, _ := parcours.ParseDate(date)
	return d.AddDate(0, 0, n).Format(time.DateOnly)
}

// Catalogue is the catalogue of an organisation: national rights, then its
// own aids.
type Catalogue struct {
	Version string            `json:"version"`
	Items   []*parcours.Right `json:"items"`
	// NextCursor is the API's: the cursor of the next page ("" on the
	// last).
	NextCursor string `json:"next_cursor"`
}

// rightKey is the sort key of the catalogue's pages: codes are unique
// across the national list and the organisation's aids.
func rightKey(r *parcours.Right) []string { return []string{r.Code} }

// CataloguePage returns one page of the organisation's catalogue, in its
// order (national rights, then its own aids): the entries after the one
// whose code the cursor holds, limit at most (1–200, 50 by default).
func (s *Service) CataloguePage(ctx context.Context, actor parcours.Actor, cursor string, limit int) (*Catalogue, error) {
	after, err := parcours.DecodeCursor(cursor, 1)
	if err != nil {
		return nil, err
	}
	c, err := s.Catalogue(ctx, actor)
	if err != nil {
		return nil, err
	}
	start := 0
	if after != nil {
		if start = slices.IndexFunc(c.Items, func(r *parcours.Right) bool { return r.Code == after[0] }) + 1; start == 0 {
			return nil, parcours.FieldError(parcours.EBadRequest, "cursor", "error.invalid_cursor")
		}
	}
	p := parcours.PageOf(c.Items[start:], parcours.PageLimit(limit), rightKey)
	return &Catalogue{Version: c.Version, Items: p.Items, NextCursor: p.NextCursor}, nil
}

// Find returns the entry with code, nil if none.
func (c *Catalogue) Find(code string) *parcours.Right {
	for _, r := range c.Items {
		if r.Code == code {
			return r
		}
	}
	return nil
}

// catalogue reads the organisation's catalogue, copying the default aids
// in the first time (the caller's transaction must be writable then).
func catalogue(ctx context.Context, tx *store.Tx, orgID string, seed bool) (*Catalogue, error) {
	aids, err := tx.OrgAids(ctx, orgID)
	if err != nil {
		return nil, err
	}
	if len(aids) == 0 && seed {
		if err := tx.SeedOrgAids(ctx, orgID, national.LocalAids); err != nil {
			return nil, err
		}
		if aids, err = tx.OrgAids(ctx, orgID); err != nil {
			return nil, err
		}
	}
	if len(aids) == 0 {
		aids = national.LocalAids
	}
	c := &Catalogue{Version: national.Version}
	for _, r := range national.Rights {
		cp := *r
		c.Items = append(c.Items, &cp)
	}
	c.Items = append(c.Items, aids...)
	return c, nil
}

// Catalogue returns the organisation's catalogue of rights and aids.
func (s *Service) Catalogue(ctx context.Context, actor parcours.Actor) (*Catalogue, error) {
	if err := access.Check(actor, access.RightsCatalogueRead, access.Target{OrgID: actor.OrgID}); err != nil {
		return nil, err
	}
	var c *Catalogue
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		var err error
		c, err = catalogue(ctx, tx, actor.OrgID, true)
		return err
	})
	return c, err
}

// AidInput is an aid of the organisation, created or replaced.
type AidInput struct {
	Name         string   `json:"name"`
	Body         string   `json:"body"`
	Description  string   `json:"description"`
	Documents    []string `json:"documents"`
	URL          string   `json:"url"`
	ActiveFrom   string   `json:"active_from"`
	ActiveTo     string   `json:"active_to"`
	CeilingCents int64    `json:"ceiling_cents"`
	PeriodMonths int      `json:"period_months"`
}

var codeRE = regexp.MustCompile(`^[a-z][a-z0-9_]{1,39}$`)

// PutAid creates or replaces an aid of the actor's organisation
// (administrators). National rights cannot be edited: they are the
// repository's versioned data.
func (s *Service) PutAid(ctx context.Context, actor parcours.Actor, code string, in AidInput) (*parcours.Right, error) {
	if err := access.Check(actor, access.AidCatalogueManage, access.Target{OrgID: actor.OrgID}); err != nil {
		return nil, err
	}
	v := parcours.Problems{Labels: labels}
	if !codeRE.MatchString(code) {
		v.Add("code", "error.rights.code_format", label("code"))
	} else if slices.ContainsFunc(national.Rights, func(r *parcours.Right) bool { return r.Code == code }) {
		v.Add("code", "error.rights.code_national", code)
	}
	r := &parcours.Right{Code: code, Kind: parcours.RightLocalAid, Name: strings.TrimSpace(in.Name), Body: strings.TrimSpace(in.Body),
		Description: strings.TrimSpace(in.Description), URL: strings.TrimSpace(in.URL), ActiveFrom: in.ActiveFrom, ActiveTo: in.ActiveTo,
		CeilingCents: in.CeilingCents, PeriodMonths: in.PeriodMonths}
	for _, d := range in.Documents {
		if d = strings.TrimSpace(d); d != "" {
			r.Documents = append(r.Documents, d)
		}
	}
	if r.Documents == nil {
		r.Documents = []string{}
	}
	v.Required("name", r.Name, 200)
	v.Required("body", r.Body, 200)
	v.MaxLen("description", r.Description, 2000)
	if r.URL != "" && !strings.HasPrefix(r.URL, "https://") {
		v.Add("url", "error.rights.url_https", label("url"))
	}
	v.MaxLen("url", r.URL, 500)
	v.Date("active_from", r.ActiveFrom, false, time.Time{})
	v.Date("active_to", r.ActiveTo, false, time.Time{})
	amount(&v, "ceiling_cents", r.CeilingCents)
	if r.PeriodMonths < 0 || r.PeriodMonths > 120 {
		v.Add("period_months", "error.rights.period_months", label("period_months"), 0, 120)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		if _, err := catalogue(ctx, tx, actor.OrgID, true); err != nil {
			return err
		}
		if err := tx.PutOrgAid(ctx, actor.OrgID, r); err != nil {
			return err
		}
		tx.Audit(audit.For(actor, "aid_catalogue.put", "aid", code, ""))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// Field labels of this area are "field.rights.<field>" in the catalogue.
const labels = "field.rights."

func label(field string) string { return labels + field }

// amount refuses a negative amount or one above 100 000 €.
func amount(v *parcours.Problems, field string, cents int64) {
	switch {
	case cents < 0:
		v.Add(field, "error.amount_negative", label(field))
	case cents > parcours.MaxAmountCents:
		v.Add(field, "error.amount_too_large", label(field), parcours.FormatEuros(parcours.MaxAmountCents))
	}
}

// Amount is amount for other areas (aid requests, budgets).
func Amount(v *parcours.Problems, field, labelKey string, cents int64) {
	switch {
	case cents < 0:
		v.Add(field, "error.amount_negative", labelKey)
	case cents > parcours.MaxAmountCents:
		v.Add(field, "error.amount_too_large", labelKey, parcours.FormatEuros(parcours.MaxAmountCents))
	}
}

func wrap(err *error, format string, args ...any) {
	if *err != nil && parcours.AsError(*err) == nil {
		*err = fmt.Errorf(format+": %w", append(args, *err)...)
	}
}

func mustDate(s string) time.Time {
	d, _ := parcours.ParseDate(s)
	return d
}

// Aids returns the organisation's own aids (aides facultatives), for the
// aid requests: the defaults until its administrators edit them.
func Aids(ctx context.Context, tx *store.Tx, orgID string) ([]*parcours.Right, error) {
	c, err := catalogue(ctx, tx, orgID, false)
	if err != nil {
		return nil, err
	}
	out := []*parcours.Right{}
	for _, r := range c.Items {
		if r.Kind == parcours.RightLocalAid {
			out = append(out, r)
		}
	}
	return out, nil
}
