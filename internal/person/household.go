package person

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"parcours/internal/access"
	"parcours/internal/audit"
	"parcours/internal/file"
	"parcours/internal/parcours"
	"parcours/internal/store"
)

// MemberInput places an existing person in a household.
type MemberInput struct {
	PersonID     string                `json:"person_id"`
	Relationship parcours.Relationship `json:"relationship"`
}

// SituationInput is a new situation of a household.
type SituationInput struct {
	Housing       string   `json:"housing"`
	IncomeSources []string `json:"income_sources"`
	Employment    string   `json:"employment"`
	MonthlyIncome int      `json:"monthly_income_eur"`
	Health        string   `json:"health"`
	ValidFrom     string   `json:"valid_from"`
}

// HouseholdInput is the body of a household creation.
type HouseholdInput struct {
	Name      string          `json:"name"`
	Members   []MemberInput   `json:"members"`
	Situation *SituationInput `json:"situation"`
}

// validate checks a situation. prefix is put before the field names
// ("situation." inside a household creation, "" on its own) so that the
// error names the input the client actually sent; the message names the
// field by its catalogue label.
func (in *SituationInput) validate(v *parcours.Problems, prefix string, today time.Time) {
	choice := func(field, val string, allowed []string, required bool) {
		if val == "" {
			if required {
				v.Add(prefix+field, "error.field_required", "field."+field)
			}
			return
		}
		if !slices.Contains(allowed, val) {
			v.Add(prefix+field, "error.invalid_choice", "field."+field, val)
		}
	}
	choice("housing", in.Housing, parcours.HousingKinds, true)
	choice("employment", in.Employment, parcours.EmploymentKinds, false)
	for _, src := range in.IncomeSources {
		choice("income_sources", src, parcours.IncomeKinds, true)
	}
	if in.MonthlyIncome < 0 || in.MonthlyIncome > 1_000_000 {
		v.Add(prefix+"monthly_income_eur", "error.invalid_amount", "field.monthly_income_eur")
	}
	if utf8.RuneCountInString(in.Health) > 2000 {
		v.Add(prefix+"health", "error.field_too_long", "field.health", 2000)
	}
	if in.ValidFrom == "" {
		in.ValidFrom = today.Format(time.DateOnly)
	}
	if d, err := parcours.ParseDate(in.ValidFrom); err != nil {
		v.Add(prefix+"valid_from", "error.invalid_date", "field.valid_from")
	} else if d.After(today) {
		v.Add(prefix+"valid_from", "error.date_in_future", "field.valid_from")
	}
}

// CheckCreateHousehold tells whether the actor may create a household,
// so that a page refuses the form before it is filled in.
func (s *Service) CheckCreateHousehold(actor parcours.Actor) error {
	return access.Check(actor, access.HouseholdCreate, access.Target{})
}

// CreateHousehold creates a household with its members and, optionally,
// its first situation.
func (s *Service) CreateHousehold(ctx context.Context, actor parcours.Actor, in HouseholdInput) (*parcours.Household, error) {
	if err := access.Check(actor, access.HouseholdCreate, access.Target{}); err != nil {
		return nil, err
	}
	h := &parcours.Household{OrgID: actor.OrgID, Name: strings.TrimSpace(in.Name)}
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		var v parcours.Problems
		if utf8.RuneCountInString(h.Name) > 150 {
			v.Add("name", "error.field_too_long", "field.household_name", 150)
		}
		seen := map[string]bool{}
		for i, m := range in.Members {
			field := fmt.Sprintf("members[%d].", i)
			if !m.Relationship.Valid() {
				v.Add(field+"relationship", "error.invalid_choice", "field.relationship", string(m.Relationship))
			}
			switch {
			case m.PersonID == "":
				v.Add(field+"person_id", "error.field_required", "field.person_id")
			case seen[m.PersonID]:
				v.Add(field+"person_id", "error.member_twice")
			default:
				if unknown, err := s.checkMember(ctx, tx, actor, m.PersonID); err != nil {
					return err
				} else if unknown {
					v.Add(field+"person_id", "error.person_unknown")
				}
			}
			seen[m.PersonID] = true
		}
		if in.Situation != nil {
			in.Situation.validate(&v, "situation.", today(tx.Now()))
		}
		if err := v.Err(); err != nil {
			return err
		}
		if err := tx.InsertHousehold(ctx, h); err != nil {
			return err
		}
		for _, m := range in.Members {
			if err := tx.SetHouseholdMember(ctx, m.PersonID, h.ID, m.Relationship); err != nil {
				return err
			}
			tx.Audit(audit.For(actor, "household.member.add", "household", h.ID, m.PersonID))
		}
		if in.Situation != nil {
			if _, err := s.insertSituation(ctx, tx, actor, h.ID, *in.Situation); err != nil {
				return err
			}
		}
		tx.Audit(audit.For(actor, "household.create", "household", h.ID, ""))
		var err error
		h, err = file.FindHousehold(ctx, tx, actor, h.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return redactHousehold(actor, h), nil
}

func (s *Service) insertSituation(ctx context.Context, tx *store.Tx, actor parcours.Actor, householdID string, in SituationInput) (*parcours.Situation, error) {
	sit := &parcours.Situation{HouseholdID: householdID, Housing: in.Housing, IncomeSources: in.IncomeSources,
		Employment: in.Employment, MonthlyIncome: in.MonthlyIncome, Health: strings.TrimSpace(in.Health),
		ValidFrom: in.ValidFrom, RecordedBy: actor.WorkerID}
	if err := tx.InsertSituation(ctx, sit); err != nil {
		return nil, err
	}
	tx.Audit(audit.For(actor, "situation.create", "situation", sit.ID, ""))
	return sit, nil
}

// RenameHousehold changes a household's name ("" for none).
func (s *Service) RenameHousehold(ctx context.Context, actor parcours.Actor, id, name string) (*parcours.Household, error) {
	name = strings.TrimSpace(name)
	var h *parcours.Household
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		hf, err := file.OpenHousehold(ctx, tx, actor, access.HouseholdUpdate, id)
		if err != nil {
			return err
		}
		h = hf.Household
		var v parcours.Problems
		if utf8.RuneCountInString(name) > 150 {
			v.Add("name", "error.field_too_long", "field.household_name", 150)
		}
		if err := v.Err(); err != nil {
			return err
		}
		if err := tx.RenameHousehold(ctx, h.ID, name); err != nil {
			return err
		}
		hf.Audit("household.update", "household", h.ID, "")
		h, err = hf.Reload(ctx)
		return err
	})
	if err != nil {
		return nil, err
	}
	return redactHousehold(actor, h), nil
}

// RecordSituation adds a new situation to a household and returns it; the
// previous ones stay in its history.
func (s *Service) RecordSituation(ctx context.Context, actor parcours.Actor, householdID string, in SituationInput) (*parcours.Situation, error) {
	var sit *parcours.Situation
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		hf, err := file.OpenHousehold(ctx, tx, actor, access.HouseholdUpdate, householdID)
		if err != nil {
			return err
		}
		h := hf.Household
		var v parcours.Problems
		in.validate(&v, "", today(tx.Now()))
		if err := v.Err(); err != nil {
			return err
		}
		sit, err = s.insertSituation(ctx, tx, actor, h.ID, in)
		return err
	})
	if err != nil {
		return nil, err
	}
	return redactSituation(actor, sit), nil
}

// SetMember moves a person of the actor's organisation into a household
// (out of the one they were in, if any).
func (s *Service) SetMember(ctx context.Context, actor parcours.Actor, householdID string, m MemberInput) (*parcours.Household, error) {
	var h *parcours.Household
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		hf, err := file.OpenHousehold(ctx, tx, actor, access.HouseholdUpdate, householdID)
		if err != nil {
			return err
		}
		h = hf.Household
		var v parcours.Problems
		if m.PersonID == "" {
			v.Add("person_id", "error.field_required", "field.person_id")
		} else if unknown, err := s.checkMember(ctx, tx, actor, m.PersonID); err != nil {
			return err
		} else if unknown {
			v.Add("person_id", "error.person_unknown")
		}
		if !m.Relationship.Valid() {
			v.Add("relationship", "error.invalid_choice", "field.relationship", string(m.Relationship))
		}
		if err := v.Err(); err != nil {
			return err
		}
		if err := tx.SetHouseholdMember(ctx, m.PersonID, h.ID, m.Relationship); err != nil {
			return err
		}
		hf.Audit("household.member.add", "household", h.ID, m.PersonID)
		h, err = hf.Reload(ctx)
		return err
	})
	if err != nil {
		return nil, err
	}
	return redactHousehold(actor, h), nil
}

// checkMember tells whether the actor may place person id in a household.
// A person absent or of another organisation is reported as unknown (a
// field problem that reveals neither); a person the actor may see but not
// change is refused as such.
func (s *Service) checkMember(ctx context.Context, tx *store.Tx, actor parcours.Actor, id string) (unknown bool, err error) {
	_, err = s.load(ctx, tx, actor, access.PersonUpdate, id)
	if parcours.ErrorCode(err) == parcours.ENotFound {
		return true, nil
	}
	return false, err
}

func withoutHealth(s *parcours.Situation) *parcours.Situation {
	c := *s
	c.Health = ""
	return &c
}

// GetHousehold returns a household with members and current situation.
func (s *Service) GetHousehold(ctx context.Context, actor parcours.Actor, id string) (*parcours.Household, error) {
	var h *parcours.Household
	var hides bool
	err := s.db.View(ctx, func(tx *store.Tx) error {
		hf, err := file.OpenHousehold(ctx, tx, actor, access.HouseholdRead, id)
		if err != nil {
			return err
		}
		h, hides = hf.Household, hf.HidesHealth()
		hf.Audit("household.read", "household", h.ID, "")
		return nil
	})
	if err != nil {
		return nil, err
	}
	h = redactHousehold(actor, h)
	if h.Situation != nil && hides {
		h.Situation = withoutHealth(h.Situation)
	}
	return h, nil
}

// SituationHistory returns every recorded situation of a household.
func (s *Service) SituationHistory(ctx context.Context, actor parcours.Actor, householdID string) ([]*parcours.Situation, error) {
	var out []*parcours.Situation
	var hides bool
	err := s.db.View(ctx, func(tx *store.Tx) error {
		hf, err := file.OpenHousehold(ctx, tx, actor, access.HouseholdRead, householdID)
		if err != nil {
			return err
		}
		if out, err = hf.SituationHistory(ctx); err != nil {
			return err
		}
		hides = hf.HidesHealth()
		hf.Audit("situation.history.read", "household", hf.Household.ID, "")
		return nil
	})
	if err != nil {
		return nil, err
	}
	items := make([]*parcours.Situation, len(out))
	for i, sit := range out {
		items[i] = redactSituation(actor, sit)
		if hides {
			items[i] = withoutHealth(items[i])
		}
	}
	return items, nil
}

// ListHouseholds returns a page of the actor's organisation's households.
func (s *Service) ListHouseholds(ctx context.Context, actor parcours.Actor, cursor string, limit int) (*parcours.Page[*parcours.Household], error) {
	if err := access.Check(actor, access.HouseholdRead, access.Target{}); err != nil {
		return nil, err
	}
	after, err := parcours.DecodeCursor(cursor, 1)
	if err != nil {
		return nil, err
	}
	afterID := ""
	if after != nil {
		afterID = after[0]
	}
	out := &parcours.Page[*parcours.Household]{Items: []*parcours.Household{}}
	err = s.db.View(ctx, func(tx *store.Tx) error {
		page, err := tx.ListHouseholds(ctx, actor.OrgID, afterID, clampLimit(limit))
		if err != nil {
			return err
		}
		for _, h := range page.Items {
			out.Items = append(out.Items, redactHousehold(actor, h))
		}
		if page.After != "" {
			out.NextCursor = parcours.EncodeCursor([]string{page.After})
		}
		tx.Audit(audit.For(actor, "household.list", "household", "", ""))
		return nil
	})
	return out, err
}

// redactHousehold hides the health note of the situation from roles that
// do not accompany the household.
func redactHousehold(actor parcours.Actor, h *parcours.Household) *parcours.Household {
	if h.Situation != nil {
		h.Situation = redactSituation(actor, h.Situation)
	}
	return h
}

func redactSituation(actor parcours.Actor, s *parcours.Situation) *parcours.Situation {
	if actor.System || actor.Role == parcours.RoleWorker || actor.Role == parcours.RoleManager {
		return s
	}
	c := *s
	c.Health = ""
	return &c
}
