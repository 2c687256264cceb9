package rights

import (
	"context"
	"slices"
	"strings"

	"parcours/internal/access"
	"parcours/internal/file"
	"parcours/internal/parcours"
	"parcours/internal/store"
)

// Domiciliation (élection de domicile, CASF L264-1): application,
// decision, one-year validity, end, and the mail log the front desk
// keeps for every domiciled person.

// DomView is a person's domiciliation: the current one (granted and in
// force, else the latest), the history and a page of the mail log.
type DomView struct {
	PersonID   string                    `json:"person_id"`
	PersonName string                    `json:"person_name"`
	Today      string                    `json:"today"`
	Current    *parcours.Domiciliation   `json:"current"`
	History    []*parcours.Domiciliation `json:"history"`
	Mail       []*parcours.Mail          `json:"mail"`
	// MailNextCursor asks for the older letters (mail_cursor), empty
	// on the last page.
	MailNextCursor string `json:"mail_next_cursor,omitempty"`
	// Domiciled: a granted domiciliation in force today.
	Domiciled bool `json:"domiciled"`
	CanWrite  bool `json:"-"`
}

// MailPage asks for a page of the mail log: Cursor from the previous
// page's MailNextCursor (empty: the newest), Limit letters (0: the
// default page).
type MailPage struct {
	Cursor string
	Limit  int
}

// domView gathers the view; the mail log is read only when mail is set,
// a page of it.
func domView(ctx context.Context, f *file.File, today string, mail *MailPage) (*DomView, error) {
	v := &DomView{PersonID: f.Person.ID, PersonName: f.Person.DisplayName(), Today: today, CanWrite: f.Can(access.DomiciliationWrite)}
	var err error
	if v.History, err = f.Domiciliations(ctx); err != nil {
		return nil, err
	}
	if mail != nil {
		page, err := store.ReadPage(mail.Cursor, mail.Limit, 3, store.MailKey, func(k store.Keyset) ([]*parcours.Mail, error) {
			return f.MailLog(ctx, k)
		})
		if err != nil {
			return nil, err
		}
		v.Mail, v.MailNextCursor = page.Items, page.NextCursor
	}
	for _, d := range v.History {
		if d.Status == parcours.DomGranted && d.ValidFrom <= today && today <= d.ValidTo {
			v.Current, v.Domiciled = d, true
			break
		}
	}
	if v.Current == nil && len(v.History) > 0 {
		v.Current = v.History[0]
	}
	return v, nil
}

// Domiciliation returns a person's domiciliation and a page of the mail
// log: the front desk's view as well as the worker's.
func (s *Service) Domiciliation(ctx context.Context, actor parcours.Actor, personID string, mail MailPage) (out *DomView, err error) {
	defer wrap(&err, "rights: domiciliation")
	err = s.db.View(ctx, func(tx *store.Tx) error {
		f, err := file.Open(ctx, tx, actor, access.DomiciliationMail, personID)
		if err != nil {
			return err
		}
		if out, err = domView(ctx, f, parcours.Today(tx.Now()), &mail); err != nil {
			return err
		}
		f.Audit("domiciliation.read", "person", f.Person.ID)
		return nil
	})
	return out, err
}

// DomApplication is an application for domiciliation.
type DomApplication struct {
	AppliedOn string `json:"applied_on"`
}

// ApplyDomiciliation records an application (409 while one is pending or
// in force).
func (s *Service) ApplyDomiciliation(ctx context.Context, actor parcours.Actor, personID string, in DomApplication) (d *parcours.Domiciliation, err error) {
	defer wrap(&err, "rights: apply domiciliation")
	err = s.db.Transact(ctx, func(tx *store.Tx) error {
		f, err := file.Open(ctx, tx, actor, access.DomiciliationWrite, personID)
		if err != nil {
			return err
		}
		today := parcours.Today(tx.Now())
		d = &parcours.Domiciliation{OrgID: f.Person.OrgID, PersonID: f.Person.ID, AppliedOn: in.AppliedOn, Status: parcours.DomApplied,
			CreatedBy: actor.WorkerID}
		if d.AppliedOn == "" {
			d.AppliedOn = today
		}
		v := parcours.Problems{Labels: labels}
		v.Date("applied_on", d.AppliedOn, true, mustDate(today))
		if err := v.Err(); err != nil {
			return err
		}
		list, err := f.Domiciliations(ctx)
		if err != nil {
			return err
		}
		if slices.ContainsFunc(list, func(x *parcours.Domiciliation) bool {
			return x.Status == parcours.DomApplied || (x.Status == parcours.DomGranted && today <= x.ValidTo && x.ValidTo > AddDays(today, 60))
		}) {
			return parcours.Errorf(parcours.EConflict, "error.domiciliation.pending")
		}
		if err := tx.InsertDomiciliation(ctx, d); err != nil {
			return err
		}
		f.Audit("domiciliation.apply", "domiciliation", d.ID)
		return nil
	})
	return d, err
}

// DomDecision decides an application: granted for one year from
// valid_from (today by default), or refused with a motive.
type DomDecision struct {
	Decision  string `json:"decision"`
	Motive    string `json:"motive"`
	ValidFrom string `json:"valid_from"`
}

// DecideDomiciliation records the decision (409 once decided).
func (s *Service) DecideDomiciliation(ctx context.Context, actor parcours.Actor, id string, in DomDecision) (d *parcours.Domiciliation, err error) {
	defer wrap(&err, "rights: decide domiciliation")
	err = s.db.Transact(ctx, func(tx *store.Tx) error {
		f, old, err := file.OpenDomiciliation(ctx, tx, actor, access.DomiciliationWrite, id)
		if err != nil {
			return err
		}
		if old.Status != parcours.DomApplied {
			return parcours.Errorf(parcours.EConflict, "error.domiciliation.decided")
		}
		today := parcours.Today(tx.Now())
		c := *old
		d = &c
		d.DecidedOn, d.Motive, d.Status = today, strings.TrimSpace(in.Motive), in.Decision
		v := parcours.Problems{Labels: labels}
		switch in.Decision {
		case parcours.DomGranted:
			d.ValidFrom = in.ValidFrom
			if d.ValidFrom == "" {
				d.ValidFrom = today
			}
			v.Date("valid_from", d.ValidFrom, true, mustDate(AddDays(today, 31)))
			if from, err := parcours.ParseDate(d.ValidFrom); err == nil {
				d.ValidTo = from.AddDate(1, 0, -1).Format("2006-01-02")
			}
		case parcours.DomRefused:
			if d.Motive == "" {
				v.Add("motive", "error.domiciliation.motive_required", label("motive"))
			}
		default:
			v.Add("decision", "error.invalid_choice", label("decision"), in.Decision)
		}
		v.MaxLen("motive", d.Motive, 1000)
		if err := v.Err(); err != nil {
			return err
		}
		ok, err := tx.DecideDomiciliation(ctx, d)
		if err != nil {
			return err
		}
		if !ok {
			return parcours.Errorf(parcours.EConflict, "error.domiciliation.decided")
		}
		f.Audit("domiciliation.decide", "domiciliation", d.ID)
		return nil
	})
	return d, err
}

// DomEnd ends a domiciliation before its term (moved, no longer in
// contact…).
type DomEnd struct {
	Reason string `json:"reason"`
}

// EndDomiciliation ends a granted domiciliation (409 otherwise).
func (s *Service) EndDomiciliation(ctx context.Context, actor parcours.Actor, id string, in DomEnd) (d *parcours.Domiciliation, err error) {
	defer wrap(&err, "rights: end domiciliation")
	err = s.db.Transact(ctx, func(tx *store.Tx) error {
		f, old, err := file.OpenDomiciliation(ctx, tx, actor, access.DomiciliationWrite, id)
		if err != nil {
			return err
		}
		reason := strings.TrimSpace(in.Reason)
		v := parcours.Problems{Labels: labels}
		v.Required("reason", reason, 500)
		if err := v.Err(); err != nil {
			return err
		}
		today := parcours.Today(tx.Now())
		ok, err := tx.EndDomiciliation(ctx, old.ID, today, reason)
		if err != nil {
			return err
		}
		if !ok {
			return parcours.Errorf(parcours.EConflict, "error.domiciliation.not_granted")
		}
		c := *old
		d = &c
		d.Status, d.EndedOn, d.EndReason = parcours.DomEnded, today, reason
		f.Audit("domiciliation.end", "domiciliation", d.ID)
		return nil
	})
	return d, err
}

// MailInput is a letter received for a domiciled person.
type MailInput struct {
	ReceivedOn string `json:"received_on"`
	Sender     string `json:"sender"`
	Kind       string `json:"kind"`
}

// RecordMail logs a letter received for the person, who must be
// domiciled today (422 otherwise). The front desk does it.
func (s *Service) RecordMail(ctx context.Context, actor parcours.Actor, personID string, in MailInput) (m *parcours.Mail, err error) {
	defer wrap(&err, "rights: record mail")
	err = s.db.Transact(ctx, func(tx *store.Tx) error {
		f, err := file.Open(ctx, tx, actor, access.DomiciliationMail, personID)
		if err != nil {
			return err
		}
		today := parcours.Today(tx.Now())
		v0, err := domView(ctx, f, today, nil)
		if err != nil {
			return err
		}
		m = &parcours.Mail{PersonID: f.Person.ID, ReceivedOn: in.ReceivedOn, Sender: strings.TrimSpace(in.Sender), Kind: in.Kind,
			Status: "received", CreatedBy: actor.WorkerID}
		if m.ReceivedOn == "" {
			m.ReceivedOn = today
		}
		v := parcours.Problems{Labels: labels}
		if !v0.Domiciled {
			v.Add("form", "error.domiciliation.not_domiciled")
		} else {
			m.DomiciliationID = v0.Current.ID
		}
		v.Date("received_on", m.ReceivedOn, true, mustDate(today))
		v.Required("sender", m.Sender, 200)
		v.Choice("kind", m.Kind, parcours.MailKinds, true)
		if err := v.Err(); err != nil {
			return err
		}
		if err := tx.InsertMail(ctx, f.Person.OrgID, m); err != nil {
			return err
		}
		f.Audit("domiciliation.mail", "mail", m.ID)
		return nil
	})
	return m, err
}

// MailUpdate records that a letter was handed over or returned.
type MailUpdate struct {
	Status string `json:"status"`
}

// UpdateMail records what became of a letter (409 once it left).
func (s *Service) UpdateMail(ctx context.Context, actor parcours.Actor, id string, in MailUpdate) (m *parcours.Mail, err error) {
	defer wrap(&err, "rights: update mail")
	err = s.db.Transact(ctx, func(tx *store.Tx) error {
		f, old, err := file.OpenMail(ctx, tx, actor, access.DomiciliationMail, id)
		if err != nil {
			return err
		}
		if in.Status != "handed_over" && in.Status != "returned" {
			return parcours.FieldError(parcours.EInvalid, "status", "error.invalid_choice", label("mail_status"), in.Status)
		}
		today := parcours.Today(tx.Now())
		ok, err := tx.SetMailStatus(ctx, old.ID, in.Status, today)
		if err != nil {
			return err
		}
		if !ok {
			return parcours.Errorf(parcours.EConflict, "error.domiciliation.mail_gone")
		}
		c := *old
		m = &c
		m.Status, m.ChangedOn = in.Status, today
		f.Audit("domiciliation.mail_update", "mail", m.ID)
		return nil
	})
	return m, err
}

// Attestation is what the attestation of domiciliation prints.
type Attestation struct {
	Domiciliation *parcours.Domiciliation
	Person        *parcours.Person
	Org           *parcours.Organization
}

// DomiciliationAttestation returns a granted domiciliation for its
// attestation (409 otherwise).
func (s *Service) DomiciliationAttestation(ctx context.Context, actor parcours.Actor, id string) (out *Attestation, err error) {
	defer wrap(&err, "rights: attestation")
	err = s.db.View(ctx, func(tx *store.Tx) error {
		f, d, err := file.OpenDomiciliation(ctx, tx, actor, access.DomiciliationWrite, id)
		if err != nil {
			return err
		}
		if d.Status != parcours.DomGranted {
			return parcours.Errorf(parcours.EConflict, "error.domiciliation.not_granted")
		}
		o, err := tx.Organization(ctx, d.OrgID)
		if err != nil {
			return err
		}
		out = &Attestation{Domiciliation: d, Person: f.Person, Org: o}
		f.Audit("domiciliation.attestation", "domiciliation", d.ID)
		return nil
	})
	return out, err
}
