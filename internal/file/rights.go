package file

import (
	"context"

	"parcours/internal/access"
	"parcours/internal/parcours"
	"parcours/internal/store"
)

// The rights part of a file (issue 12): procedures, autonomy checks and
// mandates. Each read checks its own action.

// Procedures returns the file's procedures, newest first, a page of
// them (k; store.Keyset{} for all).
func (f *File) Procedures(ctx context.Context, k store.Keyset) ([]*parcours.Procedure, error) {
	if err := f.Check(access.ProcedureRead); err != nil {
		return nil, err
	}
	return f.tx.PersonProcedures(ctx, f.IDs, k)
}

// AutonomyChecks returns the file's digital autonomy checks, oldest
// first, a page of them (k).
func (f *File) AutonomyChecks(ctx context.Context, k store.Keyset) ([]*parcours.AutonomyCheck, error) {
	if err := f.Check(access.AutonomyRead); err != nil {
		return nil, err
	}
	return f.tx.PersonAutonomyChecks(ctx, f.IDs, k)
}

// Mandates returns the file's mandates, newest first, a page of them
// (k).
func (f *File) Mandates(ctx context.Context, k store.Keyset) ([]*parcours.Mandate, error) {
	if err := f.Check(access.MandateRead); err != nil {
		return nil, err
	}
	list, err := f.tx.PersonMandates(ctx, f.IDs, k)
	if err != nil {
		return nil, err
	}
	return list, f.tx.FillMandateScans(ctx, list)
}

// OpenProcedure opens the file of a procedure and returns it.
func OpenProcedure(ctx context.Context, tx *store.Tx, actor parcours.Actor, act access.Action, id string) (*File, *parcours.Procedure, error) {
	p, err := tx.Procedure(ctx, id)
	if err != nil {
		return nil, nil, notFound(err)
	}
	f, err := Open(ctx, tx, actor, act, p.PersonID)
	return f, p, err
}

// Procedure returns one procedure of the file, else NotFound.
func (f *File) Procedure(ctx context.Context, id string) (*parcours.Procedure, error) {
	p, err := f.tx.Procedure(ctx, id)
	if err != nil {
		return nil, notFound(err)
	}
	if !f.Owns(p.PersonID) {
		return nil, parcours.NotFound()
	}
	return p, nil
}

// OpenMandate opens the file of a mandate and returns it.
func OpenMandate(ctx context.Context, tx *store.Tx, actor parcours.Actor, act access.Action, id string) (*File, *parcours.Mandate, error) {
	m, err := tx.Mandate(ctx, id)
	if err != nil {
		return nil, nil, notFound(err)
	}
	f, err := Open(ctx, tx, actor, act, m.PersonID)
	return f, m, err
}

// Mandate returns one mandate of the file, else NotFound.
func (f *File) Mandate(ctx context.Context, id string) (*parcours.Mandate, error) {
	m, err := f.tx.Mandate(ctx, id)
	if err != nil {
		return nil, notFound(err)
	}
	if !f.Owns(m.PersonID) {
		return nil, parcours.NotFound()
	}
	return m, f.tx.FillMandateScans(ctx, []*parcours.Mandate{m})
}

// ProceduresToFollow returns the actor's open procedures with a next step
// due on or before until, of files the actor may still read, with the
// person's name; each file shown is audited (procedure.follow_up). The
// files are opened in one statement.
func ProceduresToFollow(ctx context.Context, tx *store.Tx, actor parcours.Actor, until string, limit int) ([]*parcours.Procedure, error) {
	list, err := tx.ProceduresToFollow(ctx, actor.WorkerID, until, limit)
	if err != nil || len(list) == 0 {
		return []*parcours.Procedure{}, err
	}
	ids := make([]string, 0, len(list))
	for _, p := range list {
		ids = append(ids, p.PersonID)
	}
	files, err := OpenMany(ctx, tx, actor, ids, false)
	if err != nil {
		return nil, err
	}
	out := []*parcours.Procedure{}
	for _, p := range list {
		f := files[p.PersonID]
		if f == nil || !f.Can(access.ProcedureRead) {
			continue
		}
		p.PersonName = f.Person.DisplayName()
		out = append(out, p)
	}
	return out, nil
}

// MandatesEnding returns the actor's unrevoked mandates ending between
// from and until, of files the actor may still read.
func MandatesEnding(ctx context.Context, tx *store.Tx, actor parcours.Actor, from, until string) ([]*parcours.Mandate, map[string]string, error) {
	list, err := tx.MandatesEnding(ctx, actor.WorkerID, from, until)
	names := map[string]string{}
	if err != nil || len(list) == 0 {
		return []*parcours.Mandate{}, names, err
	}
	ids := make([]string, 0, len(list))
	for _, m := range list {
		ids = append(ids, m.PersonID)
	}
	files, err := OpenMany(ctx, tx, actor, ids, false)
	if err != nil {
		return nil, nil, err
	}
	out := []*parcours.Mandate{}
	for _, m := range list {
		f := files[m.PersonID]
		if f == nil || !f.Can(access.MandateRead) {
			continue
		}
		names[m.PersonID] = f.Person.DisplayName()
		out = append(out, m)
	}
	return out, names, tx.FillMandateScans(ctx, out)
}

// supportingDocument makes d a document of the file that may support a
// mandate or an aid request: a new upload (no ID yet) is recorded among
// the file's documents, which needs the right to write them; one already
// there needs the right to read them and must be the file's.
func (f *File) supportingDocument(ctx context.Context, d *parcours.Document) error {
	if d.ID == "" {
		if err := f.Check(access.DocumentWrite); err != nil {
			return err
		}
		return f.insertDocument(ctx, d)
	}
	if err := f.Check(access.DocumentRead); err != nil {
		return err
	}
	if !f.Owns(d.PersonID) {
		return parcours.NotFound()
	}
	return nil
}

// AttachMandateScan makes a document the current scan of mandate m of
// the file: d is either a new upload (no ID yet: recorded among the
// file's documents, which needs the right to write them) or a document
// already on the file. A replaced scan stays a document of the file and
// stays listed on the mandate: documents are append-only, and the proof
// of what the person signed is not for a worker to erase. Audited as
// mandate.scan (and document.create for an upload). false when d already
// is one of m's scans.
func (f *File) AttachMandateScan(ctx context.Context, m *parcours.Mandate, d *parcours.Document) (bool, error) {
	if err := f.Check(access.MandateWrite); err != nil {
		return false, err
	}
	if !f.Owns(m.PersonID) {
		return false, parcours.NotFound()
	}
	if err := f.supportingDocument(ctx, d); err != nil {
		return false, err
	}
	ok, err := f.tx.AddMandateScan(ctx, m, d.ID, f.actor.ID())
	if err != nil || !ok {
		return false, err
	}
	f.Audit("mandate.scan", "mandate", m.ID)
	return true, nil
}
