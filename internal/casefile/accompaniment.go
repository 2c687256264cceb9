package casefile

import (
	"context"
	"regexp"
	"strings"

	"parcours/internal/access"
	"parcours/internal/audit"
	"parcours/internal/file"
	"parcours/internal/parcours"
	"parcours/internal/referral"
	"parcours/internal/store"
)

// GoalInput is a new goal, or the change of one (nil fields unchanged).
type GoalInput struct {
	Title      *string `json:"title"`
	Status     *string `json:"status"`
	TargetDate *string `json:"target_date"`
}

// AccompanimentInput opens an accompaniment. Referent defaults to the
// actor, team to the referent's first team, start date to today.
type AccompanimentInput struct {
	Kind       string      `json:"kind"`
	TeamID     string      `json:"team_id"`
	ReferentID string      `json:"referent_id"`
	StartDate  string      `json:"start_date"`
	Goals      []GoalInput `json:"goals"`
	// Household makes the accompaniment cover the person's whole
	// household (accompagnement du foyer).
	Household bool `json:"household"`
}

// EndInput ends an accompaniment.
type EndInput struct {
	EndDate         string `json:"end_date"`
	EndReason       string `json:"end_reason"`
	ProofDocumentID string `json:"proof_document_id"`
}

// kinds returns the organisation's catalogue, the defaults until it is
// first edited.
func kinds(ctx context.Context, tx *store.Tx, orgID string) ([]parcours.AccompanimentKind, error) {
	ks, err := tx.AccompanimentKinds(ctx, orgID)
	return withDefaultKinds(ks), err
}

// withDefaultKinds is the catalogue ks, or the defaults while it was never
// written.
func withDefaultKinds(ks []parcours.AccompanimentKind) []parcours.AccompanimentKind {
	if len(ks) > 0 {
		return ks
	}
	ks = make([]parcours.AccompanimentKind, len(parcours.DefaultAccompanimentKinds))
	for i, k := range parcours.DefaultAccompanimentKinds {
		k.Active = true
		ks[i] = k
	}
	return ks
}

// Kinds returns the catalogue of accompaniment kinds of the actor's
// organisation.
func (s *Service) Kinds(ctx context.Context, actor parcours.Actor) ([]parcours.AccompanimentKind, error) {
	// Those who open accompaniments and those who edit the catalogue
	// (admins, who accompany no one) read it.
	if !access.Allowed(actor, access.AccompanimentKinds, access.Target{}) {
		if err := access.Check(actor, access.AccompanimentRead, access.Target{}); err != nil {
			return nil, err
		}
	}
	var out []parcours.AccompanimentKind
	err := s.db.View(ctx, func(tx *store.Tx) error {
		var err error
		out, err = kinds(ctx, tx, actor.OrgID)
		return err
	})
	return out, err
}

var kindCode = regexp.MustCompile(`^[a-z0-9_]{2,40}$`)

// PutKind adds a kind to the organisation's catalogue or changes the
// label or activity of one. The first edit copies the defaults in.
func (s *Service) PutKind(ctx context.Context, actor parcours.Actor, k parcours.AccompanimentKind) (*parcours.AccompanimentKind, error) {
	if err := access.Check(actor, access.AccompanimentKinds, access.Target{}); err != nil {
		return nil, err
	}
	k.Code, k.Label = strings.TrimSpace(k.Code), strings.TrimSpace(k.Label)
	v := parcours.Problems{Labels: labels}
	if !kindCode.MatchString(k.Code) {
		v.Add("code", "error.casefile.kind_code")
	}
	v.Required("label", k.Label, 100)
	if err := v.Err(); err != nil {
		return nil, err
	}
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		stored, err := tx.AccompanimentKinds(ctx, actor.OrgID)
		if err != nil {
			return err
		}
		if len(stored) == 0 {
			for _, d := range parcours.DefaultAccompanimentKinds {
				d.Active = true
				if err := tx.PutAccompanimentKind(ctx, actor.OrgID, d); err != nil {
					return err
				}
			}
		}
		if err := tx.PutAccompanimentKind(ctx, actor.OrgID, k); err != nil {
			return err
		}
		tx.Audit(audit.For(actor, "accompaniment_kind.put", "accompaniment_kind", k.Code, ""))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &k, nil
}

// CreateAccompaniment opens an accompaniment of a person.
func (s *Service) CreateAccompaniment(ctx context.Context, actor parcours.Actor, personID string, in AccompanimentInput) (*parcours.Accompaniment, error) {
	var a *parcours.Accompaniment
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		f, err := file.Open(ctx, tx, actor, access.AccompanimentWrite, personID)
		if err != nil {
			return err
		}
		todayDate := parcours.Today(tx.Now())
		a = &parcours.Accompaniment{OrgID: f.Person.OrgID, PersonID: f.Person.ID, Kind: strings.TrimSpace(in.Kind),
			TeamID: in.TeamID, ReferentID: in.ReferentID, StartDate: in.StartDate, CreatedBy: actor.WorkerID}
		if a.ReferentID == "" {
			a.ReferentID = actor.WorkerID
		}
		if a.StartDate == "" {
			a.StartDate = todayDate
		}
		v := parcours.Problems{Labels: labels}
		ks, err := kinds(ctx, tx, a.OrgID)
		if err != nil {
			return err
		}
		known := false
		for _, k := range ks {
			known = known || (k.Code == a.Kind && k.Active)
		}
		if a.Kind == "" {
			v.Add("kind", "error.field_required", label("kind"))
		} else if !known {
			v.Add("kind", "error.invalid_choice", label("kind"), a.Kind)
		}
		v.Date("start_date", a.StartDate, true, mustDate(todayDate))
		if in.Household {
			if f.Person.HouseholdID == "" {
				v.Add("household", "error.casefile.no_household")
			}
			a.HouseholdID = f.Person.HouseholdID
		}
		ref, err := caseWorker(ctx, tx, a.OrgID, a.ReferentID, "referent_id", "error.casefile.referent_unknown")
		if err != nil {
			if e := parcours.AsError(err); e != nil {
				v.Add(e.Field, e.Key)
			} else {
				return err
			}
		}
		if a.TeamID == "" && ref != nil && len(ref.TeamIDs) > 0 {
			a.TeamID = ref.TeamIDs[0]
		}
		if a.TeamID == "" {
			v.Add("team_id", "error.field_required", label("team_id"))
		} else if err := orgTeam(ctx, tx, a.OrgID, a.TeamID, "team_id"); err != nil {
			if e := parcours.AsError(err); e != nil {
				v.Add(e.Field, e.Key)
			} else {
				return err
			}
		}
		for _, g := range in.Goals {
			goal, err := newGoal(g, a.StartDate, "goal.")
			if err != nil {
				return err
			}
			a.Goals = append(a.Goals, *goal)
		}
		if err := v.Err(); err != nil {
			return err
		}
		if err := tx.InsertAccompaniment(ctx, a); err != nil {
			return err
		}
		f.Audit("accompaniment.create", "accompaniment", a.ID)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if a.Goals == nil {
		a.Goals = []parcours.Goal{}
	}
	return a, nil
}

// newGoal validates a new goal; prefix names its fields in errors
// ("goal." inside an accompaniment, "" alone).
func newGoal(in GoalInput, startDate, prefix string) (*parcours.Goal, error) {
	g := &parcours.Goal{Status: parcours.GoalOpen, StartDate: startDate}
	if in.Title != nil {
		g.Title = strings.TrimSpace(*in.Title)
	}
	if in.Status != nil {
		g.Status = *in.Status
	}
	if in.TargetDate != nil {
		g.TargetDate = *in.TargetDate
	}
	v := parcours.Problems{Labels: labels}
	v.Required(prefix+"title", g.Title, 300)
	v.Choice(prefix+"status", g.Status, parcours.GoalStatuses, true)
	v.Date(prefix+"target_date", g.TargetDate, false, mustDate("9999-12-31"))
	if g.Status != parcours.GoalOpen {
		g.ClosedDate = startDate
	}
	return g, v.Err()
}

// Accompaniments lists every accompaniment of a person, active first.
func (s *Service) Accompaniments(ctx context.Context, actor parcours.Actor, personID, cursor string, limit int) (*parcours.Page[*parcours.Accompaniment], error) {
	after, err := parcours.DecodeCursor(cursor, 1)
	if err != nil {
		return nil, err
	}
	limit = clampLimit(limit)
	out := &parcours.Page[*parcours.Accompaniment]{Items: []*parcours.Accompaniment{}}
	err = s.db.View(ctx, func(tx *store.Tx) error {
		f, err := file.Open(ctx, tx, actor, access.AccompanimentRead, personID)
		if err != nil {
			return err
		}
		all, err := f.Accompaniments(ctx)
		if err != nil {
			return err
		}
		// A person has a handful of accompaniments: they are loaded whole
		// (with the file, then goals and referents in one query) and paged
		// here by position.
		start := 0
		if after != nil {
			for i, a := range all {
				if a.ID == after[0] {
					start = i + 1
				}
			}
		}
		for i := start; i < len(all) && len(out.Items) < limit; i++ {
			out.Items = append(out.Items, redactAccompaniment(actor, all[i]))
		}
		if start+limit < len(all) {
			out.NextCursor = parcours.EncodeCursor([]string{out.Items[len(out.Items)-1].ID})
		}
		f.Audit("accompaniment.list", "person", f.Person.ID)
		return nil
	})
	return out, err
}

// redactAccompaniment leaves the front desk only who accompanies the
// person: goals are for the people accompanying them.
func redactAccompaniment(actor parcours.Actor, a *parcours.Accompaniment) *parcours.Accompaniment {
	if actor.System || actor.Role != parcours.RoleReception {
		return a
	}
	c := *a
	c.Goals = []parcours.Goal{}
	return &c
}

// accompaniment loads an accompaniment and its file, checking act.
func (s *Service) accompaniment(ctx context.Context, tx *store.Tx, actor parcours.Actor, act access.Action, id string) (*parcours.Accompaniment, *file.File, error) {
	f, a, err := file.OpenAccompaniment(ctx, tx, actor, act, id)
	return a, f, err
}

// EndAccompaniment ends an accompaniment with a reason from the list and,
// optionally, a proof document of the same person.
func (s *Service) EndAccompaniment(ctx context.Context, actor parcours.Actor, id string, in EndInput) (*parcours.Accompaniment, error) {
	var a *parcours.Accompaniment
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		var err error
		var f *file.File
		if a, f, err = s.accompaniment(ctx, tx, actor, access.AccompanimentWrite, id); err != nil {
			return err
		}
		todayDate := parcours.Today(tx.Now())
		if in.EndDate == "" {
			in.EndDate = todayDate
		}
		v := parcours.Problems{Labels: labels}
		v.Date("end_date", in.EndDate, true, mustDate(todayDate))
		if in.EndDate != "" && in.EndDate < a.StartDate {
			v.Add("end_date", "error.casefile.end_before_start")
		}
		if in.EndReason == "" {
			v.Add("end_reason", "error.casefile.end_reason_required")
		} else {
			v.Choice("end_reason", in.EndReason, parcours.EndReasons, true)
		}
		if in.ProofDocumentID != "" {
			d, err := f.Document(ctx, in.ProofDocumentID)
			if err != nil {
				return err
			}
			if d == nil {
				v.Add("proof_document_id", "error.casefile.document_unknown")
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		ok, err := tx.EndAccompaniment(ctx, a.ID, in.EndDate, in.EndReason, in.ProofDocumentID)
		if err != nil {
			return err
		}
		if !ok {
			return parcours.Errorf(parcours.EConflict, "error.casefile.already_ended")
		}
		f.AuditAbout("accompaniment.end", "accompaniment", a.ID, a.PersonID)
		// The follow-up a receiving organisation opened on accepting a
		// referral: its end ends the referral's share at once.
		if r, err := referral.EndFollowUp(ctx, tx, actor, a.ID); err != nil {
			return err
		} else if r != nil {
			f.AuditAbout("referral.end", "referral", r.ID, a.PersonID)
		}
		a, err = f.Reload(ctx, a)
		return err
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// AddGoal adds a goal to an accompaniment.
func (s *Service) AddGoal(ctx context.Context, actor parcours.Actor, accompanimentID string, in GoalInput) (*parcours.Goal, error) {
	var g *parcours.Goal
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		a, f, err := s.accompaniment(ctx, tx, actor, access.AccompanimentWrite, accompanimentID)
		if err != nil {
			return err
		}
		if !a.Active() {
			return parcours.Errorf(parcours.EConflict, "error.casefile.already_ended")
		}
		if g, err = newGoal(in, parcours.Today(tx.Now()), ""); err != nil {
			return err
		}
		g.AccompanimentID = a.ID
		if err := tx.InsertGoal(ctx, g); err != nil {
			return err
		}
		f.AuditAbout("goal.create", "goal", g.ID, a.PersonID)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return g, nil
}

// UpdateGoal changes a goal's status, title or target date. Closing it
// (achieved, abandoned) records today as its closing date.
func (s *Service) UpdateGoal(ctx context.Context, actor parcours.Actor, goalID string, in GoalInput) (*parcours.Goal, error) {
	var g *parcours.Goal
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		f, a, g0, err := file.OpenGoal(ctx, tx, actor, access.AccompanimentWrite, goalID)
		if err != nil {
			return err
		}
		g = g0
		if in.Title != nil {
			g.Title = strings.TrimSpace(*in.Title)
		}
		if in.TargetDate != nil {
			g.TargetDate = *in.TargetDate
		}
		if in.Status != nil && *in.Status != g.Status {
			g.Status = *in.Status
			g.ClosedDate = ""
			if g.Status != parcours.GoalOpen {
				g.ClosedDate = parcours.Today(tx.Now())
			}
		}
		v := parcours.Problems{Labels: labels}
		v.Required("title", g.Title, 300)
		v.Choice("status", g.Status, parcours.GoalStatuses, true)
		v.Date("target_date", g.TargetDate, false, mustDate("9999-12-31"))
		if err := v.Err(); err != nil {
			return err
		}
		if err := tx.UpdateGoal(ctx, g); err != nil {
			return err
		}
		f.AuditAbout("goal.update", "goal", g.ID, a.PersonID)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return g, nil
}
