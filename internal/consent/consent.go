// Package consent records that a person was informed of the processing of
// their data and of its sharing, and what they object to. The objections
// are enforced by package access, from the facts the door (package
// file) gathers; this package only keeps the record, audited like the rest of
// the file.
package consent

import (
	"context"
	"slices"
	"strings"
	"time"

	"parcours/internal/access"
	"parcours/internal/file"
	"parcours/internal/parcours"
	"parcours/internal/store"
)

// Service is the consent service.
type Service struct{ db *store.DB }

// New returns a Service on db.
func New(db *store.DB) *Service { return &Service{db: db} }

// Input is the body of a record: the whole current state, not a patch.
type Input struct {
	// InformedOn is the date the person was informed (YYYY-MM-DD).
	InformedOn string `json:"informed_on"`
	// Method is how: oral, written or signed_document.
	Method string `json:"method"`
	// DocumentID names the signed notice among the person's documents.
	DocumentID string   `json:"document_id"`
	Objections []string `json:"objections"`
}

// Get returns what was recorded about the person's information.
func (s *Service) Get(ctx context.Context, actor parcours.Actor, personID string) (*parcours.Consent, error) {
	var c *parcours.Consent
	err := s.db.View(ctx, func(tx *store.Tx) error {
		f, err := file.Open(ctx, tx, actor, access.ConsentRead, personID)
		if err != nil {
			return err
		}
		if c, err = f.Consent(ctx); err != nil {
			return err
		}
		f.Audit("consent.read", "consent", personID)
		return nil
	})
	return c, err
}

// Record replaces the record of the person's information and objections:
// the actor is the one who informed them.
func (s *Service) Record(ctx context.Context, actor parcours.Actor, personID string, in Input) (*parcours.Consent, error) {
	var c *parcours.Consent
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		f, err := file.Open(ctx, tx, actor, access.ConsentWrite, personID)
		if err != nil {
			return err
		}
		c = &parcours.Consent{PersonID: personID, InformedOn: strings.TrimSpace(in.InformedOn), Method: in.Method,
			DocumentID: strings.TrimSpace(in.DocumentID), InformedBy: actor.WorkerID, UpdatedBy: actor.WorkerID}
		objections, err := validate(c, in.Objections, tx.Now())
		if err != nil {
			return err
		}
		if c.DocumentID != "" {
			// The signed notice must be one of the person's documents.
			d, err := f.Document(ctx, c.DocumentID)
			if err != nil {
				return err
			}
			if d == nil {
				return parcours.FieldError(parcours.EInvalid, "document_id", "error.consent_document_unknown")
			}
		}
		c.Objections = objections
		c.Informed = true
		if err := tx.PutConsent(ctx, c); err != nil {
			return err
		}
		f.Audit("consent.update", "consent", personID)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// validate checks a record and returns its objections sorted and without
// repeats.
func validate(c *parcours.Consent, objections []string, now time.Time) ([]string, error) {
	var v parcours.Problems
	v.Date("informed_on", c.InformedOn, true, now.AddDate(0, 0, 1))
	if !slices.Contains(parcours.InformationMethods, c.Method) {
		if c.Method == "" {
			v.Add("method", "error.field_required", "field.method")
		} else {
			v.Add("method", "error.invalid_choice", "field.method", c.Method)
		}
	}
	v.MaxLen("document_id", c.DocumentID, 64)
	out := []string{}
	for _, o := range objections {
		if !parcours.ValidObjection(o) {
			v.Add("objections", "error.unknown_objection", o)
			continue
		}
		if !slices.Contains(out, o) {
			out = append(out, o)
		}
	}
	slices.Sort(out)
	return out, v.Err()
}
