package rights

import (
	"context"
	"io"
	"strings"
	"time"

	"parcours/internal/access"
	"parcours/internal/casefile"
	"parcours/internal/file"
	"parcours/internal/parcours"
	"parcours/internal/store"
)

// AutonomyInput is a digital autonomy check.
type AutonomyInput struct {
	CheckedOn     string `json:"checked_on"`
	Equipment     string `json:"equipment"`
	Connection    string `json:"connection"`
	Email         string `json:"email"`
	FranceConnect string `json:"franceconnect"`
	Alone         string `json:"alone"`
	Language      string `json:"language"`
}

// AddAutonomyCheck records a dated digital autonomy check on a file.
func (s *Service) AddAutonomyCheck(ctx context.Context, actor parcours.Actor, personID string, in AutonomyInput) (c *parcours.AutonomyCheck, err error) {
	defer wrap(&err, "rights: autonomy check")
	err = s.db.Transact(ctx, func(tx *store.Tx) error {
		f, err := file.Open(ctx, tx, actor, access.AutonomyWrite, personID)
		if err != nil {
			return err
		}
		today := parcours.Today(tx.Now())
		c = &parcours.AutonomyCheck{PersonID: f.Person.ID, CheckedOn: in.CheckedOn, Equipment: in.Equipment, Connection: in.Connection,
			Email: in.Email, FranceConnect: in.FranceConnect, Alone: in.Alone, Language: in.Language, CreatedBy: actor.WorkerID}
		if c.CheckedOn == "" {
			c.CheckedOn = today
		}
		v := parcours.Problems{Labels: labels}
		v.Date("checked_on", c.CheckedOn, true, mustDate(today))
		v.Choice("equipment", c.Equipment, parcours.AutonomyEquipment, true)
		v.Choice("connection", c.Connection, parcours.AutonomyConnection, true)
		v.Choice("email", c.Email, parcours.AutonomyEmail, true)
		v.Choice("franceconnect", c.FranceConnect, parcours.AutonomyFC, true)
		v.Choice("alone", c.Alone, parcours.AutonomyAlone, true)
		v.Choice("language", c.Language, parcours.AutonomyLanguage, true)
		if err := v.Err(); err != nil {
			return err
		}
		c.Score = c.AutonomyScore()
		if err := tx.InsertAutonomyCheck(ctx, f.Person.OrgID, c); err != nil {
			return err
		}
		f.Audit("autonomy.create", "autonomy_check", c.ID)
		return nil
	})
	return c, err
}

// AutonomyChecks lists a person's checks, oldest first (the progress),
// a page at a time.
func (s *Service) AutonomyChecks(ctx context.Context, actor parcours.Actor, personID, cursor string, limit int) (out parcours.Page[*parcours.AutonomyCheck], err error) {
	defer wrap(&err, "rights: autonomy checks")
	err = s.db.View(ctx, func(tx *store.Tx) error {
		f, err := file.Open(ctx, tx, actor, access.AutonomyRead, personID)
		if err != nil {
			return err
		}
		if out, err = store.ReadPage(cursor, limit, 3, store.AutonomyKey, func(k store.Keyset) ([]*parcours.AutonomyCheck, error) {
			return f.AutonomyChecks(ctx, k)
		}); err != nil {
			return err
		}
		f.Audit("autonomy.list", "person", f.Person.ID)
		return nil
	})
	return out, err
}

// MandateInput is a mandate the person gives: to a worker of the
// structure (the actor by default), for named procedures (right codes of
// the catalogue), starting today or later, for at most a year.
type MandateInput struct {
	WorkerID   string   `json:"worker_id"`
	Procedures []string `json:"procedures"`
	StartDate  string   `json:"start_date"`
	EndDate    string   `json:"end_date"`
	DocumentID string   `json:"document_id"`
}

// RevokeInput is the person's revocation, recorded by a worker.
type RevokeInput struct {
	RevokedOn string `json:"revoked_on"`
	Note      string `json:"note"`
}

// CreateMandate records a mandate. A mandate longer than one year or
// starting in the past is refused (422).
func (s *Service) CreateMandate(ctx context.Context, actor parcours.Actor, personID string, in MandateInput) (m *parcours.Mandate, err error) {
	defer wrap(&err, "rights: create mandate")
	err = s.db.Transact(ctx, func(tx *store.Tx) error {
		f, err := file.Open(ctx, tx, actor, access.MandateWrite, personID)
		if err != nil {
			return err
		}
		today := parcours.Today(tx.Now())
		m = &parcours.Mandate{OrgID: f.Person.OrgID, PersonID: f.Person.ID, WorkerID: in.WorkerID, StartDate: in.StartDate,
			EndDate: in.EndDate, DocumentID: in.DocumentID, CreatedBy: actor.WorkerID}
		if m.WorkerID == "" {
			m.WorkerID = actor.WorkerID
		}
		if m.StartDate == "" {
			m.StartDate = today
		}
		v := parcours.Problems{Labels: labels}
		w, err := tx.Worker(ctx, m.WorkerID)
		if err != nil || w.OrgID != m.OrgID || w.Disabled || (w.Role != parcours.RoleWorker && w.Role != parcours.RoleManager) {
			v.Add("worker_id", "error.rights.mandate_worker", label("worker_id"))
		}
		cat, err := catalogue(ctx, tx, m.OrgID, true)
		if err != nil {
			return err
		}
		seen := map[string]bool{}
		for _, code := range in.Procedures {
			if code = strings.TrimSpace(code); code == "" || seen[code] {
				continue
			}
			seen[code] = true
			if cat.Find(code) == nil {
				v.Add("procedures", "error.rights.unknown_right", code)
				continue
			}
			m.Procedures = append(m.Procedures, code)
		}
		if len(m.Procedures) == 0 && len(in.Procedures) == 0 {
			v.Add("procedures", "error.field_required", label("procedures"))
		}
		v.Date("start_date", m.StartDate, true, time.Time{})
		v.Date("end_date", m.EndDate, true, time.Time{})
		if start, err1 := parcours.ParseDate(m.StartDate); err1 == nil {
			if m.StartDate < today {
				v.Add("start_date", "error.rights.mandate_start_past", label("start_date"))
			}
			if end, err2 := parcours.ParseDate(m.EndDate); err2 == nil {
				if !end.After(start) {
					v.Add("end_date", "error.rights.mandate_end_before_start", label("end_date"))
				} else if end.After(start.AddDate(1, 0, 0)) {
					v.Add("end_date", "error.rights.mandate_too_long", label("end_date"))
				}
			}
		}
		if m.DocumentID != "" {
			d, err := f.Document(ctx, m.DocumentID)
			if err != nil {
				return err
			}
			if d == nil {
				v.Add("document_id", "error.rights.document_unknown", label("document_id"))
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		if err := tx.InsertMandate(ctx, m); err != nil {
			return err
		}
		m.Scans = []parcours.MandateScan{}
		if m.DocumentID != "" {
			m.Scans = append(m.Scans, parcours.MandateScan{DocumentID: m.DocumentID, AttachedBy: m.CreatedBy, AttachedAt: m.CreatedAt})
		}
		m.Status = m.StatusOn(today)
		f.Audit("mandate.create", "mandate", m.ID)
		return nil
	})
	return m, err
}

// RevokeMandate records that the person revoked a mandate (any time; 409
// when already revoked).
func (s *Service) RevokeMandate(ctx context.Context, actor parcours.Actor, id string, in RevokeInput) (m *parcours.Mandate, err error) {
	defer wrap(&err, "rights: revoke mandate %s", id)
	err = s.db.Transact(ctx, func(tx *store.Tx) error {
		f, old, err := file.OpenMandate(ctx, tx, actor, access.MandateWrite, id)
		if err != nil {
			return err
		}
		today := parcours.Today(tx.Now())
		on := in.RevokedOn
		if on == "" {
			on = today
		}
		v := parcours.Problems{Labels: labels}
		v.Date("revoked_on", on, true, mustDate(today))
		v.MaxLen("note", in.Note, 500)
		if err := v.Err(); err != nil {
			return err
		}
		ok, err := tx.RevokeMandate(ctx, old.ID, on, actor.WorkerID, strings.TrimSpace(in.Note))
		if err != nil {
			return err
		}
		if !ok {
			return parcours.Errorf(parcours.EConflict, "error.rights.mandate_already_revoked")
		}
		if m, err = f.Mandate(ctx, id); err != nil {
			return err
		}
		m.Status = m.StatusOn(today)
		f.Audit("mandate.revoke", "mandate", m.ID)
		return nil
	})
	return m, err
}

// Mandates lists a person's mandates, newest first, with their status,
// a page at a time.
func (s *Service) Mandates(ctx context.Context, actor parcours.Actor, personID, cursor string, limit int) (out parcours.Page[*parcours.Mandate], err error) {
	defer wrap(&err, "rights: mandates")
	err = s.db.View(ctx, func(tx *store.Tx) error {
		f, err := file.Open(ctx, tx, actor, access.MandateRead, personID)
		if err != nil {
			return err
		}
		if out, err = store.ReadPage(cursor, limit, 2, store.MandateKey, func(k store.Keyset) ([]*parcours.Mandate, error) {
			return f.Mandates(ctx, k)
		}); err != nil {
			return err
		}
		today := parcours.Today(tx.Now())
		for _, m := range out.Items {
			m.Status = m.StatusOn(today)
		}
		f.Audit("mandate.list", "person", f.Person.ID)
		return nil
	})
	return out, err
}

// Printable is what the printable mandate shows.
type Printable struct {
	Mandate    *parcours.Mandate
	Person     *parcours.Person
	WorkerName string
	OrgName    string
	Names      map[string]string // right code → name
}

// PrintMandate returns a mandate with what its printed form needs.
func (s *Service) PrintMandate(ctx context.Context, actor parcours.Actor, id string) (out *Printable, err error) {
	defer wrap(&err, "rights: print mandate %s", id)
	err = s.db.View(ctx, func(tx *store.Tx) error {
		f, m, err := file.OpenMandate(ctx, tx, actor, access.MandateWrite, id)
		if err != nil {
			return err
		}
		m.Status = m.StatusOn(parcours.Today(tx.Now()))
		out = &Printable{Mandate: m, Person: f.Person, Names: map[string]string{}}
		if w, err := tx.Worker(ctx, m.WorkerID); err == nil {
			out.WorkerName = w.FirstName + " " + w.LastName
		}
		if o, err := tx.Organization(ctx, m.OrgID); err == nil {
			out.OrgName = o.Name
		}
		cat, err := catalogue(ctx, tx, m.OrgID, false)
		if err != nil {
			return err
		}
		for _, c := range m.Procedures {
			if r := cat.Find(c); r != nil {
				out.Names[c] = r.Name
			}
		}
		f.Audit("mandate.print", "mandate", m.ID)
		return nil
	})
	return out, err
}

// ScanInput is the signed mandate's scan: a new upload (Content, with
// the file's Name) or a document already on the file (DocumentID), not
// both.
type ScanInput struct {
	DocumentID string    `json:"document_id"`
	Name       string    `json:"-"`
	Content    io.Reader `json:"-"`
}

// AttachMandateScan attaches the signed mandate's scan to a mandate,
// after it was recorded (the person signs the printed form, the worker
// scans it). An upload goes to the document store as any document of
// the file (type and size checked there). Replacing a scan keeps the
// previous one, among the file's documents and listed on the mandate.
// A revoked or expired mandate still takes its scan: it is the proof of
// what the person authorised while it ran, which matters most when a
// procedure done under it is questioned. 409 when the document already
// is one of the mandate's scans.
func (s *Service) AttachMandateScan(ctx context.Context, actor parcours.Actor, id string, in ScanInput) (m *parcours.Mandate, err error) {
	defer wrap(&err, "rights: mandate scan %s", id)
	in.DocumentID = strings.TrimSpace(in.DocumentID)
	// The actor is checked before the input is looked at and before a
	// byte is stored: a refused actor learns nothing and leaves nothing.
	err = s.db.View(ctx, func(tx *store.Tx) error {
		f, _, err := file.OpenMandate(ctx, tx, actor, access.MandateWrite, id)
		if err != nil || in.Content == nil {
			return err
		}
		return f.Check(access.DocumentWrite)
	})
	if err != nil {
		return nil, err
	}
	switch {
	case in.Content != nil && in.DocumentID != "":
		return nil, parcours.FieldError(parcours.EInvalid, "document_id", "error.rights.scan_both")
	case in.Content == nil && in.DocumentID == "":
		return nil, parcours.FieldError(parcours.EInvalid, "file", "error.rights.scan_missing")
	}
	var d *parcours.Document
	var u *casefile.Upload
	if in.Content != nil {
		if u, d, err = s.docs.UploadDocument(in.Content, in.Name, "mandat-signe", parcours.DocumentMandate); err != nil {
			return nil, err
		}
	}
	err = s.db.Transact(ctx, func(tx *store.Tx) error {
		f, old, err := file.OpenMandate(ctx, tx, actor, access.MandateWrite, id)
		if err != nil {
			return err
		}
		if u == nil {
			if d, err = f.Document(ctx, in.DocumentID); err != nil {
				return err
			}
			if d == nil {
				return parcours.FieldError(parcours.EInvalid, "document_id", "error.rights.document_unknown", label("document_id"))
			}
		}
		ok, err := f.AttachMandateScan(ctx, old, d)
		if err != nil {
			return err
		}
		if !ok {
			return parcours.FieldError(parcours.EConflict, "document_id", "error.rights.scan_already")
		}
		if m, err = f.Mandate(ctx, id); err != nil {
			return err
		}
		m.Status = m.StatusOn(parcours.Today(tx.Now()))
		return nil
	})
	if err != nil && u != nil {
		s.docs.Drop(ctx, u)
	}
	return m, err
}
