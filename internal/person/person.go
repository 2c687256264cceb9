// Package person manages persons (usagers) and their households: identity,
// contact, household composition and the history of the household's
// situation. Every method takes the acting worker, asks package access
// whether the action is allowed and audits what it reads or writes.
package person

import (
	"context"
	"strings"
	"time"

	"parcours/internal/access"
	"parcours/internal/audit"
	"parcours/internal/file"
	"parcours/internal/parcours"
	"parcours/internal/search"
	"parcours/internal/store"
)

// Service is the person and household service.
type Service struct {
	db *store.DB
}

// New returns a Service on db.
func New(db *store.DB) *Service { return &Service{db: db} }

// Input is the body of a create or a partial update. Nil fields are left
// unchanged by an update; a create requires the identity fields.
type Input struct {
	BirthName    *string                `json:"birth_name"`
	UsageName    *string                `json:"usage_name"`
	FirstNames   *string                `json:"first_names"`
	BirthDate    *string                `json:"birth_date"`
	BirthPlace   *string                `json:"birth_place"`
	Sex          *parcours.Sex          `json:"sex"`
	Phone        *string                `json:"phone"`
	Email        *string                `json:"email"`
	Address      *parcours.Address      `json:"address"`
	NIR          *string                `json:"nir"`
	CAFNumber    *string                `json:"caf_number"`
	HouseholdID  *string                `json:"household_id"`
	Relationship *parcours.Relationship `json:"relationship"`
	// Version, on update, must equal the stored version when given.
	Version *int `json:"version"`
	// Force creates the person even though likely duplicates exist (the
	// worker saw them and decided); without it Create answers a conflict
	// listing them.
	Force bool `json:"force,omitempty"`
	// NotDuplicateReason, with Force, says why the likely duplicates are
	// not the same person; it is recorded against each of them. The
	// page requires it; the API records it when given.
	NotDuplicateReason string `json:"not_duplicate_reason,omitempty"`
	// RequireReason (pages) refuses Force without a reason while likely
	// duplicates exist, listing them again.
	RequireReason bool `json:"-"`
}

func (in *Input) apply(p *parcours.Person) {
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = strings.TrimSpace(*src)
		}
	}
	set(&p.BirthName, in.BirthName)
	set(&p.UsageName, in.UsageName)
	set(&p.FirstNames, in.FirstNames)
	set(&p.BirthDate, in.BirthDate)
	set(&p.BirthPlace, in.BirthPlace)
	set(&p.Phone, in.Phone)
	set(&p.Email, in.Email)
	set(&p.CAFNumber, in.CAFNumber)
	if in.NIR != nil {
		p.NIR = parcours.NormalizeNIR(*in.NIR)
	}
	if in.Sex != nil {
		p.Sex = *in.Sex
	}
	if in.Address != nil {
		a := *in.Address
		p.Address = parcours.Address{Line1: strings.TrimSpace(a.Line1), Line2: strings.TrimSpace(a.Line2),
			PostalCode: strings.TrimSpace(a.PostalCode), City: strings.TrimSpace(a.City)}
	}
}

// validate checks a whole person; today is the server's date.
func validate(p *parcours.Person, today time.Time) error {
	var v parcours.Problems
	v.Required("birth_name", p.BirthName, 100)
	v.MaxLen("usage_name", p.UsageName, 100)
	v.Required("first_names", p.FirstNames, 150)
	v.Date("birth_date", p.BirthDate, true, today)
	if p.BirthDate != "" {
		if d, err := parcours.ParseDate(p.BirthDate); err == nil && d.Year() < 1890 {
			v.Add("birth_date", "error.invalid_date", "field.birth_date")
		}
	}
	v.MaxLen("birth_place", p.BirthPlace, 100)
	if !p.Sex.Valid() {
		v.Add("sex", "error.invalid_choice", "field.sex", string(p.Sex))
	}
	v.MaxLen("phone", p.Phone, 30)
	v.Email("email", p.Email, false)
	v.MaxLen("address.line1", p.Address.Line1, 200)
	v.MaxLen("address.line2", p.Address.Line2, 200)
	v.MaxLen("address.city", p.Address.City, 100)
	if pc := p.Address.PostalCode; pc != "" && (len(pc) != 5 || strings.Trim(pc, "0123456789") != "") {
		v.Add("address.postal_code", "error.invalid_postal_code")
	}
	if p.NIR != "" && !parcours.ValidNIR(p.NIR) {
		v.Add("nir", "error.invalid_nir")
	}
	v.MaxLen("caf_number", p.CAFNumber, 20)
	if p.CAFNumber != "" && strings.Trim(p.CAFNumber, "0123456789") != "" {
		v.Add("caf_number", "error.invalid_caf_number")
	}
	return v.Err()
}

// Validate checks a whole person as Create and Update do, now being the
// current instant; the CSV import uses it so that imported persons obey
// the same rules as typed ones.
func Validate(p *parcours.Person, now time.Time) error { return validate(p, today(now)) }

// today is the current date in France, where the workers are.
func today(now time.Time) time.Time {
	d, _ := parcours.ParseDate(parcours.Today(now))
	return d
}

// CheckCreate tells whether the actor may record a person, so that a page
// refuses the form before it is filled in.
func (s *Service) CheckCreate(actor parcours.Actor) error {
	return access.Check(actor, access.PersonCreate, access.Target{})
}

// Create records a new person in the actor's organisation.
func (s *Service) Create(ctx context.Context, actor parcours.Actor, in Input) (*parcours.Person, error) {
	if err := access.Check(actor, access.PersonCreate, access.Target{}); err != nil {
		return nil, err
	}
	p := &parcours.Person{OrgID: actor.OrgID, Sex: parcours.SexUnknown}
	in.apply(p)
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		if err := validate(p, today(tx.Now())); err != nil {
			return err
		}
		rel, err := s.checkHousehold(ctx, tx, actor, in)
		if err != nil {
			return err
		}
		if in.HouseholdID != nil {
			p.HouseholdID = *in.HouseholdID
		}
		reason := strings.TrimSpace(in.NotDuplicateReason)
		if len([]rune(reason)) > 1000 {
			return parcours.FieldError(parcours.EInvalid, "not_duplicate_reason", "error.field_too_long", "field.not_duplicate_reason", 1000)
		}
		var dismissed []string
		if !in.Force || reason != "" || in.RequireReason {
			dups, err := search.Duplicates(ctx, tx, actor, p)
			if err != nil {
				return err
			}
			if len(dups) > 0 && !in.Force {
				return &parcours.Error{Code: parcours.EConflict, Key: "error.likely_duplicates",
					Details: map[string]any{"candidates": dups}}
			}
			if len(dups) > 0 && reason == "" && in.RequireReason {
				return &parcours.Error{Code: parcours.EInvalid, Key: "error.field_required", Args: []any{"field.not_duplicate_reason"},
					Field: "not_duplicate_reason", Details: map[string]any{"candidates": dups}}
			}
			for _, d := range dups {
				dismissed = append(dismissed, d.ID)
			}
		}
		if err := tx.InsertPerson(ctx, p, rel); err != nil {
			return err
		}
		if len(dismissed) > 0 && !actor.System {
			// « Ce n'est pas la même personne »: why, against each
			// candidate shown, for whoever later reviews a merge.
			if err := tx.RecordNotDuplicates(ctx, p.ID, dismissed, reason, actor.WorkerID); err != nil {
				return err
			}
			tx.Audit(audit.For(actor, "person.not_duplicate", "person", p.ID, p.ID))
		}
		if !actor.System {
			// Until an accompaniment exists, the worker who recorded the
			// person (and their teams) follow them (access/need.go).
			if err := tx.RecordRecorder(ctx, p.ID, actor.WorkerID); err != nil {
				return err
			}
		}
		if err := search.IndexPerson(ctx, tx, p); err != nil {
			return err
		}
		tx.Audit(audit.For(actor, "person.create", "person", p.ID, p.ID))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return redact(actor, p), nil
}

// checkHousehold validates the household part of an input: the household
// must be visible to the actor and the relationship known.
func (s *Service) checkHousehold(ctx context.Context, tx *store.Tx, actor parcours.Actor, in Input) (parcours.Relationship, error) {
	if in.HouseholdID == nil || *in.HouseholdID == "" {
		if in.Relationship != nil && *in.Relationship != "" {
			// A relationship says how the person relates to a household's
			// reference person: without a household it would be dropped.
			return "", parcours.FieldError(parcours.EInvalid, "relationship", "error.relationship_without_household")
		}
		return "", nil
	}
	// Joining a household links the person to its members' files (a
	// household accompaniment covers them; HouseholdRelation merges the
	// members' relations): the actor must be allowed to change the
	// household itself, which a break-glass never allows.
	_, err := file.OpenHousehold(ctx, tx, actor, access.HouseholdUpdate, *in.HouseholdID)
	if parcours.ErrorCode(err) == parcours.ENotFound {
		return "", parcours.FieldError(parcours.EInvalid, "household_id", "error.household_unknown")
	}
	if err != nil {
		return "", err
	}
	rel := parcours.RelOther
	if in.Relationship != nil {
		rel = *in.Relationship
	}
	if !rel.Valid() {
		return "", parcours.FieldError(parcours.EInvalid, "relationship", "error.invalid_choice", "field.relationship", string(rel))
	}
	return rel, nil
}

// load opens the person's file through the door if the actor may do act
// on it (need-to-know: referent, team, break-glass, objections).
func (s *Service) load(ctx context.Context, tx *store.Tx, actor parcours.Actor, act access.Action, id string) (*file.File, error) {
	return file.Open(ctx, tx, actor, act, id)
}

// redactFile is redact plus the relation: the social-security number is
// for the referent and the team, not for a break-glass access.
func redactFile(actor parcours.Actor, rel *parcours.Relation, p *parcours.Person) *parcours.Person {
	p = redact(actor, p)
	if p.NIR != "" && !access.Sees(actor, access.SensitiveRead, rel) {
		c := *p
		c.NIR = ""
		return &c
	}
	return p
}

// Get returns a person's identity and contact, audited as a read.
func (s *Service) Get(ctx context.Context, actor parcours.Actor, id string) (*parcours.Person, error) {
	return s.read(ctx, actor, access.PersonRead, id)
}

// GetForUpdate returns a person the actor may change, for an edit form:
// a role that may only read the person is refused before seeing the form.
// It is audited as a read.
func (s *Service) GetForUpdate(ctx context.Context, actor parcours.Actor, id string) (*parcours.Person, error) {
	return s.read(ctx, actor, access.PersonUpdate, id)
}

// read returns the person if the actor may do act on it, redacted for the
// actor's relation, and audits the read.
func (s *Service) read(ctx context.Context, actor parcours.Actor, act access.Action, id string) (*parcours.Person, error) {
	var p *parcours.Person
	var rel *parcours.Relation
	err := s.db.View(ctx, func(tx *store.Tx) error {
		f, err := s.load(ctx, tx, actor, act, id)
		if err != nil {
			return err
		}
		p, rel = f.Person, f.Rel
		f.Audit("person.read", "person", p.ID)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return redactFile(actor, rel, p), nil
}

// Update applies a partial update. When in.Version is given and the person
// changed meanwhile, it fails with a conflict instead of losing an update.
func (s *Service) Update(ctx context.Context, actor parcours.Actor, id string, in Input) (*parcours.Person, error) {
	if in.HouseholdID != nil || in.Relationship != nil {
		return nil, parcours.FieldError(parcours.EInvalid, "household_id", "error.household_via_household")
	}
	var p *parcours.Person
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		f, err := s.load(ctx, tx, actor, access.PersonUpdate, id)
		if err != nil {
			return err
		}
		p = f.Person
		if in.Version != nil && *in.Version != p.Version {
			return parcours.Errorf(parcours.EConflict, "error.version_conflict")
		}
		in.apply(p)
		if err := validate(p, today(tx.Now())); err != nil {
			return err
		}
		ok, err := tx.UpdatePerson(ctx, p)
		if err != nil {
			return err
		}
		if !ok {
			return parcours.Errorf(parcours.EConflict, "error.version_conflict")
		}
		if f.Into == "" { // a merged duplicate stays out of the index
			if err := search.IndexPerson(ctx, tx, p); err != nil {
				return err
			}
		}
		f.Audit("person.update", "person", p.ID)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return redact(actor, p), nil
}

// List returns a page of the persons of the actor's organisation, by name.
// Listing is a read of identities: it is audited once per page with no
// person attached.
func (s *Service) List(ctx context.Context, actor parcours.Actor, cursor string, limit int) (*parcours.Page[*parcours.Person], error) {
	if err := access.Check(actor, access.PersonFind, access.Target{}); err != nil {
		return nil, err
	}
	after, err := parcours.DecodeCursor(cursor, 3)
	if err != nil {
		return nil, err
	}
	limit = clampLimit(limit)
	out := &parcours.Page[*parcours.Person]{Items: []*parcours.Person{}}
	err = s.db.View(ctx, func(tx *store.Tx) error {
		// The record names no person and does not depend on the page: it
		// is written while the page is read (on PostgreSQL its commit, a
		// flush to disk, took as long again after it), and the list is
		// answered once it is durable, as any read.
		tx.AuditAhead(ctx, audit.For(actor, "person.list", "person", "", ""))
		page, err := tx.ListPersons(ctx, actor.OrgID, after, limit)
		if err != nil {
			return err
		}
		// The persons were just read for this answer and nothing else
		// holds them: cleared in place rather than copied (50 copies of a
		// person per page, issue 17).
		out.Items = page.Items
		if out.Items == nil {
			out.Items = []*parcours.Person{}
		}
		for _, p := range out.Items {
			identityOnly(p)
		}
		out.NextCursor = parcours.EncodeCursor(page.After)
		return nil
	})
	return out, err
}

// identityOnly keeps what finding a person needs: a list of the whole
// organisation is for avoiding duplicates, and contact and numbers are for
// those who follow the person (access/need.go).
func identityOnly(p *parcours.Person) {
	p.Phone, p.Email, p.Address, p.NIR, p.CAFNumber = "", "", parcours.Address{}, "", ""
}

// clampLimit keeps page sizes between 1 and 200, 50 by default.
func clampLimit(n int) int {
	switch {
	case n <= 0:
		return 50
	case n > 200:
		return 200
	}
	return n
}

// redact hides what the actor's role may not see. The social-security
// number is for the people accompanying the person, not the front desk or
// account administrators.
func redact(actor parcours.Actor, p *parcours.Person) *parcours.Person {
	if SeesNIR(actor) {
		return p
	}
	c := *p
	c.NIR = ""
	if actor.Role == parcours.RoleAdmin {
		c.Phone, c.Email, c.Address, c.CAFNumber = "", "", parcours.Address{}, ""
	}
	return &c
}

// SeesNIR reports whether the actor's role may see (and so type) a
// social-security number; pages use it to leave the field out.
func SeesNIR(actor parcours.Actor) bool {
	return actor.System || actor.Role == parcours.RoleWorker || actor.Role == parcours.RoleManager
}

// Can reports, for each of personIDs, whether the actor may do act on
// that person's file: the batch check a list asks before showing a
// button, so that it offers only what the service will accept. The files
// are opened through the door in one statement; nothing of them is shown,
// so nothing is audited.
func (s *Service) Can(ctx context.Context, actor parcours.Actor, act access.Action, personIDs []string) (map[string]bool, error) {
	out := make(map[string]bool, len(personIDs))
	if len(personIDs) == 0 {
		return out, nil
	}
	err := s.db.View(ctx, func(tx *store.Tx) error {
		files, err := file.OpenMany(ctx, tx, actor, personIDs, false)
		if err != nil {
			return err
		}
		for id, f := range files {
			out[id] = f.Can(act)
		}
		return nil
	})
	return out, err
}

// CanHousehold is Can for a household (its members' files).
func (s *Service) CanHousehold(ctx context.Context, actor parcours.Actor, act access.Action, householdID string) (bool, error) {
	var ok bool
	err := s.db.View(ctx, func(tx *store.Tx) error {
		hf, err := file.OpenHousehold(ctx, tx, actor, access.HouseholdRead, householdID)
		if err != nil {
			return err
		}
		ok = hf.Can(act)
		return nil
	})
	return ok, err
}
