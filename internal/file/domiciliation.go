package file

import (
	"context"

	"parcours/internal/access"
	"parcours/internal/parcours"
	"parcours/internal/store"
)

// Domiciliations returns the file's domiciliations, newest first: the
// front desk sees them (access.DomiciliationMail) to know whether mail
// may be received for the person.
func (f *File) Domiciliations(ctx context.Context) ([]*parcours.Domiciliation, error) {
	if err := f.Check(access.DomiciliationMail); err != nil {
		return nil, err
	}
	return f.tx.PersonDomiciliations(ctx, f.IDs)
}

// MailLog returns the mail received for the person, newest first, a
// page of it (k).
func (f *File) MailLog(ctx context.Context, k store.Keyset) ([]*parcours.Mail, error) {
	if err := f.Check(access.DomiciliationMail); err != nil {
		return nil, err
	}
	return f.tx.PersonMail(ctx, f.IDs, k)
}

// OpenDomiciliation opens the file of a domiciliation and returns it.
func OpenDomiciliation(ctx context.Context, tx *store.Tx, actor parcours.Actor, act access.Action, id string) (*File, *parcours.Domiciliation, error) {
	d, err := tx.Domiciliation(ctx, id)
	if err != nil {
		return nil, nil, notFound(err)
	}
	f, err := Open(ctx, tx, actor, act, d.PersonID)
	return f, d, err
}

// OpenMail opens the file of a letter of the mail log and returns it.
func OpenMail(ctx context.Context, tx *store.Tx, actor parcours.Actor, act access.Action, id string) (*File, *parcours.Mail, error) {
	m, err := tx.Mail(ctx, id)
	if err != nil {
		return nil, nil, notFound(err)
	}
	f, err := Open(ctx, tx, actor, act, m.PersonID)
	return f, m, err
}

// DomiciliationsEnding returns the granted domiciliations ending between
// from and until of the persons the actor follows (referent or team) and
// may renew, with their names: the renewal reminders.
func DomiciliationsEnding(ctx context.Context, tx *store.Tx, actor parcours.Actor, from, until string) ([]*parcours.Domiciliation, map[string]string, error) {
	names := map[string]string{}
	list, err := tx.DomiciliationsEnding(ctx, actor.OrgID, from, until)
	if err != nil || len(list) == 0 {
		return []*parcours.Domiciliation{}, names, err
	}
	ids := make([]string, 0, len(list))
	for _, d := range list {
		ids = append(ids, d.PersonID)
	}
	files, err := OpenMany(ctx, tx, actor, ids, false)
	if err != nil {
		return nil, nil, err
	}
	out := []*parcours.Domiciliation{}
	for _, d := range list {
		f := files[d.PersonID]
		if f == nil || !(f.Rel.Referent || f.Rel.Team) || !f.Can(access.DomiciliationWrite) {
			continue
		}
		names[d.PersonID] = f.Person.DisplayName()
		out = append(out, d)
	}
	return out, names, nil
}
