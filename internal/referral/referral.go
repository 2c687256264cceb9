// Package referral is the orientation of a person from one organisation
// to a service of the directory (package servicedir): the reason, the
// extract of the file chosen field by field and entry by entry, the
// person's consent or the legal ground, the answer of the receiving
// service, its follow-up, reminders and statistics.
//
// The extract is shared through the door (package file) and decided by
// the policy (package access, referral.go): this package never reads a
// file otherwise, and never decides who may see what.
package referral

import (
	"context"
	"errors"
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

// DefaultExpiry is how long a referral waits for an answer before it
// expires (and its share ends).
const DefaultExpiry = 30 * 24 * time.Hour

// Notification kinds (catalogue keys notification.<kind>).
const (
	KindReceived = "referral_received"
	KindAnswered = "referral_answered"
	KindReminder = "referral_reminder"
)

// Service is the referral service.
type Service struct {
	db     *store.DB
	Expiry time.Duration
}

// New returns a Service on db.
func New(db *store.DB) *Service { return &Service{db: db, Expiry: DefaultExpiry} }

// Input is a new referral.
type Input struct {
	ServiceID string `json:"service_id"`
	Reason    string `json:"reason"`
	Note      string `json:"note"`
	// The extract, beyond the identity: nothing by default.
	EntryIDs       []string `json:"entry_ids"`
	DocumentIDs    []string `json:"document_ids"`
	TaskIDs        []string `json:"task_ids"`
	SituationParts []string `json:"situation_parts"`
	// Basis is "consent" (ConsentOn, ConsentHow) or "legal" (LegalGround).
	Basis       string `json:"basis"`
	ConsentOn   string `json:"consent_on"`
	ConsentHow  string `json:"consent_how"`
	LegalGround string `json:"legal_ground"`
}

func (in *Input) check(today string) error {
	var p parcours.Problems
	p.Required("service_id", in.ServiceID, 100)
	p.Required("reason", in.Reason, 2000)
	p.MaxLen("note", in.Note, 4000)
	for _, s := range in.SituationParts {
		if !slices.Contains(parcours.SituationParts, s) {
			p.Add("situation_parts", "error.referral.unknown_part", s)
		}
	}
	switch in.Basis {
	case "consent":
		d, _ := time.Parse(time.DateOnly, today)
		p.Date("consent_on", in.ConsentOn, true, d)
		if !slices.Contains(parcours.InformationMethods, in.ConsentHow) {
			p.Add("consent_how", "error.field_required", "field.consent_how")
		}
	case "legal":
		p.Required("legal_ground", in.LegalGround, 500)
	default:
		p.Add("basis", "error.field_required", "field.basis")
	}
	if n := len(in.EntryIDs) + len(in.DocumentIDs) + len(in.TaskIDs); n > 200 {
		p.Add("entry_ids", "error.referral.extract_too_long", 200)
	}
	return p.Err()
}

// Create refers the person to a service with the chosen extract. The
// actor must be able to share the file (access.FileShareExternal: not
// under a break-glass, not when the person objects) and to read every
// item of the extract (422 naming the first one they may not read).
func (s *Service) Create(ctx context.Context, actor parcours.Actor, personID string, in Input) (*parcours.Referral, error) {
	var r *parcours.Referral
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		f, err := file.Open(ctx, tx, actor, access.FileShareExternal, personID)
		if err != nil {
			return err
		}
		in.Reason, in.Note = strings.TrimSpace(in.Reason), strings.TrimSpace(in.Note)
		if err := in.check(parcours.Today(tx.Now())); err != nil {
			return err
		}
		sv, err := tx.Service(ctx, in.ServiceID)
		if err == store.ErrNoRows || (err == nil && !sv.Active) {
			return parcours.FieldError(parcours.EInvalid, "service_id", "error.referral.service_unknown", "field.service_id")
		}
		if err != nil {
			return err
		}
		if sv.OrgID == actor.OrgID {
			return parcours.FieldError(parcours.EInvalid, "service_id", "error.referral.own_service", "field.service_id")
		}
		if err := f.CheckExtract(ctx, in.EntryIDs, in.DocumentIDs, in.TaskIDs, in.SituationParts); err != nil {
			return err
		}
		r = &parcours.Referral{PersonID: f.Person.ID, FromOrgID: actor.OrgID, SentBy: actor.WorkerID, ServiceID: sv.ID,
			ServiceNom: sv.Nom, ToOrgID: sv.OrgID, Reason: in.Reason, Note: in.Note, Status: parcours.ReferralSent, Basis: in.Basis,
			EntryIDs: orEmpty(in.EntryIDs), DocumentIDs: orEmpty(in.DocumentIDs), TaskIDs: orEmpty(in.TaskIDs),
			SituationParts: orEmpty(in.SituationParts), ExpiresAt: tx.Now().Add(s.Expiry).Truncate(time.Microsecond)}
		if in.Basis == "consent" {
			r.ConsentOn, r.ConsentHow = in.ConsentOn, in.ConsentHow
		} else {
			r.LegalGround = strings.TrimSpace(in.LegalGround)
		}
		if err := tx.InsertReferral(ctx, r); err != nil {
			return err
		}
		f.Audit("referral.create", "referral", r.ID)
		if err := mailExternal(ctx, tx, f, sv, r); err != nil {
			return err
		}
		if sv.OrgID != "" {
			to, err := tx.ReferralRecipients(ctx, sv.OrgID, sv.TeamID)
			if err != nil {
				return err
			}
			for _, w := range to {
				// Identifiers only: the notification names no person of
				// another organisation.
				if err := tx.InsertNotification(ctx, &parcours.Notification{WorkerID: w, Kind: KindReceived, ObjectID: r.ID}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// View is a referral as its page shows it: the referral, its extract,
// and what the actor may do with it.
type View struct {
	Referral  *parcours.Referral `json:"referral"`
	Extract   *file.Extract      `json:"-"`
	Receiving bool               `json:"-"` // the actor is of the receiving organisation
	CanAnswer bool               `json:"-"`
	CanCancel bool               `json:"-"`
	CanEnd    bool               `json:"-"`
	CanWrite  bool               `json:"-"`
	// CanReferBack: the actor, of the organisation that received the
	// file, may send a referral in the other direction.
	CanReferBack bool `json:"-"`
}

// Get returns a referral with its extract, read through the door and
// audited (referral.read on the person: a read by the receiving
// structure is in the person's access log, named by structure). The
// receiving organisation's first reading marks it received.
func (s *Service) Get(ctx context.Context, actor parcours.Actor, id string) (*View, error) {
	var v *View
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		f, r, err := file.OpenReferral(ctx, tx, actor, access.ReferralRead, id)
		if err != nil {
			return err
		}
		x, err := f.Extract(ctx, r)
		if err != nil {
			return err
		}
		receiving := actor.OrgID == r.ToOrgID
		if receiving && r.Status == parcours.ReferralSent {
			r.Status, r.ReceivedAt = parcours.ReferralReceived, tx.Now().Truncate(time.Microsecond)
			if err := tx.UpdateReferral(ctx, r); err != nil {
				return err
			}
			f.Audit("referral.receive", "referral", r.ID)
		}
		f.Audit("referral.read", "referral", r.ID)
		v = &View{Referral: r, Extract: x, Receiving: receiving,
			CanAnswer: receiving && parcours.ReferralPending(r.Status) && f.Can(access.ReferralAnswer),
			CanEnd:    receiving && r.Status == parcours.ReferralAccepted && f.Can(access.ReferralEnd),
			CanWrite:  receiving && f.Can(access.JournalWrite),
			CanCancel: actor.OrgID == r.FromOrgID && (parcours.ReferralPending(r.Status) || r.Status == parcours.ReferralAccepted) && f.Can(access.ReferralCancel),
			// Referring back from a received file (or onward to a third
			// service), with what the receiving organisation wrote.
			CanReferBack: f.Share() != nil && f.Can(access.FileShareExternal)}
		return nil
	})
	return v, err
}

// AcceptInput is the receiving organisation's choice on accepting: to
// open an accompaniment of its own (of a kind of its catalogue), of which
// the accepting worker is the referent in their first team. Ending that
// accompaniment ends the referral and its share at once.
type AcceptInput struct {
	OpenAccompaniment bool   `json:"open_accompaniment"`
	Kind              string `json:"kind"`
}

// Accept takes the person in: the receiving organisation now follows
// them (the referral holds its follow-up, ended by End) and writes in the
// file. Accepting an answered referral is a conflict.
func (s *Service) Accept(ctx context.Context, actor parcours.Actor, id string) (*parcours.Referral, error) {
	return s.AcceptWith(ctx, actor, id, AcceptInput{})
}

// AcceptWith is Accept with the choice of opening an accompaniment.
func (s *Service) AcceptWith(ctx context.Context, actor parcours.Actor, id string, in AcceptInput) (*parcours.Referral, error) {
	return s.answer(ctx, actor, id, access.ReferralAnswer, func(tx *store.Tx, r *parcours.Referral) (string, error) {
		if !parcours.ReferralPending(r.Status) {
			return "", parcours.Errorf(parcours.EConflict, "error.referral.already_answered")
		}
		r.Status, r.AnsweredAt, r.AnsweredBy = parcours.ReferralAccepted, tx.Now().Truncate(time.Microsecond), actor.WorkerID
		if in.OpenAccompaniment {
			a, err := openFollowUp(ctx, tx, actor, r, strings.TrimSpace(in.Kind))
			if err != nil {
				return "", err
			}
			r.AccompanimentID = a.ID
		}
		return "referral.accept", nil
	})
}

// openFollowUp opens the receiving organisation's accompaniment of the
// person: of the organisation's catalogue, referent the accepting worker,
// in the service's team when they are in it, else their first team.
func openFollowUp(ctx context.Context, tx *store.Tx, actor parcours.Actor, r *parcours.Referral, kind string) (*parcours.Accompaniment, error) {
	ks, err := tx.AccompanimentKinds(ctx, actor.OrgID)
	if err != nil {
		return nil, err
	}
	known := false
	for _, k := range ks {
		known = known || (k.Code == kind && k.Active)
	}
	if len(ks) == 0 {
		// The defaults, until the organisation first edits its catalogue.
		for _, k := range parcours.DefaultAccompanimentKinds {
			known = known || k.Code == kind
		}
	}
	if kind == "" {
		return nil, parcours.FieldError(parcours.EInvalid, "kind", "error.field_required", "field.cf.kind")
	}
	if !known {
		return nil, parcours.FieldError(parcours.EInvalid, "kind", "error.invalid_choice", "field.cf.kind", kind)
	}
	if len(actor.TeamIDs) == 0 {
		return nil, parcours.FieldError(parcours.EInvalid, "team_id", "error.field_required", "field.cf.team_id")
	}
	team := actor.TeamIDs[0]
	if sv, err := tx.Service(ctx, r.ServiceID); err == nil && sv.TeamID != "" && slices.Contains(actor.TeamIDs, sv.TeamID) {
		team = sv.TeamID
	}
	a := &parcours.Accompaniment{OrgID: actor.OrgID, PersonID: r.PersonID, TeamID: team, ReferentID: actor.WorkerID, Kind: kind,
		StartDate: parcours.Today(tx.Now()), CreatedBy: actor.WorkerID}
	if err := tx.InsertAccompaniment(ctx, a); err != nil {
		return nil, err
	}
	return a, nil
}

// Refuse declines the referral with a reason; the share ends at once.
func (s *Service) Refuse(ctx context.Context, actor parcours.Actor, id, reason string) (*parcours.Referral, error) {
	reason = strings.TrimSpace(reason)
	return s.answer(ctx, actor, id, access.ReferralAnswer, func(tx *store.Tx, r *parcours.Referral) (string, error) {
		if !parcours.ReferralPending(r.Status) {
			return "", parcours.Errorf(parcours.EConflict, "error.referral.already_answered")
		}
		if reason == "" {
			return "", parcours.FieldError(parcours.EInvalid, "refusal_reason", "error.field_required", "field.refusal_reason")
		}
		if utf8.RuneCountInString(reason) > 1000 {
			return "", parcours.FieldError(parcours.EInvalid, "refusal_reason", "error.field_too_long", "field.refusal_reason", 1000)
		}
		r.Status, r.AnsweredAt, r.AnsweredBy, r.RefusalReason = parcours.ReferralRefused, tx.Now().Truncate(time.Microsecond), actor.WorkerID, reason
		return "referral.refuse", nil
	})
}

// End ends the receiving organisation's follow-up: the share ends at
// once, and so does the accompaniment opened on accepting (with
// endReason, one of parcours.EndReasons; "autre" when empty).
func (s *Service) End(ctx context.Context, actor parcours.Actor, id string) (*parcours.Referral, error) {
	return s.EndWith(ctx, actor, id, "")
}

// EndWith is End with the reason the accompaniment ends.
func (s *Service) EndWith(ctx context.Context, actor parcours.Actor, id, endReason string) (*parcours.Referral, error) {
	if endReason == "" {
		endReason = "autre"
	}
	if !slices.Contains(parcours.EndReasons, endReason) {
		return nil, parcours.FieldError(parcours.EInvalid, "end_reason", "error.invalid_choice", "field.cf.end_reason", endReason)
	}
	return s.answer(ctx, actor, id, access.ReferralEnd, func(tx *store.Tx, r *parcours.Referral) (string, error) {
		if r.Status != parcours.ReferralAccepted {
			return "", parcours.Errorf(parcours.EConflict, "error.referral.not_accepted")
		}
		r.Status, r.EndedAt, r.EndedBy = parcours.ReferralEnded, tx.Now().Truncate(time.Microsecond), actor.WorkerID
		if r.AccompanimentID != "" {
			if _, err := tx.EndAccompaniment(ctx, r.AccompanimentID, parcours.Today(tx.Now()), endReason, ""); err != nil {
				return "", err
			}
		}
		return "referral.end", nil
	})
}

// EndFollowUp ends, in the caller's transaction, the accepted referral
// whose follow-up is the accompaniment accompanimentID (just ended by
// actor): its share ends at once. It reports the referral ended, if any.
func EndFollowUp(ctx context.Context, tx *store.Tx, actor parcours.Actor, accompanimentID string) (*parcours.Referral, error) {
	r, err := tx.ReferralOfAccompaniment(ctx, accompanimentID)
	if errors.Is(err, store.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	r.Status, r.EndedAt, r.EndedBy = parcours.ReferralEnded, tx.Now().Truncate(time.Microsecond), actor.WorkerID
	return r, tx.UpdateReferral(ctx, r)
}

// Cancel withdraws a referral (sending side): the share ends at once.
func (s *Service) Cancel(ctx context.Context, actor parcours.Actor, id string) (*parcours.Referral, error) {
	return s.answer(ctx, actor, id, access.ReferralCancel, func(tx *store.Tx, r *parcours.Referral) (string, error) {
		if !parcours.ReferralPending(r.Status) && r.Status != parcours.ReferralAccepted {
			return "", parcours.Errorf(parcours.EConflict, "error.referral.closed")
		}
		r.Status, r.EndedAt, r.EndedBy = parcours.ReferralCancelled, tx.Now().Truncate(time.Microsecond), actor.WorkerID
		return "referral.cancel", nil
	})
}

// answer opens the referral's file for act and applies change, on the
// side act belongs to: answering and ending are the receiving
// organisation's (through the share), cancelling the sender's.
func (s *Service) answer(ctx context.Context, actor parcours.Actor, id string, act access.Action,
	change func(*store.Tx, *parcours.Referral) (string, error)) (*parcours.Referral, error) {
	var r *parcours.Referral
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		f, got, err := file.OpenReferral(ctx, tx, actor, act, id)
		if err != nil {
			return err
		}
		r = got
		event, err := change(tx, r)
		if err != nil {
			return err
		}
		if err := tx.UpdateReferral(ctx, r); err != nil {
			return err
		}
		f.Audit(event, "referral", r.ID)
		if event == "referral.accept" || event == "referral.refuse" {
			return tx.InsertNotification(ctx, &parcours.Notification{WorkerID: r.SentBy, Kind: KindAnswered, PersonID: r.PersonID, ObjectID: r.ID})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// Box is "sent" (the referrals the actor sent: « mes orientations ») or
// "received" (the referrals sent to the actor's organisation).
const (
	BoxSent     = "sent"
	BoxReceived = "received"
)

// Item is a referral in a box, with how long it waited for an answer.
type Item struct {
	*parcours.Referral
	// Delay is the time to the answer, or until now while pending.
	DelayHours int `json:"delay_hours"`
	// SinceSentHours is the time since it was sent.
	SinceSentHours int `json:"since_sent_hours"`
	// PersonName names the person where the actor may read them now (the
	// receiving organisation: while the referral is open); "" otherwise.
	PersonName string `json:"person_name,omitempty"`
}

// SinceSentDays is SinceSentHours in whole days, for the boxes.
func (i Item) SinceSentDays() int { return i.SinceSentHours / 24 }

// List returns a box, newest first. It names the person of a referral
// only where the door says the actor may read them now
// (file.ReferralPersons): a closed referral stays unnamed to the
// receiving organisation.
func (s *Service) List(ctx context.Context, actor parcours.Actor, box, status string) ([]Item, error) {
	if err := access.Check(actor, access.ReferralInbox, access.Target{}); err != nil {
		return nil, err
	}
	f := store.ReferralFilter{Status: status}
	switch box {
	case BoxSent, "":
		f.SentBy = actor.WorkerID
	case BoxReceived:
		f.ToOrgID = actor.OrgID
	default:
		return nil, parcours.FieldError(parcours.EInvalid, "box", "error.referral.box", "field.box")
	}
	if status != "" && !slices.Contains(parcours.ReferralStatuses, status) {
		return nil, parcours.FieldError(parcours.EInvalid, "status", "error.referral.status", "field.referral_status")
	}
	var out []Item
	err := s.db.View(ctx, func(tx *store.Tx) error {
		list, err := tx.Referrals(ctx, f)
		if err != nil {
			return err
		}
		tx.Audit(audit.For(actor, "referral.list", "referral", box, ""))
		names, err := file.ReferralPersons(ctx, tx, actor, list)
		if err != nil {
			return err
		}
		out = make([]Item, 0, len(list))
		for _, r := range list {
			end := r.AnsweredAt
			if end.IsZero() {
				end = tx.Now()
			}
			it := Item{Referral: r, DelayHours: int(end.Sub(r.CreatedAt).Hours()), SinceSentHours: int(tx.Now().Sub(r.CreatedAt).Hours())}
			if p := names[r.ID]; p != nil {
				it.PersonName = p.DisplayName()
			}
			out = append(out, it)
		}
		return nil
	})
	return out, err
}

// Draft is what the new-referral form offers: the services one may refer
// to (of other organisations, or external) and the parts of the file the
// actor may put in the extract.
type Draft struct {
	Person    *parcours.Person
	Services  []*parcours.Service
	Entries   []*parcours.JournalEntry
	Documents []*parcours.Document
	Tasks     []*parcours.Task
	Parts     []string
	// Back: the file was received by referral; the form offers only what
	// the actor's organisation wrote.
	Back bool
}

// Prepare reads what the new-referral form offers, through the door,
// audited as one read of the file (referral.prepare).
func (s *Service) Prepare(ctx context.Context, actor parcours.Actor, personID string) (*Draft, error) {
	var d *Draft
	err := s.db.View(ctx, func(tx *store.Tx) error {
		f, err := file.Open(ctx, tx, actor, access.FileShareExternal, personID)
		if err != nil {
			return err
		}
		p := *f.Person
		p.NIR = ""
		d = &Draft{Person: &p, Parts: parcours.SituationParts, Entries: []*parcours.JournalEntry{},
			Documents: []*parcours.Document{}, Tasks: []*parcours.Task{}, Back: f.Share() != nil}
		if d.Back {
			d.Parts = nil // the situation is the person's organisation's record
		}
		all, err := tx.Services(ctx, store.ServiceFilter{Limit: 500})
		if err != nil {
			return err
		}
		for _, sv := range all {
			if sv.OrgID != actor.OrgID {
				d.Services = append(d.Services, sv)
			}
		}
		if f.Can(access.JournalRead) {
			rows, err := f.JournalRows(ctx, store.JournalFilter{}, nil, 100)
			if err != nil {
				return err
			}
			d.Entries = f.CanRead(rows)
		}
		if f.Can(access.DocumentRead) {
			if d.Documents, err = f.Documents(ctx, nil, 100); err != nil {
				return err
			}
		}
		if f.Can(access.TaskRead) {
			if d.Tasks, err = f.Tasks(ctx, true, nil, 100); err != nil {
				return err
			}
		}
		// Referring back from a received file offers only what the
		// actor's organisation wrote, never the extract it received.
		d.Entries, d.Documents, d.Tasks = f.OwnItems(d.Entries, d.Documents, d.Tasks)
		f.Audit("referral.prepare", "person", f.Person.ID)
		return nil
	})
	return d, err
}

// DelayDays is Delay in whole days, for the boxes.
func (i Item) DelayDays() int { return i.DelayHours / 24 }
