// Package importer takes in the spreadsheets structures keep today: persons
// and households from CSV (UTF-8 or Windows-1252, ';' or ',', dates
// dd/mm/yyyy), with a column mapping, a dry run that reports every bad row
// by line, likely duplicates flagged, and re-imports that change nothing.
//
// An import is all or nothing: it runs in one transaction, and any bad row
// rolls everything back. A dry run is the same run, always rolled back, so
// its report is exactly what the real import would do. Cell contents are
// personal data: they are never logged and never quoted in a report.
package importer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"strings"
	"time"

	"parcours/internal/access"
	"parcours/internal/audit"
	"parcours/internal/csvsafe"
	"parcours/internal/i18n"
	"parcours/internal/parcours"
	"parcours/internal/person"
	"parcours/internal/search"
	"parcours/internal/search/namekey"
	"parcours/internal/store"
)

// MaxBytes bounds an import file. A département's export of a whole
// structure is a few MB; anything far larger is the wrong file, and is
// refused before it is read into memory.
const MaxBytes = 20 << 20

// Service runs imports.
type Service struct {
	db *store.DB
}

// New returns a Service on db.
func New(db *store.DB) *Service { return &Service{db: db} }

// Options of an import.
type Options struct {
	DryRun  bool
	Mapping Mapping
	// Org names the organisation (name or id) when the operator imports
	// from the command line; workers always import into their own.
	Org string
	// Progress, when set, is called as rows are processed.
	Progress func(done, total int)
}

// Problem is a bad row (or a bad file when Line is 0). Key and Args are a
// catalogue message; no cell content is ever part of it.
type Problem struct {
	Line  int    `json:"line"`
	Field string `json:"field,omitempty"`
	Key   string `json:"-"`
	Args  []any  `json:"-"`
}

// Message is the problem in lang.
func (p Problem) Message(lang string) string { return i18n.T(lang, p.Key, p.Args...) }

// Duplicate is a row not imported because it looks like persons already
// known; the worker decides by hand.
type Duplicate struct {
	Line       int                `json:"line"`
	Candidates []search.Candidate `json:"candidates"`
}

// Report tells what an import did, or would do.
type Report struct {
	Encoding        string      `json:"encoding"`
	Separator       string      `json:"separator"`
	Rows            int         `json:"rows"`
	Created         int         `json:"created"`
	AlreadyImported int         `json:"already_imported"`
	Households      int         `json:"households_created"`
	Duplicates      []Duplicate `json:"duplicates"`
	Problems        []Problem   `json:"problems"`
	DryRun          bool        `json:"dry_run"`
	// Applied is true when the rows were written: not a dry run and no
	// problem.
	Applied bool `json:"applied"`
}

// errRollback ends a transaction that must leave nothing behind (dry run,
// or problems found).
var errRollback = errors.New("roll back")

// Check tells whether actor may import: creating persons and households
// both. The upload page asks before showing its form.
func (s *Service) Check(actor parcours.Actor) error {
	for _, act := range []access.Action{access.PersonCreate, access.HouseholdCreate} {
		if err := access.Check(actor, act, access.Target{}); err != nil {
			return err
		}
	}
	return nil
}

// ImportPersons imports persons and households from a CSV file.
func (s *Service) ImportPersons(ctx context.Context, actor parcours.Actor, file io.Reader, opts Options) (*Report, error) {
	if err := s.Check(actor); err != nil {
		return nil, err
	}
	b, err := io.ReadAll(io.LimitReader(file, MaxBytes+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxBytes {
		return nil, parcours.FieldError(parcours.ETooLarge, "file", "error.import_too_large", MaxBytes>>20)
	}
	text, enc, err := decode(b)
	if err != nil {
		return nil, err
	}
	comma := separator(text)
	header, rows, problems, err := readRecords(text, comma)
	if err != nil {
		return nil, err
	}
	cols, err := columns(header, opts.Mapping)
	if err != nil {
		return nil, err
	}
	rep := &Report{Encoding: enc, Separator: string(comma), Rows: len(rows), Problems: problems, Duplicates: []Duplicate{}, DryRun: opts.DryRun}
	err = s.db.Transact(ctx, func(tx *store.Tx) error {
		// A retried transaction starts its report again.
		*rep = Report{Encoding: enc, Separator: string(comma), Rows: len(rows), Problems: append([]Problem(nil), problems...),
			Duplicates: []Duplicate{}, DryRun: opts.DryRun}
		if actor.System {
			o, err := tx.Organization(ctx, opts.Org)
			if errors.Is(err, store.ErrNoRows) || opts.Org == "" {
				return parcours.FieldError(parcours.EInvalid, "org", "error.import_org_unknown")
			}
			if err != nil {
				return err
			}
			actor.OrgID = o.ID
		}
		r := &run{tx: tx, actor: actor, rep: rep, cols: cols, households: map[string]string{}, seen: map[string]int{}}
		for i, rec := range rows {
			if err := r.row(ctx, rec); err != nil {
				return err
			}
			if opts.Progress != nil && (i%200 == 199 || i == len(rows)-1) {
				opts.Progress(i+1, len(rows))
			}
		}
		if opts.DryRun || len(rep.Problems) > 0 {
			return errRollback
		}
		ev := audit.For(actor, "person.import", "import", "", "")
		tx.Audit(ev)
		rep.Applied = true
		return nil
	})
	if err != nil && !errors.Is(err, errRollback) {
		return nil, err
	}
	return rep, nil
}

// run is the state of one import transaction.
type run struct {
	tx    *store.Tx
	actor parcours.Actor
	rep   *Report
	cols  map[string]int
	// households created or found in this run, by source key
	households map[string]string
	// stable keys seen in this file, with their line
	seen map[string]int
}

func (r *run) cell(rec record, field string) string {
	i, ok := r.cols[field]
	if !ok || i >= len(rec.cells) {
		return ""
	}
	return strings.TrimSpace(rec.cells[i])
}

func (r *run) problem(line int, field, key string, args ...any) {
	r.rep.Problems = append(r.rep.Problems, Problem{Line: line, Field: field, Key: key, Args: args})
}

// row checks one row and, when it is good and new, writes it.
func (r *run) row(ctx context.Context, rec record) error {
	bad := false
	// Formula injection: a cell a spreadsheet would run. A phone number
	// may start with + (international form) and nothing else may.
	for field, i := range r.cols {
		if i >= len(rec.cells) {
			continue
		}
		v := strings.TrimSpace(rec.cells[i])
		if csvsafe.Risky(v) && !(field == "phone" && isPhone(v)) {
			r.problem(rec.line, field, "error.import_formula", "field."+field)
			bad = true
		}
	}
	if bad {
		return nil
	}
	p := &parcours.Person{OrgID: r.actor.OrgID, BirthName: r.cell(rec, "birth_name"), UsageName: r.cell(rec, "usage_name"),
		FirstNames: r.cell(rec, "first_names"), BirthPlace: r.cell(rec, "birth_place"), Phone: r.cell(rec, "phone"),
		Email: r.cell(rec, "email"), NIR: parcours.NormalizeNIR(r.cell(rec, "nir")), CAFNumber: r.cell(rec, "caf_number"),
		Address: parcours.Address{Line1: r.cell(rec, "address_line1"), Line2: r.cell(rec, "address_line2"),
			PostalCode: r.cell(rec, "postal_code"), City: r.cell(rec, "city")}}
	if d := r.cell(rec, "birth_date"); d != "" {
		iso, ok := frenchDate(d)
		if !ok {
			r.problem(rec.line, "birth_date", "error.import_date", "field.birth_date")
			return nil
		}
		p.BirthDate = iso
	}
	sex, ok := parseSex(r.cell(rec, "sex"))
	if !ok {
		r.problem(rec.line, "sex", "error.import_sex")
		return nil
	}
	p.Sex = sex
	rel, ok := parseRelationship(r.cell(rec, "relationship"))
	if !ok {
		r.problem(rec.line, "relationship", "error.import_relationship")
		return nil
	}
	if err := person.Validate(p, r.tx.Now()); err != nil {
		e := parcours.AsError(err)
		if e == nil {
			return err
		}
		for _, f := range append([]*parcours.Error{e}, e.Fields[min(1, len(e.Fields)):]...) {
			r.problem(rec.line, f.Field, f.Key, f.Args...)
		}
		return nil
	}
	key := r.cell(rec, "external_id")
	if key != "" {
		key = "x:" + key
	} else {
		key = "h:" + identityHash(p)
	}
	if first, dup := r.seen[key]; dup {
		r.problem(rec.line, "", "error.import_same_row_twice", first)
		return nil
	}
	r.seen[key] = rec.line
	if _, err := r.tx.ImportKey(ctx, r.actor.OrgID, "person", key); err == nil {
		r.rep.AlreadyImported++
		return nil
	} else if !errors.Is(err, store.ErrNoRows) {
		return err
	}
	dups, err := search.Duplicates(ctx, r.tx, r.actor, p)
	if err != nil {
		return err
	}
	if len(dups) > 0 {
		r.rep.Duplicates = append(r.rep.Duplicates, Duplicate{Line: rec.line, Candidates: dups})
		return nil
	}
	// Written even when earlier rows had problems (all is rolled back
	// then): later rows are checked against earlier ones, as they would
	// be once the file is fixed.
	return r.write(ctx, rec, p, rel, key)
}

func (r *run) write(ctx context.Context, rec record, p *parcours.Person, rel parcours.Relationship, key string) error {
	if err := r.tx.InsertPerson(ctx, p, ""); err != nil {
		return err
	}
	if err := search.IndexPerson(ctx, r.tx, p); err != nil {
		return err
	}
	if err := r.tx.InsertImportKey(ctx, r.actor.OrgID, "person", key, p.ID); err != nil {
		return err
	}
	r.tx.Audit(audit.For(r.actor, "person.create", "person", p.ID, p.ID))
	r.rep.Created++
	hkey := r.cell(rec, "household")
	if hkey == "" {
		return nil
	}
	hid, created, err := r.household(ctx, hkey, r.cell(rec, "household_name"), p)
	if err != nil {
		return err
	}
	if rel == "" {
		rel = parcours.RelOther
		if created {
			rel = parcours.RelReference
		}
	}
	if err := r.tx.SetHouseholdMember(ctx, p.ID, hid, rel); err != nil {
		return err
	}
	r.tx.Audit(audit.For(r.actor, "household.member.add", "household", hid, p.ID))
	return nil
}

// household finds the household of source key hkey (imported now or
// before) or creates it.
func (r *run) household(ctx context.Context, hkey, name string, first *parcours.Person) (string, bool, error) {
	if id, ok := r.households[hkey]; ok {
		return id, false, nil
	}
	id, err := r.tx.ImportKey(ctx, r.actor.OrgID, "household", hkey)
	if err == nil {
		r.households[hkey] = id
		return id, false, nil
	}
	if !errors.Is(err, store.ErrNoRows) {
		return "", false, err
	}
	if name == "" {
		name = "Foyer " + first.BirthName
	}
	h := &parcours.Household{OrgID: r.actor.OrgID, Name: name}
	if err := r.tx.InsertHousehold(ctx, h); err != nil {
		return "", false, err
	}
	if err := r.tx.InsertImportKey(ctx, r.actor.OrgID, "household", hkey, h.ID); err != nil {
		return "", false, err
	}
	r.tx.Audit(audit.For(r.actor, "household.create", "household", h.ID, ""))
	r.households[hkey] = h.ID
	r.rep.Households++
	return h.ID, true, nil
}

// identityHash is the stable key of a row without an external id: its
// folded names and birth date, so that the same row imported again, even
// re-saved with other accents or case, is recognised.
func identityHash(p *parcours.Person) string {
	k := strings.Join([]string{strings.Join(namekey.Words(p.BirthName), " "), strings.Join(namekey.Words(p.UsageName), " "),
		strings.Join(namekey.Words(p.FirstNames), " "), p.BirthDate}, "|")
	sum := sha256.Sum256([]byte(k))
	return hex.EncodeToString(sum[:16])
}

// frenchDate reads dd/mm/yyyy (or d/m/yyyy, with / . or -) and also
// accepts yyyy-mm-dd; it returns yyyy-mm-dd.
func frenchDate(s string) (string, bool) {
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t.Format(time.DateOnly), true
	}
	for _, layout := range []string{"02/01/2006", "2/1/2006", "02.01.2006", "02-01-2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.Format(time.DateOnly), true
		}
	}
	return "", false
}

func parseSex(s string) (parcours.Sex, bool) {
	switch strings.Join(namekey.Words(s), " ") {
	case "f", "femme", "feminin", "mme", "madame", "female":
		return parcours.SexFemale, true
	case "m", "h", "homme", "masculin", "m.", "monsieur", "male":
		return parcours.SexMale, true
	case "", "x", "inconnu", "non precise", "autre":
		return parcours.SexUnknown, true
	}
	return "", false
}

func parseRelationship(s string) (parcours.Relationship, bool) {
	k := strings.Join(namekey.Words(s), "_")
	switch k {
	case "":
		return "", true
	case "reference", "demandeur", "demandeuse", "chef_de_famille", "personne_de_reference":
		return parcours.RelReference, true
	case "conjoint", "conjointe", "epoux", "epouse", "concubin", "concubine", "partenaire":
		return parcours.RelSpouse, true
	case "enfant", "fils", "fille", "enfant_a_charge":
		return parcours.RelChild, true
	}
	rel := parcours.Relationship(k)
	return rel, rel.Valid()
}

func isPhone(v string) bool {
	return strings.Trim(v, "+0123456789 .()") == "" && strings.HasPrefix(v, "+")
}
