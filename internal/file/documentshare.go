package file

import (
	"context"
	"slices"

	"parcours/internal/access"
	"parcours/internal/parcours"
)

// Documents shared with the person in their portal (migration 0190): a
// worker marks a document « partagé avec la personne »; the portal lists
// and downloads those only.

// DocumentShares returns the current decisions about the file's
// documents, by document id, for the workers' pages.
func (f *File) DocumentShares(ctx context.Context) (map[string]*parcours.DocumentShare, error) {
	if err := f.Check(access.DocumentRead); err != nil {
		return nil, err
	}
	return f.tx.DocumentShares(ctx, f.IDs)
}

// ShareDocument records whether document id is shown to the person in
// their portal. Audited as document.share (objects of type document).
func (f *File) ShareDocument(ctx context.Context, id string, shared bool) (*parcours.DocumentShare, error) {
	if err := f.Check(access.DocumentShare); err != nil {
		return nil, err
	}
	d, err := f.Document(ctx, id)
	if err != nil {
		return nil, err
	}
	if d == nil {
		return nil, parcours.NotFound()
	}
	s := &parcours.DocumentShare{DocumentID: d.ID, PersonID: d.PersonID, Shared: shared, SetBy: f.actor.ID()}
	if err := f.tx.InsertDocumentShare(ctx, s); err != nil {
		return nil, err
	}
	f.AuditAbout("document.share", "document", d.ID, d.PersonID)
	return s, nil
}

// SharedDocuments returns the documents of the file marked « partagé
// avec la personne », newest first: what the person's portal shows.
func (f *File) SharedDocuments(ctx context.Context) ([]*parcours.Document, error) {
	if err := f.Check(access.PortalRead); err != nil {
		return nil, err
	}
	list, err := f.Documents(ctx, nil, 10000)
	if err != nil {
		return nil, err
	}
	shares, err := f.tx.DocumentShares(ctx, f.IDs)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(list, func(d *parcours.Document) bool { s := shares[d.ID]; return s == nil || !s.Shared }), nil
}

// SharedDocument returns document id when it is of the file and shared
// with the person; nil otherwise (not found for the portal).
func (f *File) SharedDocument(ctx context.Context, id string) (*parcours.Document, error) {
	if err := f.Check(access.PortalRead); err != nil {
		return nil, err
	}
	if err := f.Check(access.DocumentRead); err != nil {
		return nil, err
	}
	d, err := f.Document(ctx, id)
	if err != nil || d == nil {
		return nil, err
	}
	shares, err := f.tx.DocumentShares(ctx, f.IDs)
	if err != nil {
		return nil, err
	}
	if s := shares[d.ID]; s == nil || !s.Shared {
		return nil, nil
	}
	return d, nil
}
